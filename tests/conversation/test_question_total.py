"""The "Vraag n van m" line: the total is the longest path the answers given still allow, so it
shrinks only when an answer skips questions, and the number goes up by one per question; the
one-person-or-group question is one of them."""

from __future__ import annotations

import re

import pytest

from conversation.intake import SCOPE, IntakeDialogue
from rules import Schema
from tests.conversation.script import Script


@pytest.fixture(scope="module")
def dialogue(schema: Schema) -> IntakeDialogue:
    return IntakeDialogue(schema)


def progress(script: Script) -> tuple[int, int]:
    match = re.match(r"Vraag (\d+) van (\d+)\n", script.texts[-1])
    assert match, script.texts
    return int(match.group(1)), int(match.group(2))


@pytest.mark.parametrize(
    ("answers", "totals"),
    [
        (["ja", "een persoon", "maatregel", "ots", "15", "geen", "zorg", "geen"], [9] * 9),
        (["ja", "een persoon", "onderzoek", "politie", "30", "geen", "zorg", "geen"], [9] * 9),
        (["ja", "een persoon", "vrijwillig", "30", "geen", "zorg", "geen"], [9, 9, 9] + [8] * 5),
    ],
)
def test_the_total_stays_unless_an_answer_skips_a_question(
    dialogue: IntakeDialogue, answers: list[str], totals: list[int]
) -> None:
    script = Script(dialogue).start()
    seen = [progress(script)]
    for answer in answers:
        script.type(answer)
        seen.append(progress(script))
    assert [total for _, total in seen] == totals
    assert [number for number, _ in seen] == list(range(1, len(answers) + 2))
    assert script.asking == "omschrijving"


def test_going_back_keeps_number_and_total(dialogue: IntakeDialogue) -> None:
    script = Script(dialogue).start().type("ja", "een persoon", "maatregel", "ots")
    assert progress(script) == (5, 9)
    script.press("vorige")
    assert progress(script) == (4, 9)
    script.press("vorige")
    assert progress(script) == (3, 9)
    script.type("vrijwillig")  # this answer skips the maatregel question
    assert progress(script) == (4, 8) and script.asking == "leeftijd"
    script.press("vorige").press("vorige")
    assert progress(script) == (2, 8) and script.asking == SCOPE
