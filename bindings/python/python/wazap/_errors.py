"""The ``wazap.Error`` hierarchy, derived from the core's error kinds: every error carries its
kind's stable code (``error.kind``, e.g. ``"not_connected"``), and ``_KINDS`` picks the class
of each kind (``src/errors.rs`` raises through ``_from_native``).

Each class also derives from the builtin a Python programmer would catch for it, so
``except TimeoutError`` and ``except ValueError`` keep working.
"""

from __future__ import annotations

import builtins
from typing import Dict, Optional, Type


class Error(Exception):
    """Base class of every error raised by wazap. ``kind`` is the core's stable code of the
    failure (``"timeout"``, ``"media_unreachable"``...); None for errors of the package
    itself."""

    kind: Optional[str] = None


class ConnectionError(Error, builtins.ConnectionError):
    """The connection or the handshake failed, or it ended while waiting for an answer."""


class NotConnected(Error):
    """The operation needs a connection: call ``connect()`` first."""


class AlreadyConnected(Error):
    """``connect()`` was called on a client that is already connected."""


class NotLoggedIn(Error):
    """The device is not paired (or was logged out)."""


class AlreadyPaired(Error):
    """Pairing was requested for a device that is already paired."""


class Timeout(Error, builtins.TimeoutError):
    """The server did not answer in time."""


class ServerError(Error):
    """The server answered with an error; ``code`` is its numeric code."""

    code: Optional[int] = None


class ProtocolError(Error):
    """The server's answer (or the phone's) broke the protocol."""


class StoreError(Error):
    """The SQLite store could not be opened, read or written."""


class InvalidArgument(Error, ValueError):
    """A value passed to wazap is out of range or malformed."""


class InternalError(Error):
    """A bug or a lost task inside wazap (please report it)."""


#: The class of each error kind of the core (``wazap._native.ERROR_KINDS``).
_KINDS: Dict[str, Type[Error]] = {
    "invalid_arg": InvalidArgument,
    "connection": ConnectionError,
    "proxy": ConnectionError,
    "disconnected": ConnectionError,
    "media_unreachable": ConnectionError,
    "store": StoreError,
    "encode": ProtocolError,
    "not_connected": NotConnected,
    "no_device": NotConnected,
    "already_connected": AlreadyConnected,
    "timeout": Timeout,
    "server": ServerError,
    "bad_response": ProtocolError,
    "already_paired": AlreadyPaired,
    "not_paired": NotLoggedIn,
    "pairing": ProtocolError,
    "message": ProtocolError,
    "media": ProtocolError,
    "panic": InternalError,
    "wrong_thread": InternalError,
    "internal": InternalError,
}


def _from_native(kind: str, message: str, code: Optional[int]) -> Error:
    """The exception for a core error (a kind this version does not know is a plain Error)."""
    error = _KINDS.get(kind, Error)(message)
    error.kind = kind
    if code is not None:
        error.code = code  # type: ignore[attr-defined]
    return error


__all__ = [
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
]
