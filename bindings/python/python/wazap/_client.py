"""``wazap.Client``: the typed, idiomatic face of ``wazap._native.NativeClient``.

Every operation comes twice: blocking (``connect()``, releases the GIL while the core works)
and for asyncio (``await connect_async()``). Handlers registered with ``@client.on(...)`` run
on one dispatcher thread per client, in event order, with the GIL held; they may call any
client method (the core never waits for the GIL, so this cannot deadlock).
"""

from __future__ import annotations

import atexit
import base64
import json
import logging
import os
import threading
import weakref
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple, Type, TypeVar, Union

from . import _asyncio
from . import _native
from ._events import (
    EVENT_TYPES,
    Event,
    GroupInfo,
    MessageContent,
    MessageEvent,
    event_type_of,
    parse_event,
)
from ._results import IsOnWhatsApp, ParticipantUpdate, ProfilePicture, SendResult, UserInfo
from ._stream import EventStream

logger = logging.getLogger("wazap")

Handler = Callable[[Any], Any]
H = TypeVar("H", bound=Handler)

#: Clients whose dispatcher threads must stop before the interpreter finalises.
_live: "weakref.WeakSet[Client]" = weakref.WeakSet()


class _Handlers:
    """Handlers by event type (``None``: every event). Kept apart from the client so the
    dispatcher thread does not keep the client alive by itself."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_type: Dict[Optional[str], List[Handler]] = {}

    def add(self, kind: Optional[str], handler: Handler) -> None:
        with self._lock:
            self._by_type.setdefault(kind, []).append(handler)

    def remove(self, handler: Handler) -> bool:
        with self._lock:
            found = False
            for handlers in self._by_type.values():
                while handler in handlers:
                    handlers.remove(handler)
                    found = True
            return found

    def for_event(self, kind: str) -> List[Handler]:
        with self._lock:
            return list(self._by_type.get(kind, ())) + list(self._by_type.get(None, ()))


def _dispatch(subscription: Any, handlers: _Handlers) -> None:
    """The dispatcher thread: waits (GIL released) and calls the handlers (GIL held)."""
    while True:
        raw = subscription.next(None)
        if raw is None:
            return
        event = parse_event(raw)
        for handler in handlers.for_event(event_type_of(event)):
            try:
                handler(event)
            except Exception:  # one failing handler must not stop the others
                logger.exception("wazap event handler %r failed on %r", handler, event)


def _quote(reply_to: Optional[MessageEvent]) -> Tuple[Optional[str], Optional[str], Optional[bytes]]:
    """The quoted message's id, sender and protobuf for the native call."""
    if reply_to is None:
        return None, None, None
    if not isinstance(reply_to, MessageEvent):
        raise TypeError(f"reply_to must be a wazap.MessageEvent, not {type(reply_to).__name__}")
    return reply_to.info.id, reply_to.info.sender, reply_to.message.raw


def _bytes(data: Any, what: str) -> bytes:
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"{what} must be bytes, not {type(data).__name__}")
    return bytes(data)


def _strings(values: Sequence[str], what: str) -> List[str]:
    if isinstance(values, str) or not all(isinstance(v, str) for v in values):
        raise TypeError(f"{what} must be a sequence of strings")
    return list(values)


def _b64(jpeg: Optional[bytes]) -> Optional[str]:
    return None if jpeg is None else base64.b64encode(_bytes(jpeg, "jpeg")).decode()


def _flag(value: bool, what: str) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"{what} must be a bool, not {type(value).__name__}")
    return value


def _raw_message(message: Union[MessageEvent, MessageContent, bytes]) -> bytes:
    """The ``Message`` protobuf of a received message, however the caller holds it."""
    if isinstance(message, MessageEvent):
        return message.message.raw
    if isinstance(message, MessageContent):
        return message.raw
    return _bytes(message, "message")


def _ids(ids: Sequence[str]) -> List[str]:
    if isinstance(ids, (str, bytes)):
        raise TypeError("ids must be a sequence of message ids, not a single string")
    return list(ids)


