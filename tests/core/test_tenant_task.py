import pytest
from django_scopes import ScopeError

from thrasos.accounts.models import Territory
from thrasos.celery import TenantTask, app
from thrasos.tenancy import current_organisation_id


@app.task(base=TenantTask)
def territory_names() -> list[str]:
    return [current_organisation_id(), *Territory.objects.values_list("name", flat=True)]


@app.task
def territory_names_without_tenant() -> list[str]:
    return list(Territory.objects.values_list("name", flat=True))


pytestmark = pytest.mark.django_db


def test_a_tenant_task_runs_inside_its_organisation(two_tenants):
    a, b = two_tenants["a"], two_tenants["b"]
    assert territory_names.apply(kwargs={"organisation_id": a["org"].pk}).get() == [
        a["org"].pk,
        "Territoire A",
    ]
    assert territory_names.apply(kwargs={"organisation_id": b["org"].pk}).get() == [
        b["org"].pk,
        "Territoire B",
    ]
    assert current_organisation_id() is None


def test_a_tenant_task_needs_its_organisation(two_tenants):
    with pytest.raises(TypeError, match="organisation_id"):
        territory_names.apply(throw=True).get()


def test_a_plain_task_cannot_read_tenant_data(two_tenants):
    with pytest.raises(ScopeError):
        territory_names_without_tenant.apply(throw=True).get()


def test_delay_on_commit_sends_once_the_transaction_commits(
    monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    monkeypatch.setattr(
        territory_names, "apply_async", lambda args=None, kwargs=None, **_: sent.append(kwargs)
    )
    with django_capture_on_commit_callbacks(execute=True):
        territory_names.delay_on_commit(organisation_id=7)
        assert sent == []
    assert sent == [{"organisation_id": 7}]
