"""Reads of the notification centre, always for one member."""

from __future__ import annotations

import datetime
from itertools import groupby

from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from thrasos.notifications import registry
from thrasos.notifications.models import Channel, Notification, Preference

PAGE_SIZE = 50


def unread_count(membership) -> int:
    """The bell: one index-only count (notification_unread partial index)."""
    return Notification.objects.for_member(membership).unread().count()


def notification_get(membership, pk: int) -> Notification:
    """404 alike for a missing notification and another member's."""
    found = Notification.objects.for_member(membership).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def inbox(membership, *, unread: bool = False, kind: str = "", before: int | None = None):
    """One page of the member's notifications, newest first (keyset on id),
    grouped by local day: ([(day, [notifications])], next_before or None)."""
    rows = Notification.objects.for_member(membership)
    if unread:
        rows = rows.unread()
    if kind:
        rows = rows.filter(kind=kind)
    if before:
        rows = rows.filter(id__lt=before)
    # The e-mail's delivery comes along (one join): a failed one is shown.
    page = list(rows.select_related("delivery").order_by("-id")[: PAGE_SIZE + 1])
    more = len(page) > PAGE_SIZE
    page = page[:PAGE_SIZE]
    for notification in page:
        notification.kind_info = registry.get_kind(notification.kind)
    groups = [
        (day, list(items))
        for day, items in groupby(page, key=lambda n: timezone.localtime(n.created_at).date())
    ]
    return groups, (page[-1].pk if more else None)


def channels(membership) -> dict[str, str]:
    """The member's e-mail channel for every kind (their choice or the default)."""
    chosen = dict(Preference.objects.filter(membership=membership).values_list("kind", "channel"))
    return {kind.code: chosen.get(kind.code, kind.default_channel) for kind in registry.kinds()}


def digest_codes(membership) -> list[str]:
    return [code for code, channel in channels(membership).items() if channel == Channel.DIGEST]


def title(notification: Notification) -> str:
    kind = registry.get_kind(notification.kind)
    if kind is None:
        return notification.subject
    date = notification.event_on.strftime("%d/%m/%Y") if notification.event_on else ""
    return str(kind.title) % {"subject": notification.subject, "date": date}


def day_label(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


DUE_ON_DASHBOARD = 10


def due_for_dashboard(membership) -> list:
    """The caseworker's home page (thrasos.reports.dashboards): the unread
    reminders already due, the oldest first, at most DUE_ON_DASHBOARD."""
    from thrasos.reports.dashboards import DueItem

    due = (
        Notification.objects.for_member(membership)
        .unread()
        .filter(due_on__lte=timezone.localdate())
        .order_by("due_on", "id")[:DUE_ON_DASHBOARD]
    )
    return [
        DueItem(
            label=title(n),
            on=n.event_on,
            url=reverse("notifications:open", args=[n.pk]),
        )
        for n in due
    ]
