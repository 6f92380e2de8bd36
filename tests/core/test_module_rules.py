"""Rules every model of the project follows, checked so that a new module
cannot forget them: tenant-owned with a scoped manager, and its changes
recorded, unless a named reason says otherwise."""

import pghistory.models
import pytest
from django.apps import apps
from django.db import connection
from django_scopes import ScopeError

from thrasos.tenancy import TenantModel

PROJECT_APPS = ("thrasos", "beneficiaries", "sessions", "placements", "housing", "mentoring")

# Models that are not tenant data, and why.
PLATFORM_MODELS = {
    "accounts.User": "a person may be a member of several organisations",
    "accounts.Organisation": "the tenant itself",
    "core.ServiceHeartbeat": "the worker's sign of life, no organisation data",
}

# Tenant models whose changes are not recorded by change history, and why.
NOT_TRACKED = {
    "audit.AccessLog": "the access log is itself an append-only record",
    "beneficiaries.PathwayTransition": "append-only: each row is a dated event of the pathway",
    "beneficiaries.TerritoryMove": "append-only: each row is a dated territory move",
    "privacy.Anonymisation": "itself the record of an anonymisation (who, when, why, what)",
    "privacy.HistoryScrub": "written only by the database function privacy_scrub_history",
    "privacy.RetentionRun": "the report of one periodic task run",
    "privacy.SubjectAccessExport": "a generated file; its generation and downloads are logged",
    "notifications.Notification": "computed reminders, re-creatable; read state is not history",
    "notifications.Delivery": "the e-mail outbox: its own status and attempts are the record",
    "reports.ReportFile": "a generated PDF's bytes; its request (ReportRequest) is tracked",
}


def _project_models():
    return [
        model
        for model in apps.get_models()
        if model.__module__.startswith(PROJECT_APPS)
        and not issubclass(model, pghistory.models.Event)
    ]


def _tracked() -> set[str]:
    return {
        model.pgh_tracked_model._meta.label
        for model in apps.get_models()
        if issubclass(model, pghistory.models.Event) and not model._meta.proxy
    }


def test_every_model_is_a_tenant_model_with_a_scoped_manager_or_named():
    models = _project_models()
    assert len(models) > 20
    unnamed = []
    for model in models:
        label = model._meta.label
        if label in PLATFORM_MODELS:
            continue
        if not issubclass(model, TenantModel):
            unnamed.append(label)
            continue
        with pytest.raises(ScopeError):  # outside a tenant, the manager refuses
            list(model.objects.all())
    assert unnamed == [], "derive from TenantModel, or name the reason in PLATFORM_MODELS"
    assert set(PLATFORM_MODELS) <= {m._meta.label for m in models}


def test_every_tenant_model_records_its_changes_or_says_why_not():
    tracked = _tracked()
    tenant_models = {m._meta.label for m in _project_models() if issubclass(m, TenantModel)}
    untracked = sorted(tenant_models - tracked - set(NOT_TRACKED))
    assert untracked == [], "decorate with @track_changes, or name the reason in NOT_TRACKED"
    assert set(NOT_TRACKED) <= tenant_models - tracked, "a model in NOT_TRACKED is tracked"


@pytest.mark.django_db
def test_every_tenant_model_table_is_protected_by_row_level_security():
    tables = {m._meta.db_table for m in _project_models() if issubclass(m, TenantModel)}
    tables |= {
        m._meta.db_table
        for m in apps.get_models()
        if issubclass(m, pghistory.models.Event) and not m._meta.proxy
    }
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
            WHERE c.relkind = 'r' AND c.relrowsecurity AND c.relforcerowsecurity
              AND EXISTS (SELECT 1 FROM pg_policy p
                          WHERE p.polrelid = c.oid AND p.polname = 'tenant_isolation')
            """
        )
        protected = {name for (name,) in cursor.fetchall()}
    assert sorted(tables - protected) == []


@pytest.mark.django_db
def test_bulk_create_gives_rows_the_organisation_of_the_tenant(two_tenants):
    from thrasos.accounts.models import Territory
    from thrasos.tenancy import tenant_context

    a = two_tenants["a"]
    with tenant_context(a["org"]):
        created = Territory.objects.bulk_create([Territory(name="Nord", region="32")])
        assert created[0].organisation_id == a["org"].pk
        assert Territory.objects.filter(name="Nord").count() == 1
    with pytest.raises(LookupError):  # outside a tenant: no organisation to give
        Territory.objects.with_scopes_disabled().bulk_create([Territory(name="Sud")])
