"""Issue 17 in a real Chromium: the header at phone and desktop widths for
every role, the attendance screen with the keyboard, the API documentation
under the CSP, and axe-core on the main pages of each role (any violation
fails). The browser and the live server come from test_browser.py."""

import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.test_browser import (  # noqa: F401 (fixtures)
    SCREENSHOTS,
    group_activity,
    helene,
    live_url,
    page,
)
from thrasos.accounts.models import Role

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
PHONE, NARROW, DESKTOP = (390, 844), (320, 640), (1366, 850)


@pytest.fixture
def role_cookies(two_tenants, group_activity, helene):  # noqa: F811
    """A logged-in session per role of organisation A (the caseworker is
    Hélène, who runs the group activity), made before the browser starts:
    no ORM call may run while Playwright's loop does."""
    from django.test import Client

    a = two_tenants["a"]
    users = {role: a["members"][role].user for role in Role.values}
    users[Role.CASEWORKER] = helene
    cookies = {}
    for role, user in users.items():
        client = Client()
        client.force_login(user)
        cookies[role] = client.cookies["sessionid"].value
    return cookies


@pytest.fixture
def objects(group_activity, two_tenants):  # noqa: F811
    from thrasos.tenancy import tenant_context

    with tenant_context(group_activity["org"]):
        first = group_activity["enrolments"][0]
        return {
            "session": group_activity["session"].pk,
            "activity": group_activity["activity"].pk,
            "enrolments": [e.pk for e in group_activity["enrolments"]],
            "case_file": first.beneficiary.get_absolute_url(),
            "member": two_tenants["a"]["members"][Role.VOLUNTEER].pk,
        }


def _as(page, live_url, cookie):  # noqa: F811
    page.context.clear_cookies()
    page.context.add_cookies([{"name": "sessionid", "value": cookie, "url": live_url}])


def _clean(page):  # noqa: F811
    assert page.evaluate("window.__cspViolations") == []
    assert page.console_errors == []


def _no_sideways_scroll(page):  # noqa: F811
    widths = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"the page scrolls sideways: {widths}"


def _reachable(page, locator):  # noqa: F811
    """Visible, inside the viewport, and not covered by anything else."""
    assert locator.is_visible()
    box = locator.bounding_box()
    width = page.viewport_size["width"]
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, box
    covered = locator.evaluate(
        """el => { const r = el.getBoundingClientRect();
                   const top = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
                   return !(top === el || el.contains(top)); }"""
    )
    assert not covered


NAV = {
    Role.ADMIN: ["Bénéficiaires", "Sessions", "Alternance", "Logement", "Parrainage", "Rapports"],
    Role.COORDINATOR: [
        "Bénéficiaires",
        "Sessions",
        "Alternance",
        "Logement",
        "Parrainage",
        "Rapports",
    ],
    Role.CASEWORKER: ["Bénéficiaires", "Sessions", "Alternance", "Logement", "Parrainage"],
    Role.VOLUNTEER: ["Parrainage"],
    Role.MANAGER: ["Occupation des logements", "Rapports"],
}


def test_header_at_phone_and_desktop_widths_for_every_role(live_url, role_cookies, page):  # noqa: F811
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for role, cookie in role_cookies.items():
        _as(page, live_url, cookie)
        for width, height in (PHONE, NARROW, DESKTOP):
            page.set_viewport_size({"width": width, "height": height})
            page.goto(f"{live_url}/")
            nav = page.get_by_role("navigation", name="Navigation principale")
            links = nav.locator(".nav-modules a")
            assert links.all_inner_texts() == NAV[role]
            for i in range(links.count()):
                _reachable(page, links.nth(i))
            _no_sideways_scroll(page)
            # The user menu opens and every entry is on screen, uncovered.
            menu = nav.locator("details.user-menu")
            _reachable(page, menu.locator("summary"))
            menu.locator("summary").click()
            for name in ("Changer de mot de passe", "Double authentification", "Se déconnecter"):
                _reachable(page, menu.get_by_role("link", name=name))
            _no_sideways_scroll(page)
            page.screenshot(path=SCREENSHOTS / f"header-{role}-{width}.png", full_page=True)
            menu.locator("summary").click()
    _clean(page)


