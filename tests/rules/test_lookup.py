"""One-line lookups: free text through the synonyms, explicit options, and what stays open."""

from __future__ import annotations

import pytest

from conversation.advice_text import lookup_text
from rules import (
    Advice,
    OpenAdvice,
    QueryError,
    Schema,
    advice_record,
    lookup,
    parse_text,
    query_from_options,
)


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


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        (
            "reclassering 40 dakloos",
            [
                "Dat hangt nog af van meer gegevens.",
                "• Speelt er naast dakloos ook psychische problematiek of verslaving? "
                "Dan Stichting Verslavingsreclassering GGZ.",
                "• Zo niet: Leger des Heils Jeugdbescherming & Reclassering.",
                "",
                'Speelt er naast dakloos verder niets? Zeg dan "alleen dakloos" of '
                '"dakloos, verder geen".',
            ],
        ),
        (
            "reclassering 30",
            [
                "Dat hangt nog af van meer gegevens.",
                "• Speelt er psychische problematiek of verslaving? "
                "Dan Stichting Verslavingsreclassering GGZ.",
                "• Zo niet: speelt er dakloos of thuisloos? "
                "Dan Leger des Heils Jeugdbescherming & Reclassering.",
                "• Zo niet: Reclassering Nederland.",
                "",
                "Noem ook: profiel (lvb, psychisch, verslaving, dakloos, geen).",
            ],
        ),
        (
            "voogdij 3",
            [
                "Dat hangt nog af van meer gegevens.",
                "• Speelt er licht verstandelijke beperking (LVB)? "
                "Dan William Schrikker Groep (gecertificeerde instelling, beperking/LVB).",
                "• Zo niet: Jeugdbescherming Regio Amsterdam (gecertificeerde instelling).",
                "",
                "Noem ook: profiel (lvb, psychisch, verslaving, dakloos, geen).",
            ],
        ),
        (
            "maatregel 30 geen",
            [
                "Dat hangt nog af van meer gegevens.",
                "• Met maatregel reclassering: Reclassering Nederland.",
                "• Zo niet: met maatregel overig: Openbaar Ministerie.",
                "",
                "Noem ook: maatregel (ots, voogdij, jeugdreclassering, reclassering, overig).",
            ],
        ),
        (
            "onderzoek 30",
            [
                "Dat hangt nog af van meer gegevens.",
                "• Met instantie politie: Politie.",
                "• Zo niet: met instantie om: Openbaar Ministerie.",
                "• Zo niet: met instantie dwi: Dienst Werk en Inkomen.",
                "",
                "Noem ook: instantie (politie, om, leerplicht, dwi, raad).",
            ],
        ),
        (
            "vrijwillig 30 lvb",
            [
                "Dat hangt nog af van meer gegevens.",
                "• Met interventie huiselijk geweld: Veilig Thuis.",
                "• Zo niet: MEE (ondersteuning bij LVB).",
                "",
                "Noem ook: interventie (veiligheid, jeugdbescherming, onderwijs, werk_inkomen, "
                "zorg, wonen, huiselijk_geweld).",
            ],
        ),
        (
            "15 lvb",
            [
                "Dat hangt nog af van meer gegevens.",
                "• Met kader maatregel en maatregel ots, voogdij of jeugdreclassering: "
                "William Schrikker Groep (gecertificeerde instelling, beperking/LVB).",
            ],
        ),
    ],
)
def test_open_answers_say_which_answer_leads_to_which_partij(
    schema: Schema, text: str, lines: list[str]
) -> None:
    written = lookup_text(lookup(schema, parse_text(schema, text))).splitlines()
    assert written[: len(lines)] == lines


@pytest.mark.parametrize(
    "text",
    [
        "reclassering 40 alleen dakloos",
        "reclassering 40 dakloos, verder geen",
        "reclassering 40 dakloos niets anders",
        "alleen dakloos, reclassering 40",
    ],
)
def test_nothing_else_closes_a_named_profiel(schema: Schema, text: str) -> None:
    result = lookup(schema, parse_text(schema, text))
    assert isinstance(result, Advice), result
    assert result.partij.code == "ldh"


def test_only_closes_both_named_profielen(schema: Schema) -> None:
    result = lookup(schema, parse_text(schema, "reclassering 40 alleen dakloos en verslaving"))
    assert isinstance(result, Advice) and result.partij.code == "svg"
    result = lookup(schema, parse_text(schema, "vrijwillig 30 alleen lvb en dakloos zorg"))
    assert isinstance(result, Advice) and result.partij.code == "mee"


def test_none_beside_a_value_is_a_contradiction(schema: Schema) -> None:
    with pytest.raises(QueryError) as raised:
        query_from_options(schema, {"profiel": ["geen", "lvb"]})
    assert str(raised.value) == (
        "'geen' en 'lvb' spreken elkaar tegen bij profiel: noem 'geen' alleen als er niets van speelt."
    )


def test_none_before_a_value_in_free_text_is_a_contradiction(schema: Schema) -> None:
    with pytest.raises(QueryError) as raised:
        parse_text(schema, "reclassering 30 geen dakloos")
    assert str(raised.value) == (
        "'geen' en 'dakloos' spreken elkaar tegen bij profiel: "
        "noem 'geen' alleen als er niets van speelt."
    )


def test_the_json_record_names_what_each_candidate_requires(schema: Schema) -> None:
    record = advice_record(lookup(schema, parse_text(schema, "reclassering 40 dakloos")))
    assert record["candidates"] == [
        {
            "partij": "svg",
            "partij_name": "Stichting Verslavingsreclassering GGZ",
            "rule": "reclassering-verslaving",
            "outcome": "reguliere_regie",
            "requires": [
                {
                    "question": "profiel",
                    "one_of": ["psychisch", "verslaving"],
                    "besides": ["dakloos"],
                }
            ],
        },
        {
            "partij": "ldh",
            "partij_name": "Leger des Heils Jeugdbescherming & Reclassering",
            "rule": "reclassering-dakloos",
            "outcome": "reguliere_regie",
            "requires": [],
        },
    ]
