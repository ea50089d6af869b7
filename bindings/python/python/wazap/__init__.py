"""wazap: a WhatsApp Web multi-device client, on a Rust core.

    import wazap

    client = wazap.Client("bot.db")

    @client.on("qr")
    def show(ev: wazap.QrEvent) -> None:
        print("scan:", ev.code)

    client.connect()
"""

from ._native import __version__
from ._client import Client
from ._stream import EventStream
from ._results import SendResult
from ._errors import (
    AlreadyConnected,
    AlreadyPaired,
    ConnectionError,
    Error,
    InternalError,
    InvalidArgument,
    NotConnected,
    NotLoggedIn,
    ProtocolError,
    ServerError,
    StoreError,
    Timeout,
)
from ._events import (
    EVENT_TYPES,
    ChatPresenceEvent,
    ClientOutdatedEvent,
    ConnectedEvent,
    ConnectFailureEvent,
    DisconnectedEvent,
    Event,
    LoggedOutEvent,
    MessageContent,
    MessageEvent,
    MessageInfo,
    OfflineSyncCompletedEvent,
    PairErrorEvent,
    PairSuccessEvent,
    QrEvent,
    QrTimeoutEvent,
    PresenceEvent,
    Reaction,
    ReceiptEvent,
    StreamErrorEvent,
    StreamReplacedEvent,
    TemporaryBanEvent,
    UndecryptableMessageEvent,
    IdentityChangeEvent,
    UnknownEvent,
    parse_event,
)

__all__ = [
    "__version__",
    "Client",
    "EventStream",
    "SendResult",
    # errors
    "Error",
    "ConnectionError",
    "NotConnected",
    "AlreadyConnected",
    "NotLoggedIn",
    "AlreadyPaired",
    "Timeout",
    "ServerError",
    "ProtocolError",
    "StoreError",
    "InvalidArgument",
    "InternalError",
    # events
    "EVENT_TYPES",
    "parse_event",
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
    "UnknownEvent",
]
