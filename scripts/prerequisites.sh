#!/usr/bin/env bash
# Sourced by scripts/main.sh and scripts/test.sh. Makes a fresh Debian machine
# ready, and does nothing that is already done, so it is safe to run twice:
#   - Node.js >= 20 and npm (apt-get), npm dependencies (npm ci);
#   - Postgres at DATABASE_URL and Redis at REDIS_URL: reused when they answer,
#     otherwise installed from Debian and started (local addresses only);
#   - the web app, built into web/dist when its sources changed.
set -euo pipefail

say() { printf '\033[1mswitchboard setup:\033[0m %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    say "need root to run: $*"; exit 1
  fi
}

apt_updated=0
apt_install() {
  if [ "$apt_updated" -eq 0 ]; then as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq; apt_updated=1; fi
  say "installing $* from Debian"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# host port from a URL like scheme://user:pw@host:port/path
url_host() { local h="${1#*://}"; h="${h#*@}"; h="${h%%/*}"; h="${h%%\?*}"; printf '%s' "${h%:*}"; }
url_port() { local h="${1#*://}"; h="${h#*@}"; h="${h%%/*}"; h="${h%%\?*}"; case "$h" in *:*) printf '%s' "${h##*:}";; *) printf '%s' "$2";; esac; }
answers() { timeout 2 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null; }
is_local() { case "$1" in 127.*|localhost|::1|'[::1]') return 0;; *) return 1;; esac; }
wait_for() { for _ in $(seq 1 60); do answers "$1" "$2" && return 0; sleep 0.5; done; return 1; }

ensure_node() {
  if command -v node >/dev/null && [ "$(node -p 'process.versions.node.split(".")[0]')" -ge 20 ]; then return; fi
  apt_install nodejs npm || true
  if ! command -v node >/dev/null || [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 20 ]; then
    say "Switchboard needs Node.js 20 or newer; found $(node --version 2>/dev/null || echo none). Install it and run again."
    exit 1
  fi
}

ensure_npm_dependencies() {
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    say "installing npm dependencies"
    # Not `npm ci`: the lock file here lacks other platforms' optional binaries
    # (the registry mirror does not carry them), which `npm ci` refuses. `npm
    # install --no-save` still installs exactly the locked versions.
    npm install --no-save --no-audit --no-fund --loglevel=error
    touch node_modules/.package-lock.json
  fi
}

ensure_postgres() {
  local url="${DATABASE_URL:-postgres://127.0.0.1:5432/switchboard}"
  local host port; host=$(url_host "$url"); port=$(url_port "$url" 5432)
  if answers "$host" "$port"; then return; fi
  if ! is_local "$host"; then say "Postgres at $host:$port does not answer (DATABASE_URL)"; exit 1; fi
  command -v pg_ctlcluster >/dev/null || apt_install postgresql postgresql-contrib
  local version; version=$(ls /etc/postgresql | sort -V | tail -1)
  say "starting Postgres $version on port $port"
  as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  wait_for "$host" "$port" || { say "Postgres did not start on $host:$port"; exit 1; }
  # A URL without a user connects as this OS user: give it a role with a
  # password kept in ~/.pgpass (Debian asks for passwords over TCP).
  local user; user=$(id -un)
  if ! as_root su postgres -c "psql -tAc \"SELECT 1 FROM pg_roles WHERE rolname='$user'\"" | grep -q 1; then
    local password; password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
    as_root su postgres -c "psql -qc \"CREATE ROLE \\\"$user\\\" LOGIN SUPERUSER PASSWORD '$password'\""
    printf '%s:%s:*:%s:%s\n' "$host" "$port" "$user" "$password" >>"$HOME/.pgpass"
    chmod 600 "$HOME/.pgpass"
    say "created Postgres role $user (password in ~/.pgpass)"
  fi
}

ensure_redis() {
  local url="${REDIS_URL:-redis://127.0.0.1:6379}"
  local host port; host=$(url_host "$url"); port=$(url_port "$url" 6379)
  if answers "$host" "$port"; then return; fi
  if ! is_local "$host"; then say "Redis at $host:$port does not answer (REDIS_URL)"; exit 1; fi
  command -v redis-server >/dev/null || apt_install redis-server
  say "starting Redis on port $port"
  as_root mkdir -p /var/lib/redis /var/log/redis
  as_root redis-server --daemonize yes --bind 127.0.0.1 --port "$port" --dir /var/lib/redis \
    --logfile /var/log/redis/switchboard.log
  wait_for "$host" "$port" || { say "Redis did not start on $host:$port"; exit 1; }
}

# The web app (web/dist), built again when any of its sources is newer.
ensure_web_build() {
  if [ -f web/dist/index.html ] && [ -z "$(find web/src web/public web/index.html web/vite.config.ts \
    package-lock.json -newer web/dist/index.html -print -quit)" ]; then return; fi
  say "building the web app"
  npx --no-install vite build web --logLevel warn
}

ensure_node
ensure_npm_dependencies
ensure_postgres
ensure_redis
ensure_web_build
