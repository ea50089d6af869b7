# Type stubs of the public `wazap` package. Kept in sync with the package by
# tests/test_stubs.py (every public name and member, both ways).
import builtins
import os
from dataclasses import dataclass
from typing import (
    Any,
    AsyncIterator,
    Callable,
    ClassVar,
    Dict,
    Iterator,
    Literal,
    Optional,
    Type,
    TypeVar,
    Union,
)

__version__: str

_H = TypeVar("_H", bound=Callable[[Any], Any])
_EventName = Literal[
    "qr",
    "qr_timeout",
    "pair_success",
    "pair_error",
    "connected",
    "disconnected",
    "logged_out",
    "stream_replaced",
    "temporary_ban",
    "client_outdated",
    "connect_failure",
    "stream_error",
    "offline_sync_completed",
    "*",
]
_ClientType = Literal[
    "unknown", "chrome", "edge", "firefox", "ie", "opera", "safari", "electron", "uwp",
    "other_web_client", "macos", "android",
]

# -- errors ----------------------------------------------------------------------------------
class Error(Exception): ...
class ConnectionError(Error, builtins.ConnectionError): ...
class NotConnected(Error): ...
class AlreadyConnected(Error): ...
class NotLoggedIn(Error): ...
class AlreadyPaired(Error): ...
class Timeout(Error, builtins.TimeoutError): ...

class ServerError(Error):
    code: Optional[int]

class ProtocolError(Error): ...
class StoreError(Error): ...
class InvalidArgument(Error, ValueError): ...
class InternalError(Error): ...

# -- events ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Event:
    type: ClassVar[str]

@dataclass(frozen=True)
class QrEvent(Event):
    code: str
    timeout_ms: int

@dataclass(frozen=True)
class QrTimeoutEvent(Event): ...

@dataclass(frozen=True)
class PairSuccessEvent(Event):
    jid: str
    lid: Optional[str]
    platform: str
    business_name: str

@dataclass(frozen=True)
class PairErrorEvent(Event):
    reason: str

@dataclass(frozen=True)
class ConnectedEvent(Event): ...

@dataclass(frozen=True)
class DisconnectedEvent(Event):
    reason: str

@dataclass(frozen=True)
class LoggedOutEvent(Event):
    reason: str
    on_connect: bool

@dataclass(frozen=True)
class StreamReplacedEvent(Event): ...

@dataclass(frozen=True)
class TemporaryBanEvent(Event):
    code: int
    expire_secs: int

@dataclass(frozen=True)
class ClientOutdatedEvent(Event): ...

@dataclass(frozen=True)
class ConnectFailureEvent(Event):
    reason: int
    message: str

@dataclass(frozen=True)
class StreamErrorEvent(Event):
    code: str

@dataclass(frozen=True)
class OfflineSyncCompletedEvent(Event):
    count: int

@dataclass(frozen=True)
class UnknownEvent(Event):
    event_type: str
    data: Dict[str, Any]

EVENT_TYPES: Dict[str, Type[Event]]

def parse_event(raw: str) -> Event: ...

# -- streams and the client ------------------------------------------------------------------
class EventStream:
    def __aiter__(self) -> AsyncIterator[Event]: ...
    async def __anext__(self) -> Event: ...
    def __iter__(self) -> Iterator[Event]: ...
    def __next__(self) -> Event: ...
    def get(self, timeout: Optional[float] = None) -> Optional[Event]: ...
    def close(self) -> None: ...
    @property
    def closed(self) -> bool: ...

class Client:
    def __init__(
        self,
        store_path: Union[str, os.PathLike[str]],
        *,
        account: str = "main",
        url: Optional[str] = None,
        root_key: Optional[str] = None,
        device_name: Optional[str] = None,
        origin: Optional[str] = None,
        proxy: Optional[str] = None,
        language: Optional[str] = None,
        country: Optional[str] = None,
        connect_timeout: Optional[float] = None,
        iq_timeout: Optional[float] = None,
        reconnect: Optional[bool] = None,
        reconnect_base_delay: Optional[float] = None,
        reconnect_max_delay: Optional[float] = None,
        prekey_batch: Optional[int] = None,
    ) -> None: ...
    def connect(self) -> None: ...
    async def connect_async(self) -> None: ...
    def disconnect(self) -> None: ...
    async def disconnect_async(self) -> None: ...
    def logout(self) -> None: ...
    async def logout_async(self) -> None: ...
    def pair_phone(
        self,
        phone: str,
        *,
        show_push_notification: bool = True,
        client_type: _ClientType = "chrome",
        display_name: str = "Chrome (Linux)",
    ) -> str: ...
    async def pair_phone_async(
        self,
        phone: str,
        *,
        show_push_notification: bool = True,
        client_type: _ClientType = "chrome",
        display_name: str = "Chrome (Linux)",
    ) -> str: ...
    def set_push_name(self, name: str) -> None: ...
    async def set_push_name_async(self, name: str) -> None: ...
    @property
    def qr(self) -> Optional[str]: ...
    @property
    def is_connected(self) -> bool: ...
    @property
    def is_logged_in(self) -> bool: ...
    @property
    def jid(self) -> Optional[str]: ...
    @property
    def lid(self) -> Optional[str]: ...
    def on(self, event: Union[_EventName, Type[Event], None] = None) -> Callable[[_H], _H]: ...
    def add_handler(
        self, handler: Callable[[Any], Any], event: Union[_EventName, Type[Event], None] = None
    ) -> None: ...
    def remove_handler(self, handler: Callable[[Any], Any]) -> bool: ...
    def events(self) -> EventStream: ...
    def close(self) -> None: ...
    async def close_async(self) -> None: ...
    def __enter__(self) -> Client: ...
    def __exit__(self, *exc: object) -> None: ...
    async def __aenter__(self) -> Client: ...
    async def __aexit__(self, *exc: object) -> None: ...
