"""Issue 17, the caseworker's day on the session pages: participants from
other territories, confirmation steps, the attendance screen without
pre-filling, today's attendance, sign-in sheets, wording."""

import datetime
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from beneficiaries.services import beneficiary_move
from sessions import services
from sessions.models import Attendance, Enrolment
from tests import factories
from thrasos import permissions
from thrasos.accounts.models import Role
from thrasos.tenancy import tenant_context

pytestmark = pytest.mark.django_db


@pytest.fixture
def a(two_tenants):
    data = two_tenants["a"]
    data["actor"] = data["members"][Role.COORDINATOR].user
    data["elsewhere"] = factories.territory(data["org"], "Territoire Ailleurs", "84", "69")
    return data


@pytest.fixture
def cw(client, a):
    client.force_login(a["members"][Role.CASEWORKER].user)
    return client


def _session(a, people=3, *, capacity=20, start=True, moved=0):
    """A session of territory A with `people` participants, the first
    `moved` of whom have since moved to another territory, and an FLE class
    today."""
    s = factories.session(a["org"], a["territory"], capacity=capacity, name="Session 2027-1")
    persons = [
        factories.admitted(
            a["org"], a["territory"], a["actor"], last_name=f"Personne{i:02d}", first_name="Awa"
        )
        for i in range(people)
    ]
    with tenant_context(a["org"]):
        enrolments = [
            services.enrolment_create(actor=a["actor"], session=s, beneficiary=b) for b in persons
        ]
        for b in persons[:moved]:
            beneficiary_move(
                actor=a["actor"],
                beneficiary=b,
                territory=a["elsewhere"],
                moved_on=timezone.localdate(),
            )
        activity = None
        if start:
            services.session_start(actor=a["actor"], session=s)
            activity = services.activity_create(
                actor=a["actor"],
                session=s,
                data={
                    "kind": "fle",
                    "title": "FLE professionnel",
                    "date": timezone.localdate(),
                    "start_time": datetime.time(9),
                    "end_time": datetime.time(12),
                    "place": "Salle 2",
                    "facilitator": "Claire Besson",
                },
            )
    return s, persons, enrolments, activity


# --- participants outside the caseworker's territories (SPEC §5.2) ---------


def test_permissions_say_what_a_caseworker_sees_of_another_territorys_participant(a):
    caseworker = a["members"][Role.CASEWORKER]
    coordinator = a["members"][Role.COORDINATOR]
    own, other = a["territory"].pk, a["elsewhere"].pk
    view = permissions.session_participant_view
    with tenant_context(a["org"]):
        assert view(caseworker, own) == permissions.ParticipantView.CASE_FILE
        assert view(caseworker, other) == permissions.ParticipantView.NAME_AND_ATTENDANCE
        assert view(coordinator, other) == permissions.ParticipantView.CASE_FILE
        assert permissions.opens_case_file_in(caseworker, own)
        assert not permissions.opens_case_file_in(caseworker, other)
        for role in (Role.VOLUNTEER, Role.MANAGER):
            assert not permissions.opens_case_file_in(a["members"][role], own)


def test_session_page_links_only_the_case_files_that_open(cw, a):
    s, persons, _enrolments, _activity = _session(a, 3, moved=1)
    moved, stays = persons[0], persons[1]
    page = cw.get(reverse("sessions:detail", args=[s.pk])).content.decode()
    # Both named, with their attendance; only the one of her territories linked.
    assert "PERSONNE00" in page and "PERSONNE01" in page
    assert f'href="{stays.get_absolute_url()}"' in page
    assert f'href="{moved.get_absolute_url()}"' not in page
    assert "dossier d’un autre territoire" in page
    # Every case-file link of the page opens for her: none leads to a 404.
    for href in set(re.findall(r'href="(/beneficiaires/\d+/)"', page)):
        assert cw.get(href).status_code == 200
    assert cw.get(moved.get_absolute_url()).status_code == 404
    # A coordinator sees every territory: the link is there.
    cw.force_login(a["members"][Role.COORDINATOR].user)
    page = cw.get(reverse("sessions:detail", args=[s.pk])).content.decode()
    assert f'href="{moved.get_absolute_url()}"' in page


def test_out_of_territory_participants_keep_their_name_and_attendance(cw, a):
    _s, _persons, enrolments, activity = _session(a, 2, moved=1)
    url = reverse("sessions:attendance", args=[activity.pk])
    assert "PERSONNE00" in cw.get(url).content.decode()
    assert cw.post(url, {f"p{enrolments[0].pk}": "late"}).status_code == 302
    with tenant_context(a["org"]):
        assert Attendance.objects.get(enrolment=enrolments[0]).status == "late"


# --- confirmation steps -------------------------------------------------------


