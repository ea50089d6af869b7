"""Typed events: one frozen dataclass per ``type`` of the core's event JSON (the schema
shared with C, Node and the REST server). Unknown types (from a newer core) arrive as
``UnknownEvent`` instead of failing.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from typing import Any, ClassVar, Dict, Optional, Type


@dataclass(frozen=True)
class Event:
    """Base class of every event; ``type`` is the JSON ``type`` field."""

    type: ClassVar[str] = ""


@dataclass(frozen=True)
class QrEvent(Event):
    """A QR code to show; the phone scans it. Replaced by the next one after ``timeout_ms``."""

    type: ClassVar[str] = "qr"
    code: str
    timeout_ms: int


@dataclass(frozen=True)
class QrTimeoutEvent(Event):
    """Every QR code expired unscanned; the client disconnected."""

    type: ClassVar[str] = "qr_timeout"


@dataclass(frozen=True)
class PairSuccessEvent(Event):
    """The phone linked this device; a reconnect with the login follows."""

    type: ClassVar[str] = "pair_success"
    jid: str
    lid: Optional[str]
    platform: str
    business_name: str


@dataclass(frozen=True)
class PairErrorEvent(Event):
    type: ClassVar[str] = "pair_error"
    reason: str


@dataclass(frozen=True)
class ConnectedEvent(Event):
    """Logged in: the server accepted us and the post-login set-up is done."""

    type: ClassVar[str] = "connected"


@dataclass(frozen=True)
class DisconnectedEvent(Event):
    """The connection ended; the client reconnects by itself unless a terminal event came."""

    type: ClassVar[str] = "disconnected"
    reason: str


@dataclass(frozen=True)
class LoggedOutEvent(Event):
    """The device was unlinked; its keys were deleted."""

    type: ClassVar[str] = "logged_out"
    reason: str
    on_connect: bool


@dataclass(frozen=True)
class StreamReplacedEvent(Event):
    """Another connection of the same device took over."""

    type: ClassVar[str] = "stream_replaced"


@dataclass(frozen=True)
class TemporaryBanEvent(Event):
    type: ClassVar[str] = "temporary_ban"
    code: int
    expire_secs: int


@dataclass(frozen=True)
class ClientOutdatedEvent(Event):
    """The server rejected our web version."""

    type: ClassVar[str] = "client_outdated"


@dataclass(frozen=True)
class ConnectFailureEvent(Event):
    type: ClassVar[str] = "connect_failure"
    reason: int
    message: str


@dataclass(frozen=True)
class StreamErrorEvent(Event):
    type: ClassVar[str] = "stream_error"
    code: str


@dataclass(frozen=True)
class OfflineSyncCompletedEvent(Event):
    """Offline messages queued while we were away have all been delivered."""

    type: ClassVar[str] = "offline_sync_completed"
    count: int


@dataclass(frozen=True)
class UnknownEvent(Event):
    """An event type this version of the package has no class for."""

    type: ClassVar[str] = "unknown"
    event_type: str
    data: Dict[str, Any] = field(default_factory=dict)


EVENT_TYPES: Dict[str, Type[Event]] = {
    cls.type: cls
    for cls in (
        QrEvent,
        QrTimeoutEvent,
        PairSuccessEvent,
        PairErrorEvent,
        ConnectedEvent,
        DisconnectedEvent,
        LoggedOutEvent,
        StreamReplacedEvent,
        TemporaryBanEvent,
        ClientOutdatedEvent,
        ConnectFailureEvent,
        StreamErrorEvent,
        OfflineSyncCompletedEvent,
    )
}


def event_type_of(event: Event) -> str:
    """The JSON ``type`` of ``event`` (for ``UnknownEvent``, the type it arrived with)."""
    if isinstance(event, UnknownEvent):
        return event.event_type
    return event.type


def parse_event(raw: str) -> Event:
    """Builds the dataclass of one event from the core's JSON. Keys the class does not know
    (added by a newer core) are ignored."""
    data = json.loads(raw)
    kind = data.pop("type", "")
    cls = EVENT_TYPES.get(kind)
    if cls is None:
        return UnknownEvent(event_type=kind, data=data)
    names = {f.name for f in dataclasses.fields(cls)}
    return cls(**{k: v for k, v in data.items() if k in names})


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
    "UnknownEvent",
    "EVENT_TYPES",
    "parse_event",
]
