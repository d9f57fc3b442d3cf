"""Repositories on SQLite and PostgreSQL: what is saved comes back, and a failed unit of work
leaves nothing behind."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import col, select

from storage import (
    Assignments,
    AuditLog,
    Casussen,
    Database,
    Groups,
    Intake,
    IntakeStates,
    Invitations,
    Outbox,
    People,
    StoredAdvice,
    WrongCodes,
)
from storage.models import Casus, OutboxMessage, Person
from storage.retention import KeptAnswers, anonymise_closed
from tests.clock import START

ADVICE = {
    "partij": "gi-wsg",
    "partij_name": "William Schrikker Groep",
    "rule": "gi-lvb",
    "outcome": "reguliere_regie",
    "outcome_label": "Reguliere regie",
    "next_step": "De WSG voert de casusregie al.",
    "reasons": [
        {"aspect": "regime", "text": "Regime: gedwongen kader (OTS)."},
        {"aspect": "leeftijd", "text": "Leeftijd: 15 jaar. Speelt geen rol."},
    ],
}
ANSWERS = {
    "criteria": "ja",
    "kader": "maatregel",
    "maatregel": "ots",
    "leeftijd": 15,
    "profiel": ["lvb"],
    "interventie": "jeugdbescherming",
    "betrokken": ["wijkteam"],
    "omschrijving": "Jongere verzuimt school, gezin overbelast.",
}


GROUP = {"scope": "groep", "shared": {"criteria": "ja"}, "persons": [{"leeftijd": 15}], "at": 1}


class Boom(Exception):
    pass


async def test_intake_state_round_trip(database: Database) -> None:
    async with database.transaction() as session:
        intake = await IntakeStates(session).lock_or_create(42, "criteria", now=START)
        assert intake == Intake(42, "criteria", {}, None, None, ())
        await IntakeStates(session).save(
            Intake(
                42,
                "profiel",
                {"criteria": "ja", "kader": "vrijwillig"},
                ["lvb"],
                awaiting="intake",
                handled_updates=(9001, 9002),
                group=GROUP,
            ),
            now=START,
        )
    async with database.transaction() as session:
        intake = await IntakeStates(session).lock_or_create(42, "criteria", now=START)
        assert intake == Intake(
            42,
            "profiel",
            {"criteria": "ja", "kader": "vrijwillig"},
            ["lvb"],
            "intake",
            (9001, 9002),
            group=GROUP,
        )
        assert await IntakeStates(session).count() == 1
        await IntakeStates(session).delete(42)
        assert await IntakeStates(session).lock(42) is None


async def test_saving_clears_what_the_chat_no_longer_waits_for(database: Database) -> None:
    async with database.transaction() as session:
        states = IntakeStates(session)
        await states.lock_or_create(43, "criteria", now=START)
        await states.save(
            Intake(43, "kader", {}, awaiting="intake", handled_updates=(1, 2, 3)), now=START
        )
    async with database.transaction() as session:
        states = IntakeStates(session)
        saved = await states.lock_or_create(43, "criteria", now=START)
        await states.save(Intake(43, saved.state, saved.answers, handled_updates=(3, 4)), now=START)
    async with database.transaction() as session:
        intake = await IntakeStates(session).lock(43)
    assert intake == Intake(43, "kader", {}, None, None, (3, 4))


async def test_crash_halfway_leaves_the_database_as_it_was(database: Database) -> None:
    async with database.transaction() as session:
        await IntakeStates(session).lock_or_create(7, "kader", now=START)
        await IntakeStates(session).save(Intake(7, "leeftijd", {"kader": "vrijwillig"}), now=START)
    with pytest.raises(Boom):
        async with database.transaction() as session:
            await IntakeStates(session).lock_or_create(7, "kader", now=START)
            await IntakeStates(session).save(Intake(7, "klaar", {"kader": "maatregel"}), now=START)
            casus = await Casussen(session).create(
                answers=ANSWERS, advice=ADVICE, chat_id=7, now=START
            )
            await Outbox(session).add(1, {"text": "Nieuwe casus"}, now=START)
            await AuditLog(session).record(
                "casus_aangemeld", casus_reference=casus.reference, at=START
            )
            raise Boom
    async with database.transaction() as session:
        intake = await IntakeStates(session).lock_or_create(7, "kader", now=START)
        assert (intake.state, intake.answers) == ("leeftijd", {"kader": "vrijwillig"})
        assert await Outbox(session).claim(START, timedelta(minutes=1), 10) == []
        # The reference counter rolled back too: the next casus still gets number 1.
        casus = await Casussen(session).create(answers=ANSWERS, advice=ADVICE, now=START)
    assert casus.reference == f"ZVH-{casus.year}-0001"


async def test_casus_references_count_per_year(database: Database) -> None:
    async with database.transaction() as session:
        casussen = Casussen(session)
        first = await casussen.create(
            answers=ANSWERS, advice=ADVICE, now=datetime(2026, 12, 31, tzinfo=UTC)
        )
        second = await casussen.create(
            answers=ANSWERS, advice=ADVICE, now=datetime(2026, 12, 31, tzinfo=UTC)
        )
        new_year = await casussen.create(
            answers=ANSWERS, advice=ADVICE, now=datetime(2027, 1, 1, tzinfo=UTC)
        )
    assert [first.reference, second.reference, new_year.reference] == [
        "ZVH-2026-0001",
        "ZVH-2026-0002",
        "ZVH-2027-0001",
    ]
    async with database.transaction() as session:
        stored = await Casussen(session).by_reference("ZVH-2026-0002")
    assert stored is not None
    assert (stored.partij, stored.rule, stored.outcome, stored.status) == (
        "gi-wsg",
        "gi-lvb",
        "reguliere_regie",
        "aangemeld",
    )
    assert stored.answers == ANSWERS and stored.advice == ADVICE


async def test_a_group_numbers_apart_from_casussen_and_lists_its_members_in_order(
    database: Database,
) -> None:
    day = datetime(2026, 11, 23, tzinfo=UTC)
    async with database.transaction() as session:
        first = await Groups(session).create(melder_id=None, chat_id=7, now=day)
        second = await Groups(session).create(now=day)
        members = [
            await Casussen(session).create(
                answers=ANSWERS, advice=ADVICE, chat_id=7, group_id=first.id, now=day
            )
            for _ in range(3)
        ]
        await Casussen(session).create(answers=ANSWERS, advice=ADVICE, now=day)
    assert (first.reference, second.reference) == ("ZVH-2026-G001", "ZVH-2026-G002")
    assert [m.reference for m in members] == ["ZVH-2026-0001", "ZVH-2026-0002", "ZVH-2026-0003"]
    async with database.transaction() as session:
        found = await Groups(session).by_reference("ZVH-2026-G001")
        assert found is not None and found.chat_id == 7
        listed = await Groups(session).members(found.id or 0)
        assert [m.reference for m in listed] == [m.reference for m in members]
        assert await Groups(session).members(second.id or 0) == []


async def test_melder_sees_own_casussen_newest_first(database: Database) -> None:
    async with database.transaction() as session:
        people = People(session)
        melder = await people.add(Person(telegram_id=1001, role="melder"))
        other = await people.add(Person(telegram_id=1002, role="melder"))
        casussen = Casussen(session)
        older = await casussen.create(
            answers=ANSWERS,
            advice=ADVICE,
            melder_id=melder.id,
            now=datetime(2026, 3, 1, tzinfo=UTC),
        )
        newer = await casussen.create(
            answers=ANSWERS,
            advice=ADVICE,
            melder_id=melder.id,
            now=datetime(2026, 4, 1, tzinfo=UTC),
        )
        await casussen.create(answers=ANSWERS, advice=ADVICE, melder_id=other.id, now=START)
    async with database.transaction() as session:
        assert melder.id is not None
        mine = await Casussen(session).of_melder(melder.id)
    assert [c.reference for c in mine] == [newer.reference, older.reference]


async def test_invitation_is_locked_and_marked_used(database: Database) -> None:
    async with database.transaction() as session:
        invitation = await Invitations(session).create(
            role="regisseur",
            partij="mee",
            expertise=["lvb"],
            now=START,
        )
        code = invitation.code
    assert len(code) >= 20
    async with database.transaction() as session:
        found = await Invitations(session).lock(code)
        assert found is not None and found.used_at is None
        person = await People(session).add(
            Person(telegram_id=5, role=found.role, partij=found.partij)
        )
        assert person.id is not None
        await Invitations(session).mark_used(found, person.id, now=START)
    async with database.transaction() as session:
        used = await Invitations(session).lock(code)
        assert used is not None and used.used_by == person.id and used.used_at is not None
        assert used.expires_at > START
        assert await Invitations(session).lock("bestaat-niet") is None


async def test_wrong_codes_count_per_account_until_forgotten(database: Database) -> None:
    first, later = datetime(2026, 12, 3, 9, 0, tzinfo=UTC), datetime(2026, 12, 3, 9, 1, tzinfo=UTC)
    async with database.transaction() as session:
        await WrongCodes(session).count(4711, 1, first)
        await WrongCodes(session).count(4711, 2, later)  # the same account: replaced
        await WrongCodes(session).count(4712, 1, first)
    async with database.transaction() as session:
        found = await WrongCodes(session).lock(4711)
        assert found is not None and (found.count, found.last_at) == (2, later)
        await WrongCodes(session).forget(4711)
    async with database.transaction() as session:
        assert await WrongCodes(session).lock(4711) is None
        assert await WrongCodes(session).lock(4712) is not None


async def test_assignments_keep_declines_with_reason(database: Database) -> None:
    async with database.transaction() as session:
        people = People(session)
        first = await people.add(Person(telegram_id=11, role="regisseur", partij="mee"))
        second = await people.add(Person(telegram_id=12, role="regisseur", partij="mee"))
        await people.add(Person(telegram_id=13, role="regisseur", partij="mee", active=False))
        casus = await Casussen(session).create(answers=ANSWERS, advice=ADVICE, now=START)
        assert casus.id and first.id and second.id
        declined = await Assignments(session).offer(casus.id, first.id, now=START)
        await Assignments(session).answer(
            declined, accepted=False, reason="Geen capaciteit", now=START
        )
        accepted = await Assignments(session).offer(casus.id, second.id, now=START)
        await Assignments(session).answer(accepted, accepted=True, now=START)
        matched = await people.for_matching("mee")
    assert {r.person_id for r in matched} == {first.id, second.id}  # not the deactivated one
    async with database.transaction() as session:
        offers = await Assignments(session).of_casus(casus.id)
    assert [(a.regisseur_id, a.status, a.reason) for a in offers] == [
        (first.id, "afgewezen", "Geen capaciteit"),
        (second.id, "geaccepteerd", None),
    ]


async def test_outbox_hands_out_due_messages_once(database: Database) -> None:
    now = START
    async with database.transaction() as session:
        outbox = Outbox(session)
        await outbox.add(1, {"text": "een"}, now=now)
        await outbox.add(2, {"text": "twee"}, now=now)
    async with database.transaction() as session:
        due = await Outbox(session).claim(now, timedelta(minutes=5), 10)
        assert [m.payload["text"] for m in due] == ["een", "twee"]
        await Outbox(session).mark_sent([due[0].id], now)
        await Outbox(session).retry(due[1].id, "429 Too Many Requests", now + timedelta(seconds=30))
    async with database.transaction() as session:
        assert await Outbox(session).claim(now, timedelta(minutes=5), 10) == []
        later = await Outbox(session).claim(now + timedelta(minutes=1), timedelta(minutes=5), 10)
    assert [(m.payload["text"], m.attempts) for m in later] == [("twee", 2)]


def band(age: object) -> str:
    return "minderjarig" if isinstance(age, int) and age < 18 else "volwassen"


KEPT = KeptAnswers(
    as_given=("kader", "maatregel", "instantie", "interventie", "criteria"),
    as_band={"leeftijd": band},
)


async def test_retention_anonymises_only_casussen_closed_long_enough(database: Database) -> None:
    now = datetime(2027, 6, 1, tzinfo=UTC)
    async with database.transaction() as session:
        casussen = Casussen(session)
        old = await casussen.create(
            answers=ANSWERS, advice=ADVICE, now=datetime(2026, 1, 5, tzinfo=UTC)
        )
        recent = await casussen.create(
            answers=ANSWERS, advice=ADVICE, now=datetime(2026, 1, 6, tzinfo=UTC)
        )
        still_open = await casussen.create(
            answers=ANSWERS, advice=ADVICE, now=datetime(2026, 1, 7, tzinfo=UTC)
        )
        await casussen.close(old, now=now - timedelta(days=400))
        await casussen.close(recent, now=now - timedelta(days=30))
        outbox = Outbox(session)
        offer = {"text": "Nieuwe casus voor u: ... Omschrijving: Jongere verzuimt school"}
        sent = [await outbox.add(7, offer, c.reference, now=START) for c in (old, recent)]
        await outbox.mark_sent(sent, now - timedelta(days=399))
        unsent = await outbox.add(
            8, offer, old.reference, now=START
        )  # never sent: still on its way
    async with database.transaction() as session:
        anonymised_now = await anonymise_closed(session, retention_days=365, kept=KEPT, now=now)
        left = (await session.exec(select(OutboxMessage.id).order_by(col(OutboxMessage.id)))).all()
    assert anonymised_now == [old.reference]
    assert list(left) == [sent[1], unsent], "what was sent about the anonymised casus is gone"
    async with database.transaction() as session:
        stored = {
            c.reference: c
            for c in [
                await Casussen(session).by_reference(x.reference) for x in (old, recent, still_open)
            ]
            if c
        }
        assert await anonymise_closed(session, retention_days=365, kept=KEPT, now=now) == []
    anonymised: Casus = stored[old.reference]
    assert anonymised.answers == {
        "criteria": "ja",
        "kader": "maatregel",
        "maatregel": "ots",
        "interventie": "jeugdbescherming",
        "leeftijd": "minderjarig",
    }
    assert anonymised.advice == {k: ADVICE[k] for k in ("partij", "partij_name", "rule", "outcome")}
    assert (anonymised.partij, anonymised.rule, anonymised.status) == (
        "gi-wsg",
        "gi-lvb",
        "gesloten",
    )
    assert anonymised.anonymised_at == now
    assert anonymised.stored_advice == StoredAdvice(
        partij="gi-wsg",
        partij_name="William Schrikker Groep",
        rule="gi-lvb",
        outcome="reguliere_regie",
        outcome_label="reguliere_regie",
        next_step="De WSG voert de casusregie al.",
        reasons=(),
    )
    assert stored[recent.reference].answers == ANSWERS
    assert stored[still_open.reference].answers == ANSWERS


async def test_stored_advice_is_typed(database: Database) -> None:
    async with database.transaction() as session:
        created = await Casussen(session).create(answers=ANSWERS, advice=ADVICE, now=START)
    async with database.transaction() as session:
        casus = await Casussen(session).by_reference(created.reference)
    assert casus is not None
    assert casus.stored_advice == StoredAdvice(
        partij="gi-wsg",
        partij_name="William Schrikker Groep",
        rule="gi-lvb",
        outcome="reguliere_regie",
        outcome_label="Reguliere regie",
        next_step="De WSG voert de casusregie al.",
        reasons=("Regime: gedwongen kader (OTS).", "Leeftijd: 15 jaar. Speelt geen rol."),
    )


def test_stored_advice_without_its_record_falls_back_to_the_casus_columns() -> None:
    casus = Casus(partij="mee", rule="vrijwillig-lvb", outcome="screening", next_step="Screening.")
    assert casus.stored_advice == StoredAdvice(
        partij="mee",
        partij_name="mee",
        rule="vrijwillig-lvb",
        outcome="screening",
        outcome_label="screening",
        next_step="Screening.",
        reasons=(),
    )
