"""A report folder as one Excel workbook and back: one sheet per table, plus a ``report`` sheet for report.toml.

The workbook is a first-class input: :func:`validate_workbook` (called by ``load.validate_report`` for a
``.xlsx`` path) reads every sheet as the same string cells the CSV reader gets, validates them exactly like a
folder, and names the sheet, the row as Excel shows it (the header is row 1) and the column of each problem::

    error: book.xlsx, sheet figures, row 12, column value: expected a plain number such as 1234.5 …

Cells are written as text, except the number columns (written as numbers when that is lossless) so that
Excel can sum them; a cell Excel turns into a number, a date or a boolean is read back as the text the CSV
would hold (``30000``, ``31200.5``, ``2021-06-30``, ``true``). ``source`` in the ``report`` sheet is relative to
the workbook's own folder.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import os
import re
import tempfile
import tomllib
from pathlib import Path

from analysis import model
from analysis.errors import Problem, UsageError, ValidationError

REPORT_SHEET = "report"
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


# --- cells --------------------------------------------------------------------------------------------


def cell_text(value) -> str:
    """The CSV text of a cell value as openpyxl reads it.

    >>> [cell_text(v) for v in (None, 30000, 30000.0, 31200.5, True, dt.datetime(2021, 6, 30), " 送餐 ")]
    ['', '30000', '30000', '31200.5', 'true', '2021-06-30', ' 送餐 ']
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _as_number(text: str):
    """A number when writing it as one reads back as the same text, else None.

    >>> _as_number("30000"), _as_number("31200.5"), _as_number("24000.00"), _as_number("1,5"), _as_number("")
    (30000, 31200.5, None, None, None)
    """
    if not re.fullmatch(r"-?\d+(\.\d+)?", text):
        return None
    number = int(text) if re.fullmatch(r"-?\d+", text) else float(text)
    if abs(number) >= 1e15:
        return None
    return number if cell_text(number) == text else None


# --- folder -> workbook -----------------------------------------------------------------------------


def _read_csv(path: Path) -> list[list[str]]:
    from analysis.load import decode

    text = decode(path.read_bytes())[0]
    return list(csv.reader(io.StringIO(text, newline="")))


def _rel_source(source: str, base_from: Path, base_to: Path) -> str:
    """``source`` (relative to ``base_from``) relative to ``base_to``, with forward slashes."""
    target = (base_from / source).resolve()
    return Path(os.path.relpath(target, base_to.resolve())).as_posix()


