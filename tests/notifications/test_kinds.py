"""Each reminder kind of the catalogue: due and not due, the boundary days,
another organisation, ended records; recipients (referents, else the
territory's caseworkers; coordinators for sessions)."""

import datetime

import pytest
from django.utils import timezone

from beneficiaries.models import Beneficiary, BeneficiaryReferent, Document
from placements.models import FollowUp
from sessions.models import Activity, Attendance, Enrolment, PreparationSession
from tests import factories
from tests.housing import factories as housing
from tests.mentoring import factories as mentoring
from tests.notifications.helpers import compute, days, rows
from tests.placements import factories as placements
from thrasos.accounts.models import Role
from thrasos.tenancy import tenant_context

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _set(org, model, pk, **fields):
    with tenant_context(org):
        model.objects.filter(pk=pk).update(**fields)


@pytest.fixture
def a(two_tenants):
    return two_tenants["a"]


@pytest.fixture
def b(two_tenants):
    return two_tenants["b"]


def _cw(tenant):
    return tenant["members"][Role.CASEWORKER]


def _coord(tenant):
    return tenant["members"][Role.COORDINATOR]


def _admin(tenant):
    return tenant["members"][Role.ADMIN].user


# --- residence documents


def test_residence_document_stages_90_30_7_each_once(a, b):
    expiry = TODAY + days(120)
    person = factories.beneficiary(
        a["org"], a["territory"], _admin(a), residence_document_expiry=expiry
    )
    code = "beneficiaries.residence_expiring"
    cw = _cw(a).pk
    assert compute(a["org"], expiry - days(91), code) == {}
    assert compute(a["org"], expiry - days(90), code) == {code: 1}
    assert compute(a["org"], expiry - days(90), code) == {}  # the beat runs twice
    assert compute(a["org"], expiry - days(31), code) == {}  # still the 90-day stage
    assert compute(a["org"], expiry - days(30), code) == {code: 1}
    assert compute(a["org"], expiry - days(8), code) == {}
    assert compute(a["org"], expiry - days(7), code) == {code: 1}
    assert compute(a["org"], expiry, code) == {}
    assert compute(a["org"], expiry + days(1), code) == {}
    assert rows(a["org"], code) == [
        (cw, person.pk, expiry - days(90), expiry),
        (cw, person.pk, expiry - days(30), expiry),
        (cw, person.pk, expiry - days(7), expiry),
    ]
    # Organisation B: nothing of A's, nothing for B's members.
    assert compute(b["org"], expiry - days(7), code) == {}
    assert rows(b["org"], code) == []


def test_a_late_entry_gets_the_current_stage_only(a):
    person = factories.beneficiary(
        a["org"], a["territory"], _admin(a), residence_document_expiry=TODAY + days(20)
    )
    code = "beneficiaries.residence_expiring"
    assert compute(a["org"], TODAY, code) == {code: 1}
    assert rows(a["org"], code) == [
        (_cw(a).pk, person.pk, TODAY + days(20) - days(30), TODAY + days(20))
    ]


def test_referents_receive_it_instead_of_the_territory_caseworkers(a):
    referent = factories.member(a["org"], Role.CASEWORKER, territories=[a["territory"]])
    person = factories.beneficiary(
        a["org"], a["territory"], _admin(a), residence_document_expiry=TODAY + days(7)
    )
    with tenant_context(a["org"]):
        BeneficiaryReferent.objects.create(beneficiary=person, membership=referent)
    compute(a["org"], TODAY)
    assert [r[0] for r in rows(a["org"], "beneficiaries.residence_expiring")] == [referent.pk]


