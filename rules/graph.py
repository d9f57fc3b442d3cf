"""The decision schema as a diagram (the source text's appendix was one): Mermaid or Graphviz DOT.

Both are drawn from the same walk: the rules in order, each a decision with "ja" to its partij and
"nee" to the next rule, the last "nee" to the fallback.
"""

from __future__ import annotations

from dataclasses import dataclass

from rules.facts import AgeRange, Condition
from rules.schema import Schema


@dataclass(frozen=True)
class _Edge:
    source: str
    target: str
    label: str


def _condition_text(schema: Schema, condition: Condition) -> str:
    if isinstance(condition, AgeRange):
        return f"{condition.question}: {condition.describe()}"
    question = schema.question_by_id[condition.question]
    codes = " / ".join(o.code for o in question.options if o.code in condition.codes)
    verb = "heeft" if question.kind == "multi" else "="
    return f"{condition.question} {verb} {codes}"


def _walk(schema: Schema) -> tuple[dict[str, list[str]], dict[str, list[str]], list[_Edge]]:
    """Decision nodes, partij nodes (id -> lines of text) and the edges between them."""
    decisions: dict[str, list[str]] = {}
    partijen: dict[str, list[str]] = {}
    edges = [_Edge("start", "rule1", "")]

    def partij_node(code: str, outcome: str) -> str:
        node = "partij_" + code.replace("-", "_")
        partijen.setdefault(node, [schema.partij_by_code[code].name])
        label = schema.outcomes[outcome].label
        if label not in partijen[node]:
            partijen[node].append(label)
        return node

    for number, rule in enumerate(schema.rules, start=1):
        node = f"rule{number}"
        decisions[node] = [f"{number}. {rule.id}"] + [_condition_text(schema, c) for c in rule.when]
        if rule.partij is not None:
            edges.append(_Edge(node, partij_node(rule.partij, rule.outcome), "ja"))
        else:
            question = schema.question_by_id[rule.partij_from or ""]
            for option in question.options:
                target = partij_node(option.code, rule.outcome)
                edges.append(_Edge(node, target, f"ja, {question.id} = {option.code}"))
        following = f"rule{number + 1}" if number < len(schema.rules) else "fallback"
        edges.append(_Edge(node, following, "nee"))
    fallback = schema.fallback
    partijen["fallback"] = [
        schema.partij_by_code[fallback.partij].name,
        schema.outcomes[fallback.outcome].label,
    ]
    return decisions, partijen, edges


def _escape_mermaid(text: str) -> str:
    return text.replace('"', "#quot;")


def to_mermaid(schema: Schema) -> str:
    decisions, partijen, edges = _walk(schema)
    lines = ["flowchart TD", '    start(["Aanmelding"])']
    for node, text in decisions.items():
        lines.append(f'    {node}{{"{"<br/>".join(_escape_mermaid(t) for t in text)}"}}')
    for node, text in partijen.items():
        lines.append(f'    {node}["{"<br/>".join(_escape_mermaid(t) for t in text)}"]')
    for edge in edges:
        arrow = f" -- {_escape_mermaid(edge.label)} -->" if edge.label else " -->"
        lines.append(f"    {edge.source}{arrow} {edge.target}")
    return "\n".join(lines) + "\n"


def _escape_dot(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def to_dot(schema: Schema) -> str:
    decisions, partijen, edges = _walk(schema)
    lines = [
        "digraph regie {",
        '    graph [rankdir=TB, fontname="Helvetica"];',
        '    node [fontname="Helvetica", fontsize=10];',
        '    start [label="Aanmelding", shape=oval];',
    ]
    for node, text in decisions.items():
        label = "\\n".join(_escape_dot(t) for t in text)
        lines.append(f'    {node} [label="{label}", shape=diamond];')
    for node, text in partijen.items():
        label = "\\n".join(_escape_dot(t) for t in text)
        lines.append(f'    {node} [label="{label}", shape=box, style=rounded];')
    for edge in edges:
        label = f' [label="{_escape_dot(edge.label)}"]' if edge.label else ""
        lines.append(f"    {edge.source} -> {edge.target}{label};")
    lines.append("}")
    return "\n".join(lines) + "\n"
