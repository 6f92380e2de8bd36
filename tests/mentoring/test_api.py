import pytest
from django.utils import timezone

from mentoring.models import MentoringNote, Mentorship
from tests import factories
from tests.mentoring import factories as mf
from thrasos.accounts.models import Role
from thrasos.tenancy import tenant_context

pytestmark = pytest.mark.django_db
JSON = "application/json"
NOTE = {"duration_minutes": 20, "kind": "call", "topics": ["housing"], "summary": "Appel."}


@pytest.fixture
def w(two_tenants):
    return {**mf.mentoring_world(two_tenants["a"]), "a": two_tenants["a"], "b": two_tenants["b"]}


def _as(client, membership):
    client.force_login(membership.user)
    return client


def test_the_volunteer_api_shows_exactly_the_pages_fields(client, w):
    with tenant_context(w["org"]):
        from beneficiaries.services import beneficiary_update

        beneficiary_update(
            actor=w["admin"],
            beneficiary=w["mine"],
            data={"nationality": "ER", "protection_reference": "SENTINEL-API-1"},
        )
    api = _as(client, w["volunteer"])
    body = api.get("/api/mes-binomes/").json()
    assert [p["id"] for p in body] == [w["pair"].pk]
    mentee = body[0]["mentee"]
    assert mentee["first_name"] == "Amina" and mentee["phone"] == "0611223344"
    assert not {"nationality", "protection_status", "birth_date", "address"} & set(mentee)
    assert "SENTINEL-API-1" not in api.get(f"/api/mes-binomes/{w['pair'].pk}/").content.decode()
    # Another volunteer's pair: 404, and nothing written.
    other = w["other_pair"].pk
    assert api.get(f"/api/mes-binomes/{other}/").status_code == 404
    assert api.post(f"/api/mes-binomes/{other}/notes/", NOTE, content_type=JSON).status_code == 404
    # The supervisors' API is not theirs.
    assert api.get("/api/alertes/").status_code == 403
    assert api.get(f"/api/binomes/{w['pair'].pk}/").status_code == 404


def test_a_volunteer_writes_a_note_through_the_api(client, w):
    api = _as(client, w["volunteer"])
    url = f"/api/mes-binomes/{w['pair'].pk}/notes/"
    response = api.post(url, {**NOTE, "alert_urgency": "urgent"}, content_type=JSON)
    assert response.status_code == 400
    assert "alert_reason" in response.json()
    future = (timezone.localdate() + timezone.timedelta(days=2)).isoformat()
    response = api.post(url, {**NOTE, "occurred_on": future}, content_type=JSON)
    assert response.status_code == 400 and "futur" in response.content.decode()
    assert api.post(url, {"kind": "party"}, content_type=JSON).status_code == 400
    with tenant_context(w["org"]):
        assert MentoringNote.objects.count() == 0
    response = api.post(url, NOTE, content_type=JSON)
    assert response.status_code == 201
    assert [n["summary"] for n in api.get(url).json()] == ["Appel."]


def test_alerts_and_acknowledgement_through_the_api(client, w):
    note = mf.note(w["org"], w["pair"], alert="urgent")
    api = _as(client, w["a"]["members"][Role.CASEWORKER])
    assert [a["id"] for a in api.get("/api/alertes/").json()["results"]] == [note.pk]
    url = f"/api/alertes/{note.pk}/prise-en-compte/"
    assert api.post(url, {"comment": ""}, content_type=JSON).status_code == 400
    response = api.post(url, {"comment": "Je m'en occupe."}, content_type=JSON)
    assert response.status_code == 200 and response.json()["acknowledgement"] == "Je m'en occupe."
    assert api.post(url, {"comment": "Encore"}, content_type=JSON).status_code == 400
    assert api.get("/api/alertes/").json()["results"] == []
    # The manager sees no individual data.
    manager = _as(client, w["a"]["members"][Role.MANAGER])
    assert manager.get("/api/alertes/").status_code == 403
    assert manager.get("/api/comptes-rendus/").status_code == 403


def test_pairs_through_the_api(client, w):
    api = _as(client, w["a"]["members"][Role.COORDINATOR])
    person = factories.beneficiary(w["org"], w["territory"], w["admin"], last_name="Api")
    unsigned = mf.profile(
        w["org"],
        factories.member(w["org"], Role.VOLUNTEER, territories=[w["territory"]], mfa=False),
        w["territory"],
        charter=False,
    )
    body = {"volunteer": unsigned.pk, "beneficiary": person.pk}
    response = api.post("/api/binomes/", body, content_type=JSON)
    assert response.status_code == 400 and "charte" in response.content.decode()
    response = api.post("/api/binomes/", {**body, "volunteer": w["profile"].pk}, content_type=JSON)
    assert response.status_code == 201
    pk = response.json()["id"]
    status = f"/api/binomes/{pk}/statut/"
    assert api.post(status, {"status": "ended"}, content_type=JSON).status_code == 400
    response = api.post(status, {"status": "ended", "reason": "other"}, content_type=JSON)
    assert response.status_code == 200 and response.json()["status"] == "ended"
    with tenant_context(w["org"]):
        assert Mentorship.objects.filter(beneficiary=person).count() == 1