def test_an_inactive_referent_falls_back_to_the_caseworkers(a):
    referent = factories.member(a["org"], Role.CASEWORKER, territories=[a["territory"]])
    person = factories.beneficiary(
        a["org"], a["territory"], _admin(a), residence_document_expiry=TODAY + days(7)
    )
    with tenant_context(a["org"]):
        BeneficiaryReferent.objects.create(beneficiary=person, membership=referent)
    _set(a["org"], type(referent), referent.pk, is_active=False)
    compute(a["org"], TODAY)
    assert [r[0] for r in rows(a["org"], "beneficiaries.residence_expiring")] == [_cw(a).pk]


def test_a_closed_case_file_gets_no_reminder(a):
    person = factories.beneficiary(
        a["org"], a["territory"], _admin(a), residence_document_expiry=TODAY + days(7)
    )
    _set(a["org"], Beneficiary, person.pk, state="withdrawn")
    assert compute(a["org"], TODAY) == {}


def test_an_uploaded_residence_document_and_the_case_file_date_make_one_reminder(a):
    expiry = TODAY + days(30)
    person = factories.beneficiary(
        a["org"], a["territory"], _admin(a), residence_document_expiry=expiry
    )
    with tenant_context(a["org"]):
        Document.objects.create(
            beneficiary=person,
            kind="residence",
            file="x/y.pdf",
            original_name="titre.pdf",
            content_type="application/pdf",
            size=10,
            expires_on=expiry,
            uploaded_by=_admin(a),
        )
    assert compute(a["org"], TODAY) == {"beneficiaries.residence_expiring": 1}


def test_other_documents_expiring_and_replaced_ones(a):
    person = factories.beneficiary(a["org"], a["territory"], _admin(a))
    expiry = TODAY + days(7)
    with tenant_context(a["org"]):
        common = dict(
            beneficiary=person,
            kind="identity",
            file="x/y.pdf",
            original_name="id.pdf",
            content_type="application/pdf",
            size=10,
            uploaded_by=_admin(a),
        )
        new = Document.objects.create(**common, expires_on=TODAY + days(3650))
        old = Document.objects.create(**common, expires_on=expiry, replaced_by=new)
        current = Document.objects.create(**common, expires_on=expiry)
    code = "beneficiaries.document_expiring"
    assert compute(a["org"], TODAY, code) == {code: 1}
    assert [r[1] for r in rows(a["org"], code)] == [current.pk]
    assert old.pk != current.pk


# --- sessions (coordinators)


def test_session_starting_in_seven_days_tells_the_coordinators(a, b):
    start = TODAY + days(30)
    session = factories.session(a["org"], a["territory"], start=start)
    code = "sessions.session_starting"
    assert compute(a["org"], start - days(8), code) == {}
    assert compute(a["org"], start - days(7), code) == {code: 1}
    assert compute(a["org"], start - days(1), code) == {}
    assert rows(a["org"], code) == [(_coord(a).pk, session.pk, start - days(7), start)]
    assert compute(b["org"], start - days(7), code) == {}


def test_a_running_session_is_not_announced(a):
    start = TODAY + days(3)
    session = factories.session(a["org"], a["territory"], start=start)
    _set(a["org"], PreparationSession, session.pk, status="running")
    assert compute(a["org"], TODAY, "sessions.session_starting") == {}


def test_a_session_still_planned_on_its_start_date(a):
    start = TODAY
    session = factories.session(a["org"], a["territory"], start=start)
    code = "sessions.session_not_started"
    assert compute(a["org"], start - days(1), code) == {}
    assert compute(a["org"], start, code) == {code: 1}
    assert compute(a["org"], start + days(3), code) == {}  # once
    assert rows(a["org"], code) == [(_coord(a).pk, session.pk, start, start)]
    _set(a["org"], PreparationSession, session.pk, status="running")
    with tenant_context(a["org"]):
        from thrasos.notifications.models import Notification

        Notification.objects.all().delete()
    assert compute(a["org"], start, code) == {}


