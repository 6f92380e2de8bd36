"""Benchmark of the reminders (run by `make bench`, over the scale data of
`seed_demo --scale`).

1. Computing and recording 10,000 due reminders: residence documents
   expiring in a week are planted in the 20 scale organisations (with a
   caseworker per territory to receive them), then every kind of the
   catalogue is computed in every organisation — one INSERT … SELECT … ON
   CONFLICT DO NOTHING per kind and organisation. Prints the time, the rows
   created and the query count; target <= 3 s. Compared in the same run with
   one task per reminder (a real TenantTask run in-process with .apply(), no
   broker: a lower bound of that approach), on a sample, extrapolated.
   Everything is rolled back at the end.
2. The bell's unread count at 100,000 notification rows (organisation
   "bench-notifications", created once and kept): EXPLAIN ANALYZE under the
   runtime role and row-level security, median and p95; target < 1 ms.
This is a measurement, not a test: it prints and exits 0."""

import datetime
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thrasos.settings")

import django

django.setup()

import contextlib  # noqa: E402
import logging  # noqa: E402

from django.db import connection, connections, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from timing import timed_sql  # noqa: E402 - bench/timing.py

from beneficiaries.models import Beneficiary, BeneficiaryReferent  # noqa: E402
from beneficiaries.pathway import FINAL_STATES  # noqa: E402
from thrasos.accounts.models import (  # noqa: E402
    Membership,
    MembershipTerritory,
    Organisation,
    Role,
    Territory,
    User,
)
from thrasos.celery import TenantTask, app  # noqa: E402
from thrasos.notifications import registry, services  # noqa: E402
from thrasos.notifications.models import Notification  # noqa: E402
from thrasos.notifications.selectors import unread_count  # noqa: E402
from thrasos.tenancy import platform_context, tenant_context  # noqa: E402

DUE = 10_000
SAMPLE = int(os.environ.get("BENCH_TASK_SAMPLE", "1000"))
BELL_ROWS = 100_000
BELL_MEMBERS = 50
KIND = "beneficiaries.residence_expiring"


class Rollback(Exception):
    pass


class Counted:
    """Counts the queries sent on the default connection (no query log, so
    no limit and no cost of keeping them)."""

    def __init__(self):
        self.count = 0
        self.last_sql = ""

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        self.last_sql = sql
        return execute(sql, params, many, context)

    def __len__(self):
        return self.count


@contextlib.contextmanager
def counting():
    counter = Counted()
    with connection.execute_wrapper(counter):
        yield counter


# The in-process task runs would each log a line.
logging.getLogger("celery").setLevel(logging.WARNING)


@app.task(base=TenantTask)
def one_reminder(beneficiary_id: int, today: str) -> int:
    """What one task per reminder does: read the person, find the
    recipients, create the row if it is not there."""
    person = Beneficiary.objects.get(pk=beneficiary_id)
    expiry = person.residence_document_expiry
    due = expiry - datetime.timedelta(days=7)
    recipients = list(
        BeneficiaryReferent.objects.filter(
            beneficiary=person, membership__is_active=True
        ).values_list("membership_id", flat=True)
    ) or list(
        Membership.objects.filter(
            role=Role.CASEWORKER, is_active=True, territories=person.current_territory_id
        ).values_list("id", flat=True)
    )
    for recipient in recipients:
        Notification.objects.get_or_create(
            kind=KIND,
            object_id=person.pk,
            due_on=due,
            recipient_id=recipient,
            defaults={
                "event_on": expiry,
                "subject": person.full_name,
                "link": person.get_absolute_url(),
            },
        )
    return len(recipients)


def _plant(organisations, today) -> list[tuple[int, int]]:
    """Due residence documents over the organisations, in proportion to their
    size, and a caseworker per territory. Returns (organisation, person)."""
    sizes = {}
    for org in organisations:
        with tenant_context(org):
            sizes[org.pk] = Beneficiary.objects.exclude(state__in=FINAL_STATES).count()
    total = sum(sizes.values())
    planted = []
    for org in organisations:
        share = round(DUE * sizes[org.pk] / total)
        with tenant_context(org):
            for territory in Territory.objects.all():
                user, _ = User.objects.get_or_create(
                    email=f"cw-{org.slug}-{territory.pk}@bench.thrasos.fr",
                    defaults={"first_name": "Bench", "last_name": "Caseworker"},
                )
                member, _ = Membership.objects.get_or_create(
                    user=user, defaults={"role": Role.CASEWORKER}
                )
                MembershipTerritory.objects.get_or_create(membership=member, territory=territory)
            ids = list(
                Beneficiary.objects.exclude(state__in=FINAL_STATES)
                .order_by("id")
                .values_list("id", flat=True)[:share]
            )
            Beneficiary.objects.filter(id__in=ids).update(
                residence_document_expiry=today + datetime.timedelta(days=7)
            )
            planted += [(org.pk, i) for i in ids]
    return planted


