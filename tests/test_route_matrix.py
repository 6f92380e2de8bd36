"""Every URL pattern, classified, walked as every role.

Classes:
- public:   reachable without login (login, password reset, invitation, health);
- account:  login required, about the user's own account, no tenant data;
- platform: platform operators (Django admin);
- tenant:   data of the current organisation.
A new URL pattern that is not classified here fails the suite: classify it,
and for a tenant page about one object, say which object of organisation B to
try (TENANT_OBJECT_ROUTES)."""

import datetime
import re

import pytest
from django.db import connection, transaction
from django.urls import URLResolver, get_resolver, resolve, reverse
from django.utils import timezone

from housing.models import Occupancy
from mentoring.models import MentoringNote, Mentorship, Nudge
from placements.models import AlternanceContract, FollowUp, ProfessionalProject
from sessions.models import Activity, Enrolment, PreparationSession
from sessions.services import activity_create, enrolment_create
from tests import route_cases
from tests.notifications.helpers import notification_for
from thrasos.accounts.models import Invitation, Membership, Role
from thrasos.apitokens.models import ApiToken
from thrasos.apitokens.services import api_token_create
from thrasos.core.gates import view_gate
from thrasos.notifications.models import Notification
from thrasos.tenancy import tenant_context

PUBLIC = {
    "healthz",
    "set_language",
    "invitation_accept",
    "account_login",
    "account_logout",
    "account_inactive",
    "account_signup",
    "account_reset_password",
    "account_reset_password_done",
    "account_reset_password_from_key",
    "account_reset_password_from_key_done",
    "account_confirm_login_code",
    "account_confirm_email",
    "account_email_verification_sent",
    "mfa_authenticate",
}
ACCOUNT = {
    "home",
    "organisation_switch",
    "mfa_required",
    "account_reauthenticate",
    "account_request_reauthentication_code",
    "account_confirm_reauthentication_code",
    "account_email",
    "account_change_password",
    "account_set_password",
    "mfa_index",
    "mfa_reauthenticate",
    "mfa_activate_totp",
    "mfa_deactivate_totp",
    "mfa_view_recovery_codes",
    "mfa_generate_recovery_codes",
    "mfa_download_recovery_codes",
    "usersessions_list",
    "api_token_list",
    "api_token_create",
    "api_token_revoke",
    "api-schema",
    "api-docs",
    "api-root",
}
PLATFORM_PREFIX = "plateforme/admin/"

ALL = frozenset(Role.values)
ADMIN = frozenset({Role.ADMIN})
CASE_FILES = frozenset({Role.ADMIN, Role.COORDINATOR, Role.CASEWORKER})
SESSIONS = frozenset({Role.ADMIN, Role.COORDINATOR, Role.CASEWORKER})
MENTORING = CASE_FILES | {Role.VOLUNTEER}
HOUSING = frozenset({Role.ADMIN, Role.COORDINATOR, Role.CASEWORKER})
HOUSING_FIGURES = HOUSING | {Role.MANAGER}
PLACEMENTS = frozenset({Role.ADMIN, Role.COORDINATOR, Role.CASEWORKER})
VOLUNTEERS = frozenset({Role.VOLUNTEER})
MENTORING_SUPERVISORS = CASE_FILES
PERSONAL_DATA = frozenset({Role.ADMIN, Role.COORDINATOR})
REPORTS = frozenset({Role.ADMIN, Role.COORDINATOR, Role.MANAGER})


def _read(roles):
    return {"get": roles}


def _write(roles):
    return {"post": roles}


def _form(roles):
    return {"get": roles, "post": roles}


def _api_detail(roles):
    return {"get": roles, "put": roles, "patch": roles}


