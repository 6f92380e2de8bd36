import datetime
import threading

import psycopg
import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, connection, connections, transaction
from django.utils import timezone

from beneficiaries.models import Beneficiary
from beneficiaries.services import TransitionRequest, beneficiary_transition
from housing import services
from housing.models import Occupancy, six_months_after
from tests import factories
from tests.housing import factories as hf
from thrasos.accounts.models import Role
from thrasos.tenancy import tenant_context

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def a(two_tenants):
    data = two_tenants["a"]
    data["actor"] = data["members"][Role.COORDINATOR].user
    data["unit"] = hf.unit(data["org"], data["territory"], places=2)
    data["places"] = hf.places(data["org"], data["unit"])
    data["people"] = [
        factories.admitted(
            data["org"],
            data["territory"],
            data["actor"],
            last_name=f"Personne{i}",
            first_name="Test",
        )
        for i in range(3)
    ]
    return data


def _start(a, person, place, start, end=None, **kw):
    return hf.occupancy(a["org"], a["actor"], person, place, start, end, **kw)


def test_six_months_after_keeps_the_day_or_the_last_of_the_month():
    assert six_months_after(D(2027, 1, 15)) == D(2027, 7, 15)
    assert six_months_after(D(2027, 8, 31)) == D(2028, 2, 29)
    assert six_months_after(D(2027, 7, 1)) == D(2028, 1, 1)


def test_planned_end_defaults_to_six_months(a):
    o = _start(a, a["people"][0], a["places"][0], D(2026, 1, 10))
    assert o.planned_end_date == D(2026, 7, 10)
    assert o.stay_started_on == D(2026, 1, 10)


def test_double_booking_of_a_place_is_refused_naming_the_booking(a):
    place = a["places"][0]
    _start(a, a["people"][0], place, D(2026, 1, 1), D(2026, 7, 1))
    with pytest.raises(ValidationError) as error:
        _start(a, a["people"][1], place, D(2026, 6, 1), D(2026, 12, 31))
    message = error.value.messages[0]
    assert "déjà réservée" in message and "PERSONNE0" in message and "30/06/2026" in message
    # Same day as the end: allowed (half-open range).
    _start(a, a["people"][1], place, D(2026, 7, 1), D(2027, 1, 1))


def test_a_person_is_not_in_two_places_at_once(a):
    _start(a, a["people"][0], a["places"][0], D(2026, 1, 1), D(2026, 7, 1))
    with pytest.raises(ValidationError) as error:
        _start(a, a["people"][0], a["places"][1], D(2026, 3, 1), D(2026, 9, 1))
    assert "déjà logée" in error.value.messages[0]


def test_the_database_refuses_direct_overlapping_inserts(a):
    """The wall is the exclusion constraint, not the service."""
    first = _start(a, a["people"][0], a["places"][0], D(2026, 1, 1), D(2026, 7, 1))
    with tenant_context(a["org"]):
        for person, place in ((a["people"][1], a["places"][0]), (a["people"][0], a["places"][1])):
            with pytest.raises(IntegrityError), transaction.atomic():
                Occupancy.objects.create(
                    place=place,
                    beneficiary=person,
                    start_date=D(2026, 6, 30),
                    planned_end_date=D(2026, 12, 1),
                    stay_started_on=D(2026, 6, 30),
                )
        # Overstaying is an extension: an actual end after the next booking collides too.
        Occupancy.objects.create(
            place=a["places"][0],
            beneficiary=a["people"][1],
            start_date=D(2026, 7, 1),
            planned_end_date=D(2026, 12, 1),
            stay_started_on=D(2026, 7, 1),
        )
        with pytest.raises(IntegrityError), transaction.atomic():
            Occupancy.objects.filter(pk=first.pk).update(actual_end_date=D(2026, 7, 15))


def test_extension_over_the_next_booking_is_refused_naming_it(a):
    first = _start(a, a["people"][0], a["places"][0], D(2026, 1, 1), D(2026, 7, 1))
    _start(a, a["people"][1], a["places"][0], D(2026, 8, 1), D(2027, 2, 1))
    with tenant_context(a["org"]):
        services.occupancy_extend(actor=a["actor"], occupancy=first, planned_end_date=D(2026, 8, 1))
        with pytest.raises(ValidationError) as error:
            services.occupancy_extend(
                actor=a["actor"], occupancy=first, planned_end_date=D(2026, 9, 1)
            )
        assert "PERSONNE1" in error.value.messages[0]
        assert Occupancy.objects.get(pk=first.pk).planned_end_date == D(2026, 8, 1)


