"""The notification centre: the bell, the list (filters, days), reading one
or all, the link, preferences and the organisation's automations."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.notifications.helpers import notification_for
from thrasos.accounts.models import Role
from thrasos.notifications.models import Notification, OrganisationOption, Preference
from thrasos.tenancy import tenant_context

pytestmark = pytest.mark.django_db


@pytest.fixture
def a(two_tenants):
    return two_tenants["a"]


@pytest.fixture
def caseworker(a):
    return a["members"][Role.CASEWORKER]


def _login(client, membership):
    client.force_login(membership.user)
    return client


def test_the_bell_counts_my_unread_notifications_in_one_query(
    client, two_tenants, caseworker, django_assert_num_queries
):
    a, b = two_tenants["a"], two_tenants["b"]
    for _ in range(3):
        notification_for(a["org"], caseworker)
    notification_for(a["org"], caseworker, read=True)
    notification_for(a["org"], a["members"][Role.ADMIN])  # someone else's
    notification_for(b["org"], b["members"][Role.CASEWORKER])  # another organisation
    _login(client, caseworker)
    page = client.get(reverse("beneficiaries:index")).content.decode()
    assert '<span class="notification-count">3</span>' in page
    from django.template import Context, Template

    template = Template("{% load notifications %}{% unread_notifications as n %}{{ n }}")
    with tenant_context(a["org"]), django_assert_num_queries(1):
        assert template.render(Context({"current_membership": caseworker})) == "3"


def test_no_bell_count_when_all_is_read(client, a, caseworker):
    notification_for(a["org"], caseworker, read=True)
    page = _login(client, caseworker).get(reverse("notifications:index")).content.decode()
    assert "notification-count" not in page
    assert "Notifications : aucune non lue" in page or "none unread" in page


def test_the_list_groups_by_day_and_filters(client, a, caseworker):
    now = timezone.now()
    notification_for(a["org"], caseworker, subject="DIALLO Awa", created_at=now)
    notification_for(
        a["org"],
        caseworker,
        subject="KONE Issa",
        created_at=now - datetime.timedelta(days=2),
        kind="housing.occupancy_ending",
        read=True,
    )
    _login(client, caseworker)
    page = client.get(reverse("notifications:index")).content.decode()
    assert "DIALLO Awa" in page and "KONE Issa" in page
    assert page.count('class="notification-day"') == 2
    unread = client.get(reverse("notifications:index"), {"etat": "non-lues"}).content.decode()
    assert "DIALLO Awa" in unread and "KONE Issa" not in unread
    housing = client.get(
        reverse("notifications:index"), {"type": "housing.occupancy_ending"}
    ).content.decode()
    assert "KONE Issa" in housing and "DIALLO Awa" not in housing
    # An unknown kind or a bad cursor is ignored, never an error.
    assert (
        client.get(reverse("notifications:index"), {"type": "x", "avant": "zz"}).status_code == 200
    )


def test_the_list_pins_its_query_count(client, a, caseworker, django_assert_max_num_queries):
    for i in range(30):
        notification_for(a["org"], caseworker, subject=f"Personne {i}")
    _login(client, caseworker)
    client.get(reverse("notifications:index"))
    with django_assert_max_num_queries(14) as captured:
        client.get(reverse("notifications:index"))
    small = len(captured.captured_queries)
    for i in range(30):
        notification_for(a["org"], caseworker, subject=f"Autre {i}")
    with django_assert_max_num_queries(small):
        client.get(reverse("notifications:index"))


def test_opening_a_notification_marks_it_read_and_follows_its_link(client, a, caseworker):
    n = notification_for(a["org"], caseworker, link="/beneficiaires/42/")
    response = _login(client, caseworker).get(reverse("notifications:open", args=[n.pk]))
    assert response.status_code == 302 and response["Location"] == "/beneficiaires/42/"
    with tenant_context(a["org"]):
        assert Notification.objects.get(pk=n.pk).read_at is not None


def test_an_outside_link_is_never_followed(client, a, caseworker):
    n = notification_for(a["org"], caseworker, link="//evil.example.org/")
    response = _login(client, caseworker).get(reverse("notifications:open", args=[n.pk]))
    assert response["Location"] == reverse("notifications:index")


def test_mark_one_and_all_read_only_touch_mine(client, a, caseworker):
    mine = [notification_for(a["org"], caseworker) for _ in range(3)]
    theirs = notification_for(a["org"], a["members"][Role.ADMIN])
    _login(client, caseworker)
    response = client.post(reverse("notifications:read", args=[mine[0].pk]))
    assert response.status_code == 302
    with tenant_context(a["org"]):
        assert Notification.objects.filter(read_at__isnull=False).count() == 1
    # Someone else's notification: 404, unchanged.
    assert client.post(reverse("notifications:read", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("notifications:open", args=[theirs.pk])).status_code == 404
    client.post(reverse("notifications:read_all"), {"next": "https://evil.example.org/"})
    with tenant_context(a["org"]):
        assert Notification.objects.filter(recipient=caseworker, read_at=None).count() == 0
        assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_preferences_default_then_saved_and_bad_input_is_refused(client, a, caseworker):
    _login(client, caseworker)
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert "Préférences" in page or "preferences" in page
    from thrasos.notifications.registry import kinds

    body = {k.code: "none" for k in kinds()}
    body["mentoring.alert"] = "immediate"
    assert client.post(reverse("notifications:preferences"), body).status_code == 302
    with tenant_context(a["org"]):
        assert Preference.objects.get(membership=caseworker, kind="mentoring.alert").channel == (
            "immediate"
        )
        assert (
            Preference.objects.filter(membership=caseworker, channel="none").count()
            == len(body) - 1
        )
    bad = {**body, "mentoring.alert": "pigeon"}
    response = client.post(reverse("notifications:preferences"), bad)
    assert response.status_code == 400
    assert "Choisissez" in response.content.decode()
    with tenant_context(a["org"]):  # nothing already saved is lost
        assert Preference.objects.get(membership=caseworker, kind="mentoring.alert").channel == (
            "immediate"
        )


def test_only_admins_choose_the_automations(client, a, caseworker):
    assert _login(client, caseworker).get(reverse("notifications:options")).status_code == 403
    admin = a["members"][Role.ADMIN]
    _login(client, admin)
    assert client.get(reverse("notifications:options")).status_code == 200
    client.post(reverse("notifications:options"), {"sessions.start_on_start_date": "on"})
    with tenant_context(a["org"]):
        option = OrganisationOption.objects.get(key="sessions.start_on_start_date")
        assert option.enabled and option.changed_by == admin.user
    client.post(reverse("notifications:options"), {})
    with tenant_context(a["org"]):
        assert not OrganisationOption.objects.get(key="sessions.start_on_start_date").enabled


def test_an_email_that_failed_is_shown_as_failed(client, a, caseworker):
    from thrasos.notifications.models import Delivery

    n = notification_for(a["org"], caseworker, subject="DIALLO Awa")
    ok = notification_for(a["org"], caseworker, subject="KONE Issa")
    with tenant_context(a["org"]):
        Delivery.objects.create(recipient=caseworker, notification=n, status="failed", attempts=6)
        Delivery.objects.create(recipient=caseworker, notification=ok, status="sent", attempts=1)
    page = _login(client, caseworker).get(reverse("notifications:index")).content.decode()
    assert page.count("e-mail non distribué") == 1
