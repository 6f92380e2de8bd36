"""Second factors' secrets are encrypted at rest, with keys that can be rotated,
and never shown in the platform admin."""

import importlib
import json
from types import SimpleNamespace

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from cryptography.fernet import Fernet
from django.apps import apps
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from tests.factories import DEFAULT_PASSWORD, TOTP_SECRET, UserFactory
from thrasos.accounts.mfa_secrets import MfaSecretError, decrypt
from thrasos.core.management.commands.seed_demo import (
    DEMO_TOTP_SECRET,
    current_code,
)
from thrasos.core.management.commands.seed_demo import (
    Command as SeedDemo,
)

pytestmark = pytest.mark.django_db

OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()


@pytest.fixture
def old_key(settings):
    settings.THRASOS_MFA_KEYS = [OLD_KEY]
    return settings


def _totp(user) -> Authenticator:
    return Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)


def _code_is_accepted(authenticator: Authenticator, secret: str = TOTP_SECRET) -> bool:
    cache.clear()  # allauth refuses a code already used
    return TOTP(authenticator).validate_code(current_code(secret))


def _store_in_clear(authenticator: Authenticator, **data) -> None:
    """As allauth stored them before encryption (or as a copied dump shows them)."""
    Authenticator.objects.filter(pk=authenticator.pk).update(data={**authenticator.data, **data})


def test_the_totp_secret_is_stored_encrypted_and_still_works(old_key):
    user = UserFactory()
    TOTP.activate(user, TOTP_SECRET)
    authenticator = _totp(user)
    assert TOTP_SECRET not in json.dumps(authenticator.data)
    assert Fernet(OLD_KEY).decrypt(authenticator.data["secret"].encode()).decode() == TOTP_SECRET
    assert _code_is_accepted(authenticator)


def test_the_recovery_codes_seed_is_stored_encrypted_and_codes_still_work(old_key):
    user = UserFactory()
    codes = RecoveryCodes.activate(user)
    seed = codes.instance.data["seed"]
    clear_seed = Fernet(OLD_KEY).decrypt(seed.encode()).decode()
    assert clear_seed not in json.dumps(codes.instance.data)
    first, second = codes.generate_codes()[:2]
    reread = RecoveryCodes(Authenticator.objects.get(pk=codes.instance.pk))
    assert reread.validate_code(first)
    assert not reread.validate_code(first)
    assert second in reread.get_unused_codes()


def test_a_login_with_a_totp_code_works(client, old_key):
    user = UserFactory(email="ops@example.org", is_staff=True)
    TOTP.activate(user, TOTP_SECRET)
    cache.clear()
    client.post(reverse("account_login"), {"login": user.email, "password": DEFAULT_PASSWORD})
    response = client.post(reverse("mfa_authenticate"), {"code": current_code(TOTP_SECRET)})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_rotation_puts_every_secret_under_the_new_key(old_key, capsys):
    users = [UserFactory() for _ in range(2)]
    for user in users:
        TOTP.activate(user, TOTP_SECRET)
    seed = RecoveryCodes.activate(users[0]).instance.data["seed"]
    # Step 1: the new key first, the old one still there to read.
    old_key.THRASOS_MFA_KEYS = [NEW_KEY, OLD_KEY]
    assert _code_is_accepted(_totp(users[0]))
    call_command("mfa_rotate_keys")
    assert "3 re-encrypted with the first key" in capsys.readouterr().out
    # Step 2: the old key removed.
    old_key.THRASOS_MFA_KEYS = [NEW_KEY]
    for user in users:
        assert _code_is_accepted(_totp(user))
    recovery = Authenticator.objects.get(user=users[0], type=Authenticator.Type.RECOVERY_CODES)
    assert decrypt(recovery.data["seed"]) == Fernet(OLD_KEY).decrypt(seed.encode()).decode()
    call_command("mfa_rotate_keys")
    assert "0 re-encrypted with the first key, 0 encrypted (were in clear), 3 already" in (
        capsys.readouterr().out
    )


