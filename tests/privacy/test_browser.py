"""The privacy pages in a real Chromium, at 390 px (no sideways scrolling)
and 1366 px; screenshots under .local/screenshots/privacy (or
$PRIVACY_SHOTS)."""

import os
from pathlib import Path

import pytest
from django.urls import reverse

from tests import factories
from tests.e2e.test_browser import SCREENSHOTS, _log_in, live_url, page  # noqa: F401
from thrasos.accounts.models import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("PRIVACY_SHOTS", SCREENSHOTS / "privacy"))


@pytest.fixture
def privacy_person(two_tenants):
    a = two_tenants["a"]
    admin = a["members"][Role.ADMIN].user
    return factories.beneficiary(a["org"], a["territory"], admin, last_name="Zébulonne")


# The data first: Playwright's sync API then runs an event loop, in which the
# ORM may not be called.
def test_privacy_pages_fit_a_phone_and_a_desktop(two_tenants, privacy_person, live_url, page):  # noqa: F811
    admin = two_tenants["a"]["members"][Role.ADMIN].user
    person = privacy_person
    SHOTS.mkdir(parents=True, exist_ok=True)
    _log_in(page, live_url, admin.email)
    pages = {
        "case-file": reverse("beneficiaries:detail", args=[person.pk]),
        "person": reverse("privacy:person", args=[person.pk]),
        "anonymise": reverse("privacy:anonymise", args=[person.pk]),
        "register": reverse("privacy:register"),
        "retention": reverse("privacy:retention"),
    }
    for width in (390, 1366):
        page.set_viewport_size({"width": width, "height": 900})
        for name, path in pages.items():
            response = page.goto(f"{live_url}{path}")
            assert response.status == 200, name
            if name == "case-file":
                page.get_by_text("La notice d’information n’a pas encore été remise.").wait_for()
            page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
            if name == "case-file":
                # The case file is the beneficiaries module's page: only the
                # section added here is checked.
                box = page.locator("section[aria-labelledby=privacy-title]").bounding_box()
                assert box["x"] >= 0 and box["x"] + box["width"] <= width, (name, width, box)
                continue
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, (name, width, overflow)
    assert page.console_errors == []
