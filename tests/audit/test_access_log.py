import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError, ProgrammingError

from thrasos.accounts.models import Role
from thrasos.audit.models import AccessAction, AccessLog
from thrasos.audit.services import access_log_record
from thrasos.tenancy import tenant_context

pytestmark = pytest.mark.django_db


def test_access_log_records_who_read_what(two_tenants):
    a = two_tenants["a"]
    reader = a["members"][Role.CASEWORKER].user
    with tenant_context(a["org"]):
        entry = access_log_record(
            actor=reader, obj=a["territory"], action=AccessAction.VIEW, request_id="r1"
        )
        assert entry.organisation_id == a["org"].pk
        assert (entry.user, entry.object_type, entry.object_id) == (
            reader,
            "accounts.territory",
            str(a["territory"].pk),
        )
    with tenant_context(two_tenants["b"]["org"]):
        assert not AccessLog.objects.exists()


def test_access_log_is_append_only_for_the_application(two_tenants):
    a = two_tenants["a"]
    with tenant_context(a["org"]):
        entry = access_log_record(actor=None, obj=a["territory"])
        for statement in (
            "UPDATE audit_accesslog SET detail = 'x' WHERE id = %s",
            "DELETE FROM audit_accesslog WHERE id = %s",
        ):
            with pytest.raises(ProgrammingError), transaction.atomic(), connection.cursor() as c:
                c.execute(statement, [entry.pk])
        assert AccessLog.objects.filter(pk=entry.pk, detail="").exists()


@pytest.mark.django_db(databases=["default", "owner"], transaction=True)
def test_even_the_owner_cannot_rewrite_a_recent_entry(two_tenants):
    from django.db import connections

    a = two_tenants["a"]
    with tenant_context(a["org"]):
        entry = access_log_record(actor=None, obj=a["territory"])
    owner = connections["owner"]
    with transaction.atomic(using="owner"), owner.cursor() as cursor:
        cursor.execute("SELECT set_config('app.organisation_id', %s, true)", [str(a["org"].pk)])
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(using="owner"):
            cursor.execute("UPDATE audit_accesslog SET detail = 'x' WHERE id = %s", [entry.pk])
