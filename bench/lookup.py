"""Benchmark: `regiebot lookup` as an operator runs it, from the outside (a fresh Python process
each time, so imports count). Prints the median wall time, next to the bare `import rules` it
cannot go below. Target: under 0.25 s on 2 cores.

    python -m bench.lookup [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

LOOKUP = [sys.executable, "-m", "bot.cli", "lookup", "ots", "15", "lvb"]
IMPORT_RULES = [sys.executable, "-c", "import rules"]
TARGET_SECONDS = 0.25


def median_wall(command: list[str], runs: int) -> float:
    subprocess.run(command, check=True, capture_output=True)  # warm the file cache
    walls = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        walls.append(time.perf_counter() - started)
    return statistics.median(walls)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="runs per command (default 15)")
    runs = parser.parse_args().runs
    lookup = median_wall(LOOKUP, runs)
    bare = median_wall(IMPORT_RULES, runs)
    print(f"median wall of {runs} runs")
    verdict = "within" if lookup < TARGET_SECONDS else "OVER"
    print(
        f"  regiebot lookup ots 15 lvb  {lookup:6.3f} s  ({verdict} the {TARGET_SECONDS} s target)"
    )
    print(f"  python -c 'import rules'    {bare:6.3f} s")


if __name__ == "__main__":
    main()