def test_removing_a_participant_asks_first(cw, a):
    s, _persons, enrolments, _activity = _session(a, 2, start=False)
    detail = cw.get(reverse("sessions:detail", args=[s.pk])).content.decode()
    url = reverse("sessions:enrolment_remove", args=[enrolments[0].pk])
    # The session page links to the question; no one-click form posts there.
    assert f'href="{url}"' in detail
    assert f'action="{url}"' not in detail
    question = cw.get(url)
    assert question.status_code == 200
    text = question.content.decode()
    assert "Retirer PERSONNE00 Awa de la session ?" in text
    assert f'<form method="post" action="{url}"' in text
    with tenant_context(a["org"]):
        assert Enrolment.objects.get(pk=enrolments[0].pk).status == "enrolled"
    assert cw.post(url).status_code == 302
    with tenant_context(a["org"]):
        assert Enrolment.objects.get(pk=enrolments[0].pk).status == "removed"


def test_removing_from_the_waiting_list_asks_first(cw, a):
    _s, _persons, enrolments, _activity = _session(a, 2, capacity=1, start=False)
    waiting = enrolments[1]
    assert waiting.status == "waiting"
    url = reverse("sessions:enrolment_remove", args=[waiting.pk])
    assert "de la liste d’attente ?" in cw.get(url).content.decode()
    with tenant_context(a["org"]):
        assert Enrolment.objects.get(pk=waiting.pk).status == "waiting"
    cw.post(url)
    with tenant_context(a["org"]):
        assert Enrolment.objects.get(pk=waiting.pk).status == "removed"


def test_ending_a_members_access_asks_first(client, a):
    client.force_login(a["members"][Role.ADMIN].user)
    caseworker = a["members"][Role.CASEWORKER]
    home = client.get(reverse("organisation_home")).content.decode()
    url = reverse("member_deactivate", args=[caseworker.pk])
    assert f'href="{url}"' in home and f'action="{url}"' not in home
    question = client.get(url).content.decode()
    assert "Retirer l’accès de" in question and "Rétablir l’accès" in question
    with tenant_context(a["org"]):
        caseworker.refresh_from_db()
    assert caseworker.is_active
    client.post(url)
    with tenant_context(a["org"]):
        caseworker.refresh_from_db()
    assert not caseworker.is_active


# --- attendance ---------------------------------------------------------------


def test_saving_without_choosing_records_nobody(cw, a):
    _s, _persons, _enrolments, activity = _session(a, 3)
    url = reverse("sessions:attendance", args=[activity.pk])
    response = cw.post(url, {})
    assert response.status_code == 400
    assert "Choisissez la présence d’au moins une personne" in response.content.decode()
    with tenant_context(a["org"]):
        assert not Attendance.objects.filter(activity=activity).exists()


def test_everyone_present_marks_the_others_and_keeps_the_choices(cw, a):
    _s, _persons, enrolments, activity = _session(a, 4)
    url = reverse("sessions:attendance", args=[activity.pk])
    with tenant_context(a["org"]):
        services.attendance_record(
            actor=a["actor"], activity=activity, marks={enrolments[3].pk: "excused"}
        )
    page = cw.get(url).content.decode()
    assert "Tout le monde présent" in page
    assert page.count("non saisi") == 3
    # Person 0 is marked absent; 1 and 2 have no choice; 3 was recorded excused
    # (the browser sends the recorded choice back).
    cw.post(
        url,
        {
            f"p{enrolments[0].pk}": "unexcused",
            f"p{enrolments[3].pk}": "excused",
            "all_present": "1",
        },
    )
    with tenant_context(a["org"]):
        marks = dict(Attendance.objects.values_list("enrolment_id", "status"))
    assert marks == {
        enrolments[0].pk: "unexcused",
        enrolments[1].pk: "present",
        enrolments[2].pk: "present",
        enrolments[3].pk: "excused",
    }


