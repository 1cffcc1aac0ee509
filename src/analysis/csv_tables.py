"""Read one table (a CSV file, or a header and rows from another format) into a typed frame, collecting every
problem of its cells with file, row and column; the schema's own failures are turned into problems here too.

A table with bad cells still comes back: cells that did not parse are empty and listed, so that the checks that
follow can validate the rest of each row (see :class:`TableRead`).
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from analysis import model
from analysis.errors import Problem

_PLAIN_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_GROUPED_NUMBER = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")
#: Booleans are exactly true or false (any case), as the README says; yes/no/1/0 are rejected.
_TRUE, _FALSE = {"true"}, {"false"}


def decode(raw: bytes) -> tuple[str, str]:
    """Decode a data or source file: UTF-8 (a BOM is dropped), else GB18030 as Excel saves on Chinese Windows.

    Returns (text, encoding). Raises UnicodeDecodeError when neither fits.

    >>> decode("地点".encode("utf-8-sig"))
    ('地点', 'utf-8')
    >>> decode("地点".encode("gbk"))
    ('地点', 'gb18030')
    """
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return raw.decode("gb18030"), "gb18030"


def parse_number(cell: str) -> float:
    """Parse a number cell. Full-width digits and thousands separators are accepted; 万, units and text are not.

    >>> parse_number("41,207.5"), parse_number("１２３４"), parse_number("-815.5")
    (41207.5, 1234.0, -815.5)
    >>> parse_number("1,5")
    Traceback (most recent call last):
    ...
    ValueError: '1,5'
    """
    s = unicodedata.normalize("NFKC", cell).strip().replace("\u2212", "-")
    if _GROUPED_NUMBER.match(s):
        s = s.replace(",", "")
    if not _PLAIN_NUMBER.match(s):
        raise ValueError(repr(cell))
    return float(s)


def _parse_date(cell: str) -> dt.date:
    s = unicodedata.normalize("NFKC", cell).strip()
    m = re.match(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$", s)
    if not m:
        raise ValueError(repr(cell))
    return dt.date(*map(int, m.groups()))


_EXPECTED = {
    "float": "a plain number such as 1234.5 (no units, no 万)",
    "int": "a whole number such as 3",
    "bool": "true or false",
    "date": "a date as YYYY-MM-DD",
}


def _parse_cell(text: str, kind: str):
    """One non-empty cell as a value of ``kind``; ValueError (or OverflowError) when it is not one."""
    if kind == "float":
        return parse_number(text)
    if kind == "int":
        value = parse_number(text)
        if value != int(value):
            raise ValueError(text)
        return int(value)
    if kind == "bool":
        low = unicodedata.normalize("NFKC", text).lower()
        if low not in _TRUE | _FALSE:
            raise ValueError(text)
        return low in _TRUE
    return _parse_date(text)


def _coerce(cells: pd.Series, kind: str, nullable: bool, rel: str, column: str) -> tuple[pd.Series, list[Problem]]:
    """Cells (text) as typed values; a cell that is not a value of ``kind`` becomes empty, with its problem.

    Each distinct cell text is parsed once, so a column of 100,000 rows costs what its distinct values cost.
    """
    text = cells.str.strip()
    empty = text == ""
    problems: list[Problem] = []
    if not nullable:
        problems += [Problem(rel, i + 2, column, "a value (the cell may not be empty)", "an empty cell")
                     for i in text.index[empty]]
    if kind == "str":
        return text.mask(empty, None).astype(model._DTYPES[kind]), problems
    parsed: dict[str, object] = {}
    for value in text[~empty].unique():
        try:
            parsed[value] = _parse_cell(value, kind)
        except (ValueError, OverflowError):
            parsed[value] = _INVALID
    values = [None if e else parsed[t] for e, t in zip(empty, text)]
    bad = [v is _INVALID for v in values]
    problems += [Problem(rel, i + 2, column, _EXPECTED[kind], repr(cell))
                 for i, cell, b in zip(cells.index, cells, bad) if b]
    series = pd.Series([None if b else v for v, b in zip(values, bad)], index=cells.index, dtype="object")
    if kind == "date":
        series = pd.to_datetime(series, errors="coerce")
    problems.sort(key=lambda p: p.row)
    return series.astype(model._DTYPES[kind]), problems


_INVALID = object()


@dataclass
class TableRead:
    """One table as read: the typed frame (None when no row could be read) and its problems.

    ``invalid`` holds the (index, column) cells that are empty because their own problem is reported (later
    checks skip them); ``dropped`` the cells of rows left out for having the wrong number of cells (ids among
    them count as defined, so that the row's problem does not reappear as unknown ids elsewhere).
    """

    frame: pd.DataFrame | None
    problems: list[Problem]
    invalid: set[tuple[int, str]] = field(default_factory=set)
    dropped: set[str] = field(default_factory=set)


def _other_delimiter(header: list[str], table: model.Table) -> str | None:
    """',' or ';' or tab when a one-cell header splits on it into columns of ``table`` (Excel's regional CSV)."""
    if len(header) > 2:
        return None
    for sep, name in ((";", "semicolon"), ("\t", "tab")):
        parts = [unicodedata.normalize("NFKC", h).strip().strip('"') for h in sep.join(header).split(sep)]
        if len(parts) > 1 and len(set(parts) & set(table.columns)) >= 2:
            return name
    return None


def read_table(path: Path, table: model.Table, rel: str) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Read one CSV into a typed frame (no schema rules yet). Returns (frame or None, problems)."""
    read = read_csv_table(path, table, rel)
    return read.frame, read.problems


def read_csv_table(path: Path, table: model.Table, rel: str) -> TableRead:
    """Read one CSV into a typed frame (no schema rules yet).

    The frame is returned whenever rows can be read, even with problems: cells that did not parse are empty (and
    listed in ``invalid``), a missing required column is all empty (and listed), an unexpected column is dropped,
    a row with the wrong number of cells is left out (its cells listed in ``dropped``).
    """

    def fail(expected: str, found: str) -> TableRead:
        return TableRead(None, [Problem(rel, None, None, expected, found)])

    try:
        raw = path.read_bytes()
    except OSError as exc:
        return fail("a readable CSV file", exc.strerror or type(exc).__name__)
    try:
        text, _ = decode(raw)
    except UnicodeDecodeError as exc:
        return fail("a CSV file encoded as UTF-8 (or GB18030)", f"undecodable bytes at offset {exc.start}")
    if "\x00" in text:
        return fail("a text file (CSV)", f"a NUL byte at offset {text.index(chr(0))} (is this a binary file, e.g. "
                    ".xlsx renamed to .csv?)")
    if not text.strip():
        listed = ", ".join(c for c in table.columns if c != "status")  # status: optional, added by closeout draft
        return fail(f"a header row with columns {listed}", "an empty file")
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as exc:
        return fail("well-formed CSV (quotes closed, file not truncated)", str(exc))
    sep = _other_delimiter(rows[0], table)
    if sep:
        return fail("a comma-separated CSV file", f"a {sep}-separated file (as Excel saves CSV with European "
                    "regional settings); save it as 'CSV UTF-8 (comma delimited)' or replace the separators by commas")
    return table_from_rows(rows[0], list(enumerate(rows[1:], start=2)), table, rel)


def table_from_rows(header: list[str], rows: list[tuple[int, list[str]]], table: model.Table,
                    rel: str) -> TableRead:
    """A typed frame from a header and (row number, cells) pairs, as :func:`read_table` returns it.

    The hook for other input formats (a workbook sheet gives the same header and rows).
    """
    header = [unicodedata.normalize("NFKC", str(h)).strip() for h in header]
    # Excel leaves empty columns after the last one it saw used (",,," at the end of every line): a blank header
    # cell at the end whose cells are all empty is ignored, with those empty cells
    width = len(header)
    while width and not header[width - 1] and all(len(r) < width or not str(r[width - 1]).strip() for _, r in rows):
        width -= 1
    if width < len(header):
        header = header[:width]
        rows = [(n, r[:width] if not any(str(c).strip() for c in r[width:]) else r) for n, r in rows]
    problems: list[Problem] = []
    known = set(table.columns)
    missing = [n for n in table.columns if table.field(n).required and n not in header]
    for name in missing:
        problems.append(Problem(rel, 1, name, f"a column named {name}", "no such column in the header"))
    for name in header:
        if name not in known:
            close = difflib.get_close_matches(name, table.columns, n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            listed = ", ".join(c for c in table.columns if c != "status")  # status: optional (closeout draft)
            problems.append(Problem(rel, 1, name or "(blank)", f"only the columns {listed}",
                                    f"an unexpected column {name!r}{hint}", kind="unexpected column"))
    if len(set(header)) != len(header):
        dupes = sorted({h for h in header if header.count(h) > 1})
        problems.append(Problem(rel, 1, dupes[0], "each column once", "a repeated column name"))
        return TableRead(None, problems)
    body = []
    dropped: set[str] = set()
    for lineno, row in rows:
        if not any(str(c).strip() for c in row):
            continue  # blank lines are allowed (a trailing newline, a spacer row)
        if len(row) != len(header):
            problems.append(Problem(rel, lineno, None, f"{len(header)} cells like the header", f"{len(row)} cells"))
            dropped |= {str(c).strip() for c in row}
            continue
        body.append((lineno, [str(c) for c in row]))
    frame = pd.DataFrame([r for _, r in body], columns=header, index=[n - 2 for n, _ in body], dtype="object")
    if frame.empty:
        frame = pd.DataFrame(columns=header, dtype="object")
    typed = {}
    invalid: set[tuple[int, str]] = set()
    for name in [n for n in table.columns if n in header] + missing:
        f = table.field(name)
        if name in missing:
            typed[name] = pd.Series(index=frame.index, dtype=model._DTYPES[f.kind])  # all missing
            invalid |= {(i, name) for i in frame.index}
            continue
        typed[name], col_problems = _coerce(frame[name].astype(str), f.kind, f.nullable, rel, name)
        invalid |= {(p.row - 2, name) for p in col_problems}
        problems += col_problems
    return TableRead(pd.DataFrame(typed, index=frame.index), problems, invalid, dropped)


_CHECK_NAMES = {
    "field_uniqueness": "a value that no other row has",
    "multiple_fields_uniqueness": "a combination that no other row has",
}


def _pandera_problems(exc: pa.errors.SchemaErrors, rel: str, invalid: set[tuple[int, str]]) -> list[Problem]:
    problems = []
    cases = exc.failure_cases
    for rec in cases.to_dict("records"):
        index = rec.get("index")
        index = None if index is None or pd.isna(index) else int(index)
        column = rec.get("column")
        if index is not None and (index, column) in invalid:
            continue  # an empty cell whose own problem (unparsable, missing column) is already reported
        row = None if index is None else index + 2
        check = str(rec.get("check"))
        if check.startswith("not_nullable"):
            expected = "a value (the cell may not be empty)"
        else:
            expected = _CHECK_NAMES.get(check, check)
        found = rec.get("failure_case")
        found = "an empty cell" if found is None or (not isinstance(found, str) and pd.isna(found)) else repr(found)
        problems.append(Problem(rel, row, column, expected, found))
    return sorted(problems, key=lambda p: (p.row or 0, p.column or ""))
