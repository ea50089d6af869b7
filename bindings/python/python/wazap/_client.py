"""``wazap.Client``: the typed, idiomatic face of ``wazap._native.NativeClient``.

Every operation is one of the core's requests by name (``wazap._native.REQUESTS``), declared
once here as what it sends (``_Call``) and comes twice (``_twin``): blocking (``connect()``,
releases the GIL while the core works) and for asyncio (``await connect_async()``). Handlers
registered with ``@client.on(...)`` run on one dispatcher thread per client, in event order,
with the GIL held; they may call any client method (the core never waits for the GIL, so this
cannot deadlock).
"""

from __future__ import annotations

import atexit
import base64
import functools
import json
import logging
import os
import threading
import weakref
from typing import (
    Any,
    Callable,
    Dict,
    List,
    NamedTuple,
    Optional,
    Sequence,
    Type,
    TypeVar,
    Union,
)

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
from ._results import (
    Blocklist,
    IsOnWhatsApp,
    ParticipantUpdate,
    ProfilePicture,
    SendResult,
    UserInfo,
)
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


class _Call(NamedTuple):
    """A request of the core: its name, JSON arguments and file, and how to read the answer
    (the answer's JSON value, or the bytes of a downloaded file)."""

    method: str
    args: Dict[str, Any]
    read: Callable[[Any], Any] = lambda value: value
    data: Optional[bytes] = None

    def finish(self, answer: Union[str, bytes]) -> Any:
        return self.read(json.loads(answer) if isinstance(answer, str) else answer)


class _twin:
    """Turns a method that describes a request (returns a ``_Call``) into two: ``name`` runs
    it blocking, ``name_async`` awaits it."""

    def __init__(self, describe: Callable[..., _Call]) -> None:
        self._describe = describe

    def __set_name__(self, owner: type, name: str) -> None:
        describe = self._describe

        @functools.wraps(describe)
        def blocking(client: "Client", *args: Any, **kwargs: Any) -> Any:
            call = describe(client, *args, **kwargs)
            return call.finish(client._native.request(call.method, json.dumps(call.args), call.data))

        @functools.wraps(describe)
        async def asynchronous(client: "Client", *args: Any, **kwargs: Any) -> Any:
            call = describe(client, *args, **kwargs)
            start = client._native.request_async
            return call.finish(await _asyncio.call(start, call.method, json.dumps(call.args), call.data))

        asynchronous.__name__ = f"{name}_async"
        asynchronous.__qualname__ = f"{owner.__qualname__}.{name}_async"
        setattr(owner, name, blocking)
        setattr(owner, f"{name}_async", asynchronous)


def _str(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str, not {type(value).__name__}")
    return value


def _opt_str(value: Any, what: str) -> Optional[str]:
    return None if value is None else _str(value, what)


def _quote(reply_to: Optional[MessageEvent]) -> Optional[Dict[str, str]]:
    """The quoted message of a reply: its id, sender and protobuf."""
    if reply_to is None:
        return None
    if not isinstance(reply_to, MessageEvent):
        raise TypeError(f"reply_to must be a wazap.MessageEvent, not {type(reply_to).__name__}")
    raw = base64.b64encode(reply_to.message.raw).decode()
    return {"id": reply_to.info.id, "sender": reply_to.info.sender, "message": raw}


def _bytes(data: Any, what: str) -> bytes:
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"{what} must be bytes, not {type(data).__name__}")
    return bytes(data)


def _strings(values: Sequence[str], what: str) -> List[str]:
    if isinstance(values, str) or not all(isinstance(v, str) for v in values):
        raise TypeError(f"{what} must be a sequence of strings")
    return list(values)


def _b64(jpeg: Optional[bytes], what: str = "jpeg") -> Optional[str]:
    return None if jpeg is None else base64.b64encode(_bytes(jpeg, what)).decode()


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
    return _strings(ids, "ids")


def _sent(value: Any) -> SendResult:
    return SendResult._from_native(value)


