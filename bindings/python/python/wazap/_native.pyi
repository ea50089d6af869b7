# Type stubs of the Rust extension `wazap._native` (bindings/python/src). Kept in sync with the
# extension by tests/test_stubs.py. Applications use the typed wrapper `wazap.Client` instead.
import os
from typing import Callable, List, Optional, Tuple, Union

__version__: str
# The core's error kinds (wazap.Error.kind) and request names.
ERROR_KINDS: List[str]
REQUESTS: List[str]

# The pairing QR code drawn in Unicode half blocks (wazap.qr_terminal).
def qr_terminal(text: str) -> str: ...

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
    def subscribe(self) -> EventSubscription: ...
    # A request of the core by name (REQUESTS) with JSON arguments and an optional file; the
    # answer is JSON, or the bytes of a downloaded file.
    def request(
        self, method: str, args_json: str, data: Optional[bytes] = None
    ) -> Union[str, bytes]: ...
    def request_async(
        self, done: _Done, method: str, args_json: str, data: Optional[bytes] = None
    ) -> None: ...
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
