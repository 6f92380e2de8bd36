"""Every write on housing units, places and occupancies.

The database refuses a double booking (exclusion constraints, see
housing.models); the services check first to name the conflicting booking in
French, and turn the database's refusal into the same message when two
bookings race (the second waits for the first, then is refused)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from beneficiaries.models import Beneficiary
from beneficiaries.pathway import State
from beneficiaries.services import beneficiary_update
from housing.models import (
    DESTINATION_OUTCOME,
    PERSON_HOUSED,
    PLACE_BOOKED,
    HousingUnit,
    Occupancy,
    Place,
    six_months_after,
)
from thrasos.accounts.models import User
from thrasos.core.db import is_lock_conflict

_UNIT_FIELDS = (
    "territory",
    "name",
    "address",
    "postcode",
    "city",
    "departement",
    "kind",
    "landlord_kind",
    "lease_reference",
    "notes",
    "opened_on",
    "closed_on",
)


def _fmt(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def _last_day(occupancy: Occupancy) -> datetime.date:
    """The last night, for messages (the range is half-open)."""
    return occupancy.booked_until - datetime.timedelta(days=1)


# --- units and places


@transaction.atomic
def unit_create(*, actor: User, data: dict) -> HousingUnit:
    unit = HousingUnit(**{k: v for k, v in data.items() if k in _UNIT_FIELDS})
    if unit.opened_on is None:
        unit.opened_on = timezone.localdate()
    unit.full_clean(exclude=["organisation"])
    _check_name(unit)
    unit.save()
    return unit


@transaction.atomic
def unit_update(*, actor: User, unit: HousingUnit, data: dict) -> HousingUnit:
    locked = HousingUnit.objects.select_for_update().get(pk=unit.pk)
    for field, value in data.items():
        if field in _UNIT_FIELDS:
            setattr(locked, field, value)
    locked.full_clean(exclude=["organisation"])
    _check_name(locked)
    if locked.closed_on is not None:
        _refuse_bookings_after(
            Occupancy.objects.filter(place__unit=locked), locked.closed_on, field="closed_on"
        )
    locked.save()
    unit.refresh_from_db()
    return locked


def _check_name(unit: HousingUnit) -> None:
    if HousingUnit.objects.filter(name__iexact=unit.name).exclude(pk=unit.pk).exists():
        raise ValidationError({"name": _("A housing unit already has this name.")})


def _refuse_bookings_after(occupancies, day: datetime.date, *, field: str) -> None:
    """A unit or a place cannot close while someone is booked there after `day`."""
    later = (
        occupancies.overlapping(day, datetime.date.max)
        .select_related("beneficiary")
        .order_by("start_date")
        .first()
    )
    if later is not None:
        raise ValidationError(
            {
                field: _(
                    "%(person)s is booked here until %(end)s: end or move that "
                    "occupancy before closing from %(day)s."
                )
                % {
                    "person": later.beneficiary.full_name,
                    "end": _fmt(_last_day(later)),
                    "day": _fmt(day),
                }
            }
        )


@transaction.atomic
def place_create(*, actor: User, unit: HousingUnit, data: dict) -> Place:
    if unit.closed_on is not None:
        raise ValidationError(_("This housing unit is closed: no place can be added."))
    place = Place(unit=unit, label=data.get("label", "").strip(), notes=data.get("notes", ""))
    place.full_clean(exclude=["organisation"], validate_constraints=False)
    if unit.places.filter(label__iexact=place.label).exists():
        raise ValidationError({"label": _("This unit already has a place with this label.")})
    place.save()
    return place


@transaction.atomic
def place_close(*, actor: User, place: Place, closed_on: datetime.date) -> Place:
    """Close a place from a date (it may reopen: closed_on=None)."""
    locked = Place.objects.select_for_update().get(pk=place.pk)
    locked.closed_on = closed_on
    locked.full_clean(exclude=["organisation", "unit"])
    if closed_on is not None:
        _refuse_bookings_after(locked.occupancies.all(), closed_on, field="closed_on")
    locked.save()
    place.refresh_from_db()
    return locked


# --- occupancies


def _conflict_message(occupancy: Occupancy) -> ValidationError | None:
    """The French message naming the booking that overlaps, if any."""
    others = Occupancy.objects.exclude(pk=occupancy.pk).overlapping(
        occupancy.start_date, occupancy.booked_until
    )
    place_taken = (
        others.filter(place_id=occupancy.place_id)
        .select_related("beneficiary")
        .order_by("start_date")
        .first()
    )
    if place_taken is not None:
        return ValidationError(
            _(
                "This place is already booked for %(person)s from %(start)s to %(end)s: "
                "choose other dates or another place."
            )
            % {
                "person": place_taken.beneficiary.full_name,
                "start": _fmt(place_taken.start_date),
                "end": _fmt(_last_day(place_taken)),
            },
            code="place_booked",
        )
    housed = (
        others.filter(beneficiary_id=occupancy.beneficiary_id)
        .select_related("place__unit")
        .order_by("start_date")
        .first()
    )
    if housed is not None:
        return ValidationError(
            _(
                "This person is already housed from %(start)s to %(end)s (%(place)s): "
                "end or move that occupancy first."
            )
            % {
                "start": _fmt(housed.start_date),
                "end": _fmt(_last_day(housed)),
                "place": housed.place,
            },
            code="person_housed",
        )
    return None


def _save_retrying_a_lock_conflict(occupancy: Occupancy) -> None:
    """Two bookings inserted at the same moment can each wait for the other
    on the exclusion constraints: PostgreSQL then cancels one (deadlock
    detected). It is retried once, after its savepoint is rolled back: the
    other has committed or given up by then, so the retry saves or meets the
    constraint (its French message). A second conflict is refused in French."""
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                occupancy.save()
            return
        except OperationalError as exc:
            if not is_lock_conflict(exc):
                raise
            if attempt == 2:
                raise ValidationError(
                    _(
                        "Another booking of this place or this person was being recorded at the "
                        "same moment: reload the page and check before trying again."
                    )
                ) from exc


def _save_booking(occupancy: Occupancy) -> None:
    """Save, the database being the wall: a booking committed by another
    request between the check and the insert makes the insert fail on the
    exclusion constraint, turned into the same French message."""
    if (error := _conflict_message(occupancy)) is not None:
        raise error
    try:
        _save_retrying_a_lock_conflict(occupancy)
    except IntegrityError as exc:
        constraint = getattr(getattr(exc.__cause__, "diag", None), "constraint_name", None)
        if constraint not in (PLACE_BOOKED, PERSON_HOUSED):
            raise
        error = _conflict_message(occupancy)
        if error is None:
            error = ValidationError(
                _("This place is already booked for these dates.")
                if constraint == PLACE_BOOKED
                else _("This person is already housed on these dates."),
            )
        raise error from exc


def _check_place_open(place: Place, start: datetime.date, end: datetime.date) -> None:
    for closed_on in (place.closed_on, place.unit.closed_on):
        if closed_on is not None and closed_on < end:
            raise ValidationError(
                {"place": _("This place is closed from %(day)s.") % {"day": _fmt(closed_on)}}
            )
    if start >= end:
        raise ValidationError(
            {"planned_end_date": _("The planned end must be after the start date.")}
        )


def _check_minimum(
    stay_started_on: datetime.date, planned_end: datetime.date, justification: str
) -> None:
    if planned_end < six_months_after(stay_started_on) and not justification.strip():
        raise ValidationError(
            {
                "short_stay_justification": _(
                    "A stay shorter than six months (before %(day)s) needs a written justification."
                )
                % {"day": _fmt(six_months_after(stay_started_on))}
            }
        )


def _check_person(beneficiary: Beneficiary, place: Place) -> None:
    # Also a composite foreign key in the database (thrasos.core.rls).
    if beneficiary.organisation_id != place.organisation_id:
        raise ValidationError({"beneficiary": _("This person is not of this organisation.")})
    if beneficiary.state in (State.EXITED, State.NOT_ADMITTED, State.WITHDRAWN):
        raise ValidationError(
            {
                "beneficiary": _("A person who is “%(state)s” cannot be housed.")
                % {"state": State(beneficiary.state).label}
            }
        )


@transaction.atomic
def occupancy_start(
    *,
    actor: User,
    beneficiary: Beneficiary,
    place: Place,
    start_date: datetime.date,
    planned_end_date: datetime.date | None = None,
    short_stay_justification: str = "",
    comment: str = "",
    _stay_started_on: datetime.date | None = None,
    _moved_from: Occupancy | None = None,
) -> Occupancy:
    """Book a place for a person from `start_date` to the planned end (six
    months by default). Refused when the place or the person is taken on
    these dates."""
    if start_date is None:
        raise ValidationError({"start_date": _("Give the start date.")})
    stay_started_on = _stay_started_on or start_date
    planned_end_date = planned_end_date or six_months_after(stay_started_on)
    # One booking at a time per place: concurrent bookings of the same place
    # queue here rather than only at the constraint.
    place = Place.objects.select_for_update().select_related("unit").get(pk=place.pk)
    _check_person(beneficiary, place)
    _check_place_open(place, start_date, planned_end_date)
    _check_minimum(stay_started_on, planned_end_date, short_stay_justification)
    occupancy = Occupancy(
        place=place,
        beneficiary=beneficiary,
        start_date=start_date,
        planned_end_date=planned_end_date,
        stay_started_on=stay_started_on,
        moved_from=_moved_from,
        short_stay_justification=short_stay_justification.strip(),
        comment=comment.strip(),
        created_by=actor,
    )
    occupancy.full_clean(
        exclude=["organisation", "place", "beneficiary", "moved_from", "created_by"],
        validate_constraints=False,
    )
    _save_booking(occupancy)
    return occupancy


@transaction.atomic
def occupancy_extend(
    *,
    actor: User,
    occupancy: Occupancy,
    planned_end_date: datetime.date,
    short_stay_justification: str | None = None,
) -> Occupancy:
    """Change the planned end (longer or shorter). Extending over the next
    booking of the place is refused with that booking named."""
    locked = (
        Occupancy.objects.select_for_update().select_related("place__unit").get(pk=occupancy.pk)
    )
    if locked.actual_end_date is not None:
        raise ValidationError(_("This occupancy has ended: its dates can no longer change."))
    if planned_end_date is None:
        raise ValidationError({"planned_end_date": _("Give the planned end date.")})
    locked.planned_end_date = planned_end_date
    if short_stay_justification is not None:
        locked.short_stay_justification = short_stay_justification.strip()
    _check_place_open(locked.place, locked.start_date, planned_end_date)
    _check_minimum(locked.stay_started_on, planned_end_date, locked.short_stay_justification)
    locked.full_clean(
        exclude=["organisation", "place", "beneficiary", "moved_from", "created_by"],
        validate_constraints=False,
    )
    _save_booking(locked)
    occupancy.refresh_from_db()
    return locked


def _check_end(
    occupancy: Occupancy,
    end_date: datetime.date,
    *,
    early_end_reason: str,
    early_end_justification: str,
) -> None:
    if end_date is None:
        raise ValidationError({"end_date": _("Give the end date.")})
    if end_date < occupancy.start_date:
        raise ValidationError(
            {
                "end_date": _("The end cannot be before the start (%(day)s).")
                % {"day": _fmt(occupancy.start_date)}
            }
        )
    if end_date > timezone.localdate():
        raise ValidationError(
            {"end_date": _("An end is recorded when it happens: not in the future.")}
        )
    if end_date < six_months_after(occupancy.stay_started_on):
        errors = {}
        if not early_end_reason:
            errors["early_end_reason"] = _("The stay ends before six months: give the reason.")
        if not early_end_justification.strip():
            errors["early_end_justification"] = _(
                "The stay ends before six months: write a justification."
            )
        if errors:
            raise ValidationError(errors)


@transaction.atomic
def occupancy_end(
    *,
    actor: User,
    occupancy: Occupancy,
    end_date: datetime.date,
    destination: str,
    early_end_reason: str = "",
    early_end_justification: str = "",
    comment: str = "",
) -> Occupancy:
    """The person leaves the programme's housing on `end_date` for
    `destination`. Before six months, a reason and a justification. The
    destination feeds the housing outcome of the exit situation when the
    person has already exited the programme."""
    locked = (
        Occupancy.objects.select_for_update().select_related("beneficiary").get(pk=occupancy.pk)
    )
    if locked.actual_end_date is not None:
        raise ValidationError(_("This occupancy has already ended."))
    if not destination:
        raise ValidationError({"destination": _("Give where the person goes (or “Unknown”).")})
    _check_end(
        locked,
        end_date,
        early_end_reason=early_end_reason,
        early_end_justification=early_end_justification,
    )
    early = end_date < six_months_after(locked.stay_started_on)
    locked.actual_end_date = end_date
    locked.destination = destination
    locked.early_end_reason = early_end_reason if early else ""
    locked.early_end_justification = early_end_justification.strip() if early else ""
    if comment.strip():
        locked.comment = comment.strip()
    locked.full_clean(
        exclude=["organisation", "place", "beneficiary", "moved_from", "created_by"],
        validate_constraints=False,
    )
    # Leaving after the planned end extends the booked range: the next
    # booking of the place is checked.
    _save_booking(locked)
    beneficiary = locked.beneficiary
    outcome = DESTINATION_OUTCOME.get(destination)
    if beneficiary.state == State.EXITED and outcome and beneficiary.exit_housing != outcome:
        beneficiary_update(actor=actor, beneficiary=beneficiary, data={"exit_housing": outcome})
    occupancy.refresh_from_db()
    return locked


@transaction.atomic
def occupancy_move(
    *,
    actor: User,
    occupancy: Occupancy,
    place: Place,
    on: datetime.date,
    planned_end_date: datetime.date | None = None,
    short_stay_justification: str = "",
) -> Occupancy:
    """One operation: the occupancy ends on `on` and another starts the same
    day in `place`. The stay continues: the six-month minimum still counts
    from its first day, and the planned end is kept unless another is given."""
    locked = (
        Occupancy.objects.select_for_update().select_related("beneficiary").get(pk=occupancy.pk)
    )
    if locked.actual_end_date is not None:
        raise ValidationError(_("This occupancy has already ended."))
    if place.pk == locked.place_id:
        raise ValidationError({"place": _("The person is already in this place.")})
    if on is None:
        raise ValidationError({"on": _("Give the date of the move.")})
    if on <= locked.start_date:
        raise ValidationError(
            {
                "on": _("The move must be after the start of the occupancy (%(day)s).")
                % {"day": _fmt(locked.start_date)}
            }
        )
    if on > timezone.localdate():
        raise ValidationError({"on": _("A move is recorded when it happens: not in the future.")})
    planned = planned_end_date or max(locked.planned_end_date, on + datetime.timedelta(days=1))
    locked.actual_end_date = on
    locked.full_clean(
        exclude=["organisation", "place", "beneficiary", "moved_from", "created_by"],
        validate_constraints=False,
    )
    _save_booking(locked)
    return occupancy_start(
        actor=actor,
        beneficiary=locked.beneficiary,
        place=place,
        start_date=on,
        planned_end_date=planned,
        short_stay_justification=short_stay_justification or locked.short_stay_justification,
        _stay_started_on=locked.stay_started_on,
        _moved_from=locked,
    )