# Tenant routes: the roles of one organisation allowed, per method. A method
# not named is refused or ignored (405, or the page shown again), and writes
# nothing, for every role. Every route here must declare a gate.
ALLOWED = {
    "api_token_list": _read(ALL),
    "api_token_create": _form(ALL),
    "api_token_revoke": _write(ALL),
    "notifications:index": _read(ALL),
    "notifications:open": _read(ALL),
    "notifications:read": _write(ALL),
    "notifications:read_all": _write(ALL),
    "notifications:preferences": _form(ALL),
    "notifications:options": _form(ADMIN),
    "organisation_home": _read(ADMIN),
    "territory_create": _form(ADMIN),
    "territory_edit": _form(ADMIN),
    "member_edit": _form(ADMIN),
    # GET: the confirmation step; POST: access ended.
    "member_deactivate": _form(ADMIN),
    "member_reactivate": _write(ADMIN),
    "invitation_create": _form(ADMIN),
    "invitation_revoke": _write(ADMIN),
    "beneficiaries:index": _read(CASE_FILES),
    "beneficiaries:create": _form(CASE_FILES),
    "beneficiaries:export": _read(CASE_FILES),
    "beneficiaries:export_xlsx": _read(CASE_FILES),
    "beneficiaries:detail": _read(CASE_FILES),
    "beneficiaries:summary_pdf": _read(CASE_FILES),
    "beneficiaries:edit": _form(CASE_FILES),
    "beneficiaries:transition": _write(CASE_FILES),
    "beneficiaries:note_add": _write(CASE_FILES),
    "beneficiaries:move": _write(CASE_FILES),
    "beneficiaries:prerequisites": _write(CASE_FILES),
    "beneficiaries:assessment_add": _write(CASE_FILES),
    "beneficiaries:document_upload": _write(CASE_FILES),
    "beneficiaries:document_download": _read(CASE_FILES),
    "sessions:index": _read(SESSIONS),
    "sessions:create": _form(SESSIONS),
    "sessions:detail": _read(SESSIONS),
    "sessions:edit": _form(SESSIONS),
    "sessions:status": _write(SESSIONS),
    "sessions:enrol": _form(SESSIONS),
    "sessions:activity_create": _form(SESSIONS),
    "sessions:series_create": _form(SESSIONS),
    "sessions:grid": _read(SESSIONS),
    "sessions:ical": _read(SESSIONS),
    "sessions:today": _read(SESSIONS),
    "sessions:signin_sheet": _read(SESSIONS),
    "sessions:signin_sheet_week": _read(SESSIONS),
    "sessions:enrolment_end": _form(SESSIONS),
    "sessions:enrolment_promote": _write(SESSIONS),
    # GET: the confirmation step; POST: removed.
    "sessions:enrolment_remove": _form(SESSIONS),
    "sessions:enrolment_reorder": _write(SESSIONS),
    "sessions:attendance": _form(SESSIONS),
    "sessions:activity_edit": _form(SESSIONS),
    "sessions:activity_cancel": _form(SESSIONS),
    "sessions:activity_restore": _write(SESSIONS),
    "placements:index": _read(CASE_FILES),
    "housing:index": _read(CASE_FILES),
    "mentoring:index": _read(MENTORING),
    "beneficiary-list": _form(CASE_FILES),
    "beneficiary-detail": _api_detail(CASE_FILES),
    "beneficiary-transition": _write(CASE_FILES),
    "beneficiary-notes": _form(CASE_FILES),
    "beneficiary-assessments": _form(CASE_FILES),
    "beneficiary-documents": _form(CASE_FILES),
    "session-list": _form(SESSIONS),
    "session-detail": _api_detail(SESSIONS),
    "session-enrol": _write(SESSIONS),
    "session-set-status": _write(SESSIONS),
    "enrolment-list": _read(SESSIONS),
    "enrolment-detail": _read(SESSIONS),
    "enrolment-complete": _write(SESSIONS),
    "enrolment-drop-out": _write(SESSIONS),
    "enrolment-promote": _write(SESSIONS),
    "enrolment-remove": _write(SESSIONS),
    "activity-list": _form(SESSIONS),
    "activity-detail": _api_detail(SESSIONS),
    "activity-series": _write(SESSIONS),
    "activity-attendance": _form(SESSIONS),
    "activity-cancel": _write(SESSIONS),
    "housing:unit_create": _form(HOUSING),
    "housing:board": _read(HOUSING),
    "housing:figures": _read(HOUSING_FIGURES),
    "housing:unit": _read(HOUSING),
    "housing:unit_edit": _form(HOUSING),
    "housing:place_add": _write(HOUSING),
    "housing:place_close": _form(HOUSING),
    "housing:place_book": _form(HOUSING),
    "housing:occupancy_extend": _form(HOUSING),
    "housing:occupancy_move": _form(HOUSING),
    "housing:occupancy_end": _form(HOUSING),
    "housing:case_file_book": _form(HOUSING),
    "housing-unit-list": _form(HOUSING),
    "housing-unit-detail": _api_detail(HOUSING),
    "housing-place-list": _form(HOUSING),
    "housing-place-detail": _read(HOUSING),
    "housing-place-available": _read(HOUSING),
    "housing-occupancy-list": _form(HOUSING),
    "housing-occupancy-detail": _read(HOUSING),
    "housing-occupancy-extend": _write(HOUSING),
    "housing-occupancy-move": _write(HOUSING),
    "housing-occupancy-end": _write(HOUSING),
    "placements:employer_create": _form(PLACEMENTS),
    "placements:employer_detail": _read(PLACEMENTS),
    "placements:employer_edit": _form(PLACEMENTS),
    "placements:training_create": _form(PLACEMENTS),
    "placements:training_detail": _read(PLACEMENTS),
    "placements:training_edit": _form(PLACEMENTS),
    "placements:contracts": _read(PLACEMENTS),
    "placements:contracts_export": _read(PLACEMENTS),
    "placements:contracts_export_xlsx": _read(PLACEMENTS),
    "placements:project_create": _form(PLACEMENTS),
    "placements:project_edit": _form(PLACEMENTS),
    "placements:project_validate": _write(PLACEMENTS),
    "placements:project_abandon": _write(PLACEMENTS),
    "placements:contract_create": _form(PLACEMENTS),
    "placements:contract_edit": _form(PLACEMENTS),
    "placements:contract_start": _write(PLACEMENTS),
    "placements:contract_break": _write(PLACEMENTS),
    "placements:contract_complete": _write(PLACEMENTS),
    "placements:contract_result": _write(PLACEMENTS),
    "placements:follow_up_record": _form(PLACEMENTS),
    "employer-list": _form(PLACEMENTS),
    "employer-detail": _api_detail(PLACEMENTS),
    "training-organisation-list": _form(PLACEMENTS),
    "training-organisation-detail": _api_detail(PLACEMENTS),
    "project-list": _form(PLACEMENTS),
    "project-detail": _api_detail(PLACEMENTS),
    "project-validate": _write(PLACEMENTS),
    "project-abandon": _write(PLACEMENTS),
    "contract-list": _form(PLACEMENTS),
    "contract-detail": _api_detail(PLACEMENTS),
    "contract-start": _write(PLACEMENTS),
    "contract-break": _write(PLACEMENTS),
    "contract-complete": _write(PLACEMENTS),
    "contract-result": _write(PLACEMENTS),
    "follow-up-list": _read(PLACEMENTS),
    "follow-up-detail": _read(PLACEMENTS),
    "follow-up-record": _write(PLACEMENTS),
    "mentoring:mentee": _read(VOLUNTEERS),
    "mentoring:note_create": _form(VOLUNTEERS),
    "mentoring:note_edit": _form(VOLUNTEERS),
    "mentoring:alerts": _read(MENTORING_SUPERVISORS),
    "mentoring:alert_acknowledge": _write(MENTORING_SUPERVISORS),
    "mentoring:volunteers": _read(MENTORING_SUPERVISORS),
    "mentoring:volunteer_profile": _form(MENTORING_SUPERVISORS),
    "mentoring:nudge": _form(MENTORING_SUPERVISORS),
    "mentoring:mentorship_create": _form(MENTORING_SUPERVISORS),
    "mentoring:mentorship_status": _form(MENTORING_SUPERVISORS),
    "mentorship-list": _form(MENTORING_SUPERVISORS),
    "mentorship-detail": _read(MENTORING_SUPERVISORS),
    "mentorship-set-status": _write(MENTORING_SUPERVISORS),
    "mentoring-note-list": _read(MENTORING_SUPERVISORS),
    "mentoring-note-detail": _read(MENTORING_SUPERVISORS),
    "mentoring-alert-list": _read(MENTORING_SUPERVISORS),
    "mentoring-alert-detail": _read(MENTORING_SUPERVISORS),
    "mentoring-alert-acknowledge": _write(MENTORING_SUPERVISORS),
    "my-mentorship-list": _read(VOLUNTEERS),
    "my-mentorship-detail": _read(VOLUNTEERS),
    "my-mentorship-notes": _form(VOLUNTEERS),
    "my-note-detail": {"get": VOLUNTEERS, "patch": VOLUNTEERS},
    "mentoring:settings": _form(ADMIN),
    "placements:referentials": _read(ADMIN),
    "placements:sector_create": _form(ADMIN),
    "placements:sector_edit": _form(ADMIN),
    "placements:diploma_level_edit": _form(ADMIN),
    "placements:opco_create": _form(ADMIN),
    "placements:opco_edit": _form(ADMIN),
    "privacy:register": _read(PERSONAL_DATA),
    "privacy:retention": _read(PERSONAL_DATA),
    "privacy:person": _read(PERSONAL_DATA),
    "privacy:notice_add": _write(CASE_FILES),
    "privacy:export_request": _write(PERSONAL_DATA),
    "privacy:export_download": _read(PERSONAL_DATA),
    "privacy:hold_add": _write(PERSONAL_DATA),
    "privacy:anonymise": _form(ADMIN),
    "reports:index": _form(REPORTS),
    "reports:indicators": _read(REPORTS),
    "reports:export": _read(REPORTS),
    "reports:status": _read(REPORTS),
    "reports:download": _read(REPORTS),
    "indicator-list": _read(REPORTS),
    "report-list": _form(REPORTS),
    "report-detail": _read(REPORTS),
}
TENANT = set(ALLOWED)
# Tenant pages about one object: which object of organisation B to ask for
# (document_download, with two ids, is tested in tests/beneficiaries/test_documents.py).
_KIND = {
    "person": "beneficiary",
    "running": "session",
    "planned": "session",
    "enrolled": "enrolment",
    "enrolled_2": "enrolment",
    "waiting": "enrolment",
    "waiting_2": "enrolment",
    "past": "activity",
    "spare": "activity",
    "cancelled": "activity",
    "territory": "territory",
    "member": "member",
    "invitation": "invitation",
    "housing_unit": "housing_unit",
    "housing_free_place": "housing_place",
    "housing_occupancy": "housing_occupancy",
    "housing_person": "beneficiary",
    "pl_employer": "pl_employer",
    "pl_training": "pl_training",
    "pl_fresh": "beneficiary",
    "pl_seeking": "beneficiary",
    "pl_project": "pl_project",
    "pl_signed": "pl_contract",
    "pl_running": "pl_contract",
    "pl_follow_up": "pl_follow_up",
    "pair": "mentorship",
    "mentoring_note": "mentoring_note",
    "mentoring_alert": "mentoring_note",
    "volunteer_profile": "volunteer_profile",
    "pl_sector": "pl_sector",
    "pl_level": "pl_level",
    "pl_opco": "pl_opco",
    "report": "report",
}
TENANT_OBJECT_ROUTES = {name: _KIND[key] for name, key in route_cases.OBJECT_OF.items()}
TENANT_OBJECT_ROUTES["api_token_revoke"] = "api_token"
TENANT_OBJECT_ROUTES["notifications:open"] = "notification"
TENANT_OBJECT_ROUTES["notifications:read"] = "notification"

