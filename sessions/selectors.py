"""Reads of sessions, always through the member's scope, and the figures of
the session page: FLE hours planned and done, attendance rates by kind."""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import groupby

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beneficiaries.pathway import State
from sessions.models import (
    ATTENDED,
    Activity,
    ActivityKind,
    Attendance,
    AttendanceStatus,
    Enrolment,
    PreparationSession,
)
from thrasos import permissions


def sessions_for(membership):
    """Sessions a member may open: admins and coordinators all, caseworkers
    those of their territories. The routes are gated (thrasos.core.gates);
    this is the scope, and a second wall: a role without sessions gets 404."""
    if not permissions.can_view_sessions(membership):
        raise Http404
    return PreparationSession.objects.in_territories(permissions.territory_ids(membership))


def session_get(membership, pk: int) -> PreparationSession:
    """404 alike for a missing session, another organisation's, or one
    outside the member's territories."""
    return get_object_or_404(sessions_for(membership).select_related("territory"), pk=pk)


def activity_get(membership, pk: int) -> Activity:
    return get_object_or_404(
        Activity.objects.filter(session__in=sessions_for(membership)).select_related(
            "session__territory", "participant__beneficiary"
        ),
        pk=pk,
    )


def enrolment_get(membership, pk: int) -> Enrolment:
    return get_object_or_404(
        Enrolment.objects.filter(session__in=sessions_for(membership)).select_related(
            "session", "beneficiary"
        ),
        pk=pk,
    )


_ACTIVITY_DURATION = ExpressionWrapper(
    F("activity__end_time") - F("activity__start_time"), output_field=DurationField()
)


def _hours(duration: datetime.timedelta | None) -> float:
    return round(duration.total_seconds() / 3600, 1) if duration else 0.0


def attendance_rate(attended: int, recorded: int) -> int | None:
    """Percentage of the recorded marks that are present or late."""
    return round(100 * attended / recorded) if recorded else None


@dataclass
class KindRate:
    kind: str
    label: str
    recorded: int = 0
    attended: int = 0

    @property
    def rate(self) -> int | None:
        return attendance_rate(self.attended, self.recorded)


@dataclass
class ParticipantFigures:
    enrolment: Enrolment
    fle_hours_expected: float = 0.0  # FLE held while the person was in the group
    fle_hours_done: float = 0.0  # of which attended (present or late)
    recorded: int = 0
    attended: int = 0
    marks: dict = field(default_factory=dict)  # activity id -> status

    @property
    def rate(self) -> int | None:
        return attendance_rate(self.attended, self.recorded)


@dataclass
class SessionFigures:
    fle_hours_planned: float
    fle_hours_scheduled: float
    fle_hours_held: float
    rates: list[KindRate]
    participants: list[ParticipantFigures]

    @property
    def fle_hours_done_average(self) -> float | None:
        if not self.participants:
            return None
        total = sum(p.fle_hours_done for p in self.participants)
        return round(total / len(self.participants), 1)


