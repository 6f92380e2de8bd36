import pytest

from beneficiaries.models import Beneficiary
from tests.factories import beneficiary, territory
from thrasos.accounts.models import Role
from thrasos.audit.models import AccessLog
from thrasos.tenancy import tenant_context

pytestmark = pytest.mark.django_db


@pytest.fixture
def a(two_tenants):
    return two_tenants["a"]


@pytest.fixture
def api(client, a):
    client.force_login(a["members"][Role.CASEWORKER].user)
    return client


def test_list_search_and_scope(api, a, two_tenants):
    admin = a["members"][Role.ADMIN].user
    beneficiary(a["org"], a["territory"], admin, last_name="Ngoué", first_name="Hélène")
    other = territory(a["org"], "Ailleurs", "84", "69")
    beneficiary(a["org"], other, admin, last_name="Hors-Territoire")
    b = two_tenants["b"]
    beneficiary(b["org"], b["territory"], b["members"][Role.ADMIN].user, last_name="Autre-Org")
    response = api.get("/api/beneficiaires/")
    assert response.status_code == 200
    names = [row["last_name"] for row in response.json()["results"]]
    assert names == ["Ngoué"]
    assert (
        api.get("/api/beneficiaires/", {"q": "helene"}).json()["results"][0]["first_name"]
        == "Hélène"
    )
    assert api.get("/api/beneficiaires/", {"q": "zzz"}).json()["results"] == []


def test_create_validate_and_duplicate(api, a):
    payload = {
        "last_name": "Haile",
        "first_name": "Selam",
        "sex": "F",
        "birth_date": "1996-02-29",
        "protection_status": "refugee",
        "current_territory": a["territory"].pk,
        "languages": ["ti"],
    }
    response = api.post("/api/beneficiaires/", payload, content_type="application/json")
    assert response.status_code == 201, response.json()
    assert response.json()["state"] == "referred"
    response = api.post("/api/beneficiaires/", payload, content_type="application/json")
    assert response.status_code == 400
    assert "mêmes nom et date de naissance" in str(response.json())
    bad = {**payload, "birth_date": "hier", "sex": "Z"}
    response = api.post("/api/beneficiaries/", bad, content_type="application/json")
    assert response.status_code == 404
    response = api.post("/api/beneficiaires/", bad, content_type="application/json")
    assert response.status_code == 400
    assert set(response.json()) >= {"birth_date", "sex"}
    with tenant_context(a["org"]):
        assert Beneficiary.objects.count() == 1


def test_territory_of_another_organisation_is_refused(api, a, two_tenants):
    payload = {
        "last_name": "X",
        "first_name": "Y",
        "sex": "M",
        "birth_date": "1990-01-01",
        "protection_status": "refugee",
        "current_territory": two_tenants["b"]["territory"].pk,
    }
    response = api.post("/api/beneficiaires/", payload, content_type="application/json")
    assert response.status_code == 400
    assert "current_territory" in response.json()


def test_detail_logs_the_read_and_update_goes_through_the_service(api, a):
    b = beneficiary(a["org"], a["territory"], a["members"][Role.ADMIN].user)
    url = f"/api/beneficiaires/{b.pk}/"
    assert api.get(url).json()["last_name"] == "Ngoué"
    with tenant_context(a["org"]):
        assert AccessLog.objects.filter(object_id=str(b.pk), detail="api").count() == 1
    response = api.patch(
        url, {"phone": "07 00 00 00 00", "state": "exited"}, content_type="application/json"
    )
    assert response.status_code == 200
    with tenant_context(a["org"]):
        b.refresh_from_db()
    assert b.phone == "07 00 00 00 00"
    assert b.state == "referred"  # the state changes only through transitions


