"""Test set-up shared by the whole suite.

The test database is created and migrated by the owner role; the tests
themselves then run on the "default" alias as the runtime role, so that
privileges and row-level security are exercised as in production."""

import pytest
from django.db import connections

from thrasos.core.db import grant_runtime_privileges, runtime_role

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
            grant_runtime_privileges(cursor, role, truncate=True)
    _use_credentials_of("default", runtime_credentials)
    yield
    # The owner drops the test database; no runtime session may stay open.
    _use_credentials_of("default", connections["owner"].settings_dict)
    for connection in connections.all():
        connection.close()


@pytest.fixture(autouse=True)
def _french_by_default(settings):
    settings.LANGUAGE_CODE = "fr"
