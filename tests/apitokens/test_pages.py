"""The account pages of API tokens: creation only after MFA, shown once,
stored hashed, listed and revoked by their owner only."""

import hashlib
import time

import pytest
from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
from django.contrib.sessions.models import Session
from django.db import connection
from django.urls import reverse

from tests.apitokens.helpers import current_code, make_token, pass_mfa
from tests.factories import member
from thrasos.accounts.models import Role
from thrasos.apitokens.models import ApiToken, Scope
from thrasos.tenancy import tenant_context

pytestmark = pytest.mark.django_db

CREATE = reverse("api_token_create")
FORM = {"name": "Tableau de bord", "scope": Scope.READ, "validity": "90"}


def tokens_of(org):
    with tenant_context(org):
        return list(ApiToken.objects.all())


@pytest.mark.parametrize("role", Role.values)
def test_a_session_that_did_not_pass_mfa_cannot_create_a_token(client, two_tenants, role):
    # force_login opens a session without the code: the MFA middleware lets a
    # staff member with an authenticator in, but this page asks for the code.
    a = two_tenants["a"]
    client.force_login(a["members"][role].user)
    page = client.get(CREATE)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Saisir un code" in body
    assert reverse("mfa_reauthenticate") in body
    assert 'name="name"' not in body
    response = client.post(CREATE, FORM)
    assert response.status_code == 403
    assert tokens_of(a["org"]) == []


def test_a_volunteer_without_authenticator_is_sent_to_enrol_first(client, two_tenants):
    a = two_tenants["a"]
    volunteer = member(a["org"], Role.VOLUNTEER, territories=[a["territory"]], mfa=False)
    client.force_login(volunteer.user)
    body = client.get(CREATE).content.decode()
    assert reverse("mfa_activate_totp") in body
    assert client.post(CREATE, FORM).status_code == 403
    assert tokens_of(a["org"]) == []


def test_an_mfa_step_older_than_the_reauthentication_timeout_is_asked_again(client, two_tenants):
    a = two_tenants["a"]
    pass_mfa(client, a["members"][Role.CASEWORKER].user)
    session = client.session
    for record in session[AUTHENTICATION_METHODS_SESSION_KEY]:
        record["at"] = time.time() - 3600
    session.save()
    assert client.post(CREATE, FORM).status_code == 403
    assert tokens_of(a["org"]) == []


def test_entering_a_code_again_allows_creation(client, two_tenants):
    user = two_tenants["a"]["members"][Role.VOLUNTEER].user
    client.force_login(user)
    response = client.post(
        reverse("mfa_reauthenticate") + f"?next={CREATE}", {"code": current_code()}
    )
    assert response.status_code == 302
    assert response["Location"] == CREATE
    assert client.post(CREATE, FORM).status_code == 200
    assert len(tokens_of(two_tenants["a"]["org"])) == 1


def test_the_token_is_shown_once_and_only_its_hash_is_stored(client, two_tenants):
    a = two_tenants["a"]
    pass_mfa(client, a["members"][Role.COORDINATOR].user)
    assert 'name="name"' in client.get(CREATE).content.decode()
    response = client.post(CREATE, FORM)
    assert response.status_code == 200
    body = response.content.decode()
    (api_token,) = tokens_of(a["org"])
    token = body.split('id="new-token"')[1].split(">", 1)[1].split("</textarea>")[0]
    assert token.startswith(f"thr_{a['org'].pk}_") and len(token) > 40
    assert "ne sera plus affiché" in body
    assert api_token.key_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token.startswith(api_token.prefix) and len(api_token.prefix) < len(token) - 30
    assert api_token.scope == Scope.READ
    assert 89 <= (api_token.expires_at - api_token.created_at).days <= 90
    # Nowhere in clear: not in the token tables (rows and history), not in
    # any session, not in the list page.
    with tenant_context(a["org"]), connection.cursor() as cursor:
        for table in ("apitokens_apitoken", "apitokens_apitokenevent"):
            cursor.execute(f"SELECT t::text FROM {table} t")  # noqa: S608 (constant names)
            rows = [row[0] for row in cursor.fetchall()]
            assert rows and not any(token in row for row in rows), table
            assert not any(token[len(api_token.prefix) :] in row for row in rows), table
    for session in Session.objects.all():
        assert token not in str(session.get_decoded())
    listing = client.get(reverse("api_token_list")).content.decode()
    assert api_token.prefix in listing and token not in listing


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({**FORM, "name": ""}, "Ce champ est obligatoire"),
        ({**FORM, "validity": "999"}, "Sélectionnez un choix valide"),
        ({**FORM, "scope": "admin"}, "Sélectionnez un choix valide"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(client, two_tenants, data, message):
    a = two_tenants["a"]
    pass_mfa(client, a["members"][Role.ADMIN].user)
    response = client.post(CREATE, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert tokens_of(a["org"]) == []


def test_the_list_shows_only_my_tokens_of_the_current_organisation(
    client, two_tenants, django_assert_max_num_queries
):
    a, b = two_tenants["a"], two_tenants["b"]
    mine = a["members"][Role.CASEWORKER]
    make_token(mine)
    make_token(a["members"][Role.ADMIN])  # a colleague's
    make_token(b["members"][Role.CASEWORKER])  # another organisation's
    client.force_login(mine.user)
    url = reverse("api_token_list")
    client.get(url)
    with django_assert_max_num_queries(30) as one:
        body = client.get(url).content.decode()
    assert body.count("<article") == 1
    make_token(mine, scope=Scope.READ_WRITE)
    make_token(mine)
    with django_assert_max_num_queries(30) as three:
        body = client.get(url).content.decode()
    assert body.count("<article") == 3
    assert len(three.captured_queries) == len(one.captured_queries)
    assert "Lecture et écriture" in body and "Lecture seule" in body


def test_only_the_owner_can_revoke_a_token(client, two_tenants):
    a, b = two_tenants["a"], two_tenants["b"]
    mine, _ = make_token(a["members"][Role.CASEWORKER])
    colleague, _ = make_token(a["members"][Role.ADMIN])
    other_org, _ = make_token(b["members"][Role.CASEWORKER])
    client.force_login(a["members"][Role.CASEWORKER].user)
    for pk in (colleague.pk, other_org.pk, 424242):
        response = client.post(reverse("api_token_revoke", args=[pk]))
        assert response.status_code == 404
    assert client.get(reverse("api_token_revoke", args=[mine.pk])).status_code == 405
    response = client.post(reverse("api_token_revoke", args=[mine.pk]))
    assert response["Location"] == reverse("api_token_list")
    with tenant_context(a["org"]):
        assert ApiToken.objects.get(pk=mine.pk).revoked_at is not None
        assert ApiToken.objects.get(pk=colleague.pk).revoked_at is None
    with tenant_context(b["org"]):
        assert ApiToken.objects.get(pk=other_org.pk).revoked_at is None
    assert "révoqué" in client.get(reverse("api_token_list")).content.decode()
