"""Bad input from Python gives TypeError or a wazap error, never a crash; core failures arrive
as the wazap.Error classes (blocking and async alike)."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path
from typing import Any

import pytest

import wazap
from conftest import WAIT, Sandbox


def test_wrong_types_raise_type_error(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    with pytest.raises(TypeError):
        wazap.Client(123)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        wazap.Client(path, url=5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        wazap.Client(path, no_such_option=1)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        wazap.Client(path, prekey_batch="many")  # type: ignore[arg-type]
    client = wazap.Client(path)
    with pytest.raises(TypeError):
        client.pair_phone(15550001)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        client.set_push_name(None)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        client.on(5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        client.add_handler("not callable")  # type: ignore[arg-type]

    async def coroutine(event: wazap.Event) -> None: ...

    with pytest.raises(TypeError):
        client.add_handler(coroutine)
    with pytest.raises(ValueError):
        client.on("no_such_event")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "option",
    [
        {"root_key": "zz"},
        {"root_key": "00" * 31},
        {"root_key": "07" + "00" * 32},
        {"connect_timeout": -1.0},
        {"iq_timeout": float("nan")},
        {"proxy": "gopher://x"},
        {"prekey_batch": 0},
        {"account": ""},
    ],
)
def test_bad_values_raise_invalid_argument(tmp_path: Path, option: Any) -> None:
    with pytest.raises(wazap.InvalidArgument) as caught:
        wazap.Client(tmp_path / "s.db", **option)
    assert isinstance(caught.value, ValueError)
    assert isinstance(caught.value, wazap.Error)


def test_an_unusable_store_path_raises_store_error(tmp_path: Path) -> None:
    with pytest.raises(wazap.StoreError):
        wazap.Client(tmp_path)  # a directory, not a database file


def test_calls_that_need_a_connection(tmp_path: Path) -> None:
    client = wazap.Client(tmp_path / "s.db")
    with pytest.raises(wazap.NotConnected):
        client.pair_phone("+15550001234")
    with pytest.raises(wazap.NotConnected):
        client.logout()
    with pytest.raises(wazap.NotConnected):
        asyncio.run(client.logout_async())
    with pytest.raises(wazap.InvalidArgument):
        client.pair_phone("+15550001234", client_type="toaster")  # type: ignore[arg-type]


def test_a_refused_connection_raises_connection_error(tmp_path: Path) -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"ws://127.0.0.1:{port}/ws/chat"
    client = wazap.Client(tmp_path / "s.db", url=url, connect_timeout=5)
    with pytest.raises(wazap.ConnectionError) as caught:
        client.connect()
    assert isinstance(caught.value, ConnectionError)  # the builtin too
    with pytest.raises(wazap.ConnectionError):
        asyncio.run(asyncio.wait_for(client.connect_async(), WAIT))


def test_a_wrong_root_key_refuses_the_handshake(sandbox: Sandbox, tmp_path: Path) -> None:
    config = sandbox.config()
    config["root_key"] = "11" * 32
    client = wazap.Client(tmp_path / "s.db", **config)
    with pytest.raises(wazap.ConnectionError) as caught:
        client.connect()
    assert "cert" in str(caught.value).lower(), str(caught.value)
    assert not client.is_connected


def test_unknown_event_types_and_extra_keys_are_tolerated() -> None:
    event = wazap.parse_event('{"type":"qr","code":"a,b,c,d","timeout_ms":5,"new_key":1}')
    assert event == wazap.QrEvent(code="a,b,c,d", timeout_ms=5)
    unknown = wazap.parse_event('{"type":"from_the_future","x":[1]}')
    assert isinstance(unknown, wazap.UnknownEvent)
    assert unknown.event_type == "from_the_future" and unknown.data == {"x": [1]}


def test_every_error_kind_of_the_core_has_its_class() -> None:
    """The exception hierarchy derives from the core's kinds: each has a class, and an error
    carries its kind."""
    from wazap import _errors, _native

    assert set(_native.ERROR_KINDS) == set(_errors._KINDS)
    error = _errors._from_native("timeout", "late", None)
    assert isinstance(error, wazap.Timeout) and isinstance(error, TimeoutError)
    assert error.kind == "timeout"
    refused = _errors._from_native("server", "no", 403)
    assert isinstance(refused, wazap.ServerError) and refused.code == 403  # type: ignore[attr-defined]


def test_a_core_error_carries_its_kind(tmp_path: Path) -> None:
    client = wazap.Client(tmp_path / "s.db")
    with pytest.raises(wazap.NotConnected) as caught:
        client.pair_phone("+15550001234")
    assert caught.value.kind == "no_device"
    with pytest.raises(wazap.InvalidArgument) as bad:
        client.send_presence("busy")
    assert bad.value.kind == "invalid_arg"
