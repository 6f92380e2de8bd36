"""Writes of the notification centre: computing reminders (set-based), read
state, preferences and organisation options."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from thrasos.notifications import registry
from thrasos.notifications.models import (
    Channel,
    Notification,
    OrganisationOption,
    Preference,
)
from thrasos.tenancy import scoped_organisation_id

INSERT_SQL = """
WITH due AS ({select}),
new AS (
    INSERT INTO notifications_notification
        (organisation_id, recipient_id, kind, object_id, due_on, event_on, subject, link,
         created_at)
    SELECT %(organisation_id)s, d.recipient_id, %(kind)s, d.object_id, d.due_on, d.event_on,
           left(d.subject, 200), left(d.link, 300), %(now)s
    FROM due d
    WHERE d.recipient_id IS NOT NULL AND d.due_on IS NOT NULL
      AND (%(object_id)s::bigint IS NULL OR d.object_id = %(object_id)s::bigint)
    ON CONFLICT DO NOTHING
    RETURNING id, recipient_id
),
mail AS (
    INSERT INTO notifications_delivery
        (organisation_id, recipient_id, notification_id, status, attempts, next_attempt_at,
         last_error, created_at)
    SELECT %(organisation_id)s, new.recipient_id, new.id, 'pending', 0, %(now)s, '', %(now)s
    FROM new
    WHERE COALESCE(
        (SELECT p.channel FROM notifications_preference p
         WHERE p.organisation_id = %(organisation_id)s AND p.membership_id = new.recipient_id
           AND p.kind = %(kind)s),
        %(default_channel)s) = 'immediate'
    RETURNING 1
)
SELECT (SELECT count(*) FROM new), (SELECT count(*) FROM mail)
"""

PREVIEW_SQL = """
SELECT d.recipient_id, d.object_id, d.due_on, d.event_on, d.subject, d.link
FROM ({select}) d
WHERE d.recipient_id IS NOT NULL AND d.due_on IS NOT NULL
  AND (%(object_id)s::bigint IS NULL OR d.object_id = %(object_id)s::bigint)
  AND NOT EXISTS (
    SELECT 1 FROM notifications_notification n
    WHERE n.organisation_id = %(organisation_id)s AND n.kind = %(kind)s
      AND n.object_id = d.object_id AND n.due_on = d.due_on
      AND n.recipient_id = d.recipient_id)
