"""Advice as Dutch text a professional reads at a glance on a phone; shared by every channel."""

from __future__ import annotations

from collections.abc import Sequence

from rules import Advice, OpenAdvice
from rules.engine import Candidate, Requirement
from rules.schema import Question


def advice_text(advice: Advice, reference: str | None = None) -> str:
    """Partij, one line per aspect, outcome, next step and (for a casus) its reference."""
    lines = [f"Advies: casusregie bij {advice.partij.name}.", "", "Waarom:"]
    lines += [f"• {reason.text}" for reason in advice.reasons]
    lines += [advice.explanation, "", f"Uitkomst: {advice.outcome.label}."]
    lines += ["", f"Volgende stap: {advice.next_step}"]
    lines += ["", *advice.notes] if advice.notes else []
    if reference is not None:
        lines += ["", f"Uw casusnummer: {reference}"]
    return "\n".join(lines)


# One message holds at most 4096 characters; a group's advice is cut into parts below that.
PART_LENGTH = 3500
GROUP_SEEN = (
    "Het Zorg- en Veiligheidshuis bekijkt de personen ook als groep. Vinden de regisseurs iets "
    "over de groep als geheel, zoals een verband met dezelfde instelling, dan laten zij u dat "
    "weten."
)

GroupMember = tuple[str, str, Advice, Sequence[str]]  # casus reference, person line, advice, news


def group_advice_texts(reference: str, members: Sequence[GroupMember]) -> list[str]:
    """A group's advice: one line per person with their casus and partij, then what happens next
    once per distinct next step, naming the persons it is for. A person with news of their
    casus (nobody could take it) has that news as what happens next instead of the advice's
    step, which no longer holds. In parts that each fit one message."""
    lines = [
        f"Uw groepsaanmelding is ontvangen: {len(members)} personen, groepsnummer {reference}.",
        "Advies per persoon:",
    ]
    steps: dict[str, list[int]] = {}
    notes: dict[str, None] = {}
    for number, (casus, line, advice, told) in enumerate(members, start=1):
        outcome = advice.outcome.label
        lines.append(
            f"{number}. {casus} · {line} → {advice.partij.name}: "
            f"{outcome[:1].lower()}{outcome[1:]}."
        )
        steps.setdefault(" ".join(told) if told else advice.next_step, []).append(number)
        notes.update(dict.fromkeys(advice.notes))
    after = ["Wat er nu gebeurt:"]
    after += [
        f"• {_persons_named(numbers, len(members))}: {step}" for step, numbers in steps.items()
    ]
    after += [*notes, GROUP_SEEN]
    return [*_parts(lines), *_parts(after)]


def _persons_named(numbers: Sequence[int], of: int) -> str:
    if len(numbers) == of and of > 1:
        return "Alle personen"
    if len(numbers) == 1:
        return f"Persoon {numbers[0]}"
    listed = [str(n) for n in numbers]
    return f"Personen {', '.join(listed[:-1])} en {listed[-1]}"


def _parts(lines: Sequence[str]) -> list[str]:
    """Lines joined into as few texts as fit one message each."""
    parts: list[str] = []
    for line in lines:
        if parts and len(parts[-1]) + 1 + len(line) <= PART_LENGTH:
            parts[-1] += "\n" + line
        else:
            parts.append(line)
    return parts


def open_advice_text(result: OpenAdvice) -> str:
    """What can still be said when the question leaves answers open: per partij still possible,
    in the order the rules try them, the answer that leads to it; then how to close the rest."""
    lines = ["Dat hangt nog af van meer gegevens."]
    for position, candidate in enumerate(result.candidates):
        lines.append("• " + _route(candidate, first=position == 0))
    partly_named = {
        r.question.id: r for c in result.candidates for r in c.requires if r.named
    }.values()
    for requirement in partly_named:
        named = " en ".join(requirement.named)
        lines += [
            "",
            f"Speelt er naast {named} verder niets? "
            f'Zeg dan "alleen {named}" of "{named}, verder geen".',
        ]
    unnamed = [
        q for q in result.open_questions if q.id not in {r.question.id for r in partly_named}
    ]
    if unnamed:
        lines += ["", "Noem ook: " + "; ".join(_hint(q) for q in unnamed) + "."]
    return "\n".join(lines)


def _route(candidate: Candidate, *, first: bool) -> str:
    """E.g. "Speelt er verslaving? Dan SVG." or "Zo niet: met instantie om: OM"."""
    name = candidate.partij.name
    requires = candidate.requires
    if not requires:
        return f"{name}." if first else f"Zo niet: {name}."
    if len(requires) == 1 and requires[0].question.kind == "multi":
        sentence = f"{_plays(requires[0])}? Dan {name}."
    else:
        sentence = f"met {' en '.join(_phrase(r) for r in requires)}: {name}."
    return _capitalised(sentence) if first else f"Zo niet: {sentence}"


def _plays(requirement: Requirement) -> str:
    besides = f"naast {' en '.join(requirement.named)} ook " if requirement.named else ""
    return f"speelt er {besides}{_labels(requirement)}"


def _phrase(requirement: Requirement) -> str:
    question = requirement.question
    if requirement.ages is not None:
        return f"{question.short.lower()} {requirement.ages.describe()}"
    if question.kind == "multi":
        besides = f"naast {' en '.join(requirement.named)} ook " if requirement.named else ""
        return f"{question.short.lower()} {besides}{_labels(requirement)}"
    codes = [code.replace("_", " ") for code in requirement.codes]  # as people type them
    return f"{question.short.lower()} {_either(codes)}"


def _labels(requirement: Requirement) -> str:
    labels = [requirement.question.label_of(code) for code in requirement.codes]
    return _either([label[:1].lower() + label[1:] for label in labels])


def _either(words: list[str]) -> str:
    return ", ".join(words[:-1]) + f" of {words[-1]}" if len(words) > 1 else "".join(words)


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _hint(question: Question) -> str:
    if question.kind == "age":
        return f"{question.id} (een leeftijd in jaren)"
    codes = [o.code for o in question.options] or [b.code for b in question.bands]
    if question.kind == "multi":
        codes.append("geen")
    return f"{question.id} ({', '.join(codes)})"


def lookup_text(result: Advice | OpenAdvice) -> str:
    if isinstance(result, OpenAdvice):
        return open_advice_text(result)
    return advice_text(result)
