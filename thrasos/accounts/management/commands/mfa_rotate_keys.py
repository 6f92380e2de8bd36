from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from thrasos.accounts.mfa_secrets import MfaSecretError, authenticators_reencrypt


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored two-factor secret with the first key of THRASOS_MFA_KEYS "
        "(and encrypt any still in clear). Run it after putting a new key first, before "
        "removing the old one. Safe to run again."
    )

    def handle(self, *args, **options):
        try:
            result = authenticators_reencrypt()
        except (MfaSecretError, ImproperlyConfigured) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Two-factor secrets: {result.rotated} re-encrypted with the first key, "
            f"{result.encrypted} encrypted (were in clear), "
            f"{result.current} already encrypted with the first key."
        )
