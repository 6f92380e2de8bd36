import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from beneficiaries.models import Beneficiary
from sessions import services
from sessions.models import (
    Activity,
    ActivityKind,
    Attendance,
    AttendanceStatus,
    Enrolment,
    PreparationSession,
)
from tests import factories
from thrasos.accounts.models import Role
from thrasos.tenancy import tenant_context

pytestmark = pytest.mark.django_db


@pytest.fixture
def a(two_tenants):
    data = two_tenants["a"]
    data["actor"] = data["members"][Role.COORDINATOR].user
    return data


def _admitted(a, n=1, **fields):
    return [
        factories.admitted(
            a["org"],
            a["territory"],
            a["actor"],
            last_name=f"Personne{i}",
            first_name="Test",
            **fields,
        )
        for i in range(n)
    ]


def _state(org, b):
    with tenant_context(org):
        return Beneficiary.objects.get(pk=b.pk).state


def test_end_date_defaults_to_ten_weeks(a):
    s = factories.session(a["org"], a["territory"], start=datetime.date(2027, 1, 4))
    assert s.end_date == datetime.date(2027, 3, 14)  # Sunday of the 10th week


def test_end_before_start_is_refused_with_a_message(a):
    with pytest.raises(ValidationError) as error:
        factories.session(
            a["org"],
            a["territory"],
            start=datetime.date(2027, 1, 4),
            end_date=datetime.date(2027, 1, 1),
        )
    assert "end_date" in error.value.message_dict


def test_capacity_then_waiting_list_in_order(a):
    s = factories.session(a["org"], a["territory"], capacity=2, status="recruiting")
    people = _admitted(a, 4)
    with tenant_context(a["org"]):
        enrolments = [
            services.enrolment_create(actor=a["actor"], session=s, beneficiary=b) for b in people
        ]
        assert [e.status for e in enrolments] == ["enrolled", "enrolled", "waiting", "waiting"]
        assert [e.waiting_position for e in enrolments[2:]] == [1, 2]
        # Not started: the pathway does not move yet.
        assert {Beneficiary.objects.get(pk=b.pk).state for b in people} == {"admitted"}
        # Full: promoting is refused.
        with pytest.raises(ValidationError, match="complète"):
            services.enrolment_promote(actor=a["actor"], enrolment=enrolments[2])
        # Reorder, then free a place and promote the new first.
        services.enrolment_move_in_waiting_list(actor=a["actor"], enrolment=enrolments[3], up=True)
        assert list(s.enrolments.waiting().values_list("beneficiary_id", flat=True)) == [
            people[3].pk,
            people[2].pk,
        ]
        services.enrolment_remove(actor=a["actor"], enrolment=enrolments[0])
        promoted = services.enrolment_promote(actor=a["actor"], enrolment=enrolments[3])
        assert promoted.status == "enrolled" and promoted.waiting_position is None
        assert services.places_left(s) == 0


def test_enrolling_needs_an_admitted_person(a):
    s = factories.session(a["org"], a["territory"])
    referred = factories.beneficiary(a["org"], a["territory"], a["actor"])
    with tenant_context(a["org"]), pytest.raises(ValidationError) as error:
        services.enrolment_create(actor=a["actor"], session=s, beneficiary=referred)
    assert "Seules les personnes admises" in error.value.message_dict["beneficiary"][0]
    with tenant_context(a["org"]):
        assert not Enrolment.objects.exists()


def test_enrolled_once_per_session_and_in_one_session_at_a_time(a):
    s1 = factories.session(a["org"], a["territory"], name="S1")
    s2 = factories.session(a["org"], a["territory"], name="S2")
    (b,) = _admitted(a)
    with tenant_context(a["org"]):
        services.enrolment_create(actor=a["actor"], session=s1, beneficiary=b)
        with pytest.raises(ValidationError, match="déjà"):
            services.enrolment_create(actor=a["actor"], session=s1, beneficiary=b)
        with pytest.raises(ValidationError, match="S1"):
            services.enrolment_create(actor=a["actor"], session=s2, beneficiary=b)
        # The database says the same if the service is bypassed.
        with pytest.raises(IntegrityError), transaction.atomic():
            Enrolment.objects.create(
                session=s2, beneficiary=b, status="enrolled", created_by=a["actor"]
            )


