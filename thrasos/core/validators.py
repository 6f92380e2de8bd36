"""Plausibility checks shared by the models: they run in Model.full_clean()
(so in the services and the model forms) and DRF's ModelSerializers copy
them, so that the pages and the API refuse the same input."""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

# No event of the programme (referral, assessment, session, enrolment) comes
# before it: the programme and this platform are much younger. It catches a
# mistyped year (1026, 0202) without refusing any real record.
PROGRAMME_EARLIEST = datetime.date(2000, 1, 1)


def years_after(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` later (28 February for 29 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def age_on(birth_date: datetime.date, day: datetime.date) -> int:
    """Full years between the date of birth and `day`."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


@deconstructible
class DateRange:
    """A date that can have happened: not before `earliest` and not after
    today + `years_ahead` (0: not in the future; None: no upper bound).

    The earliest date is fixed, not computed from today: a record must stay
    valid as time passes. Today is read at each check, never frozen into a
    migration (the migration keeps `years_ahead`)."""

    def __init__(
        self, *, earliest: datetime.date | None = None, years_ahead: int | None = 0
    ) -> None:
        self.earliest = earliest
        self.years_ahead = years_ahead

    def __call__(self, value: datetime.date) -> None:
        if value is None:
            return
        if self.earliest is not None and value < self.earliest:
            raise ValidationError(
                _("This date cannot be before %(date)s."),
                code="too_early",
                params={"date": self.earliest.strftime("%d/%m/%Y")},
            )
        if self.years_ahead is None:
            return
        today = timezone.localdate()
        if self.years_ahead == 0 and value > today:
            raise ValidationError(_("This date cannot be in the future."), code="future")
        latest = years_after(today, self.years_ahead)
        if value > latest:
            raise ValidationError(
                _("This date cannot be after %(date)s."),
                code="too_late",
                params={"date": latest.strftime("%d/%m/%Y")},
            )

    def __eq__(self, other) -> bool:
        return (
            isinstance(other, DateRange)
            and self.earliest == other.earliest
            and self.years_ahead == other.years_ahead
        )


def validate_fields(instance, *fields: str) -> None:
    """Run the validators (lengths, bounds) of these fields only: for the
    services that build a row without full_clean() (which would also query
    every foreign key)."""
    names = {f.name for f in instance._meta.concrete_fields}
    instance.clean_fields(exclude=names - set(fields))
