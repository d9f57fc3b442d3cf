"""Typed answers: an option's number, its label or a synonym, an age as people write it, or free
text. Anything else is `Invalid`, with a polite Dutch message that says what is allowed."""

from __future__ import annotations

import re
from dataclasses import dataclass

from conversation.privacy import identifying_detail
from rules.schema import Band, Question
from rules.words import normalize, read_age

_SEPARATORS = re.compile(r"\s*(?:[,;/+&]|\ben\b)\s*")


@dataclass(frozen=True, slots=True)
class Invalid:
    message: str


Value = str | int | list[str]


def read_answer(
    question: Question, text: str, bands: tuple[Band, ...] | None = None
) -> Value | Invalid:
    """`bands`: the age bands to suggest when an age is not understood (default: all)."""
    if question.kind == "choice":
        return _choice(question, text)
    if question.kind == "multi":
        return _multi(question, text)
    if question.kind == "age":
        return _age(question, text, question.bands if bands is None else bands)
    return _free_text(question, text)


def option_list(question: Question) -> str:
    return "; ".join(f"{n}. {o.label}" for n, o in enumerate(question.options, start=1))


def _option(question: Question, word: str) -> str | None:
    word = normalize(word)
    if word.isdigit() and 1 <= int(word) <= len(question.options):
        return question.options[int(word) - 1].code
    code = question.words.get(word)
    return code if code in {o.code for o in question.options} else None


def _choice(question: Question, text: str) -> str | Invalid:
    code = _option(question, text)
    if code is None:
        return Invalid(
            "Dat antwoord herken ik niet. Kies een van deze mogelijkheden: "
            f"{option_list(question)}."
        )
    return code


def _multi(question: Question, text: str) -> list[str] | Invalid:
    whole = normalize(text)
    if whole in question.none_words:
        return []
    single = _option(question, whole)
    if single is not None:
        return [single]
    chosen: list[str] = []
    for part in filter(None, _SEPARATORS.split(whole)):
        words = [part] if _option(question, part) is not None else part.split()
        codes = [_option(question, word) for word in words]  # "lvb psychisch": word by word
        unknown = next(
            (word for word, code in zip(words, codes, strict=True) if code is None), None
        )
        if unknown is not None:
            return Invalid(
                f"'{unknown}' herken ik niet. Kies uit: {option_list(question)}. "
                "Typ bijvoorbeeld 1, 3; of typ 'geen'."
            )
        chosen += [code for code in codes if code is not None and code not in chosen]
    order = [o.code for o in question.options]
    return sorted(chosen, key=order.index)


def _age(question: Question, text: str, bands: tuple[Band, ...]) -> int | str | Invalid:
    age = read_age(text)
    if age is not None:
        if question.minimum <= age <= question.maximum:
            return age
        return Invalid(
            f"Een leeftijd van {age} jaar kan niet. Typ een leeftijd van {question.minimum} tot "
            f"en met {question.maximum} jaar."
        )
    band = question.words.get(normalize(text))
    if band is not None:
        return band
    hint = "Dat is geen leeftijd die ik herken. Typ de leeftijd in jaren (bijvoorbeeld 15)"
    if not bands:
        return Invalid(hint + ".")
    labels = ", ".join(b.label.lower() for b in bands)
    return Invalid(f"{hint}, of kies een leeftijdsgroep: {labels}.")


def _free_text(question: Question, text: str) -> str | Invalid:
    text = text.strip()
    if question.max_length is not None and len(text) > question.max_length:
        return Invalid(
            f"Uw tekst is {len(text)} tekens lang; het maximum is {question.max_length}. "
            "Wilt u hem korter maken?"
        )
    detail = identifying_detail(text)
    if detail is not None:
        return Invalid(
            f"Uw tekst lijkt {detail} te bevatten. "
            "Laat namen, adressen, telefoonnummers en BSN weg."
        )
    return text
