"""Encryption at rest of the second factors' secrets.

django-allauth keeps in `mfa_authenticator.data` the TOTP secret and the seed
the recovery codes are derived from (plus codes migrated from another library):
whoever reads them can produce valid codes. They go through the MFA adapter's
encrypt()/decrypt() hooks, which call this module: Fernet (AES-128-CBC with an
HMAC-SHA256, from `cryptography`) with the keys of THRASOS_MFA_KEYS. The first
key encrypts; every key decrypts, so that a new key can be put first, the
stored secrets re-encrypted (`manage.py mfa_rotate_keys`), then the old key
removed.

No table here has an organisation: authenticators belong to users, who may
belong to several organisations, and are not under row-level security."""

from collections.abc import Callable
from dataclasses import dataclass

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

# Where each type of authenticator keeps secrets in its `data`: single values,
# and lists of values. WebAuthn stores public keys only.
SECRET_FIELDS = {"totp": ("secret",), "recovery_codes": ("seed",)}
SECRET_LIST_FIELDS = {"recovery_codes": ("migrated_codes",)}

# Every Fernet token starts with the version byte 0x80 and a 64-bit timestamp
# whose top bytes are zero: "gAAAAA" in base64. A TOTP secret (base32, upper
# case) or a recovery seed (hex) never does.
_TOKEN_PREFIX = "gAAAAA"  # noqa: S105 - not a secret: the prefix every token has


class MfaSecretError(Exception):
    """A stored secret cannot be decrypted with any configured key."""


def _keys() -> list[Fernet]:
    if not settings.THRASOS_MFA_KEYS:
        raise ImproperlyConfigured(
            "THRASOS_MFA_KEYS is not set: two-factor secrets cannot be encrypted or "
            "read (see .env.example)."
        )
    return [Fernet(key) for key in settings.THRASOS_MFA_KEYS]


def encrypt(text: str) -> str:
    return _keys()[0].encrypt(text.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return MultiFernet(_keys()).decrypt(token.encode()).decode()
    except InvalidToken:
        raise MfaSecretError(
            "A two-factor secret cannot be decrypted with the keys of THRASOS_MFA_KEYS: "
            "was a key removed before `manage.py mfa_rotate_keys` re-encrypted the secrets?"
        ) from None


def is_encrypted(value: str) -> bool:
    return value.startswith(_TOKEN_PREFIX)


@dataclass
class Reencrypted:
    encrypted: int = 0  # stored in clear, now encrypted
    rotated: int = 0  # encrypted with another key, now with the first one
    current: int = 0  # already encrypted with the first key


def _transform(kind: str, data: dict, change: Callable[[str], str]) -> dict:
    data = dict(data)
    for field in SECRET_FIELDS.get(kind, ()):
        if isinstance(data.get(field), str):
            data[field] = change(data[field])
    for field in SECRET_LIST_FIELDS.get(kind, ()):
        if isinstance(data.get(field), list):
            data[field] = [change(value) for value in data[field]]
    return data


def authenticators_reencrypt(*, model=None, using: str = "default") -> Reencrypted:
    """Encrypts with the first key every secret stored in clear or with
    another key. Idempotent. `model` is the historical model in a migration.
    Refuses (MfaSecretError, nothing saved) when a secret is encrypted with a
    key that is not configured."""
    if model is None:
        from allauth.mfa.models import Authenticator as model
    first = None
    every = None
    result = Reencrypted()

    def change(value: str) -> str:
        nonlocal first, every
        if first is None:
            keys = _keys()
            first, every = keys[0], MultiFernet(keys)
        if not is_encrypted(value):
            result.encrypted += 1
            return first.encrypt(value.encode()).decode()
        try:
            first.decrypt(value.encode())
        except InvalidToken:
            pass
        else:
            result.current += 1
            return value
        try:
            rotated = every.rotate(value.encode()).decode()
        except InvalidToken:
            raise MfaSecretError(
                "A two-factor secret is encrypted with a key that is not in "
                "THRASOS_MFA_KEYS: add the old key after the new one, then run again."
            ) from None
        result.rotated += 1
        return rotated

    kinds = list(SECRET_FIELDS) + list(SECRET_LIST_FIELDS)
    with transaction.atomic(using=using):
        # Locked, so that a recovery code being used meanwhile (allauth also
        # locks the row) is not lost.
        rows = model.objects.using(using).select_for_update().filter(type__in=kinds)
        for authenticator in rows.order_by("pk"):
            data = _transform(authenticator.type, authenticator.data, change)
            if data != authenticator.data:
                model.objects.using(using).filter(pk=authenticator.pk).update(data=data)
    return result


def authenticators_decrypt(*, model, using: str = "default") -> int:
    """Back to clear text: only to reverse the migration that encrypted them
    (the code before it reads clear text)."""
    count = 0

    def change(value: str) -> str:
        nonlocal count
        if not is_encrypted(value):
            return value
        count += 1
        return decrypt(value)

    kinds = list(SECRET_FIELDS) + list(SECRET_LIST_FIELDS)
    with transaction.atomic(using=using):
        rows = model.objects.using(using).select_for_update().filter(type__in=kinds)
        for authenticator in rows.order_by("pk"):
            data = _transform(authenticator.type, authenticator.data, change)
            if data != authenticator.data:
                model.objects.using(using).filter(pk=authenticator.pk).update(data=data)
    return count