ARGUMENT_VALUES = {"int": "4242", "str": "abc-123", "path": "1", "drf_format_suffix": ".json"}


def _walk(patterns, prefix="", namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        else:
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            yield name, prefix + str(pattern.pattern)


def all_routes() -> list[tuple[str | None, str]]:
    return list(_walk(get_resolver().url_patterns))


def classify(name: str | None, path: str) -> str | None:
    if path.startswith(PLATFORM_PREFIX):
        return "platform"
    if name in PUBLIC:
        return "public"
    if name in ACCOUNT:
        return "account"
    if name in TENANT or name in TENANT_OBJECT_ROUTES:
        return "tenant"
    return None


def example_url(path: str) -> str:
    """A concrete URL for a pattern, with placeholder values."""
    regex_values = {"format": "json", "uidb36": "abc"}
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: regex_values.get(m.group(1), "4242"), path)
    path = re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: ARGUMENT_VALUES[m.group(1) or "str"], path)
    path = path.replace("^", "").replace("$", "").replace("\\.", ".").replace("/?", "/")
    return "/" + path


def test_every_route_is_classified():
    unclassified = [(n, p) for n, p in all_routes() if classify(n, p) is None]
    assert unclassified == [], f"classify these routes in {__file__}: {unclassified}"


def test_classification_names_no_route_that_does_not_exist():
    names = {n for n, _ in all_routes()}
    stale = (PUBLIC | ACCOUNT | TENANT | set(TENANT_OBJECT_ROUTES)) - names
    assert stale == set()


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "path"), all_routes(), ids=lambda v: str(v))
def test_anonymous_requests(client, name, path):
    kind = classify(name, path)
    url = example_url(path)
    response = client.get(url)
    assert response.status_code < 500, url
    if path.startswith("api/"):
        # The API answers 401/403 rather than redirecting to a login page.
        assert response.status_code in {401, 403}, url
    elif kind in {"account", "tenant"}:
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("account_login")), url
    elif kind == "platform":
        assert response.status_code == 302, url
        assert "login" in response["Location"], url