def folder_to_workbook(folder: str | Path, out: str | Path, *, overwrite: bool = False) -> Path:
    """Write the report folder ``folder`` as the workbook ``out``; returns ``out``.

    Sheets: ``report`` (key, value: the keys of report.toml, dates as YYYY-MM-DD, ``source`` relative to the
    workbook's folder), then one sheet per table file of the folder, in the order of ``model.TABLES``, with the
    CSV's header and cells. A ``status`` column gets a drop-down (draft, confirmed).
    """
    from openpyxl import Workbook
    from openpyxl.worksheet.datavalidation import DataValidation

    folder, out = Path(folder), Path(out)
    if out.exists() and not overwrite:
        raise UsageError(f"{out} already exists; choose another name (nothing is overwritten)")
    toml_path = folder / "report.toml"
    if not toml_path.is_file():
        raise ValidationError([Problem(str(toml_path), None, None, "a report.toml describing the report",
                                       "no such file")])
    try:
        meta = tomllib.loads(toml_path.read_text(encoding="utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ValidationError([Problem(str(toml_path), None, None, "valid TOML", str(exc))]) from exc
    book = Workbook()
    sheet = book.active
    sheet.title = REPORT_SHEET
    sheet.append(["key", "value"])
    for key, value in meta.items():
        if key == "source" and isinstance(value, str):
            value = _rel_source(value, folder, out.parent)
        if isinstance(value, (dt.date, dt.datetime)):
            value = value.isoformat()
        _append(sheet, [key, value])
    for table in model.TABLES:
        path = folder / table.filename
        if not path.is_file():
            continue
        rows = _read_csv(path)
        ws = book.create_sheet(table.name)
        header = rows[0] if rows else []
        kinds = [table.field(h).kind if h in table.columns else "str" for h in header]
        for r, row in enumerate(rows):
            cells = []
            for c, text in enumerate(row):
                number = _as_number(text) if r and c < len(kinds) and kinds[c] in ("float", "int") else None
                cells.append(text if number is None else number)
            _append(ws, cells)
        ws.freeze_panes = "A2"
        if "status" in header:
            letter = ws.cell(row=1, column=header.index("status") + 1).column_letter
            # reviews.csv's status is the evaluator's decision; every other table's is a row's review state
            values = model.REVIEW_STATUSES if table.name == "reviews" else model.ROW_STATUSES
            rule = DataValidation(type="list", formula1=f'"{",".join(values)}"', allow_blank=True)
            rule.add(f"{letter}2:{letter}{max(len(rows), 2) + 1000}")
            ws.add_data_validation(rule)
        for c, name in enumerate(header, start=1):
            ws.column_dimensions[ws.cell(row=1, column=c).column_letter].width = 40 if name == "quote" else 16
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    book.save(tmp)
    os.replace(tmp, out)
    return out


def _append(ws, values) -> None:
    """Append a row; text is always stored as text (a quote starting with = is not a formula)."""
    ws.append(values)
    for cell in ws[ws.max_row]:
        if isinstance(cell.value, str) and cell.value.startswith("="):
            cell.data_type = "s"


# --- workbook -> tables -------------------------------------------------------------------------------


def read_workbook(path: str | Path) -> tuple[dict, dict[str, list[list[str]]], list[Problem]]:
    """(report keys, {table name: rows of CSV text cells, header first}, problems) of a workbook.

    Unknown sheets are reported; a sheet's trailing empty cells are dropped, empty rows kept (so a row keeps
    the number Excel shows).
    """
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    path = Path(path)
    name = _display(path)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        return {}, {}, [Problem(name, None, None, "an Excel workbook (.xlsx)", "no such file")]
    except (InvalidFileException, zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        return {}, {}, [Problem(name, None, None, "an Excel workbook (.xlsx)", f"an unreadable file ({exc})")]

    meta: dict = {}
    tables: dict[str, list[list[str]]] = {}
    problems: list[Problem] = []
    try:
        for ws in book.worksheets:
            rows = [list(r) for r in ws.iter_rows(values_only=True)]
            if ws.title == REPORT_SHEET:
                for row in rows[1:]:
                    key = cell_text(row[0] if row else None).strip()
                    if not key:
                        continue
                    value = row[1] if len(row) > 1 else None
                    if isinstance(value, dt.datetime):
                        value = value.date()
                    elif isinstance(value, str) and _DATE.match(value.strip()):
                        value = dt.date.fromisoformat(value.strip())
                    elif value is None:
                        value = ""
                    meta[key] = value
                continue
            if ws.title not in model.TABLES_BY_NAME:
                problems.append(Problem(f"{name}, sheet {ws.title}", None, None,
                                        f"only the sheets {REPORT_SHEET}, "
                                        + ", ".join(t.name for t in model.TABLES), "an unexpected sheet"))
                continue
            text_rows = [[cell_text(v) for v in row] for row in rows]
            width = len(text_rows[0]) if text_rows else 0
            while width and not text_rows[0][width - 1].strip():
                width -= 1
            out = []
            for row in text_rows:
                last = len(row)
                while last > width and not row[last - 1].strip():
                    last -= 1
                out.append(row[:last] if any(c.strip() for c in row) else [])
            while out and not out[-1]:
                out.pop()
            tables[ws.title] = out
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        problems.append(Problem(name, None, None, "an Excel workbook (.xlsx)", f"an unreadable file ({exc})"))
    finally:
        book.close()
    if REPORT_SHEET not in book.sheetnames:
        problems.append(Problem(name, None, None, f"a sheet named {REPORT_SHEET} with the keys of report.toml",
                                "no such sheet"))
    return meta, tables, problems


def _toml_value(value) -> str:
    """A TOML literal: strings quoted (JSON escapes are TOML escapes), dates bare.

    >>> _toml_value("杭州 \\"银龄\\""), _toml_value(dt.date(2020, 1, 25)), _toml_value(3), _toml_value(True)
    ('"杭州 \\\\"银龄\\\\""', '2020-01-25', '3', 'true')
    """
    import json

    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return json.dumps(str(value), ensure_ascii=False)


def write_toml(meta: dict, path: Path) -> None:
    """Write ``meta`` (flat: strings, numbers, booleans, dates) as report.toml."""
    path.write_text("".join(f"{key} = {_toml_value(v)}\n" for key, v in meta.items()), encoding="utf-8")


def write_csv_rows(rows: list[list[str]], path: Path) -> None:
    """Rows of text cells as a UTF-8 CSV with \\n line ends (quotes only where needed)."""
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)


def _write_folder(meta: dict, tables: dict[str, list[list[str]]], folder: Path, source_base: Path) -> None:
    meta = dict(meta)
    if isinstance(meta.get("source"), str) and meta["source"]:
        meta["source"] = _rel_source(meta["source"], source_base, folder)
    write_toml(meta, folder / "report.toml")
    for name, rows in tables.items():
        write_csv_rows(rows, folder / f"{name}.csv")


def workbook_to_folder(path: str | Path, folder: str | Path) -> Path:
    """Write the workbook ``path`` as the report folder ``folder`` (which must not exist yet); returns it."""
    path, folder = Path(path), Path(folder)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise UsageError(f"{folder} already exists; choose another folder (nothing is overwritten)")
    meta, tables, problems = read_workbook(path)
    if problems:
        raise ValidationError(problems)
    tmp = folder.with_name(f".{folder.name}.tmp")
    tmp.mkdir(parents=True, exist_ok=False)
    _write_folder(meta, tables, tmp, path.parent)
    if folder.exists():
        folder.rmdir()
    os.replace(tmp, folder)
    return folder


def validate_workbook(path: str | Path, *, completeness: bool = False, limit: int | None = None):
    """Validate a workbook like a folder: (report or None, problems), problems naming sheet, row and column.

    Its source is relative to the workbook's folder, and must lie inside it (as a report folder's must lie
    inside the folder that holds it)."""
    from analysis import load

    path = Path(path)
    name = _display(path)
    meta, tables, problems = read_workbook(path)
    if problems and not tables and not meta:
        return None, problems
    with tempfile.TemporaryDirectory(prefix="closeout-xlsx-") as tmp:
        folder = Path(tmp) / "report"
        folder.mkdir()
        if isinstance(meta.get("source"), str) and meta["source"]:
            meta = {**meta, "source": str((path.parent / meta["source"]).resolve())}
        write_toml(meta, folder / "report.toml")
        for table, rows in tables.items():
            write_csv_rows(rows, folder / f"{table}.csv")
        report, found = load.validate_report(folder, completeness=completeness, limit=limit, holder=path.parent)
        prefix = load._display(folder) + "/"
    mapped = []
    for p in found:
        file = p.file
        if file.startswith(prefix):
            rest = file[len(prefix):]
            sheet = REPORT_SHEET if rest == "report.toml" else rest.removesuffix(".csv")
            file = f"{name}, sheet {sheet}"
        elif file == prefix.rstrip("/"):
            file = name
        found_text = p.found.replace(prefix, "")
        expected = p.expected.replace("report.toml", f"the {REPORT_SHEET} sheet")
        mapped.append(dataclasses.replace(p, file=file, expected=expected, found=found_text))  # keeps Omitted
    problems = problems + mapped
    if report is not None:
        report.path = path
    return (None if problems else report), problems


def _display(path: Path) -> str:
    from analysis.load import _display as display

    return display(path)


# --- CLI ------------------------------------------------------------------------------------------------


def cmd_workbook(args) -> int:
    src = Path(args.source)
    if src.suffix.lower() == ".xlsx":
        if args.to is None:
            raise UsageError("give --to DIR: the report folder to write the workbook into")
        out = workbook_to_folder(src, args.to)
        print(f"{out}: written from {src}")
        return 0
    if not src.is_dir():
        raise UsageError(f"{src}: expected a report folder or a .xlsx workbook")
    out = Path(args.to) if args.to else src.with_name(src.name + ".xlsx")
    if out.suffix.lower() != ".xlsx":
        raise UsageError(f"{out}: the workbook name must end in .xlsx")
    folder_to_workbook(src, out)
    print(f"{out}: written from {src}")
    return 0


def register_cli(subparsers) -> None:
    """Add the ``workbook`` subcommand."""
    p = subparsers.add_parser("workbook", help="a report folder as one Excel workbook (.xlsx), or back")
    p.add_argument("source", type=Path, help="a report folder, or a .xlsx workbook")
    p.add_argument("--to", type=Path, help="the workbook to write (default: FOLDER.xlsx beside the folder), "
                   "or the folder to write a workbook into (required for a .xlsx)")
    p.set_defaults(func=cmd_workbook)
