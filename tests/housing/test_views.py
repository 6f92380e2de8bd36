import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from housing import selectors
from housing.models import HousingUnit, Occupancy, Place
from tests import factories
from tests.housing import factories as hf
from thrasos.accounts.models import Role
from thrasos.tenancy import tenant_context

pytestmark = pytest.mark.django_db

D = datetime.date
# Session, user, tenant settings, membership, messages… then the page's own reads;
# the same with more units, places and occupancies.
# And the bell: the unread notifications count.
UNIT_LIST_QUERIES = 12
BOARD_QUERIES = 14


@pytest.fixture
def a(two_tenants):
    data = two_tenants["a"]
    data["actor"] = data["members"][Role.COORDINATOR].user
    data["unit"] = hf.unit(data["org"], data["territory"], places=2, name="Colocation Bastide")
    data["places"] = hf.places(data["org"], data["unit"])
    return data


@pytest.fixture
def cw(client, a):
    client.force_login(a["members"][Role.CASEWORKER].user)
    return client


def _person(a, name="Diallo"):
    return factories.admitted(
        a["org"], a["territory"], a["actor"], last_name=name, first_name="Awa"
    )


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_unit_list_shows_free_places_and_pins_its_query_count(cw, a, django_assert_num_queries):
    today = timezone.localdate()
    hf.occupancy(
        a["org"], a["actor"], _person(a), a["places"][0], today - datetime.timedelta(days=10)
    )
    url = reverse("housing:index")
    cw.get(url)  # the first request of the session stores it
    with django_assert_num_queries(UNIT_LIST_QUERIES):
        response = cw.get(url)
    body = response.content.decode()
    assert "Colocation Bastide" in body and "1 / 2" in body
    for i in range(4):
        u = hf.unit(a["org"], a["territory"], places=3)
        hf.occupancy(
            a["org"],
            a["actor"],
            _person(a, f"Nom{i}"),
            hf.places(a["org"], u)[0],
            today,
            today + datetime.timedelta(days=40),
            short_stay_justification="Court",
        )
    with django_assert_num_queries(UNIT_LIST_QUERIES):
        response = cw.get(url)
    assert "40 jours" not in response.content.decode()  # horizons are 30/60/90
    assert "60 jours" in response.content.decode()


def test_board_query_count_does_not_grow(cw, a, django_assert_num_queries):
    url = reverse("housing:board") + "?mois=12"
    cw.get(url)  # the first request of the session stores it
    with django_assert_num_queries(BOARD_QUERIES):
        cw.get(url)
    for i in range(3):
        u = hf.unit(a["org"], a["territory"], places=2)
        hf.occupancy(
            a["org"],
            a["actor"],
            _person(a, f"Nom{i}"),
            hf.places(a["org"], u)[1],
            timezone.localdate(),
        )
    with django_assert_num_queries(BOARD_QUERIES):
        response = cw.get(url)
    assert "NOM2 Awa" in response.content.decode()


@pytest.fixture
def coord(client, a):
    client.force_login(a["members"][Role.COORDINATOR].user)
    return client


def test_board_pages_its_places_and_narrows_to_a_territory(coord, a, monkeypatch):
    """An organisation may have thousands of places: the board shows a page
    of them (links keep the period and the territory), and can be narrowed
    to one territory; the query count does not depend on the page."""
    monkeypatch.setattr(selectors, "BOARD_PAGE_SIZE", 3)
    other = factories.territory(a["org"], "Territoire Rhône")
    lyon = hf.unit(a["org"], other, places=2, name="Appartement Croix-Rousse", city="Lyon")
    hf.unit(a["org"], a["territory"], places=2, name="Colocation Chartrons")
    base = reverse("housing:board") + "?mois=12&debut=2026-01"
    first = coord.get(base).content.decode()
    assert "Page 1 sur 2 (6 places)" in first
    assert "mois=12&amp;page=2" in first and "debut=2026-01" in first
    second = coord.get(base + "&page=2").content.decode()
    assert "Page 2 sur 2" in second
    assert _queries(coord, base) == _queries(coord, base + "&page=2")
    narrowed = coord.get(base + f"&territoire={other.pk}").content.decode()
    assert "Croix-Rousse" in narrowed and "Chartrons" not in narrowed
    assert "Bastide" not in narrowed and "Page 1 sur" not in narrowed
    assert f"territoire={other.pk}" in narrowed  # the earlier/later links keep it
    # A territory outside the list (another organisation's, junk) shows all.
    assert "Bastide" in coord.get(base + "&territoire=abc&page=zz").content.decode()
    assert lyon.pk


def test_caseworker_board_lists_only_their_territories(cw, a):
    other = factories.territory(a["org"], "Territoire Rhône")
    hf.unit(a["org"], other, places=1, name="Appartement Croix-Rousse", city="Lyon")
    page = cw.get(reverse("housing:board") + f"?territoire={other.pk}").content.decode()
    assert "Croix-Rousse" not in page and "Bastide" in page
    assert "Territoire Rhône" not in page


