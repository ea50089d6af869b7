"""What the sending methods return."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class SendResult:
    """A message the server accepted: its id and the server's time (unix seconds)."""

    id: str
    timestamp: int

    @classmethod
    def _from_native(cls, value: Any) -> "SendResult":
        message_id, timestamp = value
        return cls(id=str(message_id), timestamp=int(timestamp))


__all__ = ["SendResult"]
