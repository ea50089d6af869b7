"""Fixtures: the sandbox binary on 127.0.0.1 (built by scripts/test-python.sh; the path comes
from $WAZAP_SANDBOX or the cargo target dir), its control API, and clients pointed at it."""

from __future__ import annotations

import itertools
import json
import os
import queue
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Optional

import pytest

import wazap

#: Bound on every single expected step.
WAIT = 20.0

REPO = Path(__file__).resolve().parents[3]

#: The interpreter the examples and the command line run with: scripts/test-python.sh points it
#: at a fresh venv where only the built wheel is installed; by default this one.
INSTALLED_PYTHON = os.environ.get("WAZAP_INSTALLED_PYTHON", sys.executable)


def sandbox_binary() -> Path:
    if os.environ.get("WAZAP_SANDBOX"):
        return Path(os.environ["WAZAP_SANDBOX"])
    target = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
    return target / "debug" / "wazap-sandbox"


class Sandbox:
    def __init__(self, ready: Dict[str, str]) -> None:
        self.ws_url = ready["ws_url"]
        # `control_url` ends with /control; paths below name it in full, as the docs do.
        self.base_url = ready["control_url"].rstrip("/").rsplit("/control", 1)[0]
        self.root_public_key = ready["root_public_key"]

    def request(self, method: str, path: str, body: Optional[Dict[str, Any]] = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(
            self.base_url + path,
            data=data,
            method=method,
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(req, timeout=WAIT) as response:
                text = response.read().decode()
        except urllib.error.HTTPError as e:
            raise AssertionError(f"{method} {path}: HTTP {e.code}: {e.read().decode()}") from e
        return json.loads(text) if text else None

    def create_account(self, phone: str, echo: bool = False) -> None:
        self.request("POST", "/control/accounts", {"phone": phone, "push_name": "Py", "echo": echo})

    def scan_qr(self, phone: str, qr: str) -> str:
        return str(self.request("POST", "/control/pair", {"phone": phone, "qr": qr})["device_jid"])

    def enter_code(self, phone: str, code: str) -> str:
        body = {"phone": phone, "code": code}
        return str(self.request("POST", "/control/pair-code", body)["device_jid"])

    def send_from_phone(self, phone: str, to: str, text: str) -> str:
        """The simulated phone of `phone` sends `text` to `to`; returns the message id."""
        body = {"from": phone, "to": to, "text": text}
        return str(self.request("POST", "/control/send", body)["id"])

    def inbox(self, phone: str) -> List[Dict[str, Any]]:
        """What the simulated phone of `phone` received and decrypted."""
        return list(self.request("GET", f"/control/inbox?phone={phone}"))

    def devices(self, phone: str) -> List[Dict[str, Any]]:
        return list(self.request("GET", f"/control/devices?phone={phone}"))

    def config(self) -> Dict[str, Any]:
        """Client keywords for this sandbox: its URL and key, quick reconnects."""
        return {
            "url": self.ws_url,
            "root_key": self.root_public_key,
            "device_name": "wazap pytest",
            "reconnect_base_delay": 0.05,
            "reconnect_max_delay": 0.5,
            "prekey_batch": 50,
        }


def _read_line(stream: Any, timeout: float) -> str:
    lines: "queue.Queue[str]" = queue.Queue()
    threading.Thread(target=lambda: lines.put(stream.readline()), daemon=True).start()
    try:
        return lines.get(timeout=timeout)
    except queue.Empty:
        raise AssertionError("the sandbox did not print its ready line in time") from None


@pytest.fixture(scope="session")
def sandbox() -> Iterator[Sandbox]:
    binary = sandbox_binary()
    if not binary.exists():
        raise AssertionError(f"no sandbox binary at {binary}: run `cargo build -p wazap-sandbox`")
    proc = subprocess.Popen(
        [str(binary), "--listen", "127.0.0.1:0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        line = _read_line(proc.stdout, WAIT)
        if not line:
            raise AssertionError(f"the sandbox exited with {proc.wait(timeout=WAIT)}")
        yield Sandbox(json.loads(line))
    finally:
        proc.kill()
        proc.wait(timeout=WAIT)


_phones = itertools.count(15551000001)


@pytest.fixture
def phone(sandbox: Sandbox) -> str:
    """A fresh account's phone number."""
    number = str(next(_phones))
    sandbox.create_account(number)
    return number


@pytest.fixture
def make_client(sandbox: Sandbox, tmp_path: Path) -> Iterator[Any]:
    """`make_client(name="a", **overrides)` -> a wazap.Client on the sandbox; closed at the end."""
    clients: List[wazap.Client] = []

    def make(name: str = "client", **overrides: Any) -> wazap.Client:
        config = sandbox.config()
        config.update(overrides)
        client = wazap.Client(tmp_path / f"{name}.db", **config)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


class Recorder:
    """Collects events from handlers; `wait(type)` returns the first of that type."""

    def __init__(self) -> None:
        self.events: "queue.Queue[wazap.Event]" = queue.Queue()

    def __call__(self, event: wazap.Event) -> None:
        self.events.put(event)

    def wait(
        self, kind: str, timeout: float = WAIT, where: Optional[Callable[[Any], bool]] = None
    ) -> Any:
        """The first event of `kind` (for which `where` holds), within `timeout`."""
        import time

        deadline = time.monotonic() + timeout
        while True:
            try:
                event = self.events.get(timeout=max(deadline - time.monotonic(), 0))
            except queue.Empty:
                raise AssertionError(f"no {kind!r} event within {timeout}s") from None
            if event.type == kind and (where is None or where(event)):
                return event


def wait_stream(
    stream: wazap.EventStream,
    kind: str,
    timeout: float = WAIT,
    where: Optional[Callable[[Any], bool]] = None,
) -> Any:
    """The first event of `kind` (for which `where` holds) from a blocking stream."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        event = stream.get(timeout=max(remaining, 0))
        if event is None:
            raise AssertionError(f"no {kind!r} event within {timeout}s")
        if event.type == kind and (where is None or where(event)):
            return event


def eventually(condition: Callable[[], bool], timeout: float = WAIT) -> None:
    """Waits (bounded) for a state the client or the sandbox reaches on its own."""
    import time

    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.01)


def pair_by_qr(sandbox: Sandbox, client: wazap.Client, phone: str) -> str:
    """Connects `client`, scans its first QR code with `phone`, waits until it is logged in;
    returns the device JID."""
    stream = client.events()
    client.connect()
    qr = wait_stream(stream, "qr")
    assert isinstance(qr, wazap.QrEvent)
    device_jid = sandbox.scan_qr(phone, qr.code)
    wait_stream(stream, "connected")
    stream.close()
    return device_jid
