"""examples/python/echo_bot.py against the sandbox, as its docstring (and the README) show: it
pairs itself through the control API, a simulated phone writes to it, the answer and the read
receipt land in that phone's inbox; Ctrl-C (SIGINT) closes it and it exits with 0."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import threading
from pathlib import Path
from typing import Any, Dict, List

from conftest import INSTALLED_PYTHON, REPO, WAIT, Sandbox, eventually

BOT = REPO / "examples" / "python" / "echo_bot.py"


def test_the_echo_bot_answers_a_phone_and_exits_on_sigint(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    bot_phone, friend = "15553000001", "15553000002"
    sandbox.create_account(bot_phone)
    sandbox.create_account(friend)
    env = dict(
        os.environ,
        WAZAP_URL=sandbox.ws_url,
        WAZAP_ROOT_KEY=sandbox.root_public_key,
        WAZAP_CONTROL=sandbox.base_url + "/control",
        WAZAP_PHONE=bot_phone,
    )
    bot = subprocess.Popen(
        [INSTALLED_PYTHON, str(BOT), str(tmp_path / "bot.db")],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: "queue.Queue[str]" = queue.Queue()
    threading.Thread(target=lambda: [lines.put(l) for l in bot.stdout], daemon=True).start()  # type: ignore[union-attr]
    try:
        while True:
            line = lines.get(timeout=WAIT)
            if line.startswith("connected as"):
                break

        ping = sandbox.send_from_phone(friend, bot_phone, "ping")
        seen: List[Dict[str, Any]] = []

        def answered() -> bool:
            seen[:] = sandbox.inbox(friend)
            texts = [e for e in seen if e["kind"] == "text" and e["text"] == "ping"]
            reads = [e for e in seen if e["kind"] == "receipt" and e["text"] == "read"]
            return bool(texts) and any(e["id"] == ping for e in reads)

        eventually(answered)
        echo = next(e for e in seen if e["kind"] == "text")
        assert echo["chat"] == f"{bot_phone}@s.whatsapp.net"
        assert echo["id"] != ping

        bot.send_signal(signal.SIGINT)
        assert bot.wait(timeout=WAIT) == 0, bot.stderr.read()  # type: ignore[union-attr]
    finally:
        if bot.poll() is None:
            bot.kill()
            bot.wait(timeout=WAIT)
