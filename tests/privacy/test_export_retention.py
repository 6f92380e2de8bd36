"""Subject access export (one of each relation, nothing of another person),
retention on boundary dates with a kept-for-reason record, access-log purge
by the owner role, and roles."""

import datetime
import io
import json
import zipfile

import pytest
from django.db import DatabaseError, connection, connections
from django.urls import reverse
from django.utils import timezone

from beneficiaries.models import Beneficiary
from tests import factories
from tests.privacy.conftest import SECRETS
from thrasos.accounts.models import Role
from thrasos.audit.models import AccessLog
from thrasos.privacy import export, registry, selectors, services
from thrasos.privacy.models import RetentionHold, RetentionRun, SubjectAccessExport
from thrasos.tenancy import tenant_context


@pytest.mark.django_db
def test_export_holds_every_relation_of_the_person_and_nothing_of_another(full_person):
    person, org = full_person["person"], full_person["org"]
    with tenant_context(org):
        record = SubjectAccessExport.objects.create(
            person=person, requested_by=full_person["actor"]
        )
        export.export_build(record.pk)
        record.refresh_from_db()
        assert record.status == SubjectAccessExport.Status.READY
        with record.file.open("rb") as handle:
            archive = zipfile.ZipFile(io.BytesIO(handle.read()))
        names = archive.namelist()
        payload = json.loads(archive.read("export.json"))
        assert archive.read("export.pdf").startswith(b"%PDF")
        logged = AccessLog.objects.filter(object_id=str(person.pk), detail="subject access export")
        assert logged.count() == 1
    sections = payload["sections"]
    text = json.dumps(sections, ensure_ascii=False)
    # One of each relation built across all modules.
    for declared in registry.person_models():
        if (
            declared.exported
            and declared.person
            and declared.model._meta.label
            not in {
                "beneficiaries.BeneficiaryReferent",
                "beneficiaries.TerritoryMove",
                "placements.FollowUp",
                "privacy.RetentionHold",
                "prep_sessions.Activity",  # no individual appointment built
            }
        ):
            title = str(declared.model._meta.verbose_name_plural)
            assert sections.get(title), f"{declared.label} missing from the export"
    assert SECRETS["email"] in text
    assert "Entretien" in text and "Appel" in text  # case note, mentoring note
    assert any(n.startswith("documents/") and n.endswith(".pdf") for n in names)
    log = sections[str(export.ACCESS_LOG)]
    assert len(log) >= 2 and all(row[str(export.BY)] for row in log)
    # Nothing of the other person.
    assert "Témoin" not in text
    other_pk = str(full_person["other"].pk)
    assert all(
        not row[str(export.WHAT)].endswith(f" {other_pk}")
        for row in log
        if row[str(export.WHAT)].startswith("beneficiaries.beneficiary ")
    )


@pytest.mark.django_db
def test_retention_on_boundary_dates_and_a_record_kept_for_a_reason(two_tenants):
    a = two_tenants["a"]
    org, actor = a["org"], a["members"][Role.ADMIN].user
    inactive = factories.beneficiary(org, a["territory"], actor, last_name="Ancien")
    kept = factories.beneficiary(org, a["territory"], actor, last_name="Gardé")
    with tenant_context(org):
        last = selectors.with_last_activity(Beneficiary.objects.filter(pk=inactive.pk)).get()
        last_day = timezone.localtime(last.last_activity).date()
        boundary = last_day + selectors.INACTIVITY  # the last day it is active
        # The day before the boundary: nothing to anonymise, flagged 30 days ahead.
        assert not selectors.inactive_records(today=boundary - datetime.timedelta(days=1)).exists()
        # Inactive from the day after the boundary: flagged 30 days before it.
        first_inactive = selectors.inactive_on(last.last_activity)
        assert first_inactive == boundary + datetime.timedelta(days=1)
        soon = selectors.records_becoming_inactive(
            30, today=first_inactive - datetime.timedelta(days=30)
        )
        assert {p.pk for p in soon} >= {inactive.pk}
        earlier = selectors.records_becoming_inactive(
            30, today=first_inactive - datetime.timedelta(days=31)
        )
        assert not earlier.filter(pk=inactive.pk).exists()
        # What the case file shows.
        month_before = first_inactive - datetime.timedelta(days=30)
        assert selectors.inactive_on_soon(inactive, today=month_before) == first_inactive
        day_earlier = first_inactive - datetime.timedelta(days=31)
        assert selectors.inactive_on_soon(inactive, today=day_earlier) is None
        assert not selectors.inactive_records(today=boundary).exists()
        RetentionHold.objects.create(
            person=kept,
            reason="Contentieux en cours",
            keep_until=boundary + datetime.timedelta(days=60),
            recorded_by=actor,
        )
        # Beyond the boundary: anonymised, except the record kept for a reason.
        run = services.retention_run(today=boundary + datetime.timedelta(days=1))
        assert (run.examined, run.anonymised, run.kept) == (2, 1, 1)
        assert Beneficiary.objects.get(pk=inactive.pk).last_name == "ANONYME"
        assert Beneficiary.objects.get(pk=kept.pk).last_name == "Gardé"
        assert RetentionRun.objects.filter(kind=RetentionRun.Kind.RECORDS).count() == 1
        # The run again: nothing new (idempotent).
        again = services.retention_run(today=boundary + datetime.timedelta(days=1))
        assert (again.examined, again.anonymised, again.kept) == (1, 0, 1)


