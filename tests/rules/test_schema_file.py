"""A broken schema file names the file, the line, the place and what is wrong."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from rules import Schema, SchemaError, load_schema

WriteSchema = Callable[[str], Path]
RENAMED = Path(__file__).with_name("renamed.yaml")


def line_of(text: str, fragment: str) -> int:
    return text[: text.index(fragment)].count("\n") + 1


def problems(path: Path) -> list[str]:
    with pytest.raises(SchemaError) as raised:
        load_schema(path)
    return [str(p) for p in raised.value.problems]


def test_default_schema_loads(default_yaml: str, write_schema: WriteSchema) -> None:
    schema = load_schema(write_schema(default_yaml))
    assert [q.id for q in schema.questions] == [
        "criteria",
        "kader",
        "maatregel",
        "instantie",
        "leeftijd",
        "profiel",
        "interventie",
        "betrokken",
        "omschrijving",
    ]
    assert len(schema.rules) == 12 and len(schema.partijen) == 16


def test_unknown_partij_in_a_rule(default_yaml: str, write_schema: WriteSchema) -> None:
    broken = default_yaml.replace("partij: gi-wsg", "partij: gi-xyz", 1)
    path = write_schema(broken)
    line = line_of(broken, "partij: gi-xyz")
    [message] = problems(path)
    assert message.startswith(
        f"{path}:{line}: rules[0].partij: unknown partij 'gi-xyz' (known: gi-jbra, "
    )


def test_condition_on_a_question_that_does_not_exist(
    default_yaml: str, write_schema: WriteSchema
) -> None:
    broken = default_yaml.replace(
        "when: {kader: [vrijwillig], interventie: [huiselijk_geweld]}",
        "when: {kader: [vrijwillig], terrein: [huiselijk_geweld]}",
    )
    path = write_schema(broken)
    [message] = problems(path)
    assert message.startswith(
        f"{path}:{line_of(broken, 'terrein:')}: rules[8].when.terrein: condition on unknown question 'terrein'"
    )


def test_duplicate_code(default_yaml: str, write_schema: WriteSchema) -> None:
    broken = default_yaml.replace(
        "- {code: rn, name: Reclassering", "- {code: svg, name: Reclassering"
    )
    path = write_schema(broken)
    first, *rest = problems(path)
    line = line_of(broken, "- {code: svg, name: Stichting")
    assert first == f"{path}:{line}: partijen[4].code: duplicate partij code 'svg'"
    assert rest == [
        f"{path}:{line_of(broken, 'partij: rn')}: rules[4].partij: unknown partij 'rn' (known: "
        "gi-jbra, gi-wsg, ldh, svg, politie, om, leerplicht, dwi, raad, wijkteam, ggz, mee, "
        "veilig-thuis, zvh, oov)"
    ]


def test_constraint_on_an_unknown_option(default_yaml: str, write_schema: WriteSchema) -> None:
    broken = default_yaml.replace(
        "  - when: {maatregel: [voogdij]}", "  - when: {maatregel: [pleegzorg]}"
    )
    path = write_schema(broken)
    [message] = problems(path)
    assert message == (
        f"{path}:{line_of(broken, '[pleegzorg]')}: constraints[1].when.maatregel: unknown option 'pleegzorg' "
        "for 'maatregel' (allowed: ots, voogdij, jeugdreclassering, reclassering, overig)"
    )


def test_every_problem_is_reported_at_once(default_yaml: str, write_schema: WriteSchema) -> None:
    broken = default_yaml.replace("partij: gi-wsg", "partij: gi-xyz", 1).replace(
        "outcome: screening", "outcome: scrreening", 1
    )
    messages = problems(write_schema(broken))
    assert len(messages) == 2
    assert "unknown outcome 'scrreening' (known: reguliere_regie, screening, oov)" in messages[1]


def test_shape_errors_come_from_the_file_format(
    default_yaml: str, write_schema: WriteSchema
) -> None:
    broken = default_yaml.replace(
        "  - id: kader\n    kind: choice", "  - id: kader\n    kind: dropdown"
    )
    path = write_schema(broken)
    [message] = problems(path)
    assert message.startswith(
        f"{path}:{line_of(broken, 'kind: dropdown')}: questions[1].kind: Input should be 'choice'"
    )


def test_asked_when_may_only_look_back(default_yaml: str, write_schema: WriteSchema) -> None:
    broken = default_yaml.replace(
        "asked_when: {kader: [maatregel]}", "asked_when: {leeftijd: {below: 18}}"
    )
    [message] = problems(write_schema(broken))
    assert "asked_when may only refer to questions before 'maatregel'" in message


def test_ambiguous_synonym_across_lookup_questions(
    default_yaml: str, write_schema: WriteSchema
) -> None:
    broken = default_yaml.replace(
        "synonyms: [huisvesting, woning]", "synonyms: [huisvesting, woning, ots]"
    )
    [message] = problems(write_schema(broken))
    assert "'ots' means both maatregel ots and interventie wonen" in message


def test_not_yaml(write_schema: WriteSchema) -> None:
    path = write_schema("questions: [\n")
    [message] = problems(path)
    assert message.startswith(f"{path}:2: not valid YAML")


def test_missing_file(tmp_path: Path) -> None:
    [message] = problems(tmp_path / "nowhere.yaml")
    assert message.endswith("nowhere.yaml: cannot read: No such file or directory")


@pytest.mark.parametrize(
    ("before", "after", "message"),
    [
        (
            "    short: Kader\n    retention: keep\n",
            "    short: Kader\n    retention: band\n",
            "questions[1].retention: only an age question with bands can keep its band",
        ),
        (
            "    short: Leeftijd\n    retention: band\n",
            "    short: Leeftijd\n    retention: keep\n",
            "questions[4].retention: an exact age can identify a person; keep its band instead",
        ),
        (
            "    optional: true\n",
            "    optional: true\n    retention: keep\n",
            "questions[8].retention: free text can identify a person; it cannot be kept",
        ),
        (
            "    short: Leeftijd\n    retention: band\n",
            "    short: Leeftijd\n    retention: band\n    expertise: true\n",
            "questions[4].expertise: only a choice or multi question can name expertise",
        ),
    ],
)
def test_retention_and_expertise_are_checked(
    default_yaml: str, write_schema: WriteSchema, before: str, after: str, message: str
) -> None:
    broken = default_yaml.replace(before, after)
    path = write_schema(broken)
    line = line_of(broken, after) + after.count("\n") - 1  # the field added or changed last
    assert problems(path) == [f"{path}:{line}: {message}"]


def test_the_schema_says_what_retention_keeps_and_what_names_expertise(schema: Schema) -> None:
    assert schema.kept_answers == {"criteria", "kader", "maatregel", "instantie", "interventie"}
    assert [q.id for q in schema.banded_questions] == ["leeftijd"]
    assert [q.id for q in schema.expertise_questions] == ["profiel", "interventie"]


def test_a_region_may_name_its_questions_as_it_likes() -> None:
    schema = load_schema(RENAMED)
    assert [q.id for q in schema.aspect_questions] == ["regime", "age_years", "clientprofiel"]
    assert schema.kept_answers == {"regime"}
    assert [q.id for q in schema.banded_questions] == ["age_years"]
    assert [q.id for q in schema.expertise_questions] == ["clientprofiel"]
    assert not schema.has_gaps
