"""Requests with a personal API token: same roles, tenant and field policy as
the session; 401 for a token that cannot be used; 403 for a read-only token
that writes."""

from datetime import timedelta

import pytest
from allauth.mfa.models import Authenticator
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator

from beneficiaries.models import Beneficiary
from tests.apitokens.helpers import bearer, make_token
from tests.factories import admitted, beneficiary
from thrasos.accounts.models import Membership, Role
from thrasos.accounts.services import membership_deactivate
from thrasos.apitokens.models import ApiToken, Scope
from thrasos.apitokens.services import api_token_revoke
from thrasos.tenancy import tenant_context

pytestmark = pytest.mark.django_db

LIST = "/api/beneficiaires/"


@pytest.fixture
def api_client(client_factory):
    """No session, CSRF checked: as an integration would call the API."""
    return client_factory(enforce_csrf_checks=True)


@pytest.fixture
def case_files(two_tenants):
    """A case file in A's territory, one in another territory of A, one in B."""
    from tests.factories import territory

    a, b = two_tenants["a"], two_tenants["b"]
    admin_a, admin_b = a["members"][Role.ADMIN].user, b["members"][Role.ADMIN].user
    other = territory(a["org"], "Ailleurs", "84", "69")
    return {
        "a": admitted(a["org"], a["territory"], admin_a, last_name="Dans-A"),
        "a_elsewhere": beneficiary(a["org"], other, admin_a, last_name="Ailleurs-A"),
        "b": beneficiary(b["org"], b["territory"], admin_b, last_name="Secret-B"),
    }


def assert_401(response):
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "Location" not in response


@pytest.mark.parametrize("role", Role.values)
def test_a_token_sees_exactly_what_the_session_sees(
    client, api_client, two_tenants, case_files, role
):
    membership = two_tenants["a"]["members"][role]
    _, token = make_token(membership)
    client.force_login(membership.user)
    for url in (
        LIST,
        f"{LIST}{case_files['a'].pk}/",
        f"{LIST}{case_files['b'].pk}/",
        "/api/sessions/",
    ):
        by_session = client.get(url)
        by_token = api_client.get(url, **bearer(token))
        assert by_token.status_code == by_session.status_code, (role, url)
        assert by_token.json() == by_session.json(), (role, url)
        assert "Secret-B" not in by_token.content.decode()


def test_an_admin_token_sees_its_organisation_only(api_client, two_tenants, case_files):
    _, token = make_token(two_tenants["a"]["members"][Role.ADMIN])
    response = api_client.get(LIST, **bearer(token))
    names = sorted(row["last_name"] for row in response.json()["results"])
    assert names == ["Ailleurs-A", "Dans-A"]
    assert api_client.get(f"{LIST}{case_files['b'].pk}/", **bearer(token)).status_code == 404


def test_a_volunteer_token_gets_what_a_volunteer_gets(api_client, two_tenants, case_files):
    _, token = make_token(two_tenants["a"]["members"][Role.VOLUNTEER])
    # The same gate as the volunteer's session: no case files (403), and one
    # case file is "not found".
    assert api_client.get(LIST, **bearer(token)).status_code == 403
    assert api_client.get(f"{LIST}{case_files['a'].pk}/", **bearer(token)).status_code == 404


def test_a_token_ignores_the_session_and_its_organisation_switch(client, two_tenants, case_files):
    """A user who belongs to A and B, with a session switched to B, calls
    with a token of A (and the session cookie): A's data, and the session is
    left as it was."""
    a, b = two_tenants["a"], two_tenants["b"]
    admin_a = a["members"][Role.ADMIN]
    with tenant_context(b["org"]):
        Membership.objects.create(user=admin_a.user, role=Role.ADMIN)
    client.force_login(admin_a.user)
    client.post("/organisation/choisir/", {"organisation": b["org"].pk})
    names = [r["last_name"] for r in client.get(LIST).json()["results"]]
    assert names == ["Secret-B"]
    _, token = make_token(admin_a)
    session_before = dict(client.session)
    response = client.get(LIST, **bearer(token))
    assert sorted(r["last_name"] for r in response.json()["results"]) == ["Ailleurs-A", "Dans-A"]
    assert "sessionid" not in response.cookies
    assert dict(client.session) == session_before
    # A cookie of someone else does not lend its user either.
    volunteer_token = make_token(a["members"][Role.VOLUNTEER])[1]
    response = client.get(f"{LIST}{case_files['a'].pk}/", **bearer(volunteer_token))
    assert response.status_code == 404


