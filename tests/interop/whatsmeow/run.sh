#!/usr/bin/env bash
# Unmodified whatsmeow (go.mau.fi/whatsmeow, pinned in go.mod) against wazap-sandbox: builds the
# sandbox and the wazap peer, starts the sandbox on loopback, runs every flow of this folder's
# `go test` suite against it, and stops what it started. Exits non-zero when a flow fails.
# Installs what it lacks on a fresh machine: gcc (cgo, for SQLite) from Debian, Go modules from
# the Go module proxy; a Go older than go.mod asks for gets that Go as the golang.org/toolchain
# module, from the proxy too.
# Usage: tests/interop/whatsmeow/run.sh [go test args, e.g. -run TestGroup]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
target=${CARGO_TARGET_DIR:-$root/target}
go_version=$(sed -n 's/^go \([0-9.]*\)$/\1/p' "$here/go.mod")

step() { echo "== whatsmeow interop: $*"; }

apt_install() {
  command -v apt-get >/dev/null 2>&1 || { echo "error: $1 is missing and apt-get is not there" >&2; exit 1; }
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# Go: the one on PATH if it is new enough; else that Go as the golang.org/toolchain module (a
# Go distribution; its zip keeps no executable bits, so it is copied and marked).
go_ok() {
  command -v go >/dev/null 2>&1 || return 1
  local have
  have=$(go env GOVERSION | sed 's/^go//')
  [ "$(printf '%s\n%s\n' "$go_version" "$have" | sort -V | head -1)" = "$go_version" ]
}
if ! go_ok; then
  command -v go >/dev/null 2>&1 || apt_install golang-go
  toolchain="golang.org/toolchain@v0.0.1-go$go_version.$(go env GOOS)-$(go env GOARCH)"
  local_go=${XDG_CACHE_HOME:-$HOME/.cache}/wazap-interop/go$go_version
  if [ ! -x "$local_go/bin/go" ]; then
    step "fetching $toolchain from the Go module proxy"
    dir=$(cd "$(mktemp -d)" && GOFLAGS=-mod=mod GOTOOLCHAIN=local go mod download -json "$toolchain" |
      sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
    mkdir -p "$local_go" && cp -r "$dir/." "$local_go/" && chmod -R u+w "$local_go"
    chmod +x "$local_go"/bin/* "$local_go"/pkg/tool/*/*
  fi
  export PATH="$local_go/bin:$PATH" GOROOT="$local_go"
  go_ok || { echo "error: no Go >= $go_version" >&2; exit 1; }
fi
command -v gcc >/dev/null 2>&1 || apt_install gcc libc6-dev
export CGO_ENABLED=1 GOFLAGS=-mod=mod GOTOOLCHAIN=local

step "cargo build -p wazap-sandbox -p wazap-e2e --bin wazap-sandbox --example interop_peer"
(cd "$root" && cargo build -q -p wazap-sandbox -p wazap-e2e --bin wazap-sandbox --example interop_peer)

work=$(mktemp -d)
sandbox_pid=
cleanup() {
  if [ -n "$sandbox_pid" ]; then
    kill "$sandbox_pid" 2>/dev/null || true
    wait "$sandbox_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

step "starting the sandbox"
exec 3< <(exec "$target/debug/wazap-sandbox" --listen 127.0.0.1:0 2>"$work/sandbox.log")
sandbox_pid=$!
ready=
read -r -t 60 ready <&3 || true
field() { [[ $ready =~ \"$1\":\"([^\"]+)\" ]] && echo "${BASH_REMATCH[1]}"; }
export WAZAP_WS_URL=$(field ws_url) WAZAP_CONTROL_URL=$(field control_url)
export WAZAP_ROOT_KEY=$(field root_public_key) WAZAP_PEER="$target/debug/examples/interop_peer"
if [ -z "$WAZAP_WS_URL" ] || [ -z "$WAZAP_CONTROL_URL" ] || [ -z "$WAZAP_ROOT_KEY" ]; then
  echo "error: no ready line from the sandbox: '$ready'" >&2
  cat "$work/sandbox.log" >&2
  exit 1
fi
echo "sandbox at $WAZAP_WS_URL"

step "go test (whatsmeow $(sed -n 's/^\s*go.mau.fi\/whatsmeow \(\S*\).*/\1/p' "$here/go.mod"))"
status=0
(cd "$here" && go test -count=1 -timeout 300s -v "$@" .) || status=$?
if [ "$status" -ne 0 ]; then
  echo "== the sandbox's log (last 100 lines)" >&2
  tail -n 100 "$work/sandbox.log" >&2
fi
exit "$status"
