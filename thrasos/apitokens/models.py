"""Personal API tokens (SPEC §5.9).

The table is tenant-owned, like memberships: each token belongs to one
membership, hence to one organisation, and carries that organisation's id, so
row-level security and the scoped manager apply to it as to any tenant row.
Memberships are read before the tenant is entered through an extra policy on
the user's id (the user is known from the session); a token arrives before
the user is known, so, like an invitation link, it carries its organisation
id in clear (``thr_<organisation>_<secret>``): the middleware enters that
tenant first, then looks the token up by its hash. A token presented with
another organisation's id is simply not found there. No extra policy opens
the table outside a tenant.

Only the SHA-256 of the token is stored: the secret part holds 256 random
bits, so a fast hash is enough (no salt or slow hash needed, unlike
passwords), and lookup by hash is a plain unique-index search."""

from datetime import timedelta

import pghistory
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from thrasos.accounts.models import Membership
from thrasos.tenancy import TenantModel, tenant_manager

MAX_VALIDITY = timedelta(days=365)


class Scope(models.TextChoices):
    READ = "read", _("Read only")
    READ_WRITE = "read_write", _("Read and write")


class ApiTokenQuerySet(models.QuerySet):
    def usable(self):
        """Not revoked, not expired, its membership and organisation active."""
        return self.filter(
            revoked_at=None,
            expires_at__gt=timezone.now(),
            membership__is_active=True,
            membership__organisation__is_active=True,
            membership__user__is_active=True,
        )

    def of_membership(self, membership: Membership):
        return self.filter(membership=membership)


# Creation and revocation are recorded in the change history; the use
# columns (written at most once a minute) are not.
@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(condition=pghistory.AnyChange(exclude=["last_used_at", "last_used_ip"])),
    pghistory.DeleteEvent(),
)
class ApiToken(TenantModel):
    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="api_tokens", editable=False
    )
    name = models.CharField(_("name"), max_length=100)
    scope = models.CharField(_("access"), max_length=20, choices=Scope.choices)
    # The first characters of the token, to recognise it in the list.
    prefix = models.CharField(_("beginning of the token"), max_length=40, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    last_used_ip = models.GenericIPAddressField(
        _("last used from"), null=True, blank=True, editable=False
    )

    objects = tenant_manager(ApiTokenQuerySet)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("created_at"))
                & Q(expires_at__lte=F("created_at") + MAX_VALIDITY),
                name="apitokens_apitoken_bounded_expiry",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def status(self) -> str:
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "active"

    @property
    def read_only(self) -> bool:
        return self.scope != Scope.READ_WRITE
