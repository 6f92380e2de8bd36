"""A real Celery worker process, through the real Redis broker, writing to the
test database."""

import contextlib
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections

from tests import factories
from thrasos.core.models import ServiceHeartbeat
from thrasos.core.tasks import record_heartbeat

ROOT = Path(__file__).resolve().parents[2]


def _url(credentials: dict, db: dict) -> str:
    user, password = credentials["USER"], credentials["PASSWORD"]
    return f"postgres://{user}:{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.fixture
def worker():
    queue = f"test-{uuid.uuid4().hex}"
    test_db = connections["default"].settings_dict
    env = {
        **os.environ,
        # The worker talks to the test database, as the same roles as the tests.
        "DATABASE_URL": _url(test_db, test_db),
        "DATABASE_OWNER_URL": _url(connections["owner"].settings_dict, test_db),
        "REDIS_URL": settings.REDIS_URL,
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "thrasos",
            "worker",
            "--pool=solo",
            "--without-mingle",
            "--without-gossip",
            "--loglevel=INFO",
            "-Q",
            queue,
            "--include",
            "tests.core.worker_tasks",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    yield queue
    process.terminate()
    try:
        output, _ = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
    print(output)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_a_task_through_redis_and_writes_the_database(worker):
    name = f"probe-{uuid.uuid4().hex[:8]}"
    assert not ServiceHeartbeat.objects.filter(name=name).exists()
    result = record_heartbeat.apply_async(args=[name], queue=worker)
    returned = result.get(timeout=90)
    heartbeat = ServiceHeartbeat.objects.get(name=name)
    assert returned == heartbeat.last_seen.isoformat()
    assert heartbeat.hostname


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_tenant_task_is_sent_on_commit_and_runs_in_its_tenant(worker, two_tenants):
    """TenantTask.delay_on_commit: nothing is sent while the transaction is
    open, nothing for a rolled-back one; once committed, a real worker runs it
    inside the organisation (row-level security lets it see A's territory)."""
    from django.db import transaction

    from tests.core.worker_tasks import territory_rename
    from thrasos.accounts.models import Territory
    from thrasos.tenancy import tenant_context

    a = two_tenants["a"]
    other = factories.territory(a["org"], "Autre territoire")

    def send(territory, name):  # delay_on_commit, with this test's worker queue
        territory_rename.apply_async_on_commit(
            args=[territory.pk, name], kwargs={"organisation_id": a["org"].pk}, queue=worker
        )

    with contextlib.suppress(RuntimeError), transaction.atomic():
        send(other, "Jamais")
        raise RuntimeError("rolled back")
    with transaction.atomic():
        send(a["territory"], "Renommé")
        time.sleep(2)
        with tenant_context(a["org"]):
            assert Territory.objects.get(pk=a["territory"].pk).name == "Territoire A"
    deadline = time.monotonic() + 90
    name = "Territoire A"
    while name == "Territoire A" and time.monotonic() < deadline:
        time.sleep(0.5)
        with tenant_context(a["org"]):
            name = Territory.objects.get(pk=a["territory"].pk).name
    assert name == "Renommé"
    # One worker, in order: had the rolled-back task been sent, it would have run first.
    with tenant_context(a["org"]):
        assert Territory.objects.get(pk=other.pk).name == "Autre territoire"