def session_figures(
    session: PreparationSession, *, with_marks: bool = False, activities=None
) -> SessionFigures:
    """FLE hours and attendance rates of a session, per kind and per person,
    in a constant number of queries (whatever the number of activities and
    participants). `activities`: the session's, with `duration` (with_hours),
    when the page has read them already."""
    today = timezone.localdate()
    if activities is None:
        activities = list(
            session.activities.with_hours().only(
                "id", "kind", "date", "start_time", "end_time", "cancelled_at", "participant_id"
            )
        )
    fle = [a for a in activities if a.kind == ActivityKind.FLE and not a.is_cancelled]
    enrolments = list(
        session.enrolments.participants()
        .select_related("beneficiary")
        .order_by("beneficiary__search_last_first", "id")
    )
    by_kind = {kind: KindRate(kind, label) for kind, label in ActivityKind.choices}
    per_person = {e.pk: ParticipantFigures(e) for e in enrolments}
    for enrolment_id, kind, status, count in (
        Attendance.objects.filter(activity__session=session)
        .values_list("enrolment_id", "activity__kind", "status")
        .annotate(n=Count("id"))
    ):
        rate = by_kind[kind]
        rate.recorded += count
        person = per_person.get(enrolment_id)
        if person:
            person.recorded += count
        if status in ATTENDED:
            rate.attended += count
            if person:
                person.attended += count
    fle_attended = dict(
        Attendance.objects.filter(
            activity__session=session,
            activity__kind=ActivityKind.FLE,
            activity__cancelled_at__isnull=True,
            status__in=ATTENDED,
        )
        .values("enrolment_id")
        .annotate(d=Sum(_ACTIVITY_DURATION))
        .values_list("enrolment_id", "d")
    )
    held = [a for a in fle if a.date <= today]
    for person in per_person.values():
        person.fle_hours_done = _hours(fle_attended.get(person.enrolment.pk))
        person.fle_hours_expected = round(
            sum(a.duration.total_seconds() for a in held if person.enrolment.attends_on(a.date))
            / 3600,
            1,
        )
    if with_marks:
        for enrolment_id, activity_id, status in Attendance.objects.filter(
            activity__session=session
        ).values_list("enrolment_id", "activity_id", "status"):
            if enrolment_id in per_person:
                per_person[enrolment_id].marks[activity_id] = status
    return SessionFigures(
        fle_hours_planned=float(session.planned_fle_hours),
        fle_hours_scheduled=round(sum(a.duration.total_seconds() for a in fle) / 3600, 1),
        fle_hours_held=round(sum(a.duration.total_seconds() for a in held) / 3600, 1),
        rates=list(by_kind.values()),
        participants=list(per_person.values()),
    )


def timetable_by_week(session: PreparationSession):
    """[(monday, [activities], is the current week)], weeks in order."""
    today = timezone.localdate()
    this_monday = today - datetime.timedelta(days=today.weekday())
    activities = (
        session.activities.with_hours()
        .select_related("participant__beneficiary")
        .order_by("date", "start_time", "id")
    )
    return [
        (monday, list(items), monday == this_monday)
        for monday, items in groupby(
            activities, key=lambda a: a.date - datetime.timedelta(days=a.date.weekday())
        )
    ]


def attendance_summary(beneficiary) -> list[dict]:
    """For the case file: each session of the person with their FLE hours
    and attendance rate (two queries whatever the number of sessions)."""
    enrolments = list(
        Enrolment.objects.filter(beneficiary=beneficiary)
        .exclude(status=Enrolment.Status.REMOVED)
        .select_related("session")
        .order_by("-session__start_date")
    )
    if not enrolments:
        return []
    counts = defaultdict(lambda: {"recorded": 0, "attended": 0, "fle_seconds": 0})
    rows = (
        Attendance.objects.filter(enrolment__in=enrolments)
        .values_list("enrolment_id", "status", "activity__kind")
        .annotate(
            n=Count("id"),
            d=Sum(_ACTIVITY_DURATION),
        )
    )
    for enrolment_id, status, kind, n, duration in rows:
        c = counts[enrolment_id]
        c["recorded"] += n
        if status in ATTENDED:
            c["attended"] += n
            if kind == ActivityKind.FLE and duration:
                c["fle_seconds"] += duration.total_seconds()
    result = []
    for e in enrolments:
        c = counts[e.pk]
        rate = attendance_rate(c["attended"], c["recorded"])
        result.append(
            {
                "enrolment": e,
                "recorded": c["recorded"],
                "attended": c["attended"],
                "rate": rate,
                "rate_display": "—" if rate is None else f"{rate} %",
                "fle_hours": round(c["fle_seconds"] / 3600, 1),
            }
        )
    return result


def attendance_counts(activity: Activity) -> dict[str, int]:
    return dict(
        activity.attendances.values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )


