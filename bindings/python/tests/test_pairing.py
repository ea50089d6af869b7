"""Pairing and status against the sandbox: by QR with decorator handlers (blocking API), by
code with the async API, logging in again from the store file, logging out."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import wazap
from conftest import WAIT, Recorder, Sandbox, eventually, pair_by_qr, wait_stream


def test_pair_by_qr_with_decorated_handlers(sandbox: Sandbox, phone: str, make_client: Any) -> None:
    client = make_client()
    everything = Recorder()
    client.on()(everything)
    qr_codes = []

    @client.on(wazap.QrEvent)
    def on_qr(event: wazap.QrEvent) -> None:
        qr_codes.append(event.code)

    assert (client.qr, client.is_connected, client.is_logged_in, client.jid) == (
        None,
        False,
        False,
        None,
    )
    client.connect()
    assert client.is_connected
    qr = everything.wait("qr")
    assert isinstance(qr, wazap.QrEvent)
    assert qr.code.count(",") >= 3 and qr.timeout_ms > 0
    eventually(lambda: client.qr == qr.code)
    # Handlers run one after the other on the dispatcher: the second may not have run yet.
    eventually(lambda: qr_codes == [qr.code])

    device_jid = sandbox.scan_qr(phone, qr.code)
    success = everything.wait("pair_success")
    assert isinstance(success, wazap.PairSuccessEvent)
    assert success.jid == device_jid
    assert success.lid is not None and success.lid.endswith("@lid")
    assert isinstance(everything.wait("connected"), wazap.ConnectedEvent)

    assert client.is_logged_in
    assert client.jid == device_jid and client.jid.startswith(phone + ":")
    eventually(lambda: client.qr is None)
    listed = [d for d in sandbox.devices(phone) if d["name"] == "wazap pytest"]
    assert listed and listed[0]["connected"] is True


def test_pair_by_code_with_the_async_api(sandbox: Sandbox, phone: str, make_client: Any) -> None:
    client = make_client()

    async def until(stream: wazap.EventStream, kind: str) -> wazap.Event:
        async for event in stream:
            if event.type == kind:
                return event
        raise AssertionError("the stream ended")

    async def main() -> None:
        stream = client.events()
        await asyncio.wait_for(client.connect_async(), WAIT)
        await asyncio.wait_for(until(stream, "qr"), WAIT)
        code = await asyncio.wait_for(client.pair_phone_async("+" + phone), WAIT)
        assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}", code), code
        loop = asyncio.get_running_loop()
        device_jid = await loop.run_in_executor(None, sandbox.enter_code, phone, code)
        success = await asyncio.wait_for(until(stream, "pair_success"), WAIT)
        assert isinstance(success, wazap.PairSuccessEvent) and success.jid == device_jid
        await asyncio.wait_for(until(stream, "connected"), WAIT)
        assert client.is_logged_in
        await client.set_push_name_async("Async Bot")
        await asyncio.wait_for(client.disconnect_async(), WAIT)
        assert not client.is_connected

    asyncio.run(main())


def test_a_new_client_on_the_same_file_logs_in_without_qr(
    sandbox: Sandbox, phone: str, make_client: Any
) -> None:
    first = make_client("shared")
    device_jid = pair_by_qr(sandbox, first, phone)
    first.close()

    again = make_client("shared")
    stream = again.events()
    again.connect()
    event = stream.get(timeout=WAIT)
    while event is not None and event.type not in ("qr", "connected"):
        event = stream.get(timeout=WAIT)
    assert isinstance(event, wazap.ConnectedEvent), f"logged in without a QR code, got {event}"
    assert again.jid == device_jid


def test_logout_unlinks_the_device(sandbox: Sandbox, phone: str, make_client: Any) -> None:
    client = make_client()
    device_jid = pair_by_qr(sandbox, client, phone)
    device = int(device_jid.split(":")[1].split("@")[0])
    assert any(d["device"] == device for d in sandbox.devices(phone))
    client.logout()
    assert not client.is_connected
    assert client.jid is None
    assert all(d["device"] != device for d in sandbox.devices(phone))
    try:
        client.logout()
    except wazap.NotConnected:
        pass
    else:
        raise AssertionError("a second logout must fail")


def test_handlers_may_call_back_into_the_client(
    sandbox: Sandbox, phone: str, make_client: Any
) -> None:
    """A handler runs with the GIL on the dispatcher thread and makes blocking calls into the
    client (which release the GIL and wait for the core's runtime): no deadlock."""
    client = make_client()
    results = Recorder()
    outcomes: list = []

    @client.on("qr")
    def on_qr(event: wazap.QrEvent) -> None:
        # Only the first code: scanning from inside the handler is fine too (plain HTTP).
        if not outcomes:
            outcomes.append(("qr", event.code))
            sandbox.scan_qr(phone, event.code)

    @client.on("connected")
    def on_connected(event: wazap.ConnectedEvent) -> None:
        client.set_push_name("From a handler")
        try:
            client.pair_phone("+" + phone)
        except wazap.AlreadyPaired as e:
            outcomes.append(("pair_phone", type(e).__name__))
        outcomes.append(("logged_in", client.is_logged_in))
        results(event)

    client.connect()
    results.wait("connected")
    assert ("pair_phone", "AlreadyPaired") in outcomes
    assert ("logged_in", True) in outcomes