def test_leaving_after_the_planned_end_collides_with_the_next_booking(a):
    today = timezone.localdate()
    start = today - datetime.timedelta(days=250)
    first = _start(a, a["people"][0], a["places"][0], start, today - hf.days(20))
    _start(a, a["people"][1], a["places"][0], today - hf.days(20), today + hf.days(200))
    with tenant_context(a["org"]), pytest.raises(ValidationError, match="PERSONNE1"):
        services.occupancy_end(
            actor=a["actor"], occupancy=first, end_date=today - hf.days(10), destination="hosted"
        )


def test_short_planned_stay_needs_a_justification(a):
    with pytest.raises(ValidationError) as error:
        _start(a, a["people"][0], a["places"][0], D(2026, 1, 1), D(2026, 4, 1))
    assert "short_stay_justification" in error.value.message_dict
    with tenant_context(a["org"]):
        assert not Occupancy.objects.exists()
    o = _start(
        a,
        a["people"][0],
        a["places"][0],
        D(2026, 1, 1),
        D(2026, 4, 1),
        short_stay_justification="Fin de contrat prévue en mars.",
    )
    assert o.planned_end_date == D(2026, 4, 1)


def test_early_end_needs_a_reason_and_a_justification(a):
    today = timezone.localdate()
    o = _start(a, a["people"][0], a["places"][0], today - hf.days(30))
    with tenant_context(a["org"]):
        with pytest.raises(ValidationError) as error:
            services.occupancy_end(
                actor=a["actor"], occupancy=o, end_date=today, destination="private_rental"
            )
        assert set(error.value.message_dict) == {"early_end_reason", "early_end_justification"}
        assert Occupancy.objects.get(pk=o.pk).actual_end_date is None
        services.occupancy_end(
            actor=a["actor"],
            occupancy=o,
            end_date=today,
            destination="private_rental",
            early_end_reason="autonomous_housing",
            early_end_justification="Bail signé dans le parc privé.",
        )
        o.refresh_from_db()
        assert (o.actual_end_date, o.destination, o.early_end_reason) == (
            today,
            "private_rental",
            "autonomous_housing",
        )


def test_end_needs_a_destination_and_not_in_the_future(a):
    today = timezone.localdate()
    o = _start(a, a["people"][0], a["places"][0], today - hf.days(200))
    with tenant_context(a["org"]):
        with pytest.raises(ValidationError) as error:
            services.occupancy_end(actor=a["actor"], occupancy=o, end_date=today, destination="")
        assert "destination" in error.value.message_dict
        with pytest.raises(ValidationError) as error:
            services.occupancy_end(
                actor=a["actor"], occupancy=o, end_date=today + hf.days(1), destination="unknown"
            )
        assert "end_date" in error.value.message_dict


def test_move_is_one_operation_same_day_and_keeps_the_stay(a):
    today = timezone.localdate()
    o = _start(a, a["people"][0], a["places"][0], today - hf.days(60))
    with tenant_context(a["org"]):
        new = services.occupancy_move(actor=a["actor"], occupancy=o, place=a["places"][1], on=today)
        o.refresh_from_db()
        assert o.actual_end_date == today and new.start_date == today
        assert new.stay_started_on == o.stay_started_on
        assert new.moved_from == o and new.planned_end_date == o.planned_end_date


def test_move_into_a_taken_place_changes_nothing(a):
    today = timezone.localdate()
    o = _start(a, a["people"][0], a["places"][0], today - hf.days(60))
    _start(a, a["people"][1], a["places"][1], today - hf.days(60))
    with tenant_context(a["org"]):
        with pytest.raises(ValidationError, match="PERSONNE1"):
            services.occupancy_move(actor=a["actor"], occupancy=o, place=a["places"][1], on=today)
        o.refresh_from_db()
        assert o.actual_end_date is None
        assert Occupancy.objects.count() == 2


def test_exit_destination_feeds_the_exit_housing_outcome(a):
    today = timezone.localdate()
    person = a["people"][0]
    o = _start(a, person, a["places"][0], today - hf.days(200))
    with tenant_context(a["org"]):
        for state in ("in_session", "seeking_contract", "in_contract"):
            beneficiary_transition(
                actor=a["actor"], beneficiary=person, request=TransitionRequest(to_state=state)
            )
        beneficiary_transition(
            actor=a["actor"],
            beneficiary=person,
            request=TransitionRequest(
                to_state="exited", exit_employment="cdi", exit_housing="hosted"
            ),
        )
        services.occupancy_end(
            actor=a["actor"], occupancy=o, end_date=today, destination="social_housing"
        )
        assert Beneficiary.objects.get(pk=person.pk).exit_housing == "social_housing"
        follow_up = person.follow_ups.get(months_after_exit=6)
    # ... and the follow-ups: their form proposes that housing situation.
    from django.test import Client
    from django.urls import reverse

    client = Client()
    client.force_login(a["actor"])
    form = client.get(reverse("placements:follow_up_record", args=[follow_up.pk]))
    assert '<option value="social_housing" selected>' in form.content.decode()


