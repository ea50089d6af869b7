"""An echo bot: answers every text message with the same text (as a reply), and marks it read.

Against the sandbox (everything local, no phone needed), from the repository root:

    cargo build -p wazap-sandbox && ./scripts/test-python.sh   # builds wazap into .venv-test
    target/debug/wazap-sandbox --listen 127.0.0.1:7000 &
      # prints {"ws_url":"ws://127.0.0.1:7000/ws/chat","control_url":"http://127.0.0.1:7000/control",
      #         "root_public_key":"<hex>",...}
    curl -s -X POST http://127.0.0.1:7000/control/accounts \\
         -H 'content-type: application/json' -d '{"phone":"15550001111","push_name":"Bot"}'
    WAZAP_URL=ws://127.0.0.1:7000/ws/chat WAZAP_ROOT_KEY=<hex> \\
    WAZAP_CONTROL=http://127.0.0.1:7000/control WAZAP_PHONE=15550001111 \\
      .venv-test/bin/python examples/python/echo_bot.py bot.db
    # With WAZAP_CONTROL and WAZAP_PHONE set, the bot "scans" its own QR through the sandbox's
    # control API; without them it draws the QR code in the terminal for a real phone to scan.
    # Then make a simulated phone write to the bot; the bot's answer lands in that phone's inbox:
    curl -s -X POST http://127.0.0.1:7000/control/accounts \\
         -H 'content-type: application/json' -d '{"phone":"15550002222","push_name":"Friend"}'
    curl -s -X POST http://127.0.0.1:7000/control/send -H 'content-type: application/json' \\
         -d '{"from":"15550002222","to":"15550001111","text":"ping"}'
    curl -s 'http://127.0.0.1:7000/control/inbox?phone=15550002222'

Against the real service: `python examples/python/echo_bot.py bot.db`, scan the QR it draws.
Stop with Ctrl-C (the client is closed, the process exits).
bindings/python/tests/test_echo_bot.py runs exactly this against the sandbox.
"""

# quick-start:begin
import json
import os
import signal
import sys
import threading
import urllib.request

import wazap

# The sandbox's URL and key from the environment; without them, the real service.
client = wazap.Client(
    sys.argv[1] if len(sys.argv) > 1 else "echo_bot.db",
    url=os.environ.get("WAZAP_URL"),
    root_key=os.environ.get("WAZAP_ROOT_KEY"),
    device_name="wazap echo bot",
)
stop = threading.Event()


@client.on(wazap.QrEvent)
def on_qr(event: wazap.QrEvent) -> None:
    control, phone = os.environ.get("WAZAP_CONTROL"), os.environ.get("WAZAP_PHONE")
    if not (control and phone):
        print(wazap.qr_terminal(event.code), flush=True)  # drawn in half blocks
        print("scan this QR with WhatsApp (Settings > Linked devices)", flush=True)
        return
    # In the sandbox, its control API plays the phone that scans the code.
    body = json.dumps({"phone": phone, "qr": event.code}).encode()
    request = urllib.request.Request(
        f"{control}/pair", data=body, headers={"content-type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=20) as response:
        print("sandbox pairing:", response.status, response.read().decode(), flush=True)


@client.on(wazap.ConnectedEvent)
def on_connected(event: wazap.ConnectedEvent) -> None:
    print(f"connected as {client.jid}; echoing", flush=True)


@client.on(wazap.LoggedOutEvent)
def on_logged_out(event: wazap.LoggedOutEvent) -> None:
    print(f"logged out ({event.reason})", flush=True)
    stop.set()


@client.on(wazap.MessageEvent)
def on_message(event: wazap.MessageEvent) -> None:
    info, message = event.info, event.message
    if info.is_from_me or message.kind != "text" or not message.text:
        return
    print(f"{info.sender}: {message.text}", flush=True)
    try:
        client.mark_read([info.id], info.chat, info.sender if info.is_group else None)
        sent = client.send_text(info.chat, message.text, reply_to=event)
        print(f"echoed as {sent.id} at {sent.timestamp}", flush=True)
    except wazap.Error as error:
        print(f"cannot echo: {type(error).__name__}: {error}", file=sys.stderr, flush=True)


signal.signal(signal.SIGTERM, lambda *_: stop.set())
with client:  # closes the client on the way out
    client.connect()
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:  # Ctrl-C
        pass
# quick-start:end
