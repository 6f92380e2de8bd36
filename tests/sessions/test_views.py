import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from beneficiaries.models import Beneficiary
from sessions import services
from sessions.models import Activity, Attendance, Enrolment, PreparationSession
from tests import factories
from thrasos.accounts.models import Role
from thrasos.tenancy import tenant_context

pytestmark = pytest.mark.django_db


@pytest.fixture
def a(two_tenants):
    data = two_tenants["a"]
    data["actor"] = data["members"][Role.COORDINATOR].user
    return data


@pytest.fixture
def cw(client, a):
    client.force_login(a["members"][Role.CASEWORKER].user)
    return client


def _running(a, people=3, activities=1):
    s = factories.session(a["org"], a["territory"], capacity=20, name="Session 2027-1")
    admitted = [
        factories.admitted(
            a["org"], a["territory"], a["actor"], last_name=f"Participant{i:02d}", first_name="Zoé"
        )
        for i in range(people)
    ]
    with tenant_context(a["org"]):
        enrolments = [
            services.enrolment_create(actor=a["actor"], session=s, beneficiary=b) for b in admitted
        ]
        services.session_start(actor=a["actor"], session=s)
        today = timezone.localdate()
        created = [
            services.activity_create(
                actor=a["actor"],
                session=s,
                data={
                    "kind": ["fle", "workshop", "platform_visit"][i % 3],
                    "date": max(s.start_date, today - datetime.timedelta(days=i % 20)),
                    "start_time": datetime.time(9 + i % 8),
                    "end_time": datetime.time(10 + i % 8),
                },
            )
            for i in range(activities)
        ]
    return s, enrolments, created


@pytest.mark.parametrize("role", [Role.VOLUNTEER, Role.MANAGER])
def test_volunteers_and_managers_are_refused(client, a, role):
    s, enrolments, (activity,) = _running(a, 1)
    client.force_login(a["members"][role].user)
    for url in (reverse("sessions:index"), reverse("sessions:create")):
        assert client.get(url).status_code == 403, url
    for url in (
        reverse("sessions:detail", args=[s.pk]),
        reverse("sessions:grid", args=[s.pk]),
        reverse("sessions:ical", args=[s.pk]),
        reverse("sessions:attendance", args=[activity.pk]),
        reverse("sessions:enrolment_end", args=[enrolments[0].pk]),
    ):
        assert client.get(url).status_code == 404, url


def test_caseworkers_see_only_sessions_of_their_territories(cw, a):
    other = factories.territory(a["org"], "Rhône", "84", "69")
    mine = factories.session(a["org"], a["territory"], name="Session Gironde")
    theirs = factories.session(a["org"], other, name="Session Rhône")
    page = cw.get(reverse("sessions:index")).content.decode()
    assert "Session Gironde" in page and "Session Rhône" not in page
    assert cw.get(reverse("sessions:detail", args=[mine.pk])).status_code == 200
    assert cw.get(reverse("sessions:detail", args=[theirs.pk])).status_code == 404


