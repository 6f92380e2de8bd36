"""E-mail: preferences and defaults, immediate and digest e-mails, their
content (French, text and HTML, no personal data beyond the recipient's first
name), exactly one e-mail per delivery row, retries with back-off, failure."""

import datetime
import smtplib

import pytest
from django.core import mail
from django.utils import timezone

from beneficiaries.models import Beneficiary
from tests import factories
from tests.mentoring import factories as mentoring
from tests.notifications.helpers import days, deliveries, notification_for
from thrasos.accounts.models import Role
from thrasos.notifications import delivery, services
from thrasos.notifications.delivery import digest_cutoff
from thrasos.notifications.models import Delivery, Preference
from thrasos.tenancy import tenant_context

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
# Planted in the person's record: none of it may reach an e-mail.
SECRETS = ("ZZSECRETNAME", "Zzsecretfirst", "0611223344", "zzsecret@example.org")


@pytest.fixture
def a(two_tenants):
    return two_tenants["a"]


@pytest.fixture
def caseworker(a):
    return a["members"][Role.CASEWORKER]


def _person(a, **fields):
    return factories.beneficiary(
        a["org"],
        a["territory"],
        a["members"][Role.ADMIN].user,
        last_name=SECRETS[0],
        first_name=SECRETS[1],
        phone=SECRETS[2],
        email=SECRETS[3],
        **fields,
    )


def _alert(a):
    world = mentoring.mentoring_world(a)
    _person_fields = {"last_name": SECRETS[0], "first_name": SECRETS[1]}
    with tenant_context(a["org"]):
        Beneficiary.objects.filter(pk=world["mine"].pk).update(**_person_fields)
    mentoring.note(a["org"], world["pair"], alert="urgent")
    with tenant_context(a["org"]):
        return services.reminders_compute(today=TODAY, codes=["mentoring.alert"])


def _send(a):
    return delivery.send_due(a["org"].pk)


def _all_text(message) -> str:
    parts = [message.subject, message.body, *(c for c, _ in message.alternatives)]
    parts += [str(v) for v in message.extra_headers.values()]
    return "\n".join(parts)


def test_an_alert_is_emailed_at_once_by_default_exactly_once(a, caseworker):
    (result,) = _alert(a)
    assert (result.created, result.emails) == (1, 1)
    assert _send(a) == 1
    assert _send(a) == 0  # nothing left to send
    (message,) = mail.outbox
    assert message.to == [caseworker.user.email]
    assert (
        message.subject == "Thrasos – Un ou une bénévole a lancé une alerte au sujet de son binôme"
    )
    assert f"Bonjour {caseworker.user.first_name}," in message.body
    (html, kind) = message.alternatives[0]
    assert kind == "text/html" and f"Bonjour {caseworker.user.first_name}," in html
    (row,) = deliveries(a["org"])
    assert row.status == Delivery.Status.SENT and row.attempts == 1
    assert f"/notifications/{row.notification_id}/" in message.body
    assert (
        message.extra_headers["Message-ID"] == f"<thrasos-delivery-{a['org'].pk}-{row.pk}@thrasos>"
    )
    text = _all_text(message)
    assert not any(secret.lower() in text.lower() for secret in SECRETS)


def test_by_default_other_kinds_wait_for_the_digest(a, caseworker):
    _person(a, residence_document_expiry=TODAY + days(7))
    with tenant_context(a["org"]):
        (result,) = services.reminders_compute(
            today=TODAY, codes=["beneficiaries.residence_expiring"]
        )
    assert (result.created, result.emails) == (1, 0)
    assert _send(a) == 0 and mail.outbox == []


def test_a_member_who_chose_immediate_or_none(a, caseworker):
    with tenant_context(a["org"]):
        services.preferences_set(
            membership=caseworker,
            channels={"beneficiaries.residence_expiring": "immediate", "mentoring.alert": "none"},
        )
    _person(a, residence_document_expiry=TODAY + days(7))
    with tenant_context(a["org"]):
        results = services.reminders_compute(today=TODAY)
    assert {r.kind: r.emails for r in results if r.created} == {
        "beneficiaries.residence_expiring": 1
    }
    _alert(a)
    assert _send(a) == 1
    assert mail.outbox[0].subject == "Thrasos – Un titre de séjour arrive bientôt à échéance"