def test_board_marks_an_overstay(coord, a):
    today = timezone.localdate()
    o = hf.occupancy(
        a["org"],
        a["actor"],
        _person(a),
        a["places"][0],
        today - datetime.timedelta(days=200),
        today - datetime.timedelta(days=2),
    )
    assert o.is_overstaying(today)
    page = coord.get(reverse("housing:board")).content.decode()
    assert 'class="occupied overstay"' in page


def test_book_a_place_from_the_unit_page(cw, a):
    person = _person(a)
    url = reverse("housing:place_book", args=[a["places"][0].pk])
    response = cw.post(url, {"beneficiary": person.pk, "start_date": "2026-09-01"})
    assert response.status_code == 302
    with tenant_context(a["org"]):
        o = Occupancy.objects.get()
    assert (
        o.planned_end_date == D(2027, 3, 1) and o.created_by == a["members"][Role.CASEWORKER].user
    )
    page = cw.get(reverse("housing:unit", args=[a["unit"].pk])).content.decode()
    assert "DIALLO Awa" in page


def test_double_booking_from_the_page_gets_the_french_error_and_keeps_the_values(cw, a):
    first, second = _person(a, "Premier"), _person(a, "Second")
    hf.occupancy(a["org"], a["actor"], first, a["places"][0], D(2026, 9, 1))
    url = reverse("housing:place_book", args=[a["places"][0].pk])
    response = cw.post(
        url, {"beneficiary": second.pk, "start_date": "2026-10-01", "comment": "Urgent"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Cette place est déjà réservée pour PREMIER Awa du 01/09/2026 au 28/02/2027" in body
    assert 'value="Urgent"' in body
    with tenant_context(a["org"]):
        assert Occupancy.objects.count() == 1


def test_short_stay_without_justification_is_refused_on_the_page(cw, a):
    url = reverse("housing:place_book", args=[a["places"][0].pk])
    response = cw.post(
        url,
        {
            "beneficiary": _person(a).pk,
            "start_date": "2026-09-01",
            "planned_end_date": "2026-11-01",
        },
    )
    assert response.status_code == 400
    assert "doit être justifié par écrit" in response.content.decode()
    with tenant_context(a["org"]):
        assert not Occupancy.objects.exists()


def test_end_before_six_months_needs_reason_on_the_page(cw, a):
    today = timezone.localdate()
    o = hf.occupancy(
        a["org"], a["actor"], _person(a), a["places"][0], today - datetime.timedelta(days=20)
    )
    url = reverse("housing:occupancy_end", args=[o.pk])
    response = cw.post(url, {"end_date": today.isoformat(), "destination": "hosted"})
    assert response.status_code == 400
    assert "indiquez le motif" in response.content.decode()
    response = cw.post(
        url,
        {
            "end_date": today.isoformat(),
            "destination": "hosted",
            "early_end_reason": "withdrawal",
            "early_end_justification": "A quitté le programme.",
        },
    )
    assert response.status_code == 302
    with tenant_context(a["org"]):
        assert Occupancy.objects.get().destination == "hosted"


def test_unit_create_and_bad_input(cw, a):
    url = reverse("housing:unit_create")
    data = {
        "name": "Studio Capucins",
        "territory": a["territory"].pk,
        "kind": "individual",
        "address": "4 place des Capucins",
        "city": "Bordeaux",
        "departement": "33",
        "landlord_kind": "private",
    }
    bad = cw.post(url, {**data, "kind": "castle", "name": "Colocation Bastide"})
    assert bad.status_code == 400
    with tenant_context(a["org"]):
        assert HousingUnit.objects.count() == 1
    assert cw.post(url, data).status_code == 302
    with tenant_context(a["org"]):
        unit = HousingUnit.objects.get(name="Studio Capucins")
        assert unit.opened_on == timezone.localdate()
    duplicate = cw.post(url, {**data, "name": "colocation bastide"})
    assert duplicate.status_code == 400
    assert "Un logement porte déjà ce nom." in duplicate.content.decode()


def test_another_tenant_and_other_territories_get_404(client, two_tenants, a):
    b = two_tenants["b"]
    client.force_login(b["members"][Role.ADMIN].user)
    assert client.get(reverse("housing:unit", args=[a["unit"].pk])).status_code == 404
    assert "Colocation Bastide" not in client.get(reverse("housing:index")).content.decode()
    # A caseworker of another territory of A does not see the unit either.
    other = factories.territory(a["org"], "Territoire Sud")
    elsewhere = factories.member(a["org"], Role.CASEWORKER, territories=[other])
    client.force_login(elsewhere.user)
    assert client.get(reverse("housing:unit", args=[a["unit"].pk])).status_code == 404
    assert "Colocation Bastide" not in client.get(reverse("housing:index")).content.decode()


@pytest.mark.parametrize("role", [Role.VOLUNTEER, Role.MANAGER])
def test_volunteers_and_managers_see_no_individual_housing(client, a, role):
    hf.occupancy(a["org"], a["actor"], _person(a), a["places"][0], D(2026, 1, 1))
    client.force_login(a["members"][role].user)
    assert client.get(reverse("housing:index")).status_code == 403
    assert client.get(reverse("housing:board")).status_code == 403
    assert client.get(reverse("housing:unit", args=[a["unit"].pk])).status_code == 404
    figures = client.get(reverse("housing:figures") + "?debut=2026-01&mois=1")
    assert figures.status_code == (200 if role == Role.MANAGER else 403)
    if role == Role.MANAGER:
        body = figures.content.decode()
        assert "Territoire A" in body and "DIALLO" not in body


def test_occupancy_rate_and_vacancy_days_on_a_hand_computed_example(a):
    """June 2026 (30 nights), 2 places of a unit opened before: 60 place-nights.
    Place 1 occupied 1–15 June (15 nights: left on the 16th); place 2 from
    21 June (10 nights). Occupied 25, vacant 35, rate 25/60 = 42 %."""
    today = timezone.localdate()
    assert today > D(2026, 6, 16)
    p1, p2 = _person(a, "Un"), _person(a, "Deux")
    o = hf.occupancy(a["org"], a["actor"], p1, a["places"][0], D(2026, 1, 1))
    with tenant_context(a["org"]):
        from housing import services

        services.occupancy_end(
            actor=a["actor"],
            occupancy=o,
            end_date=D(2026, 6, 16),
            destination="social_housing",
            early_end_reason="autonomous_housing",
            early_end_justification="Logement social obtenu.",
        )
    hf.occupancy(a["org"], a["actor"], p2, a["places"][1], D(2026, 6, 21))
    admin = a["members"][Role.ADMIN]
    with tenant_context(a["org"]):
        (row,) = selectors.occupancy_figures(admin, D(2026, 6, 1), D(2026, 7, 1))
    assert (row.available_days, row.occupied_days, row.vacancy_days, row.rate) == (60, 25, 35, 42)


def test_case_file_booking_offers_only_places_free_on_the_dates(cw, a):
    hf.occupancy(a["org"], a["actor"], _person(a, "Occupe"), a["places"][0], D(2026, 9, 1))
    person = _person(a)
    url = reverse("housing:case_file_book", args=[person.pk])
    page = cw.get(url, {"start_date": "2026-10-01"}).content.decode()
    assert f'value="{a["places"][1].pk}"' in page
    assert f'value="{a["places"][0].pk}"' not in page
    refused = cw.post(url, {"start_date": "2026-10-01", "place": a["places"][0].pk})
    assert refused.status_code == 400
    ok = cw.post(url, {"start_date": "2026-10-01", "place": a["places"][1].pk})
    assert ok.status_code == 302
    with tenant_context(a["org"]):
        assert Occupancy.objects.filter(beneficiary=person, place=a["places"][1]).exists()
    case_file = cw.get(reverse("beneficiaries:detail", args=[person.pk])).content.decode()
    assert "Colocation Bastide – Chambre 2" in case_file


def test_move_from_the_page(cw, a):
    today = timezone.localdate()
    o = hf.occupancy(
        a["org"], a["actor"], _person(a), a["places"][0], today - datetime.timedelta(days=40)
    )
    response = cw.post(
        reverse("housing:occupancy_move", args=[o.pk]),
        {"place": a["places"][1].pk, "on": today.isoformat()},
    )
    assert response.status_code == 302
    with tenant_context(a["org"]):
        assert list(Occupancy.objects.values_list("place", "actual_end_date")) == [
            (a["places"][0].pk, today),
            (a["places"][1].pk, None),
        ]
        assert Place.objects.count() == 2


def test_bad_input_on_the_other_forms_is_refused_in_french_and_saves_nothing(cw, a):
    today = timezone.localdate()
    first = hf.occupancy(a["org"], a["actor"], _person(a, "Premier"), a["places"][0], D(2026, 1, 1))
    hf.occupancy(a["org"], a["actor"], _person(a, "Suivant"), a["places"][0], D(2026, 8, 1))
    cases = [
        (
            "housing:place_add",
            a["unit"].pk,
            {"label": "chambre 1"},
            "déjà une place avec ce libellé",
        ),
        ("housing:place_close", a["places"][0].pk, {"closed_on": "2026-09-01"}, "SUIVANT Awa"),
        (
            "housing:occupancy_extend",
            first.pk,
            {"planned_end_date": "2026-09-01"},
            "déjà réservée pour SUIVANT Awa",
        ),
        (
            "housing:occupancy_move",
            first.pk,
            {"place": a["places"][1].pk, "on": (today + datetime.timedelta(days=3)).isoformat()},
            "pas dans le futur",
        ),
        ("housing:unit_edit", a["unit"].pk, {"name": ""}, "Ce champ est obligatoire"),
    ]
    with tenant_context(a["org"]):
        before = (
            list(Occupancy.objects.order_by("pk").values()),
            list(Place.objects.order_by("pk").values()),
            list(HousingUnit.objects.values()),
        )
    for name, pk, data, message in cases:
        response = cw.post(reverse(name, args=[pk]), data)
        assert response.status_code == 400, name
        assert message in response.content.decode(), name
    with tenant_context(a["org"]):
        after = (
            list(Occupancy.objects.order_by("pk").values()),
            list(Place.objects.order_by("pk").values()),
            list(HousingUnit.objects.values()),
        )
    assert after == before
