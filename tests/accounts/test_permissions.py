import pytest

from thrasos import permissions
from thrasos.accounts.models import Role
from thrasos.permissions import Sensitivity

FIELDS = {
    "first_name": Sensitivity.CONTACT,
    "phone": Sensitivity.CONTACT,
    "nationality": Sensitivity.IDENTITY,
    "protection_status": Sensitivity.PROTECTION,
    "residence_permit_number": Sensitivity.PROTECTION,
    "case_note": Sensitivity.CASE_NOTES,
    "passport_scan": Sensitivity.DOCUMENTS,
    "health_cover": Sensitivity.HEALTH,
    "last_mentoring_note": Sensitivity.MENTORING,
}


def test_volunteers_read_contact_and_mentoring_fields_only():
    assert permissions.readable_fields(Role.VOLUNTEER, FIELDS) == [
        "first_name",
        "phone",
        "last_mentoring_note",
    ]


def test_managers_read_no_individual_field():
    assert permissions.readable_fields(Role.MANAGER, FIELDS) == []


@pytest.mark.parametrize("role", [Role.ADMIN, Role.COORDINATOR, Role.CASEWORKER])
def test_case_file_roles_read_everything(role):
    assert permissions.readable_fields(role, FIELDS) == list(FIELDS)


def test_unknown_role_reads_nothing():
    assert permissions.readable_fields("intruder", FIELDS) == []


@pytest.mark.django_db
def test_territory_scope_by_role(two_tenants):
    from thrasos.tenancy import tenant_context

    a = two_tenants["a"]
    with tenant_context(a["org"]):
        assert permissions.territory_ids(a["members"][Role.COORDINATOR]) is None
        assert permissions.territory_ids(a["members"][Role.ADMIN]) is None
        assert permissions.territory_ids(a["members"][Role.CASEWORKER]) == {a["territory"].pk}
        assert permissions.territory_ids(a["members"][Role.VOLUNTEER]) == {a["territory"].pk}


def test_mfa_required_for_staff_roles_and_operators():
    assert permissions.requires_mfa([Role.CASEWORKER])
    assert permissions.requires_mfa([Role.MANAGER])
    assert not permissions.requires_mfa([Role.VOLUNTEER])
    assert permissions.requires_mfa([Role.VOLUNTEER], platform_operator=True)
    assert not permissions.requires_mfa([])
