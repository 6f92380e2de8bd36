"""Helpers for data migrations on tenant tables."""

from collections.abc import Callable

from thrasos.tenancy import ORGANISATION_SETTING


def for_each_organisation(apps, schema_editor, fn: Callable[[int, str], None]) -> None:
    """Run fn(organisation_id, alias) once per organisation, inside its tenant.

    Row-level security is forced even for the owner role that migrates, so a
    data migration outside a tenant sees no row at all (TENANCY.md, pitfall
    5). Reads and writes go through the migrating connection (`alias`): the
    runtime role has no rights on the tables before migrate ends."""
    alias = schema_editor.connection.alias
    organisations = apps.get_model("accounts", "Organisation").objects.using(alias)
    with schema_editor.connection.cursor() as cursor:
        try:
            for organisation_id in organisations.order_by("pk").values_list("pk", flat=True):
                cursor.execute(
                    "SELECT set_config(%s, %s, true)", [ORGANISATION_SETTING, str(organisation_id)]
                )
                fn(organisation_id, alias)
        finally:
            cursor.execute("SELECT set_config(%s, '', true)", [ORGANISATION_SETTING])
