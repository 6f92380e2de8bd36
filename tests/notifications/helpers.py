import datetime

from thrasos.notifications import services
from thrasos.notifications.models import Delivery, Notification
from thrasos.tenancy import tenant_context


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
