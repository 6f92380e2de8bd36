import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from housing.models import HousingUnit, Occupancy
from tests import factories
from tests.housing import factories as hf
from thrasos.accounts.models import Role
from thrasos.tenancy import tenant_context

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def a(two_tenants):
    data = two_tenants["a"]
    data["actor"] = data["members"][Role.COORDINATOR].user
    data["unit"] = hf.unit(data["org"], data["territory"], places=2, name="Colocation API")
    data["places"] = hf.places(data["org"], data["unit"])
    data["person"] = factories.admitted(data["org"], data["territory"], data["actor"])
    return data


def _api(member) -> APIClient:
    """Logged in as the site does (session, organisation, second factor)."""
    client = APIClient()
    client.force_login(member.user)
    return client


def test_book_then_double_booking_is_a_400_with_the_french_error(a):
    api = _api(a["members"][Role.CASEWORKER])
    body = {"place": a["places"][0].pk, "beneficiary": a["person"].pk, "start_date": "2026-09-01"}
    created = api.post("/api/occupations/", body, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["planned_end_date"] == "2027-03-01"
    other = factories.admitted(a["org"], a["territory"], a["actor"], last_name="Autre")
    refused = api.post(
        "/api/occupations/",
        {**body, "beneficiary": other.pk, "start_date": "2026-12-01"},
        format="json",
    )
    assert refused.status_code == 400
    assert "déjà réservée" in refused.content.decode()
    with tenant_context(a["org"]):
        assert Occupancy.objects.count() == 1


def test_availability_lists_only_free_places(a):
    hf.occupancy(a["org"], a["actor"], a["person"], a["places"][0], D(2026, 9, 1))
    api = _api(a["members"][Role.ADMIN])
    free = api.get("/api/places/available/", {"start": "2026-10-01", "end": "2026-11-01"})
    assert [p["id"] for p in free.json()] == [a["places"][1].pk]
    later = api.get("/api/places/available/", {"start": "2027-03-01", "end": "2027-04-01"})
    assert len(later.json()) == 2
    bad = api.get("/api/places/available/", {"start": "2026-10-01", "end": "2026-09-01"})
    assert bad.status_code == 400


def test_end_and_move_through_the_api(a):
    today = timezone.localdate()
    o = hf.occupancy(
        a["org"], a["actor"], a["person"], a["places"][0], today - datetime.timedelta(days=200)
    )
    api = _api(a["members"][Role.CASEWORKER])
    moved = api.post(
        f"/api/occupations/{o.pk}/move/",
        {"place": a["places"][1].pk, "on": str(today)},
        format="json",
    )
    assert moved.status_code == 201, moved.content
    new = moved.json()["id"]
    bad = api.post(f"/api/occupations/{new}/end/", {"end_date": str(today)}, format="json")
    assert bad.status_code == 400
    ended = api.post(
        f"/api/occupations/{new}/end/",
        {"end_date": str(today), "destination": "sliding_lease"},
        format="json",
    )
    assert ended.status_code == 200, ended.content
    assert ended.json()["destination"] == "sliding_lease"


def test_another_tenant_and_roles(two_tenants, a):
    b = two_tenants["b"]
    api_b = _api(b["members"][Role.ADMIN])
    assert api_b.get(f"/api/logements/{a['unit'].pk}/").status_code == 404
    assert "Colocation API" not in api_b.get("/api/logements/").content.decode()
    # A place of A named in B's request is unknown there.
    person_b = factories.admitted(b["org"], b["territory"], b["members"][Role.ADMIN].user)
    refused = api_b.post(
        "/api/occupations/",
        {"place": a["places"][0].pk, "beneficiary": person_b.pk, "start_date": "2026-09-01"},
        format="json",
    )
    assert refused.status_code == 400
    for role in (Role.VOLUNTEER, Role.MANAGER):
        assert _api(a["members"][role]).get("/api/logements/").status_code == 403


def test_unit_create_with_a_territory_not_of_the_caseworker_is_refused(a):
    other = factories.territory(a["org"], "Territoire Nord")
    api = _api(a["members"][Role.CASEWORKER])
    body = {
        "name": "Studio Nord",
        "territory": other.pk,
        "kind": "individual",
        "address": "1 rue du Nord",
        "city": "Lille",
        "departement": "59",
        "landlord_kind": "private",
    }
    assert api.post("/api/logements/", body, format="json").status_code == 400
    ok = api.post("/api/logements/", {**body, "territory": a["territory"].pk}, format="json")
    assert ok.status_code == 201, ok.content
    with tenant_context(a["org"]):
        assert HousingUnit.objects.filter(name="Studio Nord").count() == 1
