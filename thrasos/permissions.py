"""Who may see and do what inside an organisation: role predicates and the
field-visibility policy, in one place. Pages, API, exports and PDFs all ask
here; none of them decides on its own.

SPEC §2: admins and coordinators see every territory of their organisation;
caseworkers the beneficiaries of their territories; volunteers only their own
mentees, and only contact and mentoring fields; managers aggregated figures
only, never an individual record."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

from thrasos.accounts.models import Role

if TYPE_CHECKING:
    from thrasos.accounts.models import Membership

STAFF_ROLES = frozenset({Role.ADMIN, Role.COORDINATOR, Role.CASEWORKER, Role.MANAGER})
MFA_REQUIRED_ROLES = STAFF_ROLES
ALL_TERRITORY_ROLES = frozenset({Role.ADMIN, Role.COORDINATOR})
CASE_FILE_ROLES = frozenset({Role.ADMIN, Role.COORDINATOR, Role.CASEWORKER})


class Sensitivity(models.TextChoices):
    """What kind of personal data a field holds. Each personal field of the
    programme's models declares one; the policy below maps roles to kinds."""

    CONTACT = "contact", _("Contact details")
    MENTORING = "mentoring", _("Mentoring")
    IDENTITY = "identity", _("Identity")
    PATHWAY = "pathway", _("Pathway and programme data")
    ADMINISTRATIVE = "administrative", _("Administrative situation")
    PROTECTION = "protection", _("Protection and residence documents")
    CASE_NOTES = "case_notes", _("Caseworker notes")
    DOCUMENTS = "documents", _("Documents")
    HEALTH = "health", _("Health-related information")


_EVERYTHING = frozenset(Sensitivity)

READABLE: dict[str, frozenset[Sensitivity]] = {
    Role.ADMIN: _EVERYTHING,
    Role.COORDINATOR: _EVERYTHING,
    Role.CASEWORKER: _EVERYTHING,
    # Never: nationality, protection status, residence documents, documents,
    # caseworker notes, health (SPEC §2).
    Role.VOLUNTEER: frozenset({Sensitivity.CONTACT, Sensitivity.MENTORING}),
    # Aggregates only: no individual field at all.
    Role.MANAGER: frozenset(),
}


def may_read(role: str, sensitivity: Sensitivity) -> bool:
    return sensitivity in READABLE.get(role, frozenset())


def readable_fields(role: str, field_sensitivities: dict[str, Sensitivity]) -> list[str]:
    """The fields a role may read, from a model's {field: sensitivity} map."""
    return [name for name, kind in field_sensitivities.items() if may_read(role, kind)]


def requires_mfa(roles: Iterable[str], *, platform_operator: bool = False) -> bool:
    return platform_operator or any(role in MFA_REQUIRED_ROLES for role in roles)


def sees_service_health(user) -> bool:
    """The details of /healthz (what failed, the worker's heartbeat): platform
    operators only, not organisation roles (requests from the machine itself
    are allowed by thrasos.core.health)."""
    return user.is_authenticated and (user.is_staff or user.is_superuser)


def can_administer(membership: Membership | None) -> bool:
    """Territories, members, invitations, referentials, settings."""
    return membership is not None and membership.role == Role.ADMIN


def sees_all_territories(membership: Membership | None) -> bool:
    return membership is not None and membership.role in ALL_TERRITORY_ROLES


def can_open_case_files(membership: Membership | None) -> bool:
    """Individual case files (within territory_ids for caseworkers)."""
    return membership is not None and membership.role in CASE_FILE_ROLES


def sees_aggregates_only(membership: Membership | None) -> bool:
    return membership is not None and membership.role == Role.MANAGER


def territory_ids(membership: Membership) -> frozenset[int] | None:
    """The territories whose records the member may see; None means all of the
    organisation's. Caseworkers and volunteers are bound to their territories."""
    if sees_all_territories(membership):
        return None
    # Asked several times per request: remembered on the membership object.
    if not hasattr(membership, "_territory_ids"):
        membership._territory_ids = frozenset(membership.territories.values_list("id", flat=True))
    return membership._territory_ids
