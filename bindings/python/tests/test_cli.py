"""`python -m wazap` (run by the interpreter of the fresh venv the wheel was installed into):
it links a device, by QR code (drawn in the terminal) or pairing code, and prints every event
as one JSON line; Ctrl-C ends it with 0."""

from __future__ import annotations

import json
import queue
import signal
import subprocess
import threading
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List

import pytest

import wazap
from conftest import INSTALLED_PYTHON, WAIT, Sandbox, eventually


class Cli:
    """The command line as a child process: its JSON lines, and what it wrote to stderr."""

    def __init__(self, sandbox: Sandbox, tmp_path: Path, *extra: str) -> None:
        args = [INSTALLED_PYTHON, "-m", "wazap", str(tmp_path / "cli.db")]
        args += ["--url", sandbox.ws_url, "--root-key", sandbox.root_public_key, *extra]
        self.proc = subprocess.Popen(
            args,
            cwd=tmp_path,  # nothing of the source tree on sys.path
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        self.lines: "queue.Queue[str]" = queue.Queue()
        self.err: List[str] = []
        out, err = self.proc.stdout, self.proc.stderr
        assert out is not None and err is not None
        threading.Thread(target=lambda: [self.lines.put(l) for l in out], daemon=True).start()
        threading.Thread(target=lambda: [self.err.append(l) for l in err], daemon=True).start()

    def stderr(self) -> str:
        return "".join(self.err)

    def event(self, kind: str, where: Callable[[Dict[str, Any]], bool] = lambda e: True) -> Any:
        """The next JSON line of type `kind` (for which `where` holds); every line must be
        one JSON object."""
        while True:
            try:
                line = self.lines.get(timeout=WAIT)
            except queue.Empty:
                raise AssertionError(f"no {kind!r} line; stderr: {self.stderr()}") from None
            event = json.loads(line)
            assert isinstance(event, dict) and "type" in event, line
            if event["type"] == kind and where(event):
                return event

    def interrupt(self) -> int:
        self.proc.send_signal(signal.SIGINT)
        return self.proc.wait(timeout=WAIT)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=WAIT)


@pytest.fixture
def cli(sandbox: Sandbox, tmp_path: Path) -> Iterator[Callable[..., Cli]]:
    started: List[Cli] = []

    def start(*extra: str) -> Cli:
        started.append(Cli(sandbox, tmp_path, *extra))
        return started[-1]

    yield start
    for c in started:
        c.kill()


def test_it_pairs_by_qr_drawn_in_the_terminal_and_prints_events_as_json(
    sandbox: Sandbox, cli: Callable[..., Cli]
) -> None:
    phone, friend = "15554000001", "15554000002"
    sandbox.create_account(phone)
    sandbox.create_account(friend)
    run = cli()
    qr = run.event("qr")
    picture = wazap.qr_terminal(qr["code"])
    eventually(lambda: picture in run.stderr())

    device = sandbox.scan_qr(phone, qr["code"])
    assert run.event("pair_success")["jid"] == device
    run.event("connected")

    sandbox.send_from_phone(friend, phone, "hello cli")
    message = run.event("message", lambda e: e["message"].get("text") == "hello cli")
    assert message["info"]["chat"] == f"{friend}@s.whatsapp.net"
    assert run.interrupt() == 0, run.stderr()


def test_it_pairs_with_a_code_typed_on_the_phone(
    sandbox: Sandbox, cli: Callable[..., Cli]
) -> None:
    phone = "15554000003"
    sandbox.create_account(phone)
    run = cli("--pair-phone", phone)
    run.event("qr")
    prefix = f"enter this code on {phone}: "
    eventually(lambda: prefix in run.stderr())
    line = next(l for l in run.stderr().splitlines() if l.startswith(prefix))
    device = sandbox.enter_code(phone, line[len(prefix):].strip())
    assert run.event("pair_success")["jid"] == device
    run.event("connected")
    assert run.interrupt() == 0, run.stderr()


def test_a_bad_option_is_refused_with_a_message(tmp_path: Path) -> None:
    done = subprocess.run(
        [INSTALLED_PYTHON, "-m", "wazap", str(tmp_path / "x.db"), "--root-key", "not hex"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=WAIT,
    )
    assert done.returncode == 2
    assert "root" in done.stderr and done.stdout == ""
