"""Read a report folder into typed DataFrames, collecting every problem with file, row and column."""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import hashlib
import io
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from analysis import model, snapshot
from analysis.errors import Problem, ValidationError
from analysis.sections import Section, find_quote, section_key, split_sections

META_KEYS = ("id", "source", "title_zh", "title_en", "organisation_zh", "organisation_en", "period_start",
             "period_end", "grant_figure_id")
_PLAIN_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_GROUPED_NUMBER = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")
_TRUE, _FALSE = {"true", "yes", "1"}, {"false", "no", "0"}


@dataclass
class Report:
    """A report folder loaded: metadata, the source text, its sections and one DataFrame per table."""

    path: Path
    meta: dict
    source_text: str
    sections: list[Section]
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)

    def __getattr__(self, name: str) -> pd.DataFrame:
        tables = self.__dict__.get("tables", {})
        if name in tables:
            return tables[name]
        raise AttributeError(name)

    @property
    def id(self) -> str:
        return self.meta["id"]

    @property
    def period(self) -> tuple[dt.date, dt.date]:
        return self.meta.get("period_start"), self.meta.get("period_end")


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

    >>> parse_number("30,049.5"), parse_number("１２３４"), parse_number("-1687.5")
    (30049.5, 1234.0, -1687.5)
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


def _coerce(cells: pd.Series, kind: str, nullable: bool, rel: str, column: str) -> tuple[pd.Series, list[Problem]]:
    problems: list[Problem] = []
    out: list = []
    for i, cell in cells.items():
        text = cell.strip()
        if text == "":
            out.append(None)
            if not nullable:
                problems.append(Problem(rel, i + 2, column, "a value (the cell may not be empty)", "an empty cell"))
            continue
        if kind == "str":
            out.append(text)
            continue
        try:
            if kind == "float":
                value = parse_number(text)
            elif kind == "int":
                value = parse_number(text)
                if value != int(value):
                    raise ValueError(text)
                value = int(value)
            elif kind == "bool":
                low = text.lower()
                if low not in _TRUE | _FALSE:
                    raise ValueError(text)
                value = low in _TRUE
            else:
                value = _parse_date(text)
        except ValueError:
            problems.append(Problem(rel, i + 2, column, _EXPECTED[kind], repr(cell)))
            value = None
        out.append(value)
    series = pd.Series(out, index=cells.index, dtype="object")
    if kind == "date":
        series = pd.to_datetime(series)
    return series.astype(model._DTYPES[kind]), problems


