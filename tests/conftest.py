"""Test set-up shared by the whole suite.

The test database is created and migrated by the owner role; the tests
themselves then run on the "default" alias as the runtime role, so that
privileges and row-level security are exercised as in production."""

import pytest
from django.db import connections
from psycopg import sql

from thrasos.core.db import runtime_role

_CREDENTIALS = ("USER", "PASSWORD")


def _use_credentials_of(alias: str, source: dict) -> None:
    connection = connections[alias]
    connection.close()
    for key in _CREDENTIALS:
        connection.settings_dict[key] = source[key]


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    # Django creates the test database through "default": let the owner do it.
    runtime = {key: connections["default"].settings_dict[key] for key in _CREDENTIALS}
    _use_credentials_of("default", connections["owner"].settings_dict)
    return runtime


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_modify_db_settings, django_db_blocker):
    runtime_credentials = django_db_modify_db_settings
    role = runtime_role()
    if role is not None:
        # "default" still connects as the owner here, to the test database.
        with django_db_blocker.unblock(), connections["default"].cursor() as cursor:
            # Flushing between transactional tests needs TRUNCATE, which the
            # production grant leaves out (TRUNCATE ignores row-level security).
            # Only TRUNCATE: the other rights stay exactly as in production.
            cursor.execute(
                sql.SQL("GRANT TRUNCATE ON ALL TABLES IN SCHEMA public TO {}").format(
                    sql.Identifier(role)
                )
            )
    _use_credentials_of("default", runtime_credentials)
    yield
    # The owner drops the test database; no runtime session may stay open.
    _use_credentials_of("default", connections["owner"].settings_dict)
    for connection in connections.all():
        connection.close()


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.LANGUAGE_CODE = "fr"
    # Hashing is not under test here; the production hasher costs ~0.3 s a user.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def two_tenants(db):
    """Organisations A and B, each with a territory and one member per role."""
    from tests import factories
    from thrasos.accounts.models import Role

    data = {}
    for key, name in (("a", "Organisation A"), ("b", "Organisation B")):
        org = factories.organisation(name, f"org-{key}")
        territory = factories.territory(org, f"Territoire {key.upper()}")
        members = {
            role: factories.member(
                org,
                role,
                territories=[territory] if role in (Role.CASEWORKER, Role.VOLUNTEER) else [],
                email=f"{role}@{key}.example.org",
            )
            for role in Role.values
        }
        data[key] = {"org": org, "territory": territory, "members": members}
    return data


@pytest.fixture
def client_factory():
    """Fresh, independent test clients (another browser)."""
    from django.test import Client

    return Client
