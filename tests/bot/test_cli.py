"""`regiebot lookup` and `regiebot rules` as an operator runs them: output and exit status."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.cli import main
from rules import DEFAULT_SCHEMA_PATH

WriteSchema = Callable[[str], Path]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        status = main(list(argv))
    except SystemExit as exit_:  # argparse's own usage errors
        status = int(exit_.code or 0)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_lookup_json_has_the_documented_fields(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(
        capsys,
        "lookup",
        "--kader",
        "maatregel",
        "--maatregel",
        "ots",
        "--leeftijd",
        "15",
        "--profiel",
        "lvb",
        "--json",
    )
    assert status == 0
    record = json.loads(out)
    assert record["partij"] == "gi-wsg"
    assert record["partij_name"].startswith("William Schrikker Groep")
    assert record["rule"] == "gi-lvb"
    assert record["outcome"] == "reguliere_regie"
    assert record["next_step"].startswith("William Schrikker Groep")
    assert [r["aspect"] for r in record["reasons"]] == [
        "regime",
        "leeftijd",
        "profiel",
        "interventie",
    ]


def test_lookup_free_text_prints_dutch_at_a_glance(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "lookup", "reclassering", "30", "verslaving")
    assert status == 0
    lines = out.splitlines()
    assert lines[0] == "Advies: casusregie bij Stichting Verslavingsreclassering GGZ."
    assert "• Cliëntprofiel: Verslaving. Bepalend voor dit advies." in lines
    assert any(line.startswith("Volgende stap: ") for line in lines)


def test_lookup_options_and_free_text_combine(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "lookup", "--json", "--leeftijd", "16", "politie onderzoek")
    assert status == 0 and json.loads(out)["partij"] == "politie"


def test_open_lookup_lists_what_is_still_possible(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "lookup", "reclassering 30")
    assert status == 0
    assert out.splitlines()[:4] == [
        "Dat hangt nog af van meer gegevens. Mogelijke partijen:",
        "• Stichting Verslavingsreclassering GGZ",
        "• Leger des Heils Jeugdbescherming & Reclassering",
        "• Reclassering Nederland",
    ]
    assert "Noem ook: profiel (lvb, psychisch, verslaving, dakloos, geen)." in out
    status, out, _ = run(capsys, "lookup", "--json", "reclassering 30")
    record = json.loads(out)
    assert record["partij"] is None and record["open_questions"] == ["profiel"]
    assert [c["partij"] for c in record["candidates"]] == ["svg", "ldh", "rn"]


@pytest.mark.parametrize(
    ("argv", "line"),
    [
        (
            ["--kader", "gedwongenn"],
            "'gedwongenn' is geen keuze voor kader. Kies uit: maatregel, onderzoek, interventie, vrijwillig.",
        ),
        (
            ["--leeftijd", "130"],
            "Leeftijd 130 kan niet: geef een leeftijd van 0 tot en met 120 jaar.",
        ),
        (
            ["ots", "25"],
            "Een ondertoezichtstelling geldt alleen voor minderjarigen. Klopt de leeftijd?",
        ),
        (
            ["--maatregel", "ots", "--leeftijd", "25"],
            "Een ondertoezichtstelling geldt alleen voor minderjarigen. Klopt de leeftijd?",
        ),
    ],
)
def test_bad_lookup_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str], argv: list[str], line: str
) -> None:
    status, out, err = run(capsys, "lookup", *argv)
    assert (status, out, err) == (2, "", line + "\n")


def test_rules_check_proves_the_default_complete(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "rules", "check")
    assert status == 0
    assert "Complete: every combination reaches exactly one rule; every rule is reachable." in out


def test_rules_check_exits_1_on_a_gap(
    capsys: pytest.CaptureFixture[str], write_schema: WriteSchema
) -> None:
    text = DEFAULT_SCHEMA_PATH.read_text(encoding="utf-8").replace(
        "    when: {kader: [vrijwillig]}\n    partij: wijkteam",
        "    when: {kader: [vrijwillig], leeftijd: {below: 18}}\n    partij: wijkteam",
    )
    status, out, _ = run(capsys, "rules", "check", str(write_schema(text)))
    assert status == 1
    assert "combinations reach no single rule, for example:" in out
    assert "no rule decides: kader=vrijwillig, leeftijd=18" in out


def test_rules_check_exits_1_on_a_broken_file(
    capsys: pytest.CaptureFixture[str], write_schema: WriteSchema
) -> None:
    text = DEFAULT_SCHEMA_PATH.read_text(encoding="utf-8").replace(
        "partij: gi-wsg", "partij: gi-xyz", 1
    )
    status, _, err = run(capsys, "rules", "check", str(write_schema(text)))
    assert status == 1 and "rules[0].partij: unknown partij 'gi-xyz'" in err


def test_rules_graph_mermaid(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "rules", "graph", "--format", "mermaid")
    assert status == 0
    assert out.startswith("flowchart TD\n")
    assert "rule12 -- nee --> fallback" in out
    assert "rule8 -- ja, instantie = raad --> partij_raad" in out


def test_rules_graph_svg_without_graphviz_says_so(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    status, out, err = run(capsys, "rules", "graph", "--format", "svg")
    assert status == 1 and out == ""
    assert "needs Graphviz's 'dot', which is not installed" in err


def test_rules_from_environment(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, write_schema: WriteSchema
) -> None:
    text = DEFAULT_SCHEMA_PATH.read_text(encoding="utf-8").replace(
        "partij: wijkteam", "partij: zvh"
    )
    monkeypatch.setenv("REGIEBOT_RULES", str(write_schema(text)))
    status, out, _ = run(capsys, "lookup", "--json", "vrijwillig 30 geen zorg")
    assert status == 0 and json.loads(out)["partij"] == "zvh"


def test_rules_graph_dialogue_draws_the_intake_machine(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "rules", "graph", "--dialogue")
    assert status == 0 and "stateDiagram-v2" in out
    assert "kader --> maatregel: advance [is_pending_maatregel]" in out
    assert "summary --> advice: confirm" in out
    assert "advice --> done: registered" in out
