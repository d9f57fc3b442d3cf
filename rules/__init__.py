"""The decision schema as data, the advice engine, lookups and the completeness proof. Pure.

`load_schema` and `parse_schema` import rules.loading (YAML, pydantic and the proof) when first
used: importing it is most of what a `regiebot lookup` from a cached schema would otherwise cost
(about 150 of 400 ms, bench/lookup.py)."""

from typing import TYPE_CHECKING, Any

from rules.engine import (
    Advice,
    Answers,
    Candidate,
    OpenAdvice,
    Reason,
    Violation,
    advice_record,
    advise,
    advise_facts,
    facts_from_answers,
    violations,
)
from rules.problems import Problem, SchemaError
from rules.query import Query, QueryError, lookup, parse_text, query_from_options
from rules.schema import DEFAULT_SCHEMA_PATH, Schema

if TYPE_CHECKING:
    from rules.loading import load_schema, parse_schema


def __getattr__(name: str) -> Any:
    if name in ("load_schema", "parse_schema"):
        from rules import loading

        return getattr(loading, name)
    raise AttributeError(f"module 'rules' has no attribute {name!r}")


__all__ = [
    "DEFAULT_SCHEMA_PATH",
    "Advice",
    "Answers",
    "Candidate",
    "OpenAdvice",
    "Problem",
    "Query",
    "QueryError",
    "Reason",
    "Schema",
    "SchemaError",
    "Violation",
    "advice_record",
    "advise",
    "advise_facts",
    "facts_from_answers",
    "load_schema",
    "lookup",
    "parse_schema",
    "parse_text",
    "query_from_options",
    "violations",
]
