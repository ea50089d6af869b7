"""Typed events: one frozen dataclass per ``type`` of the core's event JSON (the schema
shared with C, Node and the REST server). Unknown types (from a newer core) arrive as
``UnknownEvent`` instead of failing.

The classes are declared once, by their fields: subclassing ``Record`` (nested data) or
``Event`` (with ``type="..."``) makes the class a frozen dataclass, registers an event under
its JSON type, and ``from_json`` builds it, nested records included, from the JSON object. A
field whose JSON key differs (``from``, a Python keyword) or whose value needs decoding
(base64) says so with ``json_field``. Nested records may also come as lists (``List[Record]``).
"""

from __future__ import annotations

import base64
import dataclasses
import json
import sys
import typing
from dataclasses import dataclass, field
from typing import Any, Callable, ClassVar, Dict, List, Mapping, Optional, Type, TypeVar

R = TypeVar("R", bound="Record")


def json_field(
    key: Optional[str] = None, decode: Optional[Callable[[Any], Any]] = None, **kwargs: Any
) -> Any:
    """A dataclass field read from JSON key ``key`` (default: the field's name), passed
    through ``decode`` when present and not null."""
    metadata = {"json_key": key, "decode": decode}
    return field(metadata=metadata, **kwargs)


def _record_type(hint: Any) -> Optional[Type["Record"]]:
    """The ``Record`` class a field holds (directly or as ``Optional``), if any."""
    if isinstance(hint, type) and issubclass(hint, Record):
        return hint
    if typing.get_origin(hint) is typing.Union:
        for arg in typing.get_args(hint):
            if isinstance(arg, type) and issubclass(arg, Record):
                return arg
    return None


def _record_list_type(hint: Any) -> Optional[Type["Record"]]:
    """The ``Record`` class of the items of a ``List[...]`` field, if any."""
    if typing.get_origin(hint) is list:
        args = typing.get_args(hint)
        if len(args) == 1:
            return _record_type(args[0])
    return None


_HINTS: Dict[type, Dict[str, Any]] = {}


def _hints(cls: type) -> Dict[str, Any]:
    """The resolved field annotations of ``cls`` (the module uses postponed annotations)."""
    hints = _HINTS.get(cls)
    if hints is None:
        hints = typing.get_type_hints(cls, vars(sys.modules[cls.__module__]))
        _HINTS[cls] = hints
    return hints


class Record:
    """Base of the typed JSON records; subclasses become frozen dataclasses."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        dataclass(frozen=True)(cls)

    @classmethod
    def from_json(cls: Type[R], data: Mapping[str, Any]) -> R:
        """Builds the record from a JSON object; keys it does not know (added by a newer
        core) are ignored, a missing key takes the field's default or ``None``."""
        hints = _hints(cls)
        values: Dict[str, Any] = {}
        for f in dataclasses.fields(cls):  # type: ignore[arg-type]
            key = f.metadata.get("json_key") or f.name
            if key not in data:
                if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                    values[f.name] = None
                continue
            value = data[key]
            decode = f.metadata.get("decode")
            hint = hints.get(f.name)
            nested = _record_type(hint)
            items = _record_list_type(hint)
            if value is not None and decode is not None:
                value = decode(value)
            elif value is not None and nested is not None and isinstance(value, Mapping):
                value = nested.from_json(value)
            elif isinstance(value, list) and items is not None:
                value = [items.from_json(v) if isinstance(v, Mapping) else v for v in value]
            values[f.name] = value
        return cls(**values)


#: Event classes by JSON ``type``, filled in as the classes are declared.
EVENT_TYPES: Dict[str, Type["Event"]] = {}


class Event(Record):
    """Base class of every event; ``type`` is the JSON ``type`` field."""

    type: ClassVar[str] = ""

    def __init_subclass__(cls, type: str = "", register: bool = True, **kwargs: Any) -> None:
        cls.type = type
        super().__init_subclass__(**kwargs)
        if type and register:
            EVENT_TYPES[type] = cls


# -- connection and pairing -------------------------------------------------------------------
class QrEvent(Event, type="qr"):
    """A QR code to show; the phone scans it. Replaced by the next one after ``timeout_ms``."""

    code: str
    timeout_ms: int


class QrTimeoutEvent(Event, type="qr_timeout"):
    """Every QR code expired unscanned; the client disconnected."""


class PairSuccessEvent(Event, type="pair_success"):
    """The phone linked this device; a reconnect with the login follows."""

    jid: str
    lid: Optional[str]
    platform: str
    business_name: str


