"""Messaging against the sandbox: texts to a simulated phone (seen in its inbox) and its
replies as typed events; between two paired clients: replies, custom ids, raw messages, read
receipts, reactions and their removal, presence and chat state; handlers that call back into
the client; bad arguments."""

from __future__ import annotations

import asyncio
import itertools
import re
import threading
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest

import wazap
from conftest import WAIT, Recorder, Sandbox, eventually, pair_by_qr

_phones = itertools.count(15552000001)


def new_phone(sandbox: Sandbox) -> str:
    number = str(next(_phones))
    sandbox.create_account(number)
    return number


def jid(phone: str) -> str:
    return f"{phone}@s.whatsapp.net"


def paired(sandbox: Sandbox, make_client: Any, name: str) -> Tuple[wazap.Client, str, Recorder]:
    """A client paired with a new account, recording every event from before it connects."""
    phone = new_phone(sandbox)
    client = make_client(name)
    recorder = Recorder()
    client.on()(recorder)
    pair_by_qr(sandbox, client, phone)
    return client, phone, recorder


def inbox_entry(sandbox: Sandbox, phone: str, message_id: str) -> Dict[str, Any]:
    """The phone's inbox entry of message `message_id`, once it is there."""
    found: List[Dict[str, Any]] = []

    def arrived() -> bool:
        found[:] = [e for e in sandbox.inbox(phone) if e["id"] == message_id and e["kind"] != "receipt"]
        return bool(found)

    eventually(arrived)
    return found[0]


def test_a_text_reaches_the_phone_and_its_reply_arrives_typed(
    sandbox: Sandbox, make_client: Any
) -> None:
    client, me, events = paired(sandbox, make_client, "me")
    phone = new_phone(sandbox)

    sent = client.send_text(phone, "hello phone")
    assert isinstance(sent, wazap.SendResult)
    assert sent.id and sent.timestamp > 0
    entry = inbox_entry(sandbox, phone, sent.id)
    assert entry["text"] == "hello phone"
    assert entry["chat"] == jid(me) and entry["sender"] == client.jid

    reply_id = sandbox.send_from_phone(phone, me, "hello bot")
    message = events.wait("message", where=lambda e: e.info.id == reply_id)
    assert isinstance(message, wazap.MessageEvent)
    assert isinstance(message.info, wazap.MessageInfo)
    assert isinstance(message.message, wazap.MessageContent)
    assert message.info.chat == jid(phone)
    assert message.info.sender.startswith(phone)
    assert not message.info.is_from_me and not message.info.is_group
    assert message.info.timestamp > 0
    assert (message.message.kind, message.message.text) == ("text", "hello bot")
    assert message.message.reaction is None and message.message.mentions == []
    assert isinstance(message.message.raw, bytes) and b"hello bot" in message.message.raw


