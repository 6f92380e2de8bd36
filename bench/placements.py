"""Benchmark of the placements module at the scale data (run by `make bench`
after `seed_demo --scale`, issue 11).

In the largest organisation ("charge-01", 40 % of the case files), as its
coordinator: the contracts list (first page, a deep page, the "trial period
ending within 30 days" filter), the partner directory (first page and an
accent-insensitive search) and the contracts API. For each: the query count,
median and p95 of the whole page, and the ratio to the raw SQL that reads the
same rows, measured in the same run.
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

from beneficiaries.models import Beneficiary  # noqa: E402
from placements.models import AlternanceContract, Employer  # noqa: E402
from thrasos.accounts.models import Organisation, User  # noqa: E402
from thrasos.core.pagination import _encode  # noqa: E402
from thrasos.tenancy import platform_context, tenant_context  # noqa: E402

settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]


def queries(function) -> int:
    function()
    with CaptureQueriesContext(connection) as captured:
        function()
    return len(captured)


def main():
    with platform_context():
        organisation = Organisation.objects.get(slug="charge-01")
    coordinator = User.objects.get(email="coordination@charge-01.bench.thrasos.fr")
    with tenant_context(organisation):
        people = Beneficiary.objects.count()
        contracts = AlternanceContract.objects.count()
        employers = Employer.objects.count()
        deep = AlternanceContract.objects.order_by("end_date", "id").values("end_date", "id")[
            contracts // 2
        ]
    if contracts == 0:
        raise SystemExit("no contracts: run seed_demo --scale first")
    print(
        f"organisation {organisation.slug}: {people} case files, {contracts} contracts, "
        f"{employers} employers; {RUNS} runs each\n"
    )
    # Rows bulk-inserted after the case files' ANALYZE: give the planner
    # their statistics, as autovacuum would (ANALYZE needs the table owner).
    with connections["owner"].cursor() as cursor:
        cursor.execute(
            "ANALYZE placements_alternancecontract, placements_employer, "
            "placements_trainingorganisation, placements_professionalproject, "
            "placements_followup"
        )
    if not Authenticator.objects.filter(user=coordinator, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(coordinator, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    client = Client()
    client.force_login(coordinator)
    org = organisation.pk
    today = timezone.localdate()
    deep_cursor = _encode([deep["end_date"], deep["id"]])

    # What the contracts list shows, as one plain SQL statement.
    contract_sql = """
        WITH page AS (
            SELECT id, kind, status, start_date, end_date, trial_period_end, diploma_result,
                   beneficiary_id, employer_id, training_organisation_id
            FROM placements_alternancecontract c
            WHERE c.organisation_id = %s {where}
            ORDER BY c.end_date, c.id LIMIT 51
        )
        SELECT page.*, b.last_name, b.first_name, t.name, e.name, o.name
        FROM page
        JOIN beneficiaries_beneficiary b ON b.id = page.beneficiary_id
        JOIN accounts_territory t ON t.id = b.current_territory_id
        JOIN placements_employer e ON e.id = page.employer_id
        JOIN placements_trainingorganisation o ON o.id = page.training_organisation_id
        ORDER BY page.end_date, page.id
    """
    directory_sql = """
        SELECT e.id, e.name, e.city, e.departement, e.siret, s.name
        FROM placements_employer e JOIN placements_sector s ON s.id = e.sector_id
        WHERE e.organisation_id = %s {where} ORDER BY e.search_text, e.id LIMIT 51
    """
    training_sql = """
        SELECT id, name, city, departement, uai, qualiopi, qualiopi_on
        FROM placements_trainingorganisation
        WHERE organisation_id = %s {where} ORDER BY search_text, id LIMIT 51
    """
    trial_end = today + datetime.timedelta(days=30)
    cases = [
        (
            "contracts, page 1",
            lambda: client.get("/alternance/contrats/"),
            [(contract_sql.format(where=""), [org])],
        ),
        (
            "contracts, deep page",
            lambda: client.get("/alternance/contrats/", {"apres": deep_cursor}),
            [
                (
                    contract_sql.format(
                        where="AND c.end_date >= %s AND (c.end_date > %s "
                        "OR (c.end_date = %s AND c.id > %s))"
                    ),
                    [org, deep["end_date"], deep["end_date"], deep["end_date"], deep["id"]],
                )
            ],
        ),
        (
            "contracts, trial ending",
            lambda: client.get("/alternance/contrats/", {"trial_ending": "on"}),
            [
                (
                    contract_sql.format(
                        where="AND c.status IN ('signed', 'in_progress') "
                        "AND c.trial_period_end BETWEEN %s AND %s"
                    ),
                    [org, today, trial_end],
                )
            ],
        ),
        (
            "directory",
            lambda: client.get("/alternance/"),
            [(directory_sql.format(where=""), [org]), (training_sql.format(where=""), [org])],
        ),
        (
            "directory search",
            lambda: client.get("/alternance/", {"q": "bâtiment"}),
            [
                (directory_sql.format(where="AND e.search_text LIKE %s"), [org, "%batiment%"]),
                (training_sql.format(where="AND search_text LIKE %s"), [org, "%batiment%"]),
            ],
        ),
        (
            "contracts API",
            lambda: client.get("/api/contrats/"),
            [
                (
                    "SELECT * FROM placements_alternancecontract WHERE organisation_id = %s "
                    "ORDER BY id DESC LIMIT 101",
                    [org],
                )
            ],
        ),
    ]
    print(f"{'what':<24} {'queries':>7} {'page med':>9} {'p95':>8} {'SQL med':>8} {'ratio':>6}")
    results = {}
    for name, page, statements in cases:
        status = page().status_code
        if status != 200:
            raise SystemExit(f"{name}: HTTP {status}")
        count = queries(page)
        page_median, page_p95 = timed(page)
        sql_median = sum(timed_sql("default", org, sql, params)[0] for sql, params in statements)
        results[name] = (page_median, sql_median)
        print(
            f"{name:<24} {count:>7} {page_median:8.1f}ms {page_p95:7.1f}ms "
            f"{sql_median:7.2f}ms {page_median / sql_median:5.1f}x"
        )
    first, deep_page = results["contracts, page 1"][0], results["contracts, deep page"][0]
    print(f"\ndeep / first page of the contracts list: {deep_page / first:.2f}x")


if __name__ == "__main__":
    main()