def test_a_read_only_token_reads_but_cannot_write(api_client, two_tenants, case_files):
    _, token = make_token(two_tenants["a"]["members"][Role.ADMIN], scope=Scope.READ)
    assert api_client.get(LIST, **bearer(token)).status_code == 200
    detail = f"{LIST}{case_files['a'].pk}/"
    for method, url in (("post", LIST), ("put", detail), ("patch", detail), ("delete", detail)):
        response = getattr(api_client, method)(
            url, {"last_name": "Changé"}, content_type="application/json", **bearer(token)
        )
        assert response.status_code == 403, method
        assert "lecture seule" in response.json()["detail"]
    with tenant_context(two_tenants["a"]["org"]):
        case_files["a"].refresh_from_db()
    assert case_files["a"].last_name == "Dans-A"


def test_a_read_write_token_writes_without_csrf_within_the_role(
    client, api_client, two_tenants, case_files
):
    a = two_tenants["a"]
    _, token = make_token(a["members"][Role.ADMIN], scope=Scope.READ_WRITE)
    payload = {
        "last_name": "Haile",
        "first_name": "Selam",
        "sex": "F",
        "birth_date": "1996-02-29",
        "protection_status": "refugee",
        "current_territory": a["territory"].pk,
    }
    response = api_client.post(LIST, payload, content_type="application/json", **bearer(token))
    assert response.status_code == 201, response.content
    # The role still decides: a manager's read-write token is answered as
    # the manager's session, and creates nothing.
    manager = a["members"][Role.MANAGER]
    _, token = make_token(manager, scope=Scope.READ_WRITE)
    client.force_login(manager.user)
    payload["last_name"] = "Gebre"
    by_session = client.post(LIST, payload, content_type="application/json")
    by_token = api_client.post(LIST, payload, content_type="application/json", **bearer(token))
    assert by_session.status_code >= 400
    assert (by_token.status_code, by_token.json()) == (by_session.status_code, by_session.json())
    with tenant_context(a["org"]):
        assert not Beneficiary.objects.filter(last_name__iexact="Gebre").exists()


def test_an_expired_or_revoked_token_gets_401(api_client, two_tenants):
    membership = two_tenants["a"]["members"][Role.CASEWORKER]
    expired, expired_token = make_token(membership)
    with tenant_context(membership.organisation_id):
        ApiToken.objects.filter(pk=expired.pk).update(
            created_at=timezone.now() - timedelta(days=40),
            expires_at=timezone.now() - timedelta(seconds=1),
        )
    assert_401(api_client.get(LIST, **bearer(expired_token)))
    revoked, revoked_token = make_token(membership)
    assert api_client.get(LIST, **bearer(revoked_token)).status_code == 200
    with tenant_context(membership.organisation_id):
        api_token_revoke(actor=membership.user, api_token=revoked)
    assert_401(api_client.get(LIST, **bearer(revoked_token)))


@pytest.mark.parametrize(
    "value",
    [
        "nimportequoi",
        "thr_1_court",
        "thr_99999999999999999999999_" + "x" * 43,
        "thr_²_" + "x" * 43,
        "Bearer",
    ],
)
def test_a_malformed_token_gets_401(api_client, two_tenants, value):
    assert_401(api_client.get(LIST, HTTP_AUTHORIZATION=f"Bearer {value}"))


def test_a_token_presented_under_another_organisation_is_unknown(api_client, two_tenants):
    a, b = two_tenants["a"], two_tenants["b"]
    _, token = make_token(a["members"][Role.ADMIN])
    secret = token.split("_", 2)[2]
    assert_401(api_client.get(LIST, **bearer(f"thr_{b['org'].pk}_{secret}")))


