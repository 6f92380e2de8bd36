"""The current organisation (tenant), entered once per request, task or command.

Entering a tenant does two things together:
- django-scopes' scope, so that a query on a tenant model outside a tenant
  raises ScopeError (a seatbelt that catches mistakes early);
- the transaction-local PostgreSQL setting ``app.organisation_id`` that the
  row-level-security policies compare with each row (the wall).

The setting is transaction-local, so the context opens a transaction (or a
savepoint) and restores the previous value on exit: inside an outer
transaction, releasing a savepoint would otherwise keep the inner tenant.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.db import connections, models, transaction
from django_scopes import ScopedManager, get_scope, scope, scopes_disabled

if TYPE_CHECKING:
    from thrasos.accounts.models import Organisation

ORGANISATION_SETTING = "app.organisation_id"
USER_SETTING = "app.user_id"

__all__ = [
    "TenantModel",
    "current_organisation_id",
    "platform_context",
    "scopes_disabled",
    "tenant_context",
    "tenant_manager",
    "user_context",
]


def _set(setting: str, value: str, using: str) -> str:
    """Set a transaction-local setting, return its previous value ('' if none)."""
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT COALESCE(current_setting(%s, true), ''), set_config(%s, %s, true)",
            [setting, setting, value],
        )
        previous, _ = cursor.fetchone()
    return previous


def set_transaction_settings(values: dict[str, str], *, using: str = "default") -> dict[str, str]:
    """Set several transaction-local settings in one round trip and return
    their previous values ('' if none). Inside a transaction only: the
    values vanish at its end (see request_tenancy)."""
    names = list(values)
    select = ", ".join(
        "COALESCE(current_setting(%s, true), ''), set_config(%s, %s, true)" for _ in names
    )
    params = [p for name in names for p in (name, name, values[name])]
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT {select}", params)
        row = cursor.fetchone()
    return {name: row[2 * i] for i, name in enumerate(names)}


@contextlib.contextmanager
def _database_setting(setting: str, value: str, using: str) -> Iterator[None]:
    with transaction.atomic(using=using):
        previous = _set(setting, value, using)
        try:
            yield
        finally:
            if not connections[using].needs_rollback:
                _set(setting, previous, using)


@contextlib.contextmanager
def tenant_context(organisation: Organisation | int, *, using: str = "default") -> Iterator[None]:
    """Run the block inside one organisation: scoped queries and RLS."""
    organisation_id = organisation if isinstance(organisation, int) else organisation.pk
    if not organisation_id:
        raise ValueError("tenant_context needs a saved organisation")
    with (
        _database_setting(ORGANISATION_SETTING, str(organisation_id), using),
        scope(organisation=organisation_id),
    ):
        yield


@contextlib.contextmanager
def user_context(user_id: int | None, *, using: str = "default") -> Iterator[None]:
    """Let the database show a user their own memberships (before a tenant is
    chosen: login, organisation switcher)."""
    with _database_setting(USER_SETTING, str(user_id or ""), using):
        yield


@contextlib.contextmanager
def platform_context() -> Iterator[None]:
    """For platform operators' code paths (Django admin, operator commands):
    no scope check. Row-level security still applies to the runtime role, so
    tenant rows stay invisible unless a tenant is entered too."""
    with scopes_disabled():
        yield


def current_organisation_id(using: str = "default") -> int | None:
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT NULLIF(current_setting(%s, true), '')", [ORGANISATION_SETTING])
        (value,) = cursor.fetchone()
    return int(value) if value else None


class TenantQuerySet(models.QuerySet):
    """Rows created in bulk get the organisation of the enclosing tenant, as
    TenantModel.save() gives it to one row (get_or_create and
    update_or_create go through save())."""

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        if any(obj.organisation_id is None for obj in objs):
            organisation_id = scoped_organisation_id()
            for obj in objs:
                if obj.organisation_id is None:
                    obj.organisation_id = organisation_id
        return super().bulk_create(objs, *args, **kwargs)


class TerritoryQuerySet(TenantQuerySet):
    """Rows that belong to a territory (`territory_field`): what a member
    bound to territories may see."""

    territory_field = "territory"

    def in_territories(self, territory_ids):
        """None means every territory of the organisation
        (thrasos.permissions.territory_ids)."""
        if territory_ids is None:
            return self
        return self.filter(**{f"{self.territory_field}_id__in": territory_ids})


def tenant_manager(queryset_class: type[models.QuerySet] = models.QuerySet):
    """The manager of a tenant model: raises ScopeError outside a tenant, and
    filters on the current organisation inside one."""
    if not issubclass(queryset_class, TenantQuerySet):
        queryset_class = type(queryset_class.__name__, (TenantQuerySet, queryset_class), {})
    return ScopedManager(
        organisation="organisation", _manager_class=models.Manager.from_queryset(queryset_class)
    )


class TenantModel(models.Model):
    """Base of every tenant-owned model: an explicit organisation, a manager
    that raises outside a tenant, and (by tenancy_sql.apply_row_level_security,
    run after every migrate) a row-level-security policy on its table."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+", editable=False
    )

    objects = tenant_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.organisation_id is None:
            self.organisation_id = scoped_organisation_id()
        super().save(*args, **kwargs)


def scoped_organisation_id() -> int:
    """The organisation of the enclosing tenant_context (raises outside one)."""
    organisation = get_scope().get("organisation")
    if not organisation or organisation is True:
        raise LookupError("No tenant is entered: use tenant_context(organisation).")
    return organisation if isinstance(organisation, int) else organisation.pk