def _tenant_object_routes():
    return [(n, p) for n, p in all_routes() if n in TENANT_OBJECT_ROUTES]


def _objects_of(tenant) -> dict:
    with tenant_context(tenant["org"]):
        invitation = Invitation.objects.create(
            email="invite-b@example.org",
            role=Role.VOLUNTEER,
            token_hash=f"matrix-{tenant['org'].pk}",
            invited_by=tenant["members"][Role.ADMIN].user,
            expires_at="2099-01-01T00:00:00Z",
        )
    from tests import factories

    actor = tenant["members"][Role.ADMIN].user
    session = factories.session(tenant["org"], tenant["territory"], name="Session Secret-B")
    admitted = factories.admitted(
        tenant["org"], tenant["territory"], actor, last_name="Secret-B", first_name="Inscrite"
    )
    with tenant_context(tenant["org"]):
        enrolment = enrolment_create(actor=actor, session=session, beneficiary=admitted)
        activity = activity_create(
            actor=actor,
            session=session,
            data={
                "kind": "workshop",
                "title": "Atelier Secret-B",
                "date": session.start_date,
                "start_time": datetime.time(9),
                "end_time": datetime.time(10),
            },
        )
    with tenant_context(tenant["org"]):
        api_token, _token = api_token_create(
            actor=actor,
            membership=tenant["members"][Role.ADMIN],
            name="Intégration B",
            scope="read_write",
            expires_at=timezone.now() + datetime.timedelta(days=30),
        )
    from tests.mentoring import factories as mentoring_factories

    mentee = factories.beneficiary(
        tenant["org"], tenant["territory"], actor, last_name="Secret-B", first_name="Binôme"
    )
    profile = mentoring_factories.profile(
        tenant["org"], tenant["members"][Role.VOLUNTEER], tenant["territory"]
    )
    pair = mentoring_factories.pair(tenant["org"], profile, mentee, actor=actor)
    mentoring_note = mentoring_factories.note(
        tenant["org"], pair, alert="urgent", summary="Compte rendu Secret-B"
    )
    return {
        "mentorship": pair,
        "mentoring_note": mentoring_note,
        "volunteer_profile": profile,
        "beneficiary": factories.beneficiary(
            tenant["org"], tenant["territory"], actor, last_name="Secret-B", first_name="Personne"
        ),
        "session": session,
        "enrolment": enrolment,
        "activity": activity,
        "territory": tenant["territory"],
        "member": tenant["members"][Role.CASEWORKER],
        "invitation": invitation,
        "api_token": api_token,
        "notification": notification_for(
            tenant["org"], tenant["members"][Role.ADMIN], subject="Secret-B"
        ),
        **_housing_of(tenant, actor, admitted),
        **_placements_of(tenant),
        "report": route_cases.ready_report(
            tenant["org"], tenant["members"][Role.MANAGER].user, "Rapport Secret-B"
        ),
    }