def _running_session_with_activity(tenant, on):
    admin = _admin(tenant)
    start = on - days(7)
    session = factories.session(tenant["org"], tenant["territory"], start=start)
    person = factories.admitted(tenant["org"], tenant["territory"], admin)
    with tenant_context(tenant["org"]):
        enrolment = Enrolment.objects.create(
            session=session,
            beneficiary=person,
            status="enrolled",
            enrolled_on=start,
            created_by=admin,
        )
        PreparationSession.objects.filter(pk=session.pk).update(status="running")
        activity = Activity.objects.create(
            session=session,
            kind="fle",
            date=on,
            start_time=datetime.time(9),
            end_time=datetime.time(12),
        )
    return session, enrolment, activity


def test_attendance_not_recorded_the_day_after(a, b):
    on = TODAY - days(1)
    _session, _enrolment, activity = _running_session_with_activity(a, on)
    code = "sessions.attendance_missing"
    assert compute(a["org"], on, code) == {}  # the day itself
    assert compute(a["org"], on + days(1), code) == {code: 1}
    assert compute(a["org"], on + days(2), code) == {}
    assert rows(a["org"], code) == [(_coord(a).pk, activity.pk, on + days(1), on)]
    assert compute(b["org"], on + days(1), code) == {}


def test_recorded_or_cancelled_activities_are_not_reminded(a):
    on = TODAY - days(2)
    session, enrolment, activity = _running_session_with_activity(a, on)
    with tenant_context(a["org"]):
        cancelled = Activity.objects.create(
            session=session,
            kind="fle",
            date=on,
            start_time=datetime.time(14),
            end_time=datetime.time(16),
            cancelled_at=timezone.now(),
        )
        Attendance.objects.create(
            activity=activity, enrolment=enrolment, status="present", recorded_by=_admin(a)
        )
    assert compute(a["org"], TODAY, "sessions.attendance_missing") == {}
    assert cancelled.pk


def test_attendance_of_an_activity_too_old_is_not_reminded(a):
    on = TODAY - days(20)
    _running_session_with_activity(a, on)
    assert compute(a["org"], on + days(8), "sessions.attendance_missing") == {}
    assert compute(a["org"], on + days(7), "sessions.attendance_missing") != {}


# --- placements


@pytest.fixture
def contract(a):
    admin = _admin(a)
    emp = placements.employer(a["org"])
    training = placements.training_organisation(a["org"])
    person = placements.seeking(a["org"], a["territory"], admin)
    exam = TODAY + days(200)
    return placements.contract(a["org"], person, admin, emp, training, exam_date=exam)


def test_trial_period_ending_in_seven_days(a, b, contract):
    end = contract.trial_period_end
    code = "placements.trial_period_ending"
    assert compute(a["org"], end - days(8), code) == {}
    assert compute(a["org"], end - days(7), code) == {code: 1}
    assert compute(a["org"], end, code) == {}
    assert rows(a["org"], code) == [(_cw(a).pk, contract.pk, end - days(7), end)]
    assert compute(b["org"], end - days(7), code) == {}


def test_contract_ending_at_60_and_30_days_but_not_a_broken_one(a, contract):
    end = contract.end_date
    code = "placements.contract_ending"
    assert compute(a["org"], end - days(61), code) == {}
    assert compute(a["org"], end - days(60), code) == {code: 1}
    assert compute(a["org"], end - days(30), code) == {code: 1}
    assert compute(a["org"], end - days(29), code) == {}
    with tenant_context(a["org"]):
        from thrasos.notifications.models import Notification

        Notification.objects.all().delete()
    _set(a["org"], type(contract), contract.pk, status="broken", broken_on=TODAY)
    assert compute(a["org"], end - days(30), code) == {}


def test_exam_in_fourteen_days_unless_its_result_is_known(a, contract):
    exam = contract.exam_date
    code = "placements.exam_coming"
    assert compute(a["org"], exam - days(15), code) == {}
    assert compute(a["org"], exam - days(14), code) == {code: 1}
    _set(a["org"], type(contract), contract.pk, diploma_result="obtained")
    with tenant_context(a["org"]):
        from thrasos.notifications.models import Notification

        Notification.objects.all().delete()
    assert compute(a["org"], exam - days(14), code) == {}


