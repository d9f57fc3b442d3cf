"""Benchmark: one intake step through the service (lock the chat's row, run the dialogue, save;
on confirm store the casus) on SQLite, and the process's memory with 100 and with 10,000 open
intakes in the database. Targets: under 2 ms median per step; memory flat.

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


async def measure(url: str) -> dict[str, float]:
    """Runs in a fresh process on a populated database: full aanmeldingen through the service."""
    database = Database(url)
    await database.prepare()
    service = IntakeService(database, load_schema(), clock=wall_clock)
    timings: list[float] = []
    for chat in range(CHATS):
        await service.handle(chat, Command("aanmelden"))
        for text in DIALOGUE:
            start = time.perf_counter()
            await service.handle(chat, Typed(text))
            timings.append(time.perf_counter() - start)
    await database.dispose()
    return {
        "median_ms": statistics.median(timings) * 1e3,
        "p95_ms": sorted(timings)[int(len(timings) * 0.95)] * 1e3,
        "steps": len(timings),
        "rss_mib": rss_kib() / 1024,
    }


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


if __name__ == "__main__":
    main()
