# Sourced by run.sh and test.sh after lib.sh.
# Uses DATABASE_URL / REDIS_URL when set; otherwise starts project-local
# PostgreSQL and Redis under .local/ on their own ports and exports the URLs.
# STARTED_SERVICES lists what this shell started, for services_stop.

PG_PORT="${THRASOS_PG_PORT:-55432}"
REDIS_PORT="${THRASOS_REDIS_PORT:-56379}"
STARTED_SERVICES=()

# secret NAME [PYTHON_EXPRESSION]: a random value kept in .local/secrets/NAME,
# made by the expression (default: 48 random bytes, url-safe; the modules
# base64, os and secrets are imported).
secret() {
  local f="$LOCAL/secrets/$1" make="${2:-secrets.token_urlsafe(48)}"
  mkdir -p "$LOCAL/secrets"; chmod 700 "$LOCAL/secrets"
  [ -s "$f" ] || (umask 077; "$VENV/bin/python" -c "import base64, os, secrets; print($make)" > "$f")
  cat "$f"
}

port_free() {  # port_free PORT: nothing listens on 127.0.0.1:PORT
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

pg_bindir() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$d" ] && [ -x "$d/pg_ctl" ] || die "PostgreSQL server binaries not found (apt-get install postgresql), or set DATABASE_URL"
  echo "$d"
}

# Run a PostgreSQL binary as the user that owns the cluster: PostgreSQL refuses
# to run as root, so root uses Debian's 'postgres' system user.
as_pg() {
  if is_root; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_home() {
  # The data must live under .local/ and be reachable by the 'postgres' user.
  # When an ancestor of the checkout is closed to it (e.g. /root), keep the data
  # in /var/lib/thrasos-dev/<hash> and link it from .local/postgres.
  local dir="$LOCAL/postgres"
  if is_root; then
    mkdir -p "$dir"
    if ! runuser -u postgres -- test -x "$LOCAL" 2>/dev/null || [ -L "$dir" ]; then
      local alt="/var/lib/thrasos-dev/$(echo "$ROOT" | md5sum | cut -c1-12)"
      mkdir -p "$alt"; chown postgres: "$alt"
      [ -L "$dir" ] || { rmdir "$dir" 2>/dev/null || rm -rf "$dir"; ln -s "$alt" "$dir"; }
    else
      chown postgres: "$dir"
    fi
  else
    mkdir -p "$dir"
  fi
  # The real path: the postgres user may not be able to follow the link.
  readlink -f "$dir"
}

pg_start_local() {
  local bin home data run log
  bin="$(pg_bindir)"; home="$(pg_home)"
  data="$home/data"; run="$home/run"; log="$home/postgres.log"
  local owner_pw app_pw
  owner_pw="$(secret pg_owner_password)"; app_pw="$(secret pg_app_password)"

  if [ ! -s "$data/PG_VERSION" ]; then
    say "Creating the project-local PostgreSQL cluster in .local/postgres"
    as_pg mkdir -p "$data" "$run"
    as_pg "$bin/initdb" -D "$data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
      -E UTF8 --locale=C.UTF-8 >/dev/null
    as_pg chmod 700 "$run"
  fi
  if as_pg "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    say "Project-local PostgreSQL already running on 127.0.0.1:$PG_PORT"
  else
    port_free "$PG_PORT" || die "port $PG_PORT is already taken by another program: set THRASOS_PG_PORT to a free port"
    say "Starting project-local PostgreSQL on 127.0.0.1:$PG_PORT"
    # Socket in a 0700 directory: only the cluster's OS user gets the trusted
    # local superuser; TCP needs a password.
    as_pg "$bin/pg_ctl" -D "$data" -l "$log" -w -t 60 \
      -o "-p $PG_PORT -k $run -c listen_addresses=127.0.0.1 -c unix_socket_permissions=0700" start >/dev/null \
      || { tail -n 20 "$log" >&2; die "PostgreSQL did not start (log: $log)"; }
    STARTED_SERVICES+=("pg")
  fi
  PG_DATA="$data"; PG_BIN="$bin"
  # Two roles (see README, "Database roles"): the owner runs migrations and owns
  # every table; the application connects as thrasos_app, which is not a
  # superuser, cannot bypass row-level security and owns nothing.
  as_pg "$bin/psql" -h "$run" -p "$PG_PORT" -U postgres -d postgres -q -v ON_ERROR_STOP=1 \
    -v owner_pw="$owner_pw" -v app_pw="$app_pw" >/dev/null <<'SQL'
SELECT format('CREATE ROLE thrasos_owner LOGIN CREATEDB PASSWORD %L', :'owner_pw')
  WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'thrasos_owner') \gexec
SELECT format('CREATE ROLE thrasos_app LOGIN PASSWORD %L', :'app_pw')
  WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'thrasos_app') \gexec