def test_rotation_refuses_when_a_key_is_missing_and_saves_nothing(old_key):
    first, second = UserFactory(), UserFactory()
    TOTP.activate(first, TOTP_SECRET)
    old_key.THRASOS_MFA_KEYS = [NEW_KEY]
    TOTP.activate(second, TOTP_SECRET)
    before = {a.pk: a.data for a in Authenticator.objects.all()}
    with pytest.raises(CommandError, match="not in THRASOS_MFA_KEYS"):
        call_command("mfa_rotate_keys")
    assert {a.pk: a.data for a in Authenticator.objects.all()} == before
    with pytest.raises(MfaSecretError):
        decrypt(_totp(first).data["secret"])


def test_the_migration_encrypts_secrets_stored_in_clear_and_can_be_reversed(old_key):
    migration = importlib.import_module("thrasos.accounts.migrations.0002_encrypt_mfa_secrets")
    schema_editor = SimpleNamespace(connection=connection)
    user = UserFactory()
    TOTP.activate(user, TOTP_SECRET)
    codes = RecoveryCodes.activate(user)
    clear_seed = decrypt(codes.instance.data["seed"])
    _store_in_clear(_totp(user), secret=TOTP_SECRET)
    _store_in_clear(codes.instance, seed=clear_seed, migrated_codes=["12345678"])

    migration.encrypt(apps, schema_editor)
    data = _totp(user).data
    assert data["secret"] != TOTP_SECRET and decrypt(data["secret"]) == TOTP_SECRET
    recovery = Authenticator.objects.get(pk=codes.instance.pk).data
    assert decrypt(recovery["seed"]) == clear_seed
    assert [decrypt(code) for code in recovery["migrated_codes"]] == ["12345678"]
    assert _code_is_accepted(_totp(user))
    migration.encrypt(apps, schema_editor)  # a second run changes nothing
    assert _totp(user).data == data

    migration.decrypt(apps, schema_editor)
    assert _totp(user).data["secret"] == TOTP_SECRET
    assert Authenticator.objects.get(pk=codes.instance.pk).data["seed"] == clear_seed


def test_the_platform_admin_never_shows_nor_edits_a_secret(client, old_key):
    operator = UserFactory(email="ops@example.org", is_staff=True, is_superuser=True)
    TOTP.activate(operator, TOTP_SECRET)
    user = UserFactory(email="someone@example.org")
    TOTP.activate(user, TOTP_SECRET)
    authenticator = _totp(user)
    client.force_login(operator)
    base = "/plateforme/admin/mfa/authenticator/"
    listing = client.get(base)
    assert listing.status_code == 200
    assert str(user) in listing.content.decode()
    page = client.get(f"{base}{authenticator.pk}/change/")
    assert page.status_code == 200
    content = page.content.decode()
    assert TOTP_SECRET not in content
    assert authenticator.data["secret"] not in content
    assert 'name="data"' not in content
    response = client.post(f"{base}{authenticator.pk}/change/", {"data": '{"secret": "X"}'})
    assert response.status_code == 403
    assert _totp(user).data == authenticator.data
    assert client.get(f"{base}add/").status_code == 403


def test_demo_accounts_keep_their_code_and_log_in(client, old_key):
    user = UserFactory(email="coordination@demo.example.org")
    SeedDemo.ensure_totp(user)
    stored = _totp(user)
    assert DEMO_TOTP_SECRET not in json.dumps(stored.data)
    SeedDemo.ensure_totp(user)
    assert _totp(user).pk == stored.pk  # kept, not enrolled again
    # The development key was lost (new .local/secrets): enrolled again.
    old_key.THRASOS_MFA_KEYS = [NEW_KEY]
    SeedDemo.ensure_totp(user)
    assert decrypt(_totp(user).data["secret"]) == DEMO_TOTP_SECRET
    cache.clear()
    client.post(reverse("account_login"), {"login": user.email, "password": DEFAULT_PASSWORD})
    response = client.post(reverse("mfa_authenticate"), {"code": current_code()})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
