#!/usr/bin/env bash
# Builds the installable artifacts of every host into dist/:
#   dist/wazap-VERSION-cp39-abi3-manylinux_*.whl    the Python wheel (one for CPython >= 3.9)
#   dist/wazap-VERSION.tar.gz                        the Python sdist (`pip install` builds it)
#   dist/wazap-VERSION.tgz                           the npm package `wazap` (JavaScript, types)
#   dist/wazap-linux-x64-gnu-VERSION.tgz             the npm package `@wazap/linux-x64-gnu` (.node)
#   dist/wazap-c-VERSION-linux-x86_64.tar.gz         the C library, installed under a prefix
#                                                    (lib/, include/, pkgconfig, CMake package)
#
# Usage: ./scripts/release.sh [--dev] [--out DIR] [python] [node] [c]
#   --dev   build in cargo's dev profile instead of release: what the test scripts use, so the
#           Rust core is built once, in the profile the rest of the suite builds (a release
#           build is for publishing only)
#   --out   the directory (default dist/); it is created, artifacts of the same name replaced
#   python / node / c: only these hosts (default: all)
# The tests that install these artifacts on a clean environment: scripts/test-python.sh and
# scripts/test-node.sh (they call this script with --dev), scripts/test-ffi.sh for C.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

profile=release
out=$root/dist
hosts=()
while [ $# -gt 0 ]; do
  case "$1" in
    --dev) profile=dev; shift ;;
    --out) out="$2"; shift 2 ;;
    python|node|c) hosts+=("$1"); shift ;;
    *) echo "usage: $0 [--dev] [--out DIR] [python] [node] [c]" >&2; exit 2 ;;
  esac
done
[ ${#hosts[@]} -gt 0 ] || hosts=(python node c)
mkdir -p "$out"
out=$(cd "$out" && pwd)
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n1)

# A Python with maturin for the wheel and sdist: $WAZAP_PY_VENV (the test venv) or a venv of
# its own under target/.
python_tools() {
  local venv=${WAZAP_PY_VENV:-${CARGO_TARGET_DIR:-$root/target}/release-venv}
  if [ ! -x "$venv/bin/maturin" ]; then
    "${PYTHON:-python3}" -m venv "$venv"
    "$venv/bin/python" -m pip install -q --upgrade pip
    "$venv/bin/python" -m pip install -q "maturin>=1.5,<2"
  fi
  echo "$venv"
}

build_python() {
  local venv
  venv=$(python_tools)
  rm -f "$out"/wazap-"$version"-*.whl "$out/wazap-$version.tar.gz"
  local flags=()
  [ "$profile" = release ] && flags+=(--release --strip)
  echo "== maturin build (${profile} profile) -> $out"
  # --compatibility pypi: a manylinux tag that PyPI accepts, or a refusal naming what breaks it.
  (cd bindings/python && "$venv/bin/maturin" build --quiet "${flags[@]}" --compatibility pypi \
    --out "$out")
  echo "== maturin sdist -> $out"
  (cd bindings/python && "$venv/bin/maturin" sdist --out "$out" 2>&1 | grep -v '^warning: manifest has no\|^  |$\|^  = note: see' || true)
  [ -f "$out/wazap-$version.tar.gz" ] || { echo "error: no sdist was written" >&2; exit 1; }
}

build_node() {
  # In the dev profile, the sandbox in the same cargo run, as scripts/test-node.sh builds it:
  # the same feature resolution, so the addon is the one the tests built, not a second build.
  local flags=(-p wazap-sandbox)
  [ "$profile" = release ] && flags=(--release)
  echo "== the Node addon (${profile} profile), npm pack -> $out"
  (cd bindings/node && node scripts/build.js "${flags[@]}" && node scripts/pack.js "$out")
}

build_c() {
  local stage
  stage=$(mktemp -d)
  trap 'rm -rf "$stage"' RETURN
  echo "== the C library (${profile} profile) -> $out"
  ./scripts/install-c.sh --prefix /usr/local --destdir "$stage" --profile "$profile"
  tar -czf "$out/wazap-c-$version-linux-x86_64.tar.gz" -C "$stage/usr/local" .
}

for host in "${hosts[@]}"; do
  "build_$host"
done
echo "== $out"
ls -l "$out"