def _placements_of(tenant) -> dict:
    from tests.placements import factories as placements

    world = placements.world(
        tenant["org"], tenant["territory"], tenant["members"][Role.ADMIN].user, tag="Secret-B"
    )
    return {
        "pl_employer": world["pl_employer"],
        "pl_training": world["pl_training"],
        "pl_project": world["pl_project"],
        "pl_contract": world["pl_signed"],
        "pl_follow_up": world["pl_follow_up"],
        "pl_sector": world["pl_sector"],
        "pl_level": world["pl_level"],
        "pl_opco": world["pl_opco"],
    }


def _housing_of(tenant, actor, person) -> dict:
    from tests.housing import factories as housing_factories

    unit = housing_factories.unit(
        tenant["org"], tenant["territory"], places=2, name="Logement Secret-B"
    )
    occupied, free = housing_factories.places(tenant["org"], unit)
    occupancy = housing_factories.occupancy(
        tenant["org"], actor, person, occupied, timezone.localdate() - datetime.timedelta(days=30)
    )
    return {"housing_unit": unit, "housing_place": free, "housing_occupancy": occupancy}


B_MARKERS = (
    "Territoire B",
    "b.example.org",
    "Organisation B",
    "invite-b@example.org",
    "SECRET-B",
    "Secret-B",
)