def test_pathway_moves_through_the_beneficiary_services(a):
    s = factories.session(a["org"], a["territory"], capacity=3)
    first, second, third = _admitted(a, 3)
    with tenant_context(a["org"]):
        for b in (first, second):
            services.enrolment_create(actor=a["actor"], session=s, beneficiary=b)
        services.session_set_status(actor=a["actor"], session=s, status="running")
        assert _state(a["org"], first) == "in_session"
        # Enrolled while running: in session at once.
        late = services.enrolment_create(actor=a["actor"], session=s, beneficiary=third)
        assert _state(a["org"], third) == "in_session"
        e_first = s.enrolments.get(beneficiary=first)
        e_second = s.enrolments.get(beneficiary=second)
        services.enrolment_complete(actor=a["actor"], enrolment=e_first)
        services.enrolment_drop_out(actor=a["actor"], enrolment=e_second, reason="health")
        assert _state(a["org"], first) == "seeking_contract"
        b2 = Beneficiary.objects.get(pk=second.pk)
        assert (b2.state, b2.withdrawal_reason) == ("withdrawn", "health")
        # Each step is a dated, attributed transition.
        steps = list(b2.transitions.values_list("to_state", "actor_id"))
        assert steps[-2:] == [("in_session", a["actor"].pk), ("withdrawn", a["actor"].pk)]
        # Closing completes whoever is still enrolled.
        services.session_set_status(actor=a["actor"], session=s, status="closed")
        late.refresh_from_db()
        assert late.status == "completed"
        assert _state(a["org"], third) == "seeking_contract"


def test_drop_out_needs_a_reason_and_a_started_session(a):
    s = factories.session(a["org"], a["territory"])
    (b,) = _admitted(a)
    with tenant_context(a["org"]):
        e = services.enrolment_create(actor=a["actor"], session=s, beneficiary=b)
        with pytest.raises(ValidationError, match="pas commencé"):
            services.enrolment_drop_out(actor=a["actor"], enrolment=e, reason="health")
        services.session_start(actor=a["actor"], session=s)
        with pytest.raises(ValidationError) as error:
            services.enrolment_drop_out(actor=a["actor"], enrolment=e, reason="")
        assert "reason" in error.value.message_dict
        e.refresh_from_db()
        assert e.status == "enrolled"


def test_a_person_withdrawn_before_the_start_leaves_the_session(a):
    s = factories.session(a["org"], a["territory"])
    stays, leaves = _admitted(a, 2)
    with tenant_context(a["org"]):
        services.enrolment_create(actor=a["actor"], session=s, beneficiary=stays)
        gone = services.enrolment_create(actor=a["actor"], session=s, beneficiary=leaves)
        from beneficiaries.services import TransitionRequest, beneficiary_transition

        beneficiary_transition(
            actor=a["actor"],
            beneficiary=leaves,
            request=TransitionRequest(to_state="withdrawn", reason="moved"),
        )
        gone.refresh_from_db()
        assert gone.status == "removed"
        services.session_start(actor=a["actor"], session=s)
        assert _state(a["org"], stays) == "in_session"
        assert _state(a["org"], leaves) == "withdrawn"


def test_session_cannot_start_with_a_participant_in_another_stage(a):
    """Enrolments written before stages were kept in step (or by hand)."""
    s = factories.session(a["org"], a["territory"])
    (b,) = _admitted(a)
    with tenant_context(a["org"]):
        services.enrolment_create(actor=a["actor"], session=s, beneficiary=b)
        Beneficiary.objects.filter(pk=b.pk).update(state="candidate")
        with pytest.raises(ValidationError, match="PERSONNE0"):
            services.session_start(actor=a["actor"], session=s)
        assert PreparationSession.objects.get(pk=s.pk).status == "planned"


def test_illegal_status_change_is_refused(a):
    s = factories.session(a["org"], a["territory"])
    with tenant_context(a["org"]):
        with pytest.raises(ValidationError, match="ne peut pas passer"):
            services.session_set_status(actor=a["actor"], session=s, status="closed")
        services.session_set_status(actor=a["actor"], session=s, status="recruiting")
        assert PreparationSession.objects.get(pk=s.pk).status == "recruiting"


