"""The coördinators' figures over a known set of casussen: exact counts and durations in the CSV
and the JSON, a PNG that decodes, and nothing personal in any of them."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime, timedelta

import matplotlib.image
import pytest
from PIL import Image

from bot.services import charts
from bot.services.figures import Figures, FiguresService, to_csv, to_json
from rules import Schema
from rules.vocabulary import CasusStatus, Role
from storage import Assignments, Casussen, Database, People
from storage.models import Person
from tests.clock import TestClock

START, END = date(2026, 1, 1), date(2026, 3, 31)
FREE_TEXT = (
    "Zorgen om de familie Jansen aan de Dorpsstraat",
    "Afgewezen: ken de vader Pietersen privé",
    "Screening: oom Klaas is betrokken",
    "Gesloten na verhuizing naar Zwolle",
)
NAMES = ("Annemarie Zwart", "Bert Visser", "Carla Inactief", "Mo de Melder")
TELEGRAM_IDS = (7770001, 7770002, 7770003, 7770004)


def at(day: str, hour: int = 9, minute: int = 0) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, minute=minute, tzinfo=UTC)


async def known_casussen(database: Database) -> dict[str, int]:
    """Regisseurs A (gi-wsg, capacity 3) and B (rn, capacity 2), an inactive one, a melder, and
    casussen whose figures are worked out by hand in the tests below; the people's ids."""
    async with database.transaction() as session:
        people = People(session)
        a, b, c, m = [
            await people.add(
                Person(telegram_id=t, display_name=n, role=r, partij=p, capacity=k, active=act)
            )
            for t, n, r, p, k, act in (
                (TELEGRAM_IDS[0], NAMES[0], Role.REGISSEUR, "gi-wsg", 3, True),
                (TELEGRAM_IDS[1], NAMES[1], Role.REGISSEUR, "rn", 2, True),
                (TELEGRAM_IDS[2], NAMES[2], Role.REGISSEUR, "rn", 5, False),
                (TELEGRAM_IDS[3], NAMES[3], Role.MELDER, "politie", 10, True),
            )
        ]
        casussen, offers = Casussen(session), Assignments(session)

        async def casus(created: datetime, partij: str, outcome: str) -> int:
            made = await casussen.create(
                answers={"toelichting": FREE_TEXT[0], "leeftijd": 15},
                advice={"partij": partij, "rule": "r", "outcome": outcome, "next_step": "n"},
                melder_id=m.id,
                chat_id=TELEGRAM_IDS[3],
                now=created,
            )
            assert made.id is not None
            return made.id

        async def accepted(casus_id: int, who: Person, offered: datetime, hours: float) -> None:
            assert who.id is not None
            offer = await offers.offer(casus_id, who.id, now=offered)
            await offers.answer(offer, accepted=True, now=offered + timedelta(hours=hours))
            held = await casussen.lock(casus_id)
            assert held is not None
            held.status, held.holder_id = CasusStatus.OPGEPAKT, who.id
            session.add(held)

        assert a.id is not None and b.id is not None
        # January: two reguliere_regie of gi-wsg, accepted after 2 h and (after a decline) 5 h.
        one = await casus(at("2026-01-05"), "gi-wsg", "reguliere_regie")
        await accepted(one, a, at("2026-01-05"), 2)
        two = await casus(at("2026-01-20"), "gi-wsg", "reguliere_regie")
        declined = await offers.offer(two, a.id, now=at("2026-01-20"))
        await offers.answer(declined, accepted=False, reason=FREE_TEXT[1], now=at("2026-01-20", 10))
        await accepted(two, b, at("2026-01-20", 10), 4)
        # February: a screening of rn, accepted after 30 h; its note is free text.
        three = await casus(at("2026-02-10"), "rn", "screening")
        await accepted(three, b, at("2026-02-10"), 30)
        noted = await casussen.lock(three)
        assert noted is not None
        noted.screening_note = FREE_TEXT[2]
        # 23:30 UTC on 28 February is 1 March in the Netherlands; offered to B, unanswered.
        four = await casus(at("2026-02-28", 23, 30), "rn", "oov")
        await offers.offer(four, b.id, now=at("2026-02-28", 23, 30))
        # 31 March 23:30 in the Netherlands (summer time): inside the range, never offered.
        await casus(at("2026-03-31", 21, 30), "gi-wsg", "screening")
        # March: accepted after 4 h by A, then closed: no longer open work.
        seven = await casus(at("2026-03-10"), "gi-wsg", "reguliere_regie")
        await accepted(seven, a, at("2026-03-10"), 4)
        closed = await casussen.lock(seven)
        assert closed is not None
        closed.close_reason = FREE_TEXT[3]
        await casussen.close(closed, now=at("2026-03-12"))
        # Outside the range in the Netherlands: 31 December 23:30 and 1 April 00:30.
        await casus(at("2025-12-31", 22, 30), "rn", "oov")
        await casus(at("2026-03-31", 22, 30), "rn", "oov")
    assert c.id is not None
    return {"a": a.id, "b": b.id, "c": c.id}


@pytest.fixture
async def figures(database: Database, schema: Schema) -> tuple[Figures, dict[str, int]]:
    ids = await known_casussen(database)
    return await FiguresService(database, schema, clock=TestClock()).figures(START, END), ids


