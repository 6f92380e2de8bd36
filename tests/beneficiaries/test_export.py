import csv
import io

import pytest
from django.urls import reverse

from sessions import services as session_services
from tests import factories
from thrasos.accounts.models import Role
from thrasos.audit.models import AccessLog
from thrasos.tenancy import tenant_context

pytestmark = pytest.mark.django_db


@pytest.fixture
def a(two_tenants):
    return two_tenants["a"]


@pytest.fixture
def cw(client, a):
    client.force_login(a["members"][Role.CASEWORKER].user)
    return client


def _rows(response):
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")  # opens as UTF-8 in French spreadsheets
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def test_export_follows_the_filters_and_logs_each_person(cw, a, two_tenants):
    admin = a["members"][Role.ADMIN].user
    helene = factories.beneficiary(a["org"], a["territory"], admin, last_name="Ngoué")
    factories.beneficiary(a["org"], a["territory"], admin, last_name="Haddad", first_name="Rami")
    b = two_tenants["b"]
    factories.beneficiary(
        b["org"], b["territory"], b["members"][Role.ADMIN].user, last_name="Secret-B"
    )
    response = cw.get(reverse("beneficiaries:export"), {"q": "ngoue"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = _rows(response)
    assert rows[0][:3] == ["Nom", "Prénoms", "Nom d’usage"]
    assert [r[0] for r in rows[1:]] == ["Ngoué"]
    assert rows[1][4] == "17/05/1994"  # dates dd/mm/yyyy
    assert "Orienté·e" in rows[1]
    with tenant_context(a["org"]):
        logged = list(AccessLog.objects.filter(action="export").values_list("object_id", "user_id"))
    assert logged == [(str(helene.pk), a["members"][Role.CASEWORKER].user_id)]
    # The log keeps that a search was made, never the text typed (a name: the
    # access log is append-only, an anonymisation could not scrub it).
    with tenant_context(a["org"]):
        details = list(AccessLog.objects.filter(action="export").values_list("detail", flat=True))
    assert details and all("ngoue" not in d and "q=%E2%80%A6" in d for d in details)
    everything = _rows(cw.get(reverse("beneficiaries:export")))
    assert sorted(r[0] for r in everything[1:]) == ["Haddad", "Ngoué"]  # nothing of B


def test_export_too_large_or_with_bad_filters_is_refused_with_a_message(cw, a, monkeypatch):
    from beneficiaries import views

    admin = a["members"][Role.ADMIN].user
    for i in range(3):
        factories.beneficiary(a["org"], a["territory"], admin, last_name=f"Nom{i}")
    monkeypatch.setattr(views, "EXPORT_LIMIT", 2)
    response = cw.get(reverse("beneficiaries:export"), follow=True)
    assert "Plus de 2 dossiers correspondent" in response.content.decode()
    response = cw.get(reverse("beneficiaries:export"), {"state": "inconnu"}, follow=True)
    assert "Les filtres ne sont pas valides" in response.content.decode()
    with tenant_context(a["org"]):
        assert not AccessLog.objects.filter(action="export").exists()


@pytest.mark.parametrize("role", [Role.VOLUNTEER, Role.MANAGER])
def test_volunteers_and_managers_cannot_export(client, a, role):
    factories.beneficiary(a["org"], a["territory"], a["members"][Role.ADMIN].user)
    client.force_login(a["members"][role].user)
    assert client.get(reverse("beneficiaries:export")).status_code == 403


def test_list_page_and_api_filter_by_session(cw, a):
    coordinator = a["members"][Role.COORDINATOR].user
    session = factories.session(a["org"], a["territory"], name="Session filtre")
    inside = factories.admitted(a["org"], a["territory"], coordinator, last_name="Dedans")
    factories.admitted(a["org"], a["territory"], coordinator, last_name="Dehors")
    with tenant_context(a["org"]):
        session_services.enrolment_create(actor=coordinator, session=session, beneficiary=inside)
    page = cw.get(reverse("beneficiaries:index"), {"session": session.pk}).content.decode()
    assert "DEDANS" in page and "DEHORS" not in page
    api = cw.get("/api/beneficiaires/", {"session": session.pk}).json()
    assert [r["last_name"] for r in api["results"]] == ["Dedans"]


def test_api_list_refuses_bad_filters(cw):
    response = cw.get("/api/beneficiaires/", {"state": "xyz"})
    assert response.status_code == 400
    assert "state" in response.json()


def test_export_neutralises_cells_a_spreadsheet_would_compute(cw, a):
    admin = a["members"][Role.ADMIN].user
    factories.beneficiary(
        a["org"],
        a["territory"],
        admin,
        last_name="Formule",
        first_name='=HYPERLINK("http://example.org/x","clic")',
        phone="+33 =1+2",
    )
    rows = _rows(cw.get(reverse("beneficiaries:export")))
    header, row = rows[0], rows[1]
    assert row[header.index("Prénoms")] == '\'=HYPERLINK("http://example.org/x","clic")'
    assert row[header.index("Téléphone")] == "'+33 =1+2"
    assert row[header.index("Nom")] == "Formule"  # ordinary cells unchanged
