#!/usr/bin/env bash
# The Node.js binding's tests: builds the sandbox and the addon (dev profile), installs the npm
# dependencies from the committed lockfile, runs `node --test` against the sandbox; then packs
# the npm packages into dist/ (scripts/pack.js, the layout scripts/release.sh publishes: the
# same dev-profile addon, release builds are for scripts/release.sh) and tests them installed
# offline in a fresh npm project (test-installed/: CommonJS, ES module, tsc --strict, the echo
# bot against the sandbox).
# Usage: ./scripts/test-node.sh   (needs cargo and Node.js >= 20; installs Node with apt if absent)
#   WAZAP_DIST=DIR: test the tarballs already in DIR (e.g. release ones) instead of packing
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq && apt-get install -y -qq nodejs npm
  else
    echo "error: Node.js >= 20 and npm are required" >&2
    exit 1
  fi
fi
major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt 20 ]; then
  echo "error: Node.js >= 20 is required (found $(node --version))" >&2
  exit 1
fi

cd "$root/bindings/node"
echo "== build the addon and the sandbox"
node scripts/build.js -p wazap-sandbox
target_dir=${CARGO_TARGET_DIR:-$(cargo metadata --format-version 1 --no-deps | node -e \
  'let s="";process.stdin.on("data",c=>s+=c).on("end",()=>console.log(JSON.parse(s).target_directory))')}
export WAZAP_SANDBOX_BIN="$target_dir/debug/wazap-sandbox"

echo "== npm ci"
npm ci --no-audit --no-fund
echo "== node --test"
node --test --test-concurrency=1 test/

dist=${WAZAP_DIST:-$root/dist}
if [ -z "${WAZAP_DIST:-}" ]; then
  echo "== npm pack -> $dist"
  node scripts/pack.js "$dist"
fi
echo "== node --test test-installed/ (the packed packages in a fresh project)"
WAZAP_NODE_DIST="$dist" node --test --test-concurrency=1 test-installed/
