import re

import pytest
from django.urls import reverse

from tests.factories import DEFAULT_PASSWORD, UserFactory, member
from thrasos.accounts.models import Role, User

pytestmark = pytest.mark.django_db


def test_login_page_renders_in_french(client):
    response = client.get(reverse("account_login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="fr"' in html
    assert "Se connecter" in html
    assert "Mot de passe oublié ?" in html
    assert 'href="#contenu"' in html  # skip link
    assert "<main" in html and "<nav" in html and "<footer" in html


def test_french_even_for_an_english_browser(client):
    response = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="fr"' in response.content.decode()
    assert "Se connecter" in response.content.decode()


def test_login_page_switches_to_english(client):
    response = client.post(
        reverse("set_language"), {"language": "en", "next": reverse("account_login")}
    )
    assert response.status_code == 302
    html = client.get(reverse("account_login")).content.decode()
    assert '<html lang="en"' in html
    assert "Log in" in html


def test_no_public_sign_up(client):
    response = client.get(reverse("account_signup"))
    assert response.status_code == 200
    assert "Pas d’inscription libre" in response.content.decode()
    client.post(
        reverse("account_signup"),
        {"email": "intrus@example.org", "password1": "x" * 20, "password2": "x" * 20},
    )
    assert not User.objects.filter(email="intrus@example.org").exists()


@pytest.mark.parametrize(
    "name",
    [
        "home",
        "beneficiaries:index",
        "sessions:index",
        "placements:index",
        "housing:index",
        "mentoring:index",
    ],
)
def test_pages_require_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_login_with_email_then_home_in_layout(client, two_tenants):
    user = member(
        two_tenants["a"]["org"],
        Role.VOLUNTEER,
        mfa=False,
        email="helene@example.org",
        first_name="Hélène",
    ).user
    response = client.post(
        reverse("account_login"), {"login": "Helene@Example.org", "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302
    response = client.get(reverse("home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert f"Bonjour {user.first_name}" in html
    # A volunteer's navigation offers mentoring only (issue 17: no module that 403s).
    nav = html.split("</nav>", 1)[0]
    assert ">Parrainage</a>" in nav
    for label in ["Bénéficiaires", "Sessions", "Alternance", "Logement"]:
        assert f">{label}</a>" not in nav


def test_wrong_password_gets_a_french_error_and_no_session(client):
    UserFactory(email="helene@example.org")
    response = client.post(
        reverse("account_login"), {"login": "helene@example.org", "password": "pas le bon"}
    )
    assert response.status_code == 200
    assert "L’adresse e-mail ou le mot de passe sont incorrects." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_password_reset_page_is_french_and_does_not_reveal_accounts(client, mailoutbox):
    UserFactory(email="connu@example.org")
    page = client.get(reverse("account_reset_password"))
    assert page.status_code == 200
    assert "Mot de passe oublié" in page.content.decode()
    known = client.post(reverse("account_reset_password"), {"email": "connu@example.org"})
    unknown = client.post(reverse("account_reset_password"), {"email": "inconnu@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]


def test_french_404_page(client):
    UserFactory(email="a@example.org")
    client.login(email="a@example.org", password=DEFAULT_PASSWORD)
    response = client.get("/cette-page-n-existe-pas/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


def test_french_403_page(rf):
    from django.core.exceptions import PermissionDenied
    from django.views.defaults import permission_denied

    request = rf.get("/")
    request.user = User()
    response = permission_denied(request, PermissionDenied())
    assert response.status_code == 403
    assert "Accès refusé" in response.content.decode()


def test_french_500_page(rf):
    from django.views.defaults import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Erreur du serveur" in response.content.decode()


def test_security_headers_and_script_nonce(client):
    response = client.get(reverse("account_login"))
    csp = response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "default-src 'self'" in csp
    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    scripts = re.findall(r"<script[^>]*>", response.content.decode())
    assert scripts and all(f'nonce="{nonce}"' in tag for tag in scripts)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_authenticated_pages_are_not_stored(client):
    UserFactory(email="a@example.org")
    client.login(email="a@example.org", password=DEFAULT_PASSWORD)
    response = client.get(reverse("home"))
    assert "no-store" in response["Cache-Control"]


def test_static_assets_are_vendored(client):
    html = client.get(reverse("account_login")).content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any("/static/vendor/htmx/htmx.min" in src for src in assets)
    for src in assets:
        assert not src.startswith(("http://", "https://", "//")), src
