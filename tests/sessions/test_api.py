import datetime

import pytest
from django.utils import timezone

from sessions.models import Activity, Attendance, Enrolment, PreparationSession
from tests import factories
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


def _session_payload(a, **extra):
    today = timezone.localdate()
    return {
        "name": "Session API",
        "territory": a["territory"].pk,
        "start_date": (today - datetime.timedelta(days=today.weekday())).isoformat(),
        "capacity": 1,
        "planned_fle_hours": "120.0",
        **extra,
    }


def test_full_cycle_through_the_api(api, a):
    response = api.post("/api/sessions/", _session_payload(a), content_type="application/json")
    assert response.status_code == 201, response.content
    session = response.json()
    assert session["status"] == "planned" and session["end_date"]
    first, second = (
        factories.admitted(a["org"], a["territory"], a["actor"], last_name=n, first_name="Api")
        for n in ("Premier", "Second")
    )
    enrol = f"/api/sessions/{session['id']}/enrol/"
    e1 = api.post(enrol, {"beneficiary": first.pk}, content_type="application/json").json()
    e2 = api.post(enrol, {"beneficiary": second.pk}, content_type="application/json").json()
    assert (e1["status"], e2["status"], e2["waiting_position"]) == ("enrolled", "waiting", 1)
    response = api.post(
        f"/api/sessions/{session['id']}/status/",
        {"status": "running"},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["status"] == "running"
    series = api.post(
        "/api/activites/series/",
        {
            "session": session["id"],
            "kind": "fle",
            "weekdays": [0, 1, 2, 3, 4],
            "start_time": "09:00",
            "end_time": "12:00",
            "skip_public_holidays": False,
        },
        content_type="application/json",
    )
    assert series.status_code == 201 and len(series.json()) == 50
    today_activity = (
        next(x for x in series.json() if x["date"] == timezone.localdate().isoformat())
        if timezone.localdate().weekday() < 5
        else series.json()[0]
    )
    url = f"/api/activites/{today_activity['id']}/attendance/"
    listed = api.get(url).json()
    assert [row["enrolment"] for row in listed] == [e1["id"]]
    response = api.post(
        url, [{"enrolment": e1["id"], "status": "late"}], content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert response.json()[0]["status"] == "late"
    # The waiting person is not a participant.
    response = api.post(
        url, [{"enrolment": e2["id"], "status": "present"}], content_type="application/json"
    )
    assert response.status_code == 400
    assert "ne participe pas" in str(response.json())
    done = api.post(f"/api/inscriptions/{e1['id']}/complete/", {}, content_type="application/json")
    assert done.status_code == 200 and done.json()["status"] == "completed"
    promoted = api.post(f"/api/inscriptions/{e2['id']}/promote/", content_type="application/json")
    # The completed person keeps their place: the session is still full.
    assert promoted.status_code == 400
    with tenant_context(a["org"]):
        assert Attendance.objects.count() == 1
        assert Enrolment.objects.get(pk=e2["id"]).status == "waiting"


def test_bad_input_gets_field_errors_and_saves_nothing(api, a):
    response = api.post(
        "/api/sessions/",
        _session_payload(a, capacity=0, end_date="2000-01-01"),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "capacity" in response.json()
    s = factories.session(a["org"], a["territory"], start=datetime.date(2027, 9, 6))
    response = api.post(
        "/api/activites/",
        {
            "session": s.pk,
            "kind": "workshop",
            "date": "2027-12-25",
            "start_time": "10:00",
            "end_time": "11:00",
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "La session a lieu du 06/09/2027" in response.json()["date"][0]
    with tenant_context(a["org"]):
        assert PreparationSession.objects.count() == 1
        assert not Activity.objects.exists()


def test_other_organisations_sessions_are_invisible(api, two_tenants):
    b = two_tenants["b"]
    theirs = factories.session(b["org"], b["territory"], name="Session de B")
    assert api.get("/api/sessions/").json()["results"] == []
    assert api.get(f"/api/sessions/{theirs.pk}/").status_code == 404
    response = api.post(
        "/api/activites/",
        {
            "session": theirs.pk,
            "kind": "fle",
            "date": "2027-01-05",
            "start_time": "09:00",
            "end_time": "10:00",
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    # Enrolling someone of B (or not visible) is refused.
    admitted_b = factories.admitted(b["org"], b["territory"], b["members"][Role.ADMIN].user)
    mine = factories.session(two_tenants["a"]["org"], two_tenants["a"]["territory"], name="A")
    response = api.post(
        f"/api/sessions/{mine.pk}/enrol/",
        {"beneficiary": admitted_b.pk},
        content_type="application/json",
    )
    assert response.status_code == 400


@pytest.mark.parametrize("role", [Role.VOLUNTEER, Role.MANAGER])
def test_volunteers_and_managers_are_refused(client, a, role):
    s = factories.session(a["org"], a["territory"])
    client.force_login(a["members"][role].user)
    assert client.get(f"/api/sessions/{s.pk}/").status_code == 404
    assert client.get("/api/sessions/").status_code == 403
    assert client.get("/api/activites/").status_code == 403
    # The probe's finding: a volunteer created sessions through the API.
    body = {"name": "Session pirate", "territory": a["territory"].pk, "start_date": "2027-09-06"}
    assert client.post("/api/sessions/", body, content_type="application/json").status_code == 403
    with tenant_context(a["org"]):
        assert list(PreparationSession.objects.values_list("name", flat=True)) == [s.name]


@pytest.mark.parametrize("path", ["/api/activites/", "/api/activites/series/"])
def test_a_body_that_is_not_an_object_gets_400(api, path):
    """Found by fuzzing: a JSON list as body answered 500."""
    response = api.post(path, [None, None], content_type="application/json")
    assert response.status_code == 400


def test_schema_lists_the_session_endpoints(api):
    schema = api.get(
        "/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json"
    ).content.decode()
    for path in ("/api/sessions/", "/api/inscriptions/", "/api/activites/series/", "attendance"):
        assert path in schema
    # Creating an activity or a series names its session in the body.
    assert "ActivityCreate" in schema


def test_enrolment_and_activity_lists_are_paginated_and_filtered(api, a):
    s = factories.session(a["org"], a["territory"], start=datetime.date(2027, 9, 6))
    other = factories.session(a["org"], a["territory"], name="Autre")
    person = factories.admitted(a["org"], a["territory"], a["actor"])
    with tenant_context(a["org"]):
        from sessions import services

        services.enrolment_create(actor=a["actor"], session=s, beneficiary=person)
        services.activity_series_create(
            actor=a["actor"],
            session=s,
            kind="fle",
            weekdays=[0, 2, 4],
            start_time=datetime.time(9),
            end_time=datetime.time(12),
        )
    activities = api.get("/api/activites/", {"session": s.pk}).json()
    assert len(activities["results"]) == 29  # 30 minus Monday 1 November
    assert api.get("/api/activites/", {"session": other.pk}).json()["results"] == []
    enrolments = api.get("/api/inscriptions/", {"session": s.pk}).json()["results"]
    assert [e["beneficiary"] for e in enrolments] == [person.pk]
    assert api.get("/api/inscriptions/", {"session": "abc"}).status_code == 400
