"""Login, MFA, throttling, sessions, deactivation."""

import time

import pytest
from django.urls import reverse

from tests.factories import DEFAULT_PASSWORD, UserFactory, member
from thrasos.accounts.middleware import SESSION_LAST_SEEN, SESSION_LOGGED_IN_AT
from thrasos.accounts.models import Role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", [Role.ADMIN, Role.COORDINATOR, Role.CASEWORKER, Role.MANAGER])
def test_staff_without_totp_reach_only_the_enrolment_pages(client, two_tenants, role):
    membership = member(two_tenants["a"]["org"], role, mfa=False)
    response = client.post(
        reverse("account_login"), {"login": membership.user.email, "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302  # no authenticator yet: no code asked
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_required")
    page = client.get(reverse("mfa_required"))
    assert "Double authentification obligatoire" in page.content.decode()
    assert client.get(reverse("beneficiaries:index"))["Location"] == reverse("mfa_required")
    # allauth asks for the password again before enrolment; both pages are open.
    response = client.get(reverse("mfa_activate_totp"))
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    client.post(response["Location"], {"password": DEFAULT_PASSWORD})
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    assert "code" in page.content.decode().lower()


def test_volunteers_are_offered_mfa_but_not_forced(client, two_tenants):
    membership = member(two_tenants["a"]["org"], Role.VOLUNTEER, mfa=False)
    client.force_login(membership.user)
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("mfa_index")).status_code == 200


def test_staff_with_totp_get_in(client, two_tenants):
    client.force_login(two_tenants["a"]["members"][Role.CASEWORKER].user)
    assert client.get(reverse("home")).status_code == 200


def test_login_asks_for_the_totp_code_and_refuses_a_wrong_one(client, two_tenants):
    user = two_tenants["a"]["members"][Role.COORDINATOR].user
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert response.status_code == 200
    assert "Code incorrect" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_five_failed_logins_lock_the_account_for_a_while(client, settings):
    from django.core.cache import cache

    cache.clear()
    UserFactory(email="cible@example.org")
    for _ in range(5):
        response = client.post(
            reverse("account_login"), {"login": "cible@example.org", "password": "mauvais"}
        )
        assert "sont incorrects" in response.content.decode()
    # Even the right password is refused now, with a French message.
    response = client.post(
        reverse("account_login"), {"login": "cible@example.org", "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 200
    assert "Trop de tentatives de connexion échouées" in response.content.decode()
    assert "_auth_user_id" not in client.session
    cache.clear()


def test_behind_the_proxy_failed_logins_are_counted_per_client_not_for_everyone(client, settings):
    """Behind the reverse proxy every connection comes from the proxy: the
    rate limits count the client the proxy names in X-Forwarded-For, so that a
    stream of wrong passwords from one address does not lock everyone out."""
    from django.core.cache import cache

    cache.clear()
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    UserFactory(email="collegue@example.org")
    attacker = {"HTTP_X_FORWARDED_FOR": "203.0.113.7"}
    # More failed logins than the per-address limit (20 a minute), on as
    # many accounts, so that the per-account limit is not what refuses.
    for number in range(21):
        client.post(
            reverse("account_login"),
            {"login": f"inconnu{number}@example.org", "password": "mauvais"},
            **attacker,
        )
    refused = client.post(
        reverse("account_login"),
        {"login": "collegue@example.org", "password": DEFAULT_PASSWORD},
        **attacker,
    )
    assert "_auth_user_id" not in client.session
    assert refused.status_code in (200, 429)
    # A colleague behind another address logs in through the same proxy.
    response = client.post(
        reverse("account_login"),
        {"login": "collegue@example.org", "password": DEFAULT_PASSWORD},
        HTTP_X_FORWARDED_FOR="198.51.100.9",
    )
    assert response.status_code == 302
    assert "_auth_user_id" in client.session
    cache.clear()


def test_the_django_admin_logs_in_through_the_same_throttled_form(client):
    response = client.get("/plateforme/admin/")
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_deactivating_a_membership_ends_access_at_the_next_request(client, two_tenants):
    from thrasos.accounts import services
    from thrasos.tenancy import tenant_context

    a = two_tenants["a"]
    caseworker = a["members"][Role.CASEWORKER]
    client.force_login(caseworker.user)
    assert "Organisation A" in client.get(reverse("home")).content.decode()
    with tenant_context(a["org"]):
        services.membership_deactivate(actor=a["members"][Role.ADMIN].user, membership=caseworker)
    page = client.get(reverse("home")).content.decode()
    assert "Organisation A" not in page
    assert "Vous n’êtes membre d’aucune organisation" in page


def test_idle_session_is_ended(client, two_tenants, settings):
    client.force_login(two_tenants["a"]["members"][Role.CASEWORKER].user)
    assert client.get(reverse("home")).status_code == 200
    session = client.session
    session[SESSION_LAST_SEEN] = int(time.time()) - settings.SESSION_IDLE_SECONDS - 5
    session.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login")
    assert "_auth_user_id" not in client.session


def test_session_has_an_absolute_lifetime_even_when_active(client, two_tenants, settings):
    client.force_login(two_tenants["a"]["members"][Role.CASEWORKER].user)
    client.get(reverse("home"))
    session = client.session
    session[SESSION_LOGGED_IN_AT] = int(time.time()) - settings.SESSION_ABSOLUTE_SECONDS - 5
    session.save()
    assert client.get(reverse("home")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_users_see_their_sessions(client, two_tenants):
    client.force_login(two_tenants["a"]["members"][Role.CASEWORKER].user)
    client.get(reverse("home"))
    response = client.get(reverse("usersessions_list"))
    assert response.status_code == 200
    assert "Sessions" in response.content.decode()


def test_organisation_switcher_only_offers_own_memberships(client, two_tenants):
    from thrasos.accounts.models import Membership
    from thrasos.tenancy import tenant_context

    a, b = two_tenants["a"], two_tenants["b"]
    user = a["members"][Role.COORDINATOR].user
    with tenant_context(b["org"]):
        Membership.objects.create(user=user, role=Role.COORDINATOR)
    client.force_login(user)
    assert "Organisation A –" in client.get(reverse("home")).content.decode()
    response = client.post(reverse("organisation_switch"), {"organisation": b["org"].pk})
    assert response.status_code == 302
    assert "Organisation B –" in client.get(reverse("home")).content.decode()
    other = member(b["org"], Role.CASEWORKER, territories=[b["territory"]])
    client.force_login(a["members"][Role.ADMIN].user)
    response = client.post(reverse("organisation_switch"), {"organisation": b["org"].pk})
    assert response.status_code == 404
    assert other.organisation_id == b["org"].pk


def test_a_user_without_membership_sees_no_module(client):
    user = UserFactory()
    client.force_login(user)
    page = client.get(reverse("home")).content.decode()
    assert "Vous n’êtes membre d’aucune organisation" in page


def test_login_errors_do_not_reveal_whether_an_account_exists(client):
    UserFactory(email="existe@example.org")
    known = client.post(reverse("account_login"), {"login": "existe@example.org", "password": "x"})
    unknown = client.post(
        reverse("account_login"), {"login": "personne@example.org", "password": "x"}
    )
    message = "L’adresse e-mail ou le mot de passe sont incorrects."
    assert message in known.content.decode()
    assert message in unknown.content.decode()


def test_a_user_ends_their_other_sessions(client_factory, two_tenants):
    user = two_tenants["a"]["members"][Role.CASEWORKER].user
    laptop, phone = client_factory(), client_factory()
    for browser in (laptop, phone):
        browser.force_login(user)
        assert browser.get(reverse("home")).status_code == 200
    page = laptop.get(reverse("usersessions_list")).content.decode()
    assert page.count("<tr") >= 3  # header + two sessions
    response = laptop.post(reverse("usersessions_list"), {"action": "logout"})
    assert response.status_code == 302
    assert laptop.get(reverse("home")).status_code == 200
    assert phone.get(reverse("home")).status_code == 302


def test_hsts_and_security_headers_over_https(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = client.get(reverse("account_login"), secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_staff_cannot_remove_their_authenticator_but_volunteers_can(client_factory, two_tenants):
    from allauth.mfa.models import Authenticator

    from thrasos.accounts.adapter import MFAAdapter

    a = two_tenants["a"]
    caseworker = a["members"][Role.CASEWORKER].user
    volunteer = a["members"][Role.VOLUNTEER].user
    adapter = MFAAdapter()
    totp = Authenticator.objects.get(user=caseworker, type=Authenticator.Type.TOTP)
    assert adapter.can_delete_authenticator(totp) is False
    totp = Authenticator.objects.get(user=volunteer, type=Authenticator.Type.TOTP)
    assert adapter.can_delete_authenticator(totp) is True
