#!/usr/bin/env bash
# Runs a command with a throw-away PostgreSQL server: finds Debian's PostgreSQL (installs the
# `postgresql` package when missing), creates a cluster in a temporary directory, starts it on a
# free loopback port, runs CMD with WAZAP_TEST_POSTGRES set to its URL, then stops the server and
# deletes the directory whatever happens.
#
#   scripts/with-postgres.sh CMD [ARGS...]
#
# initdb and postgres refuse to run as root: as root the server runs as the `postgres` user
# (which the Debian package creates) through runuser.
set -euo pipefail

if [ "$#" -eq 0 ]; then
  echo "usage: $0 CMD [ARGS...]" >&2
  exit 2
fi

find_bindir() {
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
      echo "$dir"
      return 0
    fi
  done
  if command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
    dirname "$(command -v pg_ctl)"
    return 0
  fi
  return 1
}

if ! bindir="$(find_bindir)"; then
  echo "== installing PostgreSQL (Debian package postgresql)" >&2
  if [ "$(id -u)" -ne 0 ]; then
    echo "error: PostgreSQL is not installed and installing it needs root" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # The package's own cluster is not wanted: only its programs.
  apt-get install -y -qq --no-install-recommends postgresql >/dev/null
  bindir="$(find_bindir)" || { echo "error: no initdb after installing postgresql" >&2; exit 1; }
fi

# As root, the cluster belongs to the postgres user.
as_owner=()
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  as_owner=(runuser -u postgres --)
fi

dir="$(mktemp -d "${TMPDIR:-/tmp}/wazap-pg.XXXXXX")"
chmod 755 "$dir"
[ "${#as_owner[@]}" -eq 0 ] || chown postgres "$dir"
started=0
cleanup() {
  if [ "$started" -eq 1 ]; then
    "${as_owner[@]}" "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}
trap cleanup EXIT INT TERM

"${as_owner[@]}" "$bindir/initdb" -D "$dir/data" -U wazap --auth=trust --no-sync -E UTF8 --locale=C.UTF-8 \
  >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }

# A free loopback port: bind port 0, read the port, release it (the server binds it next).
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
# Loopback TCP only, the socket directory inside the data dir, fsync off (throw-away data).
"${as_owner[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
  -o "-h 127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
  start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
started=1

"${as_owner[@]}" "$bindir/createdb" -h 127.0.0.1 -p "$port" -U wazap wazap
export WAZAP_TEST_POSTGRES="postgres://wazap@127.0.0.1:$port/wazap"
echo "== PostgreSQL $("$bindir/postgres" --version | awk "{print \$3}") at $WAZAP_TEST_POSTGRES" >&2

status=0
"$@" || status=$?
exit "$status"
