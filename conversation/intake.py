"""The intake dialogue: a `transitions` state machine generated from the schema's questions.

States are the questions in schema order, wrapped by start, summary, advice, done and cancelled;
after each free-text question a state in which a text that seems to hold a name waits for the
user's word. Moves are declared as data (see `_transitions`): "advance" goes to the first question
that is asked and not yet answered, so going back or changing an answer re-asks only what depends
on it.
The machine is built once; each step attaches one chat's memory, triggers, and detaches it.
Pure: memory and input in, memory and replies out.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any, cast

from transitions import EventData, Machine
from transitions.extensions import GraphMachine

from conversation.advice_text import advice_text, group_advice_texts
from conversation.answers import answer_text
from conversation.group import GROUP, ONE, Group, aangemelde_line
from conversation.intake_texts import (
    ADD_WORDS,
    AT_OVERVIEW,
    BACK_WORDS,
    BAND_REFUSED,
    CONFIRM_WORDS,
    DONE_WORDS,
    FINISHED_HINT,
    FIRST_QUESTION,
    GROUP_FULL,
    GROUP_WORDS,
    LAST_PERSON,
    NAME_DOUBT,
    NO_SUCH_PERSON,
    NOTHING_RUNNING,
    ONE_WORDS,
    OVERVIEW_UNKNOWN,
    OWN_ANSWER_REPLACED,
    PERSON_EDIT_HINT,
    PERSON_NOT_ADDED,
    PERSON_REMOVED,
    PERSON_UNKNOWN,
    RESTARTED,
    RESUMED,
    REVISE_WORDS,
    SCOPE_QUESTION,
    SCOPE_UNKNOWN,
    STALE_BUTTON,
    STOPPED,
    SUMMARY_UNKNOWN,
    UNKNOWN_COMMAND,
    WELCOME,
)
from conversation.messages import (
    ADD_PERSON,
    BACK,
    CANCEL,
    CONFIRM,
    DONE,
    EDIT,
    EDIT_PERSON,
    NO_NAME,
    NONE,
    REMOVE_PERSON,
    REVISE,
    SKIP,
    TO_GROUP,
    Button,
    Command,
    Input,
    Memory,
    Pressed,
    Reply,
    Typed,
)
from conversation.privacy import COMMON_ORGANISATIONS, possible_names
from conversation.typed import Invalid, Value, read_answer
from rules import Advice, Schema, Violation, advise, facts_from_answers, violations
from rules.engine import Answer, Answers, age_violations, allowed_ages, is_asked, known_from_answer
from rules.facts import AgeRange, AgeSpan, Facts
from rules.schema import Band, Question
from rules.words import normalize

START = "start"
SCOPE = "omvang"  # one person or a group: before the first question asked per person
SUMMARY = "summary"
OVERVIEW = "groep"  # a group aanmelding's persons, before it is confirmed
ADVICE = "advice"
FINISHED = "done"
CANCELLED = "cancelled"

NAME_CHECK_SUFFIX = "-naam"  # after a free-text question's id: the state that checks its text


@dataclass(frozen=True, slots=True)
class Registration:
    """Confirmed answers and their advice: the service stores the casus, then calls `registered`."""

    answers: dict[str, Answer]
    advice: Advice


@dataclass(frozen=True, slots=True)
class GroupRegistration:
    """A confirmed group: one registration per person, in the group's order; the service
    stores a casus for each under one group, then calls `registered_group`."""

    members: tuple[Registration, ...]


@dataclass(frozen=True, slots=True)
class Step:
    memory: Memory
    replies: tuple[Reply, ...]
    registration: Registration | GroupRegistration | None = None
    answered: str | None = None  # the accepted answer, as text, to show on its question message


class _Chat:
    """One chat's memory while the machine moves it."""

    state: str
    # The triggers the machine binds to every model it moves (see `_transitions`), declared for
    # the type checker; `edit_<question>` triggers are reached by name.
    advance: Callable[[], bool]
    back: Callable[[], bool]
    confirm: Callable[[], bool]
    doubt: Callable[[], bool]
    edit_person: Callable[[], bool]
    remove_person: Callable[[], bool]
    to_group: Callable[[], bool]
    registered: Callable[[], bool]
    cancel: Callable[[], bool]
    restart: Callable[[], bool]
    get_graph: Callable[[], Any]  # bound by the GraphMachine that draws the diagram

    def __init__(self, memory: Memory) -> None:
        self.load(memory)

    def load(self, memory: Memory) -> None:
        """Takes on one chat's memory, forgetting whatever the previous step left."""
        self.answers: dict[str, Answer] = dict(memory.answers)
        self.draft: list[str] | None = list(memory.draft) if memory.draft is not None else None
        self.scope = memory.scope
        self.group = memory.group
        self.replies: list[Reply] = []
        self.answered: str | None = None
        # Which questions the current answers ask, worked out once per answers object.
        self.asked_for: dict[str, Answer] | None = None
        self.asked: frozenset[str] = frozenset()

    def say(self, text: str) -> None:
        self.replies.append(Reply(text))

    def memory(self) -> Memory:
        draft = tuple(self.draft) if self.draft is not None else None
        return Memory(self.state, dict(self.answers), draft, self.scope, self.group)

    def forget(self) -> None:
        """Everything answered goes: a new start, a stop, a registration."""
        self.answers, self.draft, self.scope, self.group = {}, None, None, None


