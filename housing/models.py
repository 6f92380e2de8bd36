"""Housing (SPEC §5.4): the units the programme rents or owns, their places
(rooms, beds), and who occupies which place when.

No place is ever double-booked and no person occupies two places at once:
both rules are PostgreSQL exclusion constraints (btree_gist) on the range
[start_date, end) where end is the actual end date once known, the planned
end date until then (`Occupancy.booked_until`). Ranges are half-open, so a
person may leave a place on the morning another person arrives (a move is
"end here, start there" on the same day). An occupancy that overstays its
planned end is not silently overlapping the next booking: extending it
(planned end later, or an actual end after the planned one) is refused by the
same constraint when the place is booked after, with a French message naming
the booking (housing.services)."""

import datetime

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateRangeField, RangeOperators
from django.db import models
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from beneficiaries.pathway import HousingOutcome
from thrasos.audit.history import track_changes
from thrasos.core.fields import BoundedTextField
from thrasos.core.validators import PROGRAMME_EARLIEST, DateRange
from thrasos.tenancy import TenantModel, TerritoryQuerySet, tenant_manager

MINIMUM_MONTHS = 6


def six_months_after(day: datetime.date) -> datetime.date:
    """The same day six months later (the last day of the month when it has
    no such day: 31 August → 28/29 February)."""
    month = day.month - 1 + MINIMUM_MONTHS
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


class UnitKind(models.TextChoices):
    SHARED = "shared_flat", _("Shared flat")
    INDIVIDUAL = "individual", _("Individual housing")


class LandlordKind(models.TextChoices):
    SOCIAL = "social", _("Social landlord")
    PRIVATE = "private", _("Private landlord")
    OWN = "own", _("The charity's own")
    OTHER = "other", _("Other")


class EarlyEndReason(models.TextChoices):
    CONTRACT_BROKEN = "contract_broken", _("Work-study contract broken")
    WITHDRAWAL = "withdrawal", _("Withdrawal from the programme")
    AUTONOMOUS_HOUSING = "autonomous_housing", _("Exit to autonomous housing")
    EXCLUSION = "exclusion", _("Exclusion")
    OTHER = "other", _("Other")


class Destination(models.TextChoices):
    """Where the person goes when the occupancy ends (not for a move inside
    the programme's housing)."""

    SOCIAL = "social_housing", _("Social housing")
    PRIVATE = "private_rental", _("Private rental")
    SLIDING = "sliding_lease", _("Sliding lease")
    RESIDENCE = "social_residence", _("Social residence / FJT")
    HOSTED = "hosted", _("Hosted by a third party")
    EMERGENCY = "emergency", _("Emergency accommodation")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Unknown")


# The housing outcome of the exit situation (beneficiaries.pathway) each
# destination feeds; "unknown" feeds nothing.
DESTINATION_OUTCOME = {
    Destination.SOCIAL: HousingOutcome.SOCIAL,
    Destination.PRIVATE: HousingOutcome.PRIVATE,
    Destination.SLIDING: HousingOutcome.SLIDING,
    Destination.RESIDENCE: HousingOutcome.RESIDENCE,
    Destination.HOSTED: HousingOutcome.HOSTED,
    Destination.EMERGENCY: HousingOutcome.OTHER,
    Destination.OTHER: HousingOutcome.OTHER,
}


class HousingUnitQuerySet(TerritoryQuerySet):
    territory_field = "territory"

    def active(self):
        return self.filter(closed_on__isnull=True)


