"""Benchmark: one intake step through the service (lock the chat's row, run the dialogue, save;
on confirm store the casus) on SQLite, and the process's memory with 100 and with 10,000 open
intakes in the database. Targets: under 2 ms median per step; memory flat.

Then the same step through storage/sqlite_driver.py's inline driver against SQLAlchemy's stock
aiosqlite dialect, in one process, their aanmeldingen taking turns so that both see the same
load on the machine: the figure that decides whether the driver's library internals stay.

    python -m bench.intake
"""

from __future__ import annotations

import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert

from bot.services.clock import wall_clock
from bot.services.intake import IntakeService
from conversation.messages import Command, Typed
from rules import load_schema
from storage import Database
from storage.models import IntakeState, utcnow

DIALOGUE = [
    "ja",
    "een persoon",
    "maatregel",
    "ots",
    "15",
    "lvb",
    "jeugdbescherming",
    "geen",
    "overslaan",
    "bevestig",
]
CHATS = 200
DRIVERS = {"inline driver": True, "stock aiosqlite": False}  # Database(inline_sqlite=...)


def rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


async def populate(url: str, open_intakes: int) -> None:
    database = Database(url)
    await database.prepare()
    async with database.transaction() as session:
        await session.exec(  # type: ignore[call-overload]
            insert(IntakeState),
            params=[
                {
                    "chat_id": 1_000_000 + n,
                    "state": "leeftijd",
                    "updated_at": utcnow(),
                    "answers": {"criteria": "ja", "kader": "vrijwillig"},
                }
                for n in range(open_intakes)
            ],
        )
    await database.dispose()


def p95(timings: list[float]) -> float:
    return sorted(timings)[int(len(timings) * 0.95)]


async def aanmelding(service: IntakeService, chat: int) -> list[float]:
    """One full aanmelding through the service: how long each typed step took."""
    await service.handle(chat, Command("aanmelden"))
    timings = []
    for text in DIALOGUE:
        start = time.perf_counter()
        await service.handle(chat, Typed(text))
        timings.append(time.perf_counter() - start)
    return timings


async def measure(url: str) -> dict[str, float]:
    """Runs in a fresh process on a populated database: full aanmeldingen through the service."""
    database = Database(url)
    await database.prepare()
    service = IntakeService(database, load_schema(), clock=wall_clock)
    timings: list[float] = []
    for chat in range(CHATS):
        timings += await aanmelding(service, chat)
    await database.dispose()
    return {
        "median_ms": statistics.median(timings) * 1e3,
        "p95_ms": p95(timings) * 1e3,
        "steps": len(timings),
        "rss_mib": rss_kib() / 1024,
    }


async def compare_drivers(folder: Path) -> dict[str, list[float]]:
    """Step timings through the inline driver and through the stock dialect, each on its own
    database with 100 open intakes, one aanmelding of each in turn (who goes first alternates)."""
    schema = load_schema()
    databases = {}
    for driver, inline in DRIVERS.items():
        url = f"sqlite+aiosqlite:///{folder / ('inline.db' if inline else 'stock.db')}"
        await populate(url, 100)
        databases[driver] = Database(url, inline_sqlite=inline)
        await databases[driver].prepare()
    services = {driver: IntakeService(database, schema) for driver, database in databases.items()}
    timings: dict[str, list[float]] = {driver: [] for driver in DRIVERS}
    for chat in range(CHATS):
        for driver in sorted(DRIVERS, reverse=chat % 2 == 1):
            timings[driver] += await aanmelding(services[driver], chat)
    for database in databases.values():
        await database.dispose()
    return timings


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--measure":
        print(json.dumps(asyncio.run(measure(sys.argv[2]))))
        return
    rss = {}
    for open_intakes in (100, 10_000):
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
            asyncio.run(populate(url, open_intakes))
            output = subprocess.run(
                [sys.executable, "-m", "bench.intake", "--measure", url],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        r = json.loads(output)
        rss[open_intakes] = r["rss_mib"]
        print(
            f"{open_intakes:>6,} open intakes: step median {r['median_ms']:.3f} ms, "
            f"p95 {r['p95_ms']:.3f} ms over {r['steps']:,} steps ({CHATS} full aanmeldingen); "
            f"RSS afterwards {r['rss_mib']:.1f} MiB"
        )
    print(
        f"memory with 10,000 / with 100 open intakes: {rss[10_000] / rss[100]:.3f} "
        "(target: flat, about 1.0)"
    )
    with tempfile.TemporaryDirectory() as folder:
        timings = asyncio.run(compare_drivers(Path(folder)))
    medians = {driver: statistics.median(steps) * 1e3 for driver, steps in timings.items()}
    for driver, median in medians.items():
        print(
            f"{driver:<15} step median {median:.3f} ms, p95 {p95(timings[driver]) * 1e3:.3f} ms "
            f"over {len(timings[driver]):,} steps, taking turns with the other"
        )
    print(
        f"stock / inline: {medians['stock aiosqlite'] / medians['inline driver']:.2f}x "
        "(target for either: under 2 ms median)"
    )


if __name__ == "__main__":
    main()
