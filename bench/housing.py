"""Benchmark of the housing module at the scale data (run by `make bench`
after `seed_demo --scale`, issue 12).

In the largest organisation ("charge-01"), as its coordinator: the occupancy
board over 12 months (its first page, its last page, one territory), and the
availability query for six months from today (API and the selector's SQL).
For each: the query count, median and p95 of the whole page, and the ratio to
the raw SQL that reads the same rows, measured in the same run.
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
from timing import RUNS, timed, timed_sql  # noqa: E402 - bench/timing.py

from housing.models import Occupancy, Place, six_months_after  # noqa: E402
from housing.selectors import BOARD_PAGE_SIZE  # noqa: E402
from thrasos.accounts.models import Organisation, Territory, User  # noqa: E402
from thrasos.tenancy import platform_context, tenant_context  # noqa: E402

settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]


def queries(function) -> int:
    function()
    with CaptureQueriesContext(connection) as captured:
        function()
    return len(captured)


def month_start(day: datetime.date, months_back: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 - months_back
    return datetime.date(index // 12, index % 12 + 1, 1)


def main():
    with platform_context():
        organisation = Organisation.objects.get(slug="charge-01")
    coordinator = User.objects.get(email="coordination@charge-01.bench.thrasos.fr")
    today = timezone.localdate()
    start = month_start(today, 6)
    end = month_start(today, -6)
    monday = start - datetime.timedelta(days=start.weekday())
    week_end = end + datetime.timedelta(days=7 - end.weekday()) if end.weekday() else end
    with tenant_context(organisation):
        places = Place.objects.count()
        occupancies = Occupancy.objects.count()
        territory = Territory.objects.order_by("name").first()
        in_territory = Place.objects.filter(unit__territory=territory).count()
    if not places:
        raise SystemExit("no housing: run seed_demo --scale first")
    last_page = -(-places // BOARD_PAGE_SIZE)
    print(
        f"organisation {organisation.slug}: {places} places, {occupancies} occupancies; "
        f"board over 12 months ({start:%m/%Y} to {end:%m/%Y}), {BOARD_PAGE_SIZE} places a "
        f"page ({last_page} pages); {territory.name}: {in_territory} places; {RUNS} runs each\n"
    )
    # Rows bulk-inserted after the case files' ANALYZE: give the planner
    # their statistics, as autovacuum would (ANALYZE needs the table owner).
    with connections["owner"].cursor() as cursor:
        cursor.execute("ANALYZE housing_housingunit, housing_place, housing_occupancy")
    if not Authenticator.objects.filter(user=coordinator, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(coordinator, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    client = Client()
    client.force_login(coordinator)
    org = organisation.pk
    board = {"debut": f"{start:%Y-%m}", "mois": 12}
    # What a board page reads, as plain SQL: a page of places with their
    # unit, and the occupancies of those places in the period with the names.
    board_sql = """
        WITH page AS (
            SELECT p.id, p.label, u.name, u.city
            FROM housing_place p JOIN housing_housingunit u ON u.id = p.unit_id
            WHERE p.organisation_id = %s {where}
            ORDER BY u.city, u.name, p.label, p.id LIMIT %s OFFSET %s
        )
        SELECT page.*, o.start_date, o.planned_end_date, o.actual_end_date,
               b.last_name, b.first_name
        FROM page
        LEFT JOIN housing_occupancy o ON o.place_id = page.id AND o.start_date < %s
             AND COALESCE(o.actual_end_date, o.planned_end_date) > %s
        LEFT JOIN beneficiaries_beneficiary b ON b.id = o.beneficiary_id
    """
    free_end = six_months_after(today)
    free_sql = """
        SELECT p.id, p.label, u.id, u.name, u.city, u.territory_id
        FROM housing_place p JOIN housing_housingunit u ON u.id = p.unit_id
        WHERE p.organisation_id = %s
          AND (p.closed_on IS NULL OR p.closed_on >= %s)
          AND (u.closed_on IS NULL OR u.closed_on >= %s)
          AND NOT EXISTS (
              SELECT 1 FROM housing_occupancy o WHERE o.place_id = p.id
              AND o.start_date < %s AND COALESCE(o.actual_end_date, o.planned_end_date) > %s)
        ORDER BY u.city, u.name, p.label
    """
    window = [week_end, monday]
    cases = [
        (
            "board 12 months, page 1",
            lambda: client.get("/logement/tableau/", board),
            board_sql.format(where=""),
            [org, BOARD_PAGE_SIZE, 0, *window],
        ),
        (
            f"board, last page ({last_page})",
            lambda: client.get("/logement/tableau/", {**board, "page": last_page}),
            board_sql.format(where=""),
            [org, BOARD_PAGE_SIZE, (last_page - 1) * BOARD_PAGE_SIZE, *window],
        ),
        (
            "board, one territory",
            lambda: client.get("/logement/tableau/", {**board, "territoire": territory.pk}),
            board_sql.format(where="AND u.territory_id = %s"),
            [org, territory.pk, BOARD_PAGE_SIZE, 0, *window],
        ),
        (
            "availability API, 6 months",
            lambda: client.get("/api/places/available/"),
            free_sql,
            [org, free_end, free_end, free_end, today],
        ),
    ]
    print(f"{'what':<28} {'queries':>7} {'page med':>9} {'p95':>8} {'SQL med':>8} {'ratio':>6}")
    for name, page, sql, params in cases:
        response = page()
        if response.status_code != 200:
            raise SystemExit(f"{name}: HTTP {response.status_code}")
        count = queries(page)
        page_median, page_p95 = timed(page)
        sql_median, _ = timed_sql("default", org, sql, params)
        extra = f"  ({len(response.json())} places free)" if "API" in name else ""
        print(
            f"{name:<28} {count:>7} {page_median:8.1f}ms {page_p95:7.1f}ms "
            f"{sql_median:7.2f}ms {page_median / sql_median:5.1f}x{extra}"
        )


if __name__ == "__main__":
    main()
