"""A corpus of broken and hostile report folders, each with the exact outcome validation must give.

Each case starts from the small synthetic report (conftest.MINI_TABLES) and applies edits. The expected outcome
is either ``OK`` (the folder loads; what it holds is checked by ``then``) or the exact problem line(s).
Escaping of hostile strings in the built HTML is checked in tests/test_build.py with the same strings.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from analysis.load import validate_report
from conftest import MINI_SOURCE, write_mini_report

OK = "ok"
SCRIPT = "<script>alert(1)</script>"
IMG = '<img src=x onerror="alert(1)">'
MD = "[点我](javascript:alert(1)) **粗体** <b>"


@dataclass
class Case:
    """Edits to the mini report and the outcome: OK or the exact problem lines (a prefix match when …)."""

    name: str
    edits: list[tuple[str, str, str]] = field(default_factory=list)
    expect: str | list[str] = OK
    write: Callable | None = None  # for edits that are not text replacements (bytes, deleting files)
    then: Callable | None = None  # extra assertions on the loaded report
    completeness: bool = False  # also require every numeric mention to be accounted for (closeout validate)


def _bytes(name: str, data: bytes):
    def write(folder):
        (folder / name).write_bytes(data)
    return write


def _recode(name: str, encoding: str, prefix: bytes = b""):
    def write(folder):
        path = folder / name
        path.write_bytes(prefix + path.read_text(encoding="utf-8").encode(encoding))
    return write


def _delete(name: str):
    def write(folder):
        (folder / name).unlink()
    return write


def _append(name: str, text: str):
    def write(folder):
        with (folder / name).open("a", encoding="utf-8") as f:
            f.write(text)
    return write


def _column(name: str, column: str, values: dict[int, str], default: str = ""):
    """Add ``column`` to CSV ``name``: ``values`` maps a data row (2 = first) to its cell."""
    def write(folder):
        path = folder / name
        lines = path.read_text(encoding="utf-8").splitlines()
        out = [lines[0] + f",{column}"] + [line + "," + values.get(n, default) for n, line in enumerate(lines[1:], 2)]
        path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return write


def _many_bad_values(n: int):
    def write(folder):
        path = folder / "figures.csv"
        lines = path.read_text(encoding="utf-8").splitlines()
        row = lines[6].split(",")  # F006
        extra = []
        for i in range(n):
            row[0], row[4] = f"F{100 + i}", "many"
            extra.append(",".join(row))
        path.write_text("\n".join(lines + extra) + "\n", encoding="utf-8")
    return write


def _other_source(text: str):
    def write(folder):
        (folder.parent / "raw" / "other.txt").write_text(text, encoding="utf-8")
        path = folder / "report.toml"
        path.write_text(path.read_text(encoding="utf-8").replace("mini.txt", "other.txt"), encoding="utf-8")
    return write


def _symlinked_source(folder):
    link = folder.parent / "raw" / "link.txt"
    link.symlink_to("/etc/hostname" if Path("/etc/hostname").exists() else "/etc/passwd")
    path = folder / "report.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("mini.txt", "link.txt"), encoding="utf-8")


def _source(transform):
    def write(folder):
        path = folder.parent / "raw" / "mini.txt"
        path.write_bytes(transform(path.read_text(encoding="utf-8")))
    return write


F = "data/mini/figures.csv"
P = "data/mini/places.csv"
B = "data/mini/budget.csv"
T = "data/mini/report.toml"
M = "data/mini/metrics.csv"
X = "data/mini/exclusions.csv"
KEYS = ("id, source, source_sha256, title_zh, title_en, organisation_zh, organisation_en, period_start, period_end, "
        "grant_figure_id, status")
TEXT = "a text in double quotes (a TOML string)"
DATE = "a TOML date such as 2020-01-25 (without quotes)"
SRC = 'source = "../raw/mini.txt"'
IN_QUOTE = "a number printed in the row's quote (or is_derived true with a note saying how it was derived)"
ONE_TOTAL = ("exactly one grand total row (row_type total; a total whose category_zh is a category of the lines is "
             "that category's subtotal)")
RESERVED = ("an id that is not the name of a generated page (index, overview, metrics, findings, manifest, build-log, "
            "executed or the report id mini)")
ACCOUNTED = ("every numeric mention transcribed in figures.csv or budget.csv, or listed in exclusions.csv with a "
             "reason")
PARENT_GONE = f"{P}, row 4, column parent_id: expected an id defined in places.csv, found 'nanhu'"
# a renamed place is also gone for the figures that name it: all problems come in one run, not in rounds
FIGURE_PLACE_GONE = f"{F}, row 10, column place_id: expected an id defined in places.csv, found 'nanhu'"

CASES = [
    # hostile strings in labels and names load unchanged (escaping is the renderer's job, tested on the HTML)
    Case("script_in_place_name", [("places.csv", "南湖区,Nanhu District", f"南湖区{SCRIPT},Nanhu District")],
         then=lambda r: SCRIPT in r.places.set_index("place_id").loc["nanhu", "name_zh"]),
    Case("img_onerror_in_metric_label", [("metrics.csv", "入户,Households visited", f"入户,{IMG}")],
         then=lambda r: IMG in set(r.metrics["label_en"])),
    Case("markdown_in_figure_label", [("figures.csv", "households_visited,入户,12000", f'households_visited,"{MD}",12000')],
         then=lambda r: MD in set(r.figures["label_zh"])),
    Case("script_in_quote_not_in_source", [("figures.csv", "入户 12000 户,", f"入户 12000 户{SCRIPT},")],
         expect=[f"{F}, row 6, column quote: expected text that occurs exactly once in section 一 of the source, "
                 f"found a quote that is not in section 一 of the source: '入户 12000 户{SCRIPT}'"]),
    # place ids that could escape the output folder or collide
    Case("place_id_path_traversal", [("places.csv", "nanhu,district", "../../etc,district")],
         expect=[f"{P}, row 3, column place_id: expected an id matching ^[a-z0-9][a-z0-9_-]*$, found '../../etc'",
                 PARENT_GONE, FIGURE_PLACE_GONE]),
    Case("place_id_absolute_path", [("places.csv", "nanhu,district", "/etc/passwd,district")],
         expect=[f"{P}, row 3, column place_id: expected an id matching ^[a-z0-9][a-z0-9_-]*$, found '/etc/passwd'",
                 PARENT_GONE, FIGURE_PLACE_GONE]),
    Case("place_id_upper_case", [("places.csv", "nanhu,district", "Nanhu,district")],
         expect=[f"{P}, row 3, column place_id: expected an id matching ^[a-z0-9][a-z0-9_-]*$, found 'Nanhu'",
                 PARENT_GONE, FIGURE_PLACE_GONE]),
    Case("place_id_full_width", [("places.csv", "nanhu,district", "ｎａｎｈｕ,district")],
         expect=[f"{P}, row 3, column place_id: expected an id matching ^[a-z0-9][a-z0-9_-]*$, found 'ｎａｎｈｕ'",
                 PARENT_GONE, FIGURE_PLACE_GONE]),
    Case("place_names_differ_only_by_width", [("places.csv", "桃源街道,", "南湖区,"),
                                               ("places.csv", "南湖区,Nanhu", "南湖区,Nanhu")],
         expect=[f"{P}, row 4, column name_zh: expected a name no other place has (ignoring width and case), "
                 "found '南湖区', the same as row 3"]),
    Case("place_names_differ_only_by_case", [("places.csv", "安澜市,Anlan", "ABC,Anlan"),
                                              ("places.csv", "桃源街道,", "ａｂｃ,")],
         expect=[f"{P}, row 4, column name_zh: expected a name no other place has (ignoring width and case), "
                 "found 'ａｂｃ', the same as row 2"]),
    Case("parent_cycle", [("places.csv", "安澜市,Anlan,,", "安澜市,Anlan,taoyuan,")],
         expect=[f"{P}, row {n}, column parent_id: expected parents that end at a root place, found a cycle "
                 f"through '{c}'" for n, c in ((2, "anlan"), (3, "nanhu"), (4, "taoyuan"))]),
    Case("parent_unknown", [("places.csv", "nanhu,district,南湖区,Nanhu District,anlan",
                             "nanhu,district,南湖区,Nanhu District,atlantis")],
         expect=[f"{P}, row 3, column parent_id: expected an id defined in places.csv, found 'atlantis'"]),
    # numbers
    Case("huge_value", [("figures.csv", "电话核查,500,", "电话核查,1e20,")],
         expect=[f"{F}, row 7, column value: expected a plain number such as 1234.5 (no units, no 万), found '1e20'"]),
    Case("huge_plain_value", [("figures.csv", "电话核查,500,", "电话核查,9999999999999999999,")],
         expect=[f"{F}, row 7, column value: expected a finite number below 1e15, found 1e+19"]),
    Case("nan_value", [("figures.csv", "电话核查,500,", "电话核查,NaN,")],
         expect=[f"{F}, row 7, column value: expected a plain number such as 1234.5 (no units, no 万), found 'NaN'"]),
    Case("inf_value", [("figures.csv", "电话核查,500,", "电话核查,inf,")],
         expect=[f"{F}, row 7, column value: expected a plain number such as 1234.5 (no units, no 万), found 'inf'"]),
    Case("negative_count", [("figures.csv", "电话核查,500,", "电话核查,-500,")],
         expect=[f"{F}, row 7, column value: expected a number >= 0 (counts and amounts cannot be negative), "
                 "found -500.0"]),
    Case("value_with_wan", [("figures.csv", "电话核查,500,", "电话核查,0.05万,")],
         expect=[f"{F}, row 7, column value: expected a plain number such as 1234.5 (no units, no 万), found '0.05万'"]),
    Case("thousands_separator_and_full_width", [("figures.csv", "入户,12000,", '入户,"12,000",'),
                                                ("figures.csv", "电话核查,500,", "电话核查,５００,")],
         then=lambda r: set(r.figures["value"]) >= {12000.0, 500.0}),
    Case("empty_value", [("figures.csv", "电话核查,500,", "电话核查,,")],
         expect=[f"{F}, row 7, column value: expected a value (the cell may not be empty), found an empty cell"]),
    # dates and flags
    Case("cutoff_after_period", [("figures.csv", "2020-03-01,district", "2020-04-01,district")],
         expect=[f"{F}, row 10, column cutoff_date: expected a date within the project period 2020-01-25..2020-03-31, "
                 "found 2020-04-01"]),
    Case("cutoff_before_period", [("figures.csv", "2020-03-01,project", "2019-12-31,project")],
         expect=[f"{F}, row {n}, column cutoff_date: expected a date within the project period "
                 "2020-01-25..2020-03-31, found 2019-12-31" for n in (8,)]),
    Case("cutoff_not_iso", [("figures.csv", "2020-03-01,district", "01/03/2020,district")],
         expect=[f"{F}, row 10, column cutoff_date: expected a date as YYYY-MM-DD, found '01/03/2020'"]),
    Case("excel_booleans", [("metrics.csv", "communities_served,服务社区,Communities served,true",
                             "communities_served,服务社区,Communities served,TRUE")]),
    Case("bad_boolean", [("metrics.csv", "Communities served,true", "Communities served,yes please")],
         expect=["data/mini/metrics.csv, row 3, column is_cumulative: expected true or false, found 'yes please'"]),
    Case("bad_qualifier", [("figures.csv", "户,exact,false,,project,,入户 12000 户", "户,roughly,false,,project,,入户 12000 户")],
         expect=[f"{F}, row 6, column qualifier: expected one of exact, approximate, lower_bound, target, "
                 "estimate, found 'roughly'"]),
    # encodings and file shapes
    Case("gbk_csv", write=_recode("places.csv", "gbk"), then=lambda r: "南湖区" in set(r.places["name_zh"])),
    Case("utf8_bom_csv", write=_recode("figures.csv", "utf-8", b"\xef\xbb\xbf"),
         then=lambda r: "figure_id" in r.figures.columns),
    Case("gbk_source_text", write=_source(lambda t: t.encode("gb18030")), then=lambda r: "入户" in r.source_text),
    Case("undecodable_csv", write=_bytes("metrics.csv", b"metric,label_zh\n\x80\x80\xff\n"),
         expect=["data/mini/metrics.csv: expected a CSV file encoded as UTF-8 (or GB18030), found undecodable bytes "
                 "at offset 16"]),
    Case("truncated_csv", write=lambda f: (f / "budget.csv").write_text(
        (f / "budget.csv").read_text(encoding="utf-8")[:300], encoding="utf-8"),
         expect=["data/mini/budget.csv: expected well-formed CSV (quotes closed, file not truncated), found "
                 "unexpected end of data"]),
    Case("nul_bytes", write=_bytes("workforce.csv", b"team_id,section\x00\n"),
         expect=["data/mini/workforce.csv: expected a text file (CSV), found a NUL byte at offset 15 (is this a "
                 "binary file, e.g. .xlsx renamed to .csv?)"]),
    Case("empty_csv", write=_bytes("targets.csv", b""),
         expect=["data/mini/targets.csv: expected a header row with columns target_id, section, label_zh, label_en, "
                 "target_figure_id, found an empty file"]),
    Case("header_only_csv", write=_bytes("rules.csv", b"rule_id,left,operator,right,tolerance_pct,severity,"
                                                       b"message_zh,message_en\n"),
         then=lambda r: r.rules.empty),
    Case("missing_required_file", write=_delete("metrics.csv"),
         expect=["data/mini/metrics.csv: expected a table of the vocabulary of what is counted, found no such file"]),
    Case("missing_optional_file", write=_delete("rules.csv"), then=lambda r: r.rules.empty),
    Case("extra_cell", [("places.csv", "南湖区,Nanhu District", "南湖区,Nanhu, District")],
         expect=[f"{P}, row 3: expected 6 cells like the header, found 7 cells"]),
    Case("missing_column", [("places.csv", "name_en,parent_id", "parent_id"),
                            ("places.csv", ",Anlan,", ","), ("places.csv", ",Nanhu District,", ","),
                            ("places.csv", ",Taoyuan Subdistrict,", ",")],
         expect=[f"{P}, row 1, column name_en: expected a column named name_en, found no such column in the header"]),
    Case("duplicate_id", [("figures.csv", "F006,", "F005,")],
         expect=[f"{F}, row {n}, column figure_id: expected a value that no other row has, found 'F005'"
                 for n in (6, 7)]),
    Case("unknown_place", [("figures.csv", "district,nanhu,", "district,atlantis,")],
         expect=[f"{F}, row 10, column place_id: expected an id defined in places.csv, found 'atlantis'"]),
    Case("unknown_metric", [("figures.csv", "F006,一.1,phone_checks_households", "F006,一.1,phone_checks")],
         expect=[f"{F}, row 7, column metric: expected an id defined in metrics.csv, found 'phone_checks'"]),
    # report.toml and the source
    Case("report_toml_broken", write=_bytes("report.toml", b'id = "mini\n'),
         expect=["data/mini/report.toml: expected valid TOML, found a TOML syntax error at line 1, column 11: a line "
                 "break inside a text (its closing double quote is missing)"]),
    Case("report_id_traversal", [("report.toml", 'id = "mini"', 'id = "../mini"')],
         expect=["data/mini/report.toml, column id: expected an id matching ^[a-z0-9][a-z0-9_-]*$, found '../mini'"]),
    Case("source_missing", [("report.toml", "../raw/mini.txt", "../raw/nothing.txt")],
         expect=["data/mini/report.toml, column source: expected the path of the source text, found "
                 "'../raw/nothing.txt' which does not exist"]),
    Case("rule_with_unknown_operator_term", [("rules.csv", "F001,==", "F001 ^ 2,==")],
         expect=["data/mini/rules.csv, row 2, column left: expected figure ids, budget.<line>.<column> cells and "
                 "numbers joined by + - × ÷ (or * /), with % and parentheses, found 'F001 ^ 2' (cannot read '^ 2')"]),
]

CASES += [
    # report.toml: a value of the wrong type is one line, never a traceback
    Case("toml_source_number", [("report.toml", SRC, "source = 42")],
         expect=[f"{T}, column source: expected {TEXT}, found 42 (a number)"]),
    Case("toml_source_list", [("report.toml", SRC, 'source = ["a"]')],
         expect=[f"{T}, column source: expected {TEXT}, found ['a'] (a list)"]),
    Case("toml_source_boolean", [("report.toml", SRC, "source = true")],
         expect=[f"{T}, column source: expected {TEXT}, found True (a boolean)"]),
    Case("toml_source_table", [("report.toml", SRC + "\n", ""), ("report.toml", 'grant_figure_id = "F001"\n',
                                                                'grant_figure_id = "F001"\n[source]\npath = "x"\n')],
         expect=[f"{T}, column source: expected {TEXT}, found {{'path': 'x'}} (a table)"]),
    Case("toml_period_start_datetime", [("report.toml", "period_start = 2020-01-25", "period_start = 2020-01-25T08:00:00")],
         expect=[f"{T}, column period_start: expected {DATE}, found 2020-01-25T08:00:00 (a date with a time)"]),
    Case("toml_period_start_quoted", [("report.toml", "period_start = 2020-01-25", 'period_start = "2020-01-25"')],
         expect=[f"{T}, column period_start: expected {DATE}, found '2020-01-25' (a text)"]),
    Case("toml_period_end_number", [("report.toml", "period_end = 2020-03-31", "period_end = 20200331")],
         expect=[f"{T}, column period_end: expected {DATE}, found 20200331 (a number)"]),
    Case("toml_period_end_before_start", [("report.toml", "period_end = 2020-03-31", "period_end = 2019-12-31")],
         expect=[f"{T}, column period_end: expected a date on or after period_start (2020-01-25), found 2019-12-31"]),
    Case("toml_grant_list", [("report.toml", 'grant_figure_id = "F001"', 'grant_figure_id = ["F001"]')],
         expect=[f"{T}, column grant_figure_id: expected {TEXT}, found ['F001'] (a list)"]),
    Case("toml_grant_unknown", [("report.toml", 'grant_figure_id = "F001"', 'grant_figure_id = "F099"')],
         expect=[f"{T}, column grant_figure_id: expected a figure id of figures.csv, found 'F099'"]),
    Case("toml_grant_not_a_figure_id", [("report.toml", 'grant_figure_id = "F001"', 'grant_figure_id = "budget"')],
         expect=[f"{T}, column grant_figure_id: expected an id matching ^F[0-9]{{3,}}$, found 'budget'"]),
    Case("toml_id_number", [("report.toml", 'id = "mini"', "id = 2020")],
         expect=[f"{T}, column id: expected {TEXT}, found 2020 (a number)"]),
    Case("toml_id_empty", [("report.toml", 'id = "mini"', 'id = ""')],
         expect=[f"{T}, column id: expected an id matching ^[a-z0-9][a-z0-9_-]*$, found ''"]),
    Case("toml_id_too_long", [("report.toml", 'id = "mini"', f'id = "{"m" * 101}"')],
         expect=[f"{T}, column id: expected an id of at most 100 characters (it names the output folder), found 101 "
                 "characters"]),
    Case("toml_unknown_key_misspelt", [("report.toml", SRC, SRC + '\nsource_sha265 = "abc"')],
         expect=[f"{T}, column source_sha265: expected only the keys {KEYS}, found an unknown key 'source_sha265' "
                 "(did you mean source_sha256?)"]),
    Case("toml_unknown_key_unlike_any", [("report.toml", SRC, SRC + '\ncolour = "red"')],
         expect=[f"{T}, column colour: expected only the keys {KEYS}, found an unknown key 'colour'"]),
    Case("toml_missing_key", [("report.toml", 'title_en = "Test project"\n', "")],
         expect=[f"{T}, column title_en: expected a key title_en, found nothing"]),
    Case("toml_empty_title", [("report.toml", 'title_zh = "测试项目"', 'title_zh = ""')],
         expect=[f"{T}, column title_zh: expected a non-empty text, found ''"]),
    Case("toml_sha256_malformed", [("report.toml", SRC, SRC + '\nsource_sha256 = "abc"')],
         expect=[f"{T}, column source_sha256: expected a SHA-256 as 64 lower-case hexadecimal digits, found 'abc'"]),
    Case("toml_sha256_of_another_file", [("report.toml", SRC, SRC + f'\nsource_sha256 = "{"0" * 64}"')],
         expect=[f"{T}, column source_sha256: expected the SHA-256 of ../raw/mini.txt (data/raw is never edited), found "
                 f"{hashlib.sha256(MINI_SOURCE.encode()).hexdigest()} for the file on disk"]),
    Case("toml_source_absolute_outside", [("report.toml", SRC, 'source = "/etc/passwd"')],
         expect=[f"{T}, column source: expected a path inside data/ (the folder that holds the report), such as "
                 "../raw/<file>.txt, found '/etc/passwd', which lies outside it"]),
    Case("toml_source_relative_outside", [("report.toml", SRC, 'source = "../../../../../../etc/passwd"')],
         expect=[f"{T}, column source: expected a path inside data/ (the folder that holds the report), such as "
                 "../raw/<file>.txt, found '../../../../../../etc/passwd', which lies outside it"]),
    Case("toml_source_symlink_outside", write=_symlinked_source,
         expect=[f"{T}, column source: expected a path inside data/ (the folder that holds the report), such as "
                 "../raw/<file>.txt, found '../raw/link.txt', which lies outside it"]),
    Case("toml_source_is_a_folder", [("report.toml", SRC, 'source = "../raw"')],
         expect=[f"{T}, column source: expected the path of the source text, found '../raw', which is a folder"]),
    Case("toml_source_empty_file", write=_source(lambda t: b""),
         expect=["data/raw/mini.txt: expected the text of the report, found an empty file"]),
    Case("toml_source_of_another_report", write=_other_source("另一份报告\n一、无关\n二、无关\n三、无关\n"),
         expect=[f"{T}, column source: expected the source text the quotes were copied from, found '../raw/other.txt', "
                 "in which 18 of 18 quotes do not occur (is it the right file?)"]),
    Case("toml_not_utf8", write=_bytes("report.toml", 'id = "测试"\n'.encode("gbk")),
         expect=[f"{T}: expected valid TOML, found bytes that are not UTF-8 text at byte 6 (save report.toml as UTF-8)"]),
    Case("toml_duplicate_key", [("report.toml", 'id = "mini"', 'id = "mini"\nid = "mini2"')],
         expect=[f"{T}: expected valid TOML, found a TOML syntax error at line 2, column 13: a key given twice"]),
    Case("toml_bare_word", [("report.toml", 'id = "mini"', "id = mini")],
         expect=[f"{T}: expected valid TOML, found a TOML syntax error at line 1, column 6: a value that is not TOML (a "
                 "text needs double quotes, a date is written 2020-01-25)"]),
    Case("toml_with_bom", write=_recode("report.toml", "utf-8", b"\xef\xbb\xbf"), then=lambda r: r.id == "mini"),
    # values must be printed in their own quote (after 万 conversion, sign included)
    Case("value_typo", [("figures.csv", "入户,12000,", "入户,12001,")],
         expect=[f"{F}, row 6, column value: expected {IN_QUOTE}, found 12001, but the quote '入户 12000 户' prints 12000"]),
    Case("value_wan_not_applied", [("figures.csv", "项目预算,40000,", "项目预算,4,")],
         expect=[f"{F}, row 2, column value: expected {IN_QUOTE}, found 4, but the quote '项目预算：4万' prints 4万 = 40000"]),
    Case("value_wan_wrong", [("figures.csv", "项目预算,40000,", "项目预算,30000,")],
         expect=[f"{F}, row 2, column value: expected {IN_QUOTE}, found 30000, but the quote '项目预算：4万' prints "
                 "4万 = 40000"]),
    Case("value_max_not_printed", [("figures.csv", "社区,5,,communities", "社区,5,7,communities")],
         expect=[f"{F}, row 3, column value_max: expected {IN_QUOTE}, found 7, but the quote '至少 5 个社区' prints 5"]),
    Case("value_max_below_value", [("figures.csv", "社区,20,,communities", "社区,20,10,communities")],
         expect=[f"{F}, row 10, column value_max: expected a number >= value (20), the upper end of the range, found 10"]),
    Case("budget_sign_dropped", [("budget.csv", "-1364.5,,", "1364.5,,")],
         expect=[f"{B}, row 2, column remaining_yuan: expected a number printed in the row's quote, found 1364.5, but "
                 "the quote '米面粮油\\t24000.00\\t25346.5\\t-1364.5' prints 24000, 25346.5, -1364.5"]),
    Case("budget_sign_invented", [("budget.csv", "24000.00,25346.5", "-24000,25346.5")],
         expect=[f"{B}, row 2, column budget_yuan: expected a number printed in the row's quote, found -24000, but the "
                 "quote '米面粮油\\t24000.00\\t25346.5\\t-1364.5' prints 24000, 25346.5, -1364.5"]),
    Case("budget_total_typo", [("budget.csv", "40000,39446.5", "40000,39464.5")],
         expect=[f"{B}, row 4, column actual_yuan: expected a number printed in the row's quote, found 39464.5, but the "
                 "quote '合计\\t\\t40,000\\t39,446.5\\t535.5' prints 40000, 39446.5, 535.5"]),
    Case("derived_figure_with_note", [("figures.csv", "社工,20,", "社工,21,")],
         write=_column("figures.csv", "is_derived", {5: "true"}, "false"),
         expect=[f"{F}, row 5, column note: expected a note saying how the value was derived from the numbers the quote "
                 "prints (is_derived is true), found an empty cell"]),
    Case("derived_figure_documented", [("figures.csv", "社工,20,,worker_times,人次,exact,false,,project,,社工 20 人次,",
                                        "社工,21,,worker_times,人次,exact,false,,project,,社工 20 人次,20 + 1 coordinator")],
         write=_column("figures.csv", "is_derived", {5: "TRUE"}),
         then=lambda r: r.figures.set_index("figure_id").loc["F004", "value"] == 21),
    Case("derived_flag_not_boolean", write=_column("figures.csv", "is_derived", {5: "yes"}),
         expect=[f"{F}, row 5, column is_derived: expected true or false, found 'yes'"]),
    # the budget has exactly one grand total row; booleans are exactly true/false
    Case("budget_without_total", [("budget.csv", "total,total,", "total,line,")],
         expect=[f"{B}, column row_type: expected {ONE_TOTAL}, found no grand total row"]),
    Case("budget_two_grand_totals", [("budget.csv", "clothing,line,物资采购", "clothing,total,其他")],
         expect=[f"{B}, row 4, column row_type: expected {ONE_TOTAL}, found a second grand total (the first is row 3)"]),
    Case("budget_subtotal_is_not_a_second_total", [("budget.csv", "clothing,line,物资采购", "clothing,total,物资采购")],
         then=lambda r: list(r.budget["row_type"]) == ["line", "total", "total"]),
    Case("boolean_yes", [("metrics.csv", "Households visited,true", "Households visited,yes")],
         expect=[f"{M}, row 4, column is_cumulative: expected true or false, found 'yes'"]),
    Case("boolean_one", [("metrics.csv", "Households visited,true", "Households visited,1")],
         expect=[f"{M}, row 4, column is_cumulative: expected true or false, found '1'"]),
    Case("boolean_zero", [("metrics.csv", "Grant budget,false", "Grant budget,0")],
         expect=[f"{M}, row 2, column is_cumulative: expected true or false, found '0'"]),
    Case("boolean_no", [("figures.csv", "exact,false,,project,,入户 12000 户", "exact,no,,project,,入户 12000 户")],
         expect=[f"{F}, row 6, column is_approximate: expected true or false, found 'no'"]),
    Case("boolean_mixed_case_and_full_width", [("metrics.csv", "Households visited,true", "Households visited,True"),
                                               ("metrics.csv", "Grant budget,false", "Grant budget,ＦＡＬＳＥ")],
         then=lambda r: r.metrics.set_index("metric").loc["grant_budget_yuan", "is_cumulative"] == False),  # noqa: E712
    # place ids that would overwrite a generated page, or not fit in a file name
    *[Case(f"place_id_reserved_{name}", [("places.csv", "taoyuan,street", f"{name},street")],
           expect=[f"{P}, row 4, column place_id: expected {RESERVED}, found '{name}'"])
      for name in ("index", "overview", "metrics", "findings", "manifest", "build-log", "executed")],
    Case("place_id_is_the_report_id", [("places.csv", "taoyuan,street", "mini,street")],
         expect=[f"{P}, row 4, column place_id: expected {RESERVED}, found 'mini'"]),
    Case("place_id_too_long", [("places.csv", "taoyuan,street", f"{'s' * 101},street")],
         expect=[f"{P}, row 4, column place_id: expected an id of at most 100 characters (it names the place's page), "
                 "found 101 characters"]),
    Case("place_id_just_short_enough", [("places.csv", "taoyuan,street", f"{'s' * 100},street")],
         then=lambda r: "s" * 100 in set(r.places["place_id"])),
    Case("place_id_index_used_by_a_figure", [("places.csv", "nanhu,district", "index,district"),
                                             ("places.csv", "Subdistrict,nanhu", "Subdistrict,index"),
                                             ("figures.csv", "district,nanhu", "district,index")],
         expect=[f"{P}, row 3, column place_id: expected {RESERVED}, found 'index'"]),
    # European Excel and other separators are named as such
    Case("semicolon_separated", write=lambda f: (f / "figures.csv").write_text(
        (f / "figures.csv").read_text(encoding="utf-8").replace(",", ";"), encoding="utf-8"),
         expect=[f"{F}: expected a comma-separated CSV file, found a semicolon-separated file (as Excel saves CSV with "
                 "European regional settings); save it as 'CSV UTF-8 (comma delimited)' or replace the separators by "
                 "commas"]),
    Case("tab_separated", write=lambda f: (f / "metrics.csv").write_text(
        (f / "metrics.csv").read_text(encoding="utf-8").replace(",", "\t"), encoding="utf-8"),
         expect=[f"{M}: expected a comma-separated CSV file, found a tab-separated file (as Excel saves CSV with "
                 "European regional settings); save it as 'CSV UTF-8 (comma delimited)' or replace the separators by "
                 "commas"]),
    # all problems in one run: type errors do not hide foreign keys, which do not hide quotes
    Case("type_foreign_key_and_quote_at_once", [("figures.csv", "入户,12000,", "入户,lots,"),
                                                ("figures.csv", "district,nanhu,", "district,atlantis,"),
                                                ("figures.csv", "电话核查 400 户", "电话核查 401 户")],
         expect=[f"{F}, row 6, column value: expected a plain number such as 1234.5 (no units, no 万), found 'lots'",
                 f"{F}, row 10, column place_id: expected an id defined in places.csv, found 'atlantis'",
                 f"{F}, row 9, column quote: expected text that occurs exactly once in section 二 of the source, found a "
                 "quote that is not in section 二 of the source: '电话核查 401 户'"]),
    Case("bad_table_does_not_hide_others", [("metrics.csv", "Households visited,true", "Households visited,maybe"),
                                            ("figures.csv", "district,nanhu,", "district,atlantis,")],
         expect=[f"{M}, row 4, column is_cumulative: expected true or false, found 'maybe'",
                 f"{F}, row 10, column place_id: expected an id defined in places.csv, found 'atlantis'"]),
    Case("unexpected_column_does_not_hide_rows", [("places.csv", "name_en,parent_id", "name_english,parent_id"),
                                                  ("places.csv", "city,安澜市", "town,安澜市")],
         expect=[f"{P}, row 1, column name_en: expected a column named name_en, found no such column in the header",
                 f"{P}, row 1, column name_english: expected only the columns place_id, level, name_zh, name_en, "
                 "parent_id, note, found an unexpected column 'name_english' (did you mean name_en?)"]),
    Case("bad_row_does_not_hide_value_mismatch", [("figures.csv", "入户,12000,", "入户,12001,"),
                                                  ("figures.csv", "电话核查,500,", "电话核查,-500,")],
         expect=[f"{F}, row 7, column value: expected a number >= 0 (counts and amounts cannot be negative), found -500.0",
                 f"{F}, row 6, column value: expected {IN_QUOTE}, found 12001, but the quote '入户 12000 户' prints 12000"]),
    Case("bad_section_does_not_hide_value_mismatch", [("figures.csv", "F005,一.1,households_visited,入户,12000,",
                                                       "F005,九.1,households_visited,入户,12001,")],
         expect=[f"{F}, row 6, column section: expected a section of the source (header, 一, 二, 三), found '九.1'",
                 f"{F}, row 6, column value: expected {IN_QUOTE}, found 12001, but the quote '入户 12000 户' prints 12000"]),
    Case("row_with_extra_cell_keeps_its_id", [("figures.csv", "入户 12000 户,", "入户 12000 户,,")],
         expect=[f"{F}, row 6: expected 15 cells like the header, found 16 cells"]),
    # bounded output: at most 20 lines per file and kind, then a count
    Case("many_bad_values_are_counted", write=_many_bad_values(25),
         expect=[f"{F}, row {n}, column value: expected a plain number such as 1234.5 (no units, no 万), found 'many'"
                 for n in range(11, 31)] + [f"… and 5 more problems of this kind in {F} (column value)"]),
    # transcription completeness (closeout validate): every mention accounted for, no stale exclusion
    Case("mention_unaccounted", [("exclusions.csv", "三,三,三、财务报告,section_number,\n", "")], completeness=True,
         expect=[f"data/raw/mini.txt, line 13, section 三: expected {ACCOUNTED}, found '三' accounted for by no row "
                 "(in “户，服务 20多个社区。  三、财务报告  主要活动\t预算明”)"]),
    Case("exclusion_stale", write=_append("exclusions.csv", "一,99,1. 探访困难,section_number,\n"), completeness=True,
         expect=[f"{X}, row 8, column text: expected a numeric mention printed in the row's quote (an exclusion that "
                 "explains no mention is stale: remove it), found '99'"]),
    Case("value_mismatch_is_not_reported_twice", [("figures.csv", "入户,12000,", "入户,12001,")], completeness=True,
         expect=[f"{F}, row 6, column value: expected {IN_QUOTE}, found 12001, but the quote '入户 12000 户' prints 12000"]),
    Case("complete_transcription", completeness=True, then=lambda r: len(r.exclusions) == 6),
    # cells
    Case("empty_quote", [("figures.csv", ",入户 12000 户,", ",,")],
         expect=[f"{F}, row 6, column quote: expected a value (the cell may not be empty), found an empty cell"]),
    Case("blank_quote", [("figures.csv", ",入户 12000 户,", ",   ,")],
         expect=[f"{F}, row 6, column quote: expected a value (the cell may not be empty), found an empty cell"]),
    Case("section_not_in_source", [("figures.csv", "F005,一.1,", "F005,九.1,")],
         expect=[f"{F}, row 6, column section: expected a section of the source (header, 一, 二, 三), found '九.1'"]),
    Case("section_malformed", [("figures.csv", "F005,一.1,", "F005,section 1,")],
         expect=[f"{F}, row 6, column section: expected a section such as 一.2 or header, found 'section 1'"]),
    Case("impossible_date", [("figures.csv", "2020-03-01,district", "2020-02-30,district")],
         expect=[f"{F}, row 10, column cutoff_date: expected a date as YYYY-MM-DD, found '2020-02-30'"]),
    Case("date_with_time", [("figures.csv", "2020-03-01,district", "2020-03-01 10:00,district")],
         expect=[f"{F}, row 10, column cutoff_date: expected a date as YYYY-MM-DD, found '2020-03-01 10:00'"]),
    Case("value_with_unit", [("figures.csv", "电话核查,500,", "电话核查,500户,")],
         expect=[f"{F}, row 7, column value: expected a plain number such as 1234.5 (no units, no 万), found '500户'"]),
    Case("value_ambiguous_comma", [("figures.csv", "电话核查,500,", '电话核查,"1,5",')],
         expect=[f"{F}, row 7, column value: expected a plain number such as 1234.5 (no units, no 万), found '1,5'"]),
    Case("value_with_plus_sign", [("figures.csv", "电话核查,500,", "电话核查,+500,")],
         expect=[f"{F}, row 7, column value: expected a plain number such as 1234.5 (no units, no 万), found '+500'"]),
    Case("value_unicode_minus", [("figures.csv", "电话核查,500,", "电话核查,\u2212500,")],
         expect=[f"{F}, row 7, column value: expected a number >= 0 (counts and amounts cannot be negative), "
                 "found -500.0"]),
    Case("value_padded_with_spaces", [("figures.csv", "电话核查,500,", "电话核查,  500 ,")],
         then=lambda r: 500.0 in set(r.figures["value"])),
    Case("crlf_line_endings", write=lambda f: (f / "places.csv").write_bytes(
        (f / "places.csv").read_bytes().replace(b"\n", b"\r\n")), then=lambda r: len(r.places) == 3),
    Case("header_with_spaces", [("metrics.csv", "metric,label_zh", " metric , label_zh ")],
         then=lambda r: "metric" in r.metrics.columns),
    Case("repeated_column", [("places.csv", "name_en,parent_id,note", "name_en,parent_id,name_en")],
         expect=[f"{P}, row 1, column name_en: expected each column once, found a repeated column name"]),
    Case("excel_trailing_empty_columns", write=lambda f: (f / "places.csv").write_text(
        "\n".join(line + ",," for line in (f / "places.csv").read_text(encoding="utf-8").splitlines()) + "\n",
        encoding="utf-8"), then=lambda r: list(r.places.columns)[-1] == "note"),
    Case("trailing_cells_with_text_are_extra", [("places.csv", "Nanhu District,anlan,", "Nanhu District,anlan,,x")],
         expect=[f"{P}, row 3: expected 6 cells like the header, found 7 cells"]),
    Case("column_name_with_line_break", [("places.csv", "name_en,", '"name\nen",')],
         expect=[f"{P}, row 1, column name_en: expected a column named name_en, found no such column in the header",
                 f"{P}, row 1, column name\\nen: expected only the columns place_id, level, name_zh, name_en, "
                 "parent_id, note, found an unexpected column 'name\\nen' (did you mean name_en?)"]),
    Case("bidi_and_zero_width_in_name", [("places.csv", "南湖区,Nanhu", "南湖\u202e区\u200b,Nanhu")],
         then=lambda r: "南湖\u202e区\u200b" in set(r.places["name_zh"])),
    Case("formula_in_label", [("metrics.csv", "入户,Households visited", '入户,"=HYPERLINK(""http://x"")"')],
         then=lambda r: '=HYPERLINK("http://x")' in set(r.metrics["label_en"])),
    Case("very_long_label", [("metrics.csv", "入户,Households visited", f"入户,{'x' * 10000}")],
         then=lambda r: "x" * 10000 in set(r.metrics["label_en"])),
    Case("quote_with_regex_characters", [("figures.csv", ",入户 12000 户,", ",入户 12000 户.*,")],
         expect=[f"{F}, row 6, column quote: expected text that occurs exactly once in section 一 of the source, found a "
                 "quote that is not in section 一 of the source: '入户 12000 户.*'"]),
    Case("figure_id_lower_case", [("figures.csv", "F006,", "f006,")],
         expect=[f"{F}, row 7, column figure_id: expected an id matching ^F[0-9]{{3,}}$, found 'f006'"]),
    # the other tables
    Case("rule_unknown_budget_cell", [("rules.csv", "budget.total.budget_yuan", "budget.nothing.budget_yuan")],
         expect=["data/mini/rules.csv, row 2, column right: expected a figure id of figures.csv or a cell of budget.csv, "
                 "found 'budget.nothing.budget_yuan'"]),
    Case("rule_empty_side", [("rules.csv", "F001,==", ",==")],
         expect=["data/mini/rules.csv, row 2, column left: expected a value (the cell may not be empty), found an empty "
                 "cell"]),
    Case("rule_bad_operator", [("rules.csv", "F001,==", "F001,=")],
         expect=["data/mini/rules.csv, row 2, column operator: expected one of ==, <=, >=, <, >, found '='"]),
    Case("rule_bad_severity", [("rules.csv", ",error,", ",fatal,")],
         expect=["data/mini/rules.csv, row 2, column severity: expected one of error, warning, info, found 'fatal'"]),
    Case("rule_negative_tolerance", [("rules.csv", "budget_yuan,,error", "budget_yuan,-1,error")],
         expect=["data/mini/rules.csv, row 2, column tolerance_pct: expected a tolerance >= 0, found -1.0"]),
    Case("achievement_listed_twice", [("target_achievements.csv", "communities,F009,sum,,",
                                       "communities,F009,sum,,\ncommunities,F009,sum,,")],
         expect=[f"data/mini/target_achievements.csv, row {n}, column {c}: expected a combination that no other row "
                 f"has, found '{v}'" for n in (4, 5) for c, v in (("figure_id", "F009"), ("target_id", "communities"))]),
    Case("intensity_unknown_team", [("intensities.csv", ",screening,F005", ",nobody,F005")],
         expect=["data/mini/intensities.csv, row 2, column team_id: expected an id defined in workforce.csv, found "
                 "'nobody'"]),
    Case("workforce_unknown_figure", [("workforce.csv", ",F004,", ",F404,")],
         expect=["data/mini/workforce.csv, row 2, column workers_figure_id: expected an id defined in figures.csv, found "
                 "'F404'"]),
    Case("place_level_unknown", [("places.csv", "anlan,city", "anlan,province")],
         expect=[f"{P}, row 2, column level: expected one of city, district, county, new_area, street, town, community, "
                 "village, found 'province'"]),
    Case("place_is_its_own_parent", [("places.csv", "安澜市,Anlan,,", "安澜市,Anlan,anlan,")],
         expect=[f"{P}, row {n}, column parent_id: expected parents that end at a root place, found a cycle through "
                 "'anlan'" for n in (2, 3, 4)]),
    Case("metric_id_upper_case", [("metrics.csv", "worker_deployments,", "Worker_deployments,")],
         expect=[f"{M}, row 6, column metric: expected an id matching ^[a-z][a-z0-9_]*$, found 'Worker_deployments'",
                 f"{F}, row 5, column metric: expected an id defined in metrics.csv, found 'worker_deployments'"]),
    Case("exclusion_quote_elsewhere", [("exclusions.csv", "三,三,三、财务报告", "一,三,三、财务报告")],
         expect=[f"{X}, row 7, column quote: expected text that occurs exactly once in section 一 of the source, found "
                 "a quote that is not in section 一 of the source: '三、财务报告' (it occurs in section 三)"]),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_corpus_case(case: Case, tmp_path, monkeypatch):
    """Each broken or hostile folder gives exactly its expected outcome: it loads, or these problem lines."""
    monkeypatch.chdir(tmp_path)
    folder = write_mini_report(tmp_path)
    for name, old, new in case.edits:
        path = folder / name
        text = path.read_text(encoding="utf-8")
        assert old in text, f"case {case.name}: {old!r} not in {name}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    if case.write:
        case.write(folder)
    report, problems = validate_report("data/mini", completeness=case.completeness)
    lines = [str(p) for p in problems]
    if case.expect == OK:
        assert lines == []
        if case.then:
            assert case.then(report)
    else:
        assert report is None
        assert lines == case.expect


def test_corpus_is_large_enough():
    """The corpus holds at least 100 broken or hostile folders, each with a distinct name."""
    assert len(CASES) >= 100
    assert len({c.name for c in CASES}) == len(CASES)