def sections(document: str) -> dict[str, list[list[str]]]:
    """The CSV's tables by name: a blank line, the name, then the header and the rows."""
    blocks = document.strip("\n").split("\n\n")
    found = {"periode": list(csv.reader(io.StringIO(blocks[0])))}
    for block in blocks[1:]:
        name, *rows = list(csv.reader(io.StringIO(block)))
        found[name[0]] = rows
    return found


async def test_the_csv_holds_the_counts_and_durations(
    figures: tuple[Figures, dict[str, int]],
) -> None:
    result, ids = figures
    tables = sections(to_csv(result))
    assert tables["periode"] == [["periode", "2026-01-01", "2026-03-31"]]
    assert tables["aanmeldingen_per_maand"] == [
        ["maand", "reguliere_regie", "screening", "oov", "totaal"],
        ["2026-01", "2", "0", "0", "2"],
        ["2026-02", "0", "1", "0", "1"],
        ["2026-03", "1", "1", "1", "3"],
    ]
    assert tables["casussen_per_partij"] == [["partij", "aantal"], ["gi-wsg", "4"], ["rn", "2"]]
    # gi-wsg waited 2, 5 (to the acceptance, not the decline at 1) and 4 hours; rn 30 hours.
    # The 90th percentile is the nearest rank: the ceil(0.9 n)-th shortest wait.
    assert tables["tijd_tot_acceptatie"] == [
        ["partij", "geaccepteerd", "mediaan_uren", "p90_uren"],
        ["gi-wsg", "3", "4.0", "5.0"],
        ["rn", "1", "30.0", "30.0"],
        ["alle", "4", "4.5", "30.0"],
    ]
    # A holds casus one (seven is closed); B holds two and three and has four on offer.
    assert tables["open_casussen_per_regisseur"] == [
        ["regisseur", "partij", "open", "capaciteit"],
        [f"R{ids['a']}", "gi-wsg", "1", "3"],
        [f"R{ids['b']}", "rn", "3", "2"],
    ]


async def test_the_json_holds_the_same_figures(figures: tuple[Figures, dict[str, int]]) -> None:
    result, ids = figures
    document = json.loads(to_json(result))
    assert document["van"] == "2026-01-01" and document["tot_en_met"] == "2026-03-31"
    assert document["aanmeldingen_per_maand"][2] == {
        "maand": "2026-03",
        "reguliere_regie": 1,
        "screening": 1,
        "oov": 1,
        "totaal": 3,
    }
    assert document["casussen_per_partij"] == [
        {"partij": "gi-wsg", "aantal": 4},
        {"partij": "rn", "aantal": 2},
    ]
    assert document["tijd_tot_acceptatie"][-1] == {
        "partij": "alle",
        "geaccepteerd": 4,
        "mediaan_uren": 4.5,
        "p90_uren": 30.0,
    }
    assert document["open_casussen_per_regisseur"] == [
        {"regisseur": f"R{ids['a']}", "partij": "gi-wsg", "open": 1, "capaciteit": 3},
        {"regisseur": f"R{ids['b']}", "partij": "rn", "open": 3, "capaciteit": 2},
    ]


async def test_the_png_is_a_picture_a_phone_can_show(
    figures: tuple[Figures, dict[str, int]],
) -> None:
    result, _ = figures
    png = charts.draw(result)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert 20_000 < len(png) < 1_000_000  # Telegram takes photos up to 10 MB
    pixels = matplotlib.image.imread(io.BytesIO(png), format="png")
    height, width = pixels.shape[:2]
    assert (width, height) == (880, 1980)
    assert pixels.std() > 0.05, "not a blank picture"


async def test_an_empty_period_still_draws(database: Database, schema: Schema) -> None:
    empty = await FiguresService(database, schema, clock=TestClock()).figures(
        date(2030, 1, 1), date(2030, 1, 31)
    )
    assert [m.month for m in empty.per_month] == ["2030-01"]
    assert empty.per_partij == () and empty.acceptance[-1].accepted == 0
    assert charts.draw(empty).startswith(b"\x89PNG")
    assert sections(to_csv(empty))["tijd_tot_acceptatie"][1] == ["alle", "0", "", ""]


async def test_no_export_or_figure_holds_free_text_names_or_telegram_ids(
    figures: tuple[Figures, dict[str, int]],
) -> None:
    result, _ = figures
    png = charts.draw(result)
    metadata = " ".join(f"{k} {v}" for k, v in Image.open(io.BytesIO(png)).info.items())
    for document in (to_csv(result), to_json(result), metadata, png.decode("latin-1")):
        for secret in (*FREE_TEXT, *NAMES, *map(str, TELEGRAM_IDS)):
            assert secret not in document
        for word in ("Jansen", "Pietersen", "Klaas", "Zwolle", "Annemarie", "Visser"):
            assert word not in document


def test_the_default_range_is_this_month_and_the_eleven_before(
    database: Database, schema: Schema
) -> None:
    clock = TestClock(datetime(2026, 11, 20, 9, tzinfo=UTC))
    service = FiguresService(database, schema, clock=clock)
    assert service.last_months() == (date(2025, 12, 1), date(2026, 11, 20))
    clock.now = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)  # 1 January, Amsterdam
    assert service.last_months() == (date(2026, 2, 1), date(2027, 1, 1))