def test_capacity_cannot_fall_below_places_taken(a):
    s = factories.session(a["org"], a["territory"], capacity=3)
    people = _admitted(a, 2)
    with tenant_context(a["org"]):
        for b in people:
            services.enrolment_create(actor=a["actor"], session=s, beneficiary=b)
        with pytest.raises(ValidationError) as error:
            services.session_update(actor=a["actor"], session=s, data={"capacity": 1})
        assert "capacity" in error.value.message_dict
        assert PreparationSession.objects.get(pk=s.pk).capacity == 3


def test_recurring_series_on_weekdays_without_public_holidays(a):
    # 2027-04-26 is a Monday; 1 May and 8 May 2027 are Saturdays, Ascension
    # Thursday 6 May, Whit Monday 17 May.
    s = factories.session(a["org"], a["territory"], start=datetime.date(2027, 4, 26))
    with tenant_context(a["org"]):
        series = services.activity_series_create(
            actor=a["actor"],
            session=s,
            kind=ActivityKind.FLE,
            weekdays=[0, 2, 4],
            start_time=datetime.time(9),
            end_time=datetime.time(12),
            first_date=datetime.date(2027, 4, 26),
            last_date=datetime.date(2027, 5, 21),
        )
        dates = list(series.occurrences.order_by("date").values_list("date", flat=True))
    # 4 weeks × 3 days = 12, minus Whit Monday 17 May.
    assert len(dates) == 11
    assert datetime.date(2027, 5, 17) not in dates
    assert {d.weekday() for d in dates} == {0, 2, 4}
    assert dates[0] == datetime.date(2027, 4, 26) and dates[-1] == datetime.date(2027, 5, 21)


def test_whole_session_series_counts_ten_weeks(a):
    s = factories.session(a["org"], a["territory"], start=datetime.date(2027, 9, 6))
    with tenant_context(a["org"]):
        series = services.activity_series_create(
            actor=a["actor"],
            session=s,
            kind=ActivityKind.FLE,
            weekdays=[0, 2, 4],
            start_time=datetime.time(9),
            end_time=datetime.time(12),
            skip_public_holidays=False,
        )
        assert series.occurrences.count() == 30
        # 1 and 11 November 2027 (Monday, Thursday) are public holidays.
        with_holidays_left_out = services.series_dates(
            weekdays=[0, 3], first_date=s.start_date, last_date=s.end_date
        )
        assert datetime.date(2027, 11, 1) not in with_holidays_left_out
        assert datetime.date(2027, 11, 11) not in with_holidays_left_out
        assert len(with_holidays_left_out) == 18


def test_series_outside_the_session_or_without_days_is_refused(a):
    s = factories.session(a["org"], a["territory"], start=datetime.date(2027, 9, 6))
    with tenant_context(a["org"]):
        with pytest.raises(ValidationError) as error:
            services.activity_series_create(
                actor=a["actor"],
                session=s,
                kind="fle",
                weekdays=[],
                start_time=datetime.time(12),
                end_time=datetime.time(9),
                first_date=datetime.date(2027, 8, 1),
            )
        assert set(error.value.message_dict) == {"weekdays", "end_time", "first_date"}
        assert not Activity.objects.exists()


def test_activity_outside_the_session_is_refused(a):
    s = factories.session(a["org"], a["territory"], start=datetime.date(2027, 9, 6))
    data = {
        "kind": "workshop",
        "date": datetime.date(2027, 12, 1),
        "start_time": datetime.time(14),
        "end_time": datetime.time(16),
    }
    with tenant_context(a["org"]):
        with pytest.raises(ValidationError) as error:
            services.activity_create(actor=a["actor"], session=s, data=data)
        assert "06/09/2027" in error.value.message_dict["date"][0]
        activity = services.activity_create(
            actor=a["actor"], session=s, data={**data, "date": datetime.date(2027, 9, 7)}
        )
        # Moving it out later is refused as well; nothing changes.
        with pytest.raises(ValidationError):
            services.activity_update(
                actor=a["actor"], activity=activity, data={"date": datetime.date(2027, 8, 30)}
            )
        activity.refresh_from_db()
        assert activity.date == datetime.date(2027, 9, 7)


