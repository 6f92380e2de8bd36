from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.conf import settings

from thrasos import permissions
from thrasos.accounts import mfa_secrets
from thrasos.accounts.models import Membership
from thrasos.tenancy import platform_context, user_context


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are created by invitation only: no public sign-up."""

    def is_open_for_signup(self, request) -> bool:
        return False


class MFAAdapter(DefaultMFAAdapter):
    def encrypt(self, text: str) -> str:
        """TOTP secrets and recovery-code seeds are stored encrypted."""
        return mfa_secrets.encrypt(text)

    def decrypt(self, encrypted_text: str) -> str:
        return mfa_secrets.decrypt(encrypted_text)

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        """Staff roles and operators must keep their authenticator app."""
        if authenticator.type != Authenticator.Type.TOTP or not settings.THRASOS_MFA_REQUIRED:
            return True
        user = authenticator.user
        with user_context(user.pk), platform_context():
            roles = list(Membership.objects.active().for_user(user).values_list("role", flat=True))
        return not permissions.requires_mfa(roles, platform_operator=user.is_staff)
