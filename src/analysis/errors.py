"""The exception family: every user mistake becomes one of these, printed as one line per problem."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, located as precisely as the input allows.

    ``row`` is the line number a spreadsheet shows (the header is row 1), or None for a whole-file problem.

    >>> str(Problem("data/x/figures.csv", 3, "value", "a number", "'abc'"))
    "data/x/figures.csv, row 3, column value: expected a number, found 'abc'"
    >>> str(Problem("data/x/places.csv", None, None, "a non-empty CSV file with a header row", "an empty file"))
    'data/x/places.csv: expected a non-empty CSV file with a header row, found an empty file'
    """

    file: str
    row: int | None
    column: str | None
    expected: str
    found: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column is not None:
            where += f", column {self.column}"
        return f"{where}: expected {self.expected}, found {self.found}"


class CloseoutError(Exception):
    """Base class: a problem the user can fix; the CLI prints it without a traceback."""

    def lines(self) -> list[str]:
        return [str(self)]


class ValidationError(CloseoutError):
    """A report folder that does not satisfy the data model."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__(f"{len(self.problems)} problem(s) in the report data")

    def lines(self) -> list[str]:
        return [str(p) for p in self.problems]


class UsageError(CloseoutError):
    """A bad command-line argument or parameter (unknown place id, unknown profile …)."""


class BuildError(CloseoutError):
    """A build that finished with failed notebooks; the message is the one-line summary per failure."""
