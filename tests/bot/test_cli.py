"""`regiebot lookup`, `invite` and `rules` as an operator runs them: output and exit status."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.cli import main
from rules import DEFAULT_SCHEMA_PATH

WriteSchema = Callable[[str], Path]
RENAMED = Path(__file__).parents[1] / "rules" / "renamed.yaml"


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
        "Dat hangt nog af van meer gegevens.",
        "• Speelt er psychische problematiek of verslaving? "
        "Dan Stichting Verslavingsreclassering GGZ.",
        "• Zo niet: speelt er dakloos of thuisloos? "
        "Dan Leger des Heils Jeugdbescherming & Reclassering.",
        "• Zo niet: Reclassering Nederland.",
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


def test_repeated_profiel_flags_add_up(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(
        capsys,
        "lookup",
        "vrijwillig 30 zorg",
        "--json",
        "--profiel",
        "lvb",
        "--profiel",
        "psychisch",
    )
    assert status == 0
    reasons = {r["aspect"]: r["answer"] for r in json.loads(out)["reasons"]}
    assert reasons["profiel"] == "Licht verstandelijke beperking (LVB), Psychische problematiek"


def test_repeated_choice_flags_must_agree(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "lookup", "--kader", "vrijwillig", "--kader", "maatregel")
    assert (status, out) == (2, "")
    assert err == "'maatregel' spreekt een eerder antwoord voor kader tegen; noem één kader.\n"


def test_lookup_help_lists_the_codes_per_option(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "lookup", "--help")
    assert status == 0
    text = " ".join(out.split())
    assert "--kader KADER maatregel, onderzoek, interventie or vrijwillig" in text
    assert "one or more of lvb, psychisch, verslaving, dakloos; or geen" in text
    assert "an age in years (0-120), or a band: minderjarig, jongvolwassen, volwassen" in text


def test_a_region_schema_brings_its_own_lookup_options(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REGIEBOT_RULES", str(RENAMED))
    status, out, _ = run(capsys, "lookup", "--help")
    text = " ".join(out.split())
    assert "--regime REGIME maatregel or vrijwillig" in text
    assert "--age_years AGE_YEARS" in text and "--clientprofiel" in text
    assert "--kader" not in text
    status, out, _ = run(capsys, "lookup", "--json", "--regime", "maatregel", "--age_years", "15")
    assert status == 0 and json.loads(out)["partij"] == "gi"
    status, out, _ = run(
        capsys,
        "lookup",
        "--json",
        "--regime",
        "vrijwillig",
        "--clientprofiel",
        "psychisch",
        "--clientprofiel",
        "lvb",
    )
    assert status == 0 and json.loads(out)["partij"] == "mee"
    status, out, err = run(capsys, "lookup", "--regime", "gedwongen", "--age_years", "130")
    assert (status, out) == (2, "")
    assert err == "Leeftijd 130 kan niet: geef een leeftijd van 0 tot en met 120 jaar.\n"
    status, _, err = run(capsys, "lookup", "--kader", "maatregel")
    assert status == 2 and "unrecognized arguments: --kader" in err


def test_invite_accepts_the_expertise_of_the_region_schema(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("REGIEBOT_RULES", str(RENAMED))
    monkeypatch.setenv("REGIEBOT_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'regio.db'}")
    monkeypatch.delenv("REGIEBOT_TELEGRAM_TOKEN", raising=False)
    monkeypatch.delenv("REGIEBOT_TELEGRAM_BOT_USERNAME", raising=False)
    status, out, err = run(
        capsys, "invite", "--role", "regisseur", "--partij", "mee", "--expertise", "lvb"
    )
    assert (status, err) == (0, "")
    assert out.startswith("Invitation for a regisseur of mee, valid until ")
    assert "  in Telegram, send the bot: /start " in out
    status, out, err = run(
        capsys, "invite", "--role", "regisseur", "--partij", "mee", "--expertise", "zorg"
    )
    assert (status, out) == (2, "")
    assert err == "Unknown expertise zorg; known: lvb, psychisch\n"


def test_rules_graph_casus_draws_the_lifecycle(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "rules", "graph", "--casus")
    assert status == 0 and "stateDiagram-v2" in out
    assert "aangeboden --> opgepakt: accept [by_the_offered & !for_screening]" in out
    assert "in_screening --> procesregie: screen [by_the_holder & screened_procesregie" in out
    assert "bij_oov --> aangeboden: hand_over [by_holder_or_coordinator & has_candidate]" in out
