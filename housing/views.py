import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from beneficiaries.selectors import beneficiaries_for, beneficiary_get
from housing import selectors, services
from housing.forms import (
    BookingForm,
    CaseFileBookingForm,
    EndForm,
    ExtendForm,
    MoveForm,
    PlaceCloseForm,
    PlaceForm,
    UnitForm,
)
from housing.models import Occupancy, six_months_after
from thrasos import permissions
from thrasos.core.forms import form_status, submit
from thrasos.core.gates import gate

MAX_BOARD_MONTHS = 12


def _form_page(request, form, *, title, subtitle="", back=None, status=200, submit_label=None):
    return render(
        request,
        "housing/form_page.html",
        {
            "form": form,
            "title": title,
            "subtitle": subtitle,
            "back": back,
            "submit_label": submit_label,
        },
        status=status,
    )


@gate(read=permissions.can_view_housing)
def unit_list(request):
    today = timezone.localdate()
    return render(
        request,
        "housing/unit_list.html",
        {
            "units": selectors.units_list(request.membership, today),
            "freeing": selectors.freeing_soon(request.membership, today),
            "today": today,
        },
    )


@gate(permissions.can_manage_housing)
def unit_create(request):
    form = UnitForm(
        request.POST or None, territory_ids=permissions.territory_ids(request.membership)
    )
    unit = submit(request, form, lambda data: services.unit_create(actor=request.user, data=data))
    if unit is not None:
        messages.success(request, _("Housing unit created."))
        return redirect(unit)
    return _form_page(request, form, title=_("New housing unit"), status=form_status(form))


@gate(read=permissions.can_view_housing)
def unit_detail(request, pk: int):
    unit = selectors.unit_get(request.membership, pk)
    today = timezone.localdate()
    places = list(unit.places.order_by("label", "id"))
    history = list(
        Occupancy.objects.filter(place__unit=unit)
        .select_related("place", "beneficiary")
        .order_by("-start_date", "-id")
    )
    current = {o.place_id: o for o in history if o.is_current(today)}
    moved = {o.moved_from_id for o in history if o.moved_from_id}
    for o in history:
        o.was_moved = o.pk in moved
    return render(
        request,
        "housing/unit_detail.html",
        {
            "unit": unit,
            "places": [(p, current.get(p.pk)) for p in places],
            "history": history,
            "today": today,
            "place_form": PlaceForm() if unit.is_active else None,
        },
    )


@gate(permissions.can_manage_housing)
def unit_edit(request, pk: int):
    unit = selectors.unit_get(request.membership, pk)
    form = UnitForm(
        request.POST or None,
        instance=unit,
        territory_ids=permissions.territory_ids(request.membership),
    )
    saved = submit(
        request, form, lambda data: services.unit_update(actor=request.user, unit=unit, data=data)
    )
    if saved is not None:
        messages.success(request, _("Housing unit saved."))
        return redirect(saved)
    unit.refresh_from_db()
    return _form_page(
        request,
        form,
        title=_("Edit the housing unit"),
        subtitle=str(unit),
        back=unit,
        status=form_status(form),
    )


@gate(write=permissions.can_manage_housing)
def place_add(request, pk: int):
    unit = selectors.unit_get(request.membership, pk)
    form = PlaceForm(request.POST)
    place = submit(
        request, form, lambda data: services.place_create(actor=request.user, unit=unit, data=data)
    )
    if place is not None:
        messages.success(request, _("Place added."))
        return redirect(unit)
    return _form_page(
        request, form, title=_("Add a place"), subtitle=str(unit), back=unit, status=400
    )


@gate(permissions.can_manage_housing)
def place_close(request, pk: int):
    place = selectors.place_get(request.membership, pk)
    form = PlaceCloseForm(request.POST or None, initial={"closed_on": place.closed_on})
    done = submit(
        request,
        form,
        lambda data: services.place_close(
            actor=request.user, place=place, closed_on=data["closed_on"]
        ),
    )
    if done is not None:
        messages.success(request, _("Place saved."))
        return redirect(place.unit)
    return _form_page(
        request,
        form,
        title=_("Close the place"),
        subtitle=str(place),
        back=place.unit,
        status=form_status(form),
    )


@gate(permissions.can_manage_housing)
def place_book(request, pk: int):
    place = selectors.place_get(request.membership, pk)
    form = BookingForm(request.POST or None, people=beneficiaries_for(request.membership))
    occupancy = submit(
        request,
        form,
        lambda data: services.occupancy_start(actor=request.user, place=place, **data),
    )
    if occupancy is not None:
        messages.success(request, _("Place booked."))
        return redirect(place.unit)
    return _form_page(
        request,
        form,
        title=_("Book the place"),
        subtitle=str(place),
        back=place.unit,
        status=form_status(form),
        submit_label=_("Book"),
    )


@gate(permissions.can_manage_housing)
def occupancy_extend(request, pk: int):
    occupancy = selectors.occupancy_get(request.membership, pk)
    form = ExtendForm(
        request.POST or None,
        initial={
            "planned_end_date": occupancy.planned_end_date,
            "short_stay_justification": occupancy.short_stay_justification,
        },
    )
    done = submit(
        request,
        form,
        lambda data: services.occupancy_extend(actor=request.user, occupancy=occupancy, **data),
    )
    if done is not None:
        messages.success(request, _("Planned end changed."))
        return redirect(occupancy.place.unit)
    return _occupancy_page(request, occupancy, form, _("Change the planned end"))


