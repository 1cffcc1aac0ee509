"""A corpus of broken and hostile report folders, each with the exact outcome validation must give.

Each case starts from the small synthetic report (conftest.MINI_TABLES) and applies edits. The expected outcome
is either ``OK`` (the folder loads; what it holds is checked by ``then``) or the exact problem line(s).
Escaping of hostile strings in the built HTML is checked in tests/test_build.py with the same strings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from analysis.load import validate_report
from conftest import write_mini_report

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


def _source(transform):
    def write(folder):
        path = folder.parent / "raw" / "mini.txt"
        path.write_bytes(transform(path.read_text(encoding="utf-8")))
    return write


F = "data/mini/figures.csv"
P = "data/mini/places.csv"
PARENT_GONE = f"{P}, row 4, column parent_id: expected an id defined in places.csv, found 'jinjiang'"
# a renamed place is also gone for the figures that name it: all problems come in one run, not in rounds
FIGURE_PLACE_GONE = f"{F}, row 10, column place_id: expected an id defined in places.csv, found 'jinjiang'"

CASES = [
    # hostile strings in labels and names load unchanged (escaping is the renderer's job, tested on the HTML)
    Case("script_in_place_name", [("places.csv", "锦江区,Jinjiang District", f"锦江区{SCRIPT},Jinjiang District")],
         then=lambda r: SCRIPT in r.places.set_index("place_id").loc["jinjiang", "name_zh"]),
    Case("img_onerror_in_metric_label", [("metrics.csv", "入户,Households visited", f"入户,{IMG}")],
         then=lambda r: IMG in set(r.metrics["label_en"])),
    Case("markdown_in_figure_label", [("figures.csv", "households_visited,入户,12000", f'households_visited,"{MD}",12000')],
         then=lambda r: MD in set(r.figures["label_zh"])),
    Case("script_in_quote_not_in_source", [("figures.csv", "入户 12000 户,", f"入户 12000 户{SCRIPT},")],
         expect=[f"{F}, row 6, column quote: expected text that occurs exactly once in section 一 of the source, "
                 f"found a quote that is not in section 一 of the source: '入户 12000 户{SCRIPT}'"]),
    # place ids that could escape the output folder or collide
    Case("place_id_path_traversal", [("places.csv", "jinjiang,district", "../../etc,district")],
         expect=[f"{P}, row 3, column place_id: expected an id matching ^[a-z0-9][a-z0-9_-]*$, found '../../etc'",
                 PARENT_GONE, FIGURE_PLACE_GONE]),
    Case("place_id_absolute_path", [("places.csv", "jinjiang,district", "/etc/passwd,district")],
         expect=[f"{P}, row 3, column place_id: expected an id matching ^[a-z0-9][a-z0-9_-]*$, found '/etc/passwd'",
                 PARENT_GONE, FIGURE_PLACE_GONE]),
    Case("place_id_upper_case", [("places.csv", "jinjiang,district", "Jinjiang,district")],
         expect=[f"{P}, row 3, column place_id: expected an id matching ^[a-z0-9][a-z0-9_-]*$, found 'Jinjiang'",
                 PARENT_GONE, FIGURE_PLACE_GONE]),
    Case("place_id_full_width", [("places.csv", "jinjiang,district", "ｊｉｎｊｉａｎｇ,district")],
         expect=[f"{P}, row 3, column place_id: expected an id matching ^[a-z0-9][a-z0-9_-]*$, found 'ｊｉｎｊｉａｎｇ'",
                 PARENT_GONE, FIGURE_PLACE_GONE]),
    Case("place_names_differ_only_by_width", [("places.csv", "书院街街道,", "锦江区,"),
                                               ("places.csv", "锦江区,Jinjiang", "锦江区,Jinjiang")],
         expect=[f"{P}, row 4, column name_zh: expected a name no other place has (ignoring width and case), "
                 "found '锦江区', the same as row 3"]),
    Case("place_names_differ_only_by_case", [("places.csv", "成都市,Chengdu", "ABC,Chengdu"),
                                              ("places.csv", "书院街街道,", "ａｂｃ,")],
         expect=[f"{P}, row 4, column name_zh: expected a name no other place has (ignoring width and case), "
                 "found 'ａｂｃ', the same as row 2"]),
    Case("parent_cycle", [("places.csv", "成都市,Chengdu,,", "成都市,Chengdu,shuyuanjie,")],
         expect=[f"{P}, row {n}, column parent_id: expected parents that end at a root place, found a cycle "
                 f"through '{c}'" for n, c in ((2, "chengdu"), (3, "jinjiang"), (4, "shuyuanjie"))]),
    Case("parent_unknown", [("places.csv", "jinjiang,district,锦江区,Jinjiang District,chengdu",
                             "jinjiang,district,锦江区,Jinjiang District,sichuan")],
         expect=[f"{P}, row 3, column parent_id: expected an id defined in places.csv, found 'sichuan'"]),
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
    Case("gbk_csv", write=_recode("places.csv", "gbk"), then=lambda r: "锦江区" in set(r.places["name_zh"])),
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
    Case("extra_cell", [("places.csv", "锦江区,Jinjiang District", "锦江区,Jinjiang, District")],
         expect=[f"{P}, row 3: expected 6 cells like the header, found 7 cells"]),
    Case("missing_column", [("places.csv", "name_en,parent_id", "parent_id"),
                            ("places.csv", ",Chengdu,", ","), ("places.csv", ",Jinjiang District,", ","),
                            ("places.csv", ",Shuyuanjie Subdistrict,", ",")],
         expect=[f"{P}, row 1, column name_en: expected a column named name_en, found no such column in the header"]),
    Case("duplicate_id", [("figures.csv", "F006,", "F005,")],
         expect=[f"{F}, row {n}, column figure_id: expected a value that no other row has, found 'F005'"
                 for n in (6, 7)]),
    Case("unknown_place", [("figures.csv", "district,jinjiang,", "district,atlantis,")],
         expect=[f"{F}, row 10, column place_id: expected an id defined in places.csv, found 'atlantis'"]),
    Case("unknown_metric", [("figures.csv", "F006,一.1,phone_checks_households", "F006,一.1,phone_checks")],
         expect=[f"{F}, row 7, column metric: expected an id defined in metrics.csv, found 'phone_checks'"]),
    # report.toml and the source
    Case("report_toml_broken", write=_bytes("report.toml", b'id = "mini\n'),
         expect=["data/mini/report.toml: expected valid TOML, found "]),
    Case("report_id_traversal", [("report.toml", 'id = "mini"', 'id = "../mini"')],
         expect=["data/mini/report.toml, column id: expected an id matching ^[a-z0-9][a-z0-9_-]*$, found '../mini'"]),
    Case("source_missing", [("report.toml", "../raw/mini.txt", "../raw/nothing.txt")],
         expect=["data/mini/report.toml, column source: expected the path of the source text, found "
                 "'../raw/nothing.txt' which does not exist"]),
    Case("rule_with_unknown_operator_term", [("rules.csv", "F001,==", "F001 ^ 2,==")],
         expect=["data/mini/rules.csv, row 2, column left: expected figure ids, budget.<line>.<column> cells and "
                 "numbers joined by + - × ÷ (or * /), with % and parentheses, found 'F001 ^ 2' (cannot read '^ 2')"]),
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
    report, problems = validate_report("data/mini")
    lines = [str(p) for p in problems]
    if case.expect == OK:
        assert lines == []
        if case.then:
            assert case.then(report)
    else:
        assert report is None
        assert len(lines) == len(case.expect), lines
        for line, expected in zip(lines, case.expect):
            assert line.startswith(expected), f"\n got: {line}\nwant: {expected}"


def test_corpus_is_large_enough():
    """The corpus holds at least 30 broken or hostile folders."""
    assert len(CASES) >= 30
