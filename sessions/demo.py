"""Demo sessions: six sessions over two years (four closed, one running, one
recruiting), each with its timetable, its participants and their attendance.
Everything goes through the services, so that the participants' pathways
(admitted → in_session → seeking_contract → …, or withdrawn) match their
enrolments. Deterministic: the same data on every machine."""

import datetime
import random

from django.utils import timezone

from beneficiaries.demo import finish_path
from beneficiaries.pathway import State, WithdrawalReason
from sessions import services
from sessions.models import ActivityKind, AttendanceStatus, PreparationSession

# (weeks from this Monday to the start, status, capacity)
PLAN = [
    (-92, PreparationSession.Status.CLOSED, 18),
    (-74, PreparationSession.Status.CLOSED, 18),
    (-56, PreparationSession.Status.CLOSED, 18),
    (-38, PreparationSession.Status.CLOSED, 18),
    (-3, PreparationSession.Status.RUNNING, 16),
    (9, PreparationSession.Status.RECRUITING, 15),
]
# Which sessions (indexes in PLAN) people of each final state went through.
ROUTES = {
    State.EXITED: [0, 1],
    State.IN_CONTRACT: [0, 1, 2, 3],
    State.SEEKING_CONTRACT: [2, 3],
    State.IN_SESSION: [4],
    State.ADMITTED: [5],
}
ATTENDANCE_WEIGHTS = {
    AttendanceStatus.PRESENT: 82,
    AttendanceStatus.LATE: 7,
    AttendanceStatus.EXCUSED: 6,
    AttendanceStatus.UNEXCUSED: 5,
}
PROVIDERS = ["Alliance française de Bordeaux", "Greta CFA Aquitaine", "Lyon FLE Pro"]


def session_starts() -> list[datetime.date]:
    today = timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday())
    return [monday + datetime.timedelta(weeks=weeks) for weeks, _, _ in PLAN]


def session_chooser(seed: int):
    """For beneficiaries.demo.seed_beneficiaries: which session start a
    person of a final state went through (None: no session)."""
    starts = session_starts()
    counters: dict[str, int] = {}
    withdrawn_rng = random.Random(seed)  # noqa: S311 - demo data

    def choose(state: str, rng) -> datetime.date | None:
        if state == State.WITHDRAWN:
            # Half of the withdrawals happen during a session (a drop-out).
            return starts[withdrawn_rng.randrange(5)] if withdrawn_rng.random() < 0.5 else None
        route = ROUTES.get(state)
        if not route:
            return None
        n = counters.get(state, 0)
        counters[state] = n + 1
        return starts[route[n % len(route)]]

    return choose


def seed_sessions(*, actor, territories, pending, seed: int) -> int:
    """Create the sessions and take `pending` people through them."""
    rng = random.Random(seed)  # noqa: S311 - demo data
    today = timezone.localdate()
    starts = session_starts()
    if PreparationSession.objects.exists():
        return 0
    sessions = []
    per_year: dict[int, int] = {}
    for index, ((_, target, capacity), start) in enumerate(zip(PLAN, starts, strict=True)):
        per_year[start.year] = per_year.get(start.year, 0) + 1
        session = services.session_create(
            actor=actor,
            data={
                "name": f"Session {start.year}-{per_year[start.year]}",
                "territory": territories[index % len(territories)],
                "site": "Centre de formation, 12 rue des Pins",
                "start_date": start,
                "capacity": capacity,
                "training_provider": PROVIDERS[index % len(PROVIDERS)],
                "planned_fle_hours": 90,
            },
        )
        if target == PreparationSession.Status.RECRUITING:
            services.session_set_status(actor=actor, session=session, status=target)
        sessions.append((session, target))
    by_start = {s.start_date: s for s, _ in sessions}
    members = {s.pk: [] for s, _ in sessions}
    for beneficiary, state, start in pending:
        session = by_start[start]
        on = min(today, start - datetime.timedelta(days=7))
        enrolment = services.enrolment_create(
            actor=actor, session=session, beneficiary=beneficiary, on=on
        )
        members[session.pk].append((enrolment, state))
    for session, target in sessions:
        if target == PreparationSession.Status.RECRUITING:
            _timetable(actor, session)
            continue
        services.session_start(actor=actor, session=session, on=session.start_date)
        _timetable(actor, session)
        for enrolment, state in members[session.pk]:
            if state == State.WITHDRAWN:
                left = session.start_date + datetime.timedelta(days=rng.randrange(10, 40))
                services.enrolment_drop_out(
                    actor=actor,
                    enrolment=enrolment,
                    reason=rng.choice(WithdrawalReason.values),
                    on=min(left, today),
                )
        _attendance(actor, session, rng)
        if target == PreparationSession.Status.CLOSED:
            services.session_close(actor=actor, session=session, on=session.end_date)
            for enrolment, state in members[session.pk]:
                if state in (State.IN_CONTRACT, State.EXITED):
                    enrolment.beneficiary.refresh_from_db()
                    finish_path(
                        actor=actor,
                        beneficiary=enrolment.beneficiary,
                        state=state,
                        after=session.end_date,
                        rng=rng,
                    )
    return len(sessions)


