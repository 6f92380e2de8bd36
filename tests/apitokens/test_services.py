"""The write path of API tokens: bounds checked by the service and by the
database, one's own membership only, a ceiling on active tokens."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from tests.apitokens.helpers import make_token
from thrasos.accounts.models import Role
from thrasos.apitokens import services
from thrasos.apitokens.models import ApiToken, Scope
from thrasos.tenancy import tenant_context

pytestmark = pytest.mark.django_db


def create(membership, *, actor=None, expires_in=timedelta(days=30), scope=Scope.READ):
    with tenant_context(membership.organisation_id):
        return services.api_token_create(
            actor=actor or membership.user,
            membership=membership,
            name="Intégration",
            scope=scope,
            expires_at=timezone.now() + expires_in,
        )


@pytest.mark.parametrize(
    ("expires_in", "scope"),
    [
        (timedelta(days=366), Scope.READ),
        (timedelta(seconds=-1), Scope.READ),
        (timedelta(days=30), "admin"),
    ],
)
def test_expiry_and_scope_are_bounded(two_tenants, expires_in, scope):
    membership = two_tenants["a"]["members"][Role.CASEWORKER]
    with pytest.raises(ValidationError):
        create(membership, expires_in=expires_in, scope=scope)
    with tenant_context(membership.organisation_id):
        assert not ApiToken.objects.exists()


def test_the_database_refuses_an_expiry_beyond_a_year(two_tenants):
    api_token, _ = make_token(two_tenants["a"]["members"][Role.CASEWORKER])
    with (
        tenant_context(api_token.organisation_id),
        pytest.raises(IntegrityError),
        transaction.atomic(),
    ):
        ApiToken.objects.filter(pk=api_token.pk).update(
            expires_at=api_token.created_at + timedelta(days=400)
        )


def test_only_for_ones_own_active_membership(two_tenants):
    a = two_tenants["a"]
    with pytest.raises(ValidationError):
        create(a["members"][Role.VOLUNTEER], actor=a["members"][Role.ADMIN].user)


def test_at_most_ten_active_tokens(two_tenants):
    membership = two_tenants["a"]["members"][Role.CASEWORKER]
    for _ in range(services.MAX_ACTIVE_TOKENS):
        create(membership)
    with pytest.raises(ValidationError, match="révoquez-en un"):
        create(membership)


@pytest.mark.parametrize(
    ("token", "organisation_id"),
    [
        ("thr_12_" + "a" * 43, 12),
        ("thr_12_short", None),
        ("abc_12_" + "a" * 43, None),
        ("thr_-1_" + "a" * 43, None),
        ("thr_١٢_" + "a" * 43, None),  # Arabic-Indic digits are digits too
        ("thr_" + "9" * 19 + "_" + "a" * 43, None),
        ("", None),
    ],
)
def test_the_organisation_is_read_from_the_token_strictly(token, organisation_id):
    assert services.organisation_id_of(token) == organisation_id
