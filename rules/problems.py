"""What is wrong with a schema file, each problem with its place; light to import, so a command
can name a SchemaError without loading the YAML and pydantic machinery that finds them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    source: str
    line: int | None
    place: str
    message: str

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        return (
            f"{where}: {self.place}: {self.message}" if self.place else f"{where}: {self.message}"
        )


class SchemaError(Exception):
    """A schema file that cannot be used; `problems` lists every reason."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
