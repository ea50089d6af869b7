"""The ``wazap.Error`` hierarchy. The Rust glue raises these by name (``src/errors.rs``).

Each class also derives from the builtin a Python programmer would catch for it, so
``except TimeoutError`` and ``except ValueError`` keep working.
"""

from __future__ import annotations

import builtins
from typing import Optional


class Error(Exception):
    """Base class of every error raised by wazap."""


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
