"""Read a report folder into typed DataFrames, collecting every problem with file, row and column."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from analysis import expressions, model, snapshot, table_rules, units
from analysis.csv_tables import (  # noqa: F401 - decode, parse_number, read_table, table_from_rows: public here
    TableRead,
    _pandera_problems,
    decode,
    parse_number,
    read_csv_table,
    read_table,
    table_from_rows,
)
from analysis.errors import PROBLEM_LIMIT, Problem, ValidationError, bounded
from analysis.report_toml import read_meta, resolve_source
from analysis.sections import Section, find_quote, section_key, split_sections

META_KEYS = tuple(f.name for f in model.REPORT_META.fields if f.required)
#: A quote check that fails for this many quotes, and for most of them, means a wrong ``source``: one line.
WRONG_SOURCE_MIN = 10


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


def _check_quotes(report: Report, rel_folder: str, skip: dict[str, set[int]]) -> tuple[list[Problem], int]:
    """Each quote occurs exactly once in its section (or the whole source). Returns (problems, quotes checked)."""
    problems = []
    checked = 0
    text, sections = report.source_text, report.sections
    keys = {s.key for s in sections}
    list_sections = {}
    if "lists" in report.tables:
        list_sections = dict(zip(report.tables["lists"]["list_id"], report.tables["lists"]["section"]))
    cache: dict[tuple[str | None, str], list[int]] = {}
    for name in model.QUOTED_TABLES:
        frame = report.tables.get(name)
        if frame is None or "quote" not in frame:
            continue
        rel = f"{rel_folder}/{name}.csv"
        has_section = "section" in frame
        if has_section:
            row_sections = frame["section"]
        elif "list_id" in frame:
            row_sections = frame["list_id"].map(lambda x: list_sections.get(x), na_action="ignore")
        else:
            row_sections = pd.Series(None, index=frame.index, dtype="object")
        skipped = skip.get(name, set())
        for i, quote, section in zip(frame.index, frame["quote"], row_sections):
            if not isinstance(quote, str) or i in skipped:
                continue
            checked += 1
            if not isinstance(section, str):
                if has_section:
                    continue  # an empty or unparsable section cell, reported already
                key, where = None, "the source text"
            elif section_key(section) not in keys:
                shown = ", ".join(s.key for s in sections)  # in the order of the source
                problems.append(Problem(rel, i + 2, "section", f"a section of the source ({_clip(shown, 200)})",
                                        repr(section), kind="section not in source"))
                continue
            else:
                key = section_key(section)
                where = f"section {key} of the source"
            if (key, quote) not in cache:
                if key is None:
                    cache[key, quote] = [m.start() for m in re.finditer(re.escape(quote), text)]
                else:
                    cache[key, quote] = find_quote(text, sections, key, quote)
            hits = cache[key, quote]
            if len(hits) == 1:
                continue
            if not hits:
                elsewhere = sorted({s.key for s in sections for m in re.finditer(re.escape(quote), text)
                                    if s.start <= m.start() < s.end})
                found = f"a quote that is not in {where}: {quote!r}"
                if elsewhere and key is not None:
                    found += f" (it occurs in section {', '.join(elsewhere)})"
                kind = "quote not in source"
            else:
                found = f"{len(hits)} occurrences of {quote!r}; extend the quote until it is unique"
                kind = "quote not unique"
            problems.append(Problem(rel, i + 2, "quote", f"text that occurs exactly once in {where}", found,
                                    kind=kind))
    return problems, checked


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _check_extra_quotes(report: Report, rel_folder: str) -> list[Problem]:
    """The optional quoting columns of :data:`model.EXTRA_QUOTES`: each filled cell occurs once in the source."""
    problems = []
    for name, columns in model.EXTRA_QUOTES.items():
        frame = report.tables.get(name)
        for column in columns:
            if frame is None or column not in frame:
                continue
            for i, quote in frame[column].items():
                if pd.isna(quote) or not str(quote).strip():
                    continue
                n = len(re.findall(re.escape(str(quote)), report.source_text))
                if n != 1:
                    found = (f"a quote that is not in the source text: {quote!r}" if not n else
                             f"{n} occurrences of {quote!r}; extend the quote until it is unique")
                    problems.append(Problem(f"{rel_folder}/{name}.csv", i + 2, column,
                                            "text that occurs exactly once in the source text", found))
    return problems


def _check_places(frame: pd.DataFrame, rel: str) -> list[Problem]:
    if not {"place_id", "parent_id", "name_zh"} <= set(frame.columns):
        return []
    parents = dict(zip(frame["place_id"], frame["parent_id"]))
    problems = []
    for i, place in frame["place_id"].items():
        if not isinstance(place, str):
            continue
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
        if not isinstance(name, str):
            continue
        key = unicodedata.normalize("NFKC", name).casefold()
        if key in folded:
            problems.append(Problem(rel, i + 2, "name_zh", "a name no other place has (ignoring width and case)",
                                    f"{name!r}, the same as row {folded[key] + 2}"))
        folded[key] = i
    return problems


def _check_dates(report: Report, rel_folder: str) -> list[Problem]:
    start, end = report.period
    frame = report.tables.get("figures")
    problems = []
    if frame is None or "cutoff_date" not in frame or not isinstance(start, dt.date) or \
            not isinstance(end, dt.date) or end < start:
        return problems
    for i, d in frame["cutoff_date"].items():
        if pd.notna(d) and not (start <= d.date() <= end):
            problems.append(Problem(f"{rel_folder}/figures.csv", i + 2, "cutoff_date",
                                    f"a date within the project period {start}..{end}", d.date().isoformat()))
    # service periods: a team's own start/end and its pauses lie in the project period, each in order
    for name, first, last in (("workforce", "start_date", "end_date"), ("team_pauses", "pause_start", "pause_end")):
        table = report.tables.get(name)
        if table is None or first not in table:
            continue
        for i, row in table.iterrows():
            for column in (first, last):
                d = row.get(column)
                if pd.notna(d) and not (start <= d.date() <= end):
                    problems.append(Problem(f"{rel_folder}/{name}.csv", i + 2, column,
                                            f"a date within the project period {start}..{end}", d.date().isoformat()))
            a, b = row.get(first), row.get(last)
            if pd.notna(a) and pd.notna(b) and b < a:
                problems.append(Problem(f"{rel_folder}/{name}.csv", i + 2, last, f"a date on or after {first} "
                                        f"{a.date().isoformat()}", b.date().isoformat()))
    return problems


def parse_expression(expr: str) -> list[tuple[str, str]]:
    """Split a rule side that only adds and subtracts into signed terms (:mod:`analysis.expressions` reads any
    rule side; this is its view of a sum). ValueError for text that is not an expression or not a sum.

    >>> parse_expression("F041 + F042 - budget.masks.actual_yuan")
    [('+', 'F041'), ('+', 'F042'), ('-', 'budget.masks.actual_yuan')]
    """
    terms = expressions.linear_terms(expressions.parse(expr))
    if terms is None:
        raise ValueError(f"{expr!r} multiplies, divides or takes a percentage: not a sum of terms")
    return [("+" if coef > 0 else "-", term) for coef, term in terms]


def _check_output_lines(report: Report, rel_folder: str) -> list[Problem]:
    """key_outputs.csv budget_lines: ';' separated line ids of budget.csv."""
    outputs, budget = report.tables.get("key_outputs"), report.tables.get("budget")
    if outputs is None or budget is None or "budget_lines" not in outputs:
        return []
    lines = set(budget["line_id"])
    problems = []
    for i, cell in outputs["budget_lines"].items():
        for line in [x.strip() for x in str(cell).split(";")] if pd.notna(cell) else []:
            if line and line not in lines:
                problems.append(Problem(f"{rel_folder}/key_outputs.csv", i + 2, "budget_lines",
                                        f"line ids of budget.csv separated by ; ({', '.join(sorted(lines))})",
                                        repr(line)))
    return problems


def _check_rules(report: Report, rel_folder: str) -> list[Problem]:
    rules = report.tables.get("rules")
    if rules is None:
        return []
    if "figures" not in report.tables or "budget" not in report.tables:
        return []  # the tables a rule refers to did not load; their own problems are reported
    figures = set(report.tables["figures"]["figure_id"].dropna())
    budget = report.tables["budget"]
    if "line_id" not in budget:
        return []
    cols = [c for c in budget.columns if c.endswith("_yuan")]
    cells = {f"budget.{line}.{c}" for line in budget["line_id"] for c in cols}
    problems = []
    for i, row in rules.iterrows():
        for column in ("left", "right"):
            if column not in rules or not isinstance(row[column], str):
                continue
            try:
                terms = expressions.parse(row[column]).refs()
            except expressions.ExpressionError as exc:
                problems.append(Problem(f"{rel_folder}/rules.csv", i + 2, column, expressions.EXPECTED,
                                        f"{row[column]!r} ({exc})"))
                continue
            for term in terms:
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


def _read_source(folder: Path, meta: dict, rel_folder: str,
                 holder: Path | None = None) -> tuple[str, list[Section], list[Problem]]:
    src, problems = resolve_source(folder, meta, rel_folder, holder)
    if src is None:
        return "", [], problems
    rel = f"{rel_folder}/report.toml"
    try:
        raw = src.read_bytes()
    except OSError as exc:
        return "", [], [Problem(_display(src), None, None, "a readable source text", exc.strerror or str(exc))]
    digest = hashlib.sha256(raw).hexdigest()
    if meta.get("source_sha256") not in (None, digest):
        problems.append(Problem(rel, None, "source_sha256", f"the SHA-256 of {meta['source']} "
                                "(data/raw is never edited)", f"{digest} for the file on disk"))
    try:
        text = decode(raw)[0]
    except UnicodeDecodeError:
        return "", [], problems + [Problem(_display(src), None, None, "a UTF-8 or GB18030 text", "undecodable bytes")]
    if not text.strip():
        return "", [], problems + [Problem(_display(src), None, None, "the text of the report", "an empty file")]
    return text, split_sections(text), problems


def _flagged(problems: list[Problem], rel_folder: str, columns: tuple[str, ...] | None = None) -> dict[str, set[int]]:
    """Table name -> indices of the rows that have a problem (in one of ``columns``, or in any)."""
    out: dict[str, set[int]] = {}
    prefix = f"{rel_folder}/"
    for p in problems:
        if p.row is None or p.row < 2 or not p.file.startswith(prefix) or not p.file.endswith(".csv"):
            continue
        if columns is not None and p.column not in columns:
            continue
        out.setdefault(p.file[len(prefix):-4], set()).add(p.row - 2)
    return out


def _load_table(folder: Path, table: model.Table, rel: str, reads: dict[str, TableRead],
                report: Report | None = None) -> TableRead:
    """One table read, typed and checked against its schema (foreign keys against the tables read before it).

    The frame is partly invalid when there are problems, None when no row could be read."""
    path = folder / table.filename
    if not _is_file(path):
        if table.required:
            return TableRead(None, [Problem(rel, None, None, f"a table of {table.description}", "no such file")])
        return TableRead(model.empty_frame(table), [])
    read = read_csv_table(path, table, rel)
    if read.frame is None:
        return read
    foreign = {}
    for (t, column), (ref_table, ref_column) in model.FOREIGN_KEYS.items():
        ref = read if ref_table == table.name else reads.get(ref_table)
        if t == table.name and ref is not None and ref.frame is not None and column in read.frame \
                and ref_column in ref.frame:
            foreign[column] = (f"{ref_table}.csv", set(ref.frame[ref_column].dropna()) | ref.dropped)
    if table.name == "figures" and report is not None:  # units: the shipped table and the report's units.csv
        rel_folder = rel.rsplit("/", 1)[0]
        foreign["unit"] = ("units.csv", set(units.unit_ids(report)), units.unknown_unit_hint(report, rel_folder))
    try:
        read.frame = model.schema(table, foreign).validate(read.frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        read.problems += _pandera_problems(exc, rel, read.invalid)
    return read


def validate_report(folder: str | Path, *, completeness: bool = False, limit: int | None = PROBLEM_LIMIT,
                    holder: Path | None = None) -> tuple[Report | None, list[Problem]]:
    """Load and check a report folder. Returns (report or None, problems); never raises for bad data.

    Every problem of the folder comes back from one run: a table with bad cells is still checked row by row
    (foreign keys, quotes, values against their quotes) wherever its other cells allow. ``completeness`` also
    requires every numeric mention of the source to be transcribed or excluded (and no exclusion to be stale).
    At most ``limit`` problems per file and kind are listed, then one line counting the rest (None: all).
    A ``.xlsx`` path is read as a workbook (:mod:`analysis.workbook`); ``holder`` is the folder that holds the
    report (default: the report folder's parent), inside which its source must lie.
    """
    from analysis import transcription

    folder = Path(folder)
    if folder.suffix.lower() == ".xlsx":  # a workbook: one sheet per table (analysis.workbook)
        from analysis.workbook import validate_workbook

        return validate_workbook(folder, completeness=completeness, limit=limit)
    rel_folder = _display(folder)
    if not folder.is_dir():
        found = "a file" if folder.is_file() else "no such folder"
        return None, [Problem(rel_folder, None, None, "a report folder", found)]
    meta, problems = read_meta(folder, rel_folder)
    source_text, sections, source_problems = _read_source(folder, meta, rel_folder, holder)
    problems += source_problems
    report = Report(folder, meta, source_text, sections)

    reads: dict[str, TableRead] = {}
    for table in model.TABLES:
        reads[table.name] = read = _load_table(folder, table, f"{rel_folder}/{table.filename}", reads, report)
        problems += read.problems
        if read.frame is not None:
            report.tables[table.name] = read.frame

    tables = report.tables
    if "places" in tables:
        rel = f"{rel_folder}/places.csv"
        problems += _check_places(tables["places"], rel)
        problems += table_rules.place_id_problems(tables["places"], rel, meta.get("id"))
    if "figures" in tables:
        problems += table_rules.figure_row_problems(tables["figures"], f"{rel_folder}/figures.csv")
    if "budget" in tables:
        problems += table_rules.budget_problems(tables["budget"], f"{rel_folder}/budget.csv")
    source_ok = bool(sections)
    if source_ok:
        quote_problems, checked = _check_quotes(report, rel_folder, _flagged(problems, rel_folder,
                                                                            ("quote", "section", "list_id")))
        missing = [p for p in quote_problems if p.kind in ("quote not in source", "section not in source")]
        if len(missing) >= WRONG_SOURCE_MIN and len(missing) > checked / 2:
            source_ok = False  # one line instead of a knock-on problem per quote (and instead of the hash's line)
            problems = [p for p in problems if p.column != "source_sha256"]
            problems.append(Problem(f"{rel_folder}/report.toml", None, "source", "the source text the quotes were "
                                    "copied from", f"{meta['source']!r}, in which {len(missing)} of {checked} quotes "
                                    "do not occur (is it the right file?)"))
        else:
            problems += quote_problems + _check_extra_quotes(report, rel_folder)
    problems += _check_dates(report, rel_folder)
    problems += _check_rules(report, rel_folder)
    problems += _check_output_lines(report, rel_folder)
    problems += check_drafts(report, rel_folder)
    grant = meta.get("grant_figure_id")
    if grant and "figures" in tables and grant not in set(tables["figures"]["figure_id"].dropna()):
        problems.append(Problem(f"{rel_folder}/report.toml", None, "grant_figure_id", "a figure id of figures.csv",
                                repr(grant)))
    if source_ok:
        skip = _flagged(problems, rel_folder, ("quote", "value", "value_max", "is_derived", "note")
                        + transcription.BUDGET_VALUE_COLUMNS)
        for name, columns in (("figures", transcription.FIGURE_VALUE_COLUMNS),
                              ("budget", transcription.BUDGET_VALUE_COLUMNS)):
            if name in tables:
                problems += transcription.value_problems(tables[name], columns, f"{rel_folder}/{name}.csv",
                                                         skip.get(name, set()))
        if completeness and {"figures", "budget", "exclusions"} <= set(tables):
            src = resolve_source(folder, meta, rel_folder, holder)[0]
            problems += transcription.completeness_problems(report, _display(src), rel_folder,
                                                            _flagged(problems, rel_folder))
    missing_tables = [t.name for t in model.TABLES if t.name not in tables]
    if problems or missing_tables:
        if not problems:
            problems.append(Problem(rel_folder, None, None, "every table loaded",
                                    f"{', '.join(missing_tables)} not loaded"))
        return None, bounded(problems, limit)
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


def _is_file(path: Path) -> bool:
    """``path.is_file()``, but True when the OS will not say (permission denied): reading it then names the error."""
    try:
        return path.is_file()
    except OSError:
        return True


def _display(path: Path) -> str:
    """A path as the user would type it: relative to the working directory when inside it."""
    try:
        return Path(path).resolve().relative_to(Path.cwd()).as_posix()
    except ValueError:
        return Path(path).as_posix()
