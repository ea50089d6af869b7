#!/usr/bin/env bash
# The independent witnesses: unmodified whatsmeow (Go) and Baileys (Node) against wazap-sandbox,
# every flow of tests/interop/. Each suite installs what it lacks (Go modules from the Go module
# proxy, npm packages from the lockfile), builds the sandbox and the wazap peer, runs on
# loopback and stops what it started. Usage: ./scripts/test-interop.sh [whatsmeow|baileys]...
set -euo pipefail
cd "$(dirname "$0")/.."
suites=("$@")
[ ${#suites[@]} -gt 0 ] || suites=(whatsmeow baileys)
for suite in "${suites[@]}"; do
  echo "== tests/interop/$suite"
  "tests/interop/$suite/run.sh"
done