def test_a_row_is_saved_alone_with_htmx(cw, a):
    _s, _persons, enrolments, activity = _session(a, 3)
    url = reverse("sessions:attendance", args=[activity.pk])
    # The whole form travels with the request (htmx includes it); only the row is saved.
    response = cw.post(
        url,
        {
            f"p{enrolments[0].pk}": "late",
            f"p{enrolments[1].pk}": "present",
            "row": str(enrolments[1].pk),
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = response.content.decode()
    # Only the row's status comes back (the radios, and the focus, stay).
    assert 'class="row-saved" role="status">enregistré<' in html
    assert "<tr" not in html and 'type="radio"' not in html
    with tenant_context(a["org"]):
        assert dict(Attendance.objects.values_list("enrolment_id", "status")) == {
            enrolments[1].pk: "present"
        }
    # A row of someone not expected: the group is saved as a whole instead.
    stranger = cw.post(url, {"row": "999999"}, HTTP_HX_REQUEST="true")
    assert stranger.status_code == 400


def test_todays_attendance_lists_what_is_left_to_record(cw, a, django_assert_max_num_queries):
    _s, _persons, enrolments, activity = _session(a, 3)
    url = reverse("sessions:today")
    page = cw.get(url).content.decode()
    assert "FLE professionnel" in page and "3 personnes à saisir" in page
    assert reverse("sessions:attendance", args=[activity.pk]) in page
    with tenant_context(a["org"]):
        services.attendance_record(
            actor=a["actor"],
            activity=activity,
            marks={e.pk: "present" for e in enrolments},
        )
    page = cw.get(url).content.decode()
    assert "Tout est saisi" in page
    # Another territory's caseworker sees none of it.
    other = factories.member(
        a["org"], Role.CASEWORKER, territories=[a["elsewhere"]], email="autre@a.example.org"
    )
    cw.force_login(other.user)
    assert "FLE professionnel" not in cw.get(url).content.decode()


def test_grid_spells_out_its_abbreviations(cw, a):
    s, _persons, _enrolments, _activity = _session(a, 2)
    grid = cw.get(reverse("sessions:grid", args=[s.pk])).content.decode()
    assert '<abbr title="FLE à visée professionnelle">FLE</abbr>' in grid
    for text in ("Atelier collectif", "Entretien individuel", "En retard", "non saisi"):
        assert text in grid
    assert 'class="sticky-col"' in grid


# --- sign-in sheets -------------------------------------------------------------


def _pdf_text(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_sign_in_sheet_of_an_activity(cw, a):
    _s, _persons, _enrolments, activity = _session(a, 3, moved=1)
    response = cw.get(reverse("sessions:signin_sheet", args=[activity.pk]))
    text = _pdf_text(response)
    assert "Feuille d’émargement" in text
    assert "Session 2027-1" in text and "FLE professionnel" in text
    assert "Claire Besson" in text and "Salle 2" in text
    assert timezone.localdate().strftime("%d/%m/%Y") in text
    # A line per participant, the one from another territory included.
    for i in range(3):
        assert f"PERSONNE{i:02d}" in text
    assert text.count("Awa") == 3
    assert "Signature" in text


def test_sign_in_sheet_of_a_week(cw, a):
    s, _persons, _enrolments, activity = _session(a, 2)
    monday = activity.date - datetime.timedelta(days=activity.date.weekday())
    url = reverse("sessions:signin_sheet_week", args=[s.pk])
    text = _pdf_text(cw.get(url, {"semaine": activity.date.isoformat()}))
    assert f"semaine du {monday:%d/%m/%Y}" in text
    assert "PERSONNE00" in text and "PERSONNE01" in text
    assert "FLE professionnel" in text
    # Bad input: a French message, back on the session page.
    response = cw.get(url, {"semaine": "demain"}, follow=True)
    assert "Semaine inconnue" in response.content.decode()
    response = cw.get(url, {"semaine": "1999-01-04"}, follow=True)
    assert "en dehors de la session" in response.content.decode()


def test_sign_in_sheets_stay_in_the_members_scope(client, a, two_tenants):
    s, _persons, _enrolments, activity = _session(a, 1)
    client.force_login(two_tenants["b"]["members"][Role.ADMIN].user)
    assert client.get(reverse("sessions:signin_sheet", args=[activity.pk])).status_code == 404
    client.force_login(a["members"][Role.VOLUNTEER].user)
    assert client.get(reverse("sessions:signin_sheet_week", args=[s.pk])).status_code == 404


# --- wording ----------------------------------------------------------------------


def test_a_full_session_says_complet(cw, a):
    s, _persons, _enrolments, _activity = _session(a, 2, capacity=2, start=False)
    assert "Complet" in cw.get(reverse("sessions:detail", args=[s.pk])).content.decode()
    assert "Complet" in cw.get(reverse("sessions:index")).content.decode()


def test_the_calendar_is_in_french_whatever_the_interface_language(cw, a):
    s, _persons, _enrolments, activity = _session(a, 1)
    with tenant_context(a["org"]):
        services.activity_cancel(actor=a["actor"], activity=activity, reason="Salle fermée")
    cw.cookies["django_language"] = "en"
    raw = cw.get(reverse("sessions:ical", args=[s.pk])).content.decode()
    unfolded = raw.replace("\r\n ", "")
    assert "Type : FLE à visée professionnelle" in unfolded
    assert "Annulée : FLE professionnel" in unfolded
    assert "Motif de l’annulation : Salle fermée" in unfolded
    for english in ("Kind", "Facilitator", "Partner", "Cancelled", "Professional French"):
        assert english not in unfolded
