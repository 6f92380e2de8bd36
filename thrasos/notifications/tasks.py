"""Periodic tasks of the notification centre (beat schedule: settings.py,
README "Reminders and notifications").

The sweeps run every organisation, each inside its own tenant and its own
transaction (a failure in one does not stop the others), then record their
success in ServiceHeartbeat (shown by /healthz). `deliveries_send` is not a
TenantTask on purpose: it commits once per e-mail (the claim, see
delivery.py), which one enclosing tenant transaction would prevent; it enters
the tenant for each claim itself."""

from __future__ import annotations

import datetime
import logging

from celery import shared_task
from celery.contrib.django.task import DjangoTask

from thrasos.celery import TenantTask, app
from thrasos.core.services import heartbeat_record
from thrasos.notifications import delivery, registry, services
from thrasos.tenancy import tenant_context

logger = logging.getLogger(__name__)


def _organisations() -> list[int]:
    from thrasos.accounts.models import Organisation

    return list(
        Organisation.objects.filter(is_active=True).order_by("id").values_list("id", flat=True)
    )


def _day(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def _each_organisation(name: str, work) -> dict:
    done, failed = {}, []
    for organisation_id in _organisations():
        try:
            done[organisation_id] = work(organisation_id)
        except Exception:
            logger.exception("%s failed for organisation %s", name, organisation_id)
            failed.append(organisation_id)
    if failed:
        raise RuntimeError(f"{name} failed for organisations {failed}")
    heartbeat_record(name=name)
    return done


def compute_organisation(organisation_id: int, today: datetime.date | None) -> int:
    # The daily jobs first (each commits its own work, e.g. one session
    # started at a time), so that the reminders see their outcome: a session
    # started this morning is not reported as "not started".
    for job in registry.daily_jobs():
        job.run(organisation_id=organisation_id, today=today)
    with tenant_context(organisation_id):
        results = services.reminders_compute(today=today)
    return sum(r.created for r in results)


@shared_task(acks_late=True)
def reminders_sweep(today: str | None = None) -> dict:
    """Daily: in every organisation, the daily jobs (sessions started on
    their start date where chosen), then every due reminder."""
    return _each_organisation("reminders-sweep", lambda org: compute_organisation(org, _day(today)))


@shared_task(acks_late=True)
def digests_sweep(today: str | None = None) -> dict:
    """Daily at 7:00: the digest e-mails of the day, then their sending."""

    def work(organisation_id):
        with tenant_context(organisation_id):
            return services.digests_create(today=_day(today))

    return _each_organisation("digests-sweep", work)


@shared_task(acks_late=True)
def deliveries_dispatch() -> dict:
    """Every minute: send what is due (retries after their back-off, and any
    e-mail whose task was lost with the broker)."""
    return _each_organisation("deliveries-dispatch", lambda org: delivery.send_due(org))


@app.task(
    base=DjangoTask,
    acks_late=True,
    autoretry_for=(Exception,),
    retry_backoff=5,
    retry_backoff_max=600,
    max_retries=8,
)
def deliveries_send(*, organisation_id: int) -> int:
    """Send the organisation's due e-mails (after a computation or an event).
    Safe to run twice or concurrently: each e-mail is claimed in the database."""
    return delivery.send_due(int(organisation_id))


@app.task(base=TenantTask, acks_late=True)
def reminders_compute_now(code: str, object_id: int) -> int:
    """An event's reminder (a mentor's alert), computed at once for one object."""
    results = services.reminders_compute(codes=[code], object_id=object_id)
    return sum(r.created for r in results)