@pytest.mark.django_db
def test_the_set_based_last_activity_is_the_per_person_one(full_person):
    """The daily sweeps read every person's last activity in one grouped scan
    per model (last_activity_sql); it must give what the per-person lookups
    give, for every person, whichever model holds the latest change."""
    from beneficiaries.models import PathwayTransition

    org, person = full_person["org"], full_person["person"]
    other = full_person["other"]
    with tenant_context(org):
        # The latest change of `other` is a dated pathway move (no history
        # table), later than every history row of the test's transaction.
        later = timezone.now() + datetime.timedelta(days=3)
        PathwayTransition.objects.create(
            beneficiary=other,
            from_state=other.state,
            to_state=other.state,
            at=later,
            actor=full_person["actor"],
        )
        sql, params = selectors.last_activity_sql()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            set_based = dict(cursor.fetchall())
        per_person = dict(
            selectors.with_last_activity(Beneficiary.objects.all()).values_list(
                "id", "last_activity"
            )
        )
    assert set_based == per_person
    assert set_based[other.pk] == later
    assert set_based[person.pk] < later
    # Only this organisation's people (row-level security underneath).
    assert set(set_based) == set(per_person) and len(set_based) >= 2


@pytest.mark.django_db(transaction=True, databases=["default", "owner"])
def test_access_log_rows_older_than_12_months_are_purged_by_the_owner_only(two_tenants):
    a, b = two_tenants["a"], two_tenants["b"]
    for tenant in (a, b):
        with tenant_context(tenant["org"]), connection.cursor() as cursor:
            for months in (13, 11):
                cursor.execute(
                    "INSERT INTO audit_accesslog (organisation_id, at, action, object_type,"
                    " object_id, detail, request_id) VALUES"
                    " (%s, now() - make_interval(months => %s), 'view', 'x', '1', '', '')",
                    [tenant["org"].pk, months],
                )
    # The runtime role may not delete, even old rows.
    with (
        pytest.raises(DatabaseError),
        tenant_context(a["org"]),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM audit_accesslog")
    with tenant_context(a["org"]):
        run = services.access_log_purge(a["org"].pk)
        assert run.deleted == 1
        assert AccessLog.objects.count() == 1
    with tenant_context(b["org"]):
        assert AccessLog.objects.count() == 2  # another organisation: untouched
    connections["owner"].close()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "export_status", "anonymise_status"),
    [
        (Role.ADMIN, 302, 200),
        (Role.COORDINATOR, 302, 404),
        (Role.CASEWORKER, 404, 404),
        (Role.VOLUNTEER, 404, 404),
        (Role.MANAGER, 404, 404),
    ],
)
def test_only_admins_anonymise_and_admins_and_coordinators_export(
    client, two_tenants, role, export_status, anonymise_status
):
    from tests.route_cases import log_in

    a = two_tenants["a"]
    person = factories.beneficiary(a["org"], a["territory"], a["members"][Role.ADMIN].user)
    log_in(client, a["members"][role].user)
    response = client.post(reverse("privacy:export_request", args=[person.pk]))
    assert response.status_code == export_status
    assert client.get(reverse("privacy:anonymise", args=[person.pk])).status_code == (
        anonymise_status
    )
    response = client.post(
        reverse("privacy:anonymise", args=[person.pk]),
        {"kind": "decision", "reason": "Test", "confirm_name": "Autre"},
    )
    assert response.status_code == (400 if role == Role.ADMIN else 404)
    if role == Role.ADMIN:
        assert "nothing was anonymised" in response.content.decode() or response.context
    with tenant_context(a["org"]):
        assert Beneficiary.objects.get(pk=person.pk).last_name == "Ngoué"


@pytest.mark.django_db
def test_the_daily_sweep_runs_retention_once_per_organisation(two_tenants, monkeypatch):
    from thrasos.privacy import tasks

    sent = []
    monkeypatch.setattr(
        tasks.retention_run_organisation, "delay", lambda **kwargs: sent.append(kwargs)
    )
    assert tasks.retention_sweep() == 2
    assert sorted(k["organisation_id"] for k in sent) == sorted(
        t["org"].pk for t in two_tenants.values()
    )
    # The per-organisation task runs inside its tenant and reports a run.
    a = two_tenants["a"]
    run_id = tasks.retention_run_organisation(organisation_id=a["org"].pk)
    with tenant_context(a["org"]):
        assert RetentionRun.objects.get(pk=run_id).kind == RetentionRun.Kind.RECORDS
    with tenant_context(two_tenants["b"]["org"]):
        assert not RetentionRun.objects.filter(pk=run_id).exists()
