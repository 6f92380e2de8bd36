"""Tenant isolation in the database, applied after every `migrate` (so that no
tenant table can be forgotten): row-level security on every table that has an
`organisation_id` column, and composite foreign keys between tenant models.

- ENABLE and FORCE (the owner is bound too);
- policy `tenant_isolation`: a row is visible and writable only when its
  organisation is the transaction's `app.organisation_id`; none when unset;
- extra policies listed in EXTRA_POLICIES (a user reads their own memberships
  before choosing an organisation);
- history tables (pghistory events) and the access log are append-only for
  the runtime role.
"""

import hashlib

from django.db import connections
from psycopg import sql

from thrasos.core.db import runtime_role

TENANT_COLUMN = "organisation_id"
POLICY = "tenant_isolation"
CURRENT_ORGANISATION = "NULLIF(current_setting('app.organisation_id', true), '')::bigint"
CURRENT_USER_ID = "NULLIF(current_setting('app.user_id', true), '')::bigint"

EXTRA_POLICIES = {
    "accounts_membership": {
        "own_memberships": f"FOR SELECT USING (user_id = {CURRENT_USER_ID})",
    },
}

APPEND_ONLY_TABLES = {"audit_accesslog"}


def tenant_tables(cursor) -> list[str]:
    cursor.execute(
        """
        SELECT c.table_name
        FROM information_schema.columns c
        JOIN information_schema.tables t USING (table_schema, table_name)
        WHERE c.table_schema = 'public' AND c.column_name = %s AND t.table_type = 'BASE TABLE'
        ORDER BY c.table_name
        """,
        [TENANT_COLUMN],
    )
    return [row[0] for row in cursor.fetchall()]


def history_tables() -> list[str]:
    import pghistory.models
    from django.apps import apps

    return sorted(
        model._meta.db_table
        for model in apps.get_models()
        if issubclass(model, pghistory.models.Event) and not model._meta.proxy
    )


def apply_row_level_security(using: str = "default") -> list[str]:
    connection = connections[using]
    with connection.cursor() as cursor:
        tables = tenant_tables(cursor)
        for table in tables:
            name = sql.Identifier(table)
            cursor.execute(sql.SQL("ALTER TABLE {} ENABLE ROW LEVEL SECURITY").format(name))
            cursor.execute(sql.SQL("ALTER TABLE {} FORCE ROW LEVEL SECURITY").format(name))
            cursor.execute(
                sql.SQL("DROP POLICY IF EXISTS {} ON {}").format(sql.Identifier(POLICY), name)
            )
            cursor.execute(
                sql.SQL("CREATE POLICY {} ON {} USING ({} = {}) WITH CHECK ({} = {})").format(
                    sql.Identifier(POLICY),
                    name,
                    sql.Identifier(TENANT_COLUMN),
                    sql.SQL(CURRENT_ORGANISATION),
                    sql.Identifier(TENANT_COLUMN),
                    sql.SQL(CURRENT_ORGANISATION),
                )
            )
            for policy, body in EXTRA_POLICIES.get(table, {}).items():
                cursor.execute(
                    sql.SQL("DROP POLICY IF EXISTS {} ON {}").format(sql.Identifier(policy), name)
                )
                cursor.execute(
                    sql.SQL("CREATE POLICY {} ON {} ").format(sql.Identifier(policy), name)
                    + sql.SQL(body)
                )
        role = runtime_role()
        if role is not None:
            for table in sorted(APPEND_ONLY_TABLES | set(history_tables())):
                cursor.execute(
                    sql.SQL("REVOKE UPDATE, DELETE, TRUNCATE ON {} FROM {}").format(
                        sql.Identifier(table), sql.Identifier(role)
                    )
                )
    return tables


def on_post_migrate(sender, using: str = "default", plan=None, **kwargs) -> None:
    # Sent once per app after the whole migration run: act once. `flush` sends
    # it too (plan=None), as the runtime role, which may not alter tables.
    if sender.name == "thrasos.core" and plan is not None:
        apply_row_level_security(using)
        apply_tenant_foreign_keys(using)


def _constraint_name(prefix: str, table: str, column: str) -> str:
    digest = hashlib.sha1(f"{table}.{column}".encode(), usedforsecurity=False).hexdigest()[:10]
    return f"{prefix}_{table[:30]}_{digest}"


def apply_tenant_foreign_keys(using: str = "default") -> list[str]:
    """Foreign keys are checked without row-level security: a row of one
    organisation could point at a row of another. For every foreign key between
    two tenant models, add a composite key (organisation_id, fk) referencing
    (organisation_id, id), so the database refuses a cross-tenant reference."""
    from django.apps import apps

    from thrasos.tenancy import TenantModel

    created = []
    with connections[using].cursor() as cursor:
        for model in apps.get_models():
            if not issubclass(model, TenantModel) or model._meta.proxy:
                continue
            for field in model._meta.concrete_fields:
                target = field.related_model if field.is_relation else None
                if not field.many_to_one or target is None or not issubclass(target, TenantModel):
                    continue
                if target._meta.pk.column != "id":
                    continue
                table, target_table = model._meta.db_table, target._meta.db_table
                unique_name = _constraint_name("tenant_uniq", target_table, "id")
                cursor.execute(
                    sql.SQL(
                        "CREATE UNIQUE INDEX IF NOT EXISTS {} ON {} (organisation_id, id)"
                    ).format(sql.Identifier(unique_name), sql.Identifier(target_table))
                )
                fk_name = _constraint_name("tenant_fk", table, field.column)
                cursor.execute("SELECT 1 FROM pg_constraint WHERE conname = %s", [fk_name])
                if cursor.fetchone():
                    continue
                cursor.execute(
                    sql.SQL(
                        "ALTER TABLE {} ADD CONSTRAINT {} FOREIGN KEY (organisation_id, {}) "
                        "REFERENCES {} (organisation_id, id) DEFERRABLE INITIALLY DEFERRED"
                    ).format(
                        sql.Identifier(table),
                        sql.Identifier(fk_name),
                        sql.Identifier(field.column),
                        sql.Identifier(target_table),
                    )
                )
                created.append(f"{table}.{field.column}")
    return created
