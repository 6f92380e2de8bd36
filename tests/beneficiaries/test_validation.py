"""Input the case file refuses, through the API and the pages alike:
unbounded texts, impossible dates (probe of issue 9). Each refusal says why
in French and saves nothing."""

import pytest
from django.urls import reverse

from beneficiaries.models import Beneficiary, CaseNote, PathwayTransition
from tests.factories import beneficiary
from thrasos.accounts.models import Role
from thrasos.tenancy import tenant_context

pytestmark = pytest.mark.django_db


@pytest.fixture
def a(two_tenants):
    return two_tenants["a"]


@pytest.fixture
def cw(client, a):
    client.force_login(a["members"][Role.CASEWORKER].user)
    return client


@pytest.fixture
def b(a):
    return beneficiary(a["org"], a["territory"], a["members"][Role.ADMIN].user)


def _person(a, **extra) -> dict:
    return {
        "last_name": "Haile",
        "first_name": "Selam",
        "sex": "F",
        "birth_date": "1996-02-29",
        "protection_status": "refugee",
        "current_territory": a["territory"].pk,
        **extra,
    }


def _flat(errors) -> str:
    """Error messages as one string, no-break spaces as spaces."""
    text = errors if isinstance(errors, str) else " ".join(errors)
    return text.replace("\xa0", " ")


# --- free texts


def test_a_huge_referral_reason_is_refused_by_the_api_and_the_page(cw, a):
    huge = "x" * 1_000_000
    response = cw.post("/api/beneficiaires/", _person(a, referral_reason=huge), "application/json")
    assert response.status_code == 400
    assert "au plus 2000 caractères" in _flat(response.json()["referral_reason"])
    response = cw.post(
        reverse("beneficiaries:create"),
        {**_person(a, referral_reason="x" * 2_001), "preferred_language": "fr"},
    )
    assert response.status_code == 200  # the form again, with the error
    assert "au plus 2000 caractères" in _flat(response.content.decode())
    with tenant_context(a["org"]):
        assert not Beneficiary.objects.exists()


def test_a_huge_case_note_is_refused_by_the_api_and_the_page(cw, a, b):
    url = f"/api/beneficiaires/{b.pk}/notes/"
    response = cw.post(url, {"body": "x" * 1_000_000}, "application/json")
    assert response.status_code == 400
    assert "au plus 10000 caractères" in _flat(response.json()["body"])
    response = cw.post(reverse("beneficiaries:note_add", args=[b.pk]), {"body": "x" * 10_001})
    assert response.status_code == 400
    assert "au plus 10000 caractères" in _flat(response.content.decode())
    assert cw.post(url, {"body": "x" * 10_000}, "application/json").status_code == 201
    with tenant_context(a["org"]):
        assert CaseNote.objects.count() == 1


def test_a_huge_transition_comment_is_refused_by_the_api_and_the_page(cw, a, b):
    comment = "x" * 2_001
    response = cw.post(
        f"/api/beneficiaires/{b.pk}/transition/",
        {"to_state": "candidate", "comment": comment},
        "application/json",
    )
    assert response.status_code == 400
    assert "au plus 2000 caractères" in _flat(response.json()["comment"])
    response = cw.post(
        reverse("beneficiaries:transition", args=[b.pk]),
        {"to_state": "candidate", "comment": comment},
    )
    assert response.status_code == 400
    assert "au plus 2000 caractères" in _flat(response.content.decode())
    with tenant_context(a["org"]):
        assert PathwayTransition.objects.filter(beneficiary=b).count() == 1  # referred only
        assert Beneficiary.objects.get().state == "referred"


def test_the_services_refuse_huge_texts_too(a, b):
    from django.core.exceptions import ValidationError

    from beneficiaries.services import TransitionRequest, beneficiary_transition, case_note_add

    admin = a["members"][Role.ADMIN].user
    with tenant_context(a["org"]):
        with pytest.raises(ValidationError) as error:
            case_note_add(actor=admin, beneficiary=b, body="x" * 10_001, confidentiality="team")
        assert "body" in error.value.message_dict
        with pytest.raises(ValidationError) as error:
            beneficiary_transition(
                actor=admin,
                beneficiary=b,
                request=TransitionRequest(to_state="candidate", comment="x" * 2_001),
            )
        assert "comment" in error.value.message_dict
