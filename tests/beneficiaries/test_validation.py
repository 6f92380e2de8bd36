"""Input the case file refuses, through the API and the pages alike:
unbounded texts, impossible dates (probe of issue 9). Each refusal says why
in French and saves nothing."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from beneficiaries.models import Beneficiary, CaseNote, PathwayTransition
from tests.factories import beneficiary
from thrasos.accounts.models import Role
from thrasos.core.validators import years_after
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


# --- dates


def _years_ago(years: int, days: int = 0) -> datetime.date:
    return years_after(timezone.localdate(), -years) + datetime.timedelta(days=days)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("birth_date", "2099-01-01", "Une date de naissance ne peut pas être dans le futur."),
        ("birth_date", "1800-01-01", "plus de 100 ans à la date d’orientation"),
        ("birth_date", _years_ago(18, days=1), "réservé aux adultes"),
        ("referral_date", "2099-01-01", "Cette date ne peut pas être dans le futur."),
        ("referral_date", "1999-12-31", "antérieure au 01/01/2000"),
        ("protection_decision_date", "2099-01-01", "ne peut pas être dans le futur"),
        ("protection_decision_date", "1900-01-01", "antérieure au 25/07/1952"),
        ("protection_decision_date", "1990-01-01", "antérieure à la date de naissance"),
        ("residence_document_expiry", "2099-01-01", "postérieure au"),
    ],
)
def test_impossible_dates_are_refused_by_the_api(cw, a, field, value, message):
    response = cw.post("/api/beneficiaires/", _person(a, **{field: str(value)}), "application/json")
    assert response.status_code == 400
    assert message in _flat(response.json()[field])
    with tenant_context(a["org"]):
        assert not Beneficiary.objects.exists()


def test_plausible_dates_are_accepted(cw, a):
    payload = _person(
        a,
        birth_date=str(_years_ago(18)),  # 18 today
        referral_date=str(timezone.localdate()),
        protection_decision_date=str(_years_ago(1)),
        residence_document_expiry=str(years_after(timezone.localdate(), 10)),
    )
    response = cw.post("/api/beneficiaires/", payload, "application/json")
    assert response.status_code == 201, response.json()


def test_the_age_is_checked_on_the_referral_date(cw, a):
    """Adult on the referral date: the record stays valid when edited years
    later; a person referred as a minor is refused even if adult today."""
    minor_then = _person(a, birth_date="2000-06-02", referral_date="2018-06-01")
    response = cw.post("/api/beneficiaires/", minor_then, "application/json")
    assert response.status_code == 400
    assert "réservé aux adultes" in _flat(response.json()["birth_date"])
    adult_then = _person(a, birth_date="2000-06-01", referral_date="2018-06-01")
    response = cw.post("/api/beneficiaires/", adult_then, "application/json")
    assert response.status_code == 201, response.json()


def test_impossible_dates_are_refused_by_the_pages(cw, a, b):
    page = {
        "last_name": "Haile",
        "first_name": "Selam",
        "sex": "F",
        "protection_status": "refugee",
        "preferred_language": "fr",
        "current_territory": a["territory"].pk,
    }
    response = cw.post(
        reverse("beneficiaries:create"),
        {**page, "birth_date": "2099-01-01", "referral_date": "2099-01-01"},
    )
    html = response.content.decode()
    assert "Une date de naissance ne peut pas être dans le futur." in html
    assert "Cette date ne peut pas être dans le futur." in html
    response = cw.post(
        reverse("beneficiaries:edit", args=[b.pk]),
        {
            **page,
            "birth_date": "1994-05-17",
            "referral_date": str(timezone.localdate()),
            "protection_decision_date": "2099-01-01",
        },
    )
    assert "Cette date ne peut pas être dans le futur." in response.content.decode()
    with tenant_context(a["org"]):
        assert Beneficiary.objects.get().protection_decision_date is None


def test_assessment_and_document_dates(cw, a, b):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from beneficiaries.models import Document, LanguageAssessment

    url = f"/api/beneficiaires/{b.pk}/assessments/"
    old = {
        "assessed_on": "1999-12-31",
        "kind": "before_session",
        "assessor": "Greta",
        "oral_comprehension": "A2",
    }
    response = cw.post(url, old, "application/json")
    assert response.status_code == 400
    assert "antérieure au 01/01/2000" in _flat(response.json()["assessed_on"])
    pdf = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    upload = reverse("beneficiaries:document_upload", args=[b.pk])
    for expiry in ("2099-01-01", "1800-01-01"):
        response = cw.post(
            upload,
            {"kind": "identity", "file": SimpleUploadedFile("id.pdf", pdf), "expires_on": expiry},
        )
        assert response.status_code == 400
    in_ten_years = years_after(timezone.localdate(), 10)  # may be in the future
    response = cw.post(
        upload,
        {"kind": "identity", "file": SimpleUploadedFile("id.pdf", pdf), "expires_on": in_ten_years},
    )
    assert response.status_code == 302
    response = cw.post(
        f"/api/beneficiaires/{b.pk}/documents/",
        {"kind": "identity", "file": SimpleUploadedFile("id.pdf", pdf), "expires_on": "2099-01-01"},
    )
    assert response.status_code == 400
    assert "postérieure au" in _flat(response.json()["expires_on"])
    with tenant_context(a["org"]):
        assert not LanguageAssessment.objects.exists()
        assert list(Document.objects.values_list("expires_on", flat=True)) == [in_ten_years]
