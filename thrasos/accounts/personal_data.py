"""Personal data of the organisation's members, declared to the register
(thrasos.privacy.registry). Names and e-mail addresses of users live on the
platform's User (not tenant data)."""

from thrasos.accounts.models import (
    Invitation,
    InvitationTerritory,
    Membership,
    MembershipTerritory,
    Territory,
)
from thrasos.permissions import Sensitivity
from thrasos.privacy.registry import RETENTION_STAFF, clear, declare

declare(Territory, person=None, other={"name", "region", "departement", "is_active"})
declare(
    Membership,
    person=None,
    other={"user", "role", "is_active", "created_at", "deactivated_at"},
    retention=RETENTION_STAFF,
)
declare(MembershipTerritory, person=None, other={"membership", "territory"})
declare(
    Invitation,
    person=None,
    fields={"email": clear("Envoyer l'invitation à rejoindre l'organisation", Sensitivity.CONTACT)},
    other={
        "role",
        "token_hash",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
        "accepted_by",
        "revoked_at",
    },
    retention=RETENTION_STAFF,
)
declare(InvitationTerritory, person=None, other={"invitation", "territory"})
