"""Personal API tokens, declared to the register (thrasos.privacy.registry)."""

from thrasos.apitokens.models import ApiToken
from thrasos.permissions import Sensitivity
from thrasos.privacy.registry import RETENTION_STAFF, clear, declare

declare(
    ApiToken,
    person=None,
    fields={
        "last_used_ip": clear(
            "Sécurité : repérer l'usage anormal d'un jeton", Sensitivity.ADMINISTRATIVE
        )
    },
    other={
        "membership",
        "name",
        "scope",
        "prefix",
        "key_hash",
        "created_at",
        "expires_at",
        "revoked_at",
        "last_used_at",
    },
    retention=RETENTION_STAFF,
)
