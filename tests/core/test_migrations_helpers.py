from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection

from thrasos.core.migrations_helpers import for_each_organisation
from thrasos.tenancy import current_organisation_id

pytestmark = pytest.mark.django_db


def test_a_data_migration_runs_once_per_organisation_inside_its_tenant(two_tenants):
    seen = {}

    def visible_territories(organisation_id, alias):
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM accounts_territory ORDER BY name")
            seen[organisation_id] = [name for (name,) in cursor.fetchall()]

    for_each_organisation(apps, SimpleNamespace(connection=connection), visible_territories)
    assert seen == {
        two_tenants["a"]["org"].pk: ["Territoire A"],
        two_tenants["b"]["org"].pk: ["Territoire B"],
    }
    assert current_organisation_id() is None
