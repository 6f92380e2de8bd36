"""The reports' API: indicators as JSON (masked), report requests and their
state; the same refusals as the pages."""

import pytest

from thrasos.accounts.models import Role
from thrasos.reports.models import ReportRequest
from thrasos.tenancy import tenant_context

from . import dataset

pytestmark = pytest.mark.django_db


def test_indicators_as_json_masked_for_a_scope_and_a_period(client, two_tenants):
    data = dataset.build(two_tenants)
    client.force_login(two_tenants["a"]["members"][Role.MANAGER].user)
    response = client.get(
        "/api/indicateurs/",
        {"start": "2026-01-01", "end": "2026-06-30", "scope": f"territory:{data['t1'].pk}"},
    )
    assert response.status_code == 200
    body = response.json()
    values = {i["code"]: i["value"] for i in body["indicators"]}
    assert body["scope_label"] == "Territoire A" and body["start"] == "2026-01-01"
    assert values["people_followed"] == 7
    assert values["exits"] == "< 5" and values["positive_exit_rate"] == "< 5"
    assert values["occupancy_rate"] == 61.0
    assert values["mentoring_notes"] == 2
    names = {i["code"]: i["name"] for i in body["indicators"]}
    assert names["people_followed"] == "Personnes accompagnées"


def test_bad_input_is_a_400_in_french(client, two_tenants):
    client.force_login(two_tenants["a"]["members"][Role.COORDINATOR].user)
    response = client.get("/api/indicateurs/", {"start": "2026-06-30", "end": "2026-01-01"})
    assert response.status_code == 400
    assert response.json()["end"] == ["La fin de la période est avant son début."]
    assert client.get("/api/indicateurs/", {"scope": "region:3"}).status_code == 400
    other = two_tenants["b"]["territory"].pk
    response = client.get("/api/indicateurs/", {"scope": f"territory:{other}"})
    assert response.status_code == 400  # another organisation's territory is no choice


def test_asking_for_a_report_and_reading_its_state(
    client, two_tenants, monkeypatch, django_capture_on_commit_callbacks
):
    from thrasos.reports import tasks

    sent = []
    monkeypatch.setattr(tasks.report_generate, "delay_on_commit", lambda *a, **k: sent.append(a))
    a = two_tenants["a"]
    client.force_login(a["members"][Role.MANAGER].user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/rapports/",
            {"start": "2026-01-01", "end": "2026-06-30", "scope": "organisation"},
            content_type="application/json",
        )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "queued" and body["download_url"] is None
    assert body["scope_label"] == "Toute l’organisation"
    assert sent == [(body["id"],)]
    assert client.get(f"/api/rapports/{body['id']}/").json()["status"] == "queued"
    assert [r["id"] for r in client.get("/api/rapports/").json()["results"]] == [body["id"]]
    for role in (Role.CASEWORKER, Role.VOLUNTEER):
        client.force_login(a["members"][role].user)
        assert client.get("/api/rapports/").status_code == 403
        assert client.get(f"/api/rapports/{body['id']}/").status_code == 404
        assert client.get("/api/indicateurs/").status_code == 403
    client.force_login(two_tenants["b"]["members"][Role.ADMIN].user)
    assert client.get(f"/api/rapports/{body['id']}/").status_code == 404
    with tenant_context(a["org"]):
        assert ReportRequest.objects.count() == 1
