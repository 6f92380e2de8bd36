"""Every write on sessions, enrolments, the timetable and attendance.

Enrolments move the person along the pathway only through
beneficiaries.services.beneficiary_transition:
- enrolled in a running session (or when the session starts): admitted → in_session;
- completed: in_session → seeking_contract;
- dropped out: → withdrawn, with the reason.
Being enrolled in a session that has not started, on its waiting list, or
removed from it before the start does not change the pathway."""

import datetime
from collections.abc import Iterable

import holidays
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from beneficiaries.models import Beneficiary
from beneficiaries.pathway import State, WithdrawalReason
from beneficiaries.services import TransitionRequest, beneficiary_transition
from sessions.models import (
    SESSION_LENGTH,
    Activity,
    ActivityKind,
    ActivitySeries,
    Attendance,
    AttendanceStatus,
    Enrolment,
    PreparationSession,
)
from thrasos.accounts.models import User
from thrasos.core.dates import moment_of
from thrasos.core.validators import PROGRAMME_EARLIEST, DateRange, validate_fields

Status = PreparationSession.Status

# Which status a session may go to from each status; running and closed have
# their own services (they move the participants' pathways).
STATUS_MOVES = {
    Status.PLANNED: {Status.RECRUITING, Status.RUNNING},
    Status.RECRUITING: {Status.PLANNED, Status.RUNNING},
    Status.RUNNING: {Status.CLOSED},
    Status.CLOSED: set(),
}


def _when(on: datetime.date | None) -> datetime.datetime:
    """The moment of a pathway step recorded for day `on` (now for today)."""
    today = timezone.localdate()
    if on is None or on == today:
        return timezone.now()
    if on > today:
        raise ValidationError({"on": _("This cannot be recorded in the future.")})
    return moment_of(on)


def _move(actor: User, beneficiary: Beneficiary, to_state: str, on, **extra) -> None:
    beneficiary_transition(
        actor=actor,
        beneficiary=beneficiary,
        request=TransitionRequest(to_state=to_state, at=_when(on), **extra),
    )


def _check_day(on: datetime.date | None) -> None:
    """The day an enrolment step is recorded for (`on`): not in the future,
    not before the programme existed."""
    if on is None:
        return
    try:
        DateRange(earliest=PROGRAMME_EARLIEST)(on)
    except ValidationError as error:
        raise ValidationError({"on": error.messages}) from None


