"""The command line, ``python -m wazap``: links a device (the QR code drawn in the terminal,
or a pairing code with ``--pair-phone``) and prints every event as one line of the core's
JSON on stdout, so that its output can be piped into ``jq`` or another program. What is for
the user (the QR code, the pairing code) goes to stderr.

It exits with 0 on Ctrl-C or SIGTERM (closing the client) and with 1 when the session ends
for good: the QR codes timed out, the device was logged out, replaced or banned.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
from typing import List, Optional, TextIO

from ._client import Client
from ._errors import Error
from ._native import qr_terminal

#: After these the core stops reconnecting: nothing more will come.
_FINAL = {"qr_timeout", "logged_out", "stream_replaced", "temporary_ban", "client_outdated"}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m wazap",
        description="Link a WhatsApp device and print its events as JSON lines.",
    )
    parser.add_argument("store", nargs="?", default="wazap.db", help="the SQLite store file")
    parser.add_argument("--account", help="the account's name in the store (default: main)")
    parser.add_argument("--url", help="the websocket URL (default: the real service)")
    parser.add_argument("--root-key", help="the server's root public key, hex")
    parser.add_argument("--device-name", default="wazap CLI", help="the name the phone shows")
    parser.add_argument(
        "--pair-phone",
        metavar="PHONE",
        help="pair with a code typed on this phone number instead of scanning a QR code",
    )
    return parser


class _Terminate(Exception):
    """SIGTERM, raised in the main thread like Ctrl-C's KeyboardInterrupt."""


def _raise_terminate(signum: int, frame: object) -> None:
    raise _Terminate


def main(
    argv: Optional[List[str]] = None, out: TextIO = sys.stdout, err: TextIO = sys.stderr
) -> int:
    """Runs the command line with ``argv`` (default: ``sys.argv[1:]``); returns the exit
    status."""
    args = _parser().parse_args(argv)
    config = {
        "account": args.account,
        "url": args.url,
        "root_key": args.root_key,
        "device_name": args.device_name,
    }
    try:
        client = Client(args.store, **{k: v for k, v in config.items() if v is not None})
    except Error as error:
        print(f"wazap: {error}", file=err)
        return 2
    signal.signal(signal.SIGTERM, _raise_terminate)
    # The core's JSON verbatim: the subscription of the native client, before connecting.
    subscription = client._native.subscribe()
    asked_code = False
    try:
        client.connect()
        while True:
            raw = subscription.next(None)
            if raw is None:  # closed
                return 0
            print(raw, file=out, flush=True)
            event = json.loads(raw)
            kind = event.get("type")
            if kind == "qr" and args.pair_phone:
                if not asked_code:
                    asked_code = True
                    code = client.pair_phone(args.pair_phone)
                    print(f"enter this code on {args.pair_phone}: {code}", file=err, flush=True)
            elif kind == "qr":
                print(qr_terminal(event["code"]), file=err, flush=True)
                print("scan it with WhatsApp (Settings > Linked devices)", file=err, flush=True)
            elif kind in _FINAL:
                print(f"wazap: the session ended ({kind})", file=err, flush=True)
                return 1
    except (KeyboardInterrupt, _Terminate):
        return 0
    except Error as error:
        print(f"wazap: {type(error).__name__}: {error}", file=err, flush=True)
        return 1
    finally:
        subscription.close()
        client.close()
