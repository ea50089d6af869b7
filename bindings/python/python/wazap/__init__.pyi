# Type stubs of the public `wazap` package. Kept in sync with the package by
# tests/test_stubs.py (every public name and member, both ways).
from __future__ import annotations

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
    List,
    Literal,
    Optional,
    Sequence,
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
    "message",
    "receipt",
    "undecryptable_message",
    "identity_change",
    "presence",
    "chat_presence",
    "history_sync",
    "group_info",
    "joined_group",
    "app_state",
    "app_state_sync_complete",
    "app_state_sync_error",
    "privacy_settings",
    "blocklist",
    "*",
]
_ClientType = Literal[
    "unknown", "chrome", "edge", "firefox", "ie", "opera", "safari", "electron", "uwp",
    "other_web_client", "macos", "android",
]

_ReceiptType = Literal["read", "read-self", "played", "played-self"]
_BlocklistAction = Literal["block", "unblock"]

# -- errors ----------------------------------------------------------------------------------
class Error(Exception):
    kind: Optional[str]

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
class MessageInfo:
    id: str
    chat: str
    sender: str
    sender_alt: Optional[str]
    recipient_alt: Optional[str]
    is_from_me: bool
    is_group: bool
    addressing_mode: Optional[str]
    push_name: Optional[str]
    timestamp: int
    message_type: str
    category: Optional[str]
    edit: Optional[str]
    media_type: Optional[str]
    server_id: Optional[int]
    multicast: bool

@dataclass(frozen=True)
class Reaction:
    chat: Optional[str]
    id: str
    from_me: bool
    participant: Optional[str]
    emoji: str

@dataclass(frozen=True)
class MessageContent:
    kind: str
    text: Optional[str]
    reply_to: Optional[str]
    reply_to_sender: Optional[str]
    mentions: List[str]
    reaction: Optional[Reaction]
    flags: Dict[str, Any]
    raw: bytes = b""

@dataclass(frozen=True)
class MessageEvent(Event):
    info: MessageInfo
    message: MessageContent

@dataclass(frozen=True)
class ReceiptEvent(Event):
    receipt_type: str
    ids: List[str]
    chat: str
    sender: Optional[str]
    sender_alt: Optional[str]
    is_group: bool
    timestamp: Optional[int]

@dataclass(frozen=True)
class UndecryptableMessageEvent(Event):
    info: MessageInfo
    reason: str
    unavailable: bool

@dataclass(frozen=True)
class IdentityChangeEvent(Event):
    jid: str
    jid_alt: Optional[str]
    timestamp: int
    implicit: bool

@dataclass(frozen=True)
class PresenceEvent(Event):
    from_: str
    available: bool
    last_seen: Optional[int]

@dataclass(frozen=True)
class ChatPresenceEvent(Event):
    chat: str
    sender: str
    state: str
    media: Optional[str]

@dataclass(frozen=True)
class HistoryMessage:
    id: str
    from_me: bool
    participant: Optional[str]
    timestamp: Optional[int]
    push_name: Optional[str]
    message: Optional[MessageContent]

@dataclass(frozen=True)
class HistoryConversation:
    chat: str
    name: Optional[str]
    timestamp: Optional[int]
    unread_count: int
    archived: bool
    messages: List[HistoryMessage]

@dataclass(frozen=True)
class PushName:
    jid: str
    name: str

@dataclass(frozen=True)
class LidMapping:
    pn: str
    lid: str

@dataclass(frozen=True)
class HistorySyncEvent(Event):
    sync_type: str
    chunk_order: Optional[int]
    progress: Optional[int]
    conversations: List[HistoryConversation]
    push_names: List[PushName]
    lid_mappings: List[LidMapping]
    raw: bytes = b""

@dataclass(frozen=True)
class GroupParticipant:
    jid: str
    lid: Optional[str]
    phone_number: Optional[str]
    is_admin: bool
    is_super_admin: bool

@dataclass(frozen=True)
class GroupInfo:
    jid: str
    name: str
    name_set_by: Optional[str]
    name_set_at: Optional[int]
    topic: str
    topic_id: Optional[str]
    topic_set_by: Optional[str]
    topic_set_at: Optional[int]
    owner: Optional[str]
    created: Optional[int]
    announce: bool
    locked: bool
    ephemeral_secs: Optional[int]
    participant_count: Optional[int]
    participants: List[GroupParticipant] = ...

@dataclass(frozen=True)
class GroupName:
    name: str
    set_by: Optional[str]
    set_at: Optional[int]

@dataclass(frozen=True)
class GroupTopic:
    topic: str
    id: Optional[str]
    set_by: Optional[str]
    set_at: int
    deleted: bool

@dataclass(frozen=True)
class GroupInfoEvent(Event):
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