def test_the_daily_digest_lists_what_is_new_once(a, caseworker, two_tenants):
    yesterday_8 = digest_cutoff(TODAY) - datetime.timedelta(hours=23)
    notification_for(a["org"], caseworker, subject=SECRETS[0], created_at=yesterday_8)
    notification_for(
        a["org"],
        caseworker,
        subject=SECRETS[0],
        created_at=yesterday_8,
        kind="housing.occupancy_ending",
    )
    notification_for(  # an older one, already in yesterday's digest window
        a["org"], caseworker, created_at=yesterday_8 - datetime.timedelta(days=1)
    )
    notification_for(  # after today's cut-off: tomorrow's digest
        a["org"], caseworker, created_at=digest_cutoff(TODAY) + datetime.timedelta(minutes=1)
    )
    admin = a["members"][Role.ADMIN]
    notification_for(a["org"], admin, kind="mentoring.alert", created_at=yesterday_8)  # immediate
    with tenant_context(a["org"]):
        assert services.digests_create(today=TODAY) == 1
        assert services.digests_create(today=TODAY) == 0  # once a day
    assert _send(a) == 1
    (message,) = mail.outbox
    assert message.to == [caseworker.user.email]
    assert message.subject == "Thrasos – 2 nouveaux rappels"
    assert "Un titre de séjour arrive bientôt à échéance" in message.body
    assert "Un séjour dans un logement du programme se termine dans un mois" in message.body
    assert "/notifications/" in message.body
    assert not any(secret.lower() in _all_text(message).lower() for secret in SECRETS)
    # The next day's digest starts at this one's cut-off.
    with tenant_context(a["org"]):
        assert services.digests_create(today=TODAY + days(1)) == 1
    mail.outbox.clear()
    _send(a)
    assert mail.outbox[0].subject == "Thrasos – 1 nouveau rappel"


def test_no_digest_for_members_who_chose_none(a, caseworker):
    with tenant_context(a["org"]):
        services.preferences_set(
            membership=caseworker, channels={"beneficiaries.residence_expiring": "none"}
        )
    notification_for(
        a["org"], caseworker, created_at=digest_cutoff(TODAY) - datetime.timedelta(hours=2)
    )
    with tenant_context(a["org"]):
        assert services.digests_create(today=TODAY) == 0
        assert Preference.objects.count() == 1


class _Refusing:
    """An SMTP server that is down."""

    def __init__(self):
        self.calls = 0

    def begin(self, message):
        self.calls += 1
        raise smtplib.SMTPServerDisconnected("connection refused")

    def finish(self):
        raise AssertionError("not reached")

    def abandon(self):
        pass

    def close(self):
        pass


def test_smtp_errors_are_retried_with_back_off_then_failed(a, caseworker, monkeypatch):
    _alert(a)
    refusing = _Refusing()
    monkeypatch.setattr(delivery, "_transport", lambda: refusing)
    waits = []
    for attempt in range(1, delivery.MAX_ATTEMPTS + 1):
        assert _send(a) == 0
        (row,) = deliveries(a["org"])
        assert row.attempts == attempt
        assert "SMTPServerDisconnected" in row.last_error
        if attempt < delivery.MAX_ATTEMPTS:
            assert row.status == Delivery.Status.PENDING
            waits.append(row.next_attempt_at - timezone.now())
            assert _send(a) == 0 and refusing.calls == attempt  # not due yet
            with tenant_context(a["org"]):
                Delivery.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    assert row.status == Delivery.Status.FAILED
    assert [round(w.total_seconds() / 60) for w in waits] == [1, 5, 30, 120, 360]
    assert mail.outbox == []


def test_a_refusal_after_the_end_of_data_is_retried(a, caseworker, monkeypatch):
    _alert(a)

    class RefusedAtTheEnd(_Refusing):
        def begin(self, message):
            self.calls += 1

        def finish(self):
            raise smtplib.SMTPDataError(451, b"try again later")

    monkeypatch.setattr(delivery, "_transport", RefusedAtTheEnd)
    assert _send(a) == 0
    (row,) = deliveries(a["org"])
    assert (row.status, row.attempts, row.sent_at) == ("pending", 1, None)
    assert "451" in row.last_error
