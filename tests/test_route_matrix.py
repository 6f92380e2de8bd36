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
from django.urls import URLResolver, get_resolver, reverse

from sessions.models import Activity, Enrolment, PreparationSession
from sessions.services import activity_create, enrolment_create
from thrasos.accounts.models import Invitation, Membership, Role
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
TENANT = {
    "organisation_home",
    "territory_create",
    "invitation_create",
    "beneficiaries:index",
    "sessions:index",
    "placements:index",
    "housing:index",
    "mentoring:index",
    "beneficiaries:create",
    "beneficiaries:export",
    "beneficiary-list",
    "sessions:create",
    "session-list",
    "enrolment-list",
    "activity-list",
    "activity-series",
    # Two ids (case file and document): tested in tests/beneficiaries/test_documents.py.
    "beneficiaries:document_download",
}
# Tenant pages about one object: which object of organisation B to ask for.
TENANT_OBJECT_ROUTES = {
    "territory_edit": "territory",
    "member_edit": "member",
    "member_deactivate": "member",
    "member_reactivate": "member",
    "invitation_revoke": "invitation",
    "beneficiaries:detail": "beneficiary",
    "beneficiaries:edit": "beneficiary",
    "beneficiaries:transition": "beneficiary",
    "beneficiaries:note_add": "beneficiary",
    "beneficiaries:move": "beneficiary",
    "beneficiaries:prerequisites": "beneficiary",
    "beneficiaries:assessment_add": "beneficiary",
    "beneficiaries:document_upload": "beneficiary",
    "beneficiary-detail": "beneficiary",
    "beneficiary-notes": "beneficiary",
    "beneficiary-transition": "beneficiary",
    "beneficiary-assessments": "beneficiary",
    "beneficiary-documents": "beneficiary",
    "sessions:detail": "session",
    "sessions:edit": "session",
    "sessions:status": "session",
    "sessions:enrol": "session",
    "sessions:activity_create": "session",
    "sessions:series_create": "session",
    "sessions:grid": "session",
    "sessions:ical": "session",
    "sessions:enrolment_end": "enrolment",
    "sessions:enrolment_promote": "enrolment",
    "sessions:enrolment_remove": "enrolment",
    "sessions:enrolment_reorder": "enrolment",
    "sessions:attendance": "activity",
    "sessions:activity_edit": "activity",
    "sessions:activity_cancel": "activity",
    "sessions:activity_restore": "activity",
    "session-detail": "session",
    "session-enrol": "session",
    "session-set-status": "session",
    "enrolment-detail": "enrolment",
    "enrolment-complete": "enrolment",
    "enrolment-drop-out": "enrolment",
    "enrolment-promote": "enrolment",
    "enrolment-remove": "enrolment",
    "activity-detail": "activity",
    "activity-attendance": "activity",
    "activity-cancel": "activity",
}

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
    return {
        "beneficiary": factories.beneficiary(
            tenant["org"], tenant["territory"], actor, last_name="Secret-B", first_name="Personne"
        ),
        "session": session,
        "enrolment": enrolment,
        "activity": activity,
        "territory": tenant["territory"],
        "member": tenant["members"][Role.CASEWORKER],
        "invitation": invitation,
    }


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


@pytest.mark.django_db
@pytest.mark.parametrize("role", Role.values)
def test_each_role_of_a_sees_no_b_data_and_no_server_error(client, two_tenants, role):
    client.force_login(two_tenants["a"]["members"][role].user)
    for name, path in all_routes():
        if classify(name, path) not in {"tenant", "account"} or name in TENANT_OBJECT_ROUTES:
            continue
        url = example_url(path)
        response = client.get(url)
        assert response.status_code < 500, (role, url)
        if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
            body = response.content.decode()
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