def bench_compute() -> None:
    today = timezone.localdate()
    with platform_context():
        organisations = list(Organisation.objects.filter(slug__startswith="charge-"))
    if not organisations:
        print("no scale data: run `manage.py seed_demo --scale N` first")
        return
    try:
        with transaction.atomic():
            planted = _plant(organisations, today)
            print(f"{len(planted)} people with a residence document expiring in 7 days,")
            print(f"over {len(organisations)} organisations\n")
            # Set-based: every kind, every organisation.
            # Once per worker process: the links' URLs (the URL resolver loads).
            # A kind may write its query inside the tenant (record inactive).
            with tenant_context(organisations[0]):
                for kind in registry.kinds():
                    registry.resolved_select(kind)
            per_kind: dict[str, float] = {}
            with counting() as queries:
                start = time.perf_counter()
                created = 0
                for org in organisations:
                    with tenant_context(org):
                        for kind in registry.kinds():
                            started = time.perf_counter()
                            results = services.reminders_compute(today=today, codes=[kind.code])
                            created += sum(r.created for r in results)
                            per_kind[kind.code] = (
                                per_kind.get(kind.code, 0) + time.perf_counter() - started
                            )
                elapsed = time.perf_counter() - start
            print("set-based (one INSERT … SELECT … ON CONFLICT per kind and organisation):")
            print(f"  {created} reminders recorded in {elapsed:.2f} s, {len(queries)} queries")
            print(f"  target <= 3 s: {'met' if elapsed <= 3 else 'NOT met'}")
            for code, seconds in sorted(per_kind.items(), key=lambda kv: -kv[1]):
                print(f"    {code:45} {seconds * 1000:8.0f} ms")
            start = time.perf_counter()
            for org in organisations:
                with tenant_context(org):
                    again = sum(r.created for r in services.reminders_compute(today=today))
            print(
                f"  the same run again (the beat twice): {again} created, "
                f"{time.perf_counter() - start:.2f} s\n"
            )
            # One task per reminder, on a sample, in a savepoint without the rows above.
            sample = planted[:: max(1, len(planted) // SAMPLE)][:SAMPLE]
            with transaction.atomic():
                for org in organisations:
                    with tenant_context(org):
                        Notification.objects.all().delete()
                with counting() as queries:
                    start = time.perf_counter()
                    for org_id, person in sample:
                        one_reminder.apply(
                            args=[person, today.isoformat()], kwargs={"organisation_id": org_id}
                        )
                    per_task = time.perf_counter() - start
                transaction.set_rollback(True)
            per_reminder = per_task / len(sample)
            print(f"one task per reminder ({len(sample)} run in-process, no broker):")
            print(
                f"  {per_task:.2f} s, {len(queries)} queries "
                f"({len(queries) / len(sample):.1f} per reminder)"
            )
            print(
                f"  extrapolated to {created}: {per_reminder * created:.1f} s "
                f"= {per_reminder * created / elapsed:.0f}x the set-based run\n"
            )
            raise Rollback
    except Rollback:
        pass


def _bell_organisation():
    with platform_context():
        org, _ = Organisation.objects.get_or_create(
            slug="bench-notifications", defaults={"name": "Bench notifications"}
        )
    with tenant_context(org):
        if Notification.objects.count() >= BELL_ROWS:
            return org, Membership.objects.order_by("id").first()
        Territory.objects.get_or_create(
            name="Territoire bench", defaults={"region": "75", "departement": "33"}
        )
        members = []
        for i in range(BELL_MEMBERS):
            user, _ = User.objects.get_or_create(
                email=f"bell-{i}@bench.thrasos.fr",
                defaults={"first_name": "Bell", "last_name": str(i)},
            )
            member, _ = Membership.objects.get_or_create(
                user=user, defaults={"role": Role.CASEWORKER}
            )
            members.append(member.pk)
        with connection.cursor() as cursor:
            # Each member gets BELL_ROWS / BELL_MEMBERS rows over a year, a
            # quarter of them unread.
            cursor.execute(
                """
                INSERT INTO notifications_notification
                    (organisation_id, recipient_id, kind, object_id, due_on, event_on, subject,
                     link, created_at, read_at)
                SELECT %s, (%s::bigint[])[1 + g %% %s], 'beneficiaries.residence_expiring', g,
                       current_date - (g %% 365), current_date, 'Bench', '/beneficiaires/',
                       now() - (g %% 365) * interval '1 day',
                       CASE WHEN g %% 4 = 0 THEN NULL ELSE now() END
                FROM generate_series(1, %s) g
                ON CONFLICT DO NOTHING
                """,
                [org.pk, members, BELL_MEMBERS, BELL_ROWS],
            )
    with connections["owner"].cursor() as cursor:
        cursor.execute("VACUUM ANALYZE notifications_notification")
    with tenant_context(org):
        return org, Membership.objects.order_by("id").first()


BELL_SQL = (
    "SELECT COUNT(*) FROM notifications_notification "
    "WHERE organisation_id = %s AND recipient_id = %s AND read_at IS NULL"
)


def bench_bell() -> None:
    org, member = _bell_organisation()
    with tenant_context(org):
        total = Notification.objects.count()
        unread = unread_count(member)
        with counting() as queries:
            unread_count(member)
    print(f"bell: {total} notification rows in the organisation, {unread} unread for the member")
    print(f"  selectors.unread_count: {len(queries)} query: {queries.last_sql}")
    params = [org.pk, member.pk]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT set_config('app.organisation_id', %s, true)", [str(org.pk)])
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + BELL_SQL, params)
        plan = [row[0] for row in cursor.fetchall()]
    print("  EXPLAIN ANALYZE (runtime role, row-level security):")
    for line in plan:
        print(f"    {line}")
    median, p95 = timed_sql("default", org.pk, BELL_SQL, params)
    verdict = "met" if median < 1 else "NOT met"
    print(f"  median {median:.3f} ms, p95 {p95:.3f} ms; target < 1 ms: {verdict}")


if __name__ == "__main__":
    bench_compute()
    bench_bell()
