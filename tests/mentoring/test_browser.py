"""A volunteer logs a 20-minute call about housing on a 390 px phone, in a
real Chromium: four taps plus the text, no sideways scroll, no console or
CSP error."""

import pytest

from tests import factories
from tests.e2e.test_browser import SCREENSHOTS, live_url, page  # noqa: F401 - fixtures
from tests.mentoring import factories as mf
from thrasos.accounts.models import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def pair(two_tenants):
    a = two_tenants["a"]
    volunteer = factories.member(
        a["org"], Role.VOLUNTEER, territories=[a["territory"]], mfa=False, email="vol@example.org"
    )
    profile = mf.profile(a["org"], volunteer, a["territory"])
    person = factories.beneficiary(
        a["org"], a["territory"], a["members"][Role.ADMIN].user, first_name="Amina", phone="0611"
    )
    return mf.pair(a["org"], profile, person, actor=a["members"][Role.ADMIN].user)


def _no_sideways_scroll(tab):
    width = tab.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], width


def test_logging_a_call_about_housing_on_a_phone(live_url, pair, page):  # noqa: F811
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_url}/compte/login/")
    page.get_by_label("Courriel").fill("vol@example.org")
    page.get_by_label("Mot de passe").fill(factories.DEFAULT_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.goto(f"{live_url}/parrainage/")
    assert page.get_by_role("heading", name="Mes binômes").is_visible()
    _no_sideways_scroll(page)
    page.get_by_role("button", name="Écrire un compte rendu").click()
    page.wait_for_url(f"{live_url}/parrainage/binomes/{pair.pk}/compte-rendu/")
    _no_sideways_scroll(page)
    # Every toggle is a large touch target.
    for name in ("Appel", "20 min", "Logement"):
        box = page.locator("label.toggle", has_text=name).first.bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44, (name, box)
    # The alert's details stay hidden until the switch is on (no script).
    assert not page.get_by_text("Pourquoi ?").is_visible()
    taps = 0
    for name in ("Appel", "20 min", "Logement"):
        page.locator("label.toggle", has_text=name).first.click()
        taps += 1
    page.get_by_label("Résumé").fill("Point sur la recherche de logement.")
    page.get_by_role("button", name="Enregistrer le compte rendu").click()
    taps += 1
    assert taps <= 4
    page.wait_for_url(f"{live_url}/parrainage/binomes/{pair.pk}/")
    assert page.get_by_text("Compte rendu enregistré").is_visible()
    assert page.get_by_text("Point sur la recherche de logement.").is_visible()
    _no_sideways_scroll(page)
    page.screenshot(path=SCREENSHOTS / "mentoring-note-390.png", full_page=True)
    assert page.evaluate("window.__cspViolations") == []
    assert page.console_errors == []
