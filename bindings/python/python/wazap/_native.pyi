# Type stubs of the Rust extension `wazap._native` (bindings/python/src). Kept in sync with the
# extension by tests/test_stubs.py. Applications use the typed wrapper `wazap.Client` instead.
import os
from typing import Callable, List, Optional, Tuple, Union

__version__: str

_Done = Callable[[Optional[BaseException], object], None]

class EventSubscription:
    def next(self, timeout: Optional[float] = None) -> Optional[str]: ...
    def next_async(self, done: _Done) -> None: ...
    def close(self) -> None: ...
    @property
    def closed(self) -> bool: ...

class NativeClient:
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
    def subscribe(self) -> EventSubscription: ...
    def connect(self) -> None: ...
    def connect_async(self, done: _Done) -> None: ...
    def disconnect(self) -> None: ...
    def disconnect_async(self, done: _Done) -> None: ...
    def logout(self) -> None: ...
    def logout_async(self, done: _Done) -> None: ...
    def pair_phone(
        self, phone: str, show_push_notification: bool, client_type: str, display_name: str
    ) -> str: ...
    def pair_phone_async(
        self,
        done: _Done,
        phone: str,
        show_push_notification: bool,
        client_type: str,
        display_name: str,
    ) -> None: ...
    def set_push_name(self, name: str) -> None: ...
    def set_push_name_async(self, done: _Done, name: str) -> None: ...
    def send_text(
        self,
        to: str,
        text: str,
        id: Optional[str] = None,
        quoted_id: Optional[str] = None,
        quoted_sender: Optional[str] = None,
        quoted_message: Optional[bytes] = None,
        mentions: List[str] = ...,
    ) -> Tuple[str, int]: ...
    def send_text_async(
        self,
        done: _Done,
        to: str,
        text: str,
        id: Optional[str] = None,
        quoted_id: Optional[str] = None,
        quoted_sender: Optional[str] = None,
        quoted_message: Optional[bytes] = None,
        mentions: List[str] = ...,
    ) -> None: ...
    def send_message(self, to: str, message: bytes, id: Optional[str] = None) -> Tuple[str, int]: ...
    def send_message_async(
        self, done: _Done, to: str, message: bytes, id: Optional[str] = None
    ) -> None: ...
    def send_media(
        self,
        to: str,
        data: bytes,
        kind: str,
        mimetype: Optional[str] = None,
        caption: Optional[str] = None,
        file_name: Optional[str] = None,
        voice_note: bool = False,
        id: Optional[str] = None,
    ) -> Tuple[str, int]: ...
    def send_media_async(
        self,
        done: _Done,
        to: str,
        data: bytes,
        kind: str,
        mimetype: Optional[str] = None,
        caption: Optional[str] = None,
        file_name: Optional[str] = None,
        voice_note: bool = False,
        id: Optional[str] = None,
    ) -> None: ...
    def download(self, message: bytes) -> bytes: ...
    def download_async(self, done: _Done, message: bytes) -> None: ...
    def send_reaction(
        self, chat: str, sender: str, id: str, from_me: bool, emoji: str
    ) -> Tuple[str, int]: ...
    def send_reaction_async(
        self, done: _Done, chat: str, sender: str, id: str, from_me: bool, emoji: str
    ) -> None: ...
    def send_receipt(
        self, ids: List[str], chat: str, sender: Optional[str], receipt_type: str
    ) -> None: ...
    def send_receipt_async(
        self, done: _Done, ids: List[str], chat: str, sender: Optional[str], receipt_type: str
    ) -> None: ...
    def send_presence(self, presence: str) -> None: ...
    def send_presence_async(self, done: _Done, presence: str) -> None: ...
    def send_chat_presence(self, chat: str, state: str, media: str) -> None: ...
    def send_chat_presence_async(self, done: _Done, chat: str, state: str, media: str) -> None: ...
    def subscribe_presence(self, jid: str) -> None: ...
    def subscribe_presence_async(self, done: _Done, jid: str) -> None: ...
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