def test_another_organisation_reaches_nothing(client, w):
    note = mf.note(w["org"], w["pair"], alert="urgent")
    for role in (Role.COORDINATOR, Role.CASEWORKER, Role.ADMIN):
        api = _as(client, w["b"]["members"][role])
        assert api.get("/api/alertes/").json()["results"] == []
        assert api.get(f"/api/alertes/{note.pk}/").status_code == 404
        assert api.get(f"/api/binomes/{w['pair'].pk}/").status_code == 404
        url = f"/api/alertes/{note.pk}/prise-en-compte/"
        assert api.post(url, {"comment": "x"}, content_type=JSON).status_code == 404
    volunteer_b = _as(client, w["b"]["members"][Role.VOLUNTEER])
    assert volunteer_b.get("/api/mes-binomes/").json() == []
    with tenant_context(w["org"]):
        assert MentoringNote.objects.get(pk=note.pk).acknowledged_at is None


def test_the_schema_describes_the_mentoring_api(client, w):
    client.force_login(w["a"]["members"][Role.ADMIN].user)
    schema = client.get("/api/schema/").content.decode()
    for path in ("/api/binomes/", "/api/alertes/{id}/prise-en-compte/", "/api/mes-binomes/"):
        assert path in schema


def test_the_volunteer_corrects_a_note_through_the_api_within_48_hours(client, w):
    import datetime

    from mentoring.models import MentoringNote

    note = mf.note(w["org"], w["pair"])
    api = _as(client, w["volunteer"])
    url = f"/api/mes-comptes-rendus/{note.pk}/"
    assert api.get(url).json()["summary"] == mf.SUMMARY
    bad = api.patch(url, {"duration_minutes": 2}, content_type=JSON)
    assert bad.status_code == 400
    future = (timezone.localdate() + datetime.timedelta(days=2)).isoformat()
    bad = api.patch(url, {"occurred_on": future}, content_type=JSON)
    assert bad.status_code == 400 and "futur" in bad.json()["occurred_on"][0]
    ok = api.patch(url, {"duration_minutes": 45, "summary": "Appel plus long."}, content_type=JSON)
    assert ok.status_code == 200, ok.content
    assert ok.json()["duration_minutes"] == 45 and ok.json()["topics"] == ["housing"]
    with tenant_context(w["org"]):
        MentoringNote.objects.filter(pk=note.pk).update(
            created_at=timezone.now() - datetime.timedelta(hours=49)
        )
    late = api.patch(url, {"summary": "Trop tard."}, content_type=JSON)
    assert late.status_code == 400 and "48 heures" in str(late.json())
    with tenant_context(w["org"]):
        assert MentoringNote.objects.get(pk=note.pk).summary == "Appel plus long."
    # Another volunteer's note: 404; a supervisor: refused.
    theirs = mf.note(w["org"], w["other_pair"])
    assert (
        api.patch(f"/api/mes-comptes-rendus/{theirs.pk}/", {}, content_type=JSON).status_code == 404
    )
    supervisor = _as(client, w["a"]["members"][Role.CASEWORKER])
    assert supervisor.patch(url, {"summary": "x"}, content_type=JSON).status_code == 404


def test_the_volunteer_api_follows_the_name_setting(client, w):
    from mentoring import services

    api = _as(client, w["volunteer"])
    (pair,) = api.get("/api/mes-binomes/").json()
    assert pair["mentee_name"] == "Amina M." and pair["mentee"]["last_name"] == "M"
    with tenant_context(w["org"]):
        services.mentoring_settings_save(actor=w["admin"], mentee_name="full")
    detail = api.get(f"/api/mes-binomes/{w['pair'].pk}/").json()
    assert detail["mentee_name"] == "Amina Mentee"
    assert detail["mentee"]["last_name"].lower() == "mentee"


def test_the_alert_inbox_api_is_paged(client, w):
    for urgency in ("to_know", "urgent", "soon"):
        mf.note(w["org"], w["pair"], alert=urgency)
    api = _as(client, w["a"]["members"][Role.COORDINATOR])
    body = api.get("/api/alertes/").json()
    assert body["count"] == 3
    assert [a["alert_urgency"] for a in body["results"]] == ["urgent", "soon", "to_know"]
