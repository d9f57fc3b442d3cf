"""Property: whatever a user sends (buttons of any question, stale ones too, typed text, commands)
the dialogue never raises, always stands in a valid state asking its question, and never loses
an answer the user did not change, stop or replace, nor a person of a group they did not remove."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from conversation.intake import (
    CANCELLED,
    FINISHED,
    OVERVIEW,
    SCOPE,
    START,
    SUMMARY,
    GroupRegistration,
    IntakeDialogue,
    Registration,
)
from conversation.messages import Command, Input, Memory, Pressed, Typed
from rules import load_schema
from rules.engine import is_asked

SCHEMA = load_schema()
DIALOGUE = IntakeDialogue(SCHEMA)
QUESTIONS = [q.id for q in SCHEMA.questions]
STEPS = [*QUESTIONS, SUMMARY, SCOPE, OVERVIEW]
# A group's steps name the person (or the overview its number of persons).
PRESSED_STEPS = [
    *STEPS,
    *(f"{step}#{n}" for step in [*QUESTIONS, SUMMARY, OVERVIEW] for n in (1, 2)),
]
BUTTONS = sorted(
    {o.code for q in SCHEMA.questions for o in (*q.options, *q.bands)}
    | {"vorige", "stoppen", "verder", "geen", "overslaan", "bevestig"}
    | {f"wijzig-{q.id}" for q in SCHEMA.questions}
    | {"persoon", "groep", "toevoegen", "naar-groep", "persoon-1", "persoon-2", "verwijder-1"}
)
TEXTS = [
    "ja",
    "een groep",
    "een persoon",
    "toevoegen",
    "wijzig 1",
    "verwijder 2",
    "1",
    "2",
    "9",
    "vrijwillig",
    "maatregel",
    "ots",
    "jr",
    "15",
    "25",
    "130",
    "15 jaar",
    "lvb, ggz",
    "geen",
    "verder",
    "vorige",
    "bevestig",
    "wijzig leeftijd",
    "overslaan",
    "BSN 111222333",
    "",
    "😀",
    "x" * 600,
]

inputs = st.one_of(
    st.builds(Pressed, st.sampled_from(PRESSED_STEPS), st.sampled_from(BUTTONS)),
    st.builds(Typed, st.sampled_from(TEXTS) | st.text(max_size=40)),
    st.builds(Command, st.sampled_from(["aanmelden", "opnieuw", "stoppen", "vorige", "onzin"])),
)


def _asked(answers: dict[str, object], question_id: str) -> bool:
    from rules import facts_from_answers

    question = SCHEMA.question_by_id[question_id]
    return is_asked(question, facts_from_answers(SCHEMA, answers)) is not False  # type: ignore[arg-type]


@settings(max_examples=300, deadline=None)
@given(st.lists(inputs, max_size=40))
def test_any_sequence_of_inputs(events: list[Input]) -> None:
    memory = Memory(START)
    for event in [Command("aanmelden"), *events]:
        before = memory
        step = DIALOGUE.step(memory, event)
        memory = step.memory
        if isinstance(step.registration, Registration):
            assert step.registration.answers == before.answers
            memory = DIALOGUE.registered(memory, "ZVH-2026-0001").memory
        elif isinstance(step.registration, GroupRegistration):
            assert before.group is not None
            assert len(step.registration.members) == len(before.group.persons)
            members = [(f"ZVH-2026-{n:04d}", ()) for n in range(len(before.group.persons))]
            memory = DIALOGUE.registered_group(memory, "ZVH-2026-G001", members).memory
        assert memory.state in DIALOGUE.states
        assert step.replies, "every input gets an answer"
        if memory.state in (*STEPS,):
            asked = step.replies[-1].step
            assert asked is not None and asked.split("#")[0] == memory.state, "asked again"
        assert set(memory.answers) <= set(QUESTIONS)
        if memory.state in (CANCELLED, FINISHED, START) or isinstance(event, Command):
            continue
        if before.group is not None and memory.group is not None:
            removing = (isinstance(event, Pressed) and event.button.startswith("verwijder")) or (
                isinstance(event, Typed) and event.text.startswith("verwijder")
            )
            if not removing:
                assert len(memory.group.persons) >= len(before.group.persons), "a person is lost"
        if before.group is not None or memory.group is not None:
            continue  # answers move between the person asked now and the group
        # A given answer stays unless it was the one being answered, or no longer applies.
        for question_id, answer in before.answers.items():
            if question_id == before.state:
                continue
            if memory.answers.get(question_id) != answer:
                assert question_id not in memory.answers and not _asked(memory.answers, question_id)