def test_transition_and_notes(api, a):
    b = beneficiary(a["org"], a["territory"], a["members"][Role.ADMIN].user)
    url = f"/api/beneficiaires/{b.pk}/transition/"
    response = api.post(url, {"to_state": "in_contract"}, content_type="application/json")
    assert response.status_code == 400
    assert "ne peut pas devenir" in str(response.json())
    response = api.post(url, {"to_state": "candidate"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["state"] == "candidate"
    notes = f"/api/beneficiaires/{b.pk}/notes/"
    response = api.post(
        notes, {"body": "Appel", "confidentiality": "team"}, content_type="application/json"
    )
    assert response.status_code == 201
    assert [n["body"] for n in api.get(notes).json()] == ["Appel"]


def test_a_note_without_confidentiality_gets_the_default_and_bad_ones_a_400(api, a):
    b = beneficiary(a["org"], a["territory"], a["members"][Role.ADMIN].user)
    notes = f"/api/beneficiaires/{b.pk}/notes/"
    response = api.post(notes, {"body": "Appel"}, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["confidentiality"] == "team"
    for bad in ({"body": "Appel", "confidentiality": "secret"}, {"confidentiality": "team"}):
        response = api.post(notes, bad, content_type="application/json")
        assert response.status_code == 400
    with tenant_context(a["org"]):
        assert b.notes.count() == 1


@pytest.mark.parametrize("role", [Role.VOLUNTEER, Role.MANAGER])
def test_volunteers_and_managers_are_refused(client, a, role):
    b = beneficiary(a["org"], a["territory"], a["members"][Role.ADMIN].user)
    client.force_login(a["members"][role].user)
    assert client.get("/api/beneficiaires/").status_code == 403
    assert client.get(f"/api/beneficiaires/{b.pk}/").status_code == 404


@pytest.mark.parametrize("role", [Role.VOLUNTEER, Role.MANAGER])
def test_volunteers_and_managers_cannot_create_case_files_nor_probe_for_one(client, a, role):
    """The probe's finding: a volunteer created case files through the API,
    and its duplicate check told whether a named person had a file."""
    existing = beneficiary(a["org"], a["territory"], a["members"][Role.ADMIN].user)
    client.force_login(a["members"][role].user)
    body = {
        "last_name": "Nouvelle",
        "first_name": "Personne",
        "sex": "F",
        "birth_date": "1990-03-04",
        "protection_status": "refugee",
        "current_territory": a["territory"].pk,
    }
    duplicate = {**body, "last_name": existing.last_name, "first_name": existing.first_name}
    duplicate["birth_date"] = existing.birth_date.isoformat()
    answers = [
        client.post("/api/beneficiaires/", d, content_type="application/json")
        for d in (body, duplicate)
    ]
    assert [r.status_code for r in answers] == [403, 403]
    assert answers[0].content == answers[1].content
    with tenant_context(a["org"]):
        assert Beneficiary.objects.count() == 1


def test_api_list_query_count_is_pinned(api, a, django_assert_num_queries):
    admin = a["members"][Role.ADMIN].user
    beneficiary(a["org"], a["territory"], admin, last_name="Seul")
    api.get("/api/beneficiaires/")
    with django_assert_num_queries(API_LIST_QUERIES):
        assert len(api.get("/api/beneficiaires/").json()["results"]) == 1
    for i in range(49):
        beneficiary(a["org"], a["territory"], admin, last_name=f"Autre{i:02d}")
    with django_assert_num_queries(API_LIST_QUERIES):
        assert len(api.get("/api/beneficiaires/").json()["results"]) == 50


API_LIST_QUERIES = 10


def test_the_schema_documents_the_beneficiaries(api):
    schema = api.get("/api/schema/").content.decode()
    assert "/api/beneficiaires/{id}/transition/" in schema


def test_assessments_and_documents_through_the_api(api, a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    b = beneficiary(a["org"], a["territory"], a["members"][Role.ADMIN].user)
    url = f"/api/beneficiaires/{b.pk}/assessments/"
    bad = {"assessed_on": "2026-10-01", "kind": "before_session", "assessor": "CLA"}
    response = api.post(url, bad, content_type="application/json")
    assert response.status_code == 400
    assert "au moins une compétence" in str(response.json())
    response = api.post(url, {**bad, "oral_expression": "A2"}, content_type="application/json")
    assert response.status_code == 201
    assert [x["oral_expression"] for x in api.get(url).json()] == ["A2"]

    url = f"/api/beneficiaires/{b.pk}/documents/"
    pdf = b"%PDF-1.4\n%%EOF\n"
    response = api.post(url, {"kind": "cv", "file": SimpleUploadedFile("cv.pdf", pdf)})
    assert response.status_code == 201, response.json()
    document = response.json()
    assert document["content_type"] == "application/pdf"
    response = api.post(url, {"kind": "cv", "file": SimpleUploadedFile("cv.pdf", b"MZ\x90\x00")})
    assert response.status_code == 400
    listed = api.get(url).json()
    assert [d["id"] for d in listed] == [document["id"]]
    download = api.get(listed[0]["download"])
    assert b"".join(download.streaming_content) == pdf
    for close in download._resource_closers:  # not close(): it ends the test db connection
        close()
