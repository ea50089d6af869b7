#!/usr/bin/env bash
# Runs unmodified Baileys (6.x, and 7.0.0-rc as `baileys7`) against a fresh wazap sandbox on
# loopback: every flow in test/*.test.mjs, each step bounded. Installs what it needs when
# missing (Node.js from Debian, the npm packages from package-lock.json), builds the sandbox
# and the wazap peer, stops everything it started, and exits non-zero on any failure.
#   tests/interop/baileys/run.sh [baileys|baileys7 ...]   (default: both)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../../.." && pwd)
variants=("$@")
[ ${#variants[@]} -gt 0 ] || variants=(baileys baileys7)

node_ok() { command -v node >/dev/null && node -e 'process.exit(Number(process.versions.node.split(".")[0]) < 20 ? 1 : 0)'; }
if ! node_ok; then
  echo "== installing Node.js (Debian packages)"
  apt-get update -qq && apt-get install -y -qq nodejs npm >/dev/null
  node_ok || { echo "Baileys needs Node.js >= 20; found $(node --version 2>/dev/null || echo none)" >&2; exit 1; }
fi
cd "$here"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "== npm ci (tests/interop/baileys)"
  npm ci --no-audit --no-fund --loglevel=error
fi

cd "$root"
echo "== cargo build -p wazap-sandbox -p wazap-e2e --example interop_peer"
cargo build -q -p wazap-sandbox -p wazap-e2e --example interop_peer
target=$(cargo metadata --format-version 1 --no-deps | node -e \
  'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).target_directory))')

work=$(mktemp -d "${TMPDIR:-/tmp}/wazap-baileys-run.XXXXXX")
sandbox_pid=
cleanup() {
  if [ -n "$sandbox_pid" ]; then kill "$sandbox_pid" 2>/dev/null || true; wait "$sandbox_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$target/debug/wazap-sandbox" --listen 127.0.0.1:0 >"$work/ready" 2>"$work/sandbox.log" &
sandbox_pid=$!
for _ in $(seq 1 300); do
  [ -s "$work/ready" ] && break
  kill -0 "$sandbox_pid" 2>/dev/null || { cat "$work/sandbox.log" >&2; echo "the sandbox did not start" >&2; exit 1; }
  sleep 0.1
done
ready=$(head -n 1 "$work/ready")
[ -n "$ready" ] || { echo "no ready line from the sandbox" >&2; exit 1; }
echo "== sandbox: $ready"

status=0
for variant in "${variants[@]}"; do
  echo "== Baileys flows: $variant ($(node -p "require('$here/node_modules/$variant/package.json').version"))"
  if ! (cd "$here" && SANDBOX_READY="$ready" BAILEYS_PACKAGE="$variant" \
        INTEROP_PEER="$target/debug/examples/interop_peer" \
        timeout 600 node --test --test-timeout=240000 --test-concurrency=1 --test-force-exit test/*.test.mjs); then
    status=1
  fi
done
if [ $status -ne 0 ]; then
  echo "== sandbox log (last 80 lines)"; tail -n 80 "$work/sandbox.log"
fi
exit $status