class IntakeDialogue:
    def __init__(self, schema: Schema, group_max: int = 25) -> None:
        self.schema = schema
        self.group_max = group_max
        self.questions = schema.questions
        self.question_ids = [q.id for q in self.questions]
        # A free-text question's name check, by state.
        self.name_checks = {q.id + NAME_CHECK_SUFFIX: q for q in self.questions if q.kind == "text"}
        # The questions, and where the schema asks some per person, the choice between one person
        # and a group just before the first of those: the order "advance" and "back" go in.
        first_per_person = next((q for q in self.questions if q.per_person), None)
        self.asks_scope = first_per_person is not None
        self.before_scope = (
            frozenset(q.id for q in self.questions[: self.questions.index(first_per_person)])
            if first_per_person is not None
            else frozenset(self.question_ids)
        )
        self.steps: list[Question | str] = [
            step for q in self.questions for step in ((SCOPE, q) if q is first_per_person else (q,))
        ]
        asking = [
            state
            for step in self.steps
            for state in (
                (step,)
                if isinstance(step, str)
                else (step.id, *([step.id + NAME_CHECK_SUFFIX] if step.kind == "text" else []))
            )
        ]
        group_states = [OVERVIEW] if first_per_person is not None else []
        self.states = [START, *asking, SUMMARY, *group_states, ADVICE, FINISHED, CANCELLED]
        self.running = frozenset([*asking, SUMMARY, *group_states])
        # Questions whose answer decides whether a later question is asked, in schema order.
        self.conditioning = tuple(
            q
            for q in self.questions
            if any(c.question == q.id for later in self.questions for c in later.asked_when)
        )
        self._paths: dict[tuple[object, ...], tuple[Question, ...]] = {}  # see _longest_path
        self.known_names = _known_names(schema)
        self.machine = Machine(model=None, **self._definition())
        self._model = _Chat(Memory(START))  # a step runs to its end without awaiting anything
        self.machine.add_model(self._model)

    # --- the machine as data ---------------------------------------------------------------

    def _definition(self) -> dict[str, Any]:
        return {
            "states": self.states,
            "transitions": self._transitions(),
            "initial": START,
            "auto_transitions": False,
            "send_event": True,
        }

    def _transitions(self) -> list[dict[str, Any]]:
        ids = self.question_ids
        checks = list(self.name_checks)
        grouping = OVERVIEW in self.states
        scope = [SCOPE] if grouping else []
        overview = [OVERVIEW] if grouping else []
        asking = [*ids, *checks, *scope]
        moves: list[dict[str, Any]] = []
        for step in self.steps:
            if isinstance(step, str):
                condition = self._chat_guard(self._scope_pending)
            else:
                condition = self._guard(self._is_pending, step)
            moves.append(
                {
                    "trigger": "advance",
                    "source": [START, *asking, *overview],
                    "dest": step if isinstance(step, str) else step.id,
                    "conditions": [condition],
                }
            )
        moves.append(
            {
                "trigger": "advance",
                "source": [START, *asking],
                "dest": SUMMARY,
                "conditions": [self._chat_guard(self._one_person_at_a_time)],
            }
        )
        for check, question in self.name_checks.items():
            moves += [
                {"trigger": "doubt", "source": [question.id, check], "dest": check},
                {"trigger": "back", "source": check, "dest": question.id},
            ]
        if grouping:
            moves += [
                {
                    "trigger": "advance",
                    "source": asking,
                    "dest": OVERVIEW,
                    "after": self._file_person,
                },
                {
                    "trigger": "back",
                    "source": SUMMARY,
                    "dest": OVERVIEW,
                    "conditions": [self._chat_guard(self._editing_person)],
                    "after": self._file_person,
                },
            ]
        steps = [*self.steps, SUMMARY]
        for index, source in enumerate(steps):
            for earlier in reversed(steps[:index]):
                if isinstance(earlier, str):
                    condition = self._chat_guard(self._may_return_to_scope)
                else:
                    condition = self._guard(self._may_return_to, earlier)
                moves.append(
                    {
                        "trigger": "back",
                        "source": source if isinstance(source, str) else source.id,
                        "dest": earlier if isinstance(earlier, str) else earlier.id,
                        "conditions": [condition],
                    }
                )
        if grouping:
            moves += [
                {
                    "trigger": "back",
                    "source": ids,
                    "dest": SUMMARY,
                    "conditions": [self._chat_guard(self._editing_person)],
                },
                {
                    "trigger": "back",
                    "source": ids,
                    "dest": OVERVIEW,
                    "conditions": [self._chat_guard(self._adding_or_changing_group)],
                    "after": self._drop_person,
                },
            ]
        for question in self.questions:
            moves.append(
                {
                    "trigger": f"edit_{question.id}",
                    "source": SUMMARY,
                    "dest": question.id,
                    "conditions": [self._guard(self._may_return_to, question)],
                }
            )
            if grouping and not question.per_person:
                moves.append(
                    {
                        "trigger": f"edit_{question.id}",
                        "source": OVERVIEW,
                        "dest": question.id,
                        "conditions": [self._guard(self._is_asked, question)],
                    }
                )
        if grouping:
            moves += [
                {"trigger": "edit_person", "source": OVERVIEW, "dest": SUMMARY},
                {"trigger": "remove_person", "source": OVERVIEW, "dest": OVERVIEW},
                {
                    "trigger": "to_group",
                    "source": SUMMARY,
                    "dest": OVERVIEW,
                    "after": self._file_person,
                },
            ]
        moves += [
            {"trigger": "confirm", "source": [SUMMARY, *overview], "dest": ADVICE},
            {"trigger": "registered", "source": ADVICE, "dest": FINISHED},
            {"trigger": "cancel", "source": [*asking, SUMMARY, *overview], "dest": CANCELLED},
            {"trigger": "restart", "source": "*", "dest": START},
        ]
        return moves

    @staticmethod
    def _chat_guard(test: Callable[[_Chat], bool]) -> Callable[..., bool]:
        def guard(event: EventData) -> bool:
            return test(cast(_Chat, event.model))

        guard.__name__ = test.__name__.removeprefix("_")  # for the diagram
        return guard

    @staticmethod
    def _guard(test: Callable[[Question, _Chat], bool], question: Question) -> Callable[..., bool]:
        def guard(event: EventData) -> bool:
            chat = cast(_Chat, event.model)
            return test(question, chat)

        guard.__name__ = f"{test.__name__.removeprefix('_')}_{question.id}"  # for the diagram
        return guard

    def diagram(self) -> str:
        """The dialogue as a Mermaid state diagram, drawn from the same states and transitions."""
        graph = GraphMachine(
            model=None,
            graph_engine="mermaid",
            show_conditions=True,
            title="regiebot: de aanmelding",
            **self._definition(),
        )
        model = _Chat(Memory(START))
        graph.add_model(model)
        return str(model.get_graph().source)

    def _file_person(self, event: EventData) -> None:
        """At the overview: the answers held become the person's (or the group's; those who
        differed in a changed answer are told to follow the group now)."""
        chat = cast(_Chat, event.model)
        group = chat.group
        assert group is not None
        answers = self._pruned(chat.answers)
        if group.at is None:
            changed = {q for q, a in answers.items() if group.shared.get(q) != a}
            differed = [n for n, p in enumerate(group.persons, start=1) if changed & set(p)]
            if differed:
                chat.say(OWN_ANSWER_REPLACED.format(persons=_numbered(differed)))
        chat.group = group.filed(self.schema, answers)
        chat.answers, chat.draft = {}, None

    def _drop_person(self, event: EventData) -> None:
        """Back at the overview without the person being added, or the group's answer changed."""
        chat = cast(_Chat, event.model)
        assert chat.group is not None
        if chat.group.adding:
            chat.say(PERSON_NOT_ADDED.format(number=len(chat.group.persons) + 1))
        chat.group = replace(chat.group, at=None)
        chat.answers, chat.draft = {}, None

    @staticmethod
    def _scope_pending(chat: _Chat) -> bool:
        return chat.scope is None

    @staticmethod
    def _one_person_at_a_time(chat: _Chat) -> bool:
        """One person's aanmelding, or one person of a group looked at on their own."""
        return chat.group is None or chat.group.editing

    @staticmethod
    def _editing_person(chat: _Chat) -> bool:
        return chat.group is not None and chat.group.editing

    @staticmethod
    def _adding_or_changing_group(chat: _Chat) -> bool:
        group = chat.group
        return group is not None and not group.first_walk and not group.editing

    @staticmethod
    def _may_return_to_scope(chat: _Chat) -> bool:
        return chat.group is None or chat.group.first_walk

    def _may_return_to(self, question: Question, chat: _Chat) -> bool:
        """Whether "back" (or "wijzig") may go to `question`: a person added to a group goes
        back through their own questions only, one looked at again not to the group's first."""
        if not self._is_asked(question, chat):
            return False
        group = chat.group
        if group is None or group.first_walk:
            return True
        if group.adding:
            return question.per_person
        return group.editing and question.id not in self.before_scope

    def _facts(self, answers: Answers) -> Facts:
        return facts_from_answers(self.schema, answers)

    def _asked(self, answers: dict[str, Answer]) -> frozenset[str]:
        """The questions these answers ask (or may still ask), in one pass over the schema."""
        facts = self._facts(answers)
        return frozenset(q.id for q in self.questions if is_asked(q, facts) is not False)

    def _is_asked(self, question: Question, chat: _Chat) -> bool:
        if chat.asked_for is not chat.answers:
            chat.asked_for, chat.asked = chat.answers, self._asked(chat.answers)
        return question.id in chat.asked

    def _is_pending(self, question: Question, chat: _Chat) -> bool:
        for_group = chat.group is not None and chat.group.at is None
        return (
            question.id not in chat.answers
            and self._is_asked(question, chat)
            and not (for_group and question.per_person)
        )

    def _longest_path(self, answers: Answers) -> tuple[Question, ...]:
        """The most questions any answers still open can lead to: the answers given are kept, and
        each open answer that decides whether a later question is asked is tried in turn. Only
        the answers that some asked_when looks at matter, so the few paths are remembered."""
        key = tuple(_frozen(answers.get(q.id)) for q in self.conditioning)
        path = self._paths.get(key)
        if path is None:
            path = self._paths[key] = self._search_longest_path(answers)
        return path

    def _search_longest_path(self, answers: Answers) -> tuple[Question, ...]:
        facts = self._facts(answers)
        deciding = next(
            (
                q
                for q in self.conditioning
                if q.id not in answers and is_asked(q, facts) is not False
            ),
            None,
        )
        if deciding is None:
            return tuple(q for q in self.questions if is_asked(q, facts) is not False)
        paths = (
            self._search_longest_path({**answers, deciding.id: answer})
            for answer in self._deciding_answers(deciding)
        )
        return max(paths, key=len)

    def _deciding_answers(self, question: Question) -> tuple[Answer, ...]:
        """Answers to `question` between them giving every asked_when condition on it each truth
        it can take. A multi-choice condition holds when any of its options is chosen, so choosing
        all of them asks the most."""
        if question.kind == "choice":
            return tuple(o.code for o in question.options)
        if question.kind == "multi":
            return ([o.code for o in question.options],)
        if question.kind == "age":
            bounds = {
                bound
                for later in self.questions
                for c in later.asked_when
                if isinstance(c, AgeRange) and c.question == question.id
                for bound in (c.at_least, c.below)
                if bound is not None and question.minimum < bound <= question.maximum
            }
            return tuple(sorted({question.minimum, *bounds}))
        return ("",)

    # --- one step --------------------------------------------------------------------------

    def step(self, memory: Memory, event: Input) -> Step:
        if memory.state not in self.states:  # the schema lost this question since
            memory = Memory(START, self._pruned(memory.answers))
        with self._attached(memory) as chat:
            registration = self._handle(chat, event)
            return Step(chat.memory(), tuple(chat.replies), registration, chat.answered)

    def registered(self, memory: Memory, reference: str, news: Sequence[str] = ()) -> Step:
        """The casus is stored as `reference`: show the advice, with any `news` of what
        happened to it since (nobody could take it), and finish."""
        with self._attached(memory) as chat:
            advice = self._advice(chat.answers)
            chat.registered()
            chat.forget()
            chat.say("\n\n".join((advice_text(advice, reference), *news, FINISHED_HINT)))
            return Step(chat.memory(), tuple(chat.replies))

    def registered_group(
        self,
        memory: Memory,
        reference: str,
        members: Sequence[tuple[str, Sequence[str]]],
    ) -> Step:
        """The group is stored as `reference`, its persons as casussen with the references in
        `members`, each with its news: show every person's advice, and finish."""
        with self._attached(memory) as chat:
            assert chat.group is not None
            group = chat.group
            persons = [
                (casus, self._person_text(group, index), self._advice(answers), news)
                for index, ((casus, news), answers) in enumerate(
                    zip(members, self._persons_answers(group), strict=True)
                )
            ]
            chat.registered()
            chat.forget()
            for text in group_advice_texts(reference, persons):
                chat.say(text)
            chat.say(FINISHED_HINT)
            return Step(chat.memory(), tuple(chat.replies))

    def _persons_answers(self, group: Group) -> list[dict[str, Answer]]:
        return [self._pruned(group.answers_of(index)) for index in range(len(group.persons))]

    @contextmanager
    def _attached(self, memory: Memory) -> Iterator[_Chat]:
        """One chat's memory on the one machine, for the length of a step. The model stays on
        the machine between steps and only takes on each chat's memory: add_model binds every
        state and trigger anew, which was half of what a step cost (about 70 of 130 µs)."""
        chat = self._model
        chat.load(memory)
        self.machine.set_state(memory.state, model=chat)
        yield chat

    def _handle(self, chat: _Chat, event: Input) -> Registration | GroupRegistration | None:
        if isinstance(event, Command):
            self._command(chat, event.name)
            return None
        if chat.state in (START, FINISHED, CANCELLED, ADVICE):
            chat.say(FINISHED_HINT if chat.state == FINISHED else NOTHING_RUNNING)
            return None
        if isinstance(event, Pressed) and event.step != self._step_name(chat):
            chat.say(STALE_BUTTON)
            self._ask(chat)
            return None
        if chat.state == SUMMARY:
            return self._at_summary(chat, event)
        if chat.state == OVERVIEW:
            return self._at_overview(chat, event)
        if chat.state == SCOPE:
            self._at_scope(chat, event)
            return None
        if chat.state in self.name_checks:
            self._at_name_check(chat, self.name_checks[chat.state], event)
            return None
        question = self.schema.question_by_id[chat.state]
        if isinstance(event, Pressed):
            self._pressed(chat, question, event.button)
        else:
            self._typed(chat, question, event.text)
        return None

    def _command(self, chat: _Chat, name: str) -> None:
        running = chat.state in self.running
        if name == "aanmelden" and running:
            chat.say(RESUMED)
            self._ask(chat)
        elif name in ("aanmelden", "opnieuw"):
            if running and name == "opnieuw":
                chat.say(RESTARTED)
            else:
                chat.say(WELCOME)
            chat.restart()
            chat.forget()
            self._advance(chat)
        elif name == "stoppen":
            if running:
                chat.cancel()
                chat.forget()
                chat.say(STOPPED)
            else:
                chat.say(NOTHING_RUNNING)
        elif name == "vorige" and running:
            self._back(chat)
        elif running:
            chat.say(UNKNOWN_COMMAND)
            self._ask(chat)
        else:
            chat.say(NOTHING_RUNNING)

    def _pressed(self, chat: _Chat, question: Question, button: str) -> None:
        if button == BACK:
            self._back(chat)
        elif button == CANCEL:
            self._command(chat, "stoppen")
        elif question.kind == "multi" and button == DONE:
            self._answer(chat, question, list(chat.draft or []))
        elif question.kind == "multi" and button == NONE:
            self._answer(chat, question, [])
        elif question.kind == "multi" and button in question.option_by_code:
            chosen = set(chat.draft or [])
            chosen ^= {button}
            chat.draft = [o.code for o in question.options if o.code in chosen]
            self._ask(chat)
        elif question.kind == "text" and button == SKIP and question.optional:
            self._answer(chat, question, "")
        elif button in question.option_by_code:
            self._answer(chat, question, button)
        else:
            chat.say(STALE_BUTTON)
            self._ask(chat)

    def _typed(self, chat: _Chat, question: Question, text: str) -> None:
        word = normalize(text)
        if word in BACK_WORDS:
            self._back(chat)
            return
        if question.kind == "multi" and word in DONE_WORDS:
            self._answer(chat, question, list(chat.draft or []))
            return
        if question.kind == "text" and question.optional and word == SKIP:
            self._answer(chat, question, "")
            return
        others = {q: a for q, a in chat.answers.items() if q != question.id}
        bands = self._allowed_bands(question, others) if question.kind == "age" else None
        value = read_answer(question, text, bands)
        if isinstance(value, Invalid):
            if chat.state in self.name_checks:  # the new text is refused: ask for it again
                chat.back()
                chat.draft = None
            chat.say(value.message)
            self._ask(chat)
        elif isinstance(value, str) and question.kind == "text" and self._names(value):
            chat.draft = [value]
            chat.doubt()
            self._ask(chat)
        else:
            self._answer(chat, question, value)

    def _at_name_check(self, chat: _Chat, question: Question, event: Typed | Pressed) -> None:
        """The free text seems to hold a name: keep it if the user says it holds none, ask for it
        again if they want to change it, and check whatever they type instead."""
        if isinstance(event, Typed):
            button = self._button_of(self._name_check(chat), event.text)
            word = normalize(event.text)
            if button is None and word in CONFIRM_WORDS:
                button = NO_NAME  # "ja", "bevestig": the text holds no name
            elif button is None and word in REVISE_WORDS:
                button = REVISE
            if button is None:
                self._typed(chat, question, event.text)
                return
        else:
            button = event.button
        if button == NO_NAME and chat.draft:
            self._answer(chat, question, chat.draft[0])
        elif button in (REVISE, BACK):
            self._back(chat)
        elif button == CANCEL:
            self._command(chat, "stoppen")
        else:
            chat.say(STALE_BUTTON)
            self._ask(chat)

    @staticmethod
    def _button_of(reply: Reply, text: str) -> str | None:
        """The button a typed number or label names, as the console shows them."""
        word = normalize(text)
        if word.isdigit() and 1 <= int(word) <= len(reply.options):
            return reply.options[int(word) - 1].id
        return next((b.id for b in reply.buttons if normalize(b.label) == word), None)

    def _names(self, text: str) -> tuple[str, ...]:
        return possible_names(text, self.known_names)

    def _at_summary(self, chat: _Chat, event: Typed | Pressed) -> Registration | None:
        button = (
            event.button if isinstance(event, Pressed) else self._summary_button(chat, event.text)
        )
        if button in (CONFIRM, TO_GROUP) and chat.group is not None:
            chat.answered = f"Persoon {self._person_number(chat.group)} klaar"
            chat.to_group()
            self._ask(chat)
            return None
        if button == CONFIRM:
            chat.confirm()
            chat.answered = "Bevestigd"
            return Registration(dict(chat.answers), self._advice(chat.answers))
        if button == BACK:
            self._back(chat)
        elif button == CANCEL:
            self._command(chat, "stoppen")
        elif (
            button is not None
            and button.startswith(EDIT)
            and button[len(EDIT) :] in self.question_ids
        ):
            getattr(chat, f"edit_{button[len(EDIT) :]}")()
            self._enter_question(chat)
        else:
            chat.say(SUMMARY_UNKNOWN if chat.group is None else PERSON_UNKNOWN)
            self._ask(chat)
        return None

    def _summary_button(self, chat: _Chat, text: str) -> str | None:
        word = normalize(text)
        shown = self._button_of(self._summary(chat), text)
        if shown is not None:
            return shown
        if word in CONFIRM_WORDS or (chat.group is not None and word in DONE_WORDS):
            return CONFIRM
        if word in BACK_WORDS:
            return BACK
        if word.startswith("wijzig"):
            target = word.removeprefix("wijzig").strip()
            for question in self.questions:
                if target in (question.id, normalize(question.short)):
                    return EDIT + question.id
        return None

    def _at_scope(self, chat: _Chat, event: Typed | Pressed) -> None:
        if isinstance(event, Pressed):
            button: str | None = event.button
        else:
            button = self._scope_button(event.text)
        if button == BACK:
            self._back(chat)
            return
        if button == CANCEL:
            self._command(chat, "stoppen")
            return
        if button not in (ONE, GROUP):
            chat.say(SCOPE_UNKNOWN)
            self._ask(chat)
            return
        chat.scope = button
        if button == ONE:
            chat.group = None
        elif chat.group is None:
            chat.group = Group({})
        chat.answered = "Omvang: " + ("één persoon" if button == ONE else "een groep")
        self._advance(chat)

    @staticmethod
    def _scope_button(text: str) -> str | None:
        word = normalize(text)
        if word in BACK_WORDS:
            return BACK
        if word in ONE_WORDS:
            return ONE
        return GROUP if word in GROUP_WORDS else None

    def _at_overview(self, chat: _Chat, event: Typed | Pressed) -> GroupRegistration | None:
        """The group's overview: confirm it, add, change or remove a person, or change an answer
        for the whole group."""
        group = chat.group
        assert group is not None
        button = (
            event.button if isinstance(event, Pressed) else self._overview_button(chat, event.text)
        )
        number = _number_after(button, EDIT_PERSON)
        if number is None:
            number = _number_after(button, REMOVE_PERSON)
        if number is not None and not 1 <= number <= len(group.persons):
            chat.say(NO_SUCH_PERSON.format(number=number, last=len(group.persons)))
            self._ask(chat)
            return None
        if button == BACK:
            chat.say(AT_OVERVIEW)
            self._ask(chat)
            return None
        if button == CONFIRM:
            chat.confirm()
            chat.answered = f"Bevestigd: {_persons(len(group.persons))}"
            return GroupRegistration(
                tuple(Registration(a, self._advice(a)) for a in self._persons_answers(group))
            )
        if button == CANCEL:
            self._command(chat, "stoppen")
        elif button == ADD_PERSON:
            self._add_person(chat, group)
        elif number is not None and button is not None and button.startswith(EDIT_PERSON):
            chat.group = replace(group, at=number - 1)
            chat.answers = self._pruned(group.answers_of(number - 1))
            chat.answered = f"Persoon {number} wijzigen"
            chat.edit_person()
            self._ask(chat)
        elif number is not None:
            self._remove_person(chat, group, number)
        elif (
            button is not None
            and button.startswith(EDIT)
            and button[len(EDIT) :] in self.question_ids
        ):
            chat.group = replace(group, at=None)
            chat.answers = dict(group.shared)
            getattr(chat, f"edit_{button[len(EDIT) :]}")()
            self._enter_question(chat)
        else:
            chat.say(OVERVIEW_UNKNOWN)
            self._ask(chat)
        return None

    def _add_person(self, chat: _Chat, group: Group) -> None:
        if len(group.persons) >= self.group_max:
            chat.say(GROUP_FULL.format(most=self.group_max))
            self._ask(chat)
            return
        chat.group = replace(group, at=len(group.persons))
        chat.answers = dict(group.shared)
        chat.answered = f"Persoon {len(group.persons) + 1} toevoegen"
        self._advance(chat)

    def _remove_person(self, chat: _Chat, group: Group, number: int) -> None:
        if len(group.persons) == 1:
            chat.say(LAST_PERSON)
        else:
            chat.group = group.without(number - 1)
            chat.remove_person()
            chat.say(PERSON_REMOVED.format(number=number))
        self._ask(chat)

    def _overview_button(self, chat: _Chat, text: str) -> str | None:
        word = normalize(text)
        shown = self._button_of(self._overview(chat), text)
        if shown is not None:
            return shown
        if word in BACK_WORDS:
            return BACK
        if word in CONFIRM_WORDS:
            return CONFIRM
        if word in ADD_WORDS:
            return ADD_PERSON
        for verb, button in (("wijzig", EDIT_PERSON), ("verwijder", REMOVE_PERSON)):
            target = word.removeprefix(verb).strip().removeprefix("persoon").strip()
            if word.startswith(verb) and target.isdigit():
                return button + target
        if word.startswith("wijzig"):
            target = word.removeprefix("wijzig").strip()
            for question in self.questions:
                if not question.per_person and target in (question.id, normalize(question.short)):
                    return EDIT + question.id
        return None

    # --- moving ----------------------------------------------------------------------------

    def _answer(self, chat: _Chat, question: Question, value: Value) -> None:
        candidate = self._pruned({**chat.answers, question.id: value})
        broken = self._broken(candidate)
        if not broken and chat.group is not None and chat.group.at is None:
            # The group's answer holds for every person who does not differ in it.
            for person in chat.group.persons:
                broken = broken or self._broken(self._pruned({**candidate, **person}))
        if broken:
            message = broken[0].message
            if question.kind == "age" and isinstance(value, str):
                message = BAND_REFUSED.format(band=question.label_of(value), why=message)
            chat.say(message)
            self._ask(chat)
            return
        chat.answers, chat.draft = candidate, None
        chat.answered = f"{question.short}: {answer_text(question, value)}"
        self._advance(chat)

    def _broken(self, answers: Answers) -> tuple[Violation, ...]:
        """Constraints the answers break. An age band breaks them when no age in it is one the
        other answers allow: a band that fits them in part means the ages of it they allow
        (Minderjarig under jeugdreclassering: 12 to 17), and the advice is the same for each of
        those, since the schema's completeness proof lets no band straddle a rule's bound."""
        broken = violations(self.schema, self._facts(answers))
        for question in self.questions:
            band = answers.get(question.id)
            if not broken and question.kind == "age" and isinstance(band, str):
                span = known_from_answer(question, band)
                assert isinstance(span, AgeSpan)
                if not _overlaps(span, allowed_ages(self.schema, answers, question)):
                    broken = age_violations(self.schema, answers, question, span)
        return broken

    def _advance(self, chat: _Chat) -> None:
        chat.advance()
        self._enter_question(chat)

    def _back(self, chat: _Chat) -> None:
        possible = self.machine.get_transitions(trigger="back", source=chat.state)
        if not possible or not chat.back():
            chat.say(AT_OVERVIEW if chat.state == OVERVIEW else FIRST_QUESTION)
        self._enter_question(chat)

    def _enter_question(self, chat: _Chat) -> None:
        question = self.schema.question_by_id.get(chat.state)
        if question is not None and question.kind == "multi":
            current = chat.answers.get(question.id)
            chat.draft = list(current) if isinstance(current, list) else []
        elif question is not None:
            chat.draft = None
        self._ask(chat)

    def _pruned(self, answers: dict[str, Answer]) -> dict[str, Answer]:
        """Answers without those to questions that are no longer asked (or no longer exist).
        One pass suffices: whether a question is asked depends only on earlier answers."""
        asked = self._asked(answers)
        return {q.id: answers[q.id] for q in self.questions if q.id in answers and q.id in asked}

    def _advice(self, answers: dict[str, Answer]) -> Advice:
        result = advise(self.schema, answers)
        assert isinstance(result, Advice), "complete answers always give one advice"
        return result

    # --- what the user sees ----------------------------------------------------------------

    def _step_name(self, chat: _Chat) -> str:
        """What the buttons of the message asked now answer: the state, and in a group the
        person (so a button of person 2's question never answers person 3's), or the overview
        with its number of persons (so a second press on "Verwijder persoon 3" removes nobody
        else)."""
        group = chat.group
        if group is None or chat.state not in self.running or chat.state == SCOPE:
            return chat.state
        if chat.state == OVERVIEW:
            return f"{OVERVIEW}#{len(group.persons)}"
        return f"{chat.state}#{OVERVIEW if group.at is None else group.at + 1}"

    def _ask(self, chat: _Chat) -> None:
        if chat.state == SUMMARY:
            chat.replies.append(self._summary(chat))
            return
        if chat.state == OVERVIEW:
            chat.replies.append(self._overview(chat))
            return
        if chat.state == SCOPE:
            chat.replies.append(self._scope_question(chat))
            return
        if chat.state in self.name_checks:
            chat.replies.append(self._name_check(chat))
            return
        question = self.schema.question_by_id.get(chat.state)
        if question is None:
            chat.say(FINISHED_HINT if chat.state == FINISHED else NOTHING_RUNNING)
            return
        chat.replies.append(self._question(chat, question))

    def _progress(self, chat: _Chat, question: Question | None) -> tuple[int, int, bool]:
        """ "Vraag n van m" of `question`, or of the one-person-or-group question (None), as
        (n, m, whether `question` is on the path counted). A group's later persons count only
        their own questions; otherwise the one-person-or-group question is one of them."""
        path = self._longest_path(chat.answers)
        group = chat.group
        if group is not None and not group.first_walk:
            path = tuple(q for q in path if q.per_person)
            on = question in path
            return (path.index(question) + 1 if on else 1), len(path), on
        total = len(path) + self.asks_scope
        if question is None:
            return sum(1 for q in path if q.id in self.before_scope) + 1, total, True
        if question not in path:
            return 1, total, False
        after_scope = self.asks_scope and question.id not in self.before_scope
        return path.index(question) + 1 + after_scope, total, True

    def _question(self, chat: _Chat, question: Question) -> Reply:
        group = chat.group
        number, total, on_path = self._progress(chat, question)
        heading = f"Vraag {number} van {total}"
        if group is not None and group.at is None:
            heading = "Voor de hele groep"
        elif group is not None and group.first_walk and not question.per_person:
            heading = f"Voor de hele groep, vraag {number} van {total}"
        elif group is not None and on_path:
            heading = f"Persoon {self._person_number(group)}, vraag {number} van {total}"
        elif group is not None:
            heading = f"Persoon {self._person_number(group)}, alleen voor deze persoon"
        text = f"{heading}\n{question.text}"
        if question.id in chat.answers and question.kind != "multi":
            text += f"\n(Uw huidige antwoord: {answer_text(question, chat.answers[question.id])}.)"
        controls: list[Button] = []
        if question.kind == "multi":
            chosen = set(chat.draft or [])
            options = tuple(Button(o.code, o.label, o.code in chosen) for o in question.options)
            controls += [
                Button(NONE, question.none_label or "Geen van deze"),
                Button(DONE, "Verder"),
            ]
        elif question.kind == "age":
            others = {q: a for q, a in chat.answers.items() if q != question.id}
            options = tuple(Button(b.code, b.label) for b in self._allowed_bands(question, others))
            text += self._allowed_ages_hint(question, others)
        else:
            options = tuple(Button(o.code, o.label) for o in question.options)
            if question.kind == "text" and question.optional:
                controls.append(Button(SKIP, "Overslaan"))
        if number > 1 or (group is not None and not group.first_walk):
            controls.append(Button(BACK, "Vorige"))
        controls.append(Button(CANCEL, "Stoppen"))
        step = self._step_name(chat)
        multi, numbered = question.kind == "multi", question.kind != "age"
        return Reply(text, step, options, tuple(controls), multi, numbered)

    @staticmethod
    def _person_number(group: Group) -> int:
        return (group.at or 0) + 1

    def _allowed_bands(self, question: Question, others: Answers) -> tuple[Band, ...]:
        """The bands with an age in them the other answers allow (see `_broken`)."""
        allowed = allowed_ages(self.schema, others, question)
        return tuple(
            b
            for b in question.bands
            if _overlaps(AgeSpan(b.at_least, min(b.below - 1, question.maximum)), allowed)
        )

    def _allowed_ages_hint(self, question: Question, others: Answers) -> str:
        allowed = allowed_ages(self.schema, others, question)
        if allowed == (AgeSpan(question.minimum, question.maximum),) or not allowed:
            return ""
        spans = " of ".join(_span_text(question, span) for span in allowed)
        return f"\nBij uw antwoorden past een leeftijd van {spans}."

    def _name_check(self, chat: _Chat) -> Reply:
        names = self._names(chat.draft[0]) if chat.draft else ()
        return Reply(
            NAME_DOUBT.format(names=", ".join(names)),
            self._step_name(chat),
            (Button(REVISE, "Tekst aanpassen"), Button(NO_NAME, "Er staat geen naam in")),
            (Button(CANCEL, "Stoppen"),),
        )

    def _summary(self, chat: _Chat) -> Reply:
        group = chat.group
        if group is None:
            lines = ["Controleer uw aanmelding:"]
            edits = [Button(CONFIRM, "Bevestigen")]
        else:
            number = self._person_number(group)
            lines = [f"Persoon {number} van de groep:"]
            edits = [Button(TO_GROUP, "Terug naar de groep")]
        for question in self.questions:
            if question.id in chat.answers and (
                group is None or question.id not in self.before_scope
            ):
                answer = answer_text(question, chat.answers[question.id])
                own = (
                    group is not None
                    and not question.per_person
                    and (group.shared.get(question.id) != chat.answers[question.id])
                )
                lines.append(f"• {question.short}: {answer}" + (" (afwijkend)" if own else ""))
                edits.append(Button(EDIT + question.id, f"Wijzig {question.short.lower()}"))
        if group is None:
            lines.append("Klopt alles? Bevestig, of kies wat u wilt wijzigen.")
        else:
            lines.append(PERSON_EDIT_HINT)
        controls = (Button(BACK, "Vorige"), Button(CANCEL, "Stoppen"))
        return Reply("\n".join(lines), self._step_name(chat), tuple(edits), controls)

    def _person_text(self, group: Group, index: int) -> str:
        """A person of a group at a glance, with where they differ from the group."""
        person = group.persons[index]
        own = [
            f"{q.short.lower()}: {answer_text(q, person[q.id], 40)}"
            for q in self.questions
            if not q.per_person and q.id in person
        ]
        line = aangemelde_line(self.schema, person)
        return line + (f" ({'; '.join(own)})" if own else "")

    def _scope_question(self, chat: _Chat) -> Reply:
        asked = [q.short.lower() for q in self.schema.per_person_questions if not q.asked_when]
        number, total, _ = self._progress(chat, None)
        text = f"Vraag {number} van {total}\n" + SCOPE_QUESTION.format(asked=_listed(asked))
        options = (Button(ONE, "Eén persoon"), Button(GROUP, "Een groep"))
        controls = (Button(BACK, "Vorige"), Button(CANCEL, "Stoppen"))
        return Reply(text, SCOPE, options, controls)

    def _overview(self, chat: _Chat) -> Reply:
        group = chat.group
        assert group is not None
        lines = [f"Controleer uw groepsaanmelding ({_persons(len(group.persons))}):"]
        buttons = [Button(CONFIRM, "Bevestigen"), Button(ADD_PERSON, "Persoon toevoegen")]
        for index in range(len(group.persons)):
            number = index + 1
            lines.append(f"{number}. {self._person_text(group, index)}")
            buttons += [
                Button(EDIT_PERSON + str(number), f"Wijzig persoon {number}"),
                Button(REMOVE_PERSON + str(number), f"Verwijder persoon {number}"),
            ]
        lines.append("Voor de hele groep:")
        for question in self.questions:
            if not question.per_person and question.id in group.shared:
                answer = answer_text(question, group.shared[question.id])
                lines.append(f"• {question.short}: {answer}")
                buttons.append(Button(EDIT + question.id, f"Wijzig {question.short.lower()}"))
        lines.append(
            "Klopt alles? Bevestig; of voeg een persoon toe, of wijzig of verwijder er een."
        )
        return Reply(
            "\n".join(lines), self._step_name(chat), tuple(buttons), (Button(CANCEL, "Stoppen"),)
        )


