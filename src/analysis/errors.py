"""The exception family: every user mistake becomes one of these, printed as one line per problem."""

from __future__ import annotations

from dataclasses import dataclass, field

#: At most this many lines per file and kind of problem; the rest are counted in one line (see :func:`bounded`).
PROBLEM_LIMIT = 20


#: Characters that break a line (str.splitlines splits on each), shown escaped so a problem stays one line.
_LINE_BREAKS = {c: repr(c)[1:-1] for c in "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"}


def one_line(text: str) -> str:
    r"""``text`` with its line breaks escaped (a column name or cell may hold one).

    >>> print(one_line("column 0\n0: expected"))
    column 0\n0: expected
    """
    return text.translate(str.maketrans(_LINE_BREAKS)) if any(c in text for c in _LINE_BREAKS) else text


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, located as precisely as the input allows.

    ``row`` is the line number a spreadsheet shows (the header is row 1), or None for a whole-file problem.
    ``kind`` groups problems of the same kind for :func:`bounded` (default: the column and what was expected);
    ``row_label`` and ``column_label`` name the location in a file that is not a table (a line, a section).

    >>> str(Problem("data/x/figures.csv", 3, "value", "a number", "'abc'"))
    "data/x/figures.csv, row 3, column value: expected a number, found 'abc'"
    >>> str(Problem("data/x/places.csv", None, None, "a non-empty CSV file with a header row", "an empty file"))
    'data/x/places.csv: expected a non-empty CSV file with a header row, found an empty file'
    >>> str(Problem("data/raw/x.txt", 7, "一", "a mention accounted for", "'12'", row_label="line",
    ...             column_label="section"))
    "data/raw/x.txt, line 7, section 一: expected a mention accounted for, found '12'"
    """

    file: str
    row: int | None
    column: str | None
    expected: str
    found: str
    kind: str | None = field(default=None, compare=False)  # for grouping only: equal problems read the same
    row_label: str = "row"
    column_label: str = "column"

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", {self.row_label} {self.row}"
        if self.column is not None:
            where += f", {self.column_label} {self.column}"
        return one_line(f"{where}: expected {self.expected}, found {self.found}")

    @property
    def group(self) -> tuple[str, str | None, str]:
        """The (file, column, kind) that :func:`bounded` counts lines by."""
        return self.file, self.column, self.kind or self.expected


@dataclass(frozen=True)
class Omitted(Problem):
    """Stands for ``count`` further problems of one kind in one file (not printed one by one).

    >>> str(Omitted("data/x/figures.csv", None, "value", "", "", count=99980))
    '… and 99,980 more problems of this kind in data/x/figures.csv (column value)'
    """

    count: int = 0

    def __str__(self) -> str:
        where = self.file if self.column is None else f"{self.file} ({self.column_label} {self.column})"
        return f"… and {self.count:,} more problems of this kind in {where}"


def bounded(problems: list[Problem], limit: int | None = PROBLEM_LIMIT) -> list[Problem]:
    """At most ``limit`` problems per file and kind, in their order, each group followed by an :class:`Omitted`
    line counting the rest. ``limit=None`` keeps everything.

    >>> ps = [Problem("f.csv", r, "value", "a number", "'x'") for r in range(2, 30)]
    >>> [str(p) for p in bounded(ps, 2)]  # doctest: +NORMALIZE_WHITESPACE
    ["f.csv, row 2, column value: expected a number, found 'x'",
     "f.csv, row 3, column value: expected a number, found 'x'",
     '… and 26 more problems of this kind in f.csv (column value)']
    """
    if limit is None:
        return list(problems)
    counts: dict[tuple, int] = {}
    for p in problems:
        counts[p.group] = counts.get(p.group, 0) + 1
    shown: dict[tuple, int] = {}
    out: list[Problem] = []
    for p in problems:
        n = shown.get(p.group, 0) + 1
        shown[p.group] = n
        if n <= limit:
            out.append(p)
        elif n == limit + 1:
            out.append(Omitted(p.file, None, p.column, "", "", column_label=p.column_label,
                               count=counts[p.group] - limit))
    return out


#: Exit statuses of the ``closeout`` command (README, "Exit status").
EXIT_OK, EXIT_FINDINGS, EXIT_INPUT, EXIT_PAGES_FAILED, EXIT_SYSTEM, EXIT_INTERRUPTED = 0, 1, 2, 3, 4, 130


class CloseoutError(Exception):
    """Base class: a problem the user can fix; the CLI prints it without a traceback."""

    exit_code = EXIT_INPUT

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

    exit_code = EXIT_PAGES_FAILED


class OutputError(CloseoutError):
    """The operating system refused to read or write a path (disk full, read-only, no permission, a file
    where a folder is expected …). Nothing already built or written by the user was removed."""

    exit_code = EXIT_SYSTEM


_ERRNO_ADVICE = {
    "ENOSPC": ("no space left on the device", "free some space, or build with --out on another disk"),
    "EDQUOT": ("the disk quota is exceeded", "free some space, or build with --out on another disk"),
    "EROFS": ("the file system is read-only", "choose a writable folder with --out"),
    "EACCES": ("permission denied", "choose a folder you may write to, or fix its permissions"),
    "EPERM": ("the operation is not permitted", "choose a folder you may write to, or fix its permissions"),
    "ENOTDIR": ("a part of the path is a file, not a folder", "remove or rename that file, or choose another --out"),
    "EEXIST": ("it already exists", "choose another path"),
    "EISDIR": ("it is a folder, not a file", "give the path of a file"),
    "ENOENT": ("it does not exist", "check the path"),
    "EMFILE": ("too many files are open", "build with fewer --workers"),
    "ENAMETOOLONG": ("the name is too long for the file system", "use shorter ids or a shorter --out path"),
    "EIO": ("an input/output error occurred", "check the disk"),
}


def describe_os_error(exc: OSError, doing: str = "") -> str:
    """One line for an OS error: what failed, on which path, why in plain words, and what to do.

    >>> import errno
    >>> describe_os_error(OSError(errno.ENOSPC, "No space left on device", "out/x/index.html"), "write")
    'cannot write out/x/index.html: no space left on the device (ENOSPC); free some space, or build with --out ...'
    """
    import errno as _errno

    code = _errno.errorcode.get(exc.errno or -1, "")
    why, todo = _ERRNO_ADVICE.get(code, (exc.strerror or str(exc), ""))
    path = exc.filename if exc.filename is not None else ""
    what = f"cannot {doing or 'use'} {path}".rstrip()
    return f"{what}: {why}" + (f" ({code})" if code else "") + (f"; {todo}" if todo else "")
