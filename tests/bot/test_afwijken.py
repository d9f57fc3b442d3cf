"""The coördinatoren's afwijken, reopening and listing through the service, on SQLite and
PostgreSQL: the reason is mandatory, the new holder and the melder hear, the old offer's
regisseur too; the audit log keeps old advice and new choice and no free text; every card view
is audited; a regisseur cannot afwijken; /casussen filters and pages."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.services.assignment import Filters
from rules import Schema
from rules.vocabulary import AssignmentStatus, CasusStatus, Role
from storage import Assignments, AuditLog, Casussen, Database
from tests.bot.test_assignment_service import OTS_LVB, World


@pytest.fixture
def world(database: Database, schema: Schema) -> World:
    return World(database, schema)


REASON = "In overleg met de wijkteamleider, past beter in het wijkteam"


async def test_afwijken_with_a_reason_reaches_the_new_holder_and_the_melder(world: World) -> None:
    await world.person("Ans", partij="gi-wsg", expertise=["lvb"])
    zeger = await world.person("Zeger", partij="wijkteam")
    await world.person("Coby", Role.COORDINATOR)
    casus = await world.aanmelding(OTS_LVB)
    assert await world.offered_to(casus) == "Ans"
    card = await world.press("Coby", "card", casus.id or 0)
    assert "Afwijken" in [a.label for a in card.actions]
    assert "Geschiedenis:" in card.text and ": aangeboden aan een regisseur" in card.text
    partijen = await world.press("Coby", "afw", casus.id or 0)
    assert partijen.text.startswith(f"Aan welke partij geeft u casus {casus.reference}?")
    regisseurs = await world.press("Coby", "afw-wijkteam", casus.id or 0)
    labels = [a.label for a in regisseurs.actions]
    assert "Eerstvolgende beschikbare" in labels and any("Zeger" in label for label in labels)
    asked = await world.press("Coby", "afr-wijkteam", f"{casus.id}.{zeger.id}")
    assert asked.text.startswith(f"Waarom geeft u casus {casus.reference} aan Zeger")
    empty = await world.free_text.typed(world.chat("Coby"), "", person_id=world.people["Coby"].id)
    assert world.people["Coby"].id is not None and empty.card is None  # the question stands
    assert (await world.casus(casus.reference)).status == CasusStatus.AANGEBODEN
    turn = await world.free_text.typed(
        world.chat("Coby"), REASON, person_id=world.people["Coby"].id
    )
    assert turn.card is not None and "in overleg elders belegd" in turn.card.text
    assert await world.offered_to(casus) == "Zeger"
    zeger_told = await world.told("Zeger")
    assert any(t.startswith(f"Nieuwe casus voor u: {casus.reference}") for t in zeger_told)
    ans_told = await world.told("Ans")
    assert any("is ingetrokken: een coördinator" in t for t in ans_told)
    melder = [t for t in await world.told("melder") if "in overleg door een coördinator" in t]
    assert melder and f"Reden: {REASON}" in melder[0]
    stored = await world.casus(casus.reference)
    assert stored.afgeweken_partij == "wijkteam" and stored.coordinator_reason == REASON
    async with world.database.transaction() as session:
        entries = await AuditLog(session).of_casus(casus.reference)
        offers = await Assignments(session).of_casus(casus.id or 0)
    [afgeweken] = [e for e in entries if e.action == "afgeweken"]
    assert afgeweken.actor_id == world.people["Coby"].id
    assert afgeweken.details["old_partij"] == "gi-wsg" and afgeweken.details["old_rule"]
    assert afgeweken.details["new_partij"] == "wijkteam"
    assert afgeweken.details["new_regisseur_id"] == zeger.id
    assert afgeweken.details["reden"] == REASON  # why the advice was not followed
    assert [e.action for e in entries if REASON in str(e.details)] == ["afgeweken"]
    assert [e.action for e in entries].count("kaart_bekeken") >= 1
    assert [o.status for o in offers] == [AssignmentStatus.INGETROKKEN, AssignmentStatus.AANGEBODEN]
    # Zeger accepts: it is his, as the coördinator chose, not screened
    accepted = await world.press("Zeger", "accept", await world.open_offer(casus))
    assert accepted.text.startswith(f"U heeft casus {casus.reference} geaccepteerd")
    assert (await world.casus(casus.reference)).status == CasusStatus.OPGEPAKT


async def test_a_regisseur_cannot_afwijken_and_nobody_available_is_said(world: World) -> None:
    await world.person("Ans", partij="gi-wsg", expertise=["lvb"])
    await world.person("Coby", Role.COORDINATOR)
    casus = await world.aanmelding(OTS_LVB)
    card = await world.press("Ans", "card", casus.id or 0)
    assert "Afwijken" not in [a.label for a in card.actions]
    assert "Geschiedenis:" not in card.text
    refused = await world.press("Ans", "afw", casus.id or 0)
    assert refused.text == "Dit kunnen alleen coördinatoren."
    refused = await world.press("Ans", "afr-wijkteam", f"{casus.id}.0")
    assert refused.text == "Dit kunnen alleen coördinatoren."
    nobody = await world.press("Coby", "afr-wijkteam", f"{casus.id}.0")
    assert nobody.text.startswith("Bij Wijkteam / Samen DOEN is nu niemand beschikbaar")


async def test_a_closed_casus_is_reopened_with_a_reason_and_offered_again(world: World) -> None:
    await world.person("Ans", partij="gi-wsg", expertise=["lvb"])
    await world.person("Coby", Role.COORDINATOR)
    casus = await world.aanmelding(OTS_LVB)
    await world.press("Coby", "close", casus.id or 0)
    await world.free_text.typed(
        world.chat("Coby"), "Dubbel gemeld", person_id=world.people["Coby"].id
    )
    assert (await world.casus(casus.reference)).status == CasusStatus.GESLOTEN
    card = await world.press("Coby", "card", casus.id or 0)
    assert [a.label for a in card.actions] == ["Heropenen"]
    asked = await world.press("Coby", "reopen", casus.id or 0)
    assert asked.text.startswith(f"Waarom heropent u casus {casus.reference}?")
    forged = await world.press("Coby", "nonote", f"reopen:{casus.id}")  # no button offers this
    assert forged.text.startswith("Deze knop is verlopen")
    assert (await world.casus(casus.reference)).status == CasusStatus.GESLOTEN
    asked = await world.press("Coby", "reopen", casus.id or 0)
    await world.free_text.typed(
        world.chat("Coby"), "Toch niet dubbel", person_id=world.people["Coby"].id
    )
    stored = await world.casus(casus.reference)
    assert stored.status == CasusStatus.AANGEBODEN and stored.closed_at is None
    assert await world.offered_to(casus) == "Ans"
    assert any(
        t.startswith(f"Casus {casus.reference} is door een coördinator heropend")
        for t in await world.told("melder")
    )
    assert "heropend" in await world.audit(casus)


async def test_the_listing_filters_and_pages(world: World) -> None:
    coby = await world.person("Coby", Role.COORDINATOR)
    await world.person("Ans", partij="gi-wsg")
    async with world.database.transaction() as session:
        for n in range(23):
            advice = {
                "partij": "wijkteam" if n % 2 else "gi-wsg",
                "rule": "r",
                "outcome": "reguliere_regie",
                "next_step": "x",
            }
            created = world.clock.now - timedelta(days=n * 2)
            stored = await Casussen(session).create(answers={}, advice=advice, now=created)
            if n == 0:
                stored.status = CasusStatus.GESLOTEN
    who = world.who("Coby")
    assert coby.id is not None
    first = await world.service.listing(who, Filters())
    assert first is not None and first.pages == 3 and len(first.casussen) == 10
    assert "1-10 van 23" in first.text
    seen = []
    for page in range(3):
        listing = await world.service.listing(who, Filters(page=page))
        assert listing is not None and len(listing.text) < 4096
        seen += [reference for reference, _ in listing.casussen]
    assert len(seen) == len(set(seen)) == 23
    wijkteam = await world.service.listing(who, Filters(partij="wijkteam"))
    assert wijkteam is not None and "van 11" in wijkteam.text
    young = await world.service.listing(who, Filters(age="7"))
    assert young is not None and "van 4" in young.text  # 0, 2, 4, 6 days old
    open_ = await world.service.listing(who, Filters(status="open"))
    assert open_ is not None and "van 22" in open_.text
    beyond = await world.service.listing(who, Filters(page=9))
    assert beyond is not None and beyond.filters.page == 2
    assert await world.service.listing(world.who("Ans"), Filters()) is None