def _media(
    to: str,
    data: bytes,
    kind: str,
    mimetype: Optional[str],
    *,
    caption: Optional[str] = None,
    file_name: Optional[str] = None,
    voice_note: bool = False,
    id: Optional[str] = None,
) -> _Call:
    args = {
        "to": _str(to, "to"),
        "kind": kind,
        "mimetype": _opt_str(mimetype, "mimetype"),
        "caption": _opt_str(caption, "caption"),
        "file_name": file_name,
        "voice_note": _flag(voice_note, "voice_note"),
        "id": _opt_str(id, "id"),
    }
    return _Call("send_media", args, _sent, _bytes(data, "data"))


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
    @_twin
    def connect(self) -> _Call:
        """Connects and logs in (or starts pairing: ``qr`` events follow). Returns once the
        handshake succeeded; ``connected`` is emitted when the login is accepted."""
        return _Call("connect", {})

    @_twin
    def disconnect(self) -> _Call:
        """Closes the connection and stops reconnecting; the pairing is kept."""
        return _Call("disconnect", {})

    @_twin
    def logout(self) -> _Call:
        """Unlinks this device from the phone and deletes its keys."""
        return _Call("logout", {})

    @_twin
    def pair_phone(
        self,
        phone: str,
        *,
        show_push_notification: bool = True,
        client_type: str = "chrome",
        display_name: str = "Chrome (Linux)",
    ) -> _Call:
        """Pairs by phone number instead of a QR scan: returns the code (``XXXX-XXXX``) to
        type on the phone. Call after ``connect()``, once the first ``qr`` event came."""
        args = {
            "phone": _str(phone, "phone"),
            "show_push_notification": _flag(show_push_notification, "show_push_notification"),
            "client_type": _str(client_type, "client_type"),
            "display_name": _str(display_name, "display_name"),
        }
        return _Call("pair_phone", args, str)

    @_twin
    def set_push_name(self, name: str) -> _Call:
        """Sets and saves the name shown to contacts."""
        return _Call("set_push_name", {"name": _str(name, "name")})

    # -- messaging -------------------------------------------------------------------------
    # Chats and senders are JIDs ("123@s.whatsapp.net", "...@g.us", "...@lid") or bare phone
    # numbers.
    @_twin
    def send_text(
        self,
        to: str,
        text: str,
        *,
        id: Optional[str] = None,
        reply_to: Optional[MessageEvent] = None,
        mentions: Sequence[str] = (),
    ) -> _Call:
        """Sends ``text`` to ``to`` (a user or a group); returns once the server accepted it.
        ``id``: our own message id (default: a new one); ``reply_to``: a received message to
        quote; ``mentions``: JIDs of mentioned users (write them as ``@<number>`` in text)."""
        args = {
            "to": _str(to, "to"),
            "text": _str(text, "text"),
            "id": _opt_str(id, "id"),
            "reply_to": _quote(reply_to),
            "mentions": _strings(mentions, "mentions"),
        }
        return _Call("send_text", args, _sent)

    @_twin
    def send_message(self, to: str, message: bytes, *, id: Optional[str] = None) -> _Call:
        """Sends any message: ``message`` is an encoded ``Message`` protobuf (the schema of
        ``MessageContent.raw``)."""
        args = {"to": _str(to, "to"), "message": _b64(message, "message"), "id": _opt_str(id, "id")}
        return _Call("send_message", args, _sent)

    # -- media -----------------------------------------------------------------------------
    # Each uploads the file (encrypted with a fresh key) and sends the message describing it.
    @_twin
    def send_image(
        self,
        to: str,
        data: bytes,
        *,
        mimetype: str = "image/jpeg",
        caption: Optional[str] = None,
        id: Optional[str] = None,
    ) -> _Call:
        """Sends ``data`` as an image, with an optional ``caption``."""
        return _media(to, data, "image", mimetype, caption=caption, id=id)

    @_twin
    def send_video(
        self,
        to: str,
        data: bytes,
        *,
        mimetype: str = "video/mp4",
        caption: Optional[str] = None,
        id: Optional[str] = None,
    ) -> _Call:
        """Sends ``data`` as a video, with an optional ``caption``."""
        return _media(to, data, "video", mimetype, caption=caption, id=id)

    @_twin
    def send_audio(
        self,
        to: str,
        data: bytes,
        *,
        mimetype: str = "audio/ogg; codecs=opus",
        voice_note: bool = True,
        id: Optional[str] = None,
    ) -> _Call:
        """Sends ``data`` as audio: a voice note (the default) or an audio file."""
        return _media(to, data, "audio", mimetype, voice_note=voice_note, id=id)

    @_twin
    def send_document(
        self,
        to: str,
        data: bytes,
        file_name: str,
        *,
        mimetype: str = "application/octet-stream",
        caption: Optional[str] = None,
        id: Optional[str] = None,
    ) -> _Call:
        """Sends ``data`` as a document named ``file_name``."""
        file_name = _str(file_name, "file_name")
        return _media(to, data, "document", mimetype, caption=caption, file_name=file_name, id=id)

    @_twin
    def send_sticker(
        self, to: str, data: bytes, *, mimetype: str = "image/webp", id: Optional[str] = None
    ) -> _Call:
        """Sends ``data`` (a WebP image) as a sticker."""
        return _media(to, data, "sticker", mimetype, id=id)

    @_twin
    def download(self, message: Union[MessageEvent, MessageContent, bytes]) -> _Call:
        """The file of a received image, video, audio, document or sticker message,
        downloaded, verified and decrypted."""
        return _Call("download", {"message": _b64(_raw_message(message), "message")})

    # -- groups and users ------------------------------------------------------------------
    # Groups are "<id>@g.us" JIDs; users are JIDs or bare phone numbers.
    @_twin
    def joined_groups(self) -> _Call:
        """Every group we are in, with its members."""
        return _Call("joined_groups", {}, lambda groups: [GroupInfo.from_json(g) for g in groups])

    @_twin
    def group_info(self, group: str) -> _Call:
        """A group's metadata and members."""
        return _Call("group_info", {"group": _str(group, "group")}, GroupInfo.from_json)

    @_twin
    def create_group(self, name: str, participants: Sequence[str] = ()) -> _Call:
        """Creates a group with us as its admin and ``participants`` in it."""
        args = {"name": _str(name, "name"), "participants": _strings(participants, "participants")}
        return _Call("create_group", args, GroupInfo.from_json)

    @_twin
    def set_group_name(self, group: str, name: str) -> _Call:
        """Renames the group (members get a ``GroupInfoEvent``)."""
        return _Call("set_group_name", {"group": group, "text": _str(name, "name")})

    @_twin
    def set_group_topic(self, group: str, topic: str) -> _Call:
        """Sets the description; an empty ``topic`` deletes it."""
        return _Call("set_group_topic", {"group": group, "text": _str(topic, "topic")})

    @_twin
    def set_group_announce(self, group: str, announce: bool) -> _Call:
        """Announce mode: only admins may send."""
        return _Call("set_group_announce", {"group": group, "on": _flag(announce, "announce")})

    @_twin
    def set_group_locked(self, group: str, locked: bool) -> _Call:
        """Locked: only admins may edit the group info."""
        return _Call("set_group_locked", {"group": group, "on": _flag(locked, "locked")})

    @_twin
    def group_invite_link(self, group: str, *, reset: bool = False) -> _Call:
        """``https://chat.whatsapp.com/<code>``; ``reset`` revokes the old link first."""
        return _Call("group_invite_link", {"group": group, "reset": _flag(reset, "reset")})

    @_twin
    def join_group_with_link(self, link: str) -> _Call:
        """Joins by invite link (or its code); returns the group's JID."""
        return _Call("join_group_with_link", {"link": _str(link, "link")})

    @_twin
    def leave_group(self, group: str) -> _Call:
        """Leaves the group."""
        return _Call("leave_group", {"group": group})

    @_twin
    def update_group_participants(
        self, group: str, participants: Sequence[str], action: str
    ) -> _Call:
        """``action``: ``add``, ``remove``, ``promote`` or ``demote``; one result per member."""
        args = {
            "group": group,
            "participants": _strings(participants, "participants"),
            "action": _str(action, "action"),
        }
        read = lambda updates: [ParticipantUpdate.from_json(u) for u in updates]  # noqa: E731
        return _Call("update_group_participants", args, read)

    @_twin
    def is_on_whatsapp(self, phones: Sequence[str]) -> _Call:
        """Which of ``phones`` (international numbers) have a WhatsApp account."""
        read = lambda answers: [IsOnWhatsApp.from_json(r) for r in answers]  # noqa: E731
        return _Call("is_on_whatsapp", {"phones": _strings(phones, "phones")}, read)

    @_twin
    def user_info(self, users: Sequence[str]) -> _Call:
        """Status, picture id, devices and LID of each user, by JID."""
        read = lambda infos: {jid: UserInfo.from_json(i) for jid, i in infos.items()}  # noqa: E731
        return _Call("user_info", {"users": _strings(users, "users")}, read)

    @_twin
    def profile_picture(self, user: str, *, preview: bool = False) -> _Call:
        """Where to download ``user``'s (or a group's) picture; None when there is none."""
        args = {"user": _str(user, "user"), "preview": _flag(preview, "preview")}
        read = lambda p: None if p is None else ProfilePicture.from_json(p)  # noqa: E731
        return _Call("profile_picture", args, read)

    @_twin
    def set_group_photo(self, group: str, jpeg: Optional[bytes]) -> _Call:
        """Sets a group's picture (a JPEG) or removes it (None); returns the new picture id."""
        return _Call("set_group_photo", {"group": group, "image": _b64(jpeg)})

    @_twin
    def set_profile_picture(self, jpeg: Optional[bytes]) -> _Call:
        """Sets our own picture (a square JPEG) or removes it (None); returns its id."""
        return _Call("set_profile_picture", {"image": _b64(jpeg)})

    @_twin
    def get_blocklist(self) -> _Call:
        """The users we blocked."""
        return _Call("get_blocklist", {}, Blocklist.from_json)

    @_twin
    def update_blocklist(self, jid: str, action: str) -> _Call:
        """Blocks (``action="block"``) or unblocks (``"unblock"``) a user; returns the new
        list. A blocked user's messages no longer reach us."""
        args = {"jid": _str(jid, "jid"), "action": _str(action, "action")}
        return _Call("update_blocklist", args, Blocklist.from_json)

    @_twin
    def send_reaction(
        self, chat: str, sender: str, id: str, emoji: str, *, from_me: bool = False
    ) -> _Call:
        """Reacts with ``emoji`` to message ``id`` in ``chat`` written by ``sender``
        (``from_me``: written by us). An empty ``emoji`` removes our reaction."""
        args = {
            "chat": _str(chat, "chat"),
            "sender": _str(sender, "sender"),
            "id": _str(id, "id"),
            "emoji": _str(emoji, "emoji"),
            "from_me": _flag(from_me, "from_me"),
        }
        return _Call("send_reaction", args, _sent)

    @_twin
    def mark_read(self, ids: Sequence[str], chat: str, sender: Optional[str] = None) -> _Call:
        """Marks messages ``ids`` of ``chat`` read; ``sender`` is their author in a group."""
        args = {"ids": _ids(ids), "chat": _str(chat, "chat"), "sender": _opt_str(sender, "sender")}
        return _Call("mark_read", args)

    @_twin
    def send_receipt(
        self, ids: Sequence[str], chat: str, receipt_type: str, sender: Optional[str] = None
    ) -> _Call:
        """A receipt of another kind: ``"played"`` (voice notes), ``"read-self"``,
        ``"played-self"`` or ``"read"``."""
        args = {
            "ids": _ids(ids),
            "chat": _str(chat, "chat"),
            "sender": _opt_str(sender, "sender"),
            "receipt_type": _str(receipt_type, "receipt_type"),
        }
        return _Call("send_receipt", args)

    @_twin
    def send_presence(self, presence: str) -> _Call:
        """``"available"`` or ``"unavailable"``: whether our contacts see us online."""
        return _Call("send_presence", {"presence": _str(presence, "presence")})

    @_twin
    def send_chat_presence(self, chat: str, state: str, media: str = "text") -> _Call:
        """Typing in ``chat``: ``state`` ``"composing"`` or ``"paused"``; ``media``
        ``"text"`` or ``"audio"`` (recording)."""
        args = {"chat": _str(chat, "chat"), "state": _str(state, "state"), "media": _str(media, "media")}
        return _Call("send_chat_presence", args)

    @_twin
    def subscribe_presence(self, jid: str) -> _Call:
        """Asks for ``presence`` events about ``jid`` (a user)."""
        return _Call("subscribe_presence", {"jid": _str(jid, "jid")})

    # -- status ----------------------------------------------------------------------------
    @property
    def qr(self) -> Optional[str]:
        """The QR code to show now, while the device waits to be paired."""
        return self._native.qr  # type: ignore[no-any-return]

    @property
    def is_connected(self) -> bool:
        """Whether the connection is up."""
        return bool(self._native.is_connected)

    @property
    def is_logged_in(self) -> bool:
        """Whether the device is logged in (connected and accepted)."""
        return bool(self._native.is_logged_in)

    @property
    def jid(self) -> Optional[str]:
        """Our device JID (``user:device@s.whatsapp.net``), once paired."""
        return self._native.jid  # type: ignore[no-any-return]

    @property
    def lid(self) -> Optional[str]:
        """Our LID (``…@lid``) once known, else ``None``."""
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
        self.disconnect()
        self._stop_dispatcher()

    async def close_async(self) -> None:
        """``close()`` for asyncio: disconnects and stops the dispatcher."""
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
