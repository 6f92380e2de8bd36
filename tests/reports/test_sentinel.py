"""Managers see no individual record anywhere: strings planted in every
personal field of organisation A appear in no page, export, API answer or
PDF reachable by the manager role."""

import io
import zipfile

import pytest
from django.urls import reverse
from pypdf import PdfReader

from tests.test_route_matrix import all_routes, classify, example_url
from thrasos.accounts.models import Role
from thrasos.reports import tasks
from thrasos.reports.services import report_request_create
from thrasos.tenancy import tenant_context

from . import dataset

pytestmark = pytest.mark.django_db
SENTINEL = "ZQXSENT"


def _plant(data, actor):
    from beneficiaries.models import Beneficiary, CaseNote
    from housing.models import Occupancy
    from mentoring.models import MentoringNote
    from placements.models import AlternanceContract, FollowUp
    from sessions.models import Enrolment

    with tenant_context(data["org"]):
        for b in Beneficiary.objects.all():
            tag = f"{SENTINEL}{b.pk}"
            Beneficiary.objects.filter(pk=b.pk).update(
                last_name=f"{tag}Nom", first_name=f"{tag}Prenom", usual_name=f"{tag}Usage",
                phone=f"+33{tag}", email=f"{tag.lower()}@example.org", address=f"{tag} rue",
                france_travail_id=f"{tag}FT", protection_reference=f"{tag}OFPRA",
                residence_document_number=f"{tag}TS", referrer_contact=f"{tag}Orienteur",
                referral_reason=f"{tag}Motif",
            )  # fmt: skip
            CaseNote.objects.create(beneficiary=b, author=actor, body=f"{tag}Note")
        MentoringNote.objects.update(summary=f"{SENTINEL}Resume")
        MentoringNote.objects.exclude(alert_urgency="").update(alert_reason=f"{SENTINEL}Alerte")
        AlternanceContract.objects.update(tutor_name=f"{SENTINEL}Tuteur",
                                          break_reason=f"{SENTINEL}Rupture")  # fmt: skip
        Occupancy.objects.update(comment=f"{SENTINEL}Sejour")
        Enrolment.objects.update(comment=f"{SENTINEL}Inscription")
        FollowUp.objects.update(comment=f"{SENTINEL}Suivi")


def _xlsx_text(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return "".join(archive.read(n).decode() for n in archive.namelist() if n.endswith(".xml"))


def test_no_planted_personal_string_reaches_the_manager(
    client, two_tenants, monkeypatch, django_capture_on_commit_callbacks
):
    a = two_tenants["a"]
    data = dataset.build(two_tenants)
    _plant(data, a["members"][Role.ADMIN].user)
    manager = a["members"][Role.MANAGER]
    client.force_login(manager.user)
    seen = []

    def check(url, response, text=None):
        body = text if text is not None else response.content.decode(errors="replace")
        assert response.status_code < 500, url
        assert SENTINEL not in body and SENTINEL.lower() not in body, url
        seen.append((url, response.status_code))

    # Every route, as the matrix walks it (object routes with placeholder ids).
    for name, path in all_routes():
        if classify(name, path) in {"tenant", "account"}:
            url = example_url(path)
            check(url, client.get(url))
    # What a manager reaches with real parameters: every scope, every export.
    scopes = ["organisation", f"territory:{data['t1'].pk}", f"territory:{data['t2'].pk}",
              f"session:{data['s1'].pk}"]  # fmt: skip
    for scope in scopes:
        params = {"start": "2026-01-01", "end": "2026-06-30", "scope": scope}
        for url in (reverse("home"), reverse("reports:indicators"), "/api/indicateurs/",
                    reverse("reports:export", kwargs={"kind": "csv"})):  # fmt: skip
            response = client.get(url, params)
            assert response.status_code == 200, url
            check(url, response)
        url = reverse("reports:export", kwargs={"kind": "xlsx"})
        response = client.get(url, params)
        check(url, response, _xlsx_text(response.content))
    # A generated report: the page, the API and the PDF's text.
    sent = []
    for task in (tasks.report_generate, tasks.report_compute, tasks.report_render):
        monkeypatch.setattr(task, "delay_on_commit",
                            lambda *args, _t=task, **kw: sent.append((_t, args, kw)))  # fmt: skip
    with tenant_context(data["org"]), django_capture_on_commit_callbacks(execute=True):
        report = report_request_create(
            actor=manager.user, organisation_id=data["org"].pk, scope_kind="session",
            scope_id=data["s1"].pk, scope_label="Session 2026-1", period=dataset.PERIOD,
            today=dataset.TODAY,
        )  # fmt: skip
    while sent:
        task, args, kwargs = sent.pop(0)
        task.apply(args=args, kwargs=kwargs, throw=True)
    for url in (reverse("reports:index"), reverse("reports:status", kwargs={"pk": report.pk}),
                "/api/rapports/", f"/api/rapports/{report.pk}/"):  # fmt: skip
        response = client.get(url)
        assert response.status_code == 200, url
        check(url, response)
    url = reverse("reports:download", kwargs={"pk": report.pk})
    response = client.get(url)
    assert response.status_code == 200
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "Rapport d’activité" in text
    check(url, response, text)
    assert len(seen) > 100
