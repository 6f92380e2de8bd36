"""The daily sweep: every organisation in its tenant, the daily jobs (the
automatic start of sessions where chosen), idempotence, the heartbeat."""

import pytest
from django.utils import timezone

from beneficiaries.models import Beneficiary
from sessions.models import Enrolment, PreparationSession
from tests import factories
from tests.notifications.helpers import days, rows
from thrasos.accounts.models import Role
from thrasos.core.models import ServiceHeartbeat
from thrasos.notifications import services, tasks
from thrasos.notifications.models import Notification, OrganisationOption
from thrasos.tenancy import tenant_context

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
OPTION = "sessions.start_on_start_date"


def _session_starting_today(tenant, *, admitted=True):
    admin = tenant["members"][Role.ADMIN].user
    session = factories.session(tenant["org"], tenant["territory"], start=TODAY)
    person = factories.admitted(tenant["org"], tenant["territory"], admin)
    with tenant_context(tenant["org"]):
        Enrolment.objects.create(
            session=session,
            beneficiary=person,
            status="enrolled",
            enrolled_on=TODAY,
            created_by=admin,
        )
        if not admitted:
            Beneficiary.objects.filter(pk=person.pk).update(state="candidate")
    return session, person


def _status(tenant, session):
    with tenant_context(tenant["org"]):
        return PreparationSession.objects.get(pk=session.pk).status


def test_sessions_start_on_their_start_date_when_the_organisation_chose_it(two_tenants):
    a, b = two_tenants["a"], two_tenants["b"]
    coordinator = a["members"][Role.COORDINATOR]
    with tenant_context(a["org"]):
        services.option_set(actor=coordinator.user, key=OPTION, enabled=True)
    started, person = _session_starting_today(a)
    not_chosen, _ = _session_starting_today(b)
    tasks.reminders_sweep.apply(kwargs={"today": TODAY.isoformat()}).get()
    assert _status(a, started) == "running"
    with tenant_context(a["org"]):
        assert Beneficiary.objects.get(pk=person.pk).state == "in_session"
        # Recorded in the name of who chose the automation.
        transition = person.transitions.order_by("-id").first()
        assert transition.actor_id == coordinator.user_id
    # Started this morning: not reported as "not started".
    assert rows(a["org"], "sessions.session_not_started") == []
    # Organisation B did not choose it: the session waits and its coordinators are told.
    assert _status(b, not_chosen) == "planned"
    assert [r[:2] for r in rows(b["org"], "sessions.session_not_started")] == [
        (b["members"][Role.COORDINATOR].pk, not_chosen.pk)
    ]


def test_a_session_that_cannot_start_stays_planned_and_the_coordinators_are_told(two_tenants):
    a = two_tenants["a"]
    with tenant_context(a["org"]):
        services.option_set(actor=a["members"][Role.ADMIN].user, key=OPTION, enabled=True)
    session, _ = _session_starting_today(a, admitted=False)
    tasks.reminders_sweep.apply(kwargs={"today": TODAY.isoformat()}).get()
    assert _status(a, session) == "planned"
    assert len(rows(a["org"], "sessions.session_not_started")) == 1


def test_turning_the_option_off_stops_it(two_tenants):
    a = two_tenants["a"]
    actor = a["members"][Role.ADMIN].user
    with tenant_context(a["org"]):
        services.option_set(actor=actor, key=OPTION, enabled=True)
        services.option_set(actor=actor, key=OPTION, enabled=False)
        assert OrganisationOption.objects.get(key=OPTION).enabled is False
    session, _ = _session_starting_today(a)
    tasks.reminders_sweep.apply(kwargs={"today": TODAY.isoformat()}).get()
    assert _status(a, session) == "planned"


def test_the_sweep_twice_creates_nothing_more_and_records_its_success(two_tenants):
    a, b = two_tenants["a"], two_tenants["b"]
    for tenant in (a, b):
        factories.beneficiary(
            tenant["org"],
            tenant["territory"],
            tenant["members"][Role.ADMIN].user,
            residence_document_expiry=TODAY + days(7),
        )
    first = tasks.reminders_sweep.apply(kwargs={"today": TODAY.isoformat()}).get()
    second = tasks.reminders_sweep.apply(kwargs={"today": TODAY.isoformat()}).get()
    assert first == {a["org"].pk: 1, b["org"].pk: 1}
    assert second == {a["org"].pk: 0, b["org"].pk: 0}
    for tenant in (a, b):
        with tenant_context(tenant["org"]):
            (n,) = Notification.objects.all()
            assert n.recipient_id == tenant["members"][Role.CASEWORKER].pk
    assert ServiceHeartbeat.objects.filter(name="reminders-sweep").exists()