def sessions_list(membership):
    return (
        sessions_for(membership)
        .select_related("territory")
        .annotate(
            participants=Count(
                "enrolments",
                filter=Q(
                    enrolments__status__in=[
                        Enrolment.Status.ENROLLED,
                        Enrolment.Status.COMPLETED,
                        Enrolment.Status.DROPPED_OUT,
                    ]
                ),
            ),
            waiting=Count("enrolments", filter=Q(enrolments__status=Enrolment.Status.WAITING)),
        )
        .order_by("-start_date", "id")
    )


def cohort_funnel(figures: SessionFigures) -> dict[str, list[tuple[str, int]]]:
    """Where the cohort stands: enrolment outcomes, then the participants'
    current pathway stages."""
    enrolments = Counter(p.enrolment.status for p in figures.participants)
    stages = Counter(p.enrolment.beneficiary.state for p in figures.participants)
    shown = (Enrolment.Status.ENROLLED, Enrolment.Status.COMPLETED, Enrolment.Status.DROPPED_OUT)
    return {
        "enrolments": [
            (label, enrolments[value])
            for value, label in Enrolment.Status.choices
            if value in shown
        ],
        "stages": [(label, stages[value]) for value, label in State.choices if stages[value]],
    }


# The grid's column headers: short names of the kinds, spelled out in its legend.
KIND_ABBREVIATIONS = {
    ActivityKind.FLE: _("FLE"),
    ActivityKind.WORKSHOP: _("WSH"),
    ActivityKind.INDIVIDUAL: _("APP"),
    ActivityKind.PLATFORM_VISIT: _("PLT"),
    ActivityKind.CULTURAL_OUTING: _("OUT"),
}


def kind_legend() -> list[tuple[str, str]]:
    return [(KIND_ABBREVIATIONS[kind], label) for kind, label in ActivityKind.choices]


def status_legend() -> list[tuple[str, str, str]]:
    return [(status, STATUS_LETTERS[status], label) for status, label in AttendanceStatus.choices]


STATUS_LETTERS = {
    AttendanceStatus.PRESENT: "P",
    AttendanceStatus.LATE: "R",
    AttendanceStatus.EXCUSED: "E",
    AttendanceStatus.UNEXCUSED: "A",
}


# How far back the "today" screen looks for activities whose attendance is
# still incomplete (the reminders take over after that).
TO_RECORD_DAYS = 14


@dataclass
class ActivityToRecord:
    activity: Activity
    expected: int
    recorded: int

    @property
    def missing(self) -> int:
        return max(0, self.expected - self.recorded)


def activities_to_record(membership, today: datetime.date) -> list[ActivityToRecord]:
    """Today's activities of the member's sessions (all of them, recorded or
    not), then the earlier ones of the last TO_RECORD_DAYS days with people
    still to record, latest first. Three queries whatever the numbers."""
    activities = list(
        Activity.objects.filter(
            session__in=sessions_for(membership),
            cancelled_at__isnull=True,
            date__gte=today - datetime.timedelta(days=TO_RECORD_DAYS),
            date__lte=today,
        )
        .select_related("session", "participant__beneficiary")
        .annotate(recorded=Count("attendances"))
        .order_by("-date", "start_time", "id")
    )
    enrolments = defaultdict(list)
    for enrolment in Enrolment.objects.filter(
        session_id__in={a.session_id for a in activities}
    ).participants():
        enrolments[enrolment.session_id].append(enrolment)
    rows = []
    for activity in activities:
        if activity.participant_id:
            expected = int(activity.participant.attends_on(activity.date))
        else:
            expected = sum(e.attends_on(activity.date) for e in enrolments[activity.session_id])
        row = ActivityToRecord(activity, expected, activity.recorded)
        if activity.date == today or row.missing:
            rows.append(row)
    return rows


def mark_participant_views(membership, participants: list[ParticipantFigures]) -> None:
    """What the member sees of each participant (thrasos.permissions,
    SPEC §5.2): `view` is set on each, and the page links a name to its case
    file only where that file opens."""
    for person in participants:
        person.view = permissions.session_participant_view(
            membership, person.enrolment.beneficiary.current_territory_id
        )
