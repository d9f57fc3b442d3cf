"""The decision schema as data, the advice engine, lookups and the completeness proof. Pure."""

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
from rules.loading import (
    DEFAULT_SCHEMA_PATH,
    Problem,
    SchemaError,
    load_schema,
    parse_schema,
)
from rules.query import Query, QueryError, lookup, parse_text, query_from_options
from rules.schema import Schema

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
