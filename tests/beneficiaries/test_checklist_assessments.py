import pytest
from django.urls import reverse

from beneficiaries.models import LanguageAssessment, PrerequisiteCheck, PrerequisiteItem
from tests.factories import beneficiary
from thrasos.accounts.models import Role
from thrasos.tenancy import tenant_context

pytestmark = pytest.mark.django_db


@pytest.fixture
def a(two_tenants):
    return two_tenants["a"]


@pytest.fixture
def setup(client, a):
    client.force_login(a["members"][Role.CASEWORKER].user)
    b = beneficiary(a["org"], a["territory"], a["members"][Role.ADMIN].user)
    return client, b


def test_new_organisations_get_the_default_checklist(a, two_tenants):
    with tenant_context(a["org"]):
        labels = list(PrerequisiteItem.objects.values_list("label", flat=True))
    assert len(labels) == 8
    assert "Mobilité géographique hors Île-de-France" in labels
    with tenant_context(two_tenants["b"]["org"]):
        assert PrerequisiteItem.objects.count() == 8  # its own copy


def test_checklist_records_status_evidence_who_and_when(setup, a):
    client, b = setup
    with tenant_context(a["org"]):
        items = list(PrerequisiteItem.objects.all())
    data = {f"status_{i.pk}": "to_check" for i in items}
    data[f"status_{items[0].pk}"] = "met"
    data[f"evidence_{items[0].pk}"] = "Carte de résident vue le 02/11"
    data[f"status_{items[2].pk}"] = "not_met"
    response = client.post(reverse("beneficiaries:prerequisites", args=[b.pk]), data)
    assert response.status_code == 302
    with tenant_context(a["org"]):
        checks = {c.item_id: c for c in PrerequisiteCheck.objects.filter(beneficiary=b)}
    assert set(checks) == {items[0].pk, items[2].pk}  # untouched items stay unrecorded
    assert checks[items[0].pk].status == "met"
    assert checks[items[0].pk].evidence == "Carte de résident vue le 02/11"
    assert checks[items[0].pk].checked_by == a["members"][Role.CASEWORKER].user
    page = client.get(b.get_absolute_url()).content.decode()
    assert "Carte de résident vue le 02/11" in page


def test_checklist_refuses_an_unknown_status(setup, a):
    client, b = setup
    with tenant_context(a["org"]):
        item = PrerequisiteItem.objects.first()
    response = client.post(
        reverse("beneficiaries:prerequisites", args=[b.pk]), {f"status_{item.pk}": "peut-être"}
    )
    assert response.status_code == 400
    assert "Sélectionnez un choix valide" in response.content.decode()


def test_assessments_show_progress_and_refuse_empty_or_future(setup, a):
    client, b = setup
    url = reverse("beneficiaries:assessment_add", args=[b.pk])
    base = {"assessed_on": "2026-09-01", "kind": "before_session", "assessor": "CLA Bordeaux"}
    response = client.post(url, base)
    assert response.status_code == 400
    assert "au moins une compétence" in response.content.decode()
    response = client.post(url, {**base, "assessed_on": "2099-01-01", "oral_expression": "A2"})
    assert response.status_code == 400
    assert "dans le futur" in response.content.decode()
    assert (
        client.post(url, {**base, "oral_expression": "A1", "oral_comprehension": "A2"}).status_code
        == 302
    )
    assert (
        client.post(
            url,
            {
                **base,
                "assessed_on": "2026-11-20",
                "kind": "end_of_session",
                "oral_expression": "B1",
            },
        ).status_code
        == 302
    )
    with tenant_context(a["org"]):
        levels = list(
            LanguageAssessment.objects.filter(beneficiary=b).values_list(
                "oral_expression", flat=True
            )
        )
    assert levels == ["A1", "B1"]
    page = client.get(b.get_absolute_url()).content.decode()
    # In the assessments table (a bare "B1" may be part of the page's random
    # CSRF token or CSP nonce).
    assert page.index("<td>A1</td>") < page.index("<td>B1</td>")
    assert "Évaluation de français" in page
