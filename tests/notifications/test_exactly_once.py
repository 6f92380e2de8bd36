"""Proof: each reminder e-mail leaves exactly once, whatever happens to the
workers and the broker.

Real worker processes (prefork, two children) through a real Redis (a private
server this test starts, stops and starts again, without persistence: its
queue is lost), sending to a real SMTP server (aiosmtpd on 127.0.0.1). 1,000
reminders fall due with e-mail at once; the worker is killed with SIGKILL
while it sends, started again, Redis is restarted (the queued and unacked
tasks vanish with it), then the beat's tasks are sent twice. In the end:
1,000 notification rows, and 1,000 e-mails received — each delivery once, none
missing, none twice."""

import contextlib
import datetime
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from email import message_from_bytes
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections
from django.utils import timezone

from beneficiaries.models import Beneficiary, normalise_name
from thrasos.accounts.models import Role
from thrasos.celery import app
from thrasos.notifications import services
from thrasos.notifications.models import Delivery, Notification
from thrasos.tenancy import tenant_context

ROOT = Path(__file__).resolve().parents[2]
COUNT = 1_000
KIND = "beneficiaries.residence_expiring"

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _url(credentials: dict, db: dict) -> str:
    user, password = credentials["USER"], credentials["PASSWORD"]
    return f"postgres://{user}:{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


class Redis:
    """A private Redis without persistence: a restart loses every message."""

    def __init__(self, tmp_path):
        self.port = _free_port()
        self.dir = tmp_path
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.dir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), 0.2),
            ):
                return
            time.sleep(0.05)
        raise RuntimeError("redis did not start")

    def stop(self) -> None:
        self.process.kill()
        self.process.wait()


class Sink:
    """A real SMTP server that keeps what it receives (aiosmtpd)."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.received: list[dict] = []
        self.lock = threading.Lock()
        sink = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                message = message_from_bytes(envelope.content)
                with sink.lock:
                    sink.received.append(
                        {
                            "delivery": message["X-Thrasos-Delivery"],
                            "message_id": message["Message-ID"],
                            "to": list(envelope.rcpt_tos),
                        }
                    )
                return "250 Message accepted"

        self.port = _free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)

    def count(self) -> int:
        with self.lock:
            return len(self.received)


class Worker:
    def __init__(self, env: dict, log: Path):
        self.env, self.log = env, log
        self.process = None

    def start(self) -> None:
        self.output = self.log.open("a")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "thrasos",
                "worker",
                "--pool=prefork",
                "--concurrency=2",
                "--without-mingle",
                "--without-gossip",
                "--loglevel=INFO",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: parent and children
        )

    def kill(self) -> None:
        """SIGKILL to the parent and its pool processes at once."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        self.output.close()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
        with contextlib.suppress(Exception):
            self.output.close()


def _due_people(tenant, today) -> None:
    """1,000 case files whose residence document expires in a week."""
    with tenant_context(tenant["org"]):
        Beneficiary.objects.bulk_create(
            Beneficiary(
                last_name=f"Personne{i}",
                first_name="Test",
                search_last_first=normalise_name(f"Personne{i} Test"),
                search_first_last=normalise_name(f"Test Personne{i}"),
                sex="F",
                birth_date=datetime.date(1990, 1, 1),
                protection_status="refugee",
                current_territory=tenant["territory"],
                residence_document_expiry=today + datetime.timedelta(days=7),
            )
            for i in range(COUNT)
        )
        services.preferences_set(
            membership=tenant["members"][Role.CASEWORKER], channels={KIND: "immediate"}
        )


def _beat(broker_url: str) -> None:
    """What beat sends: every task of the schedule, once."""
    with app.connection_for_write(broker_url) as connection:
        for entry in settings.CELERY_BEAT_SCHEDULE.values():
            app.send_task(entry["task"], connection=connection)


def _wait(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def test_each_email_leaves_exactly_once_through_kills_and_broker_loss(two_tenants, tmp_path):
    a = two_tenants["a"]
    today = timezone.localdate()
    _due_people(a, today)
    redis = Redis(tmp_path)
    redis.start()
    sink = Sink()
    sink.controller.start()
    test_db = connections["default"].settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": _url(test_db, test_db),
        "DATABASE_OWNER_URL": _url(connections["owner"].settings_dict, test_db),
        "REDIS_URL": redis.url,
        "EMAIL_URL": f"smtp://127.0.0.1:{sink.port}",
    }
    worker = Worker(env, tmp_path / "worker.log")
    try:
        worker.start()
        _beat(redis.url)  # the morning run: 1,000 reminders, 1,000 e-mails queued
        _wait(lambda: sink.count() >= COUNT // 4, 120, "the sending to start")
        worker.kill()  # in the middle of sending
        killed_at = sink.count()
        assert killed_at < COUNT, "the kill came too late to prove anything"
        worker.start()
        redis.stop()  # the broker's queue (and the unacked task) is lost
        redis.start()
        _beat(redis.url)
        _beat(redis.url)
        with tenant_context(a["org"]):
            _wait(
                lambda: Delivery.objects.filter(status="sent").count() == COUNT,
                180,
                "every delivery to be sent",
            )
        time.sleep(2)  # a duplicate in flight would arrive now
    finally:
        worker.stop()
        sink.controller.stop()
        redis.stop()
        print((tmp_path / "worker.log").read_text()[-5000:])
    with tenant_context(a["org"]):
        assert Notification.objects.filter(kind=KIND).count() == COUNT
        deliveries = {f"{d.organisation_id}-{d.pk}" for d in Delivery.objects.all()}
        assert Delivery.objects.exclude(status="sent").count() == 0
    received = [m["delivery"] for m in sink.received]
    assert len(deliveries) == COUNT
    assert len(received) == COUNT, f"{len(received) - len(set(received))} duplicates"
    assert set(received) == deliveries  # none missing, none foreign
    assert len({m["message_id"] for m in sink.received}) == COUNT
    assert {m["to"][0] for m in sink.received} == {a["members"][Role.CASEWORKER].user.email}
    print(f"killed after {killed_at} e-mails; {len(received)} received in all")
