"""A report folder as one Excel workbook and back, losslessly; a workbook validates like a folder."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from analysis.cli import main
from analysis.load import validate_report
from analysis.workbook import folder_to_workbook, workbook_to_folder


def tables(folder: Path) -> dict[str, pd.DataFrame]:
    return {p.name: pd.read_csv(p, dtype=str, keep_default_na=False) for p in sorted(folder.glob("*.csv"))}


def test_round_trip_of_the_seed_is_lossless(tmp_path, seed_copy):
    """Folder -> workbook -> folder: every CSV value-equal cell for cell (most byte-equal), report.toml equal
    with the source resolving to the same file."""
    book = folder_to_workbook(seed_copy, seed_copy.parent / "book.xlsx")
    back = workbook_to_folder(book, seed_copy.parent / "back")
    before, after = tables(seed_copy), tables(back)
    assert before.keys() == after.keys()
    for name in before:
        pd.testing.assert_frame_equal(before[name], after[name], obj=name)
    identical = [n for n in before if (seed_copy / n).read_bytes() == (back / n).read_bytes()]
    assert len(identical) >= len(before) - 3  # the others differ only in optional CSV quoting
    meta_a = tomllib.loads((seed_copy / "report.toml").read_text(encoding="utf-8"))
    meta_b = tomllib.loads((back / "report.toml").read_text(encoding="utf-8"))
    assert (seed_copy / meta_a.pop("source")).resolve() == (back / meta_b.pop("source")).resolve()
    assert meta_a == meta_b
    report, problems = validate_report(back)
    assert problems == [] and len(report.figures) == 133


def test_workbook_validates_like_its_folder(tmp_path, seed_copy):
    """validate_report of a .xlsx reads the sheets as the CSV reader reads files: the same typed tables."""
    book = folder_to_workbook(seed_copy, seed_copy.parent / "book.xlsx")
    from_book, problems = validate_report(book)
    assert problems == []
    from_folder, _ = validate_report(seed_copy)
    for name, frame in from_folder.tables.items():
        pd.testing.assert_frame_equal(frame, from_book.tables[name], obj=name)
    assert from_book.path == book


def test_cells_excel_retypes_are_read_as_text(tmp_path, seed_copy):
    """A number typed as a number, a date typed as a date and a boolean are read as the CSV text would be."""
    book = folder_to_workbook(seed_copy, seed_copy.parent / "book.xlsx")
    wb = load_workbook(book)
    ws = wb["figures"]
    header = [c.value for c in ws[1]]
    ws.cell(row=4, column=header.index("cutoff_date") + 1).value = dt.datetime(2020, 1, 28)
    ws.cell(row=4, column=header.index("value") + 1).value = 48.0
    ws.cell(row=4, column=header.index("is_approximate") + 1).value = False
    wb.save(book)
    report, problems = validate_report(book)
    assert problems == []
    row = report.figures.set_index("figure_id").loc["F003"]
    assert row["value"] == 48 and str(row["cutoff_date"].date()) == "2020-01-28" and not row["is_approximate"]


def edit_cell(book: Path, sheet: str, row: int, column: str, value) -> None:
    wb = load_workbook(book)
    ws = wb[sheet]
    header = [c.value for c in ws[1]]
    ws.cell(row=row, column=header.index(column) + 1).value = value
    wb.save(book)


def test_errors_name_sheet_row_and_column(tmp_path, monkeypatch, seed_copy):
    """A bad cell is reported as: book.xlsx, sheet figures, row N (as Excel shows it), column C: expected …"""
    monkeypatch.chdir(tmp_path)
    book = folder_to_workbook(seed_copy, Path("book.xlsx"))
    edit_cell(book, "figures", 12, "value", "1.2万")
    edit_cell(book, "places", 3, "level", "province")
    edit_cell(book, "report", 3, "value", "not/there.txt")  # row 3 of the report sheet is the source key
    wb = load_workbook(book)
    wb.create_sheet("notes")
    wb.save(book)
    report, problems = validate_report(book)
    lines = [str(p) for p in problems]
    assert report is None
    assert ("book.xlsx, sheet figures, row 12, column value: expected a plain number such as 1234.5 "
            "(no units, no 万), found '1.2万'") in lines
    assert any(line.startswith("book.xlsx, sheet places, row 3, column level: expected one of city") for line in lines)
    assert any(line.startswith("book.xlsx, sheet report, column source:") for line in lines)
    assert any(line.startswith("book.xlsx, sheet notes: expected only the sheets report, places") for line in lines)
    assert not any("closeout-xlsx-" in line for line in lines)  # no temporary path leaks into a message


def test_not_a_workbook(tmp_path, monkeypatch, capsys):
    """A file that is not a workbook, or no file at all, is one line."""
    monkeypatch.chdir(tmp_path)
    Path("fake.xlsx").write_text("a,b\n", encoding="utf-8")
    assert main(["validate", "fake.xlsx"]) == 2
    assert main(["validate", "missing.xlsx"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("error: fake.xlsx: expected an Excel workbook (.xlsx), found an unreadable file")
    assert err[1] == "error: missing.xlsx: expected an Excel workbook (.xlsx), found no such file"


def test_cli_workbook_both_ways_and_commands_accept_it(tmp_path, monkeypatch, capsys, seed_copy):
    """closeout workbook DIR / FILE.xlsx --to DIR; validate, metrics and check accept the workbook; nothing is
    overwritten."""
    monkeypatch.chdir(tmp_path)
    assert main(["workbook", str(seed_copy), "--to", "seed.xlsx"]) == 0
    assert main(["workbook", str(seed_copy), "--to", "seed.xlsx"]) == 2
    assert main(["workbook", "seed.xlsx", "--to", "seed-folder"]) == 0
    assert main(["workbook", "seed.xlsx", "--to", "seed-folder"]) == 2
    assert main(["workbook", "seed.xlsx"]) == 2
    assert main(["validate", "seed.xlsx"]) == 0
    assert main(["validate", "seed-folder"]) == 0
    capsys.readouterr()
    assert main(["metrics", "seed.xlsx", "--format", "csv"]) == 0
    assert "households_visited" in capsys.readouterr().out
    assert main(["check", "seed.xlsx", "--format", "csv"]) == 0
    out = capsys.readouterr()
    assert out.out.count("\n") > 5


def test_formula_like_text_stays_text(tmp_path, mini_report):
    """A cell that starts with = is stored as text, not as a formula, and comes back unchanged."""
    path = mini_report / "figures.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("F004,一.1,worker_deployments,社工,20,,worker_times,"
                                                              "人次,exact,false,,project,,社工 20 人次,",
                                                              "F004,一.1,worker_deployments,社工,20,,worker_times,"
                                                              "人次,exact,false,,project,,社工 20 人次,=SUM(A1)"),
                    encoding="utf-8")
    book = folder_to_workbook(mini_report, tmp_path / "mini.xlsx")
    back = workbook_to_folder(book, tmp_path / "back")
    assert tables(back)["figures.csv"].loc[3, "note"] == "=SUM(A1)"


@pytest.mark.parametrize("status, ok", [("confirmed", True), ("", True), ("draft", False), ("done", False)])
def test_status_column(seed_copy, status, ok):
    """status is optional: confirmed or empty passes; draft is listed as left to confirm; anything else is an
    error naming the allowed values."""
    path = seed_copy / "places.csv"
    rows = path.read_text(encoding="utf-8").splitlines()
    rows = [rows[0] + ",status"] + [r + "," + status for r in rows[1:]]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    report, problems = validate_report(seed_copy, limit=None)
    assert (report is not None) == ok
    if status == "draft":
        assert len(problems) == len(rows) - 1
        assert str(problems[0]).endswith("places.csv, row 2, column status: expected confirmed (check the row "
                                         "against the source, then set status to confirmed), found draft")
    if status == "done":
        assert "expected one of draft, confirmed" in str(problems[0])


def test_build_from_a_workbook_gives_the_same_pages(tmp_path, monkeypatch, seed_copy):
    """closeout build of a workbook gives byte-identical pages to the build of its folder (one district)."""
    from analysis.build import build

    monkeypatch.chdir(tmp_path)
    book = folder_to_workbook(seed_copy, seed_copy.parent / "seed.xlsx")  # data/seed.xlsx beside data/raw
    a = build(book, places=["jinjiang"], out=tmp_path / "a", workers=1)
    b = build(seed_copy, places=["jinjiang"], out=tmp_path / "b", workers=1)
    for name in ("index.html", "overview.html", "jinjiang.html", "metrics.csv", "findings.csv"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
