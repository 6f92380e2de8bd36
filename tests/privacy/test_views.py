"""Pages of the privacy app: the happy path, bad input (a clear French error,
nothing saved), another organisation's person (404)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from beneficiaries.models import Beneficiary
from tests import factories
from tests.route_cases import log_in
from thrasos.accounts.models import Role
from thrasos.audit.models import AccessAction, AccessLog
from thrasos.privacy import tasks
from thrasos.privacy.models import InformationNotice, RetentionHold, SubjectAccessExport
from thrasos.tenancy import tenant_context


@pytest.fixture
def people(two_tenants):
    a, b = two_tenants["a"], two_tenants["b"]
    return {
        "a": factories.beneficiary(a["org"], a["territory"], a["members"][Role.ADMIN].user),
        "b": factories.beneficiary(b["org"], b["territory"], b["members"][Role.ADMIN].user),
    }


@pytest.mark.django_db
def test_a_caseworker_records_the_information_notice_shown_on_the_case_file(
    client, two_tenants, people
):
    a = two_tenants["a"]
    log_in(client, a["members"][Role.CASEWORKER].user)
    detail = reverse("beneficiaries:detail", args=[people["a"].pk])
    assert "La notice d’information n’a pas encore été remise." in client.get(detail).text
    url = reverse("privacy:notice_add", args=[people["a"].pk])
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(url, {"received_on": tomorrow.isoformat(), "language": "ar"})
    assert response.status_code == 400
    assert "errorlist" in response.text
    with tenant_context(a["org"]):
        assert not InformationNotice.objects.exists()
    response = client.post(url, {"received_on": "2026-01-05", "language": "ar"})
    assert response.status_code == 302
    page = client.get(detail).text
    assert "Notice d’information reçue le 05/01/2026, en Arabe" in page
    with tenant_context(a["org"]):
        notice = InformationNotice.objects.get()
        assert notice.given_by == a["members"][Role.CASEWORKER].user
    # Another organisation's person: 404, nothing saved.
    response = client.post(
        reverse("privacy:notice_add", args=[people["b"].pk]),
        {"received_on": "2026-01-05", "language": "fr"},
    )
    assert response.status_code == 404


@pytest.mark.django_db
def test_a_reason_to_keep_needs_a_future_date(client, two_tenants, people):
    a = two_tenants["a"]
    log_in(client, a["members"][Role.COORDINATOR].user)
    url = reverse("privacy:hold_add", args=[people["a"].pk])
    past = timezone.localdate() - datetime.timedelta(days=1)
    response = client.post(url, {"reason": "Contentieux", "keep_until": past.isoformat()})
    assert response.status_code == 400
    assert "La nouvelle date doit être dans le futur." in response.text
    later = timezone.localdate() + datetime.timedelta(days=100)
    assert (
        client.post(url, {"reason": "Contentieux", "keep_until": later.isoformat()}).status_code
        == 302
    )
    with tenant_context(a["org"]):
        assert RetentionHold.objects.get().keep_until == later


@pytest.mark.django_db
def test_the_export_is_built_by_its_task_downloaded_and_logged(
    client, two_tenants, people, django_capture_on_commit_callbacks
):
    a = two_tenants["a"]
    log_in(client, a["members"][Role.COORDINATOR].user)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(reverse("privacy:export_request", args=[people["a"].pk]))
    assert response.status_code == 302
    assert len(callbacks) == 1  # the task, sent once the request commits
    with tenant_context(a["org"]):
        export = SubjectAccessExport.objects.get()
    tasks.export_build(export.pk, organisation_id=a["org"].pk)
    page = client.get(reverse("privacy:person", args=[people["a"].pk])).text
    download = reverse("privacy:export_download", args=[people["a"].pk, export.pk])
    assert download in page
    response = client.get(download)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert b"".join(response.streaming_content).startswith(b"PK")
    with tenant_context(a["org"]):
        assert (
            AccessLog.objects.filter(
                action=AccessAction.EXPORT, object_id=str(people["a"].pk)
            ).count()
            == 2
        )  # built, then downloaded
    # Another organisation's export route: 404.
    response = client.get(reverse("privacy:export_download", args=[people["b"].pk, export.pk]))
    assert response.status_code == 404


@pytest.mark.django_db
def test_an_admin_anonymises_after_typing_the_name(client, two_tenants, people):
    a = two_tenants["a"]
    log_in(client, a["members"][Role.ADMIN].user)
    url = reverse("privacy:anonymise", args=[people["a"].pk])
    assert "Anonymiser NGOUÉ Hélène" in client.get(url).text
    response = client.post(
        url, {"kind": "erasure_request", "reason": "Courrier", "confirm_name": "ngoué"}
    )
    assert response.status_code == 400
    assert "Indiquez la date de la demande de la personne." in response.text
    response = client.post(
        url,
        {
            "kind": "erasure_request",
            "reason": "Courrier",
            "confirm_name": "ngoué",
            "requested_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    with tenant_context(a["org"]):
        assert Beneficiary.objects.get(pk=people["a"].pk).last_name == "ANONYME"
    assert client.get(url).status_code == 404  # done once


@pytest.mark.django_db
def test_register_and_retention_pages_in_constant_queries(
    client, two_tenants, people, django_assert_max_num_queries
):
    a = two_tenants["a"]
    log_in(client, a["members"][Role.ADMIN].user)
    page = client.get(reverse("privacy:register")).text
    assert "Numéro du titre de séjour" in page or "residence" in page.lower()
    assert "Droit au séjour et au travail" in page
    for _ in range(3):
        factories.beneficiary(a["org"], a["territory"], a["members"][Role.ADMIN].user)
    with django_assert_max_num_queries(15):
        assert client.get(reverse("privacy:retention")).status_code == 200
