"""The database is the wall: row-level security, roles, composite keys."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.utils import ProgrammingError
from django_scopes import ScopeError

from thrasos.accounts.models import Membership, MembershipTerritory, Role, Territory
from thrasos.core.rls import history_tables
from thrasos.tenancy import current_organisation_id, platform_context, tenant_context

pytestmark = pytest.mark.django_db


def test_every_tenant_table_has_rls_enabled_forced_and_a_policy():
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,
                   EXISTS (SELECT 1 FROM pg_policy p
                           WHERE p.polrelid = c.oid AND p.polname = 'tenant_isolation')
            FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'organisation_id'
            WHERE c.relkind = 'r'
            """
        )
        rows = cursor.fetchall()
    tables = {name for name, *_ in rows}
    # The tenant tables known today; new ones join automatically.
    assert {
        "accounts_territory",
        "accounts_membership",
        "accounts_membershipterritory",
        "accounts_invitation",
        "audit_accesslog",
    } <= tables
    assert set(history_tables()) <= tables, "history tables must carry the tenant"
    not_protected = [
        name for name, enabled, forced, policy in rows if not (enabled and forced and policy)
    ]
    assert not_protected == []


def test_outside_a_tenant_the_manager_raises_and_the_database_shows_nothing(two_tenants):
    with pytest.raises(ScopeError):
        list(Territory.objects.all())
    with platform_context():  # no scope check: only RLS is left
        assert Territory.objects.count() == 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM accounts_territory")
        assert cursor.fetchone()[0] == 0


def test_a_tenant_sees_only_its_rows_even_without_the_scope_filter(two_tenants):
    a, b = two_tenants["a"], two_tenants["b"]
    with tenant_context(a["org"]):
        assert list(Territory.objects.all()) == [a["territory"]]
        with platform_context():
            assert list(Territory.objects.all()) == [a["territory"]]
            assert not Territory.objects.filter(pk=b["territory"].pk).exists()
        with connection.cursor() as cursor:
            cursor.execute("SELECT id FROM accounts_territory")
            assert [row[0] for row in cursor.fetchall()] == [a["territory"].pk]
            cursor.execute(
                "UPDATE accounts_territory SET name = 'x' WHERE id = %s", [b["territory"].pk]
            )
            assert cursor.rowcount == 0


def test_insert_for_another_tenant_is_refused_by_the_database(two_tenants):
    a, b = two_tenants["a"], two_tenants["b"]
    refused = pytest.raises(ProgrammingError, match="row-level security")
    with tenant_context(a["org"]), refused, transaction.atomic():
        Territory.objects.create(
            organisation=b["org"], name="Intrus", region="75", departement="33"
        )


def test_insert_without_tenant_is_refused_by_the_database(two_tenants):
    refused = pytest.raises(ProgrammingError, match="row-level security")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO accounts_territory (organisation_id, name, region, departement, "
            "is_active) VALUES (%s, 'x', '75', '33', true)",
            [two_tenants["a"]["org"].pk],
        )


def test_cross_tenant_reference_is_refused_by_a_composite_key(two_tenants):
    a, b = two_tenants["a"], two_tenants["b"]
    membership = a["members"][Role.CASEWORKER]
    with tenant_context(a["org"]), pytest.raises(IntegrityError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        MembershipTerritory.objects.create(membership=membership, territory_id=b["territory"].pk)


def test_nested_tenant_contexts_restore_the_outer_one(two_tenants):
    a, b = two_tenants["a"], two_tenants["b"]
    with tenant_context(a["org"]):
        with tenant_context(b["org"]):
            assert current_organisation_id() == b["org"].pk
            assert list(Territory.objects.all()) == [b["territory"]]
        assert current_organisation_id() == a["org"].pk
        assert list(Territory.objects.all()) == [a["territory"]]
    assert current_organisation_id() is None


def test_a_user_reads_only_their_own_memberships_before_choosing_a_tenant(two_tenants):
    from thrasos.tenancy import user_context

    user = two_tenants["a"]["members"][Role.ADMIN].user
    with user_context(user.pk), platform_context():
        assert [m.user_id for m in Membership.objects.all()] == [user.pk]


def _territory_events():
    from django.apps import apps

    return apps.get_model("accounts", "TerritoryEvent").objects


def test_history_records_changes_with_actor_and_request_even_bulk_updates(two_tenants):
    import pghistory

    a = two_tenants["a"]
    actor = a["members"][Role.ADMIN].user
    with pghistory.context(user=actor.pk, request_id="req-123"), tenant_context(a["org"]):
        Territory.objects.filter(pk=a["territory"].pk).update(name="Renommé en masse")
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE accounts_territory SET name = 'Renommé en SQL' WHERE id = %s",
                [a["territory"].pk],
            )
        events = list(
            _territory_events()
            .filter(pgh_obj_id=a["territory"].pk, pgh_label="update")
            .order_by("pgh_id")
        )
    assert [e.name for e in events] == ["Renommé en masse", "Renommé en SQL"]
    assert all(e.organisation_id == a["org"].pk for e in events)
    assert all(e.pgh_context["user"] == actor.pk for e in events)
    assert all(e.pgh_context["request_id"] == "req-123" for e in events)


def test_history_of_one_tenant_is_invisible_to_another(two_tenants):
    a, b = two_tenants["a"], two_tenants["b"]
    with tenant_context(b["org"]):
        assert not _territory_events().filter(pgh_obj_id=a["territory"].pk).exists()
        assert _territory_events().filter(pgh_obj_id=b["territory"].pk).exists()


def test_runtime_role_cannot_rewrite_history(two_tenants):
    table = _territory_events().model._meta.db_table
    refused = pytest.raises(ProgrammingError, match="permission denied")
    tenant = tenant_context(two_tenants["a"]["org"])
    with tenant, refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f'UPDATE "{table}" SET name = name')  # noqa: S608