def _occupancy_page(request, occupancy, form, title):
    return _form_page(
        request,
        form,
        title=title,
        subtitle=f"{occupancy.beneficiary.full_name} – {occupancy.place}",
        back=occupancy.place.unit,
        status=form_status(form),
    )


@gate(permissions.can_manage_housing)
def occupancy_move(request, pk: int):
    occupancy = selectors.occupancy_get(request.membership, pk)
    today = timezone.localdate()
    places = selectors.free_places(
        request.membership,
        today,
        max(occupancy.planned_end_date, today + datetime.timedelta(days=1)),
    )
    form = MoveForm(request.POST or None, places=places, initial={"on": today})
    done = submit(
        request,
        form,
        lambda data: services.occupancy_move(actor=request.user, occupancy=occupancy, **data),
    )
    if done is not None:
        messages.success(request, _("Move recorded."))
        return redirect(done.place.unit)
    return _occupancy_page(request, occupancy, form, _("Move to another place"))


@gate(permissions.can_manage_housing)
def occupancy_end(request, pk: int):
    occupancy = selectors.occupancy_get(request.membership, pk)
    form = EndForm(request.POST or None, initial={"end_date": timezone.localdate()})
    done = submit(
        request,
        form,
        lambda data: services.occupancy_end(actor=request.user, occupancy=occupancy, **data),
    )
    if done is not None:
        messages.success(request, _("Exit recorded."))
        return redirect(occupancy.place.unit)
    return _occupancy_page(request, occupancy, form, _("Record the exit"))


def _month_start(value: str | None, default: datetime.date) -> datetime.date:
    try:
        year, month = (int(x) for x in (value or "").split("-"))
        return datetime.date(year, month, 1)
    except (TypeError, ValueError):
        return default


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    return datetime.date(day.year + month // 12, month % 12 + 1, 1)


def _period(request) -> tuple[datetime.date, datetime.date, int]:
    today = timezone.localdate()
    start = _month_start(request.GET.get("debut"), _add_months(today.replace(day=1), -1))
    try:
        months = min(MAX_BOARD_MONTHS, max(1, int(request.GET.get("mois", 6))))
    except ValueError:
        months = 6
    return start, _add_months(start, months), months


@gate(read=permissions.can_view_housing)
def board(request):
    start, end, months = _period(request)
    territories = list(selectors.board_territories(request.membership))
    territory = request.GET.get("territoire", "")
    territory_id = next((t.pk for t in territories if str(t.pk) == territory), None)
    today = timezone.localdate()
    weeks, rows, page = selectors.board(
        request.membership,
        start,
        end,
        territory_id,
        page=request.GET.get("page", 1),
        today=today,
    )
    query = {"debut": start.strftime("%Y-%m"), "mois": months}
    if territory_id:
        query["territoire"] = territory_id
    return render(
        request,
        "housing/board.html",
        {
            "weeks": weeks,
            "rows": rows,
            "page": page,
            "start": start,
            "end": end,
            "months": months,
            "previous": _add_months(start, -months),
            "next": end,
            "today": today,
            "territories": territories,
            "territory_id": territory_id,
            "query": urlencode(query),
            "territory_query": f"&territoire={territory_id}" if territory_id else "",
        },
    )


@gate(read=permissions.can_view_housing_figures)
def figures(request):
    start, end, months = _period(request)
    rows = selectors.occupancy_figures(request.membership, start, end)
    return render(
        request,
        "housing/figures.html",
        {
            "rows": rows,
            "start": start,
            "end": end,
            "last_day": end - datetime.timedelta(days=1),
            "months": months,
        },
    )


@gate(permissions.can_manage_housing)
def case_file_book(request, pk: int):
    """Book a place from the case file: the dates first, then the places free
    on every day of them."""
    beneficiary = beneficiary_get(request.membership, pk)
    data = request.POST if request.method == "POST" else (request.GET or None)
    dates = CaseFileBookingForm(data)
    places = None
    if dates.is_bound:
        dates.is_valid()
        start = dates.cleaned_data.get("start_date")
        if start:
            end = dates.cleaned_data.get("planned_end_date") or six_months_after(start)
            if end > start:
                places = selectors.free_places(request.membership, start, end)
    form = CaseFileBookingForm(request.POST or None, places=places, initial=request.GET or None)
    occupancy = submit(
        request,
        form,
        lambda d: services.occupancy_start(
            actor=request.user,
            beneficiary=beneficiary,
            place=d["place"],
            start_date=d["start_date"],
            planned_end_date=d["planned_end_date"],
            short_stay_justification=d["short_stay_justification"],
        ),
    )
    if occupancy is not None:
        messages.success(request, _("Place booked."))
        return redirect(beneficiary)
    return render(
        request,
        "housing/case_file_book.html",
        {"form": form, "beneficiary": beneficiary, "places": places},
        status=form_status(form),
    )
