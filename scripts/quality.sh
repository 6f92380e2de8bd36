#!/usr/bin/env bash
# make quality: every static check CI runs. Needs no service running.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
B="$VENV/bin"
status=0
step() { say "$1"; shift; "$@" || { warn "failed: $*"; status=1; }; }

step "ruff format --check" "$B/ruff" format --check .
step "ruff check" "$B/ruff" check .
step "import-linter (the platform never imports a module)" env PYTHONPATH=. "$B/lint-imports"
step "djlint --check" "$B/djlint" templates --check --quiet
step "djlint --lint" "$B/djlint" templates --lint --quiet
# makemigrations --check needs settings, not a database connection.
step "makemigrations --check" env PYTHONWARNINGS=ignore::RuntimeWarning DJANGO_SECRET_KEY=quality DJANGO_DEBUG=true \
  DATABASE_URL=postgres://quality@127.0.0.1:1/quality REDIS_URL=redis://127.0.0.1:1/0 \
  "$B/python" manage.py makemigrations --check --dry-run --no-input
step "docker-compose.yml against the compose schema" \
  "$B/check-jsonschema" --builtin-schema vendor.compose-spec docker-compose.yml
exit $status
