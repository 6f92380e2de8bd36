"""Every write on API tokens, and the lookup of a presented token."""

import hashlib
import secrets
from datetime import datetime, timedelta

from allauth.mfa.models import Authenticator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from thrasos.accounts.models import Membership, User
from thrasos.apitokens.models import MAX_VALIDITY, ApiToken, Scope
from thrasos.tenancy import tenant_context

TOKEN_PREFIX = "thr"  # noqa: S105 (a label, not a secret)
# Characters of the secret kept in clear, after "thr_<organisation>_", to
# recognise a token in the list. 6 of 43 URL-safe characters: 36 bits shown,
# 220 bits still secret.
SHOWN_SECRET_CHARS = 6
MAX_ACTIVE_TOKENS = 10
# The last use is written at most this often, or when the address changes.
USE_RECORD_INTERVAL = timedelta(minutes=1)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def organisation_id_of(token: str) -> int | None:
    """The organisation id a token carries, or None if it is not shaped like one."""
    head, _sep, rest = token.partition("_")
    organisation, _sep, secret = rest.partition("_")
    if (
        head != TOKEN_PREFIX
        or not (organisation.isascii() and organisation.isdigit())
        or len(organisation) > 18  # a bigint in the database
        or len(secret) < 32
    ):
        return None
    return int(organisation)


@transaction.atomic
def api_token_create(
    *, actor: User, membership: Membership, name: str, scope: str, expires_at: datetime
) -> tuple[ApiToken, str]:
    """Create a token for the actor's own membership. Returns the token row
    and the token itself, which is stored only as a hash and must be shown
    to the user now: it cannot be shown again. The caller checks that the
    actor passed MFA (see views.mfa_recently_passed)."""
    if membership.user_id != actor.pk or not membership.is_active:
        raise ValidationError(_("A token can only be created for your own active membership."))
    now = timezone.now()
    if expires_at <= now:
        raise ValidationError({"expires_at": _("The expiry date must be in the future.")})
    if expires_at > now + MAX_VALIDITY:
        raise ValidationError({"expires_at": _("A token is valid for one year at most.")})
    if scope not in Scope.values:
        raise ValidationError({"scope": _("Choose an access level.")})
    active = ApiToken.objects.of_membership(membership).filter(revoked_at=None, expires_at__gt=now)
    if active.count() >= MAX_ACTIVE_TOKENS:
        raise ValidationError(
            _("You already have %(count)d active tokens: revoke one first.")
            % {"count": MAX_ACTIVE_TOKENS}
        )
    head = f"{TOKEN_PREFIX}_{membership.organisation_id}_"
    secret = secrets.token_urlsafe(32)
    token = head + secret
    api_token = ApiToken(
        organisation_id=membership.organisation_id,
        membership=membership,
        name=name,
        scope=scope,
        prefix=head + secret[:SHOWN_SECRET_CHARS],
        key_hash=_hash(token),
        created_at=now,
        expires_at=expires_at,
    )
    api_token.full_clean(exclude=["organisation", "membership"])
    api_token.save()
    return api_token, token


@transaction.atomic
def api_token_revoke(*, actor: User, api_token: ApiToken) -> ApiToken:
    """Stops the token at once (its next request gets 401). Idempotent."""
    if api_token.revoked_at is None:
        api_token.revoked_at = timezone.now()
        api_token.save(update_fields=["revoked_at"])
    return api_token


def api_token_authenticate(token: str, *, ip: str | None) -> ApiToken | None:
    """The usable token presented, with its membership, organisation and user
    loaded, or None. Looked up inside the organisation the token names, in one
    query that also checks that the membership is active and that the user
    still has an authenticator app: tokens are created only after MFA, and a
    user who removes their authenticator loses their tokens with it (a token
    is never a way around MFA). Records the use (throttled)."""
    organisation_id = organisation_id_of(token)
    if organisation_id is None:
        return None
    with tenant_context(organisation_id):
        api_token = (
            ApiToken.objects.usable()
            .filter(key_hash=_hash(token))
            .select_related("membership__organisation", "membership__user")
            .annotate(
                has_totp=Exists(
                    Authenticator.objects.filter(
                        user_id=OuterRef("membership__user_id"), type=Authenticator.Type.TOTP
                    )
                )
            )
            .first()
        )
        if api_token is None or not api_token.has_totp:
            return None
        _record_use(api_token, ip)
    return api_token


def _record_use(api_token: ApiToken, ip: str | None) -> None:
    """At most one write a minute per token (or when the address changes);
    the condition is in the UPDATE, so concurrent requests write once."""
    now = timezone.now()
    if (
        api_token.last_used_at is not None
        and now - api_token.last_used_at < USE_RECORD_INTERVAL
        and api_token.last_used_ip == ip
    ):
        return
    ApiToken.objects.filter(pk=api_token.pk).filter(
        Q(last_used_at=None) | Q(last_used_at__lt=now - USE_RECORD_INTERVAL) | ~Q(last_used_ip=ip)
    ).update(last_used_at=now, last_used_ip=ip)
    api_token.last_used_at, api_token.last_used_ip = now, ip
