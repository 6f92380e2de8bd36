import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from beneficiaries.models import Beneficiary
from placements import services
from placements.models import AlternanceContract, Employer, FollowUp
from tests import factories
from tests.placements import factories as pf
from thrasos.accounts.models import Role
from thrasos.audit.models import AccessLog
from thrasos.tenancy import tenant_context

pytestmark = pytest.mark.django_db


def _errors(response) -> list[str]:
    return re.findall(r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', response.content.decode(), re.S)


@pytest.fixture
def a(two_tenants):
    data = two_tenants["a"]
    data["actor"] = data["members"][Role.COORDINATOR].user
    return data


@pytest.fixture
def cw(client, a):
    client.force_login(a["members"][Role.CASEWORKER].user)
    client.get(reverse("home"))  # the first request of a session writes it
    return client


def _employer_post(a, **extra):
    with tenant_context(a["org"]):
        from placements.models import Sector

        sector = Sector.objects.first()
    return {
        "name": "Boulangerie Ménard",
        "siret": "732 829 320 00074",
        "sector": sector.pk,
        "city": "Périgueux",
        "departement": "24",
        "regions": ["75"],
        "contact_0_name": "Mme Ménard",
        "contact_0_phone": "05 53 00 00 00",
        **extra,
    }


def test_directory_search_and_create(cw, a):
    response = cw.post(reverse("placements:employer_create"), _employer_post(a))
    assert response.status_code == 302, _errors(response)
    with tenant_context(a["org"]):
        employer = Employer.objects.get()
        assert employer.siret == "73282932000074"
        assert [c.name for c in employer.contacts.all()] == ["Mme Ménard"]
    body = cw.get(reverse("placements:index"), {"q": "menard"}).content.decode()
    assert "Boulangerie Ménard" in body
    body = cw.get(reverse("placements:index"), {"q": "perigueux", "kind": "employer"}).content
    assert "Boulangerie Ménard" in body.decode()
    body = cw.get(reverse("placements:index"), {"region": "84"}).content.decode()
    assert "Boulangerie Ménard" not in body
    detail = cw.get(employer.get_absolute_url()).content.decode()
    assert "05 53 00 00 00" in detail and "Nouvelle-Aquitaine" in detail


def test_a_bad_siret_is_refused_in_french_and_nothing_is_saved(cw, a):
    response = cw.post(
        reverse("placements:employer_create"), _employer_post(a, siret="73282932000075")
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "chiffre de contrôle" in body and "Boulangerie Ménard" in body  # values kept
    pf.employer(a["org"], siret="73282932000074")
    response = cw.post(reverse("placements:employer_create"), _employer_post(a))
    assert response.status_code == 400
    assert "figure déjà dans l’annuaire" in response.content.decode()
    with tenant_context(a["org"]):
        assert Employer.objects.count() == 1


def test_a_contact_without_a_name_is_refused(cw, a):
    response = cw.post(
        reverse("placements:employer_create"),
        _employer_post(a, contact_0_name="", contact_1_email="rh@example.org"),
    )
    assert response.status_code == 400
    assert "Indiquez le nom du contact" in response.content.decode()


def test_training_organisation_with_a_bad_uai(cw, a):
    response = cw.post(
        reverse("placements:training_create"),
        {
            "name": "CFA BTP Landes",
            "siret": pf.siret(42),
            "uai": "0400123A",
            "city": "Mont-de-Marsan",
            "departement": "40",
        },
    )
    assert response.status_code == 400
    assert "lettre de contrôle" in response.content.decode()


@pytest.mark.parametrize("role", [Role.VOLUNTEER, Role.MANAGER])
def test_volunteers_and_managers_see_no_placement(client, a, role):
    employer = pf.employer(a["org"])
    client.force_login(a["members"][role].user)
    assert client.get(reverse("placements:index")).status_code == 403
    assert client.get(reverse("placements:contracts")).status_code == 403
    assert client.get(employer.get_absolute_url()).status_code == 404


def test_another_organisations_partner_is_404(cw, two_tenants):
    employer_b = pf.employer(two_tenants["b"]["org"], name="Employeur Secret-B")
    assert cw.get(employer_b.get_absolute_url()).status_code == 404
    assert "Secret-B" not in cw.get(reverse("placements:index")).content.decode()


DIRECTORY_QUERIES = 12  # and the bell: the unread notifications count


def test_directory_query_count_is_pinned(cw, a, django_assert_num_queries):
    pf.employer(a["org"], n=100)
    pf.training_organisation(a["org"], n=200)
    url = reverse("placements:index")
    with django_assert_num_queries(DIRECTORY_QUERIES):
        cw.get(url)
    for i in range(30):
        pf.employer(a["org"], name=f"Employeur {i:02d}", n=101 + i)
        pf.training_organisation(a["org"], name=f"Organisme {i:02d}", n=301 + i)
    with django_assert_num_queries(DIRECTORY_QUERIES):
        body = cw.get(url).content.decode()
    assert body.count("Employeur ") >= 30


def _next_link(body: str, prefix: str) -> str | None:
    match = re.search(rf'href="\?([^"]*{prefix}apres=[^"]+)"', body)
    return "?" + match.group(1).replace("&amp;", "&") if match else None


def test_the_directory_pages_its_lists_by_keyset(cw, a, monkeypatch):
    """Every employer is reachable page after page (name order), the search
    and the other list's position are kept; pages cost the same queries."""
    from placements import views

    monkeypatch.setattr(views, "PAGE_SIZE", 4)
    for i in range(10):
        pf.employer(a["org"], name=f"Employeur {i:02d}", n=101 + i)
    for i in range(6):
        pf.training_organisation(a["org"], name=f"Organisme {i:02d}", n=301 + i)
    url = reverse("placements:index")
    seen, body, link = [], cw.get(url + "?q=employeur").content.decode(), None
    assert not re.findall(r">(Organisme \d\d)<", body)  # the search applies to both lists
    while True:
        seen += re.findall(r">(Employeur \d\d)<", body)
        if (link := _next_link(body, "employeurs_")) is None:
            break
        assert "q=employeur" in link
        body = cw.get(url + link).content.decode()
    assert seen == [f"Employeur {i:02d}" for i in range(10)]
    assert 'href="?q=employeur&amp;employeurs_avant=' in body  # back from the last page
    # Paging the training organisations keeps the employers' page.
    first = cw.get(url).content.decode()
    link = _next_link(first, "organismes_")
    second = cw.get(url + link).content.decode()
    assert re.findall(r">(Organisme \d\d)<", second) == ["Organisme 04", "Organisme 05"]
    assert "Employeur 00" in second
    with CaptureQueriesContext(connection) as page_one:
        cw.get(url)
    with CaptureQueriesContext(connection) as page_two:
        cw.get(url + link)
    assert len(page_one) == len(page_two)


# --- contracts and the case file


@pytest.fixture
def partners(a):
    return pf.employer(a["org"]), pf.training_organisation(a["org"])


def test_contract_through_the_case_file(cw, a, partners):
    person = pf.seeking(a["org"], a["territory"], a["actor"])
    page = cw.get(person.get_absolute_url()).content.decode()
    assert "Enregistrer un contrat signé" in page
    data = pf.contract_data(a["org"], *partners, months=5)
    form = {
        k: (v.pk if hasattr(v, "pk") else v.isoformat() if hasattr(v, "isoformat") else v)
        for k, v in data.items()
    }
    form["weekly_hours"] = "35"
    url = reverse("placements:contract_create", args=[person.pk])
    response = cw.post(url, form)
    assert response.status_code == 400
    assert "hors des 6 à 18 mois" in response.content.decode()
    with tenant_context(a["org"]):
        assert not AlternanceContract.objects.exists()
    form["duration_justification"] = "Titre professionnel en cinq mois"
    assert cw.post(url, form).status_code == 302
    with tenant_context(a["org"]):
        contract = AlternanceContract.objects.get()
        assert Beneficiary.objects.get(pk=person.pk).state == "in_contract"
    page = cw.get(person.get_absolute_url()).content.decode()
    assert "Contrat signé" in page and "Bâti Sud" in page
    response = cw.post(
        reverse("placements:contract_break", args=[contract.pk]),
        {"on": timezone.localdate().isoformat(), "broken_by": "employer", "reason": ""},
    )
    assert response.status_code == 400
    assert "Ce champ est obligatoire" in response.content.decode()
    response = cw.post(
        reverse("placements:contract_break", args=[contract.pk]),
        {
            "on": timezone.localdate().isoformat(),
            "broken_by": "employer",
            "reason": "Fermeture",
        },
    )
    assert response.status_code == 302
    page = cw.get(person.get_absolute_url()).content.decode()
    assert "Contrat rompu avec" in page
    with tenant_context(a["org"]):
        assert Beneficiary.objects.get(pk=person.pk).state == "seeking_contract"


def test_case_file_query_count_does_not_grow_with_contracts(cw, a, partners):
    person = pf.seeking(a["org"], a["territory"], a["actor"])
    pf.contract(a["org"], person, a["actor"], *partners)
    url = person.get_absolute_url()
    cw.get(url)
    with CaptureQueriesContext(connection) as one:
        cw.get(url)
    with tenant_context(a["org"]):
        services.contract_break(
            actor=a["actor"],
            contract=AlternanceContract.objects.get(),
            on=timezone.localdate(),
            broken_by="apprentice",
            reason="x",
        )
    for days in (40, 80):
        contract = pf.contract(
            a["org"],
            person,
            a["actor"],
            *partners,
            start=timezone.localdate() - datetime.timedelta(days=days),
        )
        with tenant_context(a["org"]):
            if days == 40:
                services.contract_break(
                    actor=a["actor"],
                    contract=contract,
                    on=timezone.localdate(),
                    broken_by="both",
                    reason="y",
                )
    with CaptureQueriesContext(connection) as three:
        body = cw.get(url).content.decode()
    assert body.count("Contrat rompu avec") == 2
    assert len(three) == len(one)


# The bell, the page, then its people, territories, employers, training organisations.
CONTRACTS_QUERIES = 18


def test_contracts_list_filters_scope_and_query_count(cw, a, partners, django_assert_num_queries):
    other = factories.territory(a["org"], "Territoire Hors-Champ", "84", "69")
    hidden = pf.seeking(a["org"], other, a["actor"], last_name="Invisible")
    pf.contract(a["org"], hidden, a["actor"], *partners)
    person = pf.seeking(a["org"], a["territory"], a["actor"], last_name="Visible")
    pf.contract(
        a["org"],
        person,
        a["actor"],
        *partners,
        start=timezone.localdate() - datetime.timedelta(days=20),
    )
    url = reverse("placements:contracts")
    with django_assert_num_queries(CONTRACTS_QUERIES):
        body = cw.get(url).content.decode()
    assert "VISIBLE" in body and "INVISIBLE" not in body
    # The row links to the case file's work-study panel and to the employer.
    assert f'<a href="{person.get_absolute_url()}#placements">VISIBLE' in body
    assert f'href="{partners[0].get_absolute_url()}"' in body
    for i in range(5):
        p = pf.seeking(a["org"], a["territory"], a["actor"], last_name=f"Autre{i}")
        pf.contract(
            a["org"],
            p,
            a["actor"],
            *partners,
            start=timezone.localdate() - datetime.timedelta(days=60),
        )
    with django_assert_num_queries(CONTRACTS_QUERIES):
        body = cw.get(url).content.decode()
    assert body.count("AUTRE") == 5
    # Trial period ending within 30 days: the recent contract (45 days), not the older ones.
    body = cw.get(url, {"trial_ending": "on"}).content.decode()
    assert "VISIBLE" in body and "AUTRE" not in body
    assert cw.get(url, {"status": "nonsense"}).status_code == 400


def test_the_contracts_list_pages_by_end_date_keeping_the_filters(cw, a, partners, monkeypatch):
    from placements import views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    for i in range(5):
        p = pf.seeking(a["org"], a["territory"], a["actor"], last_name=f"Page{i}")
        pf.contract(
            a["org"],
            p,
            a["actor"],
            *partners,
            start=timezone.localdate() - datetime.timedelta(days=100 - i),
        )
    url = reverse("placements:contracts")
    body = cw.get(url, {"status": "signed"}).content.decode()
    seen = []
    while True:
        seen += re.findall(r">(PAGE\d) ", body)
        if (link := _next_link(body, "")) is None:
            break
        assert "status=signed" in link
        body = cw.get(url + link).content.decode()
    assert seen == [f"PAGE{i}" for i in range(5)]  # by end date, each once


def test_contracts_export_respects_scope_and_writes_the_access_log(cw, a, partners):
    person = pf.seeking(a["org"], a["territory"], a["actor"], last_name="Exporté")
    pf.contract(a["org"], person, a["actor"], *partners, tutor_name="=HYPERLINK(1)")
    response = cw.get(reverse("placements:contracts_export"))
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    assert "EXPORTÉ" in text and "'=HYPERLINK(1)" in text
    with tenant_context(a["org"]):
        assert AccessLog.objects.filter(object_id=str(person.pk), action="export").exists()


def test_follow_up_page(cw, a, partners):
    person = pf.seeking(a["org"], a["territory"], a["actor"])
    pf.finish(a["org"], pf.contract(a["org"], person, a["actor"], *partners), a["actor"])
    from beneficiaries.services import TransitionRequest, beneficiary_transition

    with tenant_context(a["org"]):
        beneficiary_transition(
            actor=a["actor"],
            beneficiary=person,
            request=TransitionRequest(
                to_state="exited", exit_employment="cdi", exit_housing="hosted"
            ),
        )
        follow_up = FollowUp.objects.get(beneficiary=person, months_after_exit=12)
    page = cw.get(person.get_absolute_url()).content.decode()
    assert "sortie non positive" in page
    url = reverse("placements:follow_up_record", args=[follow_up.pk])
    response = cw.post(url, {"observed_on": timezone.localdate().isoformat(), "method": "phone"})
    assert response.status_code == 400
    assert "situation d’emploi" in response.content.decode()
    response = cw.post(
        url,
        {
            "observed_on": timezone.localdate().isoformat(),
            "method": "meeting",
            "employment": "cdi",
            "housing": "social_housing",
        },
    )
    assert response.status_code == 302
    page = cw.get(person.get_absolute_url()).content.decode()
    assert "Suivi 12 mois" in page


# --- referentials


def test_the_organisations_admin_edits_the_referentials(client, a, two_tenants):
    from placements.models import DiplomaLevel, Opco, Sector

    client.force_login(a["members"][Role.ADMIN].user)
    page = client.get(reverse("placements:referentials")).content.decode()
    assert "Secteurs en tension" in page and "Niveau 3 – CAP" in page and "AKTO" in page
    url = reverse("placements:sector_create")
    response = client.post(url, {"name": "", "position": "3"})
    assert response.status_code == 400 and "obligatoire" in response.content.decode()
    response = client.post(url, {"name": "Industrie", "position": "3", "is_active": "on"})
    assert response.status_code == 400
    assert "déjà dans la liste" in response.content.decode()
    assert 'value="Industrie"' in response.content.decode()  # what was typed is kept
    assert (
        client.post(url, {"name": "Sécurité", "position": "12", "is_active": "on"}).status_code
        == 302
    )
    with tenant_context(a["org"]):
        cleaning = Sector.objects.get(name="Propreté")
        level = DiplomaLevel.objects.get(level=4)
        opco = Opco.objects.get(name="AKTO")
    client.post(
        reverse("placements:sector_edit", args=[cleaning.pk]), {"name": "Propreté", "position": "5"}
    )
    client.post(
        reverse("placements:diploma_level_edit", args=[level.pk]), {"name": "Niveau 4 – bac"}
    )
    client.post(reverse("placements:opco_create"), {"name": "OPCO Test", "is_active": "on"})
    client.post(reverse("placements:opco_edit", args=[opco.pk]), {"name": "AKTO"})
    with tenant_context(a["org"]):
        assert Sector.objects.filter(name="Sécurité", is_active=True).exists()
        assert not Sector.objects.get(pk=cleaning.pk).is_active
        assert DiplomaLevel.objects.get(pk=level.pk).name == "Niveau 4 – bac"
        assert DiplomaLevel.objects.get(pk=level.pk).level == 4
        assert Opco.objects.filter(name="OPCO Test").exists()
        assert not Opco.objects.get(pk=opco.pk).is_active
    # An inactive sector is no longer offered to a new employer.
    form = client.get(reverse("placements:employer_create")).content.decode()
    assert "Sécurité" in form and ">Propreté<" not in form
    # The other organisation's lists are untouched.
    with tenant_context(two_tenants["b"]["org"]):
        assert not Sector.objects.filter(name="Sécurité").exists()
        assert Sector.objects.get(name="Propreté").is_active


def test_only_the_admin_edits_the_referentials(client, a):
    client.force_login(a["members"][Role.COORDINATOR].user)
    assert client.get(reverse("placements:referentials")).status_code == 403
    assert client.post(reverse("placements:opco_create"), {"name": "X"}).status_code == 403
    assert "Référentiels" not in client.get(reverse("placements:index")).content.decode()
