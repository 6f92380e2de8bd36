#!/usr/bin/env bash
# make bench: services, migrations, 200,000 case files over 20 organisations
# (created once, kept in the local database), then the benchmarks in bench/,
# measured with production settings (no debug: cached templates, no query log).
# BENCH_SCALE=20000 make bench: a smaller set while developing (the largest
# organisation holds 40 % of it); BENCH_RUNS: samples per figure (30).
# Each page is printed with its ratio to the empty authenticated page plus a
# minimal rendering of its data, measured in the same run (bench/floor.py).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/services.sh"
cd "$ROOT"

trap services_stop EXIT
dev_defaults
services_start
PY="$VENV/bin/python"
"$PY" manage.py migrate --database owner --no-input -v 0
"$PY" manage.py seed_demo --scale "${BENCH_SCALE:-200000}" --organisations 20
export DJANGO_DEBUG=false DJANGO_HTTPS=false
export DJANGO_STATIC_ROOT="$LOCAL/staticfiles-test" DJANGO_STATIC_COMPRESS=false
"$PY" manage.py collectstatic --no-input -v 0
"$PY" bench/beneficiaries.py
"$PY" bench/sessions.py
"$PY" bench/placements.py
"$PY" bench/housing.py
"$PY" bench/modules.py
"$PY" bench/notifications.py
"$PY" bench/reports.py
