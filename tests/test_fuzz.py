"""Property-based fuzzing of validation: whatever a cell of a CSV or a value of report.toml holds, validate_report
returns problems (one line each) or a report, and never raises."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.load import validate_report
from conftest import MINI_TABLES, write_mini_report

CSV_FILES = sorted(name for name in MINI_TABLES if name.endswith(".csv"))
META_KEYS = ("id", "source", "source_sha256", "title_zh", "title_en", "organisation_zh", "organisation_en",
             "period_start", "period_end", "grant_figure_id", "source_sha265", "colour")

# Cells a careless or hostile user produces: numbers in every notation, Chinese numerals, ids, dates, markup,
# separators, quotes, line breaks, NUL and other control characters, and arbitrary Unicode.
CELL = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", " ", "true", "TRUE", "yes", "1", "0", "-0", "1e20", "NaN", "inf", "1,5", "12,000", "３万",
                     "-1364.5", "−500", "2020-02-30", "2020/3/1", "F001", "F999", "index", "../../etc", "nanhu",
                     "一.1", "九", "header", "total", "line", "合计", "<script>", '"', "a,b", "x\ny", "\x00", "\ufeff",
                     "入户 12000 户", "项目预算：4万", "9" * 40]),
    st.from_regex(r"-?[0-9]{1,18}(\.[0-9]{1,6})?", fullmatch=True),
)

TOML_SCALAR = st.one_of(
    st.text(max_size=20), st.integers(), st.floats(allow_nan=True), st.booleans(),
    st.dates(), st.datetimes(), st.times(), st.sampled_from(["../raw/mini.txt", "/etc/passwd", "../raw", "../../x",
                                                             "F001", "mini", "", "2020-01-25"]),
)
TOML_VALUE = st.one_of(TOML_SCALAR, st.lists(TOML_SCALAR, max_size=3),
                       st.dictionaries(st.sampled_from(["a", "path"]), TOML_SCALAR, max_size=2))


def toml_value(value) -> str:
    """``value`` written as TOML (the stdlib reads TOML but does not write it)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return "nan" if value != value else ("inf" if value == float("inf") else "-inf" if value == float("-inf")
                                            else repr(value))
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {toml_value(v)}" for k, v in value.items()) + "}"
    escaped = "".join(c if c.isprintable() and c not in '"\\' else f"\\u{ord(c):04x}" for c in value)
    return f'"{escaped}"'


def check(edit) -> None:
    """Write the mini report, apply ``edit(folder)``, validate with every check (completeness runs all the
    others too): no exception, and the outcome is a report or one-line problems."""
    root = Path(tempfile.mkdtemp(prefix="fuzz-"))
    try:
        folder = write_mini_report(root)
        edit(folder)
        report, problems = validate_report(folder, completeness=True)
        assert (report is None) == bool(problems)
        for p in problems:
            line = str(p)
            assert line and "\n" not in line and "Traceback" not in line
    finally:
        shutil.rmtree(root)


#: Examples per test: small enough for the suite (< 60 s); CLOSEOUT_FUZZ_EXAMPLES=500 for a longer hunt.
EXAMPLES = int(os.environ.get("CLOSEOUT_FUZZ_EXAMPLES", "30"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@FUZZ
@given(name=st.sampled_from(CSV_FILES), row=st.integers(0, 12), col=st.integers(0, 15), cell=CELL,
       second=st.tuples(st.integers(0, 12), st.integers(0, 15), CELL))
def test_any_csv_cells_never_raise(name, row, col, cell, second):
    """Two cells of one CSV replaced by anything (the header included) give problems or a report, no exception."""
    def edit(folder):
        path = folder / name
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
        for r, c, value in ((row, col, cell), second):
            r = r % len(rows)
            rows[r][c % len(rows[r])] = value
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(rows)
        path.write_text(out.getvalue(), encoding="utf-8")
    check(edit)


@FUZZ
@given(name=st.sampled_from(CSV_FILES), at=st.integers(0, 2000), junk=st.text(max_size=20))
def test_any_csv_text_never_raises(name, at, junk):
    """Arbitrary text spliced into a CSV file (breaking quotes, rows and the header) never raises."""
    def edit(folder):
        path = folder / name
        text = path.read_text(encoding="utf-8")
        at_ = at % (len(text) + 1)
        path.write_text(text[:at_] + junk + text[at_:], encoding="utf-8")
    check(edit)


@FUZZ
@given(values=st.dictionaries(st.sampled_from(META_KEYS), TOML_VALUE, min_size=1, max_size=3))
def test_any_report_toml_values_never_raise(values):
    """report.toml keys set to values of any TOML type (or unknown keys added) give problems, never an exception."""
    def edit(folder):
        path = folder / "report.toml"
        lines = [line for line in path.read_text(encoding="utf-8").splitlines()
                 if line.split("=")[0].strip() not in values]
        scalars = {k: v for k, v in values.items() if not isinstance(v, dict)}
        tables = {k: v for k, v in values.items() if isinstance(v, dict)}
        lines += [f"{k} = {toml_value(v)}" for k, v in scalars.items()]
        for k, v in tables.items():  # a table after the top-level keys, as TOML requires
            lines += [f"[{k}]"] + [f"{kk} = {toml_value(vv)}" for kk, vv in v.items()]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    check(edit)


@settings(max_examples=max(1, EXAMPLES * 2 // 3), deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=st.binary(max_size=200))
def test_any_report_toml_bytes_never_raise(raw):
    """report.toml replaced by arbitrary bytes gives one problem line, never a codec message or an exception."""
    def edit(folder):
        (folder / "report.toml").write_bytes(raw)
    check(edit)
