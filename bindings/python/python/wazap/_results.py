"""What the sending methods return."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, List, Optional

from ._events import Record


@dataclass(frozen=True)
class SendResult:
    """A message the server accepted: its id and the server's time (unix seconds)."""

    id: str
    timestamp: int

    @classmethod
    def _from_native(cls, value: Any) -> "SendResult":
        return cls(id=str(value["id"]), timestamp=int(value["timestamp"]))


class ParticipantUpdate(Record):
    """The outcome of a participant change for one member: ``error`` is the server's refusal
    (403 not allowed, 404 not on WhatsApp or not a member, 409 already a member...), None when
    done."""

    jid: str
    lid: Optional[str]
    error: Optional[int]


class IsOnWhatsApp(Record):
    """Whether the phone number ``query`` has a WhatsApp account (``jid``, ``lid``)."""

    query: str
    jid: str
    is_in: bool
    lid: Optional[str]


class UserInfo(Record):
    """What the server tells about a user: the "about" text, the current picture's id, every
    device (device 0 is the phone) and the LID."""

    status: str
    picture_id: Optional[str]
    devices: List[str]
    lid: Optional[str]


class ProfilePicture(Record):
    """Where to download a profile picture (``kind``: ``image`` or ``preview``)."""

    url: str
    id: str
    kind: str
    direct_path: str


class Blocklist(Record):
    """The users we blocked (by LID, or by phone number) and the server's hash of the list."""

    dhash: str
    jids: List[str]


__all__ = [
    "SendResult",
    "ParticipantUpdate",
    "IsOnWhatsApp",
    "UserInfo",
    "ProfilePicture",
    "Blocklist",
]
