"""Loading and validating report folders: typed tables, and one clear line per problem."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.cli import main
from analysis.errors import ValidationError
from analysis.load import load_report, validate_report
from conftest import SEED_REPORT


def problems_of(folder) -> list[str]:
    report, problems = validate_report(folder)
    assert report is None
    return [str(p) for p in problems]


def edit(folder, name: str, old: str, new: str) -> None:
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text {old!r} not in {name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_seed_report_validates():
    """The seed report folder satisfies every schema and every quote is found once in its section."""
    report = load_report(SEED_REPORT)
    assert report.id == "anxin-plan-2020"
    assert len(report.figures) > 100
    assert report.figures["value"].dtype == "float64"
    assert str(report.figures["cutoff_date"].dtype).startswith("datetime64")


def test_mini_report_loads_typed(mini_report):
    """A valid folder loads into typed frames: numbers as floats, flags as booleans, dates as datetimes."""
    report = load_report(mini_report)
    figures = report.figures
    assert figures.loc[figures.figure_id == "F001", "value"].item() == 30000
    assert figures["is_approximate"].dtype == "boolean"
    assert report.budget.set_index("line_id").loc["total", "actual_yuan"] == 29678.5
    assert pd.Timestamp("2020-03-01") in set(figures["cutoff_date"].dropna())


def test_gb18030_csv_is_read(mini_report):
    """A CSV saved by Excel as GBK/GB18030 is decoded correctly, not rejected or garbled."""
    path = mini_report / "places.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("gb18030"))
    report = load_report(mini_report)
    assert "锦江区" in set(report.places["name_zh"])


def test_utf8_bom_is_accepted(mini_report):
    """A UTF-8 byte-order mark (Excel's 'CSV UTF-8') does not corrupt the first column name."""
    path = mini_report / "metrics.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert "metric" in load_report(mini_report).metrics.columns


def test_thousands_separators_and_fullwidth_digits_are_accepted(mini_report):
    """'12,000' and full-width '１２０００' are read as 12000; the rule is documented in the README."""
    edit(mini_report, "figures.csv", "F005,一.1,households_visited,入户,12000,", 'F005,一.1,households_visited,入户,"12,000",')
    edit(mini_report, "figures.csv", "F006,一.1,phone_checks_households,电话核查,500,", "F006,一.1,phone_checks_households,电话核查,５００,")
    figures = load_report(mini_report).figures.set_index("figure_id")
    assert figures.loc["F005", "value"] == 12000
    assert figures.loc["F006", "value"] == 500


def test_number_with_wan_is_rejected_with_location(mini_report):
    """A value typed as '1.2万' is rejected, naming the file, the row and the column."""
    edit(mini_report, "figures.csv", "F005,一.1,households_visited,入户,12000,", "F005,一.1,households_visited,入户,1.2万,")
    (line,) = problems_of(mini_report)
    assert line.startswith("data/mini/figures.csv, row 6, column value: expected a plain number")
    assert "'1.2万'" in line


def test_missing_column(mini_report):
    """A missing required column is named, in the header row."""
    path = mini_report / "metrics.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(",".join(line.split(",")[:3]) for line in lines) + "\n", encoding="utf-8")
    assert problems_of(mini_report) == [
        "data/mini/metrics.csv, row 1, column is_cumulative: expected a column named is_cumulative, "
        "found no such column in the header"
    ]


def test_unexpected_column_suggests_the_right_name(mini_report):
    """An unexpected (misspelt) column is reported with the closest valid name."""
    edit(mini_report, "places.csv", "name_en,", "name_english,")
    lines = problems_of(mini_report)
    assert any("column name_english" in line and "did you mean name_en?" in line for line in lines)
    assert any("column name_en: expected a column named name_en" in line for line in lines)


def test_empty_file(mini_report):
    """An empty CSV is reported as such, with the columns it should have."""
    (mini_report / "workforce.csv").write_text("", encoding="utf-8")
    (line,) = problems_of(mini_report)
    assert line.startswith("data/mini/workforce.csv: expected a header row with columns team_id, section")
    assert line.endswith("found an empty file")


def test_duplicate_ids(mini_report):
    """Two rows with the same figure id are both reported."""
    edit(mini_report, "figures.csv", "F006,", "F005,")
    lines = problems_of(mini_report)
    assert "data/mini/figures.csv, row 6, column figure_id: expected a value that no other row has, found 'F005'" in lines
    assert "data/mini/figures.csv, row 7, column figure_id: expected a value that no other row has, found 'F005'" in lines


def test_unknown_place_id(mini_report):
    """A figure that names a place id not in places.csv is rejected (foreign key)."""
    edit(mini_report, "figures.csv", "district,jinjiang,", "district,jinjang,")
    assert problems_of(mini_report) == [
        "data/mini/figures.csv, row 10, column place_id: expected an id defined in places.csv, found 'jinjang'"
    ]


def test_negative_count(mini_report):
    """A negative count is rejected; only budget cells may be negative."""
    edit(mini_report, "figures.csv", "电话核查,500,", "电话核查,-500,")
    (line,) = problems_of(mini_report)
    assert line.startswith("data/mini/figures.csv, row 7, column value: expected a number >= 0")


def test_quote_not_in_source(mini_report):
    """A quote that is not in the source text is rejected, naming the section searched."""
    edit(mini_report, "figures.csv", "入户 12500 户", "入户 12600 户")
    (line,) = problems_of(mini_report)
    assert line.startswith("data/mini/figures.csv, row 8, column quote: expected text that occurs exactly once in "
                           "section 二 of the source, found a quote that is not in section 二")


def test_quote_in_wrong_section_says_where_it_is(mini_report):
    """A quote found only in another section says which one."""
    edit(mini_report, "figures.csv", "F005,一.1,", "F005,二.1,")
    (line,) = problems_of(mini_report)
    assert "row 6, column quote" in line and "(it occurs in section 一)" in line


def test_ambiguous_quote(mini_report):
    """A quote occurring twice in its section must be extended until unique."""
    edit(mini_report, "figures.csv", ",入户 12000 户,", ",户,")
    (line,) = problems_of(mini_report)
    assert "row 6, column quote" in line and "occurrences of '户'; extend the quote" in line


def test_truncated_csv(mini_report):
    """A CSV cut off inside a quoted cell is reported as malformed, not as a traceback."""
    path = mini_report / "budget.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index("防护口罩\t") + 3], encoding="utf-8")
    (line,) = problems_of(mini_report)
    assert line.startswith("data/mini/budget.csv: expected well-formed CSV")


def test_row_with_too_many_cells(mini_report):
    """A row with an extra cell (an unquoted comma) is located by row."""
    edit(mini_report, "places.csv", "锦江区,Jinjiang District", "锦江区,Jinjiang, District")
    assert problems_of(mini_report) == ["data/mini/places.csv, row 3: expected 6 cells like the header, found 7 cells"]


def test_bad_enum_and_bool(mini_report):
    """Values outside an enum and non-boolean flags are reported with what was allowed."""
    edit(mini_report, "figures.csv", "户,exact,false,,project,,入户 12000 户", "户,exactly,maybe,,project,,入户 12000 户")
    lines = problems_of(mini_report)
    assert "data/mini/figures.csv, row 6, column is_approximate: expected true or false, found 'maybe'" in lines


def test_cutoff_outside_period(mini_report):
    """A cut-off date outside the project period is rejected."""
    edit(mini_report, "figures.csv", "2020-03-01,district", "2021-03-01,district")
    (line,) = problems_of(mini_report)
    assert line == ("data/mini/figures.csv, row 10, column cutoff_date: expected a date within the project period "
                    "2020-01-25..2020-03-31, found 2021-03-01")


def test_place_parent_cycle(mini_report):
    """Places whose parents form a cycle are rejected."""
    edit(mini_report, "places.csv", "chengdu,city,成都市,Chengdu,,", "chengdu,city,成都市,Chengdu,shuyuanjie,")
    assert any("column parent_id: expected parents that end at a root place" in x for x in problems_of(mini_report))


def test_rule_naming_unknown_figure(mini_report):
    """A rule that refers to a figure id that does not exist is rejected."""
    edit(mini_report, "rules.csv", "F001,==", "F099,==")
    assert problems_of(mini_report) == [
        "data/mini/rules.csv, row 2, column left: expected a figure id of figures.csv or a cell of budget.csv, "
        "found 'F099'"
    ]


def test_cli_validate_prints_lines_without_traceback(mini_report, capsys):
    """`closeout validate` exits 2 and prints one 'error:' line per problem, never a traceback."""
    edit(mini_report, "figures.csv", "电话核查,500,", "电话核查,-500,")
    edit(mini_report, "figures.csv", "district,jinjiang,", "district,nowhere,")
    assert main(["validate", str(mini_report.relative_to(mini_report.parents[1]))]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.count("error: data/mini/figures.csv, row") == 2


def test_cli_validate_ok(mini_report, capsys):
    """`closeout validate` on a good folder exits 0 and says so."""
    assert main(["validate", "data/mini"]) == 0
    assert "valid" in capsys.readouterr().out


def test_load_report_raises_validation_error(mini_report):
    """The Python API raises ValidationError carrying the problems."""
    (mini_report / "places.csv").unlink()
    with pytest.raises(ValidationError) as info:
        load_report(mini_report)
    assert info.value.lines() == ["data/mini/places.csv: expected a table of every place the report names, found no such file"]


def test_edited_source_is_detected(mini_report):
    """When report.toml records the source's SHA-256, an edited source text is rejected."""
    import hashlib

    digest = hashlib.sha256((mini_report.parent / "raw" / "mini.txt").read_bytes()).hexdigest()
    edit(mini_report, "report.toml", 'source = "../raw/mini.txt"\n', f'source = "../raw/mini.txt"\nsource_sha256 = "{digest}"\n')
    assert load_report(mini_report).id == "mini"
    raw = mini_report.parent / "raw" / "mini.txt"
    raw.write_text(raw.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    (line,) = problems_of(mini_report)
    assert "column source_sha256: expected the SHA-256 of ../raw/mini.txt (data/raw is never edited)" in line
