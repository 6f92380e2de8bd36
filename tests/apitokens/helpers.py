"""Helpers of the API token tests."""

import time
from datetime import timedelta

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from tests.factories import DEFAULT_PASSWORD, TOTP_SECRET
from thrasos.apitokens.models import Scope
from thrasos.apitokens.services import api_token_create
from thrasos.tenancy import tenant_context


def current_code() -> str:
    return format_hotp_value(hotp_value(TOTP_SECRET, int(time.time()) // 30))


def pass_mfa(client, user) -> None:
    """Log in through the real form: password, then the TOTP code."""
    # allauth refuses a code used twice; codes of earlier runs stay in Redis.
    cache.clear()
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": DEFAULT_PASSWORD}
    )
    assert response["Location"] == reverse("mfa_authenticate")
    response = client.post(reverse("mfa_authenticate"), {"code": current_code()})
    assert response.status_code == 302, response.content.decode()
    assert client.session["_auth_user_id"] == str(user.pk)


def make_token(membership, scope: str = Scope.READ, days: int = 30):
    """A token through the service (the MFA check belongs to the page)."""
    with tenant_context(membership.organisation_id):
        return api_token_create(
            actor=membership.user,
            membership=membership,
            name="Tableur",
            scope=scope,
            expires_at=timezone.now() + timedelta(days=days),
        )


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}
