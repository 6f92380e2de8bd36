"""Every write on organisations, territories, memberships and invitations."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from thrasos.accounts.models import (
    Invitation,
    InvitationTerritory,
    Membership,
    MembershipTerritory,
    Organisation,
    Role,
    Territory,
    User,
)
from thrasos.core import registry
from thrasos.tenancy import scoped_organisation_id, tenant_context

INVITATION_VALIDITY = timedelta(days=7)
LOG_IN_TO_ACCEPT = gettext_lazy(
    "An account already exists for this e-mail address: log in to accept."
)


class InvitationError(Exception):
    """An invitation link that cannot be used; the message is for the user."""


@transaction.atomic
def organisation_create(*, name: str, slug: str) -> Organisation:
    organisation = Organisation(name=name, slug=slug)
    organisation.full_clean()
    organisation.save()
    with tenant_context(organisation):
        for add_defaults in registry.organisation_defaults():
            add_defaults(organisation)
    return organisation


@transaction.atomic
def territory_save(*, actor: User, territory: Territory) -> Territory:
    territory.full_clean(exclude=["organisation"])
    territory.save()
    return territory


def _set_territories(through, owner_field: str, owner, territories) -> None:
    through.objects.filter(**{owner_field: owner}).exclude(territory__in=territories).delete()
    existing = set(
        through.objects.filter(**{owner_field: owner}).values_list("territory_id", flat=True)
    )
    through.objects.bulk_create(
        through(territory=t, **{owner_field: owner}) for t in territories if t.pk not in existing
    )


def _active_admins(exclude: Membership | None = None):
    admins = Membership.objects.filter(role=Role.ADMIN, is_active=True)
    if exclude is not None:
        admins = admins.exclude(pk=exclude.pk)
    return admins


@transaction.atomic
def membership_update(
    *, actor: User, membership: Membership, role: str, territories: list[Territory]
) -> Membership:
    if (
        membership.role == Role.ADMIN
        and role != Role.ADMIN
        and not _active_admins(membership).exists()
    ):
        raise ValidationError(_("The organisation must keep at least one active administrator."))
    membership.role = role
    membership.save(update_fields=["role"])
    _set_territories(MembershipTerritory, "membership", membership, territories)
    return membership


@transaction.atomic
def membership_deactivate(*, actor: User, membership: Membership) -> Membership:
    """Ends the member's access at once: the tenant middleware only admits
    active memberships, on every request."""
    if membership.role == Role.ADMIN and not _active_admins(membership).exists():
        raise ValidationError(_("The organisation must keep at least one active administrator."))
    membership.is_active = False
    membership.deactivated_at = timezone.now()
    membership.save(update_fields=["is_active", "deactivated_at"])
    return membership


@transaction.atomic
def membership_reactivate(*, actor: User, membership: Membership) -> Membership:
    membership.is_active = True
    membership.deactivated_at = None
    membership.save(update_fields=["is_active", "deactivated_at"])
    return membership


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def invitation_send(
    *, actor: User, email: str, role: str, territories: list[Territory], base_url: str
) -> tuple[Invitation, str]:
    """Create an invitation and e-mail its link (after commit). Returns the
    invitation and the token, which is stored only as a hash."""
    email = User.objects.normalize_email(email).lower()
    if Membership.objects.filter(user__email__iexact=email).exists():
        raise ValidationError({"email": _("This person is already a member of the organisation.")})
    pending = Invitation.objects.filter(
        email__iexact=email, accepted_at=None, revoked_at=None, expires_at__gt=timezone.now()
    )
    pending.update(revoked_at=timezone.now())
    # The organisation id travels in the link: it is needed to enter the
    # tenant before the invitation row can be read.
    token = f"{scoped_organisation_id()}-{secrets.token_urlsafe(32)}"
    invitation = Invitation.objects.create(
        email=email,
        role=role,
        invited_by=actor,
        token_hash=_hash(token),
        expires_at=timezone.now() + INVITATION_VALIDITY,
    )
    _set_territories(InvitationTerritory, "invitation", invitation, territories)
    link = base_url.rstrip("/") + reverse("invitation_accept", args=[token])
    context = {
        "invitation": invitation,
        "organisation": invitation.organisation,
        "link": link,
        "inviter": actor,
    }
    subject = _("Invitation to Thrasos – %(organisation)s") % {
        "organisation": invitation.organisation.name
    }
    body = render_to_string("accounts/email/invitation.txt", context)
    transaction.on_commit(lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email]))
    return invitation, token


@transaction.atomic
def invitation_revoke(*, actor: User, invitation: Invitation) -> Invitation:
    if invitation.status == "pending":
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
    return invitation


def invitation_organisation_id(token: str) -> int:
    head, _sep, rest = token.partition("-")
    if not head.isdigit() or not rest:
        raise InvitationError(_("This invitation link is not valid."))
    return int(head)


def invitation_find(token: str) -> Invitation:
    """Inside the tenant given by the token: the usable invitation, or
    InvitationError with a message saying why not."""
    invitation = (
        Invitation.objects.select_related("organisation").filter(token_hash=_hash(token)).first()
    )
    if invitation is None:
        raise InvitationError(_("This invitation link is not valid."))
    if invitation.status == "accepted":
        raise InvitationError(_("This invitation has already been used."))
    if invitation.status == "revoked":
        raise InvitationError(_("This invitation has been withdrawn. Ask for a new one."))
    if invitation.status == "expired":
        raise InvitationError(_("This invitation has expired. Ask for a new one."))
    return invitation


@transaction.atomic
def invitation_accept(
    *,
    token: str,
    user: User | None = None,
    first_name: str = "",
    last_name: str = "",
    password: str = "",
) -> Membership:
    """Accept as the logged-in `user` (whose e-mail must match), or create the
    account from the names and password given."""
    with tenant_context(invitation_organisation_id(token)):
        invitation = invitation_find(token)
        if user is None:
            if User.objects.filter(email__iexact=invitation.email).exists():
                raise InvitationError(LOG_IN_TO_ACCEPT)
            user = User(email=invitation.email, first_name=first_name, last_name=last_name)
            validate_password(password, user)
            user.set_password(password)
            user.full_clean()
            user.save()
        elif user.email.lower() != invitation.email.lower():
            raise InvitationError(
                _("This invitation was sent to another e-mail address than your account's.")
            )
        membership, _created = Membership.objects.update_or_create(
            user=user,
            defaults={"role": invitation.role, "is_active": True, "deactivated_at": None},
        )
        territories = list(invitation.territories.all())
        _set_territories(MembershipTerritory, "membership", membership, territories)
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        return membership