def test_wide_pages_do_not_scroll_sideways_on_a_phone(live_url, role_cookies, objects, page):  # noqa: F811
    _as(page, live_url, role_cookies[Role.CASEWORKER])
    for width, height in (PHONE, NARROW):
        page.set_viewport_size({"width": width, "height": height})
        for path in (
            "/beneficiaires/",
            objects["case_file"],
            "/sessions/",
            f"/sessions/{objects['session']}/",
            f"/sessions/{objects['session']}/presences/",
            f"/sessions/activites/{objects['activity']}/",
            "/sessions/aujourdhui/",
        ):
            page.goto(live_url + path)
            _no_sideways_scroll(page)
    # A visually hidden label in a table that scrolls in its box ("End
    # access – <name>…") once stood where its row put it and widened the page.
    _as(page, live_url, role_cookies[Role.ADMIN])
    for width, height in (PHONE, NARROW):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{live_url}/organisation/")
        assert page.locator("main table .visually-hidden").count() > 0
        _no_sideways_scroll(page)
    _as(page, live_url, role_cookies[Role.CASEWORKER])
    # A table wider than the screen scrolls in its own box, reachable by keyboard.
    page.set_viewport_size({"width": PHONE[0], "height": PHONE[1]})
    page.goto(f"{live_url}/sessions/{objects['session']}/")
    table = page.locator("table.participants")
    assert table.evaluate("t => t.scrollWidth > t.clientWidth")
    assert table.get_attribute("tabindex") == "0"
    page.screenshot(path=SCREENSHOTS / "session-390.png", full_page=True)
    _clean(page)


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["390", "1366"])
def test_attendance_with_the_keyboard(live_url, role_cookies, objects, page, size):  # noqa: F811
    """Nobody pre-filled; each choice saved at once with the focus kept on
    the row; "Tout le monde présent" records the rest; from today's page."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": size[0], "height": size[1]})
    _as(page, live_url, role_cookies[Role.CASEWORKER])
    enrolments = objects["enrolments"]
    # The way in: today's page, one link per activity of the day.
    page.goto(f"{live_url}/sessions/aujourdhui/")
    assert page.get_by_text("15 personnes à saisir").is_visible()
    page.get_by_role("link", name="FLE professionnel").click()
    page.wait_for_url(f"{live_url}/sessions/activites/{objects['activity']}/")
    radios = page.get_by_role("radio", name="Présent·e")
    assert radios.count() == 15
    assert not any(radios.nth(i).is_checked() for i in range(15))
    assert page.get_by_text("non saisi").count() == 15
    # Participant 03: from the first choice, two arrows -> excused absence.
    row = page.locator(f"#attendance-row-{enrolments[3]}")
    radios.nth(3).focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    row.get_by_text("enregistré").wait_for()
    excused = f"id_p{enrolments[3]}_2"
    # Playwright's own waits (no wait_for_function: under the page's CSP its
    # polling of a string predicate is an eval, refused when not true at once).
    expect(page.locator(f"#{excused}")).to_be_focused()
    assert row.get_by_role("radio", name="Absence excusée").is_checked()
    # Tab goes on to the next person.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == f"p{enrolments[4]}"
    page.keyboard.press("ArrowRight")  # participant 04: late
    page.locator(f"#attendance-row-{enrolments[4]}").get_by_text("enregistré").wait_for()
    page.screenshot(path=SCREENSHOTS / f"attendance-{size[0]}.png", full_page=True)
    # Everyone else present, explicitly; the two choices are kept.
    url_before = page.url
    page.get_by_role("button", name="Tout le monde présent").click()
    page.get_by_text("Présences enregistrées (13 modifications).").wait_for()
    assert page.url == url_before
    # The focus moves to the saved message once htmx has settled the swap.
    expect(page.locator(":focus")).to_have_attribute("role", "status")
    assert page.get_by_role("radio", name="Absence excusée").nth(3).is_checked()
    assert page.get_by_role("radio", name="En retard").nth(4).is_checked()
    assert page.get_by_text("non saisi").count() == 0
    # The grid: names stay in view when its columns scroll.
    page.goto(f"{live_url}/sessions/{objects['session']}/presences/")
    assert page.locator("tbody th.sticky-col").first.evaluate(
        "el => getComputedStyle(el).position"
    ) == ("sticky")
    _clean(page)


def test_api_documentation_renders_under_the_csp(live_url, role_cookies, page):  # noqa: F811
    _as(page, live_url, role_cookies[Role.ADMIN])
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    for width, height in (DESKTOP, PHONE):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{live_url}/api/docs/")
        page.locator(".opblock").first.wait_for(timeout=20000)
        assert page.locator(".opblock").count() > 20
        assert page.get_by_text("Thrasos API").first.is_visible()
        page.screenshot(path=SCREENSHOTS / f"api-docs-{width}.png")
    # Offline: nothing fetched from another origin.
    assert [url for url in requests if not url.startswith(live_url)] == []
    _clean(page)


AXE_PAGES = {
    Role.CASEWORKER: [
        "/",
        "/beneficiaires/",
        "{case_file}",
        "/sessions/",
        "/sessions/{session}/",
        "/sessions/{session}/presences/",
        "/sessions/activites/{activity}/",
        "/sessions/aujourdhui/",
        "/sessions/inscriptions/{enrolment}/retirer/",
        "/alternance/",
        "/logement/",
        "/parrainage/",
    ],
    Role.COORDINATOR: ["/", "/sessions/", "/logement/chiffres/"],
    Role.ADMIN: ["/", "/organisation/", "/organisation/membres/{member}/desactiver/"],
    # /sessions/: the French "access denied" page (403).
    Role.VOLUNTEER: ["/", "/parrainage/", "/sessions/"],
    Role.MANAGER: ["/", "/logement/chiffres/"],
}


@pytest.mark.parametrize("role", list(AXE_PAGES))
def test_axe_finds_no_violation_on_the_main_pages(live_url, role_cookies, objects, page, role):  # noqa: F811
    assert AXE.exists(), "axe-core is missing: scripts/setup.sh --test installs it (npm ci)"
    source = AXE.read_text()
    _as(page, live_url, role_cookies[role])
    values = {**objects, "enrolment": objects["enrolments"][0]}
    found = {}
    for width, height in (PHONE, DESKTOP):
        page.set_viewport_size({"width": width, "height": height})
        for path in AXE_PAGES[role]:
            response = page.goto(live_url + path.format(**values))
            page.wait_for_load_state("load")
            if response.status == 403:
                # The refusal itself is logged by Chromium; nothing else may be.
                assert page.get_by_role("heading", name="Accès refusé").is_visible()
                page.console_errors[:] = [
                    e for e in page.console_errors if "status of 403" not in e
                ]
            else:
                assert response.status == 200, path
            # Evaluated through the DevTools protocol: the page's CSP does
            # not apply to it, and it adds no script element to the page.
            page.evaluate(source + "\n;0")
            violations = page.evaluate(
                """async () => (await axe.run(document)).violations.map(v => ({
                       id: v.id, impact: v.impact,
                       nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}))"""
            )
            if violations:
                found[f"{path} @ {width}px"] = violations
    assert found == {}, json.dumps(found, indent=1, ensure_ascii=False)
    _clean(page)


def test_removing_a_participant_in_the_browser_asks_first(live_url, role_cookies, objects, page):  # noqa: F811
    """Without JavaScript too: the session page links to the question."""
    _as(page, live_url, role_cookies[Role.CASEWORKER])
    page.goto(f"{live_url}/sessions/{objects['session']}/")
    # A running session: participants end with completion or drop-out, and
    # the confirmation page is reached directly.
    page.goto(f"{live_url}/sessions/inscriptions/{objects['enrolments'][0]}/retirer/")
    assert page.get_by_role("heading", name="Retirer").is_visible()
    page.get_by_role("button", name="Non, revenir").click()
    page.wait_for_url(f"{live_url}/sessions/{objects['session']}/")
    _clean(page)