ORDER BY d.due_on, d.object_id, d.recipient_id
"""


@dataclass
class KindResult:
    kind: str
    created: int
    emails: int


def _params(kind: registry.ReminderKind, *, today, object_id, now) -> dict:
    return {
        "organisation_id": scoped_organisation_id(),
        "today": today,
        "kind": kind.code,
        "object_id": object_id,
        "default_channel": kind.default_channel,
        "now": now,
    }


@transaction.atomic
def reminders_compute(
    *,
    today: datetime.date | None = None,
    codes: list[str] | None = None,
    object_id: int | None = None,
) -> list[KindResult]:
    """Record the reminders due `today` in the current organisation: one
    INSERT … SELECT … ON CONFLICT DO NOTHING per kind (which also creates the
    immediate e-mails' delivery rows). Idempotent: run it twice, nothing more.
    Sending is scheduled after commit."""
    today = today or timezone.localdate()
    now = timezone.now()
    results = []
    with connection.cursor() as cursor:
        for kind in registry.kinds():
            if codes is not None and kind.code not in codes:
                continue
            cursor.execute(
                INSERT_SQL.format(select=registry.resolved_select(kind)),
                _params(kind, today=today, object_id=object_id, now=now),
            )
            created, emails = cursor.fetchone()
            results.append(KindResult(kind.code, created, emails))
    if any(r.emails for r in results):
        from thrasos.notifications.tasks import deliveries_send

        deliveries_send.delay_on_commit(organisation_id=scoped_organisation_id())
    return results


def reminders_preview(
    *, today: datetime.date, codes: list[str] | None = None, object_id: int | None = None
) -> dict[str, list[tuple]]:
    """What reminders_compute would create (the dry run): rows per kind."""
    preview = {}
    with connection.cursor() as cursor:
        for kind in registry.kinds():
            if codes is not None and kind.code not in codes:
                continue
            cursor.execute(
                PREVIEW_SQL.format(select=registry.resolved_select(kind)),
                _params(kind, today=today, object_id=object_id, now=timezone.now()),
            )
            preview[kind.code] = cursor.fetchall()
    return preview


def notify_on_commit(code: str, object_id: int) -> None:
    """For a kind raised by an event (a mentor's alert): compute its
    reminders for this one object in a task, once the transaction commits."""
    from thrasos.notifications.tasks import reminders_compute_now

    reminders_compute_now.delay_on_commit(code, object_id, organisation_id=scoped_organisation_id())


# --- read state


def notification_mark_read(*, membership, notification: Notification) -> None:
    Notification.objects.filter(pk=notification.pk, recipient=membership, read_at=None).update(
        read_at=timezone.now()
    )


def notifications_mark_all_read(*, membership) -> int:
    return Notification.objects.for_member(membership).unread().update(read_at=timezone.now())


# --- preferences and options


def channel_for(membership, kind: registry.ReminderKind, chosen: dict[str, str]) -> str:
    return chosen.get(kind.code, kind.default_channel)


@transaction.atomic
def preferences_set(*, membership, channels: dict[str, str]) -> None:
    """channels: {kind code: Channel}. A choice equal to the kind's default is
    stored too (the default may change later; the member's choice stays)."""
    for code, channel in channels.items():
        if registry.get_kind(code) is None or channel not in Channel.values:
            raise ValueError(code)
        Preference.objects.update_or_create(
            membership=membership, kind=code, defaults={"channel": channel}
        )


def option_enabled(key: str) -> bool:
    return OrganisationOption.objects.filter(key=key, enabled=True).exists()


def option_actor(key: str):
    """Who turned the option on: automatic actions are recorded in their name."""
    option = OrganisationOption.objects.filter(key=key, enabled=True).select_related("changed_by")
    found = option.first()
    return found.changed_by if found else None


@transaction.atomic
def option_set(*, actor, key: str, enabled: bool) -> OrganisationOption:
    if key not in {o.key for o in registry.options()}:
        raise ValueError(key)
    option, _ = OrganisationOption.objects.update_or_create(
        key=key, defaults={"enabled": enabled, "changed_by": actor, "changed_at": timezone.now()}
    )
    return option


DIGEST_SQL = """
INSERT INTO notifications_delivery
    (organisation_id, recipient_id, digest_on, status, attempts, next_attempt_at, last_error,
     created_at)
SELECT DISTINCT %(organisation_id)s, n.recipient_id, %(today)s::date, 'pending', 0, %(now)s, '',
       %(now)s
FROM notifications_notification n
LEFT JOIN notifications_preference p
  ON p.organisation_id = %(organisation_id)s AND p.membership_id = n.recipient_id
 AND p.kind = n.kind
LEFT JOIN LATERAL (
    SELECT max(d.digest_on) AS previous FROM notifications_delivery d
    WHERE d.organisation_id = %(organisation_id)s AND d.recipient_id = n.recipient_id
      AND d.digest_on < %(today)s::date
) last ON true
WHERE n.organisation_id = %(organisation_id)s
  AND n.created_at < %(cutoff)s
  AND n.created_at >= COALESCE(
        (last.previous + %(hour)s) AT TIME ZONE %(zone)s, %(cutoff)s - interval '1 day')
  AND (p.channel = 'digest' OR (p.channel IS NULL AND n.kind = ANY(%(default_digest)s)))
ON CONFLICT DO NOTHING
"""


@transaction.atomic
def digests_create(*, today: datetime.date | None = None) -> int:
    """One digest e-mail (delivery row) per member with something new for
    today's digest, once (unique key: member + day). Sending after commit."""
    from django.conf import settings

    from thrasos.notifications.delivery import DIGEST_HOUR, digest_cutoff

    today = today or timezone.localdate()
    with connection.cursor() as cursor:
        cursor.execute(
            DIGEST_SQL,
            {
                "organisation_id": scoped_organisation_id(),
                "today": today,
                "now": timezone.now(),
                "cutoff": digest_cutoff(today),
                "hour": datetime.timedelta(hours=DIGEST_HOUR),
                "zone": settings.TIME_ZONE,
                "default_digest": [
                    k.code for k in registry.kinds() if k.default_channel == Channel.DIGEST
                ],
            },
        )
        created = cursor.rowcount
    if created:
        from thrasos.notifications.tasks import deliveries_send

        deliveries_send.delay_on_commit(organisation_id=scoped_organisation_id())
    return created
