"""The decision schema as the last command parsed it, for the next short command.

`regiebot lookup` should answer in a quarter of a second. Parsing the schema takes about half
of that, and importing what parses it (YAML, pydantic, the completeness proof) about half again
(bench/lookup.py). So a command keeps what it parsed in the user's cache directory
(`$XDG_CACHE_HOME/regiebot`, else `~/.cache/regiebot`), and the next one reads it back.

The cache is keyed by the schema file's path and text, and by regiebot's own rules code, so a
changed file or a new release parses again. Without a usable cache (a read-only home, say) the
command parses every time, as before. The files are pickles: readable and writable only by
their user, in a directory that is theirs.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from pathlib import Path

import rules
from rules import Schema

_RULES_CODE = Path(rules.__file__).parent


def read_schema(path: Path, text: str) -> Schema:
    """The schema `text` (read from `path`) as `rules.parse_schema` gives it; SchemaError as
    that raises it."""
    cached = _cache_file(path, text)
    schema = _read(cached) if cached is not None else None
    if schema is None:
        schema = rules.parse_schema(text, source=str(path))
        if cached is not None:
            _write(cached, schema)
    return schema


def _cache_file(path: Path, text: str) -> Path | None:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    if not Path(base).is_absolute():
        return None
    key = hashlib.sha256(str(path.resolve()).encode() + b"\0" + text.encode())
    for code in sorted(_RULES_CODE.glob("*.py")):
        key.update(code.read_bytes())
    return Path(base) / "regiebot" / f"schema-{key.hexdigest()[:32]}.pickle"


def _read(file: Path) -> Schema | None:
    try:
        schema = pickle.loads(file.read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError):
        return None
    return schema if isinstance(schema, Schema) else None


def _write(file: Path, schema: Schema) -> None:
    """Atomically, so a command running beside it reads all of it or nothing."""
    try:
        file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=file.parent, delete=False) as temporary:
            pickle.dump(schema, temporary, protocol=pickle.HIGHEST_PROTOCOL)
    except OSError:
        return
    try:
        os.replace(temporary.name, file)
    except OSError:
        Path(temporary.name).unlink(missing_ok=True)
