"""The completeness proof finds gaps and unreachable rules punched into a copy of the default."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import rules.loading
from rules import DEFAULT_SCHEMA_PATH, OpenAdvice, Schema, load_schema, lookup, parse_text
from rules.completeness import CompletenessReport, check_completeness

WriteSchema = Callable[[str], Path]

VRIJWILLIG_RULE = """  - id: vrijwillig
    when: {kader: [vrijwillig]}
    partij: wijkteam
"""


def test_default_schema_is_complete(schema: Schema) -> None:
    report = check_completeness(schema)
    assert report.complete
    assert report.combinations > 10_000
    assert set(report.decided_by) == {r.id for r in schema.rules}


def test_removed_catch_all_leaves_a_gap(default_yaml: str, write_schema: WriteSchema) -> None:
    punched = default_yaml.replace(
        VRIJWILLIG_RULE,
        "  - id: vrijwillig\n    when: {kader: [vrijwillig], interventie: [wonen]}\n    partij: wijkteam\n",
    )
    report = check_completeness(load_schema(write_schema(punched)))
    assert not report.complete
    assert report.gaps and all(str(g).startswith("no rule decides: ") for g in report.gaps)
    assert all(
        "kader=vrijwillig" in str(g) and "interventie=wonen" not in str(g) for g in report.gaps
    )


def test_rule_after_a_catch_all_is_unreachable(
    default_yaml: str, write_schema: WriteSchema
) -> None:
    extra = VRIJWILLIG_RULE + (
        "    outcome: screening\n    explanation: x\n    source: x\n"
        "  - id: vrijwillig-wonen\n    when: {kader: [vrijwillig], interventie: [wonen]}\n"
        "    partij: wijkteam\n"
    )
    report = check_completeness(
        load_schema(write_schema(default_yaml.replace(VRIJWILLIG_RULE, extra)))
    )
    assert report.unreachable == ("vrijwillig-wonen",)
    assert not report.gaps


def test_band_straddling_a_rule_boundary_is_a_gap(
    default_yaml: str, write_schema: WriteSchema
) -> None:
    straddling = default_yaml.replace(
        "{code: minderjarig, label: Minderjarig (0-17 jaar), at_least: 0, below: 18",
        "{code: minderjarig, label: Minderjarig (0-17 jaar), at_least: 0, below: 20",
    )
    report = check_completeness(load_schema(write_schema(straddling)))
    assert any("rule 'maatregel-overig-jeugd' cannot tell" in str(g) for g in report.gaps)


def test_the_proof_runs_once_when_the_schema_is_loaded(
    default_yaml: str, write_schema: WriteSchema, monkeypatch: pytest.MonkeyPatch
) -> None:
    proofs: list[Schema] = []

    def counted(schema: Schema) -> CompletenessReport:
        proofs.append(schema)
        return check_completeness(schema)

    monkeypatch.setattr(rules.loading, "check_completeness", counted)
    punched = default_yaml.replace(
        VRIJWILLIG_RULE,
        "  - id: vrijwillig\n    when: {kader: [vrijwillig], interventie: [wonen]}\n    partij: wijkteam\n",
    )
    schema = load_schema(write_schema(punched))
    assert len(proofs) == 1 and schema.has_gaps
    result = lookup(schema, parse_text(schema, "vrijwillig 30 geen"))
    assert isinstance(result, OpenAdvice)
    assert result.candidates[-1].partij.code == "oov"  # with gaps, the fallback stays in view
    assert len(proofs) == 1
    assert not load_schema(DEFAULT_SCHEMA_PATH).has_gaps
