"""Units are data: the shipped units.csv, a report's own units.csv, validation against both, page labels."""

from __future__ import annotations

import pandas as pd

from analysis import units
from analysis.load import validate_report
from conftest import SEED_REPORT


def test_shipped_table_is_well_formed():
    """Every shipped unit has a unique snake_case id, both labels and a known kind."""
    table = units.shipped_units()
    assert list(table.columns) == units.UNIT_COLUMNS
    assert table["id"].is_unique
    assert table["id"].str.fullmatch(r"[a-z][a-z0-9_]*").all()
    assert (table["label_zh"].str.len() > 0).all() and (table["label_en"].str.len() > 0).all()
    assert set(table["kind"]) <= set(units.UNIT_KINDS)


def test_shipped_table_has_the_ordinary_units():
    """Hours, tonnes, weeks, percent, streets, teams and machines need no report table."""
    ids = set(units.shipped_unit_ids())
    assert {"hours", "tonnes", "weeks", "percent", "streets", "teams", "machines"} <= ids
    assert units.unit_kind("hours") == "time" and units.unit_kind("tonnes") == "mass"
    assert units.unit_kind("percent") == "share" and units.unit_kind("yuan") == "money"


def test_seed_units_are_all_shipped():
    """Every unit the seed report uses is a shipped unit (so the seed needs no units.csv)."""
    used = set(pd.read_csv(SEED_REPORT / "figures.csv", dtype=str)["unit"])
    assert used <= set(units.shipped_unit_ids())


def _with_units(folder, rows: str, unit: str):
    (folder / "units.csv").write_text("id,label_zh,label_en,kind\n" + rows, encoding="utf-8")
    path = folder / "figures.csv"
    text = path.read_text(encoding="utf-8").replace(",households,户,", f",{unit},户,", 1)
    path.write_text(text, encoding="utf-8")


def test_report_units_extend_the_shipped_ones(mini_report):
    """A unit defined in the report's units.csv validates, and its labels reach the pages."""
    _with_units(mini_report, "bales,捆,bales of straw,count\n", "bales")
    report, problems = validate_report(mini_report)
    assert problems == []
    table = units.unit_table(report).set_index("id")
    assert table.loc["bales", "origin"] == "report" and table.loc["households", "origin"] == "shipped"
    assert units.unit_label("bales", "en", report=report) == "bales of straw"
    assert units.unit_label("bales", "zh", "捆", report=report) == "捆"
    assert units.unit_kind("bales", report) == "count"


def test_report_row_replaces_a_shipped_label(mini_report):
    """A report row with a shipped id replaces that unit's labels for this report only."""
    _with_units(mini_report, "households,户,families,count\n", "households")
    report, problems = validate_report(mini_report)
    assert problems == []
    assert units.unit_label("households", "en", report=report) == "families"
    assert units.unit_label("households", "en") == "households"


def test_unknown_unit_lists_the_valid_ones_and_how_to_add_one(mini_report):
    """An unknown unit is one problem naming file, row, column, the valid ids and the row to add."""
    _with_units(mini_report, "bales,捆,bales,count\n", "bushels")
    report, problems = validate_report(mini_report)
    assert report is None
    (problem,) = [p for p in problems if p.column == "unit"]
    assert problem.file.endswith("figures.csv") and problem.row == 6  # the first households row
    assert "hours" in problem.expected and "bales" in problem.expected
    assert "add a row id,label_zh,label_en,kind to" in problem.expected and "units.csv" in problem.expected
    assert "bushels" in problem.found


def test_bad_kind_in_report_units(mini_report):
    """A units.csv row with a kind outside the list is reported with the valid kinds."""
    _with_units(mini_report, "bales,捆,bales,weight\n", "households")
    _, problems = validate_report(mini_report)
    (problem,) = problems
    assert problem.file.endswith("units.csv") and problem.column == "kind" and "count" in problem.expected


def test_chinese_pages_print_the_unit_as_printed():
    """zh: unit_zh as printed (multiplier dropped, the value is converted); en: the table's label."""
    assert units.unit_label("items", "zh", "个") == "个"
    assert units.unit_label("items", "zh") == "件"
    assert units.unit_label("person_times", "zh", "万人次") == "人次"
    assert units.unit_label("yuan", "zh", "万") == "元"
    assert units.unit_label("hours", "en", "小时") == "hours"
    assert units.unit_label(None, "en") == "" and units.unit_label("odd_unit", "en") == "odd unit"


def test_page_values_use_the_units_table():
    """A figure in hours prints '9,860 小时' / '9,860 hours' (not 件 / items); tonnes '约 2.3 吨' / '≈ 2.3 tonnes'."""
    from analysis import present

    hours = {"value": 9860.0, "value_max": None, "unit": "hours", "unit_zh": "小时", "is_approximate": False}
    tonnes = {"value": 2.3, "value_max": None, "unit": "tonnes", "unit_zh": "吨", "is_approximate": True}
    assert present.fmt_value(hours, "zh") == "9,860 小时" and present.fmt_value(hours, "en") == "9,860 hours"
    assert present.fmt_value(tonnes, "zh") == "约 2.3 吨" and present.fmt_value(tonnes, "en") == "≈ 2.3 tonnes"
