"""Sign-in sheets (feuilles d'émargement): the paper funders of training hours
ask for, signed by each participant. One per activity (a line and a signature
box per expected participant) or one per week of a session (a line per
participant, a signature box per activity of the week).

A sheet is one or two pages: it is rendered in the request (thrasos.core.pdf,
local static files only) rather than in a task, so that the caseworker prints
it in one click before the class."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from sessions.models import Activity, PreparationSession
from sessions.services import expected_participants
from thrasos.core.pdf import render_pdf

# Signature boxes of one week that fit across an A4 landscape page.
WEEK_COLUMNS = 6


@dataclass
class WeekLine:
    enrolment: object
    # One per activity of the page: whether the person is expected there.
    expected: list[bool]


def activity_sheet(activity: Activity) -> bytes:
    return render_pdf(
        "sessions/pdf/signin_activity.html",
        {
            "activity": activity,
            "session": activity.session,
            "organisation": activity.session.organisation,
            "participants": expected_participants(activity),
            "printed_on": timezone.localdate(),
        },
    )


def week_monday(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def week_sheet(session: PreparationSession, monday: datetime.date) -> bytes:
    activities = list(
        session.activities.filter(
            date__gte=monday,
            date__lt=monday + datetime.timedelta(days=7),
            cancelled_at__isnull=True,
        )
        .select_related("participant__beneficiary")
        .order_by("date", "start_time", "id")
    )
    people = {}
    for activity in activities:
        for enrolment in expected_participants(activity):
            people.setdefault(enrolment.pk, enrolment)
    participants = sorted(people.values(), key=lambda e: (e.beneficiary.search_last_first, e.pk))
    pages = []
    for start in range(0, len(activities), WEEK_COLUMNS) or [0]:
        columns = activities[start : start + WEEK_COLUMNS]
        expected = {a.pk: {e.pk for e in expected_participants(a)} for a in columns}
        pages.append(
            {
                "activities": columns,
                "lines": [
                    WeekLine(e, [e.pk in expected[a.pk] for a in columns]) for e in participants
                ],
            }
        )
    return render_pdf(
        "sessions/pdf/signin_week.html",
        {
            "session": session,
            "organisation": session.organisation,
            "monday": monday,
            "sunday": monday + datetime.timedelta(days=6),
            "pages": pages,
            "has_activities": bool(activities),
            "printed_on": timezone.localdate(),
        },
    )
