"""Tasks that only the tests' worker imports (celery worker --include)."""

from thrasos.accounts.models import Territory
from thrasos.celery import TenantTask, app
from thrasos.tenancy import current_organisation_id


@app.task(base=TenantTask, name="tests.territory_rename")
def territory_rename(territory_id: int, name: str) -> int | None:
    """Renames a territory of the task's organisation; returns the tenant
    the worker was in."""
    Territory.objects.filter(pk=territory_id).update(name=name)
    return current_organisation_id()
