#!/usr/bin/env bash
# make test: same set-up as make run, then the whole suite against real
# PostgreSQL and Redis. Extra arguments go to pytest.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/services.sh"
cd "$ROOT"

trap services_stop EXIT
# The suite runs with production settings (manifest static files, no debug),
# over plain HTTP on the test client.
export DJANGO_DEBUG=false DJANGO_HTTPS=false
export DJANGO_ALLOWED_HOSTS="${DJANGO_ALLOWED_HOSTS:-testserver,127.0.0.1,localhost}"
export DJANGO_STATIC_ROOT="$LOCAL/staticfiles-test" DJANGO_STATIC_COMPRESS=false
dev_defaults
services_start
"$VENV/bin/python" manage.py collectstatic --no-input -v 0
"$VENV/bin/python" manage.py compilemessages --ignore=.venv --ignore=.local -v 0
# As make run does: the migrations of the local database, as the owner role,
# with "default" as the runtime role (the test database is migrated by the
# owner through "default", which would hide a migration that reads the wrong
# alias).
say "Applying migrations to the local database (as the owner role)"
"$VENV/bin/python" manage.py migrate --database owner --no-input -v 0
"$VENV/bin/pytest" "$@"