ALTER ROLE thrasos_owner LOGIN CREATEDB NOSUPERUSER NOBYPASSRLS PASSWORD :'owner_pw';
ALTER ROLE thrasos_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD :'app_pw';
SELECT 'CREATE DATABASE thrasos OWNER thrasos_owner'
  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'thrasos') \gexec
SQL
  export DATABASE_URL="postgres://thrasos_app:${app_pw}@127.0.0.1:${PG_PORT}/thrasos"
  export DATABASE_OWNER_URL="postgres://thrasos_owner:${owner_pw}@127.0.0.1:${PG_PORT}/thrasos"
}

redis_start_local() {
  local dir="$LOCAL/redis"
  mkdir -p "$dir"
  if [ -f "$dir/redis.pid" ] && kill -0 "$(cat "$dir/redis.pid")" 2>/dev/null; then
    say "Project-local Redis already running on 127.0.0.1:$REDIS_PORT"
  else
    command -v redis-server >/dev/null || die "redis-server not found (apt-get install redis-server), or set REDIS_URL"
    port_free "$REDIS_PORT" || die "port $REDIS_PORT is already taken by another program: set THRASOS_REDIS_PORT to a free port"
    say "Starting project-local Redis on 127.0.0.1:$REDIS_PORT"
    redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$dir" \
      --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" --save "" --appendonly no \
      --protected-mode yes >/dev/null
    for _ in $(seq 50); do
      redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1
    done
    redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 || die "Redis did not start (log: $dir/redis.log)"
    STARTED_SERVICES+=("redis")
  fi
  export REDIS_URL="redis://127.0.0.1:${REDIS_PORT}/0"
}

services_start() {
  if [ -n "${DATABASE_URL:-}" ]; then
    say "Using DATABASE_URL from the environment"
  else
    pg_start_local
  fi
  if [ -n "${REDIS_URL:-}" ]; then
    say "Using REDIS_URL from the environment"
  else
    redis_start_local
  fi
}

services_stop() {
  local s
  for s in "${STARTED_SERVICES[@]}"; do
    case "$s" in
      pg) say "Stopping project-local PostgreSQL"
          as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null 2>&1 || true ;;
      redis) say "Stopping project-local Redis"
          redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true ;;
    esac
  done
  STARTED_SERVICES=()
}

dev_defaults() {
  # Development values for what production must set explicitly (.env.example).
  export DJANGO_SECRET_KEY="${DJANGO_SECRET_KEY:-$(secret django_secret_key)}"
  # A Fernet key (32 random bytes, url-safe base64) for the two-factor secrets.
  export THRASOS_MFA_KEYS="${THRASOS_MFA_KEYS:-$(secret mfa_key 'base64.urlsafe_b64encode(os.urandom(32)).decode()')}"
  export DJANGO_DEBUG="${DJANGO_DEBUG:-true}"
  export DJANGO_ALLOWED_HOSTS="${DJANGO_ALLOWED_HOSTS:-127.0.0.1,localhost}"
  export EMAIL_URL="${EMAIL_URL:-consolemail://}"
  export CELERY_BEAT_SCHEDULE_FILE="${CELERY_BEAT_SCHEDULE_FILE:-$LOCAL/celerybeat-schedule}"
}
