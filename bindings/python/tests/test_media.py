"""Media between two paired clients through the sandbox's media host: each kind is uploaded,
arrives typed with its caption / file name, and downloads byte for byte (blocking and
asyncio); bad arguments are refused before anything is uploaded."""

from __future__ import annotations

import asyncio
import os
from typing import Any

import pytest

import wazap
from conftest import Sandbox
from test_messaging import paired


def test_each_media_kind_arrives_and_downloads_byte_for_byte(
    sandbox: Sandbox, make_client: Any
) -> None:
    alice, _, _ = paired(sandbox, make_client, "alice")
    bob, bob_phone, bob_events = paired(sandbox, make_client, "bob")
    image, document, voice, sticker = (os.urandom(n) for n in (70_000, 5_000, 3_000, 900))

    sent = alice.send_image(bob_phone, image, mimetype="image/png", caption="a picture")
    got = bob_events.wait("message", where=lambda e: e.info.id == sent.id)
    assert got.message.kind == "image" and got.message.text == "a picture"
    assert bob.download(got) == image

    sent = alice.send_document(bob_phone, document, "report.pdf", mimetype="application/pdf")
    got = bob_events.wait("message", where=lambda e: e.info.id == sent.id)
    assert got.message.kind == "document"
    assert b"report.pdf" in got.message.raw
    assert bob.download(got.message) == document

    sent = alice.send_audio(bob_phone, voice)
    got = bob_events.wait("message", where=lambda e: e.info.id == sent.id)
    assert got.message.kind == "audio"
    assert bob.download(got.message.raw) == voice

    async def asynchronously() -> None:
        sent = await alice.send_sticker_async(bob_phone, sticker)
        got = await asyncio.get_running_loop().run_in_executor(
            None, lambda: bob_events.wait("message", where=lambda e: e.info.id == sent.id)
        )
        assert got.message.kind == "sticker"
        assert await bob.download_async(got) == sticker

    asyncio.run(asynchronously())


def test_bad_media_arguments_are_refused(sandbox: Sandbox, make_client: Any) -> None:
    client, _, _ = paired(sandbox, make_client, "me")
    with pytest.raises(TypeError):
        client.send_image("15550000000", "not bytes")  # type: ignore[arg-type]
    with pytest.raises(wazap.InvalidArgument, match="empty"):
        client.send_image("15550000000", b"")
    with pytest.raises(wazap.InvalidArgument, match="file name"):
        client.send_document("15550000000", b"x", "")
    with pytest.raises(wazap.InvalidArgument, match="JID"):
        client.send_video("not a jid", b"x")
    # A text message (`conversation`, field 1) has nothing to download.
    with pytest.raises(wazap.InvalidArgument, match="no downloadable media"):
        client.download(b"\x0a\x04text")
    with pytest.raises(wazap.InvalidArgument, match="not a Message"):
        client.download(b"\xff\xff\xff")
