"""A real Chromium (Debian's package) against the live server."""

import shutil
from pathlib import Path

import pytest

from tests.factories import DEFAULT_PASSWORD, TOTP_SECRET, member
from thrasos.accounts.models import Role
from thrasos.core.management.commands.seed_demo import current_code as totp_code

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / ".local" / "screenshots"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


@pytest.fixture
def live_url(transactional_db):
    """Like pytest-django's live_server, but static files are served from
    STATIC_ROOT as collected (hashed names), the way production serves them.
    The browser (fixture `page`) depends on it, so it is closed first and its
    keep-alive connections no longer hold database sessions at teardown."""
    from django.test.testcases import LiveServerThread, _StaticFilesHandler

    thread = LiveServerThread("127.0.0.1", static_handler=_StaticFilesHandler, port=0)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    yield f"http://127.0.0.1:{thread.port}"
    thread.terminate()


@pytest.fixture
def page(live_url):
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: `make test` installs the Debian package 'chromium'.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        context = browser.new_context(locale="fr-FR")
        page = context.new_page()
        page.add_init_script(RECORD_CSP_VIOLATIONS)
        page.console_errors = []
        page.on(
            "console",
            lambda message: message.type == "error" and page.console_errors.append(message.text),
        )
        page.on("pageerror", lambda error: page.console_errors.append(str(error)))
        yield page
        browser.close()


@pytest.fixture
def helene(two_tenants):
    """A caseworker of organisation A, with a TOTP authenticator."""
    return member(
        two_tenants["a"]["org"],
        Role.CASEWORKER,
        territories=[two_tenants["a"]["territory"]],
        email="helene@example.org",
        first_name="Hélène",
    ).user


# ORM calls must not happen while Playwright's event loop runs in this thread:
# the connection would live in another context and outlive the test database.
# Data comes from fixtures set up before `page`.
def test_login_page_then_home_in_a_real_browser(live_url, helene, page):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    response = page.goto(f"{live_url}/compte/login/")
    assert response.status == 200
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.get_by_role("heading", name="Se connecter").is_visible()
    page.screenshot(path=SCREENSHOTS / "login.png", full_page=True)

    # Keyboard: the first Tab reaches the skip link, which becomes visible.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Aller au contenu principal")
    assert skip.evaluate("el => el === document.activeElement")
    assert skip.is_visible()

    page.get_by_label("Courriel").fill("helene@example.org")
    page.get_by_label("Mot de passe").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()

    # Second factor: a wrong code is refused in French, the right one lets in.
    page.wait_for_url(f"{live_url}/compte/2fa/authenticate/")
    page.get_by_label("Code").fill("000000")
    page.get_by_role("button", name="Valider").click()
    assert page.get_by_text("Code incorrect").is_visible()
    page.screenshot(path=SCREENSHOTS / "mfa.png", full_page=True)
    page.get_by_label("Code").fill(totp_code(TOTP_SECRET))
    page.get_by_role("button", name="Valider").click()
    page.wait_for_url(f"{live_url}/")
    assert page.get_by_role("heading", name="Bonjour Hélène").is_visible()
    assert page.get_by_role("navigation", name="Navigation principale").is_visible()
    assert (
        page.locator("#contenu")
        .get_by_text("Organisation A – Travailleur·se social·e")
        .is_visible()
    )
    page.screenshot(path=SCREENSHOTS / "home.png", full_page=True)

    assert page.evaluate("window.__cspViolations") == []
    assert page.console_errors == []


def _log_in(page, live_url, email):
    page.goto(f"{live_url}/compte/login/")
    page.get_by_label("Courriel").fill(email)
    page.get_by_label("Mot de passe").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{live_url}/compte/2fa/authenticate/")
    page.get_by_label("Code").fill(totp_code(TOTP_SECRET))
    page.get_by_role("button", name="Valider").click()
    page.wait_for_url(f"{live_url}/")


@pytest.fixture
def group_activity(two_tenants, helene):
    """A running session of organisation A: 15 participants, an FLE class today."""
    import datetime

    from django.utils import timezone

    from sessions import services
    from tests import factories
    from thrasos.tenancy import tenant_context

    a = two_tenants["a"]
    actor = a["members"][Role.COORDINATOR].user
    session = factories.session(a["org"], a["territory"], capacity=15, name="Session 2027-1")
    people = [
        factories.admitted(a["org"], a["territory"], actor, last_name=name, first_name="Awa")
        for name in [f"Participant{i:02d}" for i in range(15)]
    ]
    with tenant_context(a["org"]):
        enrolments = [
            services.enrolment_create(actor=actor, session=session, beneficiary=b) for b in people
        ]
        services.session_start(actor=actor, session=session)
        activity = services.activity_create(
            actor=actor,
            session=session,
            data={
                "kind": "fle",
                "title": "FLE professionnel",
                "date": timezone.localdate(),
                "start_time": datetime.time(9),
                "end_time": datetime.time(12),
            },
        )
    return {"org": a["org"], "activity": activity, "enrolments": enrolments, "session": session}


# The group attendance screen with the keyboard: tests/e2e/test_caseworker_day.py
# (nobody pre-filled since issue 17, at 390 and 1366 px).