def test_replies_receipts_reactions_and_raw_messages_between_two_clients(
    sandbox: Sandbox, make_client: Any
) -> None:
    alice, alice_phone, alice_events = paired(sandbox, make_client, "alice")
    bob, bob_phone, bob_events = paired(sandbox, make_client, "bob")

    sent = alice.send_text(jid(bob_phone), "ping")
    ping = bob_events.wait("message", where=lambda e: e.info.id == sent.id)
    assert ping.message.text == "ping" and ping.info.chat == jid(alice_phone)

    # A read receipt from bob reaches alice.
    bob.mark_read([ping.info.id], ping.info.chat)
    read = alice_events.wait("receipt", where=lambda e: e.receipt_type == "read")
    assert isinstance(read, wazap.ReceiptEvent)
    assert sent.id in read.ids and read.chat == jid(bob_phone)

    # A reply quoting the message, with a mention.
    answer = bob.send_text(
        alice_phone, f"pong @{alice_phone}", reply_to=ping, mentions=[jid(alice_phone)]
    )
    pong = alice_events.wait("message", where=lambda e: e.info.id == answer.id)
    assert pong.message.text == f"pong @{alice_phone}"
    assert pong.message.reply_to == sent.id
    assert pong.message.reply_to_sender == jid(alice_phone)
    assert pong.message.mentions == [jid(alice_phone)]

    # A reaction and its removal.
    bob.send_reaction(ping.info.chat, ping.info.sender, ping.info.id, "👍")
    liked = alice_events.wait("message", where=lambda e: e.message.kind == "reaction")
    assert liked.message.reaction is not None
    assert (liked.message.reaction.id, liked.message.reaction.emoji) == (sent.id, "👍")
    assert not liked.message.reaction.from_me, "the reactor (bob) did not write the message"
    bob.send_reaction(ping.info.chat, ping.info.sender, ping.info.id, "")
    removed = alice_events.wait("message", where=lambda e: e.message.kind == "reaction")
    assert removed.message.reaction is not None
    assert (removed.message.reaction.id, removed.message.reaction.emoji) == (sent.id, "")

    # Our own id, and a message sent as raw protobuf bytes (here: the one bob received).
    custom = "3EB0" + "C0FFEE" * 3
    assert alice.send_text(bob_phone, "with my id", id=custom).id == custom
    assert bob_events.wait("message", where=lambda e: e.info.id == custom).message.text == (
        "with my id"
    )
    forwarded = bob.send_message(alice_phone, ping.message.raw)
    again = alice_events.wait("message", where=lambda e: e.info.id == forwarded.id)
    assert (again.message.kind, again.message.text) == ("text", "ping")


def test_presence_and_chat_state_with_the_async_api(sandbox: Sandbox, make_client: Any) -> None:
    alice, alice_phone, _ = paired(sandbox, make_client, "alice")
    bob, bob_phone, _ = paired(sandbox, make_client, "bob")

    async def until(stream: wazap.EventStream, kind: str, where: Any) -> Any:
        async def scan() -> Any:
            async for event in stream:
                if event.type == kind and where(event):
                    return event
            raise AssertionError("the stream ended")

        return await asyncio.wait_for(scan(), WAIT)

    async def main() -> None:
        stream = bob.events()
        await bob.subscribe_presence_async(alice_phone)
        await alice.send_presence_async("available")
        online = await until(stream, "presence", lambda e: e.available)
        assert isinstance(online, wazap.PresenceEvent)
        assert online.from_.startswith(alice_phone)

        await alice.send_chat_presence_async(bob_phone, "composing", "audio")
        typing = await until(stream, "chat_presence", lambda e: e.state == "composing")
        assert isinstance(typing, wazap.ChatPresenceEvent)
        assert typing.chat.startswith(alice_phone) and typing.media == "audio"
        await alice.send_chat_presence_async(bob_phone, "paused")
        paused = await until(stream, "chat_presence", lambda e: e.state == "paused")
        assert paused.media is None

        await alice.send_presence_async("unavailable")
        offline = await until(stream, "presence", lambda e: not e.available)
        assert offline.from_.startswith(alice_phone)

        sent = await alice.send_text_async(bob_phone, "async hello")
        got = await until(stream, "message", lambda e: e.info.id == sent.id)
        await bob.mark_read_async([got.info.id], got.info.chat)
        reacted = await bob.send_reaction_async(got.info.chat, got.info.sender, sent.id, "🎉")
        assert reacted.id != sent.id
        stream.close()

    asyncio.run(main())


def test_a_handler_may_call_back_into_the_client(sandbox: Sandbox, make_client: Any) -> None:
    alice, alice_phone, alice_events = paired(sandbox, make_client, "alice")
    bob, bob_phone, _ = paired(sandbox, make_client, "bob")
    handled = threading.Event()

    @bob.on(wazap.MessageEvent)
    def echo(event: wazap.MessageEvent) -> None:
        # Blocking calls from the dispatcher thread, while it holds the GIL between waits.
        if event.message.kind == "text" and not event.info.is_from_me:
            bob.mark_read([event.info.id], event.info.chat)
            bob.send_text(event.info.chat, "echo: " + (event.message.text or ""), reply_to=event)
            handled.set()

    sent = alice.send_text(bob_phone, "call me back")
    # The handler marks read before it answers: the receipt comes first.
    read = alice_events.wait("receipt", where=lambda e: e.receipt_type == "read")
    assert sent.id in read.ids
    echoed = alice_events.wait("message", where=lambda e: e.message.text == "echo: call me back")
    assert echoed.message.reply_to == sent.id
    assert handled.wait(WAIT)