def test_follow_up_due_a_week_before_until_recorded(a):
    person = factories.beneficiary(a["org"], a["territory"], _admin(a))
    due = TODAY + days(100)
    with tenant_context(a["org"]):
        follow_up = FollowUp.objects.create(beneficiary=person, months_after_exit=6, due_on=due)
    _set(a["org"], Beneficiary, person.pk, state="exited")
    code = "placements.follow_up_due"
    assert compute(a["org"], due - days(8), code) == {}
    assert compute(a["org"], due - days(7), code) == {code: 1}
    assert rows(a["org"], code) == [(_cw(a).pk, follow_up.pk, due - days(7), due)]
    with tenant_context(a["org"]):
        from thrasos.notifications.models import Notification

        Notification.objects.all().delete()
    _set(a["org"], FollowUp, follow_up.pk, observed_on=TODAY)
    assert compute(a["org"], due, code) == {}


def test_no_contract_eight_weeks_after_the_session(a):
    admin = _admin(a)
    person = placements.seeking(a["org"], a["territory"], admin)
    session = factories.session(a["org"], a["territory"], start=TODAY - days(120))
    ended = TODAY - days(50)
    with tenant_context(a["org"]):
        enrolment = Enrolment.objects.create(
            session=session,
            beneficiary=person,
            status="completed",
            ended_on=ended,
            created_by=admin,
        )
    code = "placements.no_contract_after_session"
    assert compute(a["org"], ended + days(55), code) == {}
    assert compute(a["org"], ended + days(56), code) == {code: 1}
    assert rows(a["org"], code) == [(_cw(a).pk, enrolment.pk, ended + days(56), ended)]
    with tenant_context(a["org"]):
        from thrasos.notifications.models import Notification

        Notification.objects.all().delete()
    emp = placements.employer(a["org"])
    training = placements.training_organisation(a["org"])
    placements.contract(a["org"], person, admin, emp, training)
    assert compute(a["org"], ended + days(56), code) == {}


# --- housing


def test_housing_end_in_thirty_days_and_not_once_ended(a, b):
    admin = _admin(a)
    person = factories.beneficiary(a["org"], a["territory"], admin)
    unit = housing.unit(a["org"], a["territory"])
    place = housing.places(a["org"], unit)[0]
    end = TODAY + days(200)
    occupancy = housing.occupancy(a["org"], admin, person, place, TODAY - days(10), end)
    code = "housing.occupancy_ending"
    assert compute(a["org"], end - days(31), code) == {}
    assert compute(a["org"], end - days(30), code) == {code: 1}
    assert rows(a["org"], code) == [(_cw(a).pk, occupancy.pk, end - days(30), end)]
    assert compute(b["org"], end - days(30), code) == {}
    with tenant_context(a["org"]):
        from thrasos.notifications.models import Notification

        Notification.objects.all().delete()
    _set(a["org"], type(occupancy), occupancy.pk, actual_end_date=TODAY)
    assert compute(a["org"], end - days(30), code) == {}


# --- mentoring


def test_mentoring_silence_of_thirty_days(a):
    world = mentoring.mentoring_world(a)
    pair = world["pair"]  # started 60 days ago, no note
    code = "mentoring.silence"
    started = pair.started_on

    def mine():
        return [r[2] for r in rows(a["org"], code) if r[1] == pair.pk]

    compute(a["org"], started + days(29), code)
    assert mine() == []
    compute(a["org"], started + days(30), code)
    assert mine() == [started + days(30)]
    mentoring.note(a["org"], pair, occurred_on=TODAY - days(3))
    # A note moves the silence: nothing until 30 days after it.
    compute(a["org"], TODAY, code)
    assert mine() == [started + days(30)]
    compute(a["org"], TODAY + days(27), code)
    assert mine() == [started + days(30), TODAY + days(27)]
    assert {r[0] for r in rows(a["org"], code)} == {_cw(a).pk}


