"""Encrypts the two-factor secrets stored in clear before THRASOS_MFA_KEYS
(thrasos/accounts/mfa_secrets.py). mfa_authenticator has no organisation and
no row-level security: every row is seen."""

from django.db import migrations


def encrypt(apps, schema_editor):
    from thrasos.accounts.mfa_secrets import authenticators_reencrypt

    authenticators_reencrypt(
        model=apps.get_model("mfa", "Authenticator"), using=schema_editor.connection.alias
    )


def decrypt(apps, schema_editor):
    from thrasos.accounts.mfa_secrets import authenticators_decrypt

    authenticators_decrypt(
        model=apps.get_model("mfa", "Authenticator"), using=schema_editor.connection.alias
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(encrypt, decrypt, elidable=False)]
