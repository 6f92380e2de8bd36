"""The printable case-file summary (issue 17, item 13): a PDF of what the
case file shows this member, without forms, history or document contents;
the latest notes only, restricted ones only for whom may read them; the
case file's gates; a row in the access log."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from beneficiaries import services
from beneficiaries.models import Document
from beneficiaries.services import TransitionRequest
from tests.factories import beneficiary, member, territory
from thrasos.accounts.models import Role
from thrasos.audit.models import AccessAction, AccessLog
from thrasos.tenancy import tenant_context

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SECRET_CONTENT = "CONTENU-SECRET-DU-FICHIER"


@pytest.fixture
def a(two_tenants):
    return two_tenants["a"]


@pytest.fixture
def person(a):
    """A candidate with an assessment, a document, seven notes (one
    restricted, by the coordinator)."""
    coordinator = a["members"][Role.COORDINATOR].user
    caseworker = a["members"][Role.CASEWORKER].user
    b = beneficiary(
        a["org"], a["territory"], coordinator, last_name="Abdel-Rahman", first_name="Yasmine"
    )
    with tenant_context(a["org"]):
        services.beneficiary_transition(
            actor=coordinator, beneficiary=b, request=TransitionRequest(to_state="candidate")
        )
        services.language_assessment_add(
            actor=caseworker,
            beneficiary=b,
            data={
                "assessed_on": datetime.date(2026, 11, 3),
                "kind": "before_session",
                "assessor": "GRETA Gironde",
                "oral_comprehension": "B1",
            },
        )
        services.document_add(
            actor=caseworker,
            beneficiary=b,
            kind=Document.Kind.CV,
            uploaded=SimpleUploadedFile(
                "cv-yasmine.pdf", PDF + SECRET_CONTENT.encode(), content_type="application/pdf"
            ),
            expires_on=datetime.date(2027, 6, 30),
        )
        for i in range(1, 7):
            services.case_note_add(
                actor=caseworker, beneficiary=b, body=f"Note numéro {i}.", confidentiality="team"
            )
        services.case_note_add(
            actor=coordinator,
            beneficiary=b,
            body="Note réservée de la coordination.",
            confidentiality="restricted",
        )
    return b


def _text(response) -> str:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    reader = PdfReader(io.BytesIO(response.content))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def test_the_summary_of_a_case_file(client, a, person):
    caseworker = a["members"][Role.CASEWORKER].user
    client.force_login(caseworker)
    response = client.get(reverse("beneficiaries:summary_pdf", args=[person.pk]))
    text = _text(response)
    assert "Fiche de synthèse du dossier" in text
    assert "ABDEL-RAHMAN Yasmine" in text
    assert "née le 17/05/1994" in text or "né le 17/05/1994" in text or "17/05/1994" in text
    assert "Territoire A" in text
    assert "Réfugié" in text  # protection status, readable by a caseworker
    # Pathway: the stage and what comes next.
    assert "Étape 2 sur" in text and "Candidat·e" in text and "Admis·e" in text
    # Checklist, French level, documents by name and expiry, not contents.
    assert "0 sur 8" in text and "À vérifier" in text
    assert "GRETA Gironde" in text and "B1" in text
    assert "cv-yasmine.pdf" in text and "30/06/2027" in text
    assert SECRET_CONTENT not in text
    # The five latest notes the caseworker may read, newest first; not the
    # coordinator's restricted note; the older ones counted.
    for i in (2, 3, 4, 5, 6):
        assert f"Note numéro {i}." in text
    assert "Note numéro 1." not in text
    assert "Note réservée" not in text
    assert "1 note plus ancienne dans le dossier" in text
    assert text.index("Note numéro 6.") < text.index("Note numéro 2.")
    # No form, no button of the page.
    assert "Ajouter la note" not in text and "Enregistrer" not in text
    assert "Données personnelles : ne pas diffuser" in text or "ne pas diffuser" in text
    with tenant_context(a["org"]):
        log = AccessLog.objects.get(action=AccessAction.PRINT)
    assert (log.user, log.object_type, log.object_id, log.detail) == (
        caseworker,
        "beneficiaries.beneficiary",
        str(person.pk),
        "summary",
    )


def test_a_coordinator_sees_the_restricted_note(client, a, person):
    client.force_login(a["members"][Role.COORDINATOR].user)
    text = _text(client.get(reverse("beneficiaries:summary_pdf", args=[person.pk])))
    assert "Note réservée de la coordination." in text
    assert "2 notes plus anciennes dans le dossier" in text


def test_the_case_file_links_to_its_summary(client, a, person):
    client.force_login(a["members"][Role.CASEWORKER].user)
    page = client.get(reverse("beneficiaries:detail", args=[person.pk])).content.decode()
    assert reverse("beneficiaries:summary_pdf", args=[person.pk]) in page
    assert "Fiche de synthèse (PDF)" in page


def test_the_summary_has_the_case_file_s_gates(client, two_tenants, a, person):
    url = reverse("beneficiaries:summary_pdf", args=[person.pk])
    elsewhere = member(
        a["org"], Role.CASEWORKER, territories=[territory(a["org"], "Territoire Z")]
    ).user
    for user in (
        a["members"][Role.VOLUNTEER].user,
        a["members"][Role.MANAGER].user,
        elsewhere,  # a caseworker of another territory
        two_tenants["b"]["members"][Role.CASEWORKER].user,
        two_tenants["b"]["members"][Role.ADMIN].user,
    ):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 404, user
        assert response["Content-Type"] != "application/pdf"
    with tenant_context(a["org"]):
        assert not AccessLog.objects.filter(action=AccessAction.PRINT).exists()
