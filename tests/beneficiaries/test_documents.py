import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from beneficiaries.models import Document
from tests.factories import beneficiary
from thrasos.accounts.models import Role
from thrasos.audit.models import AccessLog
from thrasos.tenancy import tenant_context

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\nIDATx\x9cc\x00\x01\x00\x00\x05\x00\x01\r\n-\xb4\x00\x00\x00"
    b"\x00IEND\xaeB`\x82"
)


@pytest.fixture
def a(two_tenants):
    return two_tenants["a"]


@pytest.fixture
def setup(client, a):
    client.force_login(a["members"][Role.CASEWORKER].user)
    return client, beneficiary(a["org"], a["territory"], a["members"][Role.ADMIN].user)


def upload(client, b, name, content, **extra):
    return client.post(
        reverse("beneficiaries:document_upload", args=[b.pk]),
        {"kind": "residence", "file": SimpleUploadedFile(name, content), **extra},
    )


def test_upload_then_download_through_the_authorised_view(setup, a, settings):
    client, b = setup
    response = upload(client, b, "titre de séjour.pdf", PDF, expires_on="2027-05-28")
    assert response.status_code == 302
    with tenant_context(a["org"]):
        document = Document.objects.get()
    assert (document.content_type, document.size) == ("application/pdf", len(PDF))
    assert "séjour" not in document.file.name  # no personal data in the path
    with pytest.raises(NotImplementedError):
        document.file.url  # noqa: B018 - never a public URL
    url = reverse("beneficiaries:document_download", args=[b.pk, document.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    for close in response._resource_closers:  # not close(): it ends the test db connection
        close()
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    with tenant_context(a["org"]):
        assert AccessLog.objects.filter(action="download", object_id=str(document.pk)).exists()


def test_type_is_checked_from_the_bytes_not_the_name(setup, a):
    client, b = setup
    response = upload(client, b, "cv.pdf", b"#!/bin/sh\nrm -rf /\n")
    assert response.status_code == 400
    assert "Ce type de fichier n’est pas accepté" in response.content.decode()
    response = upload(client, b, "photo.exe", PNG)
    assert response.status_code == 302
    with tenant_context(a["org"]):
        assert Document.objects.get().content_type == "image/png"


def test_too_large_is_refused(setup, a, monkeypatch):
    from beneficiaries import services

    monkeypatch.setattr(services, "DOCUMENT_MAX_BYTES", 100)
    client, b = setup
    response = upload(client, b, "gros.pdf", PDF + b" " * 200)
    assert response.status_code == 400
    assert "trop volumineux" in response.content.decode()
    with tenant_context(a["org"]):
        assert not Document.objects.exists()


def test_replacing_keeps_the_old_one_in_history(setup, a):
    client, b = setup
    upload(client, b, "v1.pdf", PDF)
    with tenant_context(a["org"]):
        first = Document.objects.get()
    assert upload(client, b, "v2.pdf", PDF, replaces=first.pk).status_code == 302
    with tenant_context(a["org"]):
        first.refresh_from_db()
        assert first.replaced_by.original_name == "v2.pdf"
        assert Document.objects.count() == 2
    page = client.get(b.get_absolute_url()).content.decode()
    assert "v2.pdf" in page and "v1.pdf" not in page


@pytest.mark.parametrize("role", [Role.VOLUNTEER, Role.MANAGER])
def test_volunteers_and_managers_cannot_download(setup, a, client_factory, role):
    client, b = setup
    upload(client, b, "v1.pdf", PDF)
    with tenant_context(a["org"]):
        document = Document.objects.get()
    other = client_factory()
    other.force_login(a["members"][role].user)
    url = reverse("beneficiaries:document_download", args=[b.pk, document.pk])
    assert other.get(url).status_code == 404


def test_another_organisation_cannot_download(setup, a, two_tenants, client_factory):
    client, b = setup
    upload(client, b, "v1.pdf", PDF)
    with tenant_context(a["org"]):
        document = Document.objects.get()
    other = client_factory()
    other.force_login(two_tenants["b"]["members"][Role.ADMIN].user)
    url = reverse("beneficiaries:document_download", args=[b.pk, document.pk])
    assert other.get(url).status_code == 404


def _download_name(client, b, document) -> str:
    response = client.get(reverse("beneficiaries:document_download", args=[b.pk, document.pk]))
    assert response.status_code == 200
    for close in response._resource_closers:  # not close(): it ends the test db connection
        close()
    return response["Content-Disposition"]


def test_the_download_takes_the_extension_of_the_type_detected_in_the_bytes(setup, a):
    client, b = setup
    assert upload(client, b, "x.html", PDF).status_code == 302
    assert upload(client, b, "photo", PNG).status_code == 302
    with tenant_context(a["org"]):
        pdf, png = Document.objects.order_by("pk")
    assert pdf.original_name == "x.html"  # kept as uploaded, in the history
    assert _download_name(client, b, pdf) == 'attachment; filename="x.pdf"'
    assert _download_name(client, b, png) == 'attachment; filename="photo.png"'


@pytest.mark.parametrize(
    ("name", "content_type", "expected"),
    [
        ("titre de séjour.pdf", "application/pdf", "titre de séjour.pdf"),
        ("scan.PDF", "application/pdf", "scan.PDF"),
        ("photo.jpeg", "image/jpeg", "photo.jpeg"),
        ("photo.exe", "image/jpeg", "photo.jpg"),
        ("archive.tar.gz", "application/pdf", "archive.tar.pdf"),
        (".pdf", "application/pdf", "document.pdf"),
        ("cv", "application/vnd.oasis.opendocument.text", "cv.odt"),
    ],
)
def test_download_name(name, content_type, expected):
    assert Document(original_name=name, content_type=content_type).download_name == expected


def test_every_accepted_type_has_an_extension():
    from beneficiaries.services import DOCUMENT_TYPES

    assert set(DOCUMENT_TYPES) == set(Document.EXTENSIONS)
