#!/usr/bin/env bash
# The C ABI tests: builds libwazap_ffi (.so and .a), checks that include/wazap.h is what
# cbindgen generates, runs the extern-API tests against the in-process sandbox, compiles
# examples/c with cc against the header and the library, runs it against the sandbox, and runs
# it again under valgrind (memcheck, definite leaks are errors) when valgrind is installed.
# Usage: ./scripts/test-ffi.sh   (WAZAP_NO_VALGRIND=1 skips installing valgrind)
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v cargo >/dev/null 2>&1; then
  curl --proto '=https' -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal
  # shellcheck disable=SC1091
  . "$HOME/.cargo/env"
fi

# A C compiler (and valgrind where the package manager can install it).
need=()
command -v cc >/dev/null 2>&1 || need+=(gcc libc6-dev)
# The installed-library tests: pkg-config, CMake and a C++ compiler, readelf/nm.
command -v pkg-config >/dev/null 2>&1 || need+=(pkg-config)
command -v cmake >/dev/null 2>&1 || need+=(cmake)
command -v c++ >/dev/null 2>&1 || need+=(g++)
command -v readelf >/dev/null 2>&1 || need+=(binutils)
if [ -z "${WAZAP_NO_VALGRIND:-}" ] && ! command -v valgrind >/dev/null 2>&1; then
  need+=(valgrind)
fi
if [ ${#need[@]} -gt 0 ] && command -v apt-get >/dev/null 2>&1; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq && $sudo apt-get install -y -qq "${need[@]}" || \
    echo "warning: could not install ${need[*]}" >&2
fi
command -v cc >/dev/null 2>&1 || { echo "error: a C compiler (cc) is required" >&2; exit 1; }
command -v valgrind >/dev/null 2>&1 || echo "note: valgrind not installed; the memcheck run is skipped" >&2

echo "== cargo build -p wazap-ffi (libwazap_ffi.so, libwazap_ffi.a)"
cargo build -p wazap-ffi
echo "== cargo test -p wazap-ffi"
cargo test -p wazap-ffi
