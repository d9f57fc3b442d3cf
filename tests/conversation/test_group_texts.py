"""The group's texts as tables: short names and key answers per person, every finding with its
label and its meaning for the melder, and the message a melder gets."""

from __future__ import annotations

from typing import Any

import pytest

from conversation import group_texts as say
from conversation.group import aangemelde_line, short_name
from rules import Schema
from rules.vocabulary import GroupFinding
from tests.groups import person


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("(Voorlopige) ondertoezichtstelling (OTS)", "OTS"),
        ("Licht verstandelijke beperking (LVB)", "LVB"),
        ("Reclasseringstoezicht (volwassenen)", "Reclasseringstoezicht"),
        ("Minderjarig (0-17 jaar)", "Minderjarig"),
        ("(Voorlopige) voogdij", "(Voorlopige) voogdij"),
        (
            "Jeugdbescherming Regio Amsterdam (gecertificeerde instelling)",
            "Jeugdbescherming Regio Amsterdam",
        ),
        (
            "William Schrikker Groep (gecertificeerde instelling, beperking/LVB)",
            "William Schrikker Groep",
        ),
        ("Zorg- en Veiligheidshuis, team complexe casuïstiek", "Zorg- en Veiligheidshuis"),
        ("Wijkteam / Samen DOEN", "Wijkteam / Samen DOEN"),
    ],
)
def test_short_names(name: str, short: str) -> None:
    assert short_name(name) == short


@pytest.mark.parametrize(
    ("answers", "shown"),
    [
        (
            person("maatregel", 16, ["lvb"], maatregel="jeugdreclassering"),
            "Jeugdreclassering · 16 jaar · LVB",
        ),
        (person("maatregel", 14, maatregel="ots"), "OTS · 14 jaar"),
        (person("maatregel", 19, maatregel="reclassering"), "Reclasseringstoezicht · 19 jaar"),
        (
            person("onderzoek", 15, instantie="raad"),
            "Onderzoek of proces loopt bij een instantie · Raad voor de Kinderbescherming · 15 jaar",
        ),
        (
            person("vrijwillig", "jongvolwassen", ["verslaving", "dakloos"]),
            "Vrijwillig kader · Jongvolwassen · Verslaving, Dakloos of thuisloos",
        ),
        ({"kader": "vrijwillig"}, "Vrijwillig kader"),
        ({}, ""),  # anonymised long ago
    ],
)
def test_a_person_at_a_glance(schema: Schema, answers: dict[str, Any], shown: str) -> None:
    assert aangemelde_line(schema, answers) == shown


@pytest.mark.parametrize("finding", list(GroupFinding))
def test_every_finding_has_a_label_and_a_meaning_for_the_melder(finding: GroupFinding) -> None:
    assert say.FINDING_LABEL[finding] and len(say.FINDING_LABEL[finding]) <= 60
    assert say.FINDING_MEANS[finding].endswith(".")
    assert say.finding_of(finding.value) is finding


def test_a_stored_code_this_version_does_not_know_shows_no_finding() -> None:
    assert say.finding_of("vervallen") is None and say.finding_of(None) is None


def test_the_melder_hears_the_group_the_finding_the_note_and_their_casussen() -> None:
    text = say.to_melder(
        "ZVH-2026-G007",
        GroupFinding.SIGNALEREND,
        "Zelfde jongerencentrum.",
        ("ZVH-2026-0001", "ZVH-2026-0002"),
    )
    assert text == (
        "Groepsbevinding voor groep ZVH-2026-G007: Signalerende functie richting een instelling.\n"
        f"{say.FINDING_MEANS[GroupFinding.SIGNALEREND]}\n"
        "Toelichting: Zelfde jongerencentrum.\n"
        "Het gaat om uw casussen ZVH-2026-0001, ZVH-2026-0002."
    )
    assert "Toelichting" not in say.to_melder("ZVH-2026-G007", GroupFinding.VERBANDEN, None, ("x",))
