#!/usr/bin/env bash
# One command for the performance table: wazap's criterion benches, then the same work in
# Baileys 6 + libsignal-node (npm) and whatsmeow + libsignal-go (Go module proxy), in one run,
# printed side by side with ratios. See README.md beside this file for what each row measures.
#
#   benches/compare/run.sh [--seconds S] [--e2e [N]]
#
# --seconds S  measurement time per benchmark and peer row (default 3)
# --e2e [N]    also the client rows: idle_clients with N clients (default 1000) and
#              message_throughput (5,000 burst, then paced at 5,000/s); these build the
#              sandbox and the e2e examples (release profile), minutes on a fresh clone
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
seconds=3
e2e=""
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    --e2e)
      e2e=1000
      if [ $# -gt 1 ] && [[ $2 =~ ^[0-9]+$ ]]; then e2e=$2; shift; fi
      shift ;;
    *) echo "usage: $0 [--seconds S] [--e2e [N]]" >&2; exit 2 ;;
  esac
done
target="${CARGO_TARGET_DIR:-$root/target}"
out="$target/compare"
mkdir -p "$out"
rm -f "$out"/*.jsonl "$out"/*.txt

echo "== installing the peers (npm, Go module proxy)" >&2
(cd "$here/node" && npm ci --no-audit --no-fund --loglevel=error >&2)
(cd "$here/go" && go build -o "$out/compare-go" . >&2)

{
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//') ($(nproc) cores)"
  flags=$(grep -m1 '^flags' /proc/cpuinfo)
  have=""
  for f in aes sha_ni vaes avx2 avx512f avx512ifma; do
    [[ " $flags " == *" $f "* ]] && have="$have $f"
  done
  echo "cpu features:$have"
  echo "rustc: $(rustc --version | cut -d' ' -f2), node: $(node --version), go: $(go env GOVERSION)"
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$out/machine.txt"

echo "== wazap (criterion)" >&2
rm -rf "$target/criterion/codec" "$target/criterion/media_16MiB" "$target/criterion/signal"
(cd "$root" && cargo bench -p wazap --bench codec --bench media --bench signal -- \
  --warm-up-time 1 --measurement-time "$seconds" \
  'codec/round_trip|media_16MiB|signal/(session_encrypt|ping_pong|x3dh)' >&2)

echo "== Baileys 6 + libsignal-node" >&2
(cd "$here/node" && COMPARE_SECONDS=$seconds node bench.js | grep '^{"row"' > "$out/baileys.jsonl")
echo "== whatsmeow + libsignal-go" >&2
COMPARE_SECONDS=$seconds "$out/compare-go" | grep '^{' > "$out/whatsmeow.jsonl"

if [ -n "$e2e" ]; then
  echo "== wazap client rows (release profile)" >&2
  (cd "$root" && cargo build -q --release -p wazap-sandbox -p wazap-e2e --examples --bins)
  # 50,000 sockets need more descriptors than the default soft limit.
  ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
  "$target/release/examples/idle_clients" "$e2e" --batch 812 --no-restart | tee "$out/idle.txt" >&2
  "$target/release/examples/message_throughput" 5000 | tee "$out/throughput.txt" >&2
  "$target/release/examples/message_throughput" 5000 --rate 5000 | tee -a "$out/throughput.txt" >&2
fi
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/machine.txt"

node "$here/table.js" "$target/criterion" "$out"
