"""Benchmark of the sessions module (run by `make bench`).

One session of 20 participants × 150 activities, every attendance recorded
(3,000 rows), in its own organisation "bench-sessions" (created once through
the services, kept in the local database). Prints, for the session page and
the attendance grid: the query count at 20 × 150 and at 5 × 30 (it must be
the same), median and p95, and the ratio to the raw SQL that reads the same
data (activities, participants, attendance) measured in the same run.
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
from django.db import connection, connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from timing import timed, timed_sql  # noqa: E402 - bench/timing.py

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


def queries(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return len(captured)


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
    org = organisation.pk
    # What the pages read, as plain SQL: the activities, the participants
    # with their names, and the attendance of the session.
    data_sql = """
        SELECT a.id, a.kind, a.date, a.start_time, a.end_time, a.cancelled_at,
               e.id, b.last_name, b.first_name, b.state, t.status
        FROM prep_sessions_activity a
        JOIN prep_sessions_attendance t ON t.activity_id = a.id
        JOIN prep_sessions_enrolment e ON e.id = t.enrolment_id
        JOIN beneficiaries_beneficiary b ON b.id = e.beneficiary_id
        WHERE a.organisation_id = %s AND a.session_id = %s
        ORDER BY a.date, a.start_time, b.search_last_first
    """
    print(
        f"\n{'what':<14} {'queries 5x30':>12} {'20x150':>7} {'page med':>9} {'p95':>8} "
        f"{'SQL med':>8} {'ratio':>6}"
    )
    for name, path in (("session page", "/sessions/{}/"), ("grid", "/sessions/{}/presences/")):
        small_url, large_url = path.format(small.pk), path.format(large.pk)
        status = client.get(large_url).status_code
        if status != 200:
            raise SystemExit(f"{name}: HTTP {status}")
        q_small, q_large = queries(client, small_url), queries(client, large_url)
        page_median, page_p95 = timed(lambda url=large_url: client.get(url))
        sql_median, _ = timed_sql("default", org, data_sql, [org, large.pk])
        print(
            f"{name:<14} {q_small:>12} {q_large:>7} {page_median:8.1f}ms {page_p95:7.1f}ms "
            f"{sql_median:7.2f}ms {page_median / sql_median:5.1f}x"
        )
    print("\nquery counts must be equal for both sizes (constant per page).")


if __name__ == "__main__":
    main()
