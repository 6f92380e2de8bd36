#!/usr/bin/env bash
# make run: services, migrations, demo data, then web + Celery worker + beat.
# Ctrl-C (or any of the three exiting) stops everything this script started.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/services.sh"
cd "$ROOT"

PORT="${PORT:-8000}"
[[ "$PORT" =~ ^[0-9]+$ ]] && [ "$PORT" -ge 1 ] && [ "$PORT" -le 65535 ] || die "PORT must be a port number, got '$PORT'"

PIDS=()
cleanup() {
  trap - INT TERM EXIT
  if [ ${#PIDS[@]} -gt 0 ]; then
    say "Stopping web server, worker and beat"
    for pid in "${PIDS[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
    for _ in $(seq 100); do
      alive=0
      for pid in "${PIDS[@]}"; do kill -0 -- "-$pid" 2>/dev/null && alive=1; done
      [ $alive = 0 ] && break; sleep 0.1
    done
    for pid in "${PIDS[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
  fi
  services_stop
}
trap cleanup EXIT
trap 'exit 130' INT TERM

dev_defaults
services_start
PY="$VENV/bin/python"
"$PY" manage.py compilemessages --ignore=.venv --ignore=.local -v 0
say "Applying migrations (as the owner role)"
"$PY" manage.py migrate --database owner --no-input -v 0
say "Loading demo data"
"$PY" manage.py seed_demo

# Each child in its own process group, so that cleanup can stop it with all
# of its own children (runserver's reloader, Celery's pool).
set -m
"$PY" manage.py runserver "127.0.0.1:$PORT" & PIDS+=($!)
"$VENV/bin/celery" -A thrasos worker --loglevel=INFO --concurrency=2 & PIDS+=($!)
"$VENV/bin/celery" -A thrasos beat --loglevel=INFO --schedule="$CELERY_BEAT_SCHEDULE_FILE" & PIDS+=($!)
set +m

sleep 2
cat <<MSG

  Thrasos is running at  http://127.0.0.1:$PORT
$("$PY" manage.py seed_demo --logins)

  Ctrl-C stops the web server, the worker, the beat and the local services.

MSG
wait -n
warn "a process exited; stopping the others"