def _overlaps(span: AgeSpan, allowed: Sequence[AgeSpan]) -> bool:
    return any(a.lowest <= span.highest and span.lowest <= a.highest for a in allowed)


def _number_after(button: str | None, prefix: str) -> int | None:
    """The person a button such as "verwijder-3" names."""
    if button is None or not button.startswith(prefix):
        return None
    rest = button[len(prefix) :]
    return int(rest) if rest.isdigit() else None


def _numbered(numbers: Sequence[int]) -> str:
    """ "Persoon 2", or "Persoon 2 en 4"."""
    return "Persoon " + _listed([str(n) for n in numbers])


def _persons(count: int) -> str:
    return "1 persoon" if count == 1 else f"{count} personen"


def _listed(words: Sequence[str]) -> str:
    return ", ".join(words[:-1]) + f" en {words[-1]}" if len(words) > 1 else "".join(words)


def _span_text(question: Question, span: AgeSpan) -> str:
    if span.highest >= question.maximum:
        return f"{span.lowest} jaar of ouder"
    if span.lowest <= question.minimum:
        return f"jonger dan {span.highest + 1} jaar"
    return f"{span.lowest} tot en met {span.highest} jaar"


def _known_names(schema: Schema) -> tuple[str, ...]:
    """Capitalised words that name no person: the partijen as the schema names them (also each
    part of a name like "Wijkteam / Samen DOEN" or "Leerplicht (gemeente)"), the labels of the
    options, and common organisations and places."""
    names = [*COMMON_ORGANISATIONS]
    for partij in schema.partijen:
        names += [partij.code, partij.name, *partij.synonyms]
        names += [part.strip() for part in re.split(r"[()/,]", partij.name)]
    for question in schema.questions:
        for option in (*question.options, *question.bands):
            names += [option.label, *option.synonyms]
    return tuple(dict.fromkeys(n for n in names if n))


def _frozen(answer: Answer | None) -> object:
    """An answer as a dictionary key (a multi-choice answer is a list)."""
    return tuple(answer) if isinstance(answer, list) else answer
