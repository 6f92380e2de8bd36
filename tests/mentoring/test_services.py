import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone

from beneficiaries.models import BeneficiaryReferent
from mentoring import selectors, services
from mentoring.models import MentoringNote, Mentorship
from tests import factories
from tests.mentoring import factories as mf
from thrasos.accounts.models import Role
from thrasos.tenancy import tenant_context


@pytest.fixture
def w(two_tenants):
    return {**mf.mentoring_world(two_tenants["a"]), "tenants": two_tenants}


def test_a_profile_is_for_volunteers_of_its_territory(w, two_tenants):
    a = two_tenants["a"]
    elsewhere = factories.territory(w["org"], "Ailleurs")
    with tenant_context(w["org"]), pytest.raises(ValidationError) as error:
        services.volunteer_profile_save(
            actor=w["admin"],
            membership=a["members"][Role.CASEWORKER],
            data={"territory": a["territory"]},
        )
    assert "bénévole" in str(error.value)
    with tenant_context(w["org"]), pytest.raises(ValidationError) as error:
        services.volunteer_profile_save(
            actor=w["admin"], membership=w["volunteer"], data={"territory": elsewhere}
        )
    assert "territory" in error.value.error_dict


def test_pairing_needs_a_signed_charter_an_active_volunteer_and_the_same_territory(w):
    org = w["org"]
    newcomer = factories.member(org, Role.VOLUNTEER, territories=[w["territory"]], mfa=False)
    unsigned = mf.profile(org, newcomer, w["territory"], charter=False)
    with pytest.raises(ValidationError) as error:
        mf.pair(org, unsigned, w["theirs"], actor=w["admin"])
    assert "charte" in str(error.value)
    with tenant_context(org):
        services.volunteer_profile_save(
            actor=w["admin"],
            membership=newcomer,
            data={"charter_signed_on": timezone.localdate(), "is_active": False},
        )
        unsigned.refresh_from_db()
    with pytest.raises(ValidationError):
        mf.pair(org, unsigned, w["theirs"], actor=w["admin"])
    far = factories.territory(org, "Loin")
    stranger = factories.beneficiary(org, far, w["admin"], last_name="Loin")
    with pytest.raises(ValidationError) as error:
        mf.pair(org, w["profile"], stranger, actor=w["admin"])
    assert "même territoire" in str(error.value)
    with tenant_context(org):
        assert Mentorship.objects.count() == 2


def test_one_current_pair_per_volunteer_and_person_in_the_database(w):
    org = w["org"]
    with pytest.raises(ValidationError):
        mf.pair(org, w["profile"], w["mine"], actor=w["admin"])
    with tenant_context(org), pytest.raises(IntegrityError), transaction.atomic():
        Mentorship.objects.create(
            volunteer=w["profile"], beneficiary=w["mine"], created_by=w["admin"]
        )
    # Ended, the pair may be made again.
    with tenant_context(org):
        services.mentorship_set_status(
            actor=w["admin"], mentorship=w["pair"], status="ended", reason="goal_reached"
        )
    again = mf.pair(org, w["profile"], w["mine"], actor=w["admin"], days_ago=0)
    assert again.status == "active"


def test_a_second_mentor_is_possible_with_a_warning(w):
    second = mf.pair(w["org"], w["other_profile"], w["mine"], actor=w["admin"])
    with tenant_context(w["org"]):
        assert [m.pk for m in services.other_mentors(w["mine"], exclude=second)] == [w["pair"].pk]


def test_ending_a_pair_needs_a_reason(w):
    with tenant_context(w["org"]), pytest.raises(ValidationError) as error:
        services.mentorship_set_status(actor=w["admin"], mentorship=w["pair"], status="ended")
    assert "reason" in error.value.error_dict
    with tenant_context(w["org"]):
        assert Mentorship.objects.get(pk=w["pair"].pk).status == "active"


def test_a_note_with_an_alert(w):
    note = mf.note(w["org"], w["pair"], alert="urgent")
    assert note.has_alert and note.topics == ["housing"]
    assert note.author == w["volunteer"].user


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"occurred_on": timezone.localdate() + datetime.timedelta(days=1)}, "occurred_on"),
        ({"occurred_on": timezone.localdate() - datetime.timedelta(days=400)}, "occurred_on"),
        ({"duration_minutes": 0}, "duration_minutes"),
        ({"duration_minutes": 5000}, "duration_minutes"),
        ({"summary": ""}, "summary"),
        ({"summary": "x" * 2001}, "summary"),
        ({"kind": "party"}, "kind"),
        ({"topics": ["politics"]}, "topics"),
        ({"alert_urgency": "urgent", "alert_reason": " "}, "alert_reason"),
    ],
)
def test_bad_notes_are_refused_with_a_french_message(w, fields, field):
    with pytest.raises(ValidationError) as error:
        mf.note(w["org"], w["pair"], **fields)
    assert field in error.value.error_dict
    with tenant_context(w["org"]):
        assert MentoringNote.objects.count() == 0


def test_only_the_pairs_volunteer_writes_and_only_on_an_active_pair(w):
    with tenant_context(w["org"]), pytest.raises(ValidationError):
        services.note_create(
            actor=w["other"].user,
            mentorship=w["pair"],
            data={"duration_minutes": 20, "kind": "call", "summary": "Intrus"},
        )
    with tenant_context(w["org"]):
        services.mentorship_set_status(actor=w["admin"], mentorship=w["pair"], status="paused")
    with pytest.raises(ValidationError) as error:
        mf.note(w["org"], w["pair"])
    assert "pas actif" in str(error.value)