@dataclass(frozen=True)
class JoinedGroupEvent(Event):
    sender: Optional[str]
    notify: Optional[str]
    reason: Optional[str]
    group: GroupInfo

@dataclass(frozen=True)
class AppStateEvent(Event):
    collection: str
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
    index: Optional[List[str]]

@dataclass(frozen=True)
class AppStateSyncCompleteEvent(Event):
    collection: str
    version: int
    full_sync: bool

@dataclass(frozen=True)
class AppStateSyncErrorEvent(Event):
    collection: str
    reason: str
    recovery: str

@dataclass(frozen=True)
class PrivacySettingsEvent(Event):
    last_seen: Optional[str]
    online: Optional[str]
    profile: Optional[str]
    status: Optional[str]
    read_receipts: Optional[str]
    group_add: Optional[str]
    call_add: Optional[str]
    messages: Optional[str]

@dataclass(frozen=True)
class BlocklistChange:
    jid: str
    action: str

@dataclass(frozen=True)
class BlocklistEvent(Event):
    dhash: str
    changes: List[BlocklistChange]

@dataclass(frozen=True)
class UnknownEvent(Event):
    event_type: str
    data: Dict[str, Any]

EVENT_TYPES: Dict[str, Type[Event]]

def parse_event(raw: str) -> Event: ...
def qr_terminal(text: str) -> str: ...

@dataclass(frozen=True)
class SendResult:
    id: str
    timestamp: int

@dataclass(frozen=True)
class ParticipantUpdate:
    jid: str
    lid: Optional[str]
    error: Optional[int]

@dataclass(frozen=True)
class IsOnWhatsApp:
    query: str
    jid: str
    is_in: bool
    lid: Optional[str]

@dataclass(frozen=True)
class UserInfo:
    status: str
    picture_id: Optional[str]
    devices: List[str]
    lid: Optional[str]

@dataclass(frozen=True)
class ProfilePicture:
    url: str
    id: str
    kind: str
    direct_path: str

