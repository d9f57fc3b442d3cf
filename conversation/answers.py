"""An answer as the people who gave it read it back: labels instead of codes."""

from __future__ import annotations

from collections.abc import Mapping

from rules.schema import Question, Schema


def answer_text(question: Question, answer: object, limit: int | None = 80) -> str:
    """`limit`: the characters of a free text shown (None: all of it)."""
    if question.kind == "multi":
        codes = answer if isinstance(answer, list) else []
        return ", ".join(question.label_of(c) for c in codes) or (question.none_label or "Geen")
    if question.kind == "age":
        return f"{answer} jaar" if isinstance(answer, int) else question.label_of(str(answer))
    if question.kind == "text":
        text = str(answer)
        if not text:
            return "(overgeslagen)"
        return text if limit is None or len(text) <= limit else text[: limit - 3] + "..."
    return question.label_of(str(answer))


def answer_lines(schema: Schema, answers: Mapping[str, object]) -> list[str]:
    """One line per answered question, in the schema's order, free text in full."""
    return [
        f"• {question.short}: {answer_text(question, answers[question.id], None)}"
        for question in schema.questions
        if question.id in answers
    ]