def test_closing_a_place_with_a_later_booking_is_refused(a):
    _start(a, a["people"][0], a["places"][0], D(2026, 1, 1), D(2026, 7, 1))
    with tenant_context(a["org"]):
        with pytest.raises(ValidationError, match="PERSONNE0"):
            services.place_close(actor=a["actor"], place=a["places"][0], closed_on=D(2026, 5, 1))
        services.place_close(actor=a["actor"], place=a["places"][0], closed_on=D(2026, 7, 1))
    with pytest.raises(ValidationError) as error:
        _start(a, a["people"][1], a["places"][0], D(2026, 7, 1))
    assert "place" in error.value.message_dict


def test_cross_tenant_reference_is_refused_by_the_database(two_tenants, a):
    b = two_tenants["b"]
    actor_b = b["members"][Role.COORDINATOR].user
    person_b = factories.admitted(b["org"], b["territory"], actor_b)
    with tenant_context(a["org"]), pytest.raises(IntegrityError), transaction.atomic():
        Occupancy.objects.create(
            place=a["places"][0],
            beneficiary_id=person_b.pk,
            start_date=D(2026, 1, 1),
            planned_end_date=D(2026, 7, 1),
            stay_started_on=D(2026, 1, 1),
        )
        connection.check_constraints()


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_bookings_one_wins_the_other_gets_the_french_error(a):
    place, people = a["places"][0], a["people"][:2]
    barrier = threading.Barrier(2)
    results = []

    def book(person):
        try:
            barrier.wait()
            with tenant_context(a["org"]):
                services.occupancy_start(
                    actor=a["actor"], beneficiary=person, place=place, start_date=D(2026, 3, 1)
                )
            results.append("ok")
        except ValidationError as error:
            results.append(error.messages[0])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=book, args=(p,)) for p in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count("ok") == 1
    assert any("déjà réservée" in r for r in results if r != "ok")
    with tenant_context(a["org"]):
        assert Occupancy.objects.filter(place=place).count() == 1


def _deadlock(*args, **kwargs):
    try:
        raise psycopg.errors.DeadlockDetected("deadlock detected")
    except psycopg.errors.DeadlockDetected as cause:
        raise OperationalError("deadlock detected") from cause


def test_a_deadlock_between_two_bookings_is_retried_once_then_refused_in_french(a, monkeypatch):
    """Two bookings inserted at the same moment can deadlock on the
    exclusion constraints: PostgreSQL cancels one. It is retried once (and
    saves); a second conflict is a French refusal, never a 500."""
    real_save = Occupancy.save
    calls = []

    def once_then_real(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            _deadlock()
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(Occupancy, "save", once_then_real)
    saved = _start(a, a["people"][0], a["places"][0], D(2026, 1, 1))
    assert saved.pk and len(calls) == 2
    monkeypatch.setattr(Occupancy, "save", _deadlock)
    with pytest.raises(ValidationError) as error:
        _start(a, a["people"][1], a["places"][1], D(2026, 1, 1))
    assert "au même moment" in error.value.messages[0]
    with tenant_context(a["org"]):
        assert not Occupancy.objects.filter(beneficiary=a["people"][1]).exists()


def test_a_booking_missed_by_the_check_is_refused_by_the_constraint_in_french(a, monkeypatch):
    """The check before the insert can miss a booking committed meanwhile by
    another request: the exclusion constraint refuses the insert, and the
    refusal becomes the same French message."""
    _start(a, a["people"][0], a["places"][0], D(2026, 1, 1), D(2026, 7, 1))
    real = services._conflict_message
    calls = []

    def blind_first(occupancy):
        calls.append(1)
        return None if len(calls) == 1 else real(occupancy)

    monkeypatch.setattr(services, "_conflict_message", blind_first)
    with pytest.raises(ValidationError) as error:
        _start(a, a["people"][1], a["places"][0], D(2026, 3, 1), D(2026, 9, 1))
    assert "déjà réservée pour PERSONNE0" in error.value.messages[0]
    assert len(calls) == 2
    with tenant_context(a["org"]):
        assert Occupancy.objects.count() == 1  # the transaction is still usable
