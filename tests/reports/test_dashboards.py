"""The home page by role: caseworkers their caseload and what is due,
coordinators and admins the pipeline, managers masked figures and charts."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from thrasos.accounts.models import Role
from thrasos.reports import dashboards
from thrasos.tenancy import tenant_context

from . import dataset

pytestmark = pytest.mark.django_db


def _due_world(two_tenants):
    """Organisation A's caseworker (referent of two people) with one thing of
    each kind due today."""
    from beneficiaries.models import BeneficiaryReferent
    from housing.models import HousingUnit, Occupancy, Place
    from mentoring.models import MentoringNote, Mentorship, VolunteerProfile
    from placements.models import AlternanceContract, FollowUp
    from sessions.models import Activity, Enrolment, PreparationSession
    from tests.placements import factories as placements

    a = two_tenants["a"]
    org, territory = a["org"], a["territory"]
    actor = a["members"][Role.ADMIN].user
    caseworker = a["members"][Role.CASEWORKER]
    today = timezone.localdate()
    days = datetime.timedelta
    amina = dataset.person(org, territory, actor, "Alerte", [("referred", "2026-01-05"),
                           ("candidate", "2026-01-10"), ("admitted", "2026-01-20"),
                           ("in_session", "2026-02-01")])  # fmt: skip
    bakary = dataset.person(org, territory, actor, "Contrat", [("referred", "2026-01-05"),
                            ("candidate", "2026-01-10"), ("admitted", "2026-01-20"),
                            ("in_session", "2026-02-01"), ("seeking_contract", "2026-04-01"),
                            ("in_contract", "2026-05-01")])  # fmt: skip
    chirine = dataset.person(org, territory, actor, "Suivi", [("referred", "2024-01-05"),
                             ("exited", "2025-06-01")], exit_employment="cdi",
                             exit_housing="hosted")  # fmt: skip
    other_b = two_tenants["b"]
    dataset.person(other_b["org"], other_b["territory"], other_b["members"][Role.ADMIN].user,
                   "SecretB", [("referred", "2026-01-05")])  # fmt: skip
    emp = placements.employer(org, name="Bâti Due", n=41)
    training = placements.training_organisation(org, name="CFA Due", n=42)
    with tenant_context(org):
        for person in (amina, bakary):
            BeneficiaryReferent.objects.create(beneficiary=person, membership=caseworker)
        session = PreparationSession.objects.create(
            name="Session Due", territory=territory, start_date=today - days(20),
            end_date=today + days(50), capacity=10, status="running", planned_fle_hours=100,
        )  # fmt: skip
        Enrolment.objects.create(session=session, beneficiary=amina, status="enrolled",
                                 enrolled_on=today - days(20), created_by=actor)  # fmt: skip
        Activity.objects.create(session=session, kind="fle", title="FLE oral",
                                date=today - days(2), start_time=datetime.time(9),
                                end_time=datetime.time(12))  # fmt: skip
        AlternanceContract.objects.create(
            beneficiary=bakary, kind="apprenticeship", employer=emp, training_organisation=training,
            diploma_title="CAP", start_date=today - days(30), end_date=today + days(40),
            trial_period_end=today + days(5), work_city="Bordeaux", work_departement="33",
            signed_on=today - days(35), status="in_progress",
        )  # fmt: skip
        FollowUp.objects.create(beneficiary=chirine, months_after_exit=6, due_on=today - days(3))
        unit = HousingUnit.objects.create(
            territory=territory, name="Coloc Due", address="3 rue", city="Bordeaux",
            departement="33", kind="shared_flat", landlord_kind="social",
            opened_on=today - days(400),
        )  # fmt: skip
        place = Place.objects.create(unit=unit, label="Chambre")
        Occupancy.objects.create(place=place, beneficiary=bakary, start_date=today - days(170),
                                 planned_end_date=today + days(10),
                                 stay_started_on=today - days(170), created_by=actor)  # fmt: skip
        profile = VolunteerProfile.objects.create(
            membership=a["members"][Role.VOLUNTEER], territory=territory,
            charter_signed_on=today - days(100),
        )  # fmt: skip
        pair = Mentorship.objects.create(volunteer=profile, beneficiary=amina,
                                         started_on=today - days(30), created_by=actor)  # fmt: skip
        MentoringNote.objects.create(
            mentorship=pair, author=profile.membership.user, occurred_on=today - days(1),
            duration_minutes=20, kind="call", topics=["housing"], summary="Appel",
            alert_urgency="urgent", alert_reason="Expulsion",
        )  # fmt: skip
    return {"amina": amina, "bakary": bakary, "chirine": chirine, "session": session}


def test_the_caseworker_sees_their_caseload_and_what_is_due(client, two_tenants):
    world = _due_world(two_tenants)
    client.force_login(two_tenants["a"]["members"][Role.CASEWORKER].user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Mes accompagnements" in page
    assert "2 personnes dont vous êtes référent·e." in page
    heading = r'<h3 id="due-\d">\s*(.*?)\s*(?:<small>.*?</small>)?\s*</h3>(.*?)</article>'
    sections = {title.strip(): body for title, body in re.findall(heading, page, re.S)}
    assert "Test Alerte" in sections["Alertes de bénévoles ouvertes"]
    assert "Urgent" in sections["Alertes de bénévoles ouvertes"]
    assert "FLE oral" in sections["Présences à saisir"]
    assert "Session Due – 1 non saisies" in sections["Présences à saisir"]
    trial = sections["Fins de période d’essai et de contrat"]
    assert (
        "Test Contrat" in trial
        and "Fin de la période d’essai" in trial
        and "Fin du contrat" in trial
    )
    assert "Coloc Due" in sections["Fins d’hébergement"]
    assert "Test Suivi" in sections["Suivis à faire"] and "6 mois après la sortie" in page
    assert reverse("beneficiaries:detail", kwargs={"pk": world["amina"].pk}) in page
    assert "SecretB" not in page


def test_the_due_reminders_slot_shows_what_a_source_registers(client, two_tenants, monkeypatch):
    monkeypatch.setattr(dashboards, "_due_reminder_sources", [])
    client.force_login(two_tenants["a"]["members"][Role.CASEWORKER].user)
    assert "Rappels" not in client.get(reverse("home")).content.decode()
    dashboards.register_due_reminders(
        lambda membership: [dashboards.DueItem("Titre de séjour à renouveler", on=None)]
    )
    page = client.get(reverse("home")).content.decode()
    assert "Rappels" in page and "Titre de séjour à renouveler" in page


def test_the_caseworkers_due_reminders_are_their_unread_notifications(client, two_tenants):
    from tests.notifications.helpers import notification_for

    a, b = two_tenants["a"], two_tenants["b"]
    caseworker = a["members"][Role.CASEWORKER]
    due = notification_for(a["org"], caseworker, subject="Rappel Dû")
    notification_for(a["org"], caseworker, subject="Rappel Lu", read=True)
    notification_for(a["org"], a["members"][Role.COORDINATOR], subject="Rappel Autrui")
    notification_for(b["org"], b["members"][Role.CASEWORKER], subject="Rappel SecretB")
    client.force_login(caseworker.user)
    page = client.get(reverse("home")).content.decode()
    assert "Rappel Dû" in page and reverse("notifications:open", args=[due.pk]) in page
    assert "Rappel Lu" not in page.split("Rappels", 1)[1].split("</article>", 1)[0]
    assert "Rappel Autrui" not in page and "SecretB" not in page


@pytest.mark.parametrize("role", [Role.ADMIN, Role.COORDINATOR])
def test_coordinators_and_admins_see_the_pipeline_sessions_contracts_and_occupancy(
    client, two_tenants, role
):
    _due_world(two_tenants)
    client.force_login(two_tenants["a"]["members"][role].user)
    page = client.get(reverse("home")).content.decode()
    assert "Parcours par territoire" in page and "Territoire A" in page
    assert "Session Due" in page and "1 / 10" in page
    # One contract in force, one place of one occupied.
    assert re.search(r'<span class="value">1</span>\s*<span class="name">Contrats en cours', page)
    assert re.search(r'<span class="value">1 / 1</span>', page)
    assert "SecretB" not in page and "Test Alerte" not in page


def test_the_manager_sees_masked_figures_and_charts_never_a_person(client, two_tenants):
    data = dataset.build(two_tenants)
    client.force_login(two_tenants["a"]["members"][Role.MANAGER].user)
    response = client.get(
        reverse("home"), {"start": "2026-01-01", "end": "2026-06-30", "scope": "organisation"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert re.search(
        r'<span class="value">8</span>\s*<span class="name">Personnes accompagnées', page
    )
    assert re.search(
        r'<span class="value">&lt; 5</span>\s*<span class="name">Contrats signés', page
    )
    assert "62,3\u202f%" in page
    assert page.count('src="data:image/svg+xml;base64,') == 3
    assert "Entonnoir par session" in page and "Session 2026-1" in page
    assert "Secret statistique" in page
    # The page's text (tags and attributes out: a random CSRF token or nonce
    # may hold "P5"), and the names as words.
    text = re.sub(r"Session 2026-\d", "", re.sub(r"<[^>]*>", " ", page)).replace("Test", "")
    for person in data["people"].values():
        assert not re.search(rf"\b{re.escape(person.last_name)}\b", text), person.last_name
    assert "Test P" not in page
    # Bad input: French error, no figure.
    response = client.get(reverse("home"), {"start": "2026-06-30", "end": "2026-01-01",
                                            "scope": "organisation"})  # fmt: skip
    assert response.status_code == 400
    assert "La fin de la période est avant son début." in response.content.decode()


def test_the_manager_dashboard_costs_the_same_queries_whatever_the_data(client, two_tenants):
    manager = two_tenants["a"]["members"][Role.MANAGER].user
    client.force_login(manager)
    params = {"start": "2026-01-01", "end": "2026-06-30", "scope": "organisation"}
    client.get(reverse("home"), params)
    with CaptureQueriesContext(connection) as empty:
        client.get(reverse("home"), params)
    dataset.build(two_tenants)
    with CaptureQueriesContext(connection) as full:
        client.get(reverse("home"), params)
    assert len(full) == len(empty)
    assert len(full) <= 16
