#!/usr/bin/env bash
# make load: the load test of issue 18 against the production configuration.
#   gunicorn with the README's worker count for 2 cores (5: 2 x cores + 1),
#   DJANGO_DEBUG=false, a Celery worker, all on 127.0.0.1; 50 caseworkers of
#   three organisations (bench/load_setup.py) log in once (password + TOTP)
#   and run the day's mix for LOAD_TIME (240s) or LOAD_MAX_REQUESTS (6000)
#   requests, whichever comes first (bench/locustfile.py, headless); then
#   bench/load_check.py looks for every acknowledged write in the database.
# LOAD_KILL=1: halfway through, one web worker and the Celery worker get
#   SIGKILL (gunicorn replaces its worker; the Celery worker is restarted, as
#   compose's restart policy would); errors seen by users are counted.
# Needs the scale data: run `make bench` (or BENCH_SCALE=20000 make bench) first.
source "$(dirname "$0")/../scripts/lib.sh"
source "$ROOT/scripts/services.sh"
cd "$ROOT"

WEB_PORT="${LOAD_PORT:-58516}"
WORKERS="${WEB_CONCURRENCY:-5}"
RUN_TIME="${LOAD_TIME:-240s}"
USERS="${LOAD_USERS:-50}"
PIDS=()
stop_all() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  services_stop
}
trap stop_all EXIT

dev_defaults
services_start
export DJANGO_DEBUG=false DJANGO_HTTPS=false DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost
export DJANGO_STATIC_ROOT="$LOCAL/staticfiles-test" DJANGO_STATIC_COMPRESS=false
PY="$VENV/bin/python"
"$PY" manage.py migrate --database owner --no-input -v 0
"$PY" manage.py collectstatic --no-input -v 0
# LOAD_SETUP=0: reuse .local/load/users.json from a previous run.
[ "${LOAD_SETUP:-1}" = 0 ] || LOAD_USERS="$USERS" "$PY" bench/load_setup.py
mkdir -p "$LOCAL/load"

"$VENV/bin/gunicorn" thrasos.wsgi --bind "127.0.0.1:$WEB_PORT" --workers "$WORKERS" \
  --access-logfile /dev/null --error-logfile "$LOCAL/load/gunicorn.log" &
GUNICORN=$!; PIDS+=("$GUNICORN")
start_celery() {
  "$VENV/bin/celery" -A thrasos worker --loglevel=WARNING --concurrency=2 \
    >>"$LOCAL/load/celery.log" 2>&1 &
  CELERY=$!; PIDS+=("$CELERY")
}
start_celery
for _ in $(seq 100); do
  curl -fsS "http://127.0.0.1:$WEB_PORT/healthz" >/dev/null 2>&1 && break; sleep 0.3
done

if [ "${LOAD_KILL:-0}" = 1 ]; then
  (
    seconds="${RUN_TIME%s}"; sleep $((seconds / 2))
    worker=$(pgrep -P "$GUNICORN" | head -n 1)
    say "SIGKILL web worker $worker and Celery worker $CELERY"
    kill -KILL "$worker" "$CELERY"
    sleep 2
  ) &
  KILLER=$!
fi

say "Locust: $USERS caseworkers, $RUN_TIME or ${LOAD_MAX_REQUESTS:-6000} requests"
"$VENV/bin/locust" -f bench/locustfile.py --headless --host "http://127.0.0.1:$WEB_PORT" \
  -u "$USERS" -r 0.5 --run-time "$RUN_TIME" --only-summary --stop-timeout 10 \
  --csv "$LOCAL/load/stats" 2>&1 | tail -n 40 || true
if [ "${LOAD_KILL:-0}" = 1 ]; then
  wait "$KILLER" || true
  start_celery  # what compose's restart policy does
fi
cat "$LOCAL/load/summary.txt"
"$PY" bench/load_check.py
