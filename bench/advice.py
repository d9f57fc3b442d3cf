"""Benchmark: one advice (answers in, advice with reasons out), a one-line lookup, and the full
completeness check. Prints medians; target for one advice: under 50 µs on 2 cores.

    python -m bench.advice
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

from rules import advise, load_schema, lookup, parse_text
from rules.completeness import check_completeness

ANSWER_SETS: list[dict[str, Any]] = [
    {
        "criteria": "ja",
        "kader": "maatregel",
        "maatregel": "ots",
        "leeftijd": 15,
        "profiel": ["lvb"],
        "interventie": "jeugdbescherming",
        "betrokken": [],
        "omschrijving": "",
    },
    {
        "criteria": "ja",
        "kader": "maatregel",
        "maatregel": "overig",
        "leeftijd": 40,
        "profiel": [],
        "interventie": "veiligheid",
        "betrokken": ["politie"],
        "omschrijving": "",
    },
    {
        "criteria": "twijfel",
        "kader": "onderzoek",
        "instantie": "politie",
        "leeftijd": "jongvolwassen",
        "profiel": ["psychisch"],
        "interventie": "veiligheid",
        "betrokken": [],
        "omschrijving": "",
    },
    {
        "criteria": "ja",
        "kader": "vrijwillig",
        "leeftijd": 30,
        "profiel": [],
        "interventie": "zorg",
        "betrokken": ["wijkteam"],
        "omschrijving": "",
    },
]


def median_seconds(work: Callable[[], object], loops: int, repeats: int) -> float:
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(loops):
            work()
        samples.append((time.perf_counter() - start) / loops)
    return statistics.median(samples)


def main() -> None:
    schema = load_schema()
    schema.has_gaps  # noqa: B018 - computed once per process, as the bot does at start-up
    answer_sets = iter(ANSWER_SETS * 1_000_000)

    def one_advice() -> object:
        return advise(schema, next(answer_sets))

    for answers in ANSWER_SETS:
        print(f"  {advise(schema, answers).rule_id:<28} ", end="")  # type: ignore[union-attr]
        print(f"{median_seconds(lambda a=answers: advise(schema, a), 2_000, 7) * 1e6:6.1f} µs")
    advice = median_seconds(one_advice, 2_000, 15)
    query = median_seconds(
        lambda: lookup(schema, parse_text(schema, "reclassering 30 verslaving")), 1_000, 7
    )
    check = median_seconds(lambda: check_completeness(schema), 1, 5)
    print(f"one advice (median over the four):       {advice * 1e6:8.1f} µs   (target < 50 µs)")
    print(f"one free-text lookup, parse + advise:    {query * 1e6:8.1f} µs")
    print(f"completeness check of the default:       {check * 1e3:8.1f} ms")


if __name__ == "__main__":
    main()