def test_a_deactivated_membership_stops_its_tokens_at_once(api_client, two_tenants):
    a = two_tenants["a"]
    membership = a["members"][Role.CASEWORKER]
    _, token = make_token(membership)
    assert api_client.get(LIST, **bearer(token)).status_code == 200
    with tenant_context(a["org"]):
        membership_deactivate(actor=a["members"][Role.ADMIN].user, membership=membership)
    assert_401(api_client.get(LIST, **bearer(token)))


def test_a_deactivated_user_or_organisation_stops_the_tokens(api_client, two_tenants):
    a, b = two_tenants["a"], two_tenants["b"]
    _, token_a = make_token(a["members"][Role.COORDINATOR])
    _, token_b = make_token(b["members"][Role.COORDINATOR])
    user = a["members"][Role.COORDINATOR].user
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert_401(api_client.get(LIST, **bearer(token_a)))
    b["org"].is_active = False
    b["org"].save(update_fields=["is_active"])
    assert_401(api_client.get(LIST, **bearer(token_b)))


def test_removing_the_authenticator_stops_the_tokens(api_client, two_tenants):
    """Tokens are created after MFA: without an authenticator they would be
    a way around it (and a staff member would get JSON 401, not the HTML
    enrolment redirect)."""
    a = two_tenants["a"]
    for role, status in ((Role.VOLUNTEER, 403), (Role.CASEWORKER, 200)):
        membership = a["members"][role]
        _, token = make_token(membership)
        assert api_client.get(LIST, **bearer(token)).status_code == status
        Authenticator.objects.filter(user=membership.user).delete()
        assert_401(api_client.get(LIST, **bearer(token)))


def test_each_use_is_recorded_at_most_once_a_minute(api_client, two_tenants):
    membership = two_tenants["a"]["members"][Role.CASEWORKER]
    api_token, token = make_token(membership)
    assert api_token.last_used_at is None
    api_client.get(LIST, **bearer(token), REMOTE_ADDR="192.0.2.10")

    def reload():
        with tenant_context(membership.organisation_id):
            return ApiToken.objects.get(pk=api_token.pk)

    first = reload()
    assert first.last_used_ip == "192.0.2.10"
    assert timezone.now() - first.last_used_at < timedelta(seconds=10)
    api_client.get(LIST, **bearer(token), REMOTE_ADDR="192.0.2.10")
    assert reload().last_used_at == first.last_used_at
    api_client.get(LIST, **bearer(token), REMOTE_ADDR="192.0.2.77")
    assert reload().last_used_ip == "192.0.2.77"
    with tenant_context(membership.organisation_id):
        ApiToken.objects.filter(pk=api_token.pk).update(
            last_used_at=timezone.now() - timedelta(minutes=2)
        )
    api_client.get(LIST, **bearer(token), REMOTE_ADDR="192.0.2.77")
    assert timezone.now() - reload().last_used_at < timedelta(seconds=10)


def test_a_bearer_header_is_not_a_credential_for_pages(api_client, two_tenants):
    _, token = make_token(two_tenants["a"]["members"][Role.ADMIN])
    response = api_client.get("/beneficiaires/", **bearer(token))
    assert response.status_code == 302
    assert "/compte/login" in response["Location"] or "connexion" in response["Location"]


def test_no_credentials_on_the_api_gets_401_with_the_scheme(api_client, two_tenants):
    response = api_client.get(LIST)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_the_openapi_schema_declares_the_token_scheme(api_client, two_tenants):
    schema = SchemaGenerator().get_schema(request=None, public=True)
    scheme = schema["components"]["securitySchemes"]["apiToken"]
    assert scheme["type"] == "http" and scheme["scheme"] == "bearer"
    operation = schema["paths"]["/api/beneficiaires/"]["get"]
    assert {"apiToken": []} in operation["security"]
    # Served to a token too.
    _, token = make_token(two_tenants["a"]["members"][Role.CASEWORKER])
    response = api_client.get("/api/schema/", {"format": "json"}, **bearer(token))
    assert response.status_code == 200
    assert "apiToken" in response.json()["components"]["securitySchemes"]
