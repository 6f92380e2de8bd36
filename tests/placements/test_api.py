import datetime

import pytest
from django.utils import timezone

from beneficiaries.models import Beneficiary
from placements.models import AlternanceContract, Employer, Sector
from tests.placements import factories as pf
from thrasos.accounts.models import Role
from thrasos.tenancy import tenant_context

pytestmark = pytest.mark.django_db


@pytest.fixture
def a(two_tenants):
    data = two_tenants["a"]
    data["actor"] = data["members"][Role.COORDINATOR].user
    return data


@pytest.fixture
def api(client, a):
    client.force_login(a["members"][Role.CASEWORKER].user)
    return client


def _post(api, url, body):
    return api.post(url, body, content_type="application/json")


def test_employers_through_the_api(api, a):
    with tenant_context(a["org"]):
        sector = Sector.objects.first().pk
    body = {
        "name": "Hôtel du Lac",
        "siret": "73282932000075",
        "sector": sector,
        "city": "Annecy",
        "departement": "74",
        "regions": ["84"],
        "contacts": [{"name": "M. Roux", "email": "roux@example.org"}],
    }
    response = _post(api, "/api/employeurs/", body)
    assert response.status_code == 400
    assert "chiffre de contrôle" in response.json()["siret"][0]
    response = _post(api, "/api/employeurs/", {**body, "siret": "73282932000074"})
    assert response.status_code == 201, response.content
    assert response.json()["contacts"][0]["name"] == "M. Roux"
    assert _post(api, "/api/employeurs/", {**body, "siret": "73282932000074"}).status_code == 400
    found = api.get("/api/employeurs/", {"q": "hotel du"}).json()["results"]
    assert [e["name"] for e in found] == ["Hôtel du Lac"]
    assert api.get("/api/employeurs/", {"region": "99"}).status_code == 400
    with tenant_context(a["org"]):
        assert Employer.objects.count() == 1


def test_contract_cycle_through_the_api(api, a):
    emp, training = pf.employer(a["org"]), pf.training_organisation(a["org"])
    person = pf.in_session(a["org"], a["territory"], a["actor"])
    with tenant_context(a["org"]):
        sector = Sector.objects.first().pk
    project = _post(
        api,
        "/api/projets/",
        {
            "beneficiary": person.pk,
            "target_job": "Cuisinier",
            "rome_code": "G1602",
            "sector": sector,
            "target_regions": ["11"],
            "started_on": timezone.localdate().isoformat(),
        },
    )
    assert project.status_code == 201, project.content
    assert project.json()["only_ile_de_france"] is True
    validated = _post(api, f"/api/projets/{project.json()['id']}/validate/", {})
    assert validated.json()["status"] == "validated"
    start = timezone.localdate() - datetime.timedelta(days=400)
    body = {
        "beneficiary": person.pk,
        "kind": "apprenticeship",
        "employer": emp.pk,
        "training_organisation": training.pk,
        "diploma_title": "CAP Cuisine",
        "start_date": start.isoformat(),
        "end_date": (start + datetime.timedelta(days=729)).isoformat(),
        "signed_on": start.isoformat(),
        "work_city": "Annecy",
        "work_departement": "74",
    }
    response = _post(api, "/api/contrats/", body)
    assert response.status_code == 400
    assert "duration_justification" in response.json()
    body["duration_justification"] = "BP en deux ans"
    response = _post(api, "/api/contrats/", body)
    assert response.status_code == 201, response.content
    contract = response.json()
    assert contract["status"] == "signed"
    assert contract["trial_period_end"] == (start + datetime.timedelta(days=44)).isoformat()
    url = f"/api/contrats/{contract['id']}/"
    assert _post(api, url + "start/", {}).json()["status"] == "in_progress"
    result = _post(api, url + "result/", {"result": "obtained"})
    assert result.status_code == 400 and "exam_date" in result.json()
    exam = (timezone.localdate() - datetime.timedelta(days=5)).isoformat()
    assert _post(api, url + "result/", {"result": "obtained", "exam_date": exam}).status_code == 200
    assert _post(api, url + "complete/", {}).json()["status"] == "completed"
    assert (
        api.get("/api/contrats/", {"status": "completed"}).json()["results"][0]["id"]
        == (contract["id"])
    )
    assert api.get("/api/contrats/", {"status": "nope"}).status_code == 400
    with tenant_context(a["org"]):
        assert Beneficiary.objects.get(pk=person.pk).state == "in_contract"


