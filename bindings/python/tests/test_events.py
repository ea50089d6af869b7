"""Event delivery mechanics: the GIL is released while waiting, a cancelled async wait loses
no event, closing a stream ends both kinds of iteration."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path
from typing import Any

import wazap
from conftest import WAIT, Sandbox


def test_the_gil_is_released_while_waiting_for_events(tmp_path: Path) -> None:
    client = wazap.Client(tmp_path / "s.db")
    stream = client.events()
    started, finished = threading.Event(), threading.Event()

    def wait() -> None:
        started.set()
        assert stream.get(timeout=1.0) is None  # nothing comes: not connected
        finished.set()

    waiter = threading.Thread(target=wait)
    waiter.start()
    started.wait(WAIT)
    spins = 0
    begin = time.monotonic()
    while not finished.is_set():
        spins += 1  # needs the GIL
        sum(range(1000))
        assert time.monotonic() - begin < WAIT
    waiter.join(WAIT)
    elapsed = time.monotonic() - begin
    assert elapsed > 0.5, elapsed
    assert spins > 100, f"the main thread only ran {spins} times while the other waited"


def test_a_cancelled_async_wait_loses_no_event(sandbox: Sandbox, make_client: Any) -> None:
    client = make_client()

    async def main() -> None:
        stream = client.events()
        try:
            await asyncio.wait_for(stream.__anext__(), 0.05)
        except asyncio.TimeoutError:
            pass
        else:
            raise AssertionError("nothing should have arrived before connect")
        await client.connect_async()
        first = await asyncio.wait_for(stream.__anext__(), WAIT)
        assert isinstance(first, wazap.QrEvent), first

    asyncio.run(main())


def test_closing_a_stream_ends_iteration(tmp_path: Path) -> None:
    client = wazap.Client(tmp_path / "s.db")
    stream = client.events()
    stream.close()
    assert stream.closed
    assert list(stream) == []

    async def main() -> list:
        other = client.events()
        loop = asyncio.get_running_loop()
        loop.call_later(0.05, other.close)
        return [event async for event in other]

    assert asyncio.run(asyncio.wait_for(main(), WAIT)) == []


def test_close_stops_the_dispatcher_thread(tmp_path: Path) -> None:
    client = wazap.Client(tmp_path / "s.db")
    client.on("qr")(lambda event: None)
    dispatcher = client._dispatcher
    assert dispatcher is not None and dispatcher.is_alive()
    client.close()
    assert not dispatcher.is_alive()


EXIT_WITHOUT_CLOSE = """
import sys, threading, wazap
client = wazap.Client(sys.argv[1], url=sys.argv[2], root_key=sys.argv[3])
seen = threading.Event()
client.on("qr")(lambda event: seen.set())
stream = client.events()
threading.Thread(target=lambda: stream.get(30), daemon=True).start()  # still waiting at exit
client.connect()
assert seen.wait(20), "no QR code"
print("exiting", flush=True)
"""


def test_the_interpreter_exits_cleanly_with_a_live_client(sandbox: Sandbox, tmp_path: Path) -> None:
    """No close(): the dispatcher is stopped at exit, a thread still waits in Rust, the
    connection is up. The process must still exit at once and without a crash."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", EXIT_WITHOUT_CLOSE, str(tmp_path / "s.db"), sandbox.ws_url,
         sandbox.root_public_key],
        capture_output=True,
        text=True,
        timeout=WAIT * 2,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "exiting"