def test_bad_arguments_are_refused_before_sending(sandbox: Sandbox, make_client: Any) -> None:
    client, _, _ = paired(sandbox, make_client, "me")
    with pytest.raises(wazap.InvalidArgument):
        client.send_text("not a jid", "x")
    with pytest.raises(wazap.InvalidArgument):
        client.send_presence("busy")
    with pytest.raises(wazap.InvalidArgument):
        client.send_chat_presence("15550000000", "shouting")
    with pytest.raises(wazap.InvalidArgument):
        client.send_receipt(["X"], "15550000000", "seen")
    with pytest.raises(wazap.InvalidArgument):
        client.send_message("15550000000", b"\xff\xff\xff")
    with pytest.raises(TypeError):
        client.mark_read("3EB0ABC", "15550000000")  # a string, not a list of ids
    with pytest.raises(TypeError):
        client.send_text("15550000000", "x", reply_to="3EB0ABC")  # type: ignore[arg-type]

    async def refused_async() -> None:
        with pytest.raises(wazap.InvalidArgument):
            await client.send_text_async("a@b@c", "x")

    asyncio.run(refused_async())


def test_sending_needs_a_connection(tmp_path: Any) -> None:
    client = wazap.Client(tmp_path / "idle.db")
    with pytest.raises((wazap.NotConnected, wazap.NotLoggedIn)):
        client.send_text("15550000000", "nobody is connected")


def test_events_are_built_from_the_core_json() -> None:
    presence = wazap.parse_event(
        '{"type":"presence","from":"1555@s.whatsapp.net","available":false,"last_seen":7}'
    )
    assert presence == wazap.PresenceEvent(
        from_="1555@s.whatsapp.net", available=False, last_seen=7
    )
    receipt = wazap.parse_event(
        '{"type":"receipt","receipt_type":"read","ids":["A","B"],"chat":"1@s.whatsapp.net",'
        '"sender":"1:2@s.whatsapp.net","sender_alt":"9:2@lid","is_group":false,'
        '"timestamp":null,"added_later":1}'
    )
    assert isinstance(receipt, wazap.ReceiptEvent) and receipt.ids == ["A", "B"]
    assert receipt.sender_alt == "9:2@lid"
    change = wazap.parse_event(
        '{"type":"identity_change","jid":"9:2@lid","jid_alt":"1:2@s.whatsapp.net",'
        '"timestamp":5,"implicit":true}'
    )
    assert change == wazap.IdentityChangeEvent(
        jid="9:2@lid", jid_alt="1:2@s.whatsapp.net", timestamp=5, implicit=True
    )
    state = wazap.parse_event(
        '{"type":"chat_presence","chat":"1@s.whatsapp.net","sender":"1@s.whatsapp.net",'
        '"state":"composing","media":null}'
    )
    assert isinstance(state, wazap.ChatPresenceEvent) and state.media is None
    assert isinstance(wazap.parse_event('{"type":"brand_new","x":1}'), wazap.UnknownEvent)
    assert set(wazap.EVENT_TYPES) >= {
        "message",
        "receipt",
        "undecryptable_message",
        "presence",
        "chat_presence",
    }
    with pytest.raises(Exception):
        presence.available = True  # type: ignore[misc]  # frozen


