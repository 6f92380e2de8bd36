"""A real Celery worker process, through the real Redis broker, writing to the
test database."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections

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
