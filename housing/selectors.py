"""Reads of housing, always from the member's scope: units of their
territories (all for admins and coordinators), the occupancy board, the
figures (occupancy rate, vacancy days) and the places freeing soon."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from housing.models import HousingUnit, Occupancy, Place
from thrasos import permissions
from thrasos.accounts.models import Territory

ONE_DAY = datetime.timedelta(days=1)


def units_for(membership):
    """Units a member may open. The routes are gated; this is the scope, and
    a second wall: a role without housing gets 404."""
    if not permissions.can_view_housing(membership):
        raise Http404
    return HousingUnit.objects.in_territories(permissions.territory_ids(membership))


def unit_get(membership, pk: int) -> HousingUnit:
    """404 alike for a missing unit, another organisation's, or one outside
    the member's territories."""
    return get_object_or_404(units_for(membership).select_related("territory"), pk=pk)


def places_for(membership):
    return Place.objects.filter(unit__in=units_for(membership))


def place_get(membership, pk: int) -> Place:
    return get_object_or_404(places_for(membership).select_related("unit__territory"), pk=pk)


def occupancy_get(membership, pk: int) -> Occupancy:
    return get_object_or_404(
        Occupancy.objects.filter(place__unit__in=units_for(membership)).select_related(
            "place__unit", "beneficiary"
        ),
        pk=pk,
    )


def units_list(membership, today: datetime.date):
    """Units with their open places and the places free today (three
    queries whatever the number of units)."""
    busy = Occupancy.objects.current_on(today).values("place_id")
    open_today = (Q(places__closed_on__isnull=True) | Q(places__closed_on__gt=today)) & (
        Q(closed_on__isnull=True) | Q(closed_on__gt=today)
    )
    return (
        units_for(membership)
        .select_related("territory")
        .annotate(
            open_places=Count("places", filter=open_today, distinct=True),
            free_places=Count("places", filter=open_today & ~Q(places__id__in=busy), distinct=True),
        )
        .order_by("territory__name", "city", "name", "id")
    )


def free_places(membership, start: datetime.date, end: datetime.date):
    """Places of the member's scope free on every day of [start, end)."""
    return (
        places_for(membership)
        .free_between(start, end)
        .select_related("unit__territory")
        .order_by("unit__city", "unit__name", "label")
    )


def freeing_soon(membership, today: datetime.date, days: int = 90) -> list[dict]:
    """Current occupancies whose booking ends in the next `days` days, with
    the horizon (30, 60, 90) they fall in."""
    horizon = today + datetime.timedelta(days=days)
    rows = (
        Occupancy.objects.filter(place__unit__in=units_for(membership))
        .current_on(today)
        .filter(
            Q(actual_end_date__isnull=True, planned_end_date__lte=horizon)
            | Q(actual_end_date__lte=horizon)
        )
        .select_related("place__unit", "beneficiary")
        .order_by("planned_end_date", "id")
    )
    out = []
    for o in rows:
        left = (o.booked_until - today).days
        out.append(
            {"occupancy": o, "days": left, "within": 30 if left <= 30 else 60 if left <= 60 else 90}
        )
    return out


# --- the occupancy board


@dataclass
class Cell:
    weeks: int
    occupancy: Occupancy | None = None
    closed: bool = False
    overstay: bool = False  # still there after the planned end (today)


@dataclass
class BoardRow:
    place: Place
    cells: list[Cell] = field(default_factory=list)


BOARD_PAGE_SIZE = 100