class PairErrorEvent(Event, type="pair_error"):
    """Pairing failed after the phone scanned; ``reason`` says why."""

    reason: str


class ConnectedEvent(Event, type="connected"):
    """Logged in: the server accepted us and the post-login set-up is done."""


class DisconnectedEvent(Event, type="disconnected"):
    """The connection ended; the client reconnects by itself unless a terminal event came."""

    reason: str


class LoggedOutEvent(Event, type="logged_out"):
    """The device was unlinked; its keys were deleted."""

    reason: str
    on_connect: bool


class StreamReplacedEvent(Event, type="stream_replaced"):
    """Another connection of the same device took over."""


class TemporaryBanEvent(Event, type="temporary_ban"):
    """The account is banned for ``expire_secs`` seconds (``code``: the reason); a final event."""

    code: int
    expire_secs: int


class ClientOutdatedEvent(Event, type="client_outdated"):
    """The server rejected our web version."""


class ConnectFailureEvent(Event, type="connect_failure"):
    """The server refused the login with ``reason`` (a numeric code) and ``message``."""

    reason: int
    message: str


class StreamErrorEvent(Event, type="stream_error"):
    """The server ended the stream with the error ``code``."""

    code: str


class OfflineSyncCompletedEvent(Event, type="offline_sync_completed"):
    """Offline messages queued while we were away have all been delivered."""

    count: int


# -- messages ---------------------------------------------------------------------------------
class MessageInfo(Record):
    """Who sent a message, where and when (the ``<message>`` stanza's attributes)."""

    id: str
    #: The conversation: the group, or the other user (no device) in a one-to-one chat.
    chat: str
    #: The sending device.
    sender: str
    sender_alt: Optional[str]
    recipient_alt: Optional[str]
    is_from_me: bool
    is_group: bool
    addressing_mode: Optional[str]
    push_name: Optional[str]
    #: Server time, unix seconds.
    timestamp: int
    message_type: str
    category: Optional[str]
    edit: Optional[str]
    media_type: Optional[str]
    server_id: Optional[int]
    multicast: bool


class Reaction(Record):
    """A reaction's target message and emoji (empty: the reaction was removed)."""

    chat: Optional[str]
    id: str
    from_me: bool
    participant: Optional[str]
    emoji: str


class MessageContent(Record):
    """What a message says. ``raw`` is the ``Message`` protobuf (for everything else)."""

    #: ``text``, ``reaction``, ``edit``, ``revoke``, ``protocol``, ``image``, ``video``,
    #: ``audio``, ``document``, ``sticker``, ``location``, ``contact``, ``poll``, ``poll_vote``
    #: or ``other`` (the JSON's ``edit``, ``revoke``, ``poll`` and ``poll_vote`` keys, see
    #: EVENTS.md, describe the last four).
    kind: str
    text: Optional[str]
    reply_to: Optional[str]
    reply_to_sender: Optional[str]
    mentions: List[str]
    reaction: Optional[Reaction]
    #: The wrappers the message came in (``ephemeral``, ``view_once``, ``device_sent``, ...).
    flags: Dict[str, Any]
    raw: bytes = json_field(decode=base64.b64decode, default=b"")


class MessageEvent(Event, type="message"):
    """A message was received (or sent by another device of ours: ``info.is_from_me``)."""

    info: MessageInfo
    message: MessageContent


class ReceiptEvent(Event, type="receipt"):
    """Receipts for messages we sent: ``receipt_type`` is ``delivered``, ``read``,
    ``played``, ``sender``, ``read-self``, ``played-self``, ``inactive``..."""

    receipt_type: str
    ids: List[str]
    chat: str
    sender: Optional[str]
    sender_alt: Optional[str]
    is_group: bool
    timestamp: Optional[int]


class UndecryptableMessageEvent(Event, type="undecryptable_message"):
    """A message could not be decrypted (a retry was requested); ``unavailable``: the server
    had no content for us."""

    info: MessageInfo
    reason: str
    unavailable: bool


class IdentityChangeEvent(Event, type="identity_change"):
    """A contact's identity key changed: the new key is trusted and a new session built.
    ``jid`` is the device as its session is addressed, ``jid_alt`` its other identity;
    ``implicit``: noticed on a message rather than announced."""

    jid: str
    jid_alt: Optional[str]
    timestamp: int
    implicit: bool


class PresenceEvent(Event, type="presence"):
    """A contact we subscribed to went online or offline; ``last_seen`` is unix seconds."""

    from_: str = json_field("from")
    available: bool
    last_seen: Optional[int]


