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
from dataclasses import dataclass
from typing import Any, cast

from transitions import EventData, Machine
from transitions.extensions import GraphMachine

from conversation.advice_text import advice_text
from conversation.answers import answer_text
from conversation.messages import (
    BACK,
    CANCEL,
    CONFIRM,
    DONE,
    EDIT,
    NO_NAME,
    NONE,
    REVISE,
    SKIP,
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
SUMMARY = "summary"
ADVICE = "advice"
FINISHED = "done"
CANCELLED = "cancelled"

WELCOME = (
    "Welkom bij regiebot. Ik stel u een paar vragen over de casus; daarna hoort u welke partij "
    "de casusregie het best kan nemen, en wat de volgende stap is. Noem geen namen, adressen, "
    "telefoonnummers of BSN. Met Vorige gaat u een vraag terug, met /stoppen stopt u."
)
RESUMED = (
    "U was nog bezig met een aanmelding; we gaan verder waar u was. "
    "Typ /opnieuw om opnieuw te beginnen."
)
RESTARTED = "We beginnen opnieuw; uw eerdere antwoorden zijn gewist."
STALE_BUTTON = "Deze knop is verlopen. Dit is de vraag waar u nu bent:"
FIRST_QUESTION = "Dit is de eerste vraag."
STOPPED = (
    "De aanmelding is gestopt en uw antwoorden zijn gewist. Typ /aanmelden om opnieuw te beginnen."
)
UNKNOWN_COMMAND = "Die opdracht ken ik niet. Gebruik /aanmelden, /opnieuw, /stoppen of vorige."
NOTHING_RUNNING = "Er loopt nu geen aanmelding. Typ /aanmelden om een casus aan te melden."
FINISHED_HINT = "Typ /aanmelden om een nieuwe casus aan te melden."
SUMMARY_UNKNOWN = (
    "Dat herken ik niet. Tik op Bevestigen als alles klopt, of op Wijzig bij wat u wilt "
    "aanpassen. U kunt ook 'bevestig' of 'wijzig leeftijd' typen."
)
NAME_CHECK_SUFFIX = "-naam"  # after a free-text question's id: the state that checks its text
NAME_DOUBT = (
    "Uw tekst lijkt een naam te bevatten ({names}). Namen horen hier niet. "
    "Pas de tekst aan, of bevestig dat er geen naam in staat."
)
CONFIRM_WORDS = frozenset({"bevestig", "bevestigen", "ja", "klopt", "akkoord", "ok", "oke"})
BACK_WORDS = frozenset({"vorige", "terug"})
REVISE_WORDS = frozenset({"nee", "aanpassen", "wijzig", "wijzigen"})
DONE_WORDS = frozenset({"verder", "klaar", "door"})


@dataclass(frozen=True, slots=True)
class Registration:
    """Confirmed answers and their advice: the service stores the casus, then calls `registered`."""

    answers: dict[str, Answer]
    advice: Advice


@dataclass(frozen=True, slots=True)
class Step:
    memory: Memory
    replies: tuple[Reply, ...]
    registration: Registration | None = None
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
        self.replies: list[Reply] = []
        self.answered: str | None = None
        # Which questions the current answers ask, worked out once per answers object.
        self.asked_for: dict[str, Answer] | None = None
        self.asked: frozenset[str] = frozenset()

    def say(self, text: str) -> None:
        self.replies.append(Reply(text))

    def memory(self) -> Memory:
        draft = tuple(self.draft) if self.draft is not None else None
        return Memory(self.state, dict(self.answers), draft)


class IntakeDialogue:
    def __init__(self, schema: Schema) -> None:
        self.schema = schema
        self.questions = schema.questions
        self.question_ids = [q.id for q in self.questions]
        # A free-text question's name check, by state.
        self.name_checks = {q.id + NAME_CHECK_SUFFIX: q for q in self.questions if q.kind == "text"}
        asking = [
            state
            for q in self.questions
            for state in (q.id, *([q.id + NAME_CHECK_SUFFIX] if q.kind == "text" else []))
        ]
        self.states = [START, *asking, SUMMARY, ADVICE, FINISHED, CANCELLED]
        self.running = frozenset([*asking, SUMMARY])
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
        moves: list[dict[str, Any]] = []
        for question in self.questions:
            moves.append(
                {
                    "trigger": "advance",
                    "source": [START, *ids, *checks],
                    "dest": question.id,
                    "conditions": [self._guard(self._is_pending, question)],
                }
            )
        moves.append({"trigger": "advance", "source": [START, *ids, *checks], "dest": SUMMARY})
        for check, question in self.name_checks.items():
            moves += [
                {"trigger": "doubt", "source": [question.id, check], "dest": check},
                {"trigger": "back", "source": check, "dest": question.id},
            ]
        for index, source in enumerate([*ids, SUMMARY]):
            for question in reversed(self.questions[:index]):
                moves.append(
                    {
                        "trigger": "back",
                        "source": source,
                        "dest": question.id,
                        "conditions": [self._guard(self._is_asked, question)],
                    }
                )
        for question in self.questions:
            moves.append(
                {
                    "trigger": f"edit_{question.id}",
                    "source": SUMMARY,
                    "dest": question.id,
                    "conditions": [self._guard(self._is_asked, question)],
                }
            )
        moves += [
            {"trigger": "confirm", "source": SUMMARY, "dest": ADVICE},
            {"trigger": "registered", "source": ADVICE, "dest": FINISHED},
            {"trigger": "cancel", "source": [*ids, *checks, SUMMARY], "dest": CANCELLED},
            {"trigger": "restart", "source": "*", "dest": START},
        ]
        return moves

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
        return question.id not in chat.answers and self._is_asked(question, chat)

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
            chat.answers = {}
            chat.say("\n\n".join((advice_text(advice, reference), *news, FINISHED_HINT)))
            return Step(chat.memory(), tuple(chat.replies))

    @contextmanager
    def _attached(self, memory: Memory) -> Iterator[_Chat]:
        """One chat's memory on the one machine, for the length of a step. The model stays on
        the machine between steps and only takes on each chat's memory: add_model binds every
        state and trigger anew, which was half of what a step cost (about 70 of 130 µs)."""
        chat = self._model
        chat.load(memory)
        self.machine.set_state(memory.state, model=chat)
        yield chat

    def _handle(self, chat: _Chat, event: Input) -> Registration | None:
        if isinstance(event, Command):
            self._command(chat, event.name)
            return None
        if chat.state in (START, FINISHED, CANCELLED, ADVICE):
            chat.say(FINISHED_HINT if chat.state == FINISHED else NOTHING_RUNNING)
            return None
        if isinstance(event, Pressed) and event.step != chat.state:
            chat.say(STALE_BUTTON)
            self._ask(chat)
            return None
        if chat.state == SUMMARY:
            return self._at_summary(chat, event)
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
            chat.answers, chat.draft = {}, None
            self._advance(chat)
        elif name == "stoppen":
            if running:
                chat.cancel()
                chat.answers, chat.draft = {}, None
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
            chat.say(SUMMARY_UNKNOWN)
            self._ask(chat)
        return None

    def _summary_button(self, chat: _Chat, text: str) -> str | None:
        word = normalize(text)
        buttons = self._summary(chat).buttons
        if word.isdigit() and 1 <= int(word) <= len(buttons):
            return buttons[int(word) - 1].id
        if word in CONFIRM_WORDS:
            return CONFIRM
        if word in BACK_WORDS:
            return BACK
        if word.startswith("wijzig"):
            target = word.removeprefix("wijzig").strip()
            for question in self.questions:
                if target in (question.id, normalize(question.short)):
                    return EDIT + question.id
        return None

    # --- moving ----------------------------------------------------------------------------

    def _answer(self, chat: _Chat, question: Question, value: Value) -> None:
        candidate = self._pruned({**chat.answers, question.id: value})
        broken = self._broken(candidate)
        if broken:
            message = broken[0].message
            if question.kind == "age" and isinstance(value, str):
                message = (
                    f"De leeftijdsgroep {question.label_of(value)} past niet helemaal bij uw "
                    f"antwoorden. {message} Typ de leeftijd in jaren."
                )
            chat.say(message)
            self._ask(chat)
            return
        chat.answers, chat.draft = candidate, None
        chat.answered = f"{question.short}: {answer_text(question, value)}"
        self._advance(chat)

    def _broken(self, answers: Answers) -> tuple[Violation, ...]:
        """Constraints the answers break; an age band breaks one if any age in it would."""
        broken = violations(self.schema, self._facts(answers))
        for question in self.questions:
            band = answers.get(question.id)
            if not broken and question.kind == "age" and isinstance(band, str):
                span = known_from_answer(question, band)
                assert isinstance(span, AgeSpan)
                broken = age_violations(self.schema, answers, question, span)
        return broken

    def _advance(self, chat: _Chat) -> None:
        chat.advance()
        self._enter_question(chat)

    def _back(self, chat: _Chat) -> None:
        possible = self.machine.get_transitions(trigger="back", source=chat.state)
        if not possible or not chat.back():
            chat.say(FIRST_QUESTION)
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

    def _ask(self, chat: _Chat) -> None:
        if chat.state == SUMMARY:
            chat.replies.append(self._summary(chat))
            return
        if chat.state in self.name_checks:
            chat.replies.append(self._name_check(chat))
            return
        question = self.schema.question_by_id.get(chat.state)
        if question is None:
            chat.say(FINISHED_HINT if chat.state == FINISHED else NOTHING_RUNNING)
            return
        chat.replies.append(self._question(chat, question))

    def _question(self, chat: _Chat, question: Question) -> Reply:
        path = self._longest_path(chat.answers)
        number = path.index(question) + 1 if question in path else 1
        text = f"Vraag {number} van {len(path)}\n{question.text}"
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
        if number > 1:
            controls.append(Button(BACK, "Vorige"))
        controls.append(Button(CANCEL, "Stoppen"))
        return Reply(text, question.id, options, tuple(controls), question.kind == "multi")

    def _allowed_bands(self, question: Question, others: Answers) -> tuple[Band, ...]:
        """The bands every age of which the other answers allow."""
        return tuple(
            b
            for b in question.bands
            if not age_violations(
                self.schema,
                others,
                question,
                AgeSpan(b.at_least, min(b.below - 1, question.maximum)),
            )
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
            chat.state,
            (Button(REVISE, "Tekst aanpassen"), Button(NO_NAME, "Er staat geen naam in")),
            (Button(CANCEL, "Stoppen"),),
        )

    def _summary(self, chat: _Chat) -> Reply:
        lines = ["Controleer uw aanmelding:"]
        edits = [Button(CONFIRM, "Bevestigen")]
        for question in self.questions:
            if question.id in chat.answers:
                answer = answer_text(question, chat.answers[question.id])
                lines.append(f"• {question.short}: {answer}")
                edits.append(Button(EDIT + question.id, f"Wijzig {question.short.lower()}"))
        lines.append("Klopt alles? Bevestig, of kies wat u wilt wijzigen.")
        controls = (Button(BACK, "Vorige"), Button(CANCEL, "Stoppen"))
        return Reply("\n".join(lines), SUMMARY, tuple(edits), controls)


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