def read_table(path: Path, table: model.Table, rel: str) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Read one CSV into a typed frame (no schema rules yet). Returns (frame or None, problems)."""
    raw = path.read_bytes()
    try:
        text, _ = decode(raw)
    except UnicodeDecodeError as exc:
        return None, [Problem(rel, None, None, "a CSV file encoded as UTF-8 (or GB18030)",
                              f"undecodable bytes at offset {exc.start}")]
    if "\x00" in text:
        return None, [Problem(rel, None, None, "a text file (CSV)", f"a NUL byte at offset {text.index(chr(0))} "
                              "(is this a binary file, e.g. .xlsx renamed to .csv?)")]
    if not text.strip():
        listed = ", ".join(c for c in table.columns if c != "status")  # status: optional, added by closeout draft
        return None, [Problem(rel, None, None, f"a header row with columns {listed}",
                              "an empty file")]
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as exc:
        return None, [Problem(rel, None, None, "well-formed CSV (quotes closed, file not truncated)", str(exc))]
    header = [unicodedata.normalize("NFKC", h).strip() for h in rows[0]]
    problems: list[Problem] = []
    known = set(table.columns)
    for name in table.columns:
        f = table.field(name)
        if f.required and name not in header:
            problems.append(Problem(rel, 1, name, f"a column named {name}", "no such column in the header"))
    for name in header:
        if name not in known:
            close = difflib.get_close_matches(name, table.columns, n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            problems.append(Problem(rel, 1, name or "(blank)", f"only the columns {', '.join(table.columns)}",
                                    f"an unexpected column {name!r}{hint}"))
    if len(set(header)) != len(header):
        dupes = sorted({h for h in header if header.count(h) > 1})
        problems.append(Problem(rel, 1, dupes[0], "each column once", "a repeated column name"))
    if problems:
        return None, problems
    body = []
    for lineno, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue  # blank lines are allowed (a trailing newline, a spacer row)
        if len(row) != len(header):
            problems.append(Problem(rel, lineno, None, f"{len(header)} cells like the header", f"{len(row)} cells"))
            continue
        body.append((lineno, row))
    if problems:
        return None, problems
    frame = pd.DataFrame([r for _, r in body], columns=header, index=[n - 2 for n, _ in body], dtype="object")
    if frame.empty:
        frame = pd.DataFrame(columns=header, dtype="object")
    typed = {}
    for name in header:
        f = table.field(name)
        typed[name], col_problems = _coerce(frame[name].astype(str), f.kind, f.nullable, rel, name)
        problems += col_problems
    return pd.DataFrame(typed, index=frame.index), problems


def _pandera_problems(exc: pa.errors.SchemaErrors, rel: str) -> list[Problem]:
    problems = []
    cases = exc.failure_cases
    for rec in cases.to_dict("records"):
        index = rec.get("index")
        row = None if index is None or pd.isna(index) else int(index) + 2
        check = str(rec.get("check"))
        if check == "field_uniqueness":
            expected = "a value that no other row has"
        elif check == "multiple_fields_uniqueness":
            expected = "a combination that no other row has"
        elif check.startswith("not_nullable"):
            expected = "a value (the cell may not be empty)"
        else:
            expected = check
        found = rec.get("failure_case")
        found = "an empty cell" if found is None or (not isinstance(found, str) and pd.isna(found)) else repr(found)
        problems.append(Problem(rel, row, rec.get("column"), expected, found))
    return sorted(problems, key=lambda p: (p.row or 0, p.column or ""))


def _read_meta(folder: Path, rel_folder: str) -> tuple[dict, list[Problem]]:
    path = folder / "report.toml"
    rel = f"{rel_folder}/report.toml"
    if not path.is_file():
        return {}, [Problem(rel, None, None, "a report.toml describing the report", "no such file")]
    try:
        meta = tomllib.loads(decode(path.read_bytes())[0])
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        return {}, [Problem(rel, None, None, "valid TOML", str(exc))]
    problems = [Problem(rel, None, key, f"a key {key}", "nothing") for key in META_KEYS if key not in meta]
    for key in ("period_start", "period_end"):
        if key in meta and not isinstance(meta[key], dt.date):
            problems.append(Problem(rel, None, key, "a TOML date such as 2020-01-25", repr(meta[key])))
    if "id" in meta and not re.match(model.ID_PATTERN, str(meta["id"])):
        problems.append(Problem(rel, None, "id", f"an id matching {model.ID_PATTERN}", repr(meta["id"])))
    return meta, problems


def _check_quotes(report: Report, rel_folder: str) -> list[Problem]:
    problems = []
    text, sections = report.source_text, report.sections
    keys = {s.key for s in sections}
    list_sections = {}
    if "lists" in report.tables:
        list_sections = dict(zip(report.tables["lists"]["list_id"], report.tables["lists"]["section"]))
    for name in model.QUOTED_TABLES:
        frame = report.tables.get(name)
        if frame is None:
            continue
        rel = f"{rel_folder}/{name}.csv"
        for i, row in frame.iterrows():
            quote = row["quote"]
            if pd.isna(quote):
                continue
            section = row["section"] if "section" in frame else list_sections.get(row.get("list_id"))
            if section is None or pd.isna(section):
                hits = [m.start() for m in re.finditer(re.escape(quote), text)]
                where = "the source text"
            elif section_key(section) not in keys:
                problems.append(Problem(rel, i + 2, "section", f"a section of the source ({', '.join(sorted(keys))})",
                                        repr(section)))
                continue
            else:
                hits = find_quote(text, sections, section, quote)
                where = f"section {section_key(section)} of the source"
            if len(hits) == 1:
                continue
            if not hits:
                elsewhere = sorted({s.key for s in sections for m in re.finditer(re.escape(quote), text)
                                    if s.start <= m.start() < s.end})
                found = f"a quote that is not in {where}: {quote!r}"
                if elsewhere and where != "the source text":
                    found += f" (it occurs in section {', '.join(elsewhere)})"
            else:
                found = f"{len(hits)} occurrences of {quote!r}; extend the quote until it is unique"
            problems.append(Problem(rel, i + 2, "quote", f"text that occurs exactly once in {where}", found))
    return problems


def _check_places(frame: pd.DataFrame, rel: str) -> list[Problem]:
    parents = dict(zip(frame["place_id"], frame["parent_id"]))
    problems = []
    for i, place in frame["place_id"].items():
        seen, cur = {place}, parents.get(place)
        while isinstance(cur, str) and cur in parents:
            if cur in seen:
                problems.append(Problem(rel, i + 2, "parent_id", "parents that end at a root place",
                                        f"a cycle through {cur!r}"))
                break
            seen.add(cur)
            cur = parents.get(cur)
    folded: dict[str, int] = {}
    for i, name in frame["name_zh"].items():
        key = unicodedata.normalize("NFKC", str(name)).casefold()
        if key in folded:
            problems.append(Problem(rel, i + 2, "name_zh", "a name no other place has (ignoring width and case)",
                                    f"{name!r}, the same as row {folded[key] + 2}"))
        folded[key] = i
    return problems


def _check_dates(report: Report, rel_folder: str) -> list[Problem]:
    start, end = report.period
    frame = report.tables.get("figures")
    problems = []
    if frame is None or not isinstance(start, dt.date) or not isinstance(end, dt.date):
        return problems
    for i, d in frame["cutoff_date"].items():
        if pd.notna(d) and not (start <= d.date() <= end):
            problems.append(Problem(f"{rel_folder}/figures.csv", i + 2, "cutoff_date",
                                    f"a date within the project period {start}..{end}", d.date().isoformat()))
    return problems


_TOKEN = re.compile(r"\s*(?:(?P<fig>F\d{3,})|(?P<cell>budget\.[a-z0-9_-]+\.[a-z_]+)|(?P<num>\d+(?:\.\d+)?)|"
                    r"(?P<op>[+-]))")


def parse_expression(expr: str) -> list[tuple[str, str]]:
    """Split a rule side into signed terms: ``[('+', 'F001'), ('-', 'budget.masks.actual_yuan')]``.

    >>> parse_expression("F041 + F042 - budget.masks.actual_yuan")
    [('+', 'F041'), ('+', 'F042'), ('-', 'budget.masks.actual_yuan')]
    """
    terms, pos, sign = [], 0, "+"
    expect_term = True
    while pos < len(expr):
        if expr[pos:].strip() == "":
            break
        m = _TOKEN.match(expr, pos)
        if not m:
            raise ValueError(f"cannot read {expr[pos:].strip()!r}")
        pos = m.end()
        if m.group("op"):
            if not expect_term:
                sign, expect_term = m.group("op"), True
            elif m.group("op") == "-":
                sign = "-" if sign == "+" else "+"
            continue
        if not expect_term:
            raise ValueError(f"an operator is missing before {m.group(0).strip()!r}")
        terms.append((sign, m.group(0).strip()))
        sign, expect_term = "+", False
    if not terms or expect_term:
        raise ValueError("an expression ends with an operator or is empty")
    return terms


def _check_rules(report: Report, rel_folder: str) -> list[Problem]:
    rules = report.tables.get("rules")
    if rules is None:
        return []
    if "figures" not in report.tables or "budget" not in report.tables:
        return []  # the tables a rule refers to did not load; their own problems are reported
    figures = set(report.tables["figures"]["figure_id"])
    budget = report.tables["budget"]
    cols = [c for c in budget.columns if c.endswith("_yuan")]
    cells = {f"budget.{line}.{c}" for line in budget["line_id"] for c in cols}
    problems = []
    for i, row in rules.iterrows():
        for column in ("left", "right"):
            try:
                terms = parse_expression(row[column])
            except ValueError as exc:
                problems.append(Problem(f"{rel_folder}/rules.csv", i + 2, column,
                                        "figure ids, budget.<line>.<column> cells and numbers joined by + and -",
                                        f"{row[column]!r} ({exc})"))
                continue
            for _, term in terms:
                if (term.startswith("F") and term not in figures) or (term.startswith("budget.") and term not in cells):
                    problems.append(Problem(f"{rel_folder}/rules.csv", i + 2, column,
                                            "a figure id of figures.csv or a cell of budget.csv", repr(term)))
    return problems


def check_drafts(report: Report, rel_folder: str) -> list[Problem]:
    """One problem per row still marked ``status = draft`` (and for ``status = "draft"`` in report.toml).

    A draft is a row ``closeout draft`` proposed and nobody has checked yet; validation lists exactly what is
    left to confirm.
    """
    todo = "confirmed (check the row against the source, then set status to confirmed)"
    problems = []
    if report.meta.get("status") == "draft":
        problems.append(Problem(f"{rel_folder}/report.toml", None, "status", todo.replace("row", "keys"),
                                "draft"))
    for table in model.TABLES:
        frame = report.tables.get(table.name)
        if frame is None or "status" not in frame:
            continue
        for i in frame.index[frame["status"].fillna("") == "draft"]:
            problems.append(Problem(f"{rel_folder}/{table.filename}", i + 2, "status", todo, "draft"))
    return problems


def validate_report(folder: str | Path) -> tuple[Report | None, list[Problem]]:
    """Load and check a report folder. Returns (report or None, problems); never raises for bad data."""
    folder = Path(folder)
    if folder.suffix.lower() == ".xlsx":  # a workbook: one sheet per table (analysis.workbook)
        from analysis.workbook import validate_workbook

        return validate_workbook(folder)
    rel_folder = _display(folder)
    if not folder.is_dir():
        return None, [Problem(rel_folder, None, None, "a report folder", "no such folder")]
    meta, problems = _read_meta(folder, rel_folder)
    source_text, sections = "", []
    if "source" in meta:
        src = (folder / meta["source"]).resolve()
        rel_src = f"{rel_folder}/report.toml"
        if not src.is_file():
            problems.append(Problem(rel_src, None, "source", "the path of the source text", f"{meta['source']!r} "
                                    "which does not exist"))
        else:
            raw = src.read_bytes()
            digest = hashlib.sha256(raw).hexdigest()
            if meta.get("source_sha256") not in (None, digest):
                problems.append(Problem(rel_src, None, "source_sha256", f"the SHA-256 of {meta['source']} "
                                        "(data/raw is never edited)", f"{digest} for the file on disk"))
            try:
                source_text = decode(raw)[0]
                sections = split_sections(source_text)
            except UnicodeDecodeError:
                problems.append(Problem(_display(src), None, None, "a UTF-8 or GB18030 text", "undecodable bytes"))
    report = Report(folder, meta, source_text, sections)

    for table in model.TABLES:
        path = folder / table.filename
        rel = f"{rel_folder}/{table.filename}"
        if not path.is_file():
            if table.required:
                problems.append(Problem(rel, None, None, f"a table of {table.description}", "no such file"))
            else:
                report.tables[table.name] = model.empty_frame(table)
            continue
        frame, table_problems = read_table(path, table, rel)
        problems += table_problems
        if frame is None or table_problems:
            continue
        foreign = {}
        for (t, column), (ref_table, ref_column) in model.FOREIGN_KEYS.items():
            ref = frame if ref_table == table.name else report.tables.get(ref_table)
            if t == table.name and ref is not None and column in frame:
                foreign[column] = (f"{ref_table}.csv", set(ref[ref_column].dropna()))
        try:
            frame = model.schema(table, foreign).validate(frame, lazy=True)
        except pa.errors.SchemaErrors as exc:
            problems += _pandera_problems(exc, rel)
            continue
        report.tables[table.name] = frame

    if "places" in report.tables:
        problems += _check_places(report.tables["places"], f"{rel_folder}/places.csv")
    if sections:
        problems += _check_quotes(report, rel_folder)
    problems += _check_dates(report, rel_folder)
    problems += _check_rules(report, rel_folder)
    problems += check_drafts(report, rel_folder)
    grant = meta.get("grant_figure_id")
    if grant and "figures" in report.tables and grant not in set(report.tables["figures"]["figure_id"]):
        problems.append(Problem(f"{rel_folder}/report.toml", None, "grant_figure_id", "a figure id of figures.csv",
                                repr(grant)))
    missing = [t.name for t in model.TABLES if t.name not in report.tables]
    if problems or missing:
        if not problems:
            problems.append(Problem(rel_folder, None, None, "every table loaded", f"{', '.join(missing)} not loaded"))
        return None, problems
    return report, []


def load_report(folder: str | Path) -> Report:
    """Load a report folder, raising :class:`ValidationError` (one problem per line) when anything is wrong.

    Inside ``closeout build`` the build's snapshot of the folder is returned (see :mod:`analysis.snapshot`).
    """
    cached = snapshot.report_for(folder)
    if cached is not None:
        return cached
    report, problems = validate_report(folder)
    if problems:
        raise ValidationError(problems)
    return report


def _display(path: Path) -> str:
    """A path as the user would type it: relative to the working directory when inside it."""
    try:
        return Path(path).resolve().relative_to(Path.cwd()).as_posix()
    except ValueError:
        return Path(path).as_posix()
