"""XLSX next to every CSV export: readable fields only, formulas neutralised,
an access-log row; the aggregates as CSV and XLSX for managers."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from thrasos.accounts.models import Role
from thrasos.audit.models import AccessLog
from thrasos.tenancy import tenant_context

from . import dataset

pytestmark = pytest.mark.django_db

INJECTION = '=HYPERLINK("http://example.org/x","clic")'


def _cells(content: bytes) -> list[list]:
    workbook = load_workbook(io.BytesIO(content))
    return [[c for c in row] for sheet in workbook for row in sheet.iter_rows(values_only=True)]


def test_case_files_as_xlsx_with_formulas_neutralised_and_logged(client, two_tenants):
    from tests import factories

    a = two_tenants["a"]
    person = factories.beneficiary(a["org"], a["territory"], a["members"][Role.ADMIN].user,
                                   last_name=INJECTION, first_name="+33 6 12")  # fmt: skip
    client.force_login(a["members"][Role.CASEWORKER].user)
    response = client.get(reverse("beneficiaries:export_xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = _cells(response.content)
    assert rows[0][0] == "Nom"
    assert rows[1][:2] == ["'" + INJECTION, "'+33 6 12"]
    workbook = load_workbook(io.BytesIO(response.content))
    assert all(c.data_type == "s" for row in workbook.active.iter_rows() for c in row if c.value)
    csv_response = client.get(reverse("beneficiaries:export"))
    assert csv_response.content.decode("utf-8-sig").splitlines()[0].split(";") == list(rows[0])
    with tenant_context(a["org"]):
        logs = list(AccessLog.objects.filter(object_id=str(person.pk), action="export"))
    assert [log.detail.split()[0] for log in logs] == ["csv", "xlsx"] or sorted(
        log.detail.split()[0] for log in logs
    ) == ["csv", "xlsx"]


def test_contracts_as_xlsx_for_case_file_roles_only(client, two_tenants):
    from tests.placements import factories as placements

    a = two_tenants["a"]
    placements.world(a["org"], a["territory"], a["members"][Role.ADMIN].user, tag="X")
    client.force_login(a["members"][Role.COORDINATOR].user)
    response = client.get(reverse("placements:contracts_export_xlsx"))
    assert response.status_code == 200
    rows = _cells(response.content)
    assert len(rows) == 4  # header and the three contracts of the world
    with tenant_context(a["org"]):
        logged = AccessLog.objects.filter(action="export", detail__startswith="contracts xlsx")
        assert logged.count() == 3
    for role in (Role.MANAGER, Role.VOLUNTEER):
        client.force_login(a["members"][role].user)
        assert client.get(reverse("placements:contracts_export_xlsx")).status_code == 403
        assert client.get(reverse("beneficiaries:export_xlsx")).status_code == 403


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_managers_export_the_masked_aggregates(client, two_tenants, kind):
    data = dataset.build(two_tenants)
    a = two_tenants["a"]
    client.force_login(a["members"][Role.MANAGER].user)
    params = {"start": "2026-01-01", "end": "2026-06-30", "scope": "organisation"}
    response = client.get(reverse("reports:export", kwargs={"kind": kind}), params)
    assert response.status_code == 200
    if kind == "csv":
        text = response.content.decode("utf-8-sig")
    else:
        text = "\n".join(
            ";".join(str(c) for c in row if c is not None) for row in _cells(response.content)
        )
    assert "Personnes accompagnées;8" in text
    assert "Contrats signés;< 5" in text
    assert "Test P1" not in text and "P1;" not in text
    with tenant_context(data["org"]):
        log = AccessLog.objects.get(action="export", object_type="accounts.organisation")
    assert log.detail.startswith(f"aggregates {kind}")
    client.force_login(a["members"][Role.CASEWORKER].user)
    assert client.get(reverse("reports:export", kwargs={"kind": kind}), params).status_code == 403
    client.force_login(a["members"][Role.MANAGER].user)
    assert client.get(reverse("reports:export", kwargs={"kind": "pdf"}), params).status_code == 404