def test_break_through_the_api(api, a):
    emp, training = pf.employer(a["org"]), pf.training_organisation(a["org"])
    person = pf.seeking(a["org"], a["territory"], a["actor"])
    contract = pf.contract(a["org"], person, a["actor"], emp, training)
    url = f"/api/contrats/{contract.pk}/break/"
    assert _post(api, url, {"on": timezone.localdate().isoformat()}).status_code == 400
    response = _post(
        api,
        url,
        {"on": timezone.localdate().isoformat(), "broken_by": "apprentice", "reason": "Santé"},
    )
    assert response.json()["status"] == "broken"
    with tenant_context(a["org"]):
        assert Beneficiary.objects.get(pk=person.pk).state == "seeking_contract"


@pytest.mark.parametrize("role", [Role.VOLUNTEER, Role.MANAGER])
def test_volunteers_and_managers_get_nothing(client, a, role):
    emp, training = pf.employer(a["org"]), pf.training_organisation(a["org"])
    person = pf.seeking(a["org"], a["territory"], a["actor"])
    contract = pf.contract(a["org"], person, a["actor"], emp, training)
    client.force_login(a["members"][role].user)
    assert client.get("/api/contrats/").status_code == 403
    assert client.get(f"/api/contrats/{contract.pk}/").status_code == 404
    assert client.get("/api/employeurs/").status_code == 403


def test_another_organisations_contract_is_404(api, two_tenants):
    b = two_tenants["b"]
    actor = b["members"][Role.ADMIN].user
    emp, training = pf.employer(b["org"]), pf.training_organisation(b["org"])
    person = pf.seeking(b["org"], b["territory"], actor)
    contract = pf.contract(b["org"], person, actor, emp, training)
    assert api.get(f"/api/contrats/{contract.pk}/").status_code == 404
    assert _post(api, f"/api/contrats/{contract.pk}/start/", {}).status_code == 404
    assert api.get("/api/contrats/").json()["results"] == []
    with tenant_context(b["org"]):
        assert AlternanceContract.objects.get().status == "signed"


def test_the_schema_lists_the_placements_api(api):
    schema = api.get("/api/schema/").content.decode()
    for path in ("/api/contrats/{id}/break/", "/api/employeurs/", "/api/suivis/{id}/record/"):
        assert path in schema


def test_project_codes_and_regions_are_checked_in_french_and_stated_in_the_schema(api, a):
    person = pf.in_session(a["org"], a["territory"], a["actor"])
    with tenant_context(a["org"]):
        sector = Sector.objects.first().pk
    body = {
        "beneficiary": person.pk,
        "target_job": "Cuisinier",
        "sector": sector,
        "target_regions": ["84"],
        "started_on": timezone.localdate().isoformat(),
    }
    for field, value, words in (
        ("rome_code", "Z1234", "code ROME"),
        ("rncp_code", "RNCP12", "code RNCP"),
        ("target_regions", [], "au moins une région"),
    ):
        response = _post(api, "/api/projets/", {**body, field: value})
        assert response.status_code == 400
        assert words in response.json()[field][0], response.json()
    with tenant_context(a["org"]):
        assert not person.projects.exists()
    created = _post(api, "/api/projets/", {**body, "rome_code": "", "rncp_code": "RNCP35753"})
    assert created.status_code == 201, created.content
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    project = schema["components"]["schemas"]["Project"]["properties"]
    assert project["target_regions"]["minItems"] == 1
    patterns = [
        branch.get("pattern") for branch in project["rome_code"]["oneOf"] if "pattern" in branch
    ]
    assert patterns == ["^(?:[A-N]\\d{4})$"]
