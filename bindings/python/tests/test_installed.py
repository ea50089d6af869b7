"""The package as the wheel installs it (in the fresh venv of scripts/test-python.sh): from
site-packages, not the source tree, with its metadata, `py.typed`, the stubs and the `wazap`
command."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from conftest import INSTALLED_PYTHON, WAIT

PROBE = """
import importlib.metadata as m, json, pathlib, wazap
package = pathlib.Path(wazap.__file__).parent
meta = m.metadata("wazap")
print(json.dumps({
    "file": wazap.__file__,
    "version": m.version("wazap"),
    "wazap_version": wazap.__version__,
    "files": sorted(p.name for p in package.iterdir()),
    "license": meta.get("License"),
    "classifiers": meta.get_all("Classifier"),
    "summary": meta.get("Summary"),
    "readme": meta.get("Description-Content-Type"),
    "scripts": [e.name for e in m.entry_points(group="console_scripts") if e.value.startswith("wazap")],
}))
"""


def test_the_installed_package_carries_its_types_metadata_and_command(tmp_path: Path) -> None:
    done = subprocess.run(
        [INSTALLED_PYTHON, "-c", PROBE], cwd=tmp_path, capture_output=True, text=True,
        timeout=WAIT, check=True,
    )
    info = json.loads(done.stdout)
    assert "site-packages" in info["file"], info["file"]
    assert info["version"] == info["wazap_version"]
    for name in ("py.typed", "__init__.pyi", "_native.pyi", "__main__.py"):
        assert name in info["files"], info["files"]
    assert any(f.startswith("_native") and f.endswith(".so") for f in info["files"])
    assert info["license"] == "MPL-2.0"
    assert "Typing :: Typed" in info["classifiers"]
    assert info["summary"] and info["readme"].startswith("text/markdown")
    assert info["scripts"] == ["wazap"]
    command = Path(INSTALLED_PYTHON).parent / "wazap"
    usage = subprocess.run([str(command), "--help"], capture_output=True, text=True, timeout=WAIT)
    assert usage.returncode == 0 and "JSON lines" in usage.stdout
