"""Property: any valid answer set yields exactly one advice; any invalid one a clear error."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from rules import (
    Advice,
    QueryError,
    Schema,
    advise,
    facts_from_answers,
    load_schema,
    lookup,
    query_from_options,
    violations,
)
from rules.facts import all_of

SCHEMA: Schema = load_schema()
Q = SCHEMA.question_by_id


def codes(question: str) -> list[str]:
    return [o.code for o in Q[question].options]


@st.composite
def answer_sets(draw: st.DrawFn) -> dict[str, Any]:
    answers: dict[str, Any] = {
        "criteria": draw(st.sampled_from(codes("criteria"))),
        "kader": draw(st.sampled_from(codes("kader"))),
        "leeftijd": draw(
            st.integers(0, 120) | st.sampled_from([b.code for b in Q["leeftijd"].bands])
        ),
        "profiel": draw(st.lists(st.sampled_from(codes("profiel")), unique=True)),
        "interventie": draw(st.sampled_from(codes("interventie"))),
        "betrokken": draw(st.lists(st.sampled_from(codes("betrokken")), unique=True, max_size=4)),
        "omschrijving": "",
    }
    if answers["kader"] == "maatregel":
        answers["maatregel"] = draw(st.sampled_from(codes("maatregel")))
    if answers["kader"] in ("onderzoek", "interventie"):
        answers["instantie"] = draw(st.sampled_from(codes("instantie")))
    return answers


@settings(max_examples=400, deadline=None)
@given(answer_sets())
def test_valid_answers_yield_exactly_one_advice(answers: dict[str, Any]) -> None:
    facts = facts_from_answers(SCHEMA, answers)
    broken = violations(SCHEMA, facts)
    if broken:
        assert all(v.message.endswith("Klopt de leeftijd?") for v in broken)
        return
    holding = [r.id for r in SCHEMA.rules if all_of(r.when, facts) is True]
    result = advise(SCHEMA, answers)
    assert isinstance(result, Advice)
    assert holding, "the default schema is complete, so some rule holds"
    assert result.rule_id == holding[0]
    assert [r.aspect for r in result.reasons] == ["regime", "leeftijd", "profiel", "interventie"]


words = st.sampled_from(
    [o.code for q in ("kader", "maatregel", "instantie", "interventie") for o in Q[q].options]
    + ["lvb", "geen", "xyz", "", "1e9"]
)


@settings(max_examples=400, deadline=None)
@given(
    kader=st.none() | words,
    maatregel=st.none() | words,
    instantie=st.none() | words,
    leeftijd=st.none() | st.integers(-5, 130).map(str) | words,
    profiel=st.none() | st.lists(words, max_size=3),
    interventie=st.none() | words,
)
def test_any_lookup_is_advice_or_one_clear_dutch_line(**options: Any) -> None:
    try:
        result = lookup(SCHEMA, query_from_options(SCHEMA, options))
    except QueryError as error:
        message = str(error)
        assert message and "\n" not in message
        assert message[0].isupper() or message[0] == "'"
    else:
        assert result is not None
