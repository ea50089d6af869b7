"""An echo bot: pairs (QR or phone code), then answers every text message with the same text.

Against the local sandbox (no WhatsApp account needed), from the repository root:

    cargo build -p wazap-sandbox
    ./target/debug/wazap-sandbox --listen 127.0.0.1:0 &     # prints {"ws_url", "control_url", ...}
    curl -s -XPOST CONTROL_URL/control/accounts -d '{"phone":"15550001111","push_name":"Me"}' \
         -H 'content-type: application/json'
    python examples/python/echo_bot.py --store bot.db --url WS_URL --root-key ROOT_PUBLIC_KEY \
         --pair-phone 15550001111
    # the bot prints a pairing code; "type it on the phone":
    curl -s -XPOST CONTROL_URL/control/pair-code -d '{"phone":"15550001111","code":"CODE"}' \
         -H 'content-type: application/json'

Without --pair-phone it prints QR codes instead (pair with POST /control/pair {"phone","qr"}).
Against the real service, drop --url and --root-key. Install the package first: `pip install
bindings/python` (or `./scripts/test-python.sh`, which builds it into .venv-test).
"""

from __future__ import annotations

import argparse
import threading

import wazap


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", default="echo_bot.db", help="SQLite file of the device")
    parser.add_argument("--url", help="websocket URL (the sandbox's ws_url)")
    parser.add_argument("--root-key", help="server root key in hex (the sandbox's)")
    parser.add_argument("--pair-phone", help="pair by code with this phone number")
    args = parser.parse_args()

    config = {"device_name": "wazap echo bot"}
    if args.url:
        config["url"] = args.url
    if args.root_key:
        config["root_key"] = args.root_key
    client = wazap.Client(args.store, **config)
    stop = threading.Event()

    @client.on("qr")
    def on_qr(event: wazap.QrEvent) -> None:
        if args.pair_phone:
            if client.qr is not None and not getattr(on_qr, "asked", False):
                on_qr.asked = True  # type: ignore[attr-defined]
                print("pairing code:", client.pair_phone(args.pair_phone), flush=True)
        else:
            print("scan this QR code:", event.code, flush=True)

    @client.on("pair_success")
    def on_paired(event: wazap.PairSuccessEvent) -> None:
        print("paired as", event.jid, flush=True)

    @client.on("connected")
    def on_connected(event: wazap.ConnectedEvent) -> None:
        print("connected as", client.jid, "- waiting for messages (Ctrl-C stops)", flush=True)

    @client.on("logged_out")
    def on_logged_out(event: wazap.LoggedOutEvent) -> None:
        print("logged out:", event.reason, flush=True)
        stop.set()

    with client:
        client.connect()
        try:
            while not stop.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