HISTORY_SYNC_JSON = """{
  "type": "history_sync", "sync_type": "initial_bootstrap", "chunk_order": 1, "progress": 100,
  "conversations": [
    {"chat": "123@g.us", "name": "Book club", "timestamp": 1700000100, "unread_count": 2,
     "archived": false, "messages": [
       {"id": "M2", "from_me": false, "participant": "1555@s.whatsapp.net",
        "timestamp": 1700000100, "push_name": "Ann",
        "message": {"kind": "text", "text": "see you at eight", "reply_to": null,
                    "reply_to_sender": null, "mentions": [], "reaction": null, "flags": {},
                    "raw": "CgNoaQ=="}},
       {"id": "M1", "from_me": true, "participant": null, "timestamp": null,
        "push_name": null, "message": null}]},
    {"chat": "1666@s.whatsapp.net", "name": null, "timestamp": null, "unread_count": 0,
     "archived": true, "messages": [], "from_a_newer_core": 1}
  ],
  "push_names": [{"jid": "1555@s.whatsapp.net", "name": "Ann"}],
  "lid_mappings": [{"pn": "1555@s.whatsapp.net", "lid": "901@lid"}],
  "raw": "CAAQAQ=="
}"""


def test_a_history_sync_is_built_from_the_core_json() -> None:
    sync = wazap.parse_event(HISTORY_SYNC_JSON)
    assert isinstance(sync, wazap.HistorySyncEvent)
    assert wazap.EVENT_TYPES["history_sync"] is wazap.HistorySyncEvent
    assert (sync.sync_type, sync.chunk_order, sync.progress) == ("initial_bootstrap", 1, 100)
    assert sync.raw == b"\x08\x00\x10\x01"
    club, other = sync.conversations
    assert isinstance(club, wazap.HistoryConversation)
    assert (club.chat, club.name, club.unread_count, club.archived) == (
        "123@g.us", "Book club", 2, False
    )
    newest, oldest = club.messages
    assert isinstance(newest, wazap.HistoryMessage)
    assert (newest.id, newest.from_me, newest.participant) == ("M2", False, "1555@s.whatsapp.net")
    assert isinstance(newest.message, wazap.MessageContent)
    assert newest.message.text == "see you at eight" and newest.message.raw == b"\n\x03hi"
    assert oldest == wazap.HistoryMessage(
        id="M1", from_me=True, participant=None, timestamp=None, push_name=None, message=None
    )
    assert other.messages == [] and other.archived and other.name is None
    assert sync.push_names == [wazap.PushName(jid="1555@s.whatsapp.net", name="Ann")]
    assert sync.lid_mappings == [wazap.LidMapping(pn="1555@s.whatsapp.net", lid="901@lid")]


def core_event_types() -> set:
    """The snake_case names of the core's `enum Event` variants (its JSON `type`)."""
    source = (Path(__file__).parents[3] / "core" / "src" / "types" / "events.rs").read_text()
    start = source.index("pub enum Event {")
    body = source[start : source.index("\n}", start)]
    names = re.findall(r"^ {4}([A-Z]\w*)\b", body, re.M)
    return {re.sub(r"(?<!^)([A-Z])", r"_\1", n).lower() for n in names}


def test_every_core_event_type_has_a_class() -> None:
    assert set(wazap.EVENT_TYPES) == core_event_types()


def test_an_app_state_change_is_built_from_the_core_json() -> None:
    mute = wazap.parse_event(
        '{"type":"app_state","collection":"regular_high","kind":"mute",'
        '"chat":"1555@s.whatsapp.net","muted":true,"until_ms":-1,"timestamp_ms":1700000000000,'
        '"full_sync":false}'
    )
    assert isinstance(mute, wazap.AppStateEvent)
    assert (mute.kind, mute.chat, mute.muted, mute.until_ms) == (
        "mute", "1555@s.whatsapp.net", True, -1
    )
    assert mute.pinned is None and mute.index is None
    error = wazap.parse_event(
        '{"type":"app_state_sync_error","collection":"regular","reason":"mismatching LTHash",'
        '"recovery":"snapshot_refetched"}'
    )
    assert isinstance(error, wazap.AppStateSyncErrorEvent)
    assert error.recovery == "snapshot_refetched"
