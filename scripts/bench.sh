#!/usr/bin/env bash
# make bench: services, migrations, 200,000 case files over 20 organisations
# (created once, kept in the local database), then the benchmarks in bench/.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/services.sh"
cd "$ROOT"

trap services_stop EXIT
dev_defaults
services_start
PY="$VENV/bin/python"
"$PY" manage.py migrate --database owner --no-input -v 0
"$PY" manage.py seed_demo --scale "${BENCH_SCALE:-200000}" --organisations 20
"$PY" bench/beneficiaries.py
"$PY" bench/sessions.py
