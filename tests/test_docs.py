"""The documentation says what the code does: docs/architecture.md shows the casus lifecycle that
`regiebot rules graph --casus` draws today, and docs/domain.md's tables of questions, partijen
and rules list what rules/default.yaml holds, in its order."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.cli import main
from rules import Schema

DOCS = Path(__file__).resolve().parent.parent / "docs"
DIAGRAM_MARK = "<!-- regiebot rules graph --casus -->"


def code_block_after(markdown: str, mark: str) -> str:
    found = re.search(re.escape(mark) + r"\n```[a-z]*\n(.*?)^```", markdown, re.DOTALL | re.M)
    assert found, f"a code block right after {mark}"
    return found[1]


def table_under(markdown: str, heading: str) -> list[dict[str, str]]:
    """The rows of the first table after the heading that starts with `heading`, by column;
    backticks left out."""
    start = re.search(rf"^{re.escape(heading)}.*$", markdown, re.M)
    assert start, f"a heading {heading!r}"
    following = markdown[start.end() :].splitlines()
    first = next(i for i, line in enumerate(following) if line.startswith("|"))
    table = []
    for line in following[first:]:
        if not line.startswith("|"):
            break
        table.append([cell.strip().replace("`", "") for cell in line.strip("|").split("|")])
    header, _rule, *rows = table
    return [dict(zip(header, row, strict=True)) for row in rows]


@pytest.fixture(scope="module")
def domain() -> str:
    return (DOCS / "domain.md").read_text(encoding="utf-8")


def test_the_architecture_shows_the_lifecycle_the_command_draws(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["rules", "graph", "--casus"]) == 0
    drawn = capsys.readouterr().out
    shown = code_block_after((DOCS / "architecture.md").read_text(encoding="utf-8"), DIAGRAM_MARK)
    assert [line.rstrip() for line in shown.splitlines()] == [
        line.rstrip() for line in drawn.splitlines()
    ], "docs/architecture.md: paste the output of `regiebot rules graph --casus` into its block"


def test_the_domain_lists_the_schemas_rules_in_order(domain: str, schema: Schema) -> None:
    listed = [
        (row["#"], row["rule"], row["partij"], row["outcome"], row["source"])
        for row in table_under(domain, "### Rules")
    ]
    assert listed == [
        (
            str(number),
            rule.id,
            rule.partij or f"the answer to {rule.partij_from}",
            rule.outcome,
            rule.source,
        )
        for number, rule in enumerate(schema.rules, start=1)
    ]


def test_the_domain_lists_the_schemas_partijen_and_questions(domain: str, schema: Schema) -> None:
    partijen = [
        (row["code"], row["name"], row["kader"]) for row in table_under(domain, "### Partijen")
    ]
    assert partijen == [(p.code, p.name, p.kader or "") for p in schema.partijen]
    questions = [row["id"] for row in table_under(domain, "### Questions")]
    assert questions == [q.id for q in schema.questions]
