#!/usr/bin/env bash
# Generates the API documentation of the language packages into dist/docs/:
#   dist/docs/python/  pdoc, from the docstrings of the installed `wazap` package (the wheel
#                      scripts/test-python.sh installs into .venv-test)
#   dist/docs/node/    TypeDoc, from bindings/node/index.d.ts (warnings are errors, an
#                      undocumented export among them)
# (The C header's Doxygen comments are rendered by scripts/install-c.sh's users' Doxygen; the
# Rust crate's by `cargo doc -p wazap`.)
# Usage: ./scripts/docs.sh   (run ./scripts/test-python.sh first; needs npm ci in bindings/node)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
venv=${WAZAP_PY_VENV:-$root/.venv-test}
out=$root/dist/docs
mkdir -p "$out"

[ -x "$venv/bin/python" ] || { echo "error: no $venv: run ./scripts/test-python.sh first" >&2; exit 1; }
"$venv/bin/python" -m pip install -q "pdoc>=14"
echo "== pdoc wazap -> $out/python"
rm -rf "$out/python"
# From a neutral directory, so the installed package is documented, not the source tree.
(cd "$out" && "$venv/bin/python" -m pdoc --docformat markdown -o "$out/python" wazap)

echo "== typedoc -> $out/node"
rm -rf "$out/node"
(cd bindings/node && [ -d node_modules/typedoc ] || npm ci --no-audit --no-fund)
(cd bindings/node && npx --no-install typedoc)
echo "== $out/python/wazap.html, $out/node/index.html"