@track_changes
class HousingUnit(TenantModel):
    territory = models.ForeignKey(
        "accounts.Territory",
        on_delete=models.PROTECT,
        verbose_name=_("territory"),
        related_name="+",
    )
    name = models.CharField(
        _("name"), max_length=100, help_text=_("How the team calls it, e.g. “Colocation Bastide”.")
    )
    address = models.CharField(_("address"), max_length=200)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100)
    departement = models.CharField(_("département"), max_length=3)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    landlord_kind = models.CharField(_("landlord"), max_length=20, choices=LandlordKind.choices)
    lease_reference = models.CharField(_("lease reference"), max_length=100, blank=True)
    notes = BoundedTextField(_("notes"), max_length=2_000, blank=True)
    # Vacancy days count from here (the lease's start, or the day the
    # charity could use the unit).
    opened_on = models.DateField(
        _("available from"),
        validators=[DateRange(earliest=PROGRAMME_EARLIEST, years_ahead=2)],
        help_text=_("The day the programme can house people here (start of the lease)."),
    )
    closed_on = models.DateField(
        _("closed on"),
        null=True,
        blank=True,
        validators=[DateRange(earliest=PROGRAMME_EARLIEST, years_ahead=2)],
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = tenant_manager(HousingUnitQuerySet)

    class Meta:
        verbose_name = _("housing unit")
        verbose_name_plural = _("housing units")
        ordering = ["city", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="housing_unit_name"),
            models.CheckConstraint(
                condition=models.Q(closed_on__isnull=True)
                | models.Q(closed_on__gt=models.F("opened_on")),
                name="housing_unit_closed_after_opened",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "territory", "city"], name="housing_unit_terr")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.city})"

    def get_absolute_url(self) -> str:
        return reverse("housing:unit", args=[self.pk])

    @property
    def is_active(self) -> bool:
        return self.closed_on is None


class PlaceQuerySet(models.QuerySet):
    def open_on(self, day: datetime.date):
        """Places that exist on `day` (not closed by then, unit not closed)."""
        return self.filter(
            models.Q(closed_on__isnull=True) | models.Q(closed_on__gt=day),
            models.Q(unit__closed_on__isnull=True) | models.Q(unit__closed_on__gt=day),
        )

    def free_between(self, start: datetime.date, end: datetime.date):
        """Open places with no occupancy overlapping [start, end)."""
        busy = Occupancy.objects.overlapping(start, end).values("place_id")
        return (
            self.open_on(start)
            .filter(
                models.Q(closed_on__isnull=True) | models.Q(closed_on__gte=end),
                models.Q(unit__closed_on__isnull=True) | models.Q(unit__closed_on__gte=end),
            )
            .exclude(pk__in=busy)
        )


@track_changes
class Place(TenantModel):
    """A room or a bed of a unit."""

    unit = models.ForeignKey(HousingUnit, on_delete=models.PROTECT, related_name="places")
    label = models.CharField(_("label"), max_length=50, help_text=_("For example “Room 2”."))
    notes = BoundedTextField(_("notes"), max_length=1_000, blank=True)
    closed_on = models.DateField(
        _("closed from"),
        null=True,
        blank=True,
        validators=[DateRange(earliest=PROGRAMME_EARLIEST, years_ahead=2)],
    )

    objects = tenant_manager(PlaceQuerySet)

    class Meta:
        verbose_name = _("place")
        verbose_name_plural = _("places")
        ordering = ["unit", "label", "id"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "label"], name="housing_place_label"),
        ]
        indexes = [models.Index(fields=["organisation", "unit"], name="housing_place_unit")]

    def __str__(self) -> str:
        return f"{self.unit.name} – {self.label}"


def _booked_range():
    """[start, actual end or planned end): what the exclusion constraints
    compare. Kept as one expression for the constraints and the queries."""
    return models.Func(
        models.F("start_date"),
        Coalesce(models.F("actual_end_date"), models.F("planned_end_date")),
        models.Value("[)"),
        function="daterange",
        output_field=DateRangeField(),
    )


class OccupancyQuerySet(models.QuerySet):
    def overlapping(self, start: datetime.date, end: datetime.date):
        """Occupancies whose booked range meets [start, end)."""
        return self.filter(start_date__lt=end).filter(
            models.Q(actual_end_date__isnull=False, actual_end_date__gt=start)
            | models.Q(actual_end_date__isnull=True, planned_end_date__gt=start)
        )

    def current_on(self, day: datetime.date):
        return self.overlapping(day, day + datetime.timedelta(days=1))

    def open(self):
        """Not ended yet (the actual end is not recorded)."""
        return self.filter(actual_end_date__isnull=True)