def test_an_ended_pair_is_not_reminded(a):
    world = mentoring.mentoring_world(a)
    pair = world["pair"]
    _set(a["org"], type(pair), pair.pk, status="ended", ended_on=TODAY, end_reason="other")
    compute(a["org"], pair.started_on + days(30), "mentoring.silence")
    assert pair.pk not in [r[1] for r in rows(a["org"], "mentoring.silence")]


def test_a_mentor_alert_is_notified_at_once_on_commit(
    a, monkeypatch, django_capture_on_commit_callbacks
):
    from thrasos.notifications import tasks

    world = mentoring.mentoring_world(a)
    sent = []
    monkeypatch.setattr(
        tasks.reminders_compute_now,
        "delay",
        lambda *args, **kwargs: sent.append(
            tasks.reminders_compute_now.apply(args=args, kwargs=kwargs).get()
        ),
    )
    monkeypatch.setattr(tasks.deliveries_send, "delay", lambda **kwargs: None)
    with django_capture_on_commit_callbacks(execute=True):
        note = mentoring.note(a["org"], world["pair"], alert="urgent")
    assert sent == [1]
    assert rows(a["org"], "mentoring.alert") == [(_cw(a).pk, note.pk, TODAY, TODAY)]
    # The daily sweep finds nothing more; a note without alert notifies nothing.
    assert compute(a["org"], TODAY, "mentoring.alert") == {}
    with django_capture_on_commit_callbacks(execute=True):
        mentoring.note(a["org"], world["pair"])
    assert sent == [1]


def test_an_alert_whose_task_was_lost_is_caught_by_the_sweep_until_acknowledged(a):
    world = mentoring.mentoring_world(a)
    note = mentoring.note(a["org"], world["pair"], alert="soon")  # on_commit never runs here
    assert compute(a["org"], TODAY, "mentoring.alert") == {"mentoring.alert": 1}
    other = mentoring.note(a["org"], world["pair"], alert="soon")
    from mentoring.models import MentoringNote

    _set(a["org"], MentoringNote, other.pk, acknowledged_at=timezone.now())
    assert compute(a["org"], TODAY, "mentoring.alert") == {}
    assert note.pk


# --- records inactive for nearly two years (the personal-data register's rule)


def test_a_record_becoming_inactive_is_reminded_30_days_before_unless_kept(a, b):
    from thrasos.privacy import selectors as privacy
    from thrasos.privacy.models import RetentionHold

    code = "audit.record_inactive"
    person = factories.beneficiary(a["org"], a["territory"], _admin(a), last_name="Ancien")
    kept = factories.beneficiary(a["org"], a["territory"], _admin(a), last_name="Gardé")
    with tenant_context(a["org"]):
        last = privacy.with_last_activity(Beneficiary.objects.filter(pk=person.pk)).get()
        RetentionHold.objects.create(
            person=kept,
            reason="Contentieux en cours",
            keep_until=TODAY + days(3 * 365),
            recorded_by=_admin(a),
        )
    inactive_on = privacy.inactive_on(last.last_activity)
    assert compute(a["org"], inactive_on - days(31), code) == {}
    assert compute(a["org"], inactive_on - days(30), code) == {code: 1}
    assert compute(a["org"], inactive_on - days(30), code) == {}  # the beat runs twice
    assert compute(a["org"], inactive_on - days(1), code) == {}
    assert compute(a["org"], inactive_on, code) == {}  # the retention task's day
    # Only the person no reason keeps, told to the territory's caseworker.
    assert rows(a["org"], code) == [(_cw(a).pk, person.pk, inactive_on - days(30), inactive_on)]
    assert compute(b["org"], inactive_on - days(30), code) == {}
