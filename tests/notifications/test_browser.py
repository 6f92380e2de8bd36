"""The notification centre in a real Chromium, on a phone and a desktop:
the bell, the list grouped by day, no sideways scrolling at 390 px."""

import datetime
import os
from pathlib import Path

import pytest
from django.utils import timezone

from tests.e2e.test_browser import _log_in, live_url, page  # noqa: F401 - fixtures
from tests.factories import member
from tests.notifications.helpers import notification_for
from thrasos.accounts.models import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(
    os.environ.get("THRASOS_SHOTS", Path(__file__).resolve().parents[2] / ".local" / "screenshots")
)


@pytest.fixture
def inbox(two_tenants):
    a = two_tenants["a"]
    hawa = member(
        a["org"],
        Role.CASEWORKER,
        territories=[a["territory"]],
        email="hawa@example.org",
        first_name="Hawa",
    )
    now = timezone.now()
    items = [
        ("beneficiaries.residence_expiring", "DIALLO Aminata Fatoumata", 0, False),
        ("mentoring.alert", "KONATÉ Ibrahim", 0, False),
        ("placements.trial_period_ending", "NGUYEN Thi Minh Khai", 1, False),
        ("housing.occupancy_ending", "HABIBI Abdulrahman", 1, True),
        ("placements.no_contract_after_session", "TESFAYE Selamawit", 3, True),
    ]
    for kind, subject, days_ago, read in items:
        notification_for(
            a["org"],
            hawa,
            kind=kind,
            subject=subject,
            read=read,
            created_at=now - datetime.timedelta(days=days_ago),
        )
    return hawa


def test_the_centre_on_a_phone_and_a_desktop(live_url, inbox, page):  # noqa: F811
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 390, "height": 844})
    _log_in(page, live_url, "hawa@example.org")
    bell = page.locator(".notification-bell a")
    assert bell.locator(".notification-count").inner_text() == "3"
    bell.click()
    page.wait_for_url(f"{live_url}/notifications/")
    assert page.get_by_role("heading", name="Notifications", exact=True).is_visible()
    assert page.locator(".notification-day").count() == 3
    assert page.get_by_role(
        "link", name="DIALLO Aminata Fatoumata : le titre de séjour expire le"
    ).is_visible()
    sideways = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    page.screenshot(path=SHOTS / "notifications-390.png", full_page=True)
    assert sideways <= 0
    page.set_viewport_size({"width": 1366, "height": 900})
    page.screenshot(path=SHOTS / "notifications-1366.png", full_page=True)
    page.get_by_role("button", name="Marquer les 3 notifications non lues comme lues").click()
    page.wait_for_url(f"{live_url}/notifications/")
    assert page.locator(".notification-count").count() == 0
    page.goto(f"{live_url}/notifications/preferences/")
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=SHOTS / "preferences-390.png", full_page=True)
    assert (
        page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        <= 0
    )
    assert page.evaluate("window.__cspViolations") == []
    assert page.console_errors == []