@pytest.mark.django_db
@pytest.mark.parametrize("role", Role.values)
def test_each_role_of_a_gets_404_for_every_object_of_b(client, two_tenants, role):
    objects_b = _objects_of(two_tenants["b"])
    client.force_login(two_tenants["a"]["members"][role].user)
    routes = _tenant_object_routes()
    assert routes
    for name, _path in routes:
        obj = objects_b[TENANT_OBJECT_ROUTES[name]]
        url = reverse(name, kwargs={"pk": obj.pk})
        statuses = set()
        for method in ("get", "post", "patch"):
            response = getattr(client, method)(url)
            body = response.content.decode()
            # A method the route does not take may be answered 405 before any
            # lookup: that says nothing about the object. Every other answer is 404.
            assert response.status_code in {404, 405}, (role, method, url, response.status_code)
            assert not any(marker in body for marker in B_MARKERS), (role, method, url)
            statuses.add(response.status_code)
        assert 404 in statuses, (role, url)
    # Nothing of B changed.
    with tenant_context(two_tenants["b"]["org"]):
        assert Membership.objects.get(pk=objects_b["member"].pk).is_active
        assert Invitation.objects.get(pk=objects_b["invitation"].pk).revoked_at is None
        assert PreparationSession.objects.get(pk=objects_b["session"].pk).status == "planned"
        assert Enrolment.objects.get(pk=objects_b["enrolment"].pk).status == "enrolled"
        assert Activity.objects.get(pk=objects_b["activity"].pk).cancelled_at is None
        assert ApiToken.objects.get(pk=objects_b["api_token"].pk).revoked_at is None
        occupancy = Occupancy.objects.get(pk=objects_b["housing_occupancy"].pk)
        assert occupancy.actual_end_date is None
        assert Occupancy.objects.filter(place=objects_b["housing_place"]).count() == 0
        assert AlternanceContract.objects.get(pk=objects_b["pl_contract"].pk).status == "signed"
        assert ProfessionalProject.objects.get(pk=objects_b["pl_project"].pk).status == (
            "in_progress"
        )
        assert FollowUp.objects.get(pk=objects_b["pl_follow_up"].pk).observed_on is None
        note_b = MentoringNote.objects.get(pk=objects_b["mentoring_note"].pk)
        assert note_b.acknowledged_at is None and note_b.summary == "Compte rendu Secret-B"
        assert Mentorship.objects.get(pk=objects_b["mentorship"].pk).status == "active"
        assert not Nudge.objects.exists()
        assert Notification.objects.get(pk=objects_b["notification"].pk).read_at is None


@pytest.mark.django_db
@pytest.mark.parametrize("role", Role.values)
def test_each_role_of_a_sees_no_b_data_and_no_server_error(client, two_tenants, role):
    """Lists, searches and API lists of A, with data in B: nothing of B in any
    answer, HTML or JSON."""
    _objects_of(two_tenants["b"])
    client.force_login(two_tenants["a"]["members"][role].user)
    for name, path in all_routes():
        if classify(name, path) not in {"tenant", "account"} or name in TENANT_OBJECT_ROUTES:
            continue
        url = example_url(path)
        response = client.get(url)
        assert response.status_code < 500, (role, url)
        body = response.content.decode(errors="replace")
        assert not any(marker in body for marker in B_MARKERS), (role, url)


