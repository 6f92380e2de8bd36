"""Operations: the management command (dry run), /healthz's periodic tasks,
the beat schedule."""

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tests.factories import UserFactory
from tests.notifications.helpers import days, rows
from thrasos.accounts.models import Role
from thrasos.notifications import tasks

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _expiring(tenant, n=1):
    for i in range(n):
        factories.beneficiary(
            tenant["org"],
            tenant["territory"],
            tenant["members"][Role.ADMIN].user,
            last_name=f"Expire{i}",
            residence_document_expiry=TODAY + days(30),
        )


def test_the_command_dry_run_prints_and_creates_nothing_then_creates(two_tenants, capsys):
    a, b = two_tenants["a"], two_tenants["b"]
    _expiring(a, 2)
    _expiring(b, 1)
    call_command("reminders_compute", organisation="org-a", day=TODAY.isoformat(), dry_run=True)
    out = capsys.readouterr().out
    assert "beneficiaries.residence_expiring: 2 to create" in out
    assert "EXPIRE0" in out and "2 to create." in out
    assert rows(a["org"], "beneficiaries.residence_expiring") == []
    call_command("reminders_compute", organisation="org-a", day=TODAY.isoformat())
    assert "2 reminders created" in capsys.readouterr().out
    assert len(rows(a["org"], "beneficiaries.residence_expiring")) == 2
    assert rows(b["org"], "beneficiaries.residence_expiring") == []  # one organisation only
    call_command("reminders_compute", organisation="org-a", day=TODAY.isoformat(), dry_run=True)
    assert "0 to create." in capsys.readouterr().out


def test_the_command_refuses_bad_arguments(two_tenants):
    with pytest.raises(CommandError, match="short name"):
        call_command("reminders_compute", organisation="nope")
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("reminders_compute", organisation="org-a", day="31/12/2026")
    with pytest.raises(CommandError, match="Unknown kind"):
        call_command("reminders_compute", organisation="org-a", kind=["x.y"])


def test_the_beat_schedule_names_the_notification_tasks_in_paris_time():
    assert settings.CELERY_TIMEZONE == "Europe/Paris"
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule["reminders-sweep"]["schedule"].hour == {6}
    assert schedule["digests-sweep"]["schedule"].hour == {7}
    assert schedule["digests-sweep"]["schedule"].minute == {0}
    assert schedule["deliveries-dispatch"]["schedule"] == 60.0


def test_healthz_shows_the_last_success_of_each_periodic_task_to_operators_only(
    client, two_tenants
):
    tasks.reminders_sweep.apply().get()
    body = client.get(reverse("healthz")).json()  # from the machine itself
    periodic = body["periodic_tasks"]
    assert set(periodic) == set(settings.CELERY_BEAT_SCHEDULE)
    assert periodic["reminders-sweep"]["last_success"] is not None
    assert periodic["reminders-sweep"]["age_seconds"] < 60
    assert periodic["digests-sweep"] == {"last_success": None, "age_seconds": None}
    remote = {"REMOTE_ADDR": "203.0.113.7"}
    client.force_login(two_tenants["a"]["members"][Role.ADMIN].user)
    assert "periodic_tasks" not in client.get(reverse("healthz"), **remote).json()
    client.force_login(UserFactory(is_staff=True))
    assert "periodic_tasks" in client.get(reverse("healthz"), **remote).json()


def test_a_failing_organisation_does_not_stop_the_others_nor_record_success(
    two_tenants, monkeypatch
):
    from thrasos.core.models import ServiceHeartbeat

    a, b = two_tenants["a"], two_tenants["b"]
    _expiring(b)
    real = tasks.compute_organisation

    def flaky(organisation_id, today):
        if organisation_id == a["org"].pk:
            raise RuntimeError("boom")
        return real(organisation_id, today)

    monkeypatch.setattr(tasks, "compute_organisation", flaky)
    with pytest.raises(RuntimeError, match="failed for organisations"):
        tasks.reminders_sweep.apply(throw=True).get()
    assert len(rows(b["org"], "beneficiaries.residence_expiring")) == 1
    assert not ServiceHeartbeat.objects.filter(name="reminders-sweep").exists()