PLACE_BOOKED = "housing_occupancy_no_double_booking"
PERSON_HOUSED = "housing_occupancy_one_place_at_a_time"


@track_changes
class Occupancy(TenantModel):
    place = models.ForeignKey(
        Place, on_delete=models.PROTECT, related_name="occupancies", verbose_name=_("place")
    )
    beneficiary = models.ForeignKey(
        "beneficiaries.Beneficiary",
        on_delete=models.PROTECT,
        related_name="occupancies",
        verbose_name=_("person"),
    )
    start_date = models.DateField(
        _("start date"), validators=[DateRange(earliest=PROGRAMME_EARLIEST, years_ahead=2)]
    )
    planned_end_date = models.DateField(
        _("planned end date"), validators=[DateRange(earliest=PROGRAMME_EARLIEST, years_ahead=5)]
    )
    actual_end_date = models.DateField(
        _("actual end date"),
        null=True,
        blank=True,
        validators=[DateRange(earliest=PROGRAMME_EARLIEST, years_ahead=0)],
    )
    # The first day of the stay in the programme's housing: the start date,
    # or the start of the occupancy this one continues after a move. The
    # six-month minimum counts from here.
    stay_started_on = models.DateField(_("housed since"))
    moved_from = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="moved_to",
        verbose_name=_("moved from"),
    )
    short_stay_justification = BoundedTextField(
        _("justification of a stay under six months"), max_length=1_000, blank=True
    )
    early_end_reason = models.CharField(
        _("reason for ending before six months"),
        max_length=30,
        choices=EarlyEndReason.choices,
        blank=True,
    )
    early_end_justification = BoundedTextField(
        _("justification of the early end"), max_length=1_000, blank=True
    )
    destination = models.CharField(
        _("destination"), max_length=30, choices=Destination.choices, blank=True
    )
    comment = BoundedTextField(_("comment"), max_length=1_000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = tenant_manager(OccupancyQuerySet)

    class Meta:
        verbose_name = _("occupancy")
        verbose_name_plural = _("occupancies")
        ordering = ["start_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(planned_end_date__gt=models.F("start_date")),
                name="housing_occupancy_planned_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(actual_end_date__isnull=True)
                | models.Q(actual_end_date__gte=models.F("start_date")),
                name="housing_occupancy_actual_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(stay_started_on__lte=models.F("start_date")),
                name="housing_occupancy_stay_start",
            ),
            ExclusionConstraint(
                name=PLACE_BOOKED,
                expressions=[
                    (models.F("place"), RangeOperators.EQUAL),
                    (_booked_range(), RangeOperators.OVERLAPS),
                ],
                violation_error_message=_("This place is already booked for these dates."),
            ),
            ExclusionConstraint(
                name=PERSON_HOUSED,
                expressions=[
                    (models.F("beneficiary"), RangeOperators.EQUAL),
                    (_booked_range(), RangeOperators.OVERLAPS),
                ],
                violation_error_message=_("This person is already housed on these dates."),
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "place", "start_date"], name="housing_occ_place"),
            models.Index(
                fields=["organisation", "beneficiary", "start_date"], name="housing_occ_person"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.beneficiary} – {self.place}"

    @property
    def booked_until(self) -> datetime.date:
        """The end the exclusion constraints use (exclusive)."""
        return self.actual_end_date or self.planned_end_date

    @property
    def minimum_end(self) -> datetime.date:
        return six_months_after(self.stay_started_on)

    def is_current(self, day: datetime.date) -> bool:
        return self.start_date <= day < self.booked_until

    def is_overstaying(self, day: datetime.date) -> bool:
        return self.actual_end_date is None and self.planned_end_date <= day
