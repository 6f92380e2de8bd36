"""iCalendar (RFC 5545) export of a session's timetable, for staff calendars.

No personal data leaves in it: an individual appointment is exported as
"Individual appointment" without the participant's name (calendars are
often synchronised with services outside the organisation)."""

import datetime
import zoneinfo

import icalendar
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sessions.models import PreparationSession

PRODID = "-//Thrasos//Sessions//FR"


def session_calendar(session: PreparationSession) -> bytes:
    """In French whatever the interface language of the member who downloads
    it: the file lives on in calendars shared with the whole team."""
    with translation.override(settings.LANGUAGE_CODE):
        return _calendar(session)


def _calendar(session: PreparationSession) -> bytes:
    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", session.name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    stamp = timezone.now().astimezone(datetime.UTC)
    for activity in session.activities.order_by("date", "start_time", "id"):
        event = icalendar.Event()
        # Stable across exports, so that a re-import updates rather than duplicates.
        event.add("uid", f"activity-{activity.pk}-org-{activity.organisation_id}@thrasos")
        event.add("dtstamp", stamp)
        event.add("dtstart", datetime.datetime.combine(activity.date, activity.start_time, tz))
        event.add("dtend", datetime.datetime.combine(activity.date, activity.end_time, tz))
        # An individual appointment: no name (see the module's docstring).
        summary = str(activity.get_kind_display()) if activity.participant_id else activity.label
        if activity.is_cancelled:
            summary = _("Cancelled: %(activity)s") % {"activity": summary}
        event.add("summary", f"{summary} – {session.name}")
        details = [
            (_("Kind"), activity.get_kind_display()),
            (_("Facilitator"), activity.facilitator),
            (_("Partner"), activity.partner),
            (_("Reason for cancelling"), activity.cancel_reason if activity.is_cancelled else ""),
        ]
        event.add("description", "\n".join(f"{k} : {v}" for k, v in details if v))
        if activity.place or session.site:
            event.add("location", activity.place or session.site)
        event.add("categories", [str(activity.get_kind_display())])
        if activity.is_cancelled:
            event.add("status", "CANCELLED")
        else:
            event.add("status", "CONFIRMED")
        event.add("sequence", 1 if activity.is_cancelled else 0)
        calendar.add_component(event)
    calendar.add_missing_timezones(
        first_date=session.start_date - datetime.timedelta(days=366),
        last_date=session.end_date + datetime.timedelta(days=366),
    )
    return calendar.to_ical()
