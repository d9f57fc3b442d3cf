"""A real `regiebot run` process in webhook mode, started as an operator starts one behind a
load balancer: configured by environment only, against the fake Bot API on 127.0.0.1."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

from tests.telegram.fake_bot_api import TOKEN, FakeBotAPI

ROOT = Path(__file__).resolve().parents[2]
# What every replica registers with setWebhook: the load balancer's address, never contacted
# here (the fake delivers to each replica's own port instead).
PUBLIC_URL = "https://regiebot.example.org/telegram"
WEBHOOK_PATH = "/telegram"
STARTUP = 60.0  # seconds a replica may take to listen (imports, migrations check, getMe)
STOP_GRACE = 15.0


def free_ports(count: int) -> list[int]:
    """`count` different ports on 127.0.0.1 that nobody listens on right now."""
    with contextlib.ExitStack() as stack:
        probes = [stack.enter_context(socket.socket()) for _ in range(count)]
        for probe in probes:
            probe.bind(("127.0.0.1", 0))
        return [int(probe.getsockname()[1]) for probe in probes]


def environment(database_url: str, fake: FakeBotAPI, **settings: str) -> dict[str, str]:
    """The environment of a `regiebot` command against `database_url` and the fake;
    `settings` are more REGIEBOT_* variables, by their name without the prefix."""
    path = os.pathsep.join(filter(None, (str(ROOT), os.environ.get("PYTHONPATH"))))
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("REGIEBOT_")},
        "PYTHONPATH": path,
        "REGIEBOT_DATABASE_URL": database_url,
        "REGIEBOT_TELEGRAM_TOKEN": TOKEN,
        "REGIEBOT_TELEGRAM_BASE_URL": fake.base_url,
        "REGIEBOT_TELEGRAM_BOT_USERNAME": "regiebot_test_bot",
        **{f"REGIEBOT_{name.upper()}": value for name, value in settings.items()},
    }


async def regiebot(env: dict[str, str], *arguments: str) -> str:
    """Runs one `regiebot` command to its end; its output, or an AssertionError with its errors."""
    process = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "bot.cli", *arguments),
        env=env,
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), STARTUP)
    assert process.returncode == 0, f"regiebot {' '.join(arguments)}: {err.decode()}"
    return out.decode()


class Replica:
    """One `regiebot run` process listening on its own port; its log goes to a file."""

    def __init__(self, name: str, port: int, env: dict[str, str], log: Path) -> None:
        self.name = name
        self.port = port
        self.env = {
            **env,
            "REGIEBOT_WEBHOOK_URL": PUBLIC_URL,
            "REGIEBOT_WEBHOOK_LISTEN": "127.0.0.1",
            "REGIEBOT_WEBHOOK_PORT": str(port),
        }
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """Where the load balancer (the fake) delivers this replica's share of the updates."""
        return f"http://127.0.0.1:{self.port}{WEBHOOK_PATH}"

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot.cli", "run"],
                env=self.env,
                cwd=ROOT,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=log,
            )

    async def listening(self) -> None:
        """Returns once the webhook server accepts connections; fails if the process ends."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + STARTUP
        while True:
            assert self.process is not None
            if self.process.poll() is not None:
                raise AssertionError(f"replica {self.name} ended: {self.tail()}")
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", self.port)
            except OSError:
                if loop.time() > deadline:
                    raise AssertionError(
                        f"replica {self.name} never listened: {self.tail()}"
                    ) from None
                await asyncio.sleep(0.05)  # nothing to wait on but the port itself
                continue
            writer.close()
            await writer.wait_closed()
            return

    def kill(self) -> None:
        """SIGKILL: no shutdown, no flush, connections cut as a crash cuts them."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    async def stop(self) -> None:
        """SIGTERM, as systemd or a container runtime stops it; SIGKILL if it hangs."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            await asyncio.to_thread(self.process.wait, STOP_GRACE)
        except subprocess.TimeoutExpired:
            self.kill()

    def tail(self, lines: int = 30) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def timer_lines(self) -> list[str]:
        """The log lines in which this replica's timers moved something."""
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return [line for line in text.splitlines() if "timers: TimerRun(" in line]
