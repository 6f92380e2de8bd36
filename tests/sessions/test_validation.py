"""Input the sessions refuse, through the API and the pages alike: negative
numbers, impossible dates, unbounded texts (probe of issue 9)."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from sessions.models import PreparationSession
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
def cw(client, a):
    client.force_login(a["members"][Role.CASEWORKER].user)
    return client


def _monday() -> datetime.date:
    today = timezone.localdate()
    return today - datetime.timedelta(days=today.weekday())


def _payload(a, **extra):
    return {
        "name": "Session contrôlée",
        "territory": a["territory"].pk,
        "start_date": _monday().isoformat(),
        "capacity": 12,
        "planned_fle_hours": "120.0",
        **extra,
    }


def _count(a) -> int:
    with tenant_context(a["org"]):
        return PreparationSession.objects.count()


def test_negative_fle_hours_are_refused_by_the_api(cw, a):
    response = cw.post("/api/sessions/", _payload(a, planned_fle_hours="-3"), "application/json")
    assert response.status_code == 400
    [message] = response.json()["planned_fle_hours"]
    assert (
        message.replace("\xa0", " ") == "Assurez-vous que cette valeur est supérieure ou égale à 0."
    )
    assert _count(a) == 0
    session = factories.session(a["org"], a["territory"])
    response = cw.patch(
        f"/api/sessions/{session.pk}/", {"planned_fle_hours": "-0.5"}, "application/json"
    )
    assert response.status_code == 400
    with tenant_context(a["org"]):
        session.refresh_from_db()
    assert session.planned_fle_hours == 120


def test_negative_fle_hours_are_refused_by_the_page(cw, a):
    data = _payload(a, planned_fle_hours="-3", site="Bordeaux")
    response = cw.post(reverse("sessions:create"), data)
    assert response.status_code == 400
    assert "supérieure ou égale à 0" in response.content.decode()
    assert _count(a) == 0


def test_the_database_refuses_negative_hours_too(a):
    session = factories.session(a["org"], a["territory"])
    with tenant_context(a["org"]), pytest.raises(IntegrityError), transaction.atomic():
        PreparationSession.objects.filter(pk=session.pk).update(planned_fle_hours=-1)


# --- free texts


def test_huge_texts_of_enrolments_and_activities_are_refused_by_the_api(cw, a):
    from beneficiaries.models import Beneficiary

    session = factories.session(a["org"], a["territory"], name="Session textes")
    person = factories.admitted(a["org"], a["territory"], a["actor"])
    response = cw.post(
        f"/api/sessions/{session.pk}/enrol/",
        {"beneficiary": person.pk, "comment": "x" * 1_001},
        "application/json",
    )
    assert response.status_code == 400
    assert "au plus 1000 caractères" in " ".join(response.json()["comment"]).replace("\xa0", " ")
    response = cw.post(
        "/api/activites/series/",
        {
            "session": session.pk,
            "kind": "fle",
            "weekdays": [0],
            "start_time": "09:00",
            "end_time": "12:00",
            "place": "x" * 201,
        },
        "application/json",
    )
    assert response.status_code == 400  # was a 500 (the database refused it)
    assert "au plus 200 caractères" in " ".join(response.json()["place"]).replace("\xa0", " ")
    with tenant_context(a["org"]):
        assert not session.enrolments.exists() and not session.activities.exists()
        assert Beneficiary.objects.get(pk=person.pk).state == "admitted"


def test_a_huge_cancel_reason_is_refused_not_cut(cw, a):
    from sessions.models import Activity

    session = factories.session(a["org"], a["territory"], name="Session annulation")
    with tenant_context(a["org"]):
        activity = Activity.objects.create(
            session=session,
            kind="workshop",
            date=session.start_date,
            start_time=datetime.time(9),
            end_time=datetime.time(10),
        )
    url = f"/api/activites/{activity.pk}/cancel/"
    response = cw.post(url, {"reason": "x" * 201}, "application/json")
    assert response.status_code == 400
    with tenant_context(a["org"]):
        activity.refresh_from_db()
    assert not activity.is_cancelled


def test_the_session_services_refuse_huge_texts_too(a):
    from django.core.exceptions import ValidationError

    from sessions import services

    session = factories.session(a["org"], a["territory"], name="Session services")
    person = factories.admitted(a["org"], a["territory"], a["actor"])
    with tenant_context(a["org"]):
        with pytest.raises(ValidationError) as error:
            services.enrolment_create(
                actor=a["actor"], session=session, beneficiary=person, comment="x" * 1_001
            )
        assert "comment" in error.value.message_dict
        with pytest.raises(ValidationError) as error:
            services.activity_series_create(
                actor=a["actor"],
                session=session,
                kind="fle",
                weekdays=[0],
                start_time=datetime.time(9),
                end_time=datetime.time(12),
                title="x" * 201,
            )
        assert "title" in error.value.message_dict


# --- dates


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        ({"start_date": "2099-01-05"}, "start_date", "Cette date ne peut pas être postérieure au"),
        ({"start_date": "1800-01-06"}, "start_date", "antérieure au 01/01/2000"),
        (
            {"end_date": (_monday() + datetime.timedelta(weeks=30)).isoformat()},
            "end_date",
            "Une session dure au plus 26 semaines.",
        ),
    ],
)
def test_impossible_session_dates_are_refused_by_the_api_and_the_page(cw, a, extra, field, message):
    response = cw.post("/api/sessions/", _payload(a, **extra), "application/json")
    assert response.status_code == 400
    assert message in " ".join(response.json()[field])
    response = cw.post(reverse("sessions:create"), {**_payload(a), "end_date": "", **extra})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert _count(a) == 0


def test_a_session_next_year_is_accepted(cw, a):
    start = _monday() + datetime.timedelta(weeks=52)
    response = cw.post(
        "/api/sessions/", _payload(a, start_date=start.isoformat()), "application/json"
    )
    assert response.status_code == 201, response.json()


def test_an_enrolment_date_of_another_century_is_refused(cw, a):
    session = factories.session(a["org"], a["territory"], name="Session inscriptions")
    person = factories.admitted(a["org"], a["territory"], a["actor"])
    response = cw.post(
        f"/api/sessions/{session.pk}/enrol/",
        {"beneficiary": person.pk, "on": "1800-01-01"},
        "application/json",
    )
    assert response.status_code == 400
    assert "antérieure au 01/01/2000" in " ".join(response.json()["on"])
    with tenant_context(a["org"]):
        assert not session.enrolments.exists()
