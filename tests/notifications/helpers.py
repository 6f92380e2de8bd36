import datetime
import itertools

from thrasos.notifications import services
from thrasos.notifications.models import Delivery, Notification
from thrasos.tenancy import tenant_context

_object_ids = itertools.count(1)


def compute(org, today: datetime.date, code: str | None = None) -> dict[str, int]:
    with tenant_context(org):
        results = services.reminders_compute(today=today, codes=[code] if code else None)
    return {r.kind: r.created for r in results if r.created}


def rows(org, code: str) -> list[tuple]:
    """(recipient, object, due_on, event_on) of a kind, sorted."""
    with tenant_context(org):
        return sorted(
            Notification.objects.filter(kind=code).values_list(
                "recipient_id", "object_id", "due_on", "event_on"
            )
        )


def deliveries(org) -> list[Delivery]:
    with tenant_context(org):
        return list(Delivery.objects.order_by("id"))


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def notification_for(
    org,
    membership,
    *,
    subject="Rappel",
    kind="beneficiaries.residence_expiring",
    link="/beneficiaires/",
    created_at=None,
    read=False,
    object_id=None,
):
    """A notification row for `membership` (the route matrix, the centre's tests)."""
    from django.utils import timezone

    with tenant_context(org):
        return Notification.objects.create(
            recipient=membership,
            kind=kind,
            object_id=object_id or next(_object_ids),
            due_on=timezone.localdate(),
            event_on=timezone.localdate() + datetime.timedelta(days=30),
            subject=subject,
            link=link,
            created_at=created_at or timezone.now(),
            read_at=timezone.now() if read else None,
        )