def test_create_with_bad_input_keeps_what_was_typed(cw, a):
    url = reverse("sessions:create")
    data = {
        "name": "Session 2027-2",
        "territory": a["territory"].pk,
        "site": "Bordeaux, 12 rue des Pins",
        "start_date": "2027-05-03",
        "end_date": "2027-04-01",
        "capacity": "0",
        "planned_fle_hours": "120",
    }
    response = cw.post(url, data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Bordeaux, 12 rue des Pins" in body
    assert "La date de fin doit être après la date de début." in body or "supérieure" in body
    with tenant_context(a["org"]):
        assert not PreparationSession.objects.exists()
    response = cw.post(url, {**data, "end_date": "", "capacity": "12"})
    assert response.status_code == 302
    with tenant_context(a["org"]):
        s = PreparationSession.objects.get()
    assert s.end_date == datetime.date(2027, 7, 11)


def test_enrol_through_the_page_then_waiting_list(cw, a):
    s = factories.session(a["org"], a["territory"], capacity=1, name="Session courte")
    first, second = (
        factories.admitted(a["org"], a["territory"], a["actor"], last_name=n, first_name="Awa")
        for n in ("Koné", "Traoré")
    )
    url = reverse("sessions:enrol", args=[s.pk])
    assert cw.post(url, {"beneficiary": first.pk}).status_code == 302
    response = cw.post(url, {"beneficiary": second.pk}, follow=True)
    assert (
        "liste d’attente" in response.content.decode()
        or "liste d'attente" in response.content.decode()
    )
    with tenant_context(a["org"]):
        assert dict(Enrolment.objects.values_list("beneficiary_id", "status")) == {
            first.pk: "enrolled",
            second.pk: "waiting",
        }
    # A referred person is not offered, and refused if posted anyway.
    referred = factories.beneficiary(a["org"], a["territory"], a["actor"], last_name="Orienté")
    response = cw.post(url, {"beneficiary": referred.pk})
    assert response.status_code == 400
    with tenant_context(a["org"]):
        assert not Enrolment.objects.filter(beneficiary=referred).exists()


def test_series_form_creates_the_occurrences(cw, a):
    s = factories.session(a["org"], a["territory"], start=datetime.date(2027, 9, 6))
    response = cw.post(
        reverse("sessions:series_create", args=[s.pk]),
        {
            "kind": "fle",
            "title": "FLE professionnel",
            "weekdays": ["0", "2", "4"],
            "start_time": "09:00",
            "end_time": "12:00",
            "skip_public_holidays": "on",
        },
    )
    assert response.status_code == 302
    with tenant_context(a["org"]):
        # 30 dates minus Monday 1 November 2027 (the 11th is a Thursday).
        assert Activity.objects.filter(session=s).count() == 29
    response = cw.post(
        reverse("sessions:series_create", args=[s.pk]),
        {"kind": "fle", "weekdays": [], "start_time": "12:00", "end_time": "09:00"},
    )
    assert response.status_code == 400


def test_activity_outside_the_session_gets_a_french_message(cw, a):
    s = factories.session(a["org"], a["territory"], start=datetime.date(2027, 9, 6))
    response = cw.post(
        reverse("sessions:activity_create", args=[s.pk]),
        {"kind": "workshop", "date": "2027-12-24", "start_time": "14:00", "end_time": "16:00"},
    )
    assert response.status_code == 400
    assert "La session a lieu du 06/09/2027 au" in response.content.decode()


def test_group_attendance_screen_with_htmx(cw, a):
    _s, enrolments, (activity,) = _running(a, 15)
    url = reverse("sessions:attendance", args=[activity.pk])
    page = cw.get(url).content.decode()
    # Everyone listed, nobody pre-filled: all 15 shown as not recorded.
    assert page.count('type="radio"') == 60
    assert " checked" not in page
    assert page.count("non saisi") == 15
    data = {f"p{e.pk}": "present" for e in enrolments}
    data[f"p{enrolments[3].pk}"] = "unexcused"
    data[f"p{enrolments[4].pk}"] = "late"
    response = cw.post(url, data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "<html" not in response.content.decode()  # the partial only
    with tenant_context(a["org"]):
        assert Attendance.objects.filter(activity=activity).count() == 15
        assert Attendance.objects.get(enrolment=enrolments[3]).status == "unexcused"
    # Edited afterwards.
    data[f"p{enrolments[3].pk}"] = "excused"
    assert cw.post(url, data).status_code == 302
    with tenant_context(a["org"]):
        assert Attendance.objects.get(enrolment=enrolments[3]).status == "excused"
    # An unknown status: clear error, nothing changed.
    data[f"p{enrolments[3].pk}"] = "absent"
    response = cw.post(url, data)
    assert response.status_code == 400
    with tenant_context(a["org"]):
        assert Attendance.objects.get(enrolment=enrolments[3]).status == "excused"


def test_session_page_and_grid_show_figures(cw, a):
    s, enrolments, activities = _running(a, 2, activities=3)
    with tenant_context(a["org"]):
        fle = next(x for x in activities if x.kind == "fle")
        services.attendance_record(
            actor=a["actor"],
            activity=fle,
            marks={enrolments[0].pk: "present", enrolments[1].pk: "unexcused"},
        )
    page = cw.get(reverse("sessions:detail", args=[s.pk])).content.decode()
    assert "PARTICIPANT00" in page and "PARTICIPANT01" in page
    assert "50 %" in page  # FLE attendance rate: 1 of 2
    assert "1 / 1 h" in page  # participant 0 attended the one-hour FLE
    grid = cw.get(reverse("sessions:grid", args=[s.pk])).content.decode()
    assert 'class="mark-present">P<' in grid and 'class="mark-unexcused">A<' in grid


def _queries(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_session_page_and_grid_query_counts_do_not_grow(cw, a):
    s, _enrolments, activities = _running(a, 2, activities=2)
    detail = reverse("sessions:detail", args=[s.pk])
    grid = reverse("sessions:grid", args=[s.pk])
    attendance = reverse("sessions:attendance", args=[activities[0].pk])
    small = (_queries(cw, detail), _queries(cw, grid), _queries(cw, attendance))
    more = [
        factories.admitted(
            a["org"], a["territory"], a["actor"], last_name=f"Plus{i}", first_name="A"
        )
        for i in range(8)
    ]
    with tenant_context(a["org"]):
        for b in more:
            services.enrolment_create(actor=a["actor"], session=s, beneficiary=b)
        for i in range(20):
            activity = services.activity_create(
                actor=a["actor"],
                session=s,
                data={
                    "kind": "individual" if i % 5 == 0 else "fle",
                    "participant": s.enrolments.first() if i % 5 == 0 else None,
                    "date": s.start_date + datetime.timedelta(days=i),
                    "start_time": datetime.time(9),
                    "end_time": datetime.time(11),
                },
            )
            if activity.date <= timezone.localdate():
                services.attendance_record(
                    actor=a["actor"],
                    activity=activity,
                    marks={e.pk: "present" for e in services.expected_participants(activity)},
                )
    large = (_queries(cw, detail), _queries(cw, grid), _queries(cw, attendance))
    assert large == small
    assert small == SESSION_PAGE_QUERIES


# Session page, grid, group attendance screen (whatever their size), each
# with the bell's unread notifications count; the activities read once for
# the figures and the timetable (or the grid).
SESSION_PAGE_QUERIES = (17, 16, 13)


def test_case_file_shows_the_sessions_and_the_timeline(cw, a):
    _s, enrolments, (activity,) = _running(a, 1)
    with tenant_context(a["org"]):
        services.attendance_record(
            actor=a["actor"], activity=activity, marks={enrolments[0].pk: "present"}
        )
        services.enrolment_complete(actor=a["actor"], enrolment=enrolments[0])
        b = Beneficiary.objects.get(pk=enrolments[0].beneficiary_id)
    page = cw.get(reverse("beneficiaries:detail", args=[b.pk])).content.decode()
    assert b.state == "seeking_contract"
    section = page.split('id="sessions-title"')[1].split("</section>")[0]
    timeline = page.split('id="timeline-title"')[1]
    assert "Inscrit·e à aucune session" not in section
    assert f'href="/sessions/{enrolments[0].session_id}/">Session 2027-1</a>' in section
    assert "Terminée" in section and "100 %" in section and "1 h" in section
    assert "Inscrit·e à" in timeline and "Session terminée :" in timeline
    assert "présence 100 %" in timeline


def test_ical_export_parses_back(cw, a):
    import icalendar

    s, enrolments, activities = _running(a, 1, activities=2)
    with tenant_context(a["org"]):
        services.activity_create(
            actor=a["actor"],
            session=s,
            data={
                "kind": "individual",
                "participant": enrolments[0],
                "date": s.end_date,
                "start_time": datetime.time(14),
                "end_time": datetime.time(15),
                "place": "Bureau 3",
            },
        )
        services.activity_cancel(actor=a["actor"], activity=activities[1], reason="Grève")
    response = cw.get(reverse("sessions:ical", args=[s.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    raw = response.content
    assert raw.startswith(b"BEGIN:VCALENDAR\r\n") and raw.endswith(b"END:VCALENDAR\r\n")
    # RFC 5545 3.1: lines of at most 75 octets.
    assert max(len(line) for line in raw.split(b"\r\n")) <= 75
    calendar = icalendar.Calendar.from_ical(raw)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 3
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    assert len({str(e["UID"]) for e in events}) == 3
    assert all("DTSTAMP" in e for e in events)
    assert list(calendar.walk("VTIMEZONE"))
    starts = sorted(e.decoded("DTSTART") for e in events)
    assert str(starts[0].tzinfo) == "Europe/Paris"
    assert sum(1 for e in events if str(e["STATUS"]) == "CANCELLED") == 1
    # No personal data: the appointment has no name in it.
    assert b"PARTICIPANT" not in raw.upper()
    appointment = next(e for e in events if str(e.get("LOCATION", "")) == "Bureau 3")
    assert "Entretien individuel" in str(appointment["SUMMARY"])


def test_editing_a_session_below_its_places_taken_is_refused(cw, a):
    s, _enrolments, _ = _running(a, 3)
    url = reverse("sessions:edit", args=[s.pk])
    data = {
        "name": s.name,
        "territory": a["territory"].pk,
        "start_date": s.start_date.isoformat(),
        "end_date": s.end_date.isoformat(),
        "capacity": "2",
        "planned_fle_hours": "100",
        "site": "Nouveau lieu",
    }
    response = cw.post(url, data)
    assert response.status_code == 400
    assert "3 places sont déjà prises" in response.content.decode()
    assert "Nouveau lieu" in response.content.decode()  # what was typed is kept
    with tenant_context(a["org"]):
        s.refresh_from_db()
    assert (s.capacity, s.site) == (20, "")
    assert cw.post(url, {**data, "capacity": "3"}).status_code == 302
    with tenant_context(a["org"]):
        s.refresh_from_db()
    assert (s.capacity, s.site) == (3, "Nouveau lieu")
