"""What the sessions module adds to a case file: a section with each session
of the person (FLE hours, attendance rate) and timeline events. Called by
beneficiaries.extensions after the case file's access check."""

import datetime

from django.utils.translation import gettext_lazy as _

from beneficiaries.extensions import CaseFileSection
from sessions import selectors
from sessions.models import Enrolment
from thrasos.core.dates import moment_of

TIMELINE_TEMPLATE = "sessions/includes/_timeline_enrolment.html"


def _at(day: datetime.date, fallback: datetime.datetime) -> datetime.datetime:
    return moment_of(day, fallback)


def _summaries(beneficiary) -> list[dict]:
    # The section and the timeline read the same figures: once per page.
    if not hasattr(beneficiary, "_session_summaries"):
        beneficiary._session_summaries = selectors.attendance_summary(beneficiary)
    return beneficiary._session_summaries


def section_context(beneficiary, membership) -> dict:
    return {"session_summaries": _summaries(beneficiary)}


SECTION = CaseFileSection(
    template="sessions/includes/_case_file_section.html",
    context=section_context,
    order=10,
    anchor="sessions",
    title=_("Sessions"),
)


def timeline_events(beneficiary, membership):
    for summary in _summaries(beneficiary):
        enrolment = summary["enrolment"]
        if enrolment.status == Enrolment.Status.WAITING or (
            enrolment.status == Enrolment.Status.ENROLLED and enrolment.enrolled_on is None
        ):
            yield {
                "at": enrolment.created_at,
                "kind": "enrolment",
                "object": {"event": "waiting", **summary},
                "template": TIMELINE_TEMPLATE,
            }
            continue
        if enrolment.enrolled_on:
            yield {
                "at": _at(enrolment.enrolled_on, enrolment.created_at),
                "kind": "enrolment",
                "object": {"event": "enrolled", **summary},
                "template": TIMELINE_TEMPLATE,
            }
        if enrolment.ended_on and enrolment.status != Enrolment.Status.REMOVED:
            yield {
                "at": _at(enrolment.ended_on, enrolment.created_at),
                "kind": "enrolment",
                "object": {"event": "ended", **summary},
                "template": TIMELINE_TEMPLATE,
            }
