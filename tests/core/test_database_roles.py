import pytest
from django.db import connections

from thrasos.core.db import runtime_role

pytestmark = pytest.mark.django_db(databases=["default", "owner"])


def _role_attributes(alias: str) -> dict:
    with connections[alias].cursor() as cursor:
        cursor.execute(
            "SELECT rolname, rolsuper, rolbypassrls, rolcreaterole, rolcreatedb "
            "FROM pg_roles WHERE rolname = current_user"
        )
        name, superuser, bypassrls, createrole, createdb = cursor.fetchone()
    return {
        "name": name,
        "superuser": superuser,
        "bypassrls": bypassrls,
        "createrole": createrole,
        "createdb": createdb,
    }


def test_tests_run_as_the_runtime_role_which_cannot_bypass_security():
    role = runtime_role()
    if role is None:
        pytest.skip("DATABASE_URL and DATABASE_OWNER_URL use the same role on this machine")
    attributes = _role_attributes("default")
    assert attributes["name"] == role
    assert attributes == {
        "name": role,
        "superuser": False,
        "bypassrls": False,
        "createrole": False,
        "createdb": False,
    }


def test_runtime_role_owns_no_table_and_cannot_create_one():
    if runtime_role() is None:
        pytest.skip("DATABASE_URL and DATABASE_OWNER_URL use the same role on this machine")
    with connections["default"].cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_tables "
            "WHERE tableowner = current_user AND schemaname = 'public'"
        )
        assert cursor.fetchone()[0] == 0
        cursor.execute("SELECT has_schema_privilege(current_user, 'public', 'CREATE')")
        assert cursor.fetchone()[0] is False


def test_owner_role_owns_the_tables():
    with connections["owner"].cursor() as cursor:
        cursor.execute("SELECT tableowner FROM pg_tables WHERE tablename = 'accounts_user'")
        (owner,) = cursor.fetchone()
    assert owner == connections["owner"].settings_dict["USER"]


def test_jit_is_off_for_the_application_s_sessions():
    """JIT compiled the sweeps' and reports' large statements for 8-35 s on the
    scale data (they run in about 1 s without it): migration core 0002 turns
    it off for the database."""
    with connections["default"].cursor() as cursor:
        cursor.execute(
            "SELECT s.setconfig FROM pg_db_role_setting s JOIN pg_database d"
            " ON d.oid = s.setdatabase WHERE d.datname = current_database() AND s.setrole = 0"
        )
        row = cursor.fetchone()
        cursor.execute("SHOW jit")
        current = cursor.fetchone()[0]
    assert row is not None and "jit=off" in row[0]
    assert current == "off"
