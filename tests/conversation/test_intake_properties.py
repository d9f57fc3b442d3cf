"""Property: whatever a user sends (buttons of any question, stale ones too, typed text, commands)
the dialogue never raises, always stands in a valid state asking its question, and never loses
an answer the user did not change, stop or replace."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from conversation.intake import CANCELLED, FINISHED, START, SUMMARY, IntakeDialogue
from conversation.messages import Command, Input, Memory, Pressed, Typed
from rules import load_schema
from rules.engine import is_asked

SCHEMA = load_schema()
DIALOGUE = IntakeDialogue(SCHEMA)
STEPS = [q.id for q in SCHEMA.questions] + [SUMMARY]
BUTTONS = sorted(
    {o.code for q in SCHEMA.questions for o in (*q.options, *q.bands)}
    | {"vorige", "stoppen", "verder", "geen", "overslaan", "bevestig"}
    | {f"wijzig-{q.id}" for q in SCHEMA.questions}
)
TEXTS = [
    "ja",
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
    st.builds(Pressed, st.sampled_from(STEPS), st.sampled_from(BUTTONS)),
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
        if step.registration is not None:
            assert step.registration.answers == before.answers
            memory = DIALOGUE.registered(memory, "ZVH-2026-0001").memory
        assert memory.state in DIALOGUE.states
        assert step.replies, "every input gets an answer"
        if memory.state in (*STEPS,):
            assert step.replies[-1].step == memory.state, "the current question is asked again"
        assert set(memory.answers) <= set(STEPS)
        if memory.state in (CANCELLED, FINISHED, START):
            continue
        # A given answer stays unless it was the one being answered, or no longer applies.
        for question_id, answer in before.answers.items():
            if question_id == before.state or isinstance(event, Command):
                continue
            if memory.answers.get(question_id) != answer:
                assert question_id not in memory.answers and not _asked(memory.answers, question_id)