def weeks_of(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """The Mondays of the weeks that meet [start, end)."""
    monday = start - datetime.timedelta(days=start.weekday())
    weeks = []
    while monday < end:
        weeks.append(monday)
        monday += datetime.timedelta(weeks=1)
    return weeks


def board_territories(membership):
    """The territories the board can be narrowed to (the member's)."""
    ids = permissions.territory_ids(membership)
    territories = Territory.objects.order_by("name")
    return territories if ids is None else territories.filter(id__in=ids)


def board(
    membership,
    start: datetime.date,
    end: datetime.date,
    territory_id=None,
    *,
    page: int | str = 1,
    today: datetime.date | None = None,
):
    """Places as rows, weeks as columns: who is where each week (the
    occupant of the most days of the week), merged into spans; vacant and
    closed stretches are cells too. A page of BOARD_PAGE_SIZE places (an
    organisation may have thousands): three queries whatever the period and
    the page (count, places, their occupancies)."""
    weeks = weeks_of(start, end)
    today = today or datetime.date.today()
    units = units_for(membership)
    if territory_id:
        units = units.filter(territory_id=territory_id)
    occupancies = Occupancy.objects.overlapping(weeks[0], weeks[-1] + datetime.timedelta(weeks=1))
    places = (
        Place.objects.filter(unit__in=units)
        .exclude(closed_on__lte=weeks[0])
        .exclude(unit__closed_on__lte=weeks[0])
        .select_related("unit")
        .prefetch_related(
            Prefetch(
                "occupancies",
                queryset=occupancies.select_related("beneficiary"),
                to_attr="in_period",
            )
        )
        .order_by("unit__city", "unit__name", "label", "id")
    )
    page_obj = Paginator(places, BOARD_PAGE_SIZE).get_page(page)
    rows = []
    for place in page_obj.object_list:
        row = BoardRow(place=place)
        for monday in weeks:
            sunday_next = monday + datetime.timedelta(weeks=1)
            closed_on = min((d for d in (place.closed_on, place.unit.closed_on) if d), default=None)
            best, best_days = None, 0
            for o in place.in_period:
                days = (min(o.booked_until, sunday_next) - max(o.start_date, monday)).days
                if days > best_days:
                    best, best_days = o, days
            closed = best is None and closed_on is not None and closed_on <= monday
            last = row.cells[-1] if row.cells else None
            if last and last.occupancy == best and last.closed == closed:
                last.weeks += 1
            else:
                row.cells.append(
                    Cell(
                        weeks=1,
                        occupancy=best,
                        closed=closed,
                        overstay=best is not None and best.is_overstaying(today),
                    )
                )
        rows.append(row)
    return weeks, rows, page_obj


# --- figures


@dataclass
class TerritoryFigures:
    territory: str
    places: int = 0
    available_days: int = 0
    occupied_days: int = 0

    @property
    def vacancy_days(self) -> int:
        return self.available_days - self.occupied_days

    @property
    def rate(self) -> int | None:
        """Occupied place-days over available place-days, in percent."""
        if not self.available_days:
            return None
        return round(100 * self.occupied_days / self.available_days)


def _overlap(a_start, a_end, b_start, b_end) -> int:
    return max(0, (min(a_end, b_end) - max(a_start, b_start)).days)


def occupancy_figures(
    membership, start: datetime.date, end: datetime.date
) -> list[TerritoryFigures]:
    """Per territory, over [start, end): the place-days available (a place
    counts from its unit's opening, or the period start, until it closes),
    the place-days occupied, vacancy days and the occupancy rate. Aggregates
    only: managers read them too."""
    if not permissions.can_view_housing_figures(membership):
        raise Http404
    # Managers read the organisation's aggregates, whatever their territories.
    territory_ids = (
        None
        if permissions.sees_aggregates_only(membership)
        else permissions.territory_ids(membership)
    )
    units = HousingUnit.objects.in_territories(territory_ids)
    places = (
        Place.objects.filter(unit__in=units)
        .select_related("unit__territory")
        .prefetch_related(
            Prefetch(
                "occupancies",
                queryset=Occupancy.objects.overlapping(start, end),
                to_attr="in_period",
            )
        )
    )
    figures: dict[str, TerritoryFigures] = defaultdict(lambda: TerritoryFigures(territory=""))
    for place in places:
        closes = min((d for d in (place.closed_on, place.unit.closed_on) if d), default=end)
        opens = max(start, place.unit.opened_on)
        available = _overlap(opens, closes, start, end)
        occupied = sum(
            _overlap(o.start_date, o.booked_until, start, min(end, closes)) for o in place.in_period
        )
        name = place.unit.territory.name
        row = figures[name]
        row.territory = name
        row.places += 1
        row.available_days += available
        row.occupied_days += min(occupied, available)
    return sorted(figures.values(), key=lambda f: f.territory)


def current_cities(beneficiary_ids, day: datetime.date) -> dict[int, str]:
    """The city of each person's programme housing on `day`, and nothing
    more (no unit, no address): what a volunteer may know of their mentee's
    housing (issue 12). The caller has already limited the people to those
    the member may see."""
    return dict(
        Occupancy.objects.current_on(day)
        .filter(beneficiary_id__in=beneficiary_ids)
        .values_list("beneficiary_id", "place__unit__city")
    )
