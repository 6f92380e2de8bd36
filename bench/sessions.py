"""Benchmark of the sessions module (run by `make bench`).

One session of 20 participants × 150 activities, every attendance recorded
(3,000 rows), in its own organisation "bench-sessions" (created once through
the services, kept in the local database). Prints, for the session page and
the attendance grid: the query count at 5 × 30 and at 20 × 150 (it must be
the same), median and p95, and the ratio to the empty authenticated page plus
a minimal rendering of the same data (bench/floor.py), measured in the same
run; target <= 1.5x (issue 18).
This is a measurement, not a test: it prints and exits 0."""

import datetime
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thrasos.settings")

import django

django.setup()

from allauth.mfa.models import Authenticator  # noqa: E402
from allauth.mfa.totp.internal.auth import TOTP  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402
from floor import HEADER, bare, empty_page, measure, minimal, queries  # noqa: E402

from beneficiaries.services import TransitionRequest, beneficiary_transition  # noqa: E402
from sessions import services  # noqa: E402
from sessions.models import Attendance, PreparationSession  # noqa: E402
from thrasos.accounts.models import Membership, Organisation, Role, Territory, User  # noqa: E402
from thrasos.accounts.services import organisation_create  # noqa: E402
from thrasos.tenancy import platform_context, tenant_context  # noqa: E402

SLUG = "bench-sessions"
settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]


