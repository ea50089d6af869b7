#!/usr/bin/env bash
# Coverage-guided fuzzing of what reads bytes from the network (libFuzzer through libfuzzer-sys;
# the targets are in core/fuzz/fuzz_targets/). Built on stable Rust with SanitizerCoverage
# instrumentation, debug assertions and overflow checks, without AddressSanitizer: the code is
# safe Rust, so what a fuzzer finds here are panics, arithmetic overflows, runaway memory and
# hangs, which libFuzzer reports by itself. Each target runs for a bounded time or number of
# executions; the script prints the executions per target and fails on the first crash (its
# input is kept under core/fuzz/artifacts/<target>/).
#
# Usage: scripts/fuzz.sh [--seconds N | --runs N] [TARGET...]   (default: --seconds 10, all)
set -euo pipefail
cd "$(dirname "$0")/../core/fuzz"

limit=(-max_total_time=10)
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) limit=(-max_total_time="$2"); shift 2 ;;
    --runs) limit=(-runs="$2"); shift 2 ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) targets+=("$1"); shift ;;
  esac
done
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(sed -n 's/^name = "\(.*\)"$/\1/p' Cargo.toml | grep -v '^wazap-fuzz$')
fi

# What cargo-fuzz passes for libFuzzer's coverage, minus the sanitizer (which needs nightly).
export RUSTFLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing -Cdebug-assertions -Coverflow-checks"
export CARGO_TARGET_DIR="${FUZZ_TARGET_DIR:-$PWD/target}"
triple="$(rustc -vV | sed -n 's/^host: //p')"
echo "== building ${#targets[@]} fuzz targets"
bins=()
for t in "${targets[@]}"; do bins+=(--bin "$t"); done
cargo build --release --target "$triple" "${bins[@]}"

status=0
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t" "artifacts/$t"
  log="$(mktemp)"
  # -rss_limit_mb: a target that needs more than this for some input has a memory bug.
  if "$CARGO_TARGET_DIR/$triple/release/$t" "corpus/$t" "${limit[@]}" -rss_limit_mb=1024 \
      -timeout=10 -max_len=65536 -print_final_stats=1 -artifact_prefix="artifacts/$t/" \
      >"$log" 2>&1; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    echo "$t: ${runs:-?} executions, no crash"
  else
    echo "$t: CRASH (input under core/fuzz/artifacts/$t/)"
    grep -E "panicked|ERROR|SUMMARY|==[0-9]+==" "$log" | head -n 20 || tail -n 30 "$log"
    status=1
  fi
  rm -f "$log"
done
exit $status
