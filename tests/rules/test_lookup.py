"""One-line lookups: free text through the synonyms, explicit options, and what stays open."""

from __future__ import annotations

import pytest

from rules import Advice, OpenAdvice, QueryError, Schema, lookup, parse_text, query_from_options


@pytest.mark.parametrize(
    ("text", "partij"),
    [
        ("ots 15 lvb", "gi-wsg"),
        ("OTS, 15 jaar, LVB", "gi-wsg"),
        ("ondertoezichtstelling 15 licht verstandelijke beperking", "gi-wsg"),
        ("jr 16 geen", "gi-jbra"),
        ("reclassering 30 verslaving", "svg"),
        ("reclassering 30 dakloos geen", "ldh"),
        ("reclassering 30 geen", "rn"),
        ("wie neemt regie bij een onderzoek van de politie, 16 jaar?", "politie"),
        ("vrijwillig 30 huiselijk geweld", "veilig-thuis"),
        ("vrijwillig kader 40 ggz geen zorg", "ggz"),
        ("vrijwillig minderjarig geen onderwijs", "wijkteam"),
    ],
)
def test_free_text_gives_advice(schema: Schema, text: str, partij: str) -> None:
    result = lookup(schema, parse_text(schema, text))
    assert isinstance(result, Advice), result
    assert result.partij.code == partij


def test_open_question_lists_every_partij_still_possible(schema: Schema) -> None:
    result = lookup(schema, parse_text(schema, "reclassering 30"))
    assert isinstance(result, OpenAdvice)
    assert [c.partij.code for c in result.candidates] == ["svg", "ldh", "rn"]
    assert [q.id for q in result.open_questions] == ["profiel"]


def test_a_named_profiel_does_not_rule_out_the_others(schema: Schema) -> None:
    result = lookup(schema, parse_text(schema, "reclassering 30 dakloos"))
    assert isinstance(result, OpenAdvice)  # dakloos, unless there is also verslaving
    assert [c.partij.code for c in result.candidates] == ["svg", "ldh"]


def test_open_choices_that_a_constraint_forbids_are_left_out(schema: Schema) -> None:
    result = lookup(schema, parse_text(schema, "maatregel 30 geen"))
    assert isinstance(result, OpenAdvice)  # no OTS, voogdij or jeugdreclassering at 30
    assert [c.partij.code for c in result.candidates] == ["rn", "om"]


def test_instantie_left_open_lists_each_instantie(schema: Schema) -> None:
    result = lookup(schema, parse_text(schema, "onderzoek 30"))
    assert isinstance(result, OpenAdvice)  # the Raad only for minors, leerplicht until 23
    assert [c.partij.code for c in result.candidates] == ["politie", "om", "dwi"]


def test_a_measure_implies_its_kader(schema: Schema) -> None:
    result = lookup(schema, parse_text(schema, "voogdij 3"))
    assert isinstance(result, OpenAdvice)  # profiel still open: WSG with LVB, else JBRA
    assert {c.partij.code for c in result.candidates} == {"gi-wsg", "gi-jbra"}


def test_empty_query_is_every_partij(schema: Schema) -> None:
    result = lookup(schema, parse_text(schema, ""))
    assert isinstance(result, OpenAdvice)
    assert len({c.partij.code for c in result.candidates}) >= 12


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("ots 25", "Een ondertoezichtstelling geldt alleen voor minderjarigen. Klopt de leeftijd?"),
        ("130", "Leeftijd 130 kan niet: geef een leeftijd van 0 tot en met 120 jaar."),
        ("ots flapdrol", "Onbekend woord 'flapdrol'."),
        ("ots voogdij 10", "'voogdij' spreekt een eerder antwoord voor maatregel tegen"),
        (
            "vrijwillig ots 10",
            "'(Voorlopige) ondertoezichtstelling (OTS)' past niet bij 'Vrijwillig kader",
        ),
    ],
)
def test_bad_free_text_says_what_is_wrong(schema: Schema, text: str, message: str) -> None:
    with pytest.raises(QueryError) as raised:
        lookup(schema, parse_text(schema, text))
    assert str(raised.value).startswith(message)


def test_options_are_complete_answers(schema: Schema) -> None:
    query = query_from_options(
        schema,
        {"kader": "vrijwillig", "leeftijd": "30", "profiel": ["geen"], "interventie": "zorg"},
    )
    result = lookup(schema, query)
    assert isinstance(result, Advice) and result.partij.code == "wijkteam"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            {"kader": "bla"},
            "'bla' is geen keuze voor kader. Kies uit: maatregel, onderzoek, interventie, vrijwillig.",
        ),
        (
            {"leeftijd": "-3"},
            "'-3' is geen leeftijd: geef een getal van 0 tot en met 120, of een van: minderjarig, jongvolwassen, volwassen.",
        ),
        (
            {"leeftijd": "121"},
            "Leeftijd 121 kan niet: geef een leeftijd van 0 tot en met 120 jaar.",
        ),
        (
            {"profiel": ["lvb", "xyz"]},
            "'xyz' is geen keuze voor profiel. Kies uit: lvb, psychisch, verslaving, dakloos.",
        ),
    ],
)
def test_bad_options_say_what_is_allowed(
    schema: Schema, options: dict[str, object], message: str
) -> None:
    with pytest.raises(QueryError) as raised:
        lookup(schema, query_from_options(schema, options))  # type: ignore[arg-type]
    assert str(raised.value) == message