@dataclass(frozen=True)
class Blocklist:
    dhash: str
    jids: List[str]

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
        account: Optional[str] = None,
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
    def send_text(
        self,
        to: str,
        text: str,
        *,
        id: Optional[str] = None,
        reply_to: Optional[MessageEvent] = None,
        mentions: Sequence[str] = (),
    ) -> SendResult: ...
    async def send_text_async(
        self,
        to: str,
        text: str,
        *,
        id: Optional[str] = None,
        reply_to: Optional[MessageEvent] = None,
        mentions: Sequence[str] = (),
    ) -> SendResult: ...
    def send_message(self, to: str, message: bytes, *, id: Optional[str] = None) -> SendResult: ...
    async def send_message_async(
        self, to: str, message: bytes, *, id: Optional[str] = None
    ) -> SendResult: ...
    def send_image(
        self,
        to: str,
        data: bytes,
        *,
        mimetype: str = ...,
        caption: Optional[str] = None,
        id: Optional[str] = None,
    ) -> SendResult: ...
    async def send_image_async(
        self,
        to: str,
        data: bytes,
        *,
        mimetype: str = ...,
        caption: Optional[str] = None,
        id: Optional[str] = None,
    ) -> SendResult: ...
    def send_video(
        self,
        to: str,
        data: bytes,
        *,
        mimetype: str = ...,
        caption: Optional[str] = None,
        id: Optional[str] = None,
    ) -> SendResult: ...
    async def send_video_async(
        self,
        to: str,
        data: bytes,
        *,
        mimetype: str = ...,
        caption: Optional[str] = None,
        id: Optional[str] = None,
    ) -> SendResult: ...
    def send_audio(
        self,
        to: str,
        data: bytes,
        *,
        mimetype: str = ...,
        voice_note: bool = True,
        id: Optional[str] = None,
    ) -> SendResult: ...
    async def send_audio_async(
        self,
        to: str,
        data: bytes,
        *,
        mimetype: str = ...,
        voice_note: bool = True,
        id: Optional[str] = None,
    ) -> SendResult: ...
    def send_document(
        self,
        to: str,
        data: bytes,
        file_name: str,
        *,
        mimetype: str = ...,
        caption: Optional[str] = None,
        id: Optional[str] = None,
    ) -> SendResult: ...
    async def send_document_async(
        self,
        to: str,
        data: bytes,
        file_name: str,
        *,
        mimetype: str = ...,
        caption: Optional[str] = None,
        id: Optional[str] = None,
    ) -> SendResult: ...
    def send_sticker(
        self, to: str, data: bytes, *, mimetype: str = ..., id: Optional[str] = None
    ) -> SendResult: ...
    async def send_sticker_async(
        self, to: str, data: bytes, *, mimetype: str = ..., id: Optional[str] = None
    ) -> SendResult: ...
    def download(self, message: Union[MessageEvent, MessageContent, bytes]) -> bytes: ...
    async def download_async(
        self, message: Union[MessageEvent, MessageContent, bytes]
    ) -> bytes: ...
    def set_group_photo(self, group: str, jpeg: Optional[bytes]) -> Optional[str]: ...
    async def set_group_photo_async(self, group: str, jpeg: Optional[bytes]) -> Optional[str]: ...
    def set_profile_picture(self, jpeg: Optional[bytes]) -> Optional[str]: ...
    async def set_profile_picture_async(self, jpeg: Optional[bytes]) -> Optional[str]: ...
    def get_blocklist(self) -> Blocklist: ...
    async def get_blocklist_async(self) -> Blocklist: ...
    def update_blocklist(self, jid: str, action: _BlocklistAction) -> Blocklist: ...
    async def update_blocklist_async(self, jid: str, action: _BlocklistAction) -> Blocklist: ...
    def joined_groups(self) -> List[GroupInfo]: ...
    async def joined_groups_async(self) -> List[GroupInfo]: ...
    def group_info(self, group: str) -> GroupInfo: ...
    async def group_info_async(self, group: str) -> GroupInfo: ...
    def create_group(self, name: str, participants: Sequence[str] = ()) -> GroupInfo: ...
    async def create_group_async(
        self, name: str, participants: Sequence[str] = ()
    ) -> GroupInfo: ...
    def set_group_name(self, group: str, name: str) -> None: ...
    async def set_group_name_async(self, group: str, name: str) -> None: ...
    def set_group_topic(self, group: str, topic: str) -> None: ...
    async def set_group_topic_async(self, group: str, topic: str) -> None: ...
    def set_group_announce(self, group: str, announce: bool) -> None: ...
    async def set_group_announce_async(self, group: str, announce: bool) -> None: ...
    def set_group_locked(self, group: str, locked: bool) -> None: ...
    async def set_group_locked_async(self, group: str, locked: bool) -> None: ...
    def group_invite_link(self, group: str, *, reset: bool = False) -> str: ...
    async def group_invite_link_async(self, group: str, *, reset: bool = False) -> str: ...
    def join_group_with_link(self, link: str) -> str: ...
    async def join_group_with_link_async(self, link: str) -> str: ...
    def leave_group(self, group: str) -> None: ...
    async def leave_group_async(self, group: str) -> None: ...
    def update_group_participants(
        self,
        group: str,
        participants: Sequence[str],
        action: Literal["add", "remove", "promote", "demote"],
    ) -> List[ParticipantUpdate]: ...
    async def update_group_participants_async(
        self,
        group: str,
        participants: Sequence[str],
        action: Literal["add", "remove", "promote", "demote"],
    ) -> List[ParticipantUpdate]: ...
    def is_on_whatsapp(self, phones: Sequence[str]) -> List[IsOnWhatsApp]: ...
    async def is_on_whatsapp_async(self, phones: Sequence[str]) -> List[IsOnWhatsApp]: ...
    def user_info(self, users: Sequence[str]) -> Dict[str, UserInfo]: ...
    async def user_info_async(self, users: Sequence[str]) -> Dict[str, UserInfo]: ...
    def profile_picture(
        self, user: str, *, preview: bool = False
    ) -> Optional[ProfilePicture]: ...
    async def profile_picture_async(
        self, user: str, *, preview: bool = False
    ) -> Optional[ProfilePicture]: ...
    def send_reaction(
        self, chat: str, sender: str, id: str, emoji: str, *, from_me: bool = False
    ) -> SendResult: ...
    async def send_reaction_async(
        self, chat: str, sender: str, id: str, emoji: str, *, from_me: bool = False
    ) -> SendResult: ...
    def mark_read(self, ids: Sequence[str], chat: str, sender: Optional[str] = None) -> None: ...
    async def mark_read_async(
        self, ids: Sequence[str], chat: str, sender: Optional[str] = None
    ) -> None: ...
    def send_receipt(
        self,
        ids: Sequence[str],
        chat: str,
        receipt_type: _ReceiptType,
        sender: Optional[str] = None,
    ) -> None: ...
    async def send_receipt_async(
        self,
        ids: Sequence[str],
        chat: str,
        receipt_type: _ReceiptType,
        sender: Optional[str] = None,
    ) -> None: ...
    def send_presence(self, presence: Literal["available", "unavailable"]) -> None: ...
    async def send_presence_async(self, presence: Literal["available", "unavailable"]) -> None: ...
    def send_chat_presence(
        self, chat: str, state: Literal["composing", "paused"], media: Literal["text", "audio"] = "text"
    ) -> None: ...
    async def send_chat_presence_async(
        self, chat: str, state: Literal["composing", "paused"], media: Literal["text", "audio"] = "text"
    ) -> None: ...
    def subscribe_presence(self, jid: str) -> None: ...
    async def subscribe_presence_async(self, jid: str) -> None: ...
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