def test_individual_appointment_concerns_one_participant(a):
    s = factories.session(a["org"], a["territory"])
    (b,) = _admitted(a)
    data = {
        "kind": "individual",
        "date": s.start_date,
        "start_time": datetime.time(10),
        "end_time": datetime.time(11),
    }
    with tenant_context(a["org"]):
        with pytest.raises(ValidationError) as error:
            services.activity_create(actor=a["actor"], session=s, data=data)
        assert "participant" in error.value.message_dict
        e = services.enrolment_create(actor=a["actor"], session=s, beneficiary=b)
        activity = services.activity_create(
            actor=a["actor"], session=s, data={**data, "participant": e}
        )
        assert [x.pk for x in services.expected_participants(activity)] == [e.pk]
        with pytest.raises(ValidationError) as error:
            services.activity_create(
                actor=a["actor"], session=s, data={**data, "kind": "workshop", "participant": e}
            )
        assert "participant" in error.value.message_dict


def test_edit_or_cancel_one_occurrence_only(a):
    s = factories.session(a["org"], a["territory"], start=datetime.date(2027, 9, 6))
    with tenant_context(a["org"]):
        series = services.activity_series_create(
            actor=a["actor"],
            session=s,
            kind="fle",
            weekdays=[0],
            start_time=datetime.time(9),
            end_time=datetime.time(12),
        )
        first, second, *_ = series.occurrences.order_by("date")
        services.activity_update(
            actor=a["actor"],
            activity=first,
            data={"start_time": datetime.time(10), "place": "Salle B"},
        )
        services.activity_cancel(actor=a["actor"], activity=second, reason="Formatrice absente")
        rows = list(
            series.occurrences.order_by("date").values_list("start_time", "place", "cancelled_at")
        )
        assert rows[0][:2] == (datetime.time(10), "Salle B")
        assert rows[1][2] is not None
        assert all(r[0] == datetime.time(9) and r[2] is None for r in rows[2:])


def _running_session_with(a, n=3):
    s = factories.session(a["org"], a["territory"], capacity=20)
    people = _admitted(a, n)
    with tenant_context(a["org"]):
        enrolments = [
            services.enrolment_create(actor=a["actor"], session=s, beneficiary=b) for b in people
        ]
        services.session_start(actor=a["actor"], session=s)
        activity = services.activity_create(
            actor=a["actor"],
            session=s,
            data={
                "kind": "fle",
                "date": timezone.localdate(),
                "start_time": datetime.time(9),
                "end_time": datetime.time(12),
            },
        )
    return s, enrolments, activity


def test_attendance_recorded_then_edited(a):
    _s, enrolments, activity = _running_session_with(a)
    marks = {e.pk: AttendanceStatus.PRESENT for e in enrolments}
    marks[enrolments[1].pk] = AttendanceStatus.UNEXCUSED
    with tenant_context(a["org"]):
        assert services.attendance_record(actor=a["actor"], activity=activity, marks=marks) == 3
        assert services.attendance_record(actor=a["actor"], activity=activity, marks=marks) == 0
        marks[enrolments[1].pk] = AttendanceStatus.EXCUSED
        assert services.attendance_record(actor=a["actor"], activity=activity, marks=marks) == 1
        assert dict(Attendance.objects.values_list("enrolment_id", "status")) == marks


def test_attendance_for_a_non_participant_is_refused(a):
    _s, enrolments, activity = _running_session_with(a, 1)
    other = factories.session(a["org"], a["territory"], name="Autre")
    (b,) = _admitted(a)
    with tenant_context(a["org"]):
        stranger = services.enrolment_create(actor=a["actor"], session=other, beneficiary=b)
        with pytest.raises(ValidationError, match="1 personne ne participe pas"):
            services.attendance_record(
                actor=a["actor"],
                activity=activity,
                marks={enrolments[0].pk: "present", stranger.pk: "present"},
            )
        assert not Attendance.objects.exists()