def _timetable(actor, session) -> None:
    services.activity_series_create(
        actor=actor,
        session=session,
        kind=ActivityKind.FLE,
        title="FLE à visée professionnelle",
        weekdays=[0, 2, 4],
        start_time=datetime.time(9),
        end_time=datetime.time(12),
        place="Salle 2",
        facilitator="Claire Besson",
        partner=session.training_provider,
    )
    services.activity_series_create(
        actor=actor,
        session=session,
        kind=ActivityKind.WORKSHOP,
        title="Atelier recherche d’alternance",
        weekdays=[1],
        start_time=datetime.time(14),
        end_time=datetime.time(16, 30),
        place="Salle 1",
        facilitator="Karim Haddad",
    )
    for weeks, kind, title, place in (
        (3, ActivityKind.PLATFORM_VISIT, "Plateau technique bâtiment – CFA BTP", "CFA BTP"),
        (6, ActivityKind.CULTURAL_OUTING, "Visite du musée d’Aquitaine", "Musée d’Aquitaine"),
        (8, ActivityKind.PLATFORM_VISIT, "Plateau technique restauration", "Lycée hôtelier"),
    ):
        day = session.start_date + datetime.timedelta(weeks=weeks, days=3)  # a Thursday
        services.activity_create(
            actor=actor,
            session=session,
            data={
                "kind": kind,
                "title": title,
                "date": day,
                "start_time": datetime.time(9, 30),
                "end_time": datetime.time(12, 30),
                "place": place,
            },
        )
    # One individual appointment per participant, in the fifth week.
    participants = session.enrolments.participants().order_by("id")
    for n, enrolment in enumerate(participants):
        services.activity_create(
            actor=actor,
            session=session,
            data={
                "kind": ActivityKind.INDIVIDUAL,
                "participant": enrolment,
                "date": session.start_date + datetime.timedelta(weeks=4, days=3),
                "start_time": datetime.time(13 + n % 4, 0),
                "end_time": datetime.time(13 + n % 4, 45),
                "place": "Bureau 3",
            },
        )


def _attendance(actor, session, rng) -> None:
    today = timezone.localdate()
    statuses, weights = list(ATTENDANCE_WEIGHTS), list(ATTENDANCE_WEIGHTS.values())
    for activity in session.activities.held().filter(date__lte=today).order_by("date"):
        marks = {
            e.pk: rng.choices(statuses, weights)[0]
            for e in services.expected_participants(activity)
        }
        if marks:
            services.attendance_record(actor=actor, activity=activity, marks=marks)


def prepare_step(context) -> None:
    """Demo step before the case files: which session each person goes through."""
    context.shared["session_start"] = session_chooser(context.seed)


def demo_step(context) -> None:
    """Demo step after the case files: the sessions, in the territories of the
    demo caseworkers, and the people waiting for them taken through."""
    wanted = context.shared.get("session_territories", ())
    seed_sessions(
        actor=context.actor,
        territories=[t for t in context.territories if t.name in wanted] or context.territories[:1],
        pending=context.shared.setdefault("pending", []),
        seed=context.seed,
    )
