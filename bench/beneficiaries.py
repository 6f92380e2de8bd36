"""Benchmark of the beneficiaries module at scale (run by `make bench`).

Prints median and p95 of: the list page (50 rows, largest organisation),
a deep page, a name search, a case file, the API list; each with the ratio to
the raw SQL that reads the same data, measured in the same run; and the cost
of row-level security (same SQL with RLS lifted in a rolled-back transaction).
Targets (issue 4): list page <= 10x its SQL, search SQL <= 3 ms within an
organisation, deep page <= 1.5x first page, RLS on vs off <= 1.2x.
This is a measurement, not a test: it prints and exits 0."""

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
from django.test import Client  # noqa: E402
from timing import RUNS, timed, timed_sql  # noqa: E402 - bench/timing.py

from beneficiaries.models import Beneficiary  # noqa: E402
from thrasos.accounts.models import Membership, Organisation  # noqa: E402
from thrasos.core.pagination import _encode  # noqa: E402
from thrasos.tenancy import platform_context, tenant_context  # noqa: E402

settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]


def main():
    with platform_context():
        organisation = Organisation.objects.get(slug="charge-01")
    with tenant_context(organisation):
        total = Beneficiary.objects.count()
        with platform_context():
            coordinator = Membership.objects.select_related("user").get(role="coordinator").user
        deep_row = Beneficiary.objects.order_by("search_last_first", "id").values(
            "search_last_first", "id"
        )[total // 2]
        sample = Beneficiary.objects.order_by("id").first()
    print(f"organisation {organisation.slug}: {total} case files; {RUNS} runs each\n")
    # Staff need an authenticator to get past the MFA gate.
    if not Authenticator.objects.filter(user=coordinator, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(coordinator, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    client = Client()
    client.force_login(coordinator)
    deep_cursor = _encode([deep_row["search_last_first"], deep_row["id"]])
    needle = sample.search_last_first[:6]

    columns = "id, last_name, first_name, birth_date, state, state_changed_at, current_territory_id"
    list_sql = (
        f"SELECT {columns} FROM beneficiaries_beneficiary WHERE organisation_id = %s "  # noqa: S608
        "ORDER BY search_last_first, id LIMIT 51"
    )
    deep_sql = (
        f"SELECT {columns} FROM beneficiaries_beneficiary WHERE organisation_id = %s "  # noqa: S608
        "AND (search_last_first, id) > (%s, %s) ORDER BY search_last_first, id LIMIT 51"
    )
    search_sql = (
        f"SELECT {columns} FROM beneficiaries_beneficiary WHERE organisation_id = %s "  # noqa: S608
        "AND ((search_last_first >= %s AND search_last_first < %s) "
        "OR (search_first_last >= %s AND search_first_last < %s)) "
        "ORDER BY search_last_first, id LIMIT 51"
    )
    upper = needle + "\U0010ffff"
    org = organisation.pk
    deep_params = [org, deep_row["search_last_first"], deep_row["id"]]
    cases = [
        ("list page", lambda: client.get("/beneficiaires/"), list_sql, [org]),
        (
            "deep page",
            lambda: client.get("/beneficiaires/", {"apres": deep_cursor}),
            deep_sql,
            deep_params,
        ),
        (
            "search",
            lambda: client.get("/beneficiaires/", {"q": needle}),
            search_sql,
            [org, needle, upper, needle, upper],
        ),
        (
            "case file",
            lambda: client.get(f"/beneficiaires/{sample.pk}/"),
            "SELECT * FROM beneficiaries_beneficiary WHERE organisation_id = %s AND id = %s",
            [org, sample.pk],
        ),
        ("API list", lambda: client.get("/api/beneficiaires/"), list_sql, [org]),
    ]
    results = {}
    print(f"{'what':<12} {'page med':>9} {'p95':>8} {'SQL med':>8} {'p95':>7} {'ratio':>6}")
    for name, page, sql, params in cases:
        status = page().status_code
        if status != 200:
            raise SystemExit(f"{name}: HTTP {status}")
        page_median, page_p95 = timed(page)
        sql_median, sql_p95 = timed_sql("default", org, sql, params)
        results[name] = (page_median, sql_median)
        print(
            f"{name:<12} {page_median:8.1f}ms {page_p95:7.1f}ms {sql_median:7.2f}ms "
            f"{sql_p95:6.2f}ms {page_median / sql_median:5.1f}x"
        )
    print()
    rls = {}
    for name, sql, params in (
        ("list", list_sql, [org]),
        ("search", search_sql, [org, needle, upper, needle, upper]),
    ):
        on, _ = timed_sql("owner", org, sql, params)
        off, _ = timed_sql("owner", org, sql, params, lift_rls=True)
        rls[name] = on / off
        print(f"RLS on/off, {name} SQL (owner role): {on:.2f}ms / {off:.2f}ms = {on / off:.2f}x")
    print()
    print("targets:")
    list_ratio = results["list page"][0] / results["list page"][1]
    deep_ratio = results["deep page"][0] / results["list page"][0]
    print(f"  list page / SQL        {list_ratio:6.1f}x  (<= 10x)")
    print(f"  search SQL             {results['search'][1]:6.2f}ms (<= 3 ms)")
    print(f"  deep / first page      {deep_ratio:6.2f}x  (<= 1.5x)")
    print(f"  RLS on / off (search)  {rls['search']:6.2f}x  (<= 1.2x)")


if __name__ == "__main__":
    main()
