"""Timing helpers shared by the benchmarks: median and p95 of a page and
of raw SQL measured in the same run."""

import os
import statistics
import time

from django.db import connections, transaction

RUNS = int(os.environ.get("BENCH_RUNS", "30"))


def timed(function, runs=RUNS):
    function()  # warm-up
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def timed_sql(alias, organisation_id, sql, params, *, lift_rls=False, runs=RUNS):
    """Median and p95 of one SELECT (execute + fetch) inside the tenant, in a
    transaction that is rolled back (so lifting RLS leaves no trace)."""
    connection = connections[alias]
    samples = []
    with transaction.atomic(using=alias), connection.cursor() as cursor:
        cursor.execute("SELECT set_config('app.organisation_id', %s, true)", [str(organisation_id)])
        if lift_rls:
            cursor.execute("ALTER TABLE beneficiaries_beneficiary NO FORCE ROW LEVEL SECURITY")
        cursor.execute(sql, params)
        cursor.fetchall()
        for _ in range(runs):
            start = time.perf_counter()
            cursor.execute(sql, params)
            cursor.fetchall()
            samples.append((time.perf_counter() - start) * 1000)
        transaction.set_rollback(True, using=alias)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]
