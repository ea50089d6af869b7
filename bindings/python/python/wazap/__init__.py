"""wazap: a WhatsApp Web multi-device client, on a Rust core.

    import wazap

    client = wazap.Client("bot.db")

    @client.on("qr")
    def show(ev: wazap.QrEvent) -> None:
        print("scan:", ev.code)

    client.connect()
"""

from . import _errors, _events, _results
from ._native import __version__, qr_terminal
from ._client import Client
from ._stream import EventStream
from ._results import *  # noqa: F401,F403  (SendResult)
from ._errors import *  # noqa: F401,F403  (the exception hierarchy)
from ._events import *  # noqa: F401,F403  (typed events, EVENT_TYPES, parse_event)

# The public names are each module's own `__all__`: listed once, where they are defined.
__all__ = [
    "__version__",
    "Client",
    "EventStream",
    "qr_terminal",
    *_results.__all__,
    *_errors.__all__,
    *_events.__all__,
]