class ChatPresenceEvent(Event, type="chat_presence"):
    """Typing in a chat: ``state`` is ``composing`` or ``paused``; ``media`` is ``audio``
    while recording."""

    chat: str
    sender: str
    state: str
    media: Optional[str]


# -- history sync -----------------------------------------------------------------------------
class HistoryMessage(Record):
    """One stored message of a chat in a history sync."""

    id: str
    from_me: bool
    #: The group member who sent it (none in one-to-one chats).
    participant: Optional[str]
    #: Unix seconds.
    timestamp: Optional[int]
    push_name: Optional[str]
    #: What it says; none for a system message without content.
    message: Optional[MessageContent]


class HistoryConversation(Record):
    """A chat and its most recent messages, newest first (as the phone sends them)."""

    #: The chat's JID (a user, a group, a LID...).
    chat: str
    #: The group subject or the contact's name, when the phone sent one.
    name: Optional[str]
    #: Unix seconds of the chat's last activity.
    timestamp: Optional[int]
    unread_count: int
    archived: bool
    messages: List[HistoryMessage]


class PushName(Record):
    """The name a contact chose for itself."""

    jid: str
    name: str


class LidMapping(Record):
    """A phone-number JID (``user@s.whatsapp.net``) and its LID (``user@lid``)."""

    pn: str
    lid: str


class HistorySyncEvent(Event, type="history_sync"):
    """A history-sync chunk our phone sent (after linking, then now and then), downloaded and
    decoded. ``sync_type`` is ``initial_bootstrap``, ``recent``, ``full``, ``push_name``,
    ``on_demand``... (``unknown_N`` for a newer value); ``raw`` is the whole ``HistorySync``
    protobuf (for the fields not spelled out here)."""

    sync_type: str
    #: Position of this chunk among the chunks of one sync (from 1).
    chunk_order: Optional[int]
    #: How far the whole sync is, in percent.
    progress: Optional[int]
    conversations: List[HistoryConversation]
    push_names: List[PushName]
    #: Phone-number <-> LID pairs (already saved to the client's LID map).
    lid_mappings: List[LidMapping]
    raw: bytes = json_field(decode=base64.b64decode, default=b"")


# -- groups ---------------------------------------------------------------------------------
class GroupParticipant(Record):
    """A group member: ``jid`` as the group addresses it, with its other identities."""

    jid: str
    lid: Optional[str]
    phone_number: Optional[str]
    is_admin: bool
    is_super_admin: bool


class GroupInfo(Record):
    """A group's metadata and members (times in unix seconds)."""

    jid: str
    name: str
    name_set_by: Optional[str]
    name_set_at: Optional[int]
    #: The description; empty when there is none.
    topic: str
    topic_id: Optional[str]
    topic_set_by: Optional[str]
    topic_set_at: Optional[int]
    owner: Optional[str]
    created: Optional[int]
    #: Only admins may send.
    announce: bool
    #: Only admins may edit the group info.
    locked: bool
    ephemeral_secs: Optional[int]
    participant_count: Optional[int]
    participants: List[GroupParticipant] = field(default_factory=list)


class GroupName(Record):
    """A group's name, with who set it and when."""

    name: str
    set_by: Optional[str]
    set_at: Optional[int]


class GroupTopic(Record):
    """A group's topic (description), with who set it and when."""

    topic: str
    id: Optional[str]
    set_by: Optional[str]
    set_at: int
    deleted: bool


class GroupInfoEvent(Event, type="group_info"):
    """A group we are in changed: only what changed is set (the others are None or empty)."""

    jid: str
    sender: Optional[str]
    notify: Optional[str]
    timestamp: int
    name: Optional[GroupName]
    topic: Optional[GroupTopic]
    announce: Optional[bool]
    locked: Optional[bool]
    ephemeral_secs: Optional[int]
    join: List[str]
    join_reason: Optional[str]
    leave: List[str]
    promote: List[str]
    demote: List[str]
    new_invite_link: Optional[str]
    deleted: Optional[str]
    unknown: List[str]


class JoinedGroupEvent(Event, type="joined_group"):
    """We are in a new group (created with us in it)."""

    sender: Optional[str]
    notify: Optional[str]
    reason: Optional[str]
    group: GroupInfo