def _fmt(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


# --- sessions


@transaction.atomic
def session_create(*, actor: User, data: dict) -> PreparationSession:
    session = PreparationSession(**data)
    if session.start_date and not session.end_date:
        session.end_date = session.start_date + SESSION_LENGTH - datetime.timedelta(days=1)
    session.full_clean(exclude=["organisation"])
    session.save()
    return session


@transaction.atomic
def session_update(*, actor: User, session: PreparationSession, data: dict) -> PreparationSession:
    """Edit name, site, dates, capacity… The status has its own services.
    Dates may not leave activities outside, and the capacity may not fall
    below the places already taken."""
    locked = PreparationSession.objects.select_for_update().get(pk=session.pk)
    for protected in ("status", "organisation"):
        data.pop(protected, None)
    for field, value in data.items():
        setattr(locked, field, value)
    if locked.start_date and not locked.end_date:
        locked.end_date = locked.start_date + SESSION_LENGTH - datetime.timedelta(days=1)
    locked.full_clean(exclude=["organisation"])
    outside = locked.activities.exclude(date__range=(locked.start_date, locked.end_date))
    if outside.exists():
        count = outside.count()
        raise ValidationError(
            ngettext(
                "%(count)s activity would fall outside the new dates: move or cancel it first.",
                "%(count)s activities would fall outside the new dates: move or cancel them first.",
                count,
            )
            % {"count": count}
        )
    taken = locked.enrolments.participants().count()
    if locked.capacity < taken:
        raise ValidationError(
            {
                "capacity": _("%(count)s places are already taken: the capacity cannot be lower.")
                % {"count": taken}
            }
        )
    locked.save()
    session.refresh_from_db()
    return locked


def _check_status_move(session: PreparationSession, target: str) -> None:
    if target not in STATUS_MOVES[session.status]:
        raise ValidationError(
            _("A session that is “%(current)s” cannot become “%(target)s”.")
            % {"current": Status(session.status).label, "target": Status(target).label},
            code="illegal_status",
        )


@transaction.atomic
def session_set_status(
    *, actor: User, session: PreparationSession, status: str, on: datetime.date | None = None
) -> PreparationSession:
    """Planned ↔ recruiting; start (running) and close move the pathways."""
    if status not in Status.values:
        raise ValidationError(_("Unknown session status."))
    if status == Status.RUNNING:
        return session_start(actor=actor, session=session, on=on)
    if status == Status.CLOSED:
        return session_close(actor=actor, session=session, on=on)
    locked = PreparationSession.objects.select_for_update().get(pk=session.pk)
    _check_status_move(locked, status)
    locked.status = status
    locked.save(update_fields=["status"])
    session.status = status
    return locked


@transaction.atomic
def session_start(
    *, actor: User, session: PreparationSession, on: datetime.date | None = None
) -> PreparationSession:
    """The session starts: every enrolled participant goes in_session, on
    `on` (today by default)."""
    locked = PreparationSession.objects.select_for_update().get(pk=session.pk)
    _check_status_move(locked, Status.RUNNING)
    enrolments = list(
        locked.enrolments.filter(status=Enrolment.Status.ENROLLED).select_related("beneficiary")
    )
    not_admitted = [e.beneficiary for e in enrolments if e.beneficiary.state != State.ADMITTED]
    if not_admitted:
        raise ValidationError(
            _(
                "These participants are no longer “admitted”: remove them from the "
                "session before it starts: %(names)s."
            )
            % {"names": ", ".join(b.full_name for b in not_admitted)}
        )
    for enrolment in enrolments:
        _move(actor, enrolment.beneficiary, State.IN_SESSION, on, comment=str(locked))
    locked.status = Status.RUNNING
    locked.save(update_fields=["status"])
    session.status = locked.status
    return locked


@transaction.atomic
def session_close(
    *, actor: User, session: PreparationSession, on: datetime.date | None = None
) -> PreparationSession:
    """The session ends: participants still enrolled complete it (pathway:
    seeking_contract); the waiting list is closed."""
    locked = PreparationSession.objects.select_for_update().get(pk=session.pk)
    _check_status_move(locked, Status.CLOSED)
    for enrolment in locked.enrolments.filter(status=Enrolment.Status.ENROLLED):
        enrolment_complete(actor=actor, enrolment=enrolment, on=on)
    locked.enrolments.filter(status=Enrolment.Status.WAITING).update(
        status=Enrolment.Status.REMOVED,
        waiting_position=None,
        ended_on=on or timezone.localdate(),
    )
    locked.status = Status.CLOSED
    locked.save(update_fields=["status"])
    session.status = locked.status
    return locked


# --- enrolments


def places_left(session: PreparationSession) -> int:
    return max(0, session.capacity - session.enrolments.participants().count())


@transaction.atomic
def enrolment_create(
    *,
    actor: User,
    session: PreparationSession,
    beneficiary: Beneficiary,
    on: datetime.date | None = None,
    comment: str = "",
) -> Enrolment:
    """Enrol an admitted person, or put them on the waiting list when the
    session is full."""
    locked = PreparationSession.objects.select_for_update().get(pk=session.pk)
    if locked.status == Status.CLOSED:
        raise ValidationError(_("This session is closed."))
    if on is not None and on > timezone.localdate():
        raise ValidationError({"on": _("This cannot be recorded in the future.")})
    _check_day(on)
    if beneficiary.state != State.ADMITTED:
        raise ValidationError(
            {
                "beneficiary": _(
                    "Only admitted people can be enrolled (this person is “%(state)s”)."
                )
                % {"state": State(beneficiary.state).label}
            }
        )
    if (
        locked.enrolments.filter(beneficiary=beneficiary)
        .exclude(status=Enrolment.Status.REMOVED)
        .exists()
    ):
        raise ValidationError(
            {"beneficiary": _("This person is already in this session or on its waiting list.")}
        )
    enrolment = Enrolment(
        session=locked, beneficiary=beneficiary, created_by=actor, comment=comment.strip()
    )
    if places_left(locked) > 0:
        _check_not_enrolled_elsewhere(beneficiary)
        enrolment.status = Enrolment.Status.ENROLLED
        enrolment.enrolled_on = on or timezone.localdate()
    else:
        enrolment.status = Enrolment.Status.WAITING
        enrolment.waiting_position = _next_waiting_position(locked)
    validate_fields(enrolment, "comment", "enrolled_on")
    enrolment.save()
    if enrolment.status == Enrolment.Status.ENROLLED and locked.status == Status.RUNNING:
        _move(actor, beneficiary, State.IN_SESSION, on, comment=str(locked))
    return enrolment


def _check_not_enrolled_elsewhere(beneficiary: Beneficiary) -> None:
    other = (
        Enrolment.objects.filter(beneficiary=beneficiary, status=Enrolment.Status.ENROLLED)
        .select_related("session")
        .first()
    )
    if other is not None:
        raise ValidationError(
            {
                "beneficiary": _("This person is already enrolled in “%(session)s”.")
                % {"session": other.session}
            }
        )


def _next_waiting_position(session: PreparationSession) -> int:
    last = session.enrolments.aggregate(m=Max("waiting_position"))["m"]
    return (last or 0) + 1


def _locked(enrolment: Enrolment) -> Enrolment:
    return (
        Enrolment.objects.select_for_update()
        .select_related("session", "beneficiary")
        .get(pk=enrolment.pk)
    )


@transaction.atomic
def enrolment_promote(
    *, actor: User, enrolment: Enrolment, on: datetime.date | None = None
) -> Enrolment:
    """From the waiting list to the group, when a place is free."""
    PreparationSession.objects.select_for_update().get(pk=enrolment.session_id)
    locked = _locked(enrolment)
    if locked.status != Enrolment.Status.WAITING:
        raise ValidationError(_("Only a person on the waiting list can be promoted."))
    _check_day(on)
    if locked.session.status == Status.CLOSED:
        raise ValidationError(_("This session is closed."))
    if places_left(locked.session) == 0:
        raise ValidationError(
            _("The session is full (%(capacity)s places).") % {"capacity": locked.session.capacity}
        )
    if locked.beneficiary.state != State.ADMITTED:
        raise ValidationError(
            _("Only admitted people can be enrolled (this person is “%(state)s”).")
            % {"state": State(locked.beneficiary.state).label}
        )
    _check_not_enrolled_elsewhere(locked.beneficiary)
    locked.status = Enrolment.Status.ENROLLED
    locked.waiting_position = None
    locked.enrolled_on = on or timezone.localdate()
    validate_fields(locked, "enrolled_on")
    locked.save()
    if locked.session.status == Status.RUNNING:
        _move(actor, locked.beneficiary, State.IN_SESSION, on, comment=str(locked.session))
    enrolment.refresh_from_db()
    return locked


@transaction.atomic
def enrolment_move_in_waiting_list(*, actor: User, enrolment: Enrolment, up: bool) -> None:
    """Swap with the previous (up) or next person on the waiting list."""
    PreparationSession.objects.select_for_update().get(pk=enrolment.session_id)
    locked = _locked(enrolment)
    if locked.status != Enrolment.Status.WAITING:
        raise ValidationError(_("This person is not on the waiting list."))
    waiting = locked.session.enrolments.waiting()
    neighbour = (
        waiting.filter(waiting_position__lt=locked.waiting_position).order_by("-waiting_position")
        if up
        else waiting.filter(waiting_position__gt=locked.waiting_position)
    ).first()
    if neighbour is None:
        return
    locked.waiting_position, neighbour.waiting_position = (
        neighbour.waiting_position,
        locked.waiting_position,
    )
    locked.save(update_fields=["waiting_position"])
    neighbour.save(update_fields=["waiting_position"])


@transaction.atomic
def enrolment_remove(*, actor: User, enrolment: Enrolment, comment: str = "") -> Enrolment:
    """Leave the waiting list, or the group before the session starts. The
    pathway does not change (the person stays admitted)."""
    locked = _locked(enrolment)
    if locked.status == Enrolment.Status.ENROLLED and locked.session.is_started:
        raise ValidationError(
            _("The session has started: record a completion or a drop-out instead.")
        )
    if locked.status not in Enrolment.ACTIVE:
        raise ValidationError(_("This enrolment is already ended."))
    locked.status = Enrolment.Status.REMOVED
    locked.waiting_position = None
    locked.ended_on = timezone.localdate()
    if comment:
        locked.comment = comment.strip()
    validate_fields(locked, "comment")
    locked.save()
    enrolment.refresh_from_db()
    return locked


def _check_end(locked: Enrolment, on: datetime.date) -> None:
    _check_day(on)
    if locked.status != Enrolment.Status.ENROLLED:
        raise ValidationError(_("Only an enrolled participant can complete or leave the session."))
    if not locked.session.is_started:
        raise ValidationError(_("The session has not started: remove the person from it instead."))
    if locked.enrolled_on and on < locked.enrolled_on:
        raise ValidationError(
            {
                "on": _("This date is before the enrolment (%(date)s).")
                % {"date": _fmt(locked.enrolled_on)}
            }
        )


@transaction.atomic
def enrolment_complete(
    *, actor: User, enrolment: Enrolment, on: datetime.date | None = None
) -> Enrolment:
    """The person completed the session: project validated, seeking a
    work-study contract."""
    locked = _locked(enrolment)
    on = on or timezone.localdate()
    _check_end(locked, on)
    locked.status = Enrolment.Status.COMPLETED
    locked.ended_on = on
    validate_fields(locked, "ended_on")
    locked.save()
    if locked.beneficiary.state == State.IN_SESSION:
        _move(actor, locked.beneficiary, State.SEEKING_CONTRACT, on, comment=str(locked.session))
    enrolment.refresh_from_db()
    return locked


@transaction.atomic
def enrolment_drop_out(
    *,
    actor: User,
    enrolment: Enrolment,
    reason: str,
    on: datetime.date | None = None,
    comment: str = "",
) -> Enrolment:
    """The person leaves the session during it: withdrawn from the pathway,
    with the reason."""
    if reason not in WithdrawalReason.values:
        raise ValidationError({"reason": _("Give the reason for leaving the session.")})
    locked = _locked(enrolment)
    on = on or timezone.localdate()
    _check_end(locked, on)
    locked.status = Enrolment.Status.DROPPED_OUT
    locked.ended_on = on
    locked.dropout_reason = reason
    if comment:
        locked.comment = comment.strip()
    validate_fields(locked, "comment", "ended_on")
    locked.save()
    if locked.beneficiary.state not in (State.WITHDRAWN, State.NOT_ADMITTED, State.EXITED):
        _move(
            actor,
            locked.beneficiary,
            State.WITHDRAWN,
            on,
            reason=reason,
            comment=comment or str(locked.session),
        )
    enrolment.refresh_from_db()
    return locked


# --- stages recorded on the case file


ENDING_STATES = (State.WITHDRAWN, State.NOT_ADMITTED, State.EXITED)


def on_pathway_changed(sender, *, beneficiary, transition, actor, **kwargs) -> None:
    """Keeps enrolments in step with a stage recorded elsewhere (the case
    file): leaving the programme ends the person's enrolment (dropped out once
    the session has started, removed before) and their waiting lists; a
    validated project completes the session they are in. The session services
    update the enrolment before moving the pathway, so their own moves find
    nothing left to do here."""
    target = transition.to_state
    if target not in (*ENDING_STATES, State.SEEKING_CONTRACT):
        return
    on = timezone.localtime(transition.at).date()
    for enrolment in (
        Enrolment.objects.select_for_update()
        .filter(beneficiary_id=beneficiary.pk, status__in=Enrolment.ACTIVE)
        .select_related("session")
    ):
        started = enrolment.status == Enrolment.Status.ENROLLED and enrolment.session.is_started
        if target == State.SEEKING_CONTRACT and started:
            enrolment.status = Enrolment.Status.COMPLETED
        elif target in ENDING_STATES and started:
            enrolment.status = Enrolment.Status.DROPPED_OUT
            enrolment.dropout_reason = (
                transition.reason
                if transition.reason in WithdrawalReason.values
                else WithdrawalReason.OTHER
            )
        else:
            enrolment.status = Enrolment.Status.REMOVED
            enrolment.waiting_position = None
        enrolment.ended_on = on
        enrolment.save()


# --- timetable


def _check_activity(activity: Activity) -> None:
    session = activity.session
    errors = {}
    if activity.date and not session.contains(activity.date):
        errors["date"] = _("The session runs from %(start)s to %(end)s.") % {
            "start": _fmt(session.start_date),
            "end": _fmt(session.end_date),
        }
    if activity.start_time and activity.end_time and activity.end_time <= activity.start_time:
        errors["end_time"] = _("The end must be after the start.")
    if activity.kind == ActivityKind.INDIVIDUAL:
        if activity.participant_id is None:
            errors["participant"] = _("An individual appointment concerns one participant.")
        elif activity.participant.session_id != session.pk or activity.participant.status not in (
            Enrolment.Status.ENROLLED,
            Enrolment.Status.COMPLETED,
            Enrolment.Status.DROPPED_OUT,
        ):
            errors["participant"] = _("This person is not a participant of the session.")
    elif activity.participant_id is not None:
        errors["participant"] = _("Only an individual appointment concerns one participant.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def activity_create(*, actor: User, session: PreparationSession, data: dict) -> Activity:
    activity = Activity(session=session, **data)
    activity.full_clean(exclude=["organisation", "session"], validate_constraints=False)
    _check_activity(activity)
    activity.save()
    return activity


@transaction.atomic
def activity_update(*, actor: User, activity: Activity, data: dict) -> Activity:
    """Edit one activity (an occurrence of a series too: only this one)."""
    locked = Activity.objects.select_for_update().select_related("session").get(pk=activity.pk)
    for protected in ("session", "organisation", "series", "cancelled_at"):
        data.pop(protected, None)
    if data.get("kind", locked.kind) != locked.kind and locked.attendances.exists():
        raise ValidationError(
            {"kind": _("Attendance is recorded: the kind of activity can no longer change.")}
        )
    for field, value in data.items():
        setattr(locked, field, value)
    locked.full_clean(exclude=["organisation", "session"], validate_constraints=False)
    _check_activity(locked)
    if locked.participant_id:
        stray = locked.attendances.exclude(enrolment_id=locked.participant_id)
        if stray.exists():
            raise ValidationError(
                {"participant": _("Attendance of other people is recorded for this activity.")}
            )
    locked.save()
    activity.refresh_from_db()
    return locked


@transaction.atomic
def activity_cancel(*, actor: User, activity: Activity, reason: str = "") -> Activity:
    locked = Activity.objects.select_for_update().get(pk=activity.pk)
    if locked.is_cancelled:
        raise ValidationError(_("This activity is already cancelled."))
    if locked.attendances.exists():
        raise ValidationError(
            _("Attendance is recorded for this activity: it took place and cannot be cancelled.")
        )
    locked.cancelled_at = timezone.now()
    locked.cancel_reason = reason.strip()
    validate_fields(locked, "cancel_reason")
    locked.save(update_fields=["cancelled_at", "cancel_reason"])
    activity.refresh_from_db()
    return locked


@transaction.atomic
def activity_restore(*, actor: User, activity: Activity) -> Activity:
    locked = Activity.objects.select_for_update().get(pk=activity.pk)
    locked.cancelled_at = None
    locked.cancel_reason = ""
    locked.save(update_fields=["cancelled_at", "cancel_reason"])
    activity.refresh_from_db()
    return locked


def series_dates(
    *,
    weekdays: Iterable[int],
    first_date: datetime.date,
    last_date: datetime.date,
    skip_public_holidays: bool = True,
) -> list[datetime.date]:
    """Every date between first and last that falls on one of `weekdays`
    (0 = Monday), public holidays in France left out unless asked."""
    days = set(weekdays)
    closed = (
        holidays.France(years=range(first_date.year, last_date.year + 1))
        if skip_public_holidays
        else {}
    )
    result, day = [], first_date
    while day <= last_date:
        if day.weekday() in days and day not in closed:
            result.append(day)
        day += datetime.timedelta(days=1)
    return result


@transaction.atomic
def activity_series_create(
    *,
    actor: User,
    session: PreparationSession,
    kind: str,
    weekdays: list[int],
    start_time: datetime.time,
    end_time: datetime.time,
    first_date: datetime.date | None = None,
    last_date: datetime.date | None = None,
    title: str = "",
    place: str = "",
    facilitator: str = "",
    partner: str = "",
    skip_public_holidays: bool = True,
) -> ActivitySeries:
    """A recurring activity and its occurrences (e.g. FLE Monday, Wednesday,
    Friday 9:00–12:00 for the whole session)."""
    first_date = first_date or session.start_date
    last_date = last_date or session.end_date
    errors = {}
    if kind == ActivityKind.INDIVIDUAL:
        errors["kind"] = _("Individual appointments are created one by one.")
    if not weekdays:
        errors["weekdays"] = _("Choose at least one day.")
    if end_time <= start_time:
        errors["end_time"] = _("The end must be after the start.")
    if not (session.contains(first_date) and session.contains(last_date)):
        errors["first_date"] = _("The session runs from %(start)s to %(end)s.") % {
            "start": _fmt(session.start_date),
            "end": _fmt(session.end_date),
        }
    elif last_date < first_date:
        errors["last_date"] = _("The last date must be after the first one.")
    if errors:
        raise ValidationError(errors)
    texts = {"title": title, "place": place, "facilitator": facilitator, "partner": partner}
    validate_fields(Activity(**texts), *texts)
    dates = series_dates(
        weekdays=weekdays,
        first_date=first_date,
        last_date=last_date,
        skip_public_holidays=skip_public_holidays,
    )
    if not dates:
        raise ValidationError({"weekdays": _("No date of the session falls on these days.")})
    series = ActivitySeries.objects.create(
        session=session,
        kind=kind,
        title=title,
        weekdays=sorted(set(weekdays)),
        first_date=first_date,
        last_date=last_date,
        start_time=start_time,
        end_time=end_time,
        created_by=actor,
    )
    Activity.objects.bulk_create(
        Activity(
            session=session,
            series=series,
            kind=kind,
            title=title,
            date=day,
            start_time=start_time,
            end_time=end_time,
            place=place,
            facilitator=facilitator,
            partner=partner,
        )
        for day in dates
    )
    return series


# --- attendance


def expected_participants(activity: Activity) -> list[Enrolment]:
    """Who is expected at an activity: its participant for an individual
    appointment, otherwise the group on that day (people who dropped out
    before it are not)."""
    if activity.participant_id:
        participant = Enrolment.objects.select_related("beneficiary").get(
            pk=activity.participant_id
        )
        return [participant] if participant.attends_on(activity.date) else []
    group = activity.session.enrolments.participants().select_related("beneficiary")
    return [
        e
        for e in group.order_by("beneficiary__search_last_first", "id")
        if e.attends_on(activity.date)
    ]


@transaction.atomic
def attendance_record(*, actor: User, activity: Activity, marks: dict[int, str]) -> int:
    """marks: {enrolment id: status}. Creates or changes one record per
    participant; returns how many changed. Refuses people who are not
    expected at the activity, a cancelled activity and a future one."""
    if activity.is_cancelled:
        raise ValidationError(_("This activity is cancelled."))
    if activity.date > timezone.localdate():
        raise ValidationError(_("Attendance cannot be recorded before the activity."))
    unknown = [status for status in marks.values() if status not in AttendanceStatus.values]
    if unknown:
        raise ValidationError(_("Unknown attendance status."))
    # One recording at a time per activity: two saves of the same row (a
    # choice changed twice quickly, each saved at once) would otherwise both
    # create the person's record.
    Activity.objects.select_for_update().filter(pk=activity.pk).first()
    expected = {e.pk for e in expected_participants(activity)}
    strangers = set(marks) - expected
    if strangers:
        raise ValidationError(
            ngettext(
                "%(count)s person is not a participant of this activity.",
                "%(count)s people are not participants of this activity.",
                len(strangers),
            )
            % {"count": len(strangers)},
            code="not_participant",
        )
    existing = {a.enrolment_id: a for a in activity.attendances.select_for_update()}
    changed = []
    new = []
    for enrolment_id, status in marks.items():
        record = existing.get(enrolment_id)
        if record is None:
            new.append(
                Attendance(
                    activity=activity,
                    enrolment_id=enrolment_id,
                    status=status,
                    recorded_by=actor,
                )
            )
        elif record.status != status:
            record.status = status
            record.recorded_by = actor
            changed.append(record)
    Attendance.objects.bulk_create(new)
    for record in changed:
        record.save(update_fields=["status", "recorded_by", "recorded_at"])
    return len(new) + len(changed)