def _event_name(event: Union[str, Type[Event], None]) -> Optional[str]:
    if event is None or event == "*":
        return None
    if isinstance(event, type) and issubclass(event, Event) and event.type in EVENT_TYPES:
        return event.type
    if isinstance(event, str):
        if event in EVENT_TYPES:
            return event
        known = ", ".join(sorted(EVENT_TYPES))
        raise ValueError(f"unknown event type {event!r} (known: {known})")
    raise TypeError(f"expected an event type name or an Event subclass, not {event!r}")


class Client:
    """A WhatsApp linked device: one account in the SQLite file ``store_path``.

    ``config`` keywords (all optional; the defaults are the real service): ``account``
    (name of the account in the file, default ``"main"``), ``url``, ``root_key`` (hex),
    ``device_name``, ``origin``, ``proxy`` (``"socks5://host:port"``), ``language``,
    ``country``, ``connect_timeout``, ``iq_timeout`` (seconds), ``reconnect`` (bool),
    ``reconnect_base_delay``, ``reconnect_max_delay`` (seconds), ``prekey_batch``.
    """

    def __init__(self, store_path: Union[str, "os.PathLike[str]"], **config: Any) -> None:
        if not isinstance(store_path, (str, os.PathLike)):
            kind = type(store_path).__name__
            raise TypeError(f"store_path must be a str or os.PathLike, not {kind}")
        self._native = _native.NativeClient(os.fspath(store_path), **config)
        self._handlers = _Handlers()
        self._lock = threading.Lock()
        self._subscription: Any = None
        self._dispatcher: Optional[threading.Thread] = None
        _live.add(self)

    # -- connection ------------------------------------------------------------------------
    def connect(self) -> None:
        """Connects and logs in (or starts pairing: ``qr`` events follow). Returns once the
        handshake succeeded; ``connected`` is emitted when the login is accepted."""
        self._native.connect()

    async def connect_async(self) -> None:
        await _asyncio.call(self._native.connect_async)

    def disconnect(self) -> None:
        """Closes the connection and stops reconnecting; the pairing is kept."""
        self._native.disconnect()

    async def disconnect_async(self) -> None:
        await _asyncio.call(self._native.disconnect_async)

    def logout(self) -> None:
        """Unlinks this device from the phone and deletes its keys."""
        self._native.logout()

    async def logout_async(self) -> None:
        await _asyncio.call(self._native.logout_async)

    def pair_phone(
        self,
        phone: str,
        *,
        show_push_notification: bool = True,
        client_type: str = "chrome",
        display_name: str = "Chrome (Linux)",
    ) -> str:
        """Pairs by phone number instead of a QR scan: returns the code (``XXXX-XXXX``) to
        type on the phone. Call after ``connect()``, once the first ``qr`` event came."""
        return str(
            self._native.pair_phone(phone, show_push_notification, client_type, display_name)
        )

    async def pair_phone_async(
        self,
        phone: str,
        *,
        show_push_notification: bool = True,
        client_type: str = "chrome",
        display_name: str = "Chrome (Linux)",
    ) -> str:
        return str(
            await _asyncio.call(
                self._native.pair_phone_async,
                phone,
                show_push_notification,
                client_type,
                display_name,
            )
        )

    def set_push_name(self, name: str) -> None:
        """Sets and saves the name shown to contacts."""
        self._native.set_push_name(name)

    async def set_push_name_async(self, name: str) -> None:
        await _asyncio.call(self._native.set_push_name_async, name)

    # -- messaging -------------------------------------------------------------------------
    # Chats and senders are JIDs ("123@s.whatsapp.net", "...@g.us", "...@lid") or bare phone
    # numbers.
    def send_text(
        self,
        to: str,
        text: str,
        *,
        id: Optional[str] = None,
        reply_to: Optional[MessageEvent] = None,
        mentions: Sequence[str] = (),
    ) -> SendResult:
        """Sends ``text`` to ``to`` (a user or a group); returns once the server accepted it.
        ``id``: our own message id (default: a new one); ``reply_to``: a received message to
        quote; ``mentions``: JIDs of mentioned users (write them as ``@<number>`` in text)."""
        quoted_id, quoted_sender, quoted = _quote(reply_to)
        return SendResult._from_native(
            self._native.send_text(
                to, text, id, quoted_id, quoted_sender, quoted, list(mentions)
            )
        )

    async def send_text_async(
        self,
        to: str,
        text: str,
        *,
        id: Optional[str] = None,
        reply_to: Optional[MessageEvent] = None,
        mentions: Sequence[str] = (),
    ) -> SendResult:
        quoted_id, quoted_sender, quoted = _quote(reply_to)
        value = await _asyncio.call(
            self._native.send_text_async,
            to,
            text,
            id,
            quoted_id,
            quoted_sender,
            quoted,
            list(mentions),
        )
        return SendResult._from_native(value)

    def send_message(self, to: str, message: bytes, *, id: Optional[str] = None) -> SendResult:
        """Sends any message: ``message`` is an encoded ``Message`` protobuf (the schema of
        ``MessageContent.raw``)."""
        return SendResult._from_native(self._native.send_message(to, bytes(message), id))

    async def send_message_async(
        self, to: str, message: bytes, *, id: Optional[str] = None
    ) -> SendResult:
        value = await _asyncio.call(self._native.send_message_async, to, bytes(message), id)
        return SendResult._from_native(value)

    # -- media -----------------------------------------------------------------------------
    # Each uploads the file (encrypted with a fresh key) and sends the message describing it.
    def send_image(
        self,
        to: str,
        data: bytes,
        *,
        mimetype: str = "image/jpeg",
        caption: Optional[str] = None,
        id: Optional[str] = None,
    ) -> SendResult:
        """Sends ``data`` as an image, with an optional ``caption``."""
        return self._send_media(to, data, "image", mimetype, caption=caption, id=id)

    async def send_image_async(
        self,
        to: str,
        data: bytes,
        *,
        mimetype: str = "image/jpeg",
        caption: Optional[str] = None,
        id: Optional[str] = None,
    ) -> SendResult:
        return await self._send_media_async(to, data, "image", mimetype, caption=caption, id=id)

    def send_video(
        self,
        to: str,
        data: bytes,
        *,
        mimetype: str = "video/mp4",
        caption: Optional[str] = None,
        id: Optional[str] = None,
    ) -> SendResult:
        """Sends ``data`` as a video, with an optional ``caption``."""
        return self._send_media(to, data, "video", mimetype, caption=caption, id=id)

    async def send_video_async(
        self,
        to: str,
        data: bytes,
        *,
        mimetype: str = "video/mp4",
        caption: Optional[str] = None,
        id: Optional[str] = None,
    ) -> SendResult:
        return await self._send_media_async(to, data, "video", mimetype, caption=caption, id=id)

    def send_audio(
        self,
        to: str,
        data: bytes,
        *,
        mimetype: str = "audio/ogg; codecs=opus",
        voice_note: bool = True,
        id: Optional[str] = None,
    ) -> SendResult:
        """Sends ``data`` as audio: a voice note (the default) or an audio file."""
        return self._send_media(to, data, "audio", mimetype, voice_note=voice_note, id=id)

    async def send_audio_async(
        self,
        to: str,
        data: bytes,
        *,
        mimetype: str = "audio/ogg; codecs=opus",
        voice_note: bool = True,
        id: Optional[str] = None,
    ) -> SendResult:
        return await self._send_media_async(
            to, data, "audio", mimetype, voice_note=voice_note, id=id
        )

    def send_document(
        self,
        to: str,
        data: bytes,
        file_name: str,
        *,
        mimetype: str = "application/octet-stream",
        caption: Optional[str] = None,
        id: Optional[str] = None,
    ) -> SendResult:
        """Sends ``data`` as a document named ``file_name``."""
        return self._send_media(
            to, data, "document", mimetype, caption=caption, file_name=file_name, id=id
        )

    async def send_document_async(
        self,
        to: str,
        data: bytes,
        file_name: str,
        *,
        mimetype: str = "application/octet-stream",
        caption: Optional[str] = None,
        id: Optional[str] = None,
    ) -> SendResult:
        return await self._send_media_async(
            to, data, "document", mimetype, caption=caption, file_name=file_name, id=id
        )

    def send_sticker(
        self, to: str, data: bytes, *, mimetype: str = "image/webp", id: Optional[str] = None
    ) -> SendResult:
        """Sends ``data`` (a WebP image) as a sticker."""
        return self._send_media(to, data, "sticker", mimetype, id=id)

    async def send_sticker_async(
        self, to: str, data: bytes, *, mimetype: str = "image/webp", id: Optional[str] = None
    ) -> SendResult:
        return await self._send_media_async(to, data, "sticker", mimetype, id=id)

    def download(self, message: Union[MessageEvent, MessageContent, bytes]) -> bytes:
        """The file of a received image, video, audio, document or sticker message,
        downloaded, verified and decrypted."""
        return self._native.download(_raw_message(message))

    async def download_async(self, message: Union[MessageEvent, MessageContent, bytes]) -> bytes:
        return await _asyncio.call(self._native.download_async, _raw_message(message))

    def _send_media(
        self,
        to: str,
        data: bytes,
        kind: str,
        mimetype: str,
        *,
        caption: Optional[str] = None,
        file_name: Optional[str] = None,
        voice_note: bool = False,
        id: Optional[str] = None,
    ) -> SendResult:
        args = (to, _bytes(data, "data"), kind, mimetype, caption, file_name, voice_note, id)
        return SendResult._from_native(self._native.send_media(*args))

    async def _send_media_async(
        self,
        to: str,
        data: bytes,
        kind: str,
        mimetype: str,
        *,
        caption: Optional[str] = None,
        file_name: Optional[str] = None,
        voice_note: bool = False,
        id: Optional[str] = None,
    ) -> SendResult:
        args = (to, _bytes(data, "data"), kind, mimetype, caption, file_name, voice_note, id)
        return SendResult._from_native(await _asyncio.call(self._native.send_media_async, *args))

    # -- groups and users ------------------------------------------------------------------
    # Groups are "<id>@g.us" JIDs; users are JIDs or bare phone numbers.
    def joined_groups(self) -> List[GroupInfo]:
        """Every group we are in, with its members."""
        return [GroupInfo.from_json(g) for g in self._request("joined_groups")]

    async def joined_groups_async(self) -> List[GroupInfo]:
        return [GroupInfo.from_json(g) for g in await self._request_async("joined_groups")]

    def group_info(self, group: str) -> GroupInfo:
        """A group's metadata and members."""
        return GroupInfo.from_json(self._request("group_info", group=group))

    async def group_info_async(self, group: str) -> GroupInfo:
        return GroupInfo.from_json(await self._request_async("group_info", group=group))

    def create_group(self, name: str, participants: Sequence[str] = ()) -> GroupInfo:
        """Creates a group with us as its admin and ``participants`` in it."""
        args = {"name": name, "participants": _strings(participants, "participants")}
        return GroupInfo.from_json(self._request("create_group", **args))

    async def create_group_async(self, name: str, participants: Sequence[str] = ()) -> GroupInfo:
        args = {"name": name, "participants": _strings(participants, "participants")}
        return GroupInfo.from_json(await self._request_async("create_group", **args))

    def set_group_name(self, group: str, name: str) -> None:
        self._request("set_group_name", group=group, text=name)

    async def set_group_name_async(self, group: str, name: str) -> None:
        await self._request_async("set_group_name", group=group, text=name)

    def set_group_topic(self, group: str, topic: str) -> None:
        """Sets the description; an empty ``topic`` deletes it."""
        self._request("set_group_topic", group=group, text=topic)

    async def set_group_topic_async(self, group: str, topic: str) -> None:
        await self._request_async("set_group_topic", group=group, text=topic)

    def set_group_announce(self, group: str, announce: bool) -> None:
        """Announce mode: only admins may send."""
        self._request("set_group_announce", group=group, on=_flag(announce, "announce"))

    async def set_group_announce_async(self, group: str, announce: bool) -> None:
        await self._request_async("set_group_announce", group=group, on=_flag(announce, "announce"))

    def set_group_locked(self, group: str, locked: bool) -> None:
        """Locked: only admins may edit the group info."""
        self._request("set_group_locked", group=group, on=_flag(locked, "locked"))

    async def set_group_locked_async(self, group: str, locked: bool) -> None:
        await self._request_async("set_group_locked", group=group, on=_flag(locked, "locked"))

    def group_invite_link(self, group: str, *, reset: bool = False) -> str:
        """``https://chat.whatsapp.com/<code>``; ``reset`` revokes the old link first."""
        return self._request("group_invite_link", group=group, reset=_flag(reset, "reset"))

    async def group_invite_link_async(self, group: str, *, reset: bool = False) -> str:
        return await self._request_async(
            "group_invite_link", group=group, reset=_flag(reset, "reset")
        )

    def join_group_with_link(self, link: str) -> str:
        """Joins by invite link (or its code); returns the group's JID."""
        return self._request("join_group_with_link", link=link)

    async def join_group_with_link_async(self, link: str) -> str:
        return await self._request_async("join_group_with_link", link=link)

    def leave_group(self, group: str) -> None:
        self._request("leave_group", group=group)

    async def leave_group_async(self, group: str) -> None:
        await self._request_async("leave_group", group=group)

    def update_group_participants(
        self, group: str, participants: Sequence[str], action: str
    ) -> List[ParticipantUpdate]:
        """``action``: ``add``, ``remove``, ``promote`` or ``demote``; one result per member."""
        args = {"group": group, "participants": _strings(participants, "participants")}
        answer = self._request("update_group_participants", action=action, **args)
        return [ParticipantUpdate.from_json(u) for u in answer]

    async def update_group_participants_async(
        self, group: str, participants: Sequence[str], action: str
    ) -> List[ParticipantUpdate]:
        args = {"group": group, "participants": _strings(participants, "participants")}
        answer = await self._request_async("update_group_participants", action=action, **args)
        return [ParticipantUpdate.from_json(u) for u in answer]

    def is_on_whatsapp(self, phones: Sequence[str]) -> List[IsOnWhatsApp]:
        """Which of ``phones`` (international numbers) have a WhatsApp account."""
        answer = self._request("is_on_whatsapp", phones=_strings(phones, "phones"))
        return [IsOnWhatsApp.from_json(r) for r in answer]

    async def is_on_whatsapp_async(self, phones: Sequence[str]) -> List[IsOnWhatsApp]:
        answer = await self._request_async("is_on_whatsapp", phones=_strings(phones, "phones"))
        return [IsOnWhatsApp.from_json(r) for r in answer]

    def user_info(self, users: Sequence[str]) -> Dict[str, UserInfo]:
        """Status, picture id, devices and LID of each user, by JID."""
        answer = self._request("user_info", users=_strings(users, "users"))
        return {jid: UserInfo.from_json(info) for jid, info in answer.items()}

    async def user_info_async(self, users: Sequence[str]) -> Dict[str, UserInfo]:
        answer = await self._request_async("user_info", users=_strings(users, "users"))
        return {jid: UserInfo.from_json(info) for jid, info in answer.items()}

    def profile_picture(self, user: str, *, preview: bool = False) -> Optional[ProfilePicture]:
        """Where to download ``user``'s (or a group's) picture; None when there is none."""
        answer = self._request("profile_picture", user=user, preview=_flag(preview, "preview"))
        return None if answer is None else ProfilePicture.from_json(answer)

    async def profile_picture_async(
        self, user: str, *, preview: bool = False
    ) -> Optional[ProfilePicture]:
        answer = await self._request_async(
            "profile_picture", user=user, preview=_flag(preview, "preview")
        )
        return None if answer is None else ProfilePicture.from_json(answer)

    def set_group_photo(self, group: str, jpeg: Optional[bytes]) -> Optional[str]:
        """Sets a group's picture (a JPEG) or removes it (None); returns the new picture id."""
        return self._request("set_group_photo", group=group, image=_b64(jpeg))

    async def set_group_photo_async(self, group: str, jpeg: Optional[bytes]) -> Optional[str]:
        return await self._request_async("set_group_photo", group=group, image=_b64(jpeg))

    def set_profile_picture(self, jpeg: Optional[bytes]) -> Optional[str]:
        """Sets our own picture (a square JPEG) or removes it (None); returns its id."""
        return self._request("set_profile_picture", image=_b64(jpeg))

    async def set_profile_picture_async(self, jpeg: Optional[bytes]) -> Optional[str]:
        return await self._request_async("set_profile_picture", image=_b64(jpeg))

    def _request(self, method: str, **args: Any) -> Any:
        return json.loads(self._native.request(method, json.dumps(args)))

    async def _request_async(self, method: str, **args: Any) -> Any:
        answer = await _asyncio.call(self._native.request_async, method, json.dumps(args))
        return json.loads(answer)

    def send_reaction(
        self, chat: str, sender: str, id: str, emoji: str, *, from_me: bool = False
    ) -> SendResult:
        """Reacts with ``emoji`` to message ``id`` in ``chat`` written by ``sender``
        (``from_me``: written by us). An empty ``emoji`` removes our reaction."""
        return SendResult._from_native(
            self._native.send_reaction(chat, sender, id, from_me, emoji)
        )

    async def send_reaction_async(
        self, chat: str, sender: str, id: str, emoji: str, *, from_me: bool = False
    ) -> SendResult:
        value = await _asyncio.call(
            self._native.send_reaction_async, chat, sender, id, from_me, emoji
        )
        return SendResult._from_native(value)

    def mark_read(self, ids: Sequence[str], chat: str, sender: Optional[str] = None) -> None:
        """Marks messages ``ids`` of ``chat`` read; ``sender`` is their author in a group."""
        self._native.send_receipt(_ids(ids), chat, sender, "read")

    async def mark_read_async(
        self, ids: Sequence[str], chat: str, sender: Optional[str] = None
    ) -> None:
        await _asyncio.call(self._native.send_receipt_async, _ids(ids), chat, sender, "read")

    def send_receipt(
        self, ids: Sequence[str], chat: str, receipt_type: str, sender: Optional[str] = None
    ) -> None:
        """A receipt of another kind: ``"played"`` (voice notes), ``"read-self"``,
        ``"played-self"`` or ``"read"``."""
        self._native.send_receipt(_ids(ids), chat, sender, receipt_type)

    async def send_receipt_async(
        self, ids: Sequence[str], chat: str, receipt_type: str, sender: Optional[str] = None
    ) -> None:
        await _asyncio.call(
            self._native.send_receipt_async, _ids(ids), chat, sender, receipt_type
        )

    def send_presence(self, presence: str) -> None:
        """``"available"`` or ``"unavailable"``: whether our contacts see us online."""
        self._native.send_presence(presence)

    async def send_presence_async(self, presence: str) -> None:
        await _asyncio.call(self._native.send_presence_async, presence)

    def send_chat_presence(self, chat: str, state: str, media: str = "text") -> None:
        """Typing in ``chat``: ``state`` ``"composing"`` or ``"paused"``; ``media``
        ``"text"`` or ``"audio"`` (recording)."""
        self._native.send_chat_presence(chat, state, media)

    async def send_chat_presence_async(self, chat: str, state: str, media: str = "text") -> None:
        await _asyncio.call(self._native.send_chat_presence_async, chat, state, media)

    def subscribe_presence(self, jid: str) -> None:
        """Asks for ``presence`` events about ``jid`` (a user)."""
        self._native.subscribe_presence(jid)

    async def subscribe_presence_async(self, jid: str) -> None:
        await _asyncio.call(self._native.subscribe_presence_async, jid)

    # -- status ----------------------------------------------------------------------------
    @property
    def qr(self) -> Optional[str]:
        """The QR code to show now, while the device waits to be paired."""
        return self._native.qr  # type: ignore[no-any-return]

    @property
    def is_connected(self) -> bool:
        return bool(self._native.is_connected)

    @property
    def is_logged_in(self) -> bool:
        return bool(self._native.is_logged_in)

    @property
    def jid(self) -> Optional[str]:
        """Our device JID (``user:device@s.whatsapp.net``), once paired."""
        return self._native.jid  # type: ignore[no-any-return]

    @property
    def lid(self) -> Optional[str]:
        return self._native.lid  # type: ignore[no-any-return]

    # -- events ----------------------------------------------------------------------------
    def on(self, event: Union[str, Type[Event], None] = None) -> Callable[[H], H]:
        """Decorator registering a handler for one event type (``"qr"`` or ``wazap.QrEvent``;
        ``None`` or ``"*"`` for every event). Handlers run on this client's dispatcher
        thread, in order; register them before ``connect()`` to see every event."""
        kind = _event_name(event)

        def register(handler: H) -> H:
            self.add_handler(handler, kind)
            return handler

        return register

    def add_handler(self, handler: Handler, event: Union[str, Type[Event], None] = None) -> None:
        """Registers ``handler`` like ``@client.on(event)``."""
        if not callable(handler):
            raise TypeError(f"handler must be callable, not {type(handler).__name__}")
        if _is_coroutine_function(handler):
            raise TypeError(
                "handlers run on a thread: use `async for ev in client.events()` for coroutines"
            )
        self._handlers.add(_event_name(event), handler)
        self._start_dispatcher()

    def remove_handler(self, handler: Handler) -> bool:
        """Unregisters ``handler``; whether it was registered."""
        return self._handlers.remove(handler)

    def events(self) -> EventStream:
        """A new stream of the events emitted from now on: ``async for ev in
        client.events()`` (or a plain ``for``)."""
        return EventStream(self._native.subscribe())

    def _start_dispatcher(self) -> None:
        with self._lock:
            if self._dispatcher is not None:
                return
            self._subscription = self._native.subscribe()
            self._dispatcher = threading.Thread(
                target=_dispatch,
                args=(self._subscription, self._handlers),
                name="wazap-dispatcher",
                daemon=True,
            )
            self._dispatcher.start()

    # -- lifetime --------------------------------------------------------------------------
    def close(self) -> None:
        """Disconnects and stops the handler thread (after the handler running now)."""
        self._native.disconnect()
        self._stop_dispatcher()

    async def close_async(self) -> None:
        await self.disconnect_async()
        self._stop_dispatcher()

    def _stop_dispatcher(self) -> None:
        with self._lock:
            subscription, dispatcher = self._subscription, self._dispatcher
            self._subscription = self._dispatcher = None
        if subscription is not None:
            subscription.close()
        if dispatcher is not None and dispatcher is not threading.current_thread():
            dispatcher.join(timeout=10)

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    async def __aenter__(self) -> "Client":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close_async()

    def __repr__(self) -> str:
        state = "logged in" if self.is_logged_in else "connected" if self.is_connected else "idle"
        return f"<wazap.Client {self.jid or 'unpaired'} {state}>"


def _is_coroutine_function(handler: Handler) -> bool:
    import inspect

    return inspect.iscoroutinefunction(handler)


@atexit.register
def _stop_all() -> None:
    # A dispatcher still waiting in Rust when the interpreter finalises could not take the GIL
    # back: stop them all first.
    for client in list(_live):
        client._stop_dispatcher()
