"""The coördinators' figures (/overzicht, `regiebot export`): aanmeldingen per month by outcome,
casussen per partij, the time from aanmelding to acceptance, and each regisseur's open work
against their capacity.

Only codes, counts and durations leave here: a regisseur is "R<person id>", never a name or a
Telegram id, and no answer or free text is read at all (storage/figures_queries.py), so an export
cannot carry personal data whatever the casussen hold.
"""

from __future__ import annotations

import csv
import io
import json
import math
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot.services.clock import Clock
from bot.services.dates import LOCAL_TIME
from bot.settings import Settings
from rules import Schema
from storage import Database, open_database
from storage.figures_queries import caseloads, casussen_between

ALL = "alle"  # the acceptance row over every partij
MONTHS_SHOWN = 12  # /overzicht's default range: this month and the eleven before it


@dataclass(frozen=True, slots=True)
class MonthCount:
    month: str  # "2026-03", in the Netherlands' time
    counts: tuple[int, ...]  # per outcome, in Figures.outcomes' order

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True, slots=True)
class PartijCount:
    partij: str
    count: int


@dataclass(frozen=True, slots=True)
class AcceptanceTime:
    """Hours from aanmelding to the first acceptance, over the casussen accepted so far."""

    partij: str  # a partij code, or ALL
    accepted: int
    median_hours: float | None
    p90_hours: float | None


@dataclass(frozen=True, slots=True)
class RegisseurLoad:
    regisseur: str  # "R<person id>": a reference, not a name
    partij: str
    open: int
    capacity: int


@dataclass(frozen=True, slots=True)
class Figures:
    start: date
    end: date  # inclusive
    outcomes: tuple[str, ...]
    per_month: tuple[MonthCount, ...]
    per_partij: tuple[PartijCount, ...]
    acceptance: tuple[AcceptanceTime, ...]
    caseload: tuple[RegisseurLoad, ...]


@dataclass(frozen=True, slots=True)
class Table:
    """One figure as rows: what the CSV and the JSON both write."""

    name: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str | int | float | None, ...], ...]


class FiguresService:
    def __init__(self, database: Database, schema: Schema, *, clock: Clock) -> None:
        self.database = database
        self.schema = schema
        self.clock = clock

    def last_months(self) -> tuple[date, date]:
        """/overzicht's range: from the first of the month eleven months ago up to today."""
        today = self.clock().astimezone(LOCAL_TIME).date()
        months = today.year * 12 + today.month - 1 - (MONTHS_SHOWN - 1)
        return date(months // 12, months % 12 + 1, 1), today

    async def figures(self, start: date, end: date) -> Figures:
        """The figures over the casussen reported from `start` through `end` (days in the
        Netherlands); the caseloads as they are now. One read-only unit of work."""
        async with self.database.reading() as session:
            facts = await casussen_between(session, _midnight(start), _midnight(end + timedelta(1)))
            loads = await caseloads(session)
        outcomes = tuple(self.schema.outcomes)
        outcomes += tuple(sorted({f.outcome for f in facts} - set(outcomes)))
        by_month = Counter((_month(f.created_at), f.outcome) for f in facts)
        per_partij = Counter(f.partij for f in facts)
        waits: dict[str, list[float]] = {}
        for fact in facts:
            if fact.accepted_at is not None:
                hours = (fact.accepted_at - fact.created_at).total_seconds() / 3600
                waits.setdefault(fact.partij, []).append(hours)
        order = self._partij_order(set(per_partij))
        accepted_partijen = [p for p in order if p in waits]
        every_wait = [h for p in accepted_partijen for h in waits[p]]
        return Figures(
            start=start,
            end=end,
            outcomes=outcomes,
            per_month=tuple(
                MonthCount(m, tuple(by_month[m, o] for o in outcomes)) for m in _months(start, end)
            ),
            per_partij=tuple(PartijCount(p, per_partij[p]) for p in order),
            acceptance=(
                *(_acceptance(p, waits[p]) for p in accepted_partijen),
                _acceptance(ALL, every_wait),
            ),
            caseload=tuple(
                RegisseurLoad(f"R{load.person_id}", load.partij or "", load.open, load.capacity)
                for load in loads
            ),
        )

    def _partij_order(self, codes: set[str]) -> list[str]:
        """The schema's partijen in its order, then any code it no longer knows."""
        known = [p.code for p in self.schema.partijen if p.code in codes]
        return known + sorted(codes - set(known))


async def export_figures(settings: Settings, start: date, end: date, *, clock: Clock) -> Figures:
    """The figures for `regiebot export`, from the configured database."""
    async with open_database(settings.database_url) as database:
        service = FiguresService(database, settings.load_schema(), clock=clock)
        return await service.figures(start, end)


def tables(figures: Figures) -> tuple[Table, ...]:
    return (
        Table(
            "aanmeldingen_per_maand",
            ("maand", *figures.outcomes, "totaal"),
            tuple((m.month, *m.counts, m.total) for m in figures.per_month),
        ),
        Table(
            "casussen_per_partij",
            ("partij", "aantal"),
            tuple((p.partij, p.count) for p in figures.per_partij),
        ),
        Table(
            "tijd_tot_acceptatie",
            ("partij", "geaccepteerd", "mediaan_uren", "p90_uren"),
            tuple((a.partij, a.accepted, a.median_hours, a.p90_hours) for a in figures.acceptance),
        ),
        Table(
            "open_casussen_per_regisseur",
            ("regisseur", "partij", "open", "capaciteit"),
            tuple((r.regisseur, r.partij, r.open, r.capacity) for r in figures.caseload),
        ),
    )


def to_csv(figures: Figures) -> str:
    """One CSV document: a line naming the period, then each table under a line with its name,
    a blank line between tables (a spreadsheet opens it as it is)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("periode", figures.start.isoformat(), figures.end.isoformat()))
    for table in tables(figures):
        writer.writerow(())
        writer.writerow((table.name,))
        writer.writerow(table.columns)
        writer.writerows(tuple("" if v is None else v for v in row) for row in table.rows)
    return out.getvalue()


def to_json(figures: Figures) -> str:
    document: dict[str, object] = {
        "van": figures.start.isoformat(),
        "tot_en_met": figures.end.isoformat(),
    }
    for table in tables(figures):
        document[table.name] = [dict(zip(table.columns, row, strict=True)) for row in table.rows]
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _acceptance(partij: str, hours: Sequence[float]) -> AcceptanceTime:
    if not hours:
        return AcceptanceTime(partij, 0, None, None)
    ordered = sorted(hours)
    # The 90th percentile by nearest rank: a duration some casus really took, which a
    # coördinator can look up, rather than an interpolation between two.
    p90 = ordered[math.ceil(0.9 * len(ordered)) - 1]
    return AcceptanceTime(partij, len(ordered), round(statistics.median(ordered), 1), round(p90, 1))


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), LOCAL_TIME)


def _month(moment: datetime) -> str:
    return moment.astimezone(LOCAL_TIME).strftime("%Y-%m")


def _months(start: date, end: date) -> list[str]:
    """Every month the range touches, so a quiet month shows as zero, not as a gap."""
    first, last = start.year * 12 + start.month - 1, end.year * 12 + end.month - 1
    return [f"{m // 12:04d}-{m % 12 + 1:02d}" for m in range(first, last + 1)]
