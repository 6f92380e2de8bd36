"""Dates the users type, placed in time."""

import datetime

from django.utils import timezone

# An event dated a past day, with no time of its own, sorts at 09:00 that day.
MORNING = datetime.time(9)


def moment_of(
    day: datetime.date | None, recorded_at: datetime.datetime | None = None
) -> datetime.datetime:
    """When an event dated `day` happened, for timelines and sorting: the
    moment it was recorded (by default now) if that was on `day`, else 09:00
    (Europe/Paris) on `day`. No day: the moment it was recorded."""
    recorded_at = recorded_at or timezone.now()
    if day is None or timezone.localtime(recorded_at).date() == day:
        return recorded_at
    return timezone.make_aware(datetime.datetime.combine(day, MORNING))