def test_a_note_can_be_corrected_for_48_hours_then_is_kept(w):
    note = mf.note(w["org"], w["pair"])
    with tenant_context(w["org"]):
        services.note_update(actor=w["volunteer"].user, note=note, data={"summary": "Corrigé"})
        with pytest.raises(ValidationError):
            services.note_update(actor=w["other"].user, note=note, data={"summary": "Intrus"})
        MentoringNote.objects.filter(pk=note.pk).update(
            created_at=timezone.now() - datetime.timedelta(hours=48, minutes=1)
        )
        with pytest.raises(ValidationError) as error:
            services.note_update(actor=w["volunteer"].user, note=note, data={"summary": "Tard"})
        assert "48 heures" in str(error.value)
        assert MentoringNote.objects.get(pk=note.pk).summary == "Corrigé"


def test_acknowledging_an_alert(w, two_tenants):
    caseworker = two_tenants["a"]["members"][Role.CASEWORKER]
    plain = mf.note(w["org"], w["pair"])
    alert = mf.note(w["org"], w["pair"], alert="soon")
    with tenant_context(w["org"]):
        with pytest.raises(ValidationError):
            services.alert_acknowledge(actor=caseworker.user, note=plain, comment="Vu")
        with pytest.raises(ValidationError) as error:
            services.alert_acknowledge(actor=caseworker.user, note=alert, comment="  ")
        assert "comment" in error.value.error_dict
        services.alert_acknowledge(actor=caseworker.user, note=alert, comment="J'appelle demain.")
        with pytest.raises(ValidationError):
            services.alert_acknowledge(actor=caseworker.user, note=alert, comment="Encore")
        alert.refresh_from_db()
        assert alert.acknowledged_by == caseworker.user
        assert alert.acknowledgement == "J'appelle demain."
        # Answered, the note is kept as written.
        with pytest.raises(ValidationError):
            services.note_update(actor=w["volunteer"].user, note=alert, data={"summary": "x"})


def test_the_inbox_urgent_first_and_the_caseworker_sees_the_people_they_follow(w, two_tenants):
    a = two_tenants["a"]
    caseworker, coordinator = a["members"][Role.CASEWORKER], a["members"][Role.COORDINATOR]
    soon = mf.note(w["org"], w["pair"], alert="soon")
    urgent = mf.note(w["org"], w["other_pair"], alert="urgent")
    to_know = mf.note(w["org"], w["pair"], alert="to_know")
    with tenant_context(w["org"]):
        assert [n.pk for n in selectors.open_alerts(coordinator)] == [
            urgent.pk,
            soon.pk,
            to_know.pk,
        ]
        assert len(selectors.open_alerts(caseworker)) == 3  # nobody follows them yet
        colleague = factories.member(w["org"], Role.CASEWORKER, territories=[w["territory"]])
        BeneficiaryReferent.objects.create(beneficiary=w["theirs"], membership=colleague)
        assert [n.pk for n in selectors.open_alerts(caseworker)] == [soon.pk, to_know.pk]
        assert [n.pk for n in selectors.open_alerts(colleague)] == [urgent.pk, soon.pk, to_know.pk]
        for role in (Role.VOLUNTEER, Role.MANAGER):
            with pytest.raises(Http404):
                selectors.open_alerts(a["members"][role])


def test_a_volunteer_reaches_only_their_own_mentees(w, two_tenants):
    theirs_note = mf.note(w["org"], w["other_pair"])
    volunteer = w["volunteer"]
    with tenant_context(w["org"]):
        mentees = selectors.my_mentees(volunteer)
        assert [m.beneficiary_id for m in mentees] == [w["mine"].pk]
        with pytest.raises(Http404):
            selectors.mentorship_get(volunteer, w["other_pair"].pk)
        with pytest.raises(Http404):
            selectors.note_get(volunteer, theirs_note.pk)
        assert selectors.mentorship_get(volunteer, w["pair"].pk).pk == w["pair"].pk
        # Of the mentee, only contact fields are even loaded.
        deferred = mentees[0].beneficiary.get_deferred_fields()
        assert {"nationality", "protection_status", "birth_date", "address"} <= deferred
        # An ended pair is no longer theirs.
        services.mentorship_set_status(
            actor=w["admin"], mentorship=w["pair"], status="ended", reason="other"
        )
        with pytest.raises(Http404):
            selectors.mentorship_get(volunteer, w["pair"].pk)
        assert selectors.my_mentees(volunteer) == []


def test_other_roles_and_another_organisation_reach_no_pair(w, two_tenants):
    b = two_tenants["b"]
    with tenant_context(b["org"]):
        for role in Role.values:
            if role == Role.MANAGER:
                with pytest.raises(Http404):
                    selectors.mentorships_for(b["members"][role])
                continue
            with pytest.raises(Http404):
                selectors.mentorship_get(b["members"][role], w["pair"].pk)


def test_a_nudge_shows_until_the_next_note(w, two_tenants):
    caseworker = two_tenants["a"]["members"][Role.CASEWORKER]
    with tenant_context(w["org"]):
        with pytest.raises(ValidationError):
            services.nudge_send(actor=caseworker.user, volunteer=w["profile"], message=" ")
        services.nudge_send(
            actor=caseworker.user, volunteer=w["profile"], message="Des nouvelles d'Amina ?"
        )
        assert [n.message for n in selectors.pending_nudges(w["profile"])] == [
            "Des nouvelles d'Amina ?"
        ]
        assert selectors.pending_nudges(w["other_profile"]) == []
    mf.note(w["org"], w["pair"])
    with tenant_context(w["org"]):
        assert selectors.pending_nudges(w["profile"]) == []
