"""Write a draft as a report folder ``DIR/ID/`` (or one workbook ``DIR/ID.xlsx``), the source under ``DIR/raw/``.

Nothing is overwritten: an existing report folder or workbook stops the command before anything is written.
A .docx, PDF, GB18030 or CRLF source is kept as received beside the UTF-8 text drawn from it; report.toml
points to the text (quotes are checked against it) and records its SHA-256.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import math
import os
import re
import shutil
import tempfile
import time
from pathlib import Path

import pandas as pd

from analysis import model
from analysis.errors import UsageError


def cell(value) -> str:
    """A CSV cell: numbers plain (30000, 31200.5), dates ISO, missing values empty.

    >>> [cell(v) for v in (30000.0, 31200.5, None, float("nan"), dt.date(2021, 6, 30), "送餐", 3)]
    ['30000', '31200.5', '', '', '2021-06-30', '送餐', '3']
    """
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, (dt.date, dt.datetime, pd.Timestamp)):
        return value.strftime("%Y-%m-%d")
    return str(value)


def table_rows(frame: pd.DataFrame) -> list[list[str]]:
    """A frame as CSV rows of text, header first."""
    return [list(frame.columns)] + [[cell(v) for v in row] for row in frame.itertuples(index=False)]


def write_draft(draft, source: Path, out_dir: Path, *, workbook: bool = False) -> Path:
    """Write ``draft`` (from :func:`analysis.draft.propose.propose`) under ``out_dir``; returns the folder or workbook.

    The source text goes to ``out_dir/raw/<ID>.txt`` as UTF-8; a file received in another form (.docx, PDF,
    GB18030 or CRLF text) is copied beside it unchanged.
    """
    from analysis.workbook import folder_to_workbook, write_csv_rows, write_toml

    report_id = draft.meta["id"]
    target = out_dir / (f"{report_id}.xlsx" if workbook else report_id)
    if target.exists():
        raise UsageError(f"{target} already exists; give another --id or --out (nothing is overwritten)")
    raw = out_dir / "raw"
    text_path = raw / f"{report_id}.txt"
    if text_path.exists() and text_path.read_text(encoding="utf-8") != draft.text:
        raise UsageError(f"{text_path} already exists with another text; give another --id or --out")
    raw.mkdir(parents=True, exist_ok=True)
    text_path.write_text(draft.text, encoding="utf-8", newline="")
    if source.is_file() and source.read_bytes() != text_path.read_bytes():  # keep the file as received too
        original = raw / source.name
        if original == text_path:
            original = raw / f"{source.stem}-original{source.suffix}"
        if not original.exists():
            shutil.copy2(source, original)
    meta = dict(draft.meta)
    meta["source_sha256"] = hashlib.sha256(text_path.read_bytes()).hexdigest()
    with tempfile.TemporaryDirectory(prefix=".draft-", dir=out_dir) as tmp:
        folder = Path(tmp) / report_id
        folder.mkdir()
        write_toml({**meta, "source": f"../raw/{text_path.name}"}, folder / "report.toml")
        for table in model.TABLES:
            frame = draft.tables.get(table.name)
            if frame is not None and (len(frame) or table.required):
                write_csv_rows(table_rows(frame), folder / table.filename)
        if workbook:
            built = folder_to_workbook(folder, Path(tmp) / target.name)
            os.replace(built, target)
        else:
            os.replace(folder, target)
    return target


def cmd_draft(args: argparse.Namespace) -> int:
    from analysis.draft.propose import propose
    from analysis.draft.readers import read_source

    if not re.match(model.ID_PATTERN, args.id):
        raise UsageError(f"--id {args.id!r}: expected an id matching {model.ID_PATTERN} (e.g. my-report-2021)")
    started = time.perf_counter()
    source = Path(args.source)
    text = read_source(source)
    draft = propose(text, args.id, "")
    out = write_draft(draft, source, Path(args.out), workbook=args.workbook)
    counts = ", ".join(f"{len(f)} {name}" for name, f in draft.tables.items() if len(f))
    print(f"{out}: drafted in {time.perf_counter() - started:.1f} s ({counts}); every row is a draft: check it "
          "against the source and set status to confirmed, then run closeout validate")
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser("draft", help="draft a report folder (or workbook) from a completion report "
                              "(.txt, .docx or PDF)")
    p.add_argument("source", type=Path, help="the completion report: .txt (UTF-8 or GB18030), .docx or .pdf")
    p.add_argument("--id", required=True, help="the report's id (folder name), e.g. my-report-2021")
    p.add_argument("--out", type=Path, default=Path("data"), help="where to write ID/ and raw/ "
                   "(default: %(default)s)")
    p.add_argument("--workbook", action="store_true", help="write one Excel workbook ID.xlsx instead of a folder")
    p.set_defaults(func=cmd_draft)
