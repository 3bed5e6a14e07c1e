"""User-facing problems: every one names a file, a row and a column, says what is wrong and how to fix it."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input, located as a spreadsheet user sees it.

    ``row`` is 1-based and counts the header as row 1, as a spreadsheet does;
    ``row`` 0 means the problem concerns the whole file.

    >>> print(Problem("data/triples.csv", 4, "object", "'abc' is not an integer", "write digits only"))
    data/triples.csv:4: column object: error: 'abc' is not an integer. Fix: write digits only.
    """

    file: str
    row: int
    column: str
    message: str
    hint: str = ""
    severity: Severity = field(default=Severity.ERROR, compare=False)

    def __str__(self) -> str:
        where = f"{self.file}:{self.row}" if self.row else self.file
        column = f" column {self.column}:" if self.column else ""
        text = f"{where}:{column} {self.severity.value}: {self.message}"
        if self.hint:
            text += f". Fix: {self.hint}"
        return text if text.endswith(".") else text + "."

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR


class KnowledgeGraphError(Exception):
    """Base class for errors a user can cause; the CLI prints them without a stack trace."""


class ValidationFailed(KnowledgeGraphError):
    """The input has errors; ``problems`` lists every one found (warnings included)."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        errors = [p for p in self.problems if p.is_error]
        super().__init__(f"{len(errors)} error(s) in the input")


class InputError(KnowledgeGraphError):
    """A file cannot be used at all (missing, unreadable, not a vocabulary ...)."""
