"""Database roles. The runtime role (DATABASES["default"]) reads and writes
rows; the owner role (DATABASES["owner"]) owns every table and runs
migrations. See README, "Database roles"."""

from django.conf import settings
from psycopg import sql


def runtime_role() -> str | None:
    """The runtime role's name, or None when one role does both jobs."""
    runtime = settings.DATABASE_RUNTIME_ROLE
    owner = settings.DATABASES["owner"].get("USER")
    if not runtime or runtime == owner:
        return None
    return runtime


def grant_runtime_privileges(cursor, role: str) -> None:
    """Rights of the runtime role on the current database: rows only, no DDL.

    Default privileges cover the tables that later migrations create (they are
    created by the same owner role). No TRUNCATE: it bypasses row-level
    security (the test suite grants it in its own database, for flushing)."""
    table_rights = "SELECT, INSERT, UPDATE, DELETE"
    role_id = sql.Identifier(role)
    statements = [
        "GRANT USAGE ON SCHEMA public TO {role}",
        f"GRANT {table_rights} ON ALL TABLES IN SCHEMA public TO {{role}}",
        "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT {table_rights} ON TABLES TO {{role}}",
        "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {role}",
    ]
    for statement in statements:
        cursor.execute(sql.SQL(statement).format(role=role_id))


# SQLSTATEs of a transaction PostgreSQL gave up to let a concurrent one go
# on: two requests inserting rows that an exclusion constraint compares can
# each wait for the other (deadlock detected), or lose a serializable race.
LOCK_CONFLICTS = {"40P01", "40001"}


def is_lock_conflict(error: Exception) -> bool:
    """A DatabaseError that says "try again" rather than "this row is wrong"."""
    return getattr(error.__cause__, "sqlstate", None) in LOCK_CONFLICTS
