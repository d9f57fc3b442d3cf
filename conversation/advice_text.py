"""Advice as Dutch text a professional reads at a glance on a phone; shared by every channel."""

from __future__ import annotations

from rules import Advice, OpenAdvice


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


def open_advice_text(result: OpenAdvice) -> str:
    """What can still be said when the question leaves answers open."""
    names = list(dict.fromkeys(c.partij.name for c in result.candidates))
    lines = ["Dat hangt nog af van meer gegevens. Mogelijke partijen:"]
    lines += [f"• {name}" for name in names]
    if result.open_questions:
        hints = []
        for question in result.open_questions:
            codes = [o.code for o in question.options] or [b.code for b in question.bands]
            if question.kind == "age":
                codes = ["een leeftijd in jaren"]
            elif question.kind == "multi":
                codes.append("geen")
            hints.append(f"{question.id} ({', '.join(codes)})")
        lines += ["", "Noem ook: " + "; ".join(hints) + "."]
    return "\n".join(lines)


def lookup_text(result: Advice | OpenAdvice) -> str:
    if isinstance(result, OpenAdvice):
        return open_advice_text(result)
    return advice_text(result)
