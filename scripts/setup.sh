#!/usr/bin/env bash
# Installs what Thrasos needs on a Debian/Ubuntu machine and builds .venv from uv.lock.
#   scripts/setup.sh          runtime needs (make run)
#   scripts/setup.sh --test   + what the test suite needs (Chromium for browser tests)
source "$(dirname "$0")/lib.sh"

WANT_TEST=0
[ "${1:-}" = "--test" ] && WANT_TEST=1

# --- Debian packages ---------------------------------------------------------
# WeasyPrint needs Pango/HarfBuzz and fonts; gettext compiles translations;
# PostgreSQL and Redis only when we must start project-local instances.
pkgs=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core gettext make)
[ -z "${DATABASE_URL:-}" ] && pkgs+=(postgresql postgresql-contrib)
[ -z "${REDIS_URL:-}" ] && pkgs+=(redis-server)
# Tests: Chromium for the browser tests, npm for axe-core (the accessibility
# checks injected into its pages, tests/e2e/package.json).
# (a Node.js already on the machine, e.g. one that bundles npm, is used as is).
[ "$WANT_TEST" = 1 ] && pkgs+=(chromium)
[ "$WANT_TEST" = 1 ] && ! command -v npm >/dev/null && pkgs+=(nodejs npm)

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null; then
    die "missing system packages: ${missing[*]} (this script knows apt-get only; install them by hand)"
  elif is_root; then
    say "Installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    # Debian's postgresql package starts a cluster on 5432; we never use it
    # unless DATABASE_URL says so, and we leave it as the machine had it.
  else
    die "missing system packages: ${missing[*]}
  Install them with:  sudo apt-get install ${missing[*]}"
  fi
fi

# --- Python 3.12 --------------------------------------------------------------
find_python() {
  local want="3.12" c
  if [ -n "${PYTHON:-}" ]; then echo "$PYTHON"; return; fi
  if command -v pyenv >/dev/null; then
    for c in "$(pyenv root)"/versions/${want}*/bin/python${want}; do
      [ -x "$c" ] && { echo "$c"; return; }
    done
  fi
  for c in python${want} /usr/bin/python${want} /usr/local/bin/python${want}; do
    if command -v "$c" >/dev/null && "$c" -c 'import sys; assert sys.version_info[:2]==(3,12)' 2>/dev/null; then
      command -v "$c"; return
    fi
  done
  return 1
}
PY="$(find_python)" || die "Python 3.12 is required (.python-version). Install it (pyenv install 3.12, or apt-get install python3.12 on Ubuntu 24.04) or set PYTHON=/path/to/python3.12."

# --- uv, then .venv from the lock file ---------------------------------------
UV="$LOCAL/tools/bin/uv"
UV_VERSION="0.13.9"
if ! [ -x "$UV" ] || [ "$("$UV" --version | awk '{print $2}')" != "$UV_VERSION" ]; then
  say "Installing uv $UV_VERSION into .local/tools"
  "$PY" -m venv "$LOCAL/tools" || die "could not create a virtual environment with $PY (on Debian: apt-get install python3-venv)"
  "$LOCAL/tools/bin/pip" install -q --disable-pip-version-check "uv==$UV_VERSION"
fi
say "Syncing .venv with uv.lock"
"$UV" sync --locked --quiet --python "$PY"

# --- axe-core for the browser tests (pinned in tests/e2e/package-lock.json) ---
if [ "$WANT_TEST" = 1 ]; then
  E2E="$ROOT/tests/e2e"
  stamp="$E2E/node_modules/.package-lock.json"
  if ! [ -f "$E2E/node_modules/axe-core/axe.min.js" ] || [ "$E2E/package-lock.json" -nt "$stamp" ]; then
    say "Installing axe-core into tests/e2e/node_modules"
    (cd "$E2E" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) \
      || die "npm could not install axe-core (tests/e2e/package.json)"
  fi
fi
