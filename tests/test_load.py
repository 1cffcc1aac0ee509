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
    assert figures.loc[figures.figure_id == "F001", "value"].item() == 40000
    assert figures["is_approximate"].dtype == "boolean"
    assert report.budget.set_index("line_id").loc["total", "actual_yuan"] == 39446.5
    assert pd.Timestamp("2020-03-01") in set(figures["cutoff_date"].dropna())


def test_gb18030_csv_is_read(mini_report):
    """A CSV saved by Excel as GBK/GB18030 is decoded correctly, not rejected or garbled."""
    path = mini_report / "places.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("gb18030"))
    report = load_report(mini_report)
    assert "南湖区" in set(report.places["name_zh"])


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
    edit(mini_report, "figures.csv", "district,nanhu,", "district,nanhv,")
    assert problems_of(mini_report) == [
        "data/mini/figures.csv, row 10, column place_id: expected an id defined in places.csv, found 'nanhv'"
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
    path.write_text(text[: text.index("米面粮油\t") + 3], encoding="utf-8")
    (line,) = problems_of(mini_report)
    assert line.startswith("data/mini/budget.csv: expected well-formed CSV")


def test_row_with_too_many_cells(mini_report):
    """A row with an extra cell (an unquoted comma) is located by row."""
    edit(mini_report, "places.csv", "南湖区,Nanhu District", "南湖区,Nanhu, District")
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
    edit(mini_report, "places.csv", "anlan,city,安澜市,Anlan,,", "anlan,city,安澜市,Anlan,taoyuan,")
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
    edit(mini_report, "figures.csv", "district,nanhu,", "district,nowhere,")
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


# --- values against their quotes --------------------------------------------------------------------


def test_value_must_be_printed_in_its_quote(mini_report):
    """A figure whose value is not a number its own quote prints is rejected, naming what the quote prints."""
    edit(mini_report, "figures.csv", "入户,12000,", "入户,12001,")
    assert problems_of(mini_report) == [
        "data/mini/figures.csv, row 6, column value: expected a number printed in the row's quote (or is_derived true "
        "with a note saying how it was derived), found 12001, but the quote '入户 12000 户' prints 12000"]


@pytest.mark.parametrize("table, old, new, column", [
    ("figures.csv", "项目预算,40000,", "项目预算,30000,", "value"),  # 4万 is 40000, not 30000
    ("budget.csv", ",24000.00,25346.5", ",-24000,25346.5", "budget_yuan"),  # the quote prints 24000.00, no sign
    ("budget.csv", ",-1364.5,,", ",1364.5,,", "remaining_yuan"),  # the quote prints -1364.5
])
def test_values_are_compared_after_wan_conversion_sign_included(mini_report, table, old, new, column):
    """Values are compared with the quote's numbers after 万/千 conversion, and the sign must match too."""
    edit(mini_report, table, old, new)
    (line,) = problems_of(mini_report)
    assert f"column {column}: expected a number printed in the row's quote" in line


def test_value_read_off_a_chinese_numeral(mini_report):
    """A quote printing a Chinese numeral (八千) matches the value 8000."""
    source = mini_report.parent / "raw" / "mini.txt"
    source.write_text(source.read_text(encoding="utf-8").replace("8000 户次", "八千户次"), encoding="utf-8")
    edit(mini_report, "figures.csv", ",8000 户次,", ",八千户次,")
    assert load_report(mini_report).figures.set_index("figure_id").loc["F003", "value"] == 8000


def _add_is_derived(folder, cells: dict[int, str]) -> None:
    path = folder / "figures.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    out = [lines[0] + ",is_derived"] + [line + "," + cells.get(n, "") for n, line in enumerate(lines[1:], 2)]
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


def test_derived_figure_needs_a_note(mini_report):
    """is_derived true lets a value differ from its quote, but only with a note saying how it was derived."""
    edit(mini_report, "figures.csv", "社工 20 人次,", "社工 20 人次,20 social workers and 1 coordinator (20 + 1)")
    edit(mini_report, "figures.csv", "社工,20,", "社工,21,")
    _add_is_derived(mini_report, {5: "true"})
    assert load_report(mini_report).figures.set_index("figure_id").loc["F004", "value"] == 21
    edit(mini_report, "figures.csv", "20 social workers and 1 coordinator (20 + 1)", "")
    assert problems_of(mini_report) == [
        "data/mini/figures.csv, row 5, column note: expected a note saying how the value was derived from the numbers "
        "the quote prints (is_derived is true), found an empty cell"]


def test_value_max_not_below_value(mini_report):
    """The upper end of a range (value_max) may not be below value."""
    edit(mini_report, "figures.csv", "社区,20,,communities", "社区,20,10,communities")
    assert problems_of(mini_report) == [
        "data/mini/figures.csv, row 10, column value_max: expected a number >= value (20), the upper end of the "
        "range, found 10"]


# --- booleans, the budget total, reserved ids --------------------------------------------------------


@pytest.mark.parametrize("cell", ["yes", "no", "1", "0", "y", "t"])
def test_booleans_are_exactly_true_or_false(mini_report, cell):
    """Only true/false (any case) are booleans, as the README says; yes/no/1/0 are rejected."""
    edit(mini_report, "metrics.csv", "Households visited,true", f"Households visited,{cell}")
    assert problems_of(mini_report) == [
        f"data/mini/metrics.csv, row 4, column is_cumulative: expected true or false, found '{cell}'"]


def test_booleans_in_any_case(mini_report):
    """TRUE, True and False are booleans (Excel writes TRUE/FALSE)."""
    edit(mini_report, "metrics.csv", "Households visited,true", "Households visited,TRUE")
    edit(mini_report, "metrics.csv", "Grant budget,false", "Grant budget,False")
    metrics = load_report(mini_report).metrics.set_index("metric")["is_cumulative"]
    assert bool(metrics["households_visited"]) and not bool(metrics["grant_budget_yuan"])


def test_budget_needs_a_grand_total(mini_report):
    """A budget table with lines but no grand total row is rejected (the checks would drop the total findings)."""
    edit(mini_report, "budget.csv", "total,total,", "total,line,")
    assert problems_of(mini_report) == [
        "data/mini/budget.csv, column row_type: expected exactly one grand total row (row_type total; a total whose "
        "category_zh is a category of the lines is that category's subtotal), found no grand total row"]


def test_budget_has_one_grand_total_but_may_have_subtotals(mini_report):
    """A second grand total is rejected; a total row whose category_zh is a category of the lines is a subtotal."""
    edit(mini_report, "budget.csv", "clothing,line,物资采购", "clothing,total,其他")
    (line,) = problems_of(mini_report)
    assert line.startswith("data/mini/budget.csv, row 4, column row_type: expected exactly one grand total row")
    assert line.endswith("found a second grand total (the first is row 3)")
    edit(mini_report, "budget.csv", "clothing,total,其他", "clothing,total,物资采购")
    assert len(load_report(mini_report).budget) == 3


def test_reserved_page_names_are_a_model_constant():
    """The names the build gives its own pages are one constant of the model (the build imports it)."""
    from analysis import model

    assert {"index", "overview", "metrics", "findings", "manifest", "build-log", "executed"} <= set(
        model.RESERVED_PAGE_NAMES)
    assert model.MAX_ID_LENGTH == 100


@pytest.mark.parametrize("place_id", ["index", "overview", "metrics", "findings", "manifest", "build-log", "executed",
                                      "mini"])
def test_place_id_may_not_be_a_generated_page(mini_report, place_id):
    """A place id equal to a generated page name (or the report id) would overwrite that page: rejected."""
    edit(mini_report, "places.csv", "taoyuan,street", f"{place_id},street")
    (line,) = problems_of(mini_report)
    assert line.startswith("data/mini/places.csv, row 4, column place_id: expected an id that is not the name of a "
                           "generated page")
    assert line.endswith(f"found '{place_id}'")


def test_place_id_too_long_for_a_file_name(mini_report):
    """A place id over 100 characters cannot name its page: rejected."""
    edit(mini_report, "places.csv", "taoyuan,street", f"{'a' * 101},street")
    assert problems_of(mini_report) == [
        "data/mini/places.csv, row 4, column place_id: expected an id of at most 100 characters (it names the "
        "place's page), found 101 characters"]


# --- report.toml -----------------------------------------------------------------------------------


@pytest.mark.parametrize("old, new, line", [
    ('source = "../raw/mini.txt"', "source = 42",
     "column source: expected a text in double quotes (a TOML string), found 42 (a number)"),
    ('source = "../raw/mini.txt"', 'source = ["a"]',
     "column source: expected a text in double quotes (a TOML string), found ['a'] (a list)"),
    ("period_start = 2020-01-25", "period_start = 2020-01-25T10:00:00",
     "column period_start: expected a TOML date such as 2020-01-25 (without quotes), found 2020-01-25T10:00:00 "
     "(a date with a time)"),
    ('grant_figure_id = "F001"', 'grant_figure_id = ["F001"]',
     "column grant_figure_id: expected a text in double quotes (a TOML string), found ['F001'] (a list)"),
    ('id = "mini"', "id = 2020", "column id: expected a text in double quotes (a TOML string), found 2020 (a number)"),
])
def test_report_toml_wrong_types(mini_report, old, new, line):
    """A report.toml value of the wrong TOML type is one line naming the key, never a traceback."""
    edit(mini_report, "report.toml", old, new)
    assert problems_of(mini_report) == [f"data/mini/report.toml, {line}"]


def test_report_toml_unknown_key_suggests_the_valid_one(mini_report):
    """An unknown key (a misspelt source_sha256 would switch the hash check off) is rejected with the closest key."""
    edit(mini_report, "report.toml", 'id = "mini"', 'id = "mini"\nsource_sha265 = "0"')
    (line,) = problems_of(mini_report)
    assert line.startswith("data/mini/report.toml, column source_sha265: expected only the keys id, source, ")
    assert line.endswith("found an unknown key 'source_sha265' (did you mean source_sha256?)")


def test_period_end_before_start_is_one_line(mini_report):
    """A period that ends before it starts is one line, not one per cut-off date."""
    edit(mini_report, "report.toml", "period_end = 2020-03-31", "period_end = 2020-01-01")
    assert problems_of(mini_report) == [
        "data/mini/report.toml, column period_end: expected a date on or after period_start (2020-01-25), found "
        "2020-01-01"]


@pytest.mark.parametrize("source", ["/etc/passwd", "../../../../../../../../etc/passwd", "../../outside.txt"])
def test_source_must_lie_in_the_data_folder(mini_report, source):
    """The source text must lie inside the folder that holds the report folder (as data/ holds raw/)."""
    (mini_report.parents[1] / "outside.txt").write_text("x", encoding="utf-8")
    edit(mini_report, "report.toml", 'source = "../raw/mini.txt"', f'source = "{source}"')
    assert problems_of(mini_report) == [
        "data/mini/report.toml, column source: expected a path inside data/ (the folder that holds the report), such "
        f"as ../raw/<file>.txt, found '{source}', which lies outside it"]


@pytest.mark.parametrize("raw", [b'id = "\xff"\n', "id = \"测试\"\n".encode("gbk"), b"\xfe\xff\x00i\x00d"])
def test_report_toml_decode_errors_in_plain_words(mini_report, raw):
    """report.toml that is not UTF-8 is one plain line (no Python codec message)."""
    (mini_report / "report.toml").write_bytes(raw)
    (line,) = problems_of(mini_report)
    assert line.startswith("data/mini/report.toml: expected valid TOML, found bytes that are not UTF-8 text at byte ")
    assert "codec" not in line and "0x" not in line


def test_wrong_source_is_one_line(mini_report):
    """A source that is the wrong file gives one line, not one knock-on line per quote."""
    other = mini_report.parent / "raw" / "other.txt"
    other.write_text("另一份报告\n一、无关\n", encoding="utf-8")
    edit(mini_report, "report.toml", "mini.txt", "other.txt")
    assert problems_of(mini_report) == [
        "data/mini/report.toml, column source: expected the source text the quotes were copied from, found "
        "'../raw/other.txt', in which 18 of 18 quotes do not occur (is it the right file?)"]


# --- complete and bounded output -------------------------------------------------------------------


def test_all_problems_in_one_run(mini_report):
    """Type errors, foreign keys, quotes and values against quotes are all reported in one run, not in rounds."""
    edit(mini_report, "metrics.csv", "Households visited,true", "Households visited,maybe")
    edit(mini_report, "figures.csv", "入户,12000,", "入户,many,")
    edit(mini_report, "figures.csv", "district,nanhu,", "district,atlantis,")
    edit(mini_report, "figures.csv", "电话核查 400 户", "电话核查 401 户")
    edit(mini_report, "figures.csv", "电话核查,500,", "电话核查,501,")
    lines = problems_of(mini_report)
    assert [line.split(": expected")[0] for line in lines] == [
        "data/mini/metrics.csv, row 4, column is_cumulative", "data/mini/figures.csv, row 6, column value",
        "data/mini/figures.csv, row 10, column place_id", "data/mini/figures.csv, row 9, column quote",
        "data/mini/figures.csv, row 7, column value"]


def test_semicolon_csv_is_named(mini_report):
    """A semicolon-separated CSV (Excel with European settings) is named as such, not as missing columns."""
    path = mini_report / "places.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",", ";"), encoding="utf-8")
    (line,) = problems_of(mini_report)
    assert line.startswith("data/mini/places.csv: expected a comma-separated CSV file, found a semicolon-separated file")


def test_100000_bad_rows_are_fast_and_short(mini_report):
    """100,000 bad rows give at most 20 lines per file and kind plus a count of the rest, in well under a minute."""
    import time

    path = mini_report / "figures.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    row = lines[6].split(",")
    extra = []
    for i in range(100_000):
        row[0], row[4], row[12] = f"F{1000 + i}", "lots", "atlantis"
        extra.append(",".join(row))
    path.write_text("\n".join(lines + extra) + "\n", encoding="utf-8")
    started = time.process_time()  # CPU time: the machine may be shared
    out = problems_of(mini_report)
    seconds = time.process_time() - started
    assert len(out) == 42
    assert out[20] == "… and 99,980 more problems of this kind in data/mini/figures.csv (column value)"
    assert out[41] == "… and 99,980 more problems of this kind in data/mini/figures.csv (column place_id)"
    assert seconds < 30


def test_cli_validate_requires_complete_transcription(mini_report, capsys):
    """`closeout validate` exits 2 when a numeric mention is unaccounted or an exclusion is stale;
    --no-completeness skips that check."""
    edit(mini_report, "exclusions.csv", "三,三,三、财务报告,section_number,\n", "三,99,三、财务报告,section_number,\n")
    assert main(["validate", "data/mini"]) == 2
    err = capsys.readouterr().err
    assert "error: data/raw/mini.txt, line 13, section 三: expected every numeric mention transcribed" in err
    assert "error: data/mini/exclusions.csv, row 7, column text: expected a numeric mention printed in the row's quote" \
        in err
    assert main(["validate", "data/mini", "--no-completeness"]) == 0


def test_cli_validate_bounds_its_output(mini_report, capsys):
    """`closeout validate` prints at most 20 lines per file and kind; --all-problems prints every one."""
    path = mini_report / "figures.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    row = lines[6].split(",")
    extra = [",".join([f"F{100 + i}", *row[1:4], "x", *row[5:]]) for i in range(30)]
    path.write_text("\n".join(lines + extra) + "\n", encoding="utf-8")
    assert main(["validate", "data/mini"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 21 and err[-1] == "error: … and 10 more problems of this kind in data/mini/figures.csv (column value)"
    assert main(["validate", "data/mini", "--all-problems"]) == 2
    assert len(capsys.readouterr().err.splitlines()) == 30


def test_workbook_problems_are_bounded_too(mini_report):
    """A workbook's problems are bounded like a folder's, the count line naming the workbook's sheet."""
    from analysis.workbook import folder_to_workbook

    path = mini_report / "figures.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    row = lines[6].split(",")
    extra = [",".join([f"F{100 + i}", *row[1:4], "x", *row[5:]]) for i in range(25)]
    path.write_text("\n".join(lines + extra) + "\n", encoding="utf-8")
    book = folder_to_workbook(mini_report, mini_report.parent / "mini.xlsx")
    report, problems = validate_report(book)
    lines = [str(p) for p in problems]
    assert report is None and len(lines) == 21
    assert lines[-1] == "… and 5 more problems of this kind in data/mini.xlsx, sheet figures (column value)"


def test_wrong_source_of_a_full_report_is_one_line(seed_copy, capsys):
    """A full report pointed at the wrong source text prints one line (not hundreds of knock-on quote lines, nor
    the hash line of the other file)."""
    (seed_copy.parent / "raw" / "other.txt").write_text("另一份报告\n一、无关\n二、无关\n", encoding="utf-8")
    toml = seed_copy / "report.toml"
    text = toml.read_text(encoding="utf-8")
    source = text.split('source = "', 1)[1].split('"', 1)[0]
    toml.write_text(text.replace(source, "../raw/other.txt"), encoding="utf-8")
    assert main(["validate", str(seed_copy)]) == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith(f"error: {seed_copy.relative_to(seed_copy.parents[1]).as_posix()}/report.toml, column source: "
                           "expected the source text the quotes were copied from, found '../raw/other.txt', in which ")
    assert line.endswith(" quotes do not occur (is it the right file?)")
