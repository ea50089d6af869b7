#!/usr/bin/env bash
# The whole test suite. Installs what it needs on a fresh machine, then runs formatting, lints
# and every test. Usage: ./scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v cargo >/dev/null 2>&1; then
  curl --proto '=https' -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal
  # shellcheck disable=SC1091
  . "$HOME/.cargo/env"
fi
if command -v rustup >/dev/null 2>&1; then
  rustup component list --installed 2>/dev/null | grep -q '^rustfmt' || rustup component add rustfmt
  rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy
fi

if [ ! -d ../shared/vectors ] && [ -z "${WAZAP_VECTORS:-}" ]; then
  echo "error: the known-answer vectors are expected in ../shared/vectors (or set WAZAP_VECTORS)" >&2
  exit 1
fi

# A one-shot build gains nothing from incremental compilation, which would double the disk use.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"

# A clean build of everything below needs about 5 GB (debug line tables only, one test binary
# per suite); say what the disk has, so that a full disk is recognised as such.
echo "== free disk space"
df -h . 2>/dev/null || true

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --workspace --all-targets -- -D warnings
# A production REST server: no embedded sandbox, so the core without its `server` halves.
echo "== cargo clippy -p wazap-server --no-default-features"
cargo clippy -p wazap-server --no-default-features -- -D warnings
echo "== cargo test (with a throw-away PostgreSQL for the store conformance suite)"
# The PostgreSQL tests fail rather than skip when this suite runs them without a server.
export WAZAP_REQUIRE_POSTGRES=1
# The C ABI suite runs below, with its C programs.
./scripts/with-postgres.sh cargo test --workspace --exclude wazap-ffi

# The language bindings build their own artifacts and test them against the sandbox.
for suite in ffi python node; do
  echo "== scripts/test-$suite.sh"
  "./scripts/test-$suite.sh"
done

# The independent witnesses: unmodified whatsmeow and Baileys against the sandbox.
echo "== scripts/test-interop.sh"
./scripts/test-interop.sh

# Every fuzz target briefly (the long runs are `scripts/fuzz.sh --runs 1000000`).
echo "== scripts/fuzz.sh --seconds 5"
./scripts/fuzz.sh --seconds 5
