#!/usr/bin/env bash
# The Python bindings' tests: builds the sandbox binary, creates a venv (.venv-test, or
# $WAZAP_PY_VENV), installs maturin and pytest, builds the extension in the dev profile into
# the venv (`maturin develop`) and runs pytest against the sandbox.
# Usage: ./scripts/test-python.sh [pytest args...]
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
"$VENV/bin/python" -m pip install -q "maturin>=1.5,<2" "pytest>=7"

echo "== maturin develop (dev profile)"
# maturin needs the venv active to install into it.
(
  export VIRTUAL_ENV="$VENV" PATH="$VENV/bin:$PATH"
  cd bindings/python
  maturin develop --quiet
)

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