def _build(organisation, actor, territory, *, name: str, people: int, activities: int):
    """A running session whose `activities` activities all lie in the past,
    with `people` participants and every attendance recorded."""
    from beneficiaries.services import beneficiary_create

    existing = PreparationSession.objects.filter(name=name).first()
    if existing:
        return existing
    today = timezone.localdate()
    # Five activities a day (weekdays), ending yesterday.
    days = -(-activities // 5)
    start = today - datetime.timedelta(days=days * 7 // 5 + 14)
    session = services.session_create(
        actor=actor,
        data={
            "name": name,
            "territory": territory,
            "start_date": start,
            "end_date": today + datetime.timedelta(days=30),
            "capacity": people,
            "planned_fle_hours": 120,
        },
    )
    for i in range(people):
        b = beneficiary_create(
            actor=actor,
            data={
                "last_name": f"Banc{name[-3:]}{i:02d}",
                "first_name": "Participant",
                "sex": "F",
                "birth_date": datetime.date(1990, 1, 1 + i % 28),
                "protection_status": "refugee",
                "current_territory": territory,
                "referral_date": start - datetime.timedelta(days=90),
            },
            allow_duplicate=True,
        )
        for state, back in (("candidate", 80), ("admitted", 60)):
            beneficiary_transition(
                actor=actor,
                beneficiary=b,
                request=TransitionRequest(
                    to_state=state,
                    confirm_prerequisites=True,
                    comment="Banc d’essai.",
                    at=timezone.make_aware(
                        datetime.datetime.combine(
                            start - datetime.timedelta(days=back), datetime.time(9)
                        )
                    ),
                ),
            )
        services.enrolment_create(
            actor=actor, session=session, beneficiary=b, on=start - datetime.timedelta(days=7)
        )
    services.session_start(actor=actor, session=session, on=start)
    kinds = ["fle", "fle", "workshop", "platform_visit", "cultural_outing"]
    made, day = 0, start
    while made < activities:
        if day.weekday() < 5:
            for slot in range(5):
                if made == activities:
                    break
                services.activity_create(
                    actor=actor,
                    session=session,
                    data={
                        "kind": kinds[slot],
                        "date": day,
                        "start_time": datetime.time(8 + slot * 2),
                        "end_time": datetime.time(9 + slot * 2),
                    },
                )
                made += 1
        day += datetime.timedelta(days=1)
    statuses = ["present"] * 8 + ["late", "unexcused"]
    for n, activity in enumerate(session.activities.order_by("id")):
        marks = {
            e.pk: statuses[(n + e.pk) % len(statuses)]
            for e in services.expected_participants(activity)
        }
        services.attendance_record(actor=actor, activity=activity, marks=marks)
    return session


def main():
    with platform_context():
        organisation = Organisation.objects.filter(slug=SLUG).first() or organisation_create(
            name="Banc d’essai sessions", slug=SLUG
        )
    user, _ = User.objects.get_or_create(
        email=f"coordination@{SLUG}.bench.thrasos.fr",
        defaults={"first_name": "Coordination", "last_name": "Banc"},
    )
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    with tenant_context(organisation):
        Membership.objects.get_or_create(user=user, defaults={"role": Role.COORDINATOR})
        territory, _ = Territory.objects.get_or_create(
            name="Territoire banc", defaults={"region": "75", "departement": "33"}
        )
        small = _build(organisation, user, territory, name="Banc 5x30", people=5, activities=30)
        large = _build(organisation, user, territory, name="Banc 20x150", people=20, activities=150)
        attendance_rows = Attendance.objects.filter(activity__session=large).count()
    # Fresh rows: give the planner their statistics, as autovacuum would
    # (ANALYZE needs the owner of the tables).
    with connections["owner"].cursor() as cursor:
        cursor.execute(
            "ANALYZE prep_sessions_activity, prep_sessions_attendance, "
            "prep_sessions_enrolment, beneficiaries_beneficiary"
        )
    print(
        f"session {large.name}: 20 participants, 150 activities, {attendance_rows} attendance rows"
    )
    client = Client()
    client.force_login(user)
    empty = empty_page(client)

    def read(session):
        """What both pages show, read plainly: the activities, the
        participants with their names, and the attendance as a matrix."""

        def run():
            activities = list(session.activities.order_by("date", "start_time", "id"))
            enrolments = list(
                session.enrolments.exclude(status="removed")
                .select_related("beneficiary")
                .order_by("beneficiary__search_last_first")
            )
            marks = {
                (e, a): s
                for e, a, s in Attendance.objects.filter(activity__session=session).values_list(
                    "enrolment_id", "activity_id", "status"
                )
            }
            rows = []
            for e in enrolments:
                cells = [marks.get((e.pk, a.pk), "") for a in activities]
                attended = sum(1 for c in cells if c in ("present", "late"))
                rows.append((e.beneficiary, cells, attended, len([c for c in cells if c])))
            return {"activities": activities, "rows": rows}

        return run

    grid_template = bare(
        '<table><tr><th></th>{% for a in activities %}<th><a href="/sessions/activites/'
        "{{ a.pk }}/\">{{ a.date|date:'d/m' }} {{ a.get_kind_display }}</a></th>{% endfor %}"
        "</tr>{% for b, cells, attended, recorded in rows %}<tr><th>{{ b.last_name }} "
        "{{ b.first_name }}</th>{% for c in cells %}<td>{{ c }}</td>{% endfor %}</tr>"
        "{% endfor %}</table>"
    )
    page_template = bare(
        "<ul>{% for a in activities %}<li>{{ a.date|date:'D d/m' }} {{ a.start_time }}-"
        "{{ a.end_time }} {{ a.get_kind_display }}</li>{% endfor %}</ul><table>"
        "{% for b, cells, attended, recorded in rows %}<tr><td>{{ b.last_name }} "
        "{{ b.first_name }}</td><td>{{ attended }}/{{ recorded }}</td></tr>{% endfor %}</table>"
    )
    print("queries: 5 x 30 / 20 x 150 (must be equal)")
    print(HEADER)
    for name, path, template in (
        ("session page", "/sessions/{}/", page_template),
        ("grid", "/sessions/{}/presences/", grid_template),
    ):
        small_url, large_url = path.format(small.pk), path.format(large.pk)
        count = f"{queries(client, small_url)}/{queries(client, large_url)}"
        measure(
            name,
            lambda url=large_url: client.get(url),
            minimal(organisation, read(large), template),
            empty=empty,
            target=1.5,
            queries=count,
        )


if __name__ == "__main__":
    main()