@pytest.mark.django_db
@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.ADMIN])
def test_only_admins_reach_admin_pages_of_their_own_organisation(client, two_tenants, role):
    a = two_tenants["a"]
    client.force_login(a["members"][role].user)
    for name in ("organisation_home", "territory_create", "invitation_create"):
        assert client.get(reverse(name)).status_code == 403, (role, name)
    for name, kind in TENANT_OBJECT_ROUTES.items():
        obj = {"territory": a["territory"], "member": a["members"][Role.CASEWORKER]}.get(kind)
        if obj is not None and name.startswith(("territory", "member")):
            assert client.get(reverse(name, kwargs={"pk": obj.pk})).status_code == 404


@pytest.mark.django_db
def test_platform_admin_is_for_operators_only(client, two_tenants):
    client.force_login(two_tenants["a"]["members"][Role.ADMIN].user)
    assert client.get("/plateforme/admin/").status_code in {302, 403}


def test_every_tenant_route_declares_a_gate():
    ungated = [
        name
        for name, path in all_routes()
        if name in ALLOWED and view_gate(resolve(example_url(path)).func) is None
    ]
    assert ungated == []


METHODS = ("get", "post", "put", "patch", "delete")
# Written by any request of a logged-in user (sessions, "My sessions"): not data.
NOT_DATA = {"django_session", "usersessions_usersession"}


def _snapshot() -> dict[str, int]:
    """Rows inserted, updated or deleted so far in this transaction, per table
    (PostgreSQL's own per-transaction counters: a write attempt counts even
    when it was rolled back)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_xact_user_tables"
            " WHERE relname <> ALL(%s)",
            [list(NOT_DATA)],
        )
        return dict(cursor.fetchall())


def _changed(before: dict, after: dict) -> list[str]:
    return sorted(t for t in after if before.get(t, 0) != after[t])


@pytest.mark.django_db
@pytest.mark.parametrize("role", Role.values)
def test_every_role_of_one_organisation_over_every_route_and_method(client, two_tenants, role):
    """Each role of organisation A sends every method to every tenant route,
    with a body that the allowed roles get accepted. A role not allowed is
    refused — 404 on a route about one object, 403 elsewhere — and nothing is
    written: no row, no history, no access log. Each request runs in a
    transaction rolled back after it, so every role starts from the same data."""
    a = two_tenants["a"]
    world = route_cases.world(a)
    routes = {name for name, _ in all_routes() if name in ALLOWED}
    assert routes == set(ALLOWED)
    problems = []
    route_cases.log_in(client, a["members"][role].user)
    for name in sorted(routes):
        url = route_cases.url(name, world, role)
        refusal = 404 if "pk" in resolve(url).kwargs else 403
        for method in METHODS:
            allowed = ALLOWED[name].get(method)
            with transaction.atomic():
                before = _snapshot()
                response = getattr(client, method)(
                    url, **route_cases.request_kwargs(name, method, world)
                )
                if response.streaming:  # read to the end: the file is closed
                    b"".join(response.streaming_content)
                after = _snapshot()
                transaction.set_rollback(True)
            status = response.status_code
            seen = (role, method.upper(), name, status)
            if status >= 500:
                problems.append((*seen, "server error"))
            elif allowed is None:
                # A method the route does not take: 405 for the roles
                # that may use the route, the refusal for the others.
                may_use = role in set().union(*ALLOWED[name].values())
                if status != (405 if may_use else refusal) or _changed(before, after):
                    problems.append((*seen, "method not taken", _changed(before, after)))
            elif role in allowed:
                if status >= 400:
                    problems.append((*seen, "allowed role refused", _reason(response)))
            elif status != refusal or _changed(before, after):
                problems.append((*seen, f"expected {refusal}", _changed(before, after)))
    assert problems == [], "\n".join(map(str, problems))


def _reason(response) -> str:
    body = response.content.decode(errors="replace")
    if response.get("Content-Type", "").startswith("application/json"):
        return body[:300]
    errors = re.findall(r'class="errorlist[^"]*"[^>]*>\s*<li>(.*?)</li>', body, re.S)
    return " | ".join(e.strip() for e in errors if e.strip())[:300] or body[:200]