# -- app state -------------------------------------------------------------------------------
class AppStateEvent(Event, type="app_state"):
    """A change of the account's app state (made on the phone, another companion or here);
    the store is already updated."""

    collection: str
    #: What changed: ``contact``, ``push_name``, ``locale``, ``mute``, ``pin``, ``archive``,
    #: ``star``, ``mark_chat_as_read``, ``delete_chat``, ``clear_chat``,
    #: ``delete_message_for_me``, ``unarchive_chats_setting``, ``label_edit``, ``label_chat``,
    #: ``label_message`` or ``other``; only that kind's fields are set, the others are None.
    kind: str
    timestamp_ms: Optional[int]
    full_sync: bool
    chat: Optional[str]
    jid: Optional[str]
    full_name: Optional[str]
    first_name: Optional[str]
    lid: Optional[str]
    name: Optional[str]
    locale: Optional[str]
    muted: Optional[bool]
    until_ms: Optional[int]
    pinned: Optional[bool]
    archived: Optional[bool]
    sender: Optional[str]
    message_id: Optional[str]
    from_me: Optional[bool]
    starred: Optional[bool]
    read: Optional[bool]
    delete_media: Optional[bool]
    unarchive_chats: Optional[bool]
    label_id: Optional[str]
    color: Optional[int]
    deleted: Optional[bool]
    labeled: Optional[bool]
    #: For ``other``: the action's index, which this version does not interpret.
    index: Optional[List[str]]


class AppStateSyncCompleteEvent(Event, type="app_state_sync_complete"):
    """A collection is up to date."""

    collection: str
    version: int
    full_sync: bool


class AppStateSyncErrorEvent(Event, type="app_state_sync_error"):
    """A collection could not be synced; ``recovery`` says what the client does about it
    (``key_requested``, ``snapshot_refetched`` or ``gave_up``). Never a logout."""

    collection: str
    reason: str
    recovery: str


# -- privacy and blocklist ------------------------------------------------------------------
class PrivacySettingsEvent(Event, type="privacy_settings"):
    """Our privacy settings changed (here or on another device of ours): the settings that
    changed hold their new value (``all``, ``contacts``, ``none``...), the others ``None``."""

    last_seen: Optional[str] = None
    online: Optional[str] = None
    profile: Optional[str] = None
    status: Optional[str] = None
    read_receipts: Optional[str] = None
    group_add: Optional[str] = None
    call_add: Optional[str] = None
    messages: Optional[str] = None


class BlocklistChange(Record):
    """One user blocked or unblocked (``action``: ``block`` or ``unblock``)."""

    jid: str
    action: str


class BlocklistEvent(Event, type="blocklist"):
    """Our blocklist changed on another device of ours; ``dhash`` is the new list's hash."""

    dhash: str
    changes: List[BlocklistChange] = field(default_factory=list)


class UnknownEvent(Event, type="unknown", register=False):
    """An event type this version of the package has no class for."""

    event_type: str
    data: Dict[str, Any] = field(default_factory=dict)


def event_type_of(event: Event) -> str:
    """The JSON ``type`` of ``event`` (for ``UnknownEvent``, the type it arrived with)."""
    if isinstance(event, UnknownEvent):
        return event.event_type
    return event.type


def parse_event(raw: str) -> Event:
    """Builds the dataclass of one event from the core's JSON."""
    data = json.loads(raw)
    kind = data.pop("type", "")
    cls = EVENT_TYPES.get(kind)
    if cls is None:
        return UnknownEvent(event_type=kind, data=data)
    return cls.from_json(data)


__all__ = [
    "Event",
    "QrEvent",
    "QrTimeoutEvent",
    "PairSuccessEvent",
    "PairErrorEvent",
    "ConnectedEvent",
    "DisconnectedEvent",
    "LoggedOutEvent",
    "StreamReplacedEvent",
    "TemporaryBanEvent",
    "ClientOutdatedEvent",
    "ConnectFailureEvent",
    "StreamErrorEvent",
    "OfflineSyncCompletedEvent",
    "MessageInfo",
    "MessageContent",
    "Reaction",
    "MessageEvent",
    "ReceiptEvent",
    "UndecryptableMessageEvent",
    "IdentityChangeEvent",
    "PresenceEvent",
    "ChatPresenceEvent",
    "HistoryMessage",
    "HistoryConversation",
    "PushName",
    "LidMapping",
    "HistorySyncEvent",
    "GroupParticipant",
    "GroupInfo",
    "GroupName",
    "GroupTopic",
    "GroupInfoEvent",
    "JoinedGroupEvent",
    "AppStateEvent",
    "AppStateSyncCompleteEvent",
    "AppStateSyncErrorEvent",
    "PrivacySettingsEvent",
    "BlocklistChange",
    "BlocklistEvent",
    "UnknownEvent",
    "EVENT_TYPES",
    "parse_event",
]
