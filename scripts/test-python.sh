#!/usr/bin/env bash
# The Python bindings' tests, on the built artifact: builds the sandbox binary, creates a venv
# (.venv-test, or $WAZAP_PY_VENV) with maturin, pytest, mypy and auditwheel, builds the wheel
# and sdist into dist/ (`scripts/release.sh --dev python`: the dev profile the rest of the suite
# builds, so the core is compiled once; release wheels are for scripts/release.sh), checks the
# wheel's manylinux tag (auditwheel), installs it into that venv and into a fresh venv with
# nothing else in it, type-checks the examples (mypy --strict, against the installed stubs) and
# runs pytest against the sandbox; the examples and the `python -m wazap` command line run from
# the fresh venv ($WAZAP_INSTALLED_PYTHON).
# Usage: ./scripts/test-python.sh [pytest args...]
#   WAZAP_DIST=DIR: test the artifacts already in DIR (e.g. release ones) instead of building
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

PYTHON=${PYTHON:-python3}
if ! command -v "$PYTHON" >/dev/null 2>&1; then
  echo "error: $PYTHON not found (Python >= 3.9 is needed)" >&2
  exit 1
fi
if ! "$PYTHON" -c 'import venv, ensurepip' >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null
  fi
fi

echo "== cargo build -p wazap-sandbox"
cargo build -p wazap-sandbox
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
export WAZAP_SANDBOX="$TARGET_DIR/debug/wazap-sandbox"

VENV=${WAZAP_PY_VENV:-$ROOT/.venv-test}
if [ ! -x "$VENV/bin/python" ]; then
  echo "== creating $VENV"
  "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install -q --upgrade pip
"$VENV/bin/python" -m pip install -q "maturin>=1.5,<2" "pytest>=7" "mypy>=1.10" "auditwheel>=6"

DIST=${WAZAP_DIST:-}
if [ -z "$DIST" ]; then
  DIST=$ROOT/dist
  # A library left in the package sources by an old `maturin develop` must not be packed.
  rm -f bindings/python/python/wazap/*.so
  WAZAP_PY_VENV="$VENV" ./scripts/release.sh --dev --out "$DIST" python
fi
VERSION=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n1)
WHEEL=$(ls "$DIST"/wazap-"$VERSION"-cp39-abi3-*.whl)
[ -f "$DIST/wazap-$VERSION.tar.gz" ] || { echo "error: no sdist in $DIST" >&2; exit 1; }

echo "== auditwheel show $(basename "$WHEEL")"
# (auditwheel wraps its sentences: read them as one line)
audit=$("$VENV/bin/auditwheel" show "$WHEEL" | tr -s '\n ' '  ')
echo "$audit" | cut -c1-200
echo "$audit" | grep -q 'consistent with the following platform tag: "manylinux_' ||
  { echo "error: the wheel is not manylinux-compatible" >&2; exit 1; }

echo "== install the wheel into $VENV and into a fresh venv"
"$VENV/bin/python" -m pip install -q --force-reinstall --no-deps "$WHEEL"
FRESH=$(mktemp -d)
trap 'rm -rf "$FRESH"' EXIT
# A venv with nothing in it; the dev venv's pip installs the wheel there, offline.
"$PYTHON" -m venv --without-pip "$FRESH/venv"
"$VENV/bin/python" -m pip --python "$FRESH/venv/bin/python" install -q --no-index "$WHEEL"
export WAZAP_INSTALLED_PYTHON="$FRESH/venv/bin/python"

echo "== mypy --strict examples/python"
(cd "$FRESH" && "$VENV/bin/python" -m mypy --strict --cache-dir "$FRESH/mypy-cache" \
  "$ROOT/examples/python")

echo "== pytest bindings/python/tests"
set +e
(cd bindings/python && "$VENV/bin/python" -m pytest -q -p no:cacheprovider tests "$@")
status=$?
set -e
if [ "$status" -eq 5 ]; then
  echo "error: pytest collected no tests" >&2
  exit 1
fi
exit "$status"