def test_people_who_dropped_out_are_expected_until_the_day_they_left(a):
    s, enrolments, today_activity = _running_session_with(a, 2)
    with tenant_context(a["org"]):
        tomorrow = services.activity_create(
            actor=a["actor"],
            session=s,
            data={
                "kind": "workshop",
                "date": timezone.localdate() + datetime.timedelta(days=1),
                "start_time": datetime.time(14),
                "end_time": datetime.time(15),
            },
        )
        services.enrolment_drop_out(actor=a["actor"], enrolment=enrolments[0], reason="personal")
        assert enrolments[0].pk in {e.pk for e in services.expected_participants(today_activity)}
        assert [e.pk for e in services.expected_participants(tomorrow)] == [enrolments[1].pk]


def test_double_attendance_is_refused_by_the_database(a):
    _s, enrolments, activity = _running_session_with(a, 1)
    with tenant_context(a["org"]):
        Attendance.objects.create(
            activity=activity, enrolment=enrolments[0], status="present", recorded_by=a["actor"]
        )
        with pytest.raises(IntegrityError), transaction.atomic():
            Attendance.objects.create(
                activity=activity, enrolment=enrolments[0], status="late", recorded_by=a["actor"]
            )


def test_no_attendance_for_a_future_or_cancelled_activity(a):
    s, enrolments, activity = _running_session_with(a, 1)
    with tenant_context(a["org"]):
        future = services.activity_create(
            actor=a["actor"],
            session=s,
            data={
                "kind": "workshop",
                "date": timezone.localdate() + datetime.timedelta(days=1),
                "start_time": datetime.time(9),
                "end_time": datetime.time(10),
            },
        )
        with pytest.raises(ValidationError, match="avant l’activité"):
            services.attendance_record(
                actor=a["actor"], activity=future, marks={enrolments[0].pk: "present"}
            )
        services.activity_cancel(actor=a["actor"], activity=future)
        with pytest.raises(ValidationError, match="annulée"):
            services.attendance_record(
                actor=a["actor"], activity=future, marks={enrolments[0].pk: "present"}
            )
        # An activity with attendance took place: it cannot be cancelled.
        services.attendance_record(
            actor=a["actor"], activity=activity, marks={enrolments[0].pk: "late"}
        )
        with pytest.raises(ValidationError, match="a eu lieu"):
            services.activity_cancel(actor=a["actor"], activity=activity)


def test_withdrawal_recorded_on_the_case_file_ends_the_enrolments(a):
    from beneficiaries.services import TransitionRequest, beneficiary_transition

    running = factories.session(a["org"], a["territory"], name="En cours")
    later = factories.session(
        a["org"], a["territory"], name="Plus tard", capacity=1, start=datetime.date(2027, 9, 6)
    )
    someone, person = _admitted(a, 2)
    with tenant_context(a["org"]):
        services.enrolment_create(actor=a["actor"], session=later, beneficiary=someone)
        waiting = services.enrolment_create(actor=a["actor"], session=later, beneficiary=person)
        enrolled = services.enrolment_create(actor=a["actor"], session=running, beneficiary=person)
        services.session_start(actor=a["actor"], session=running)
        assert waiting.status == "waiting"
        beneficiary_transition(
            actor=a["actor"],
            beneficiary=Beneficiary.objects.get(pk=person.pk),
            request=TransitionRequest(to_state="withdrawn", reason="health"),
        )
        enrolled.refresh_from_db()
        waiting.refresh_from_db()
        assert (enrolled.status, enrolled.dropout_reason) == ("dropped_out", "health")
        assert enrolled.ended_on == timezone.localdate()
        assert (waiting.status, waiting.waiting_position) == ("removed", None)


def test_project_validated_on_the_case_file_completes_the_session(a):
    from beneficiaries.services import TransitionRequest, beneficiary_transition

    s = factories.session(a["org"], a["territory"])
    (person,) = _admitted(a)
    with tenant_context(a["org"]):
        e = services.enrolment_create(actor=a["actor"], session=s, beneficiary=person)
        services.session_start(actor=a["actor"], session=s)
        beneficiary_transition(
            actor=a["actor"],
            beneficiary=Beneficiary.objects.get(pk=person.pk),
            request=TransitionRequest(to_state="seeking_contract"),
        )
        e.refresh_from_db()
        assert e.status == "completed"
        # The session's own services still work on the others, and closing
        # has nobody left to complete.
        services.session_close(actor=a["actor"], session=s)
        assert Beneficiary.objects.get(pk=person.pk).transitions.count() == 5
