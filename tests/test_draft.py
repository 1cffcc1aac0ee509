"""``closeout draft``: a draft report folder from a .txt, .docx or PDF completion report, every row a draft."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

from analysis.cli import main
from analysis.draft.propose import propose
from analysis.draft.readers import read_docx, read_pdf, read_source
from analysis.load import validate_report
from conftest import ROOT, SEED_REPORT

SEED_SOURCE = ROOT / "data" / "raw" / "000_50b9dd043a2a48bc.txt"

# A fictional report (another city, organisation, units and wording) so that the proposer is not judged on the
# seed's sentences alone.
OTHER_SOURCE = """项目结项报告

项目名称：银龄守护计划
执行机构：杭州市暖阳社会工作服务中心
项目周期：2021.03.01-2021.12.31
项目预算：5万

一、请对照项目书说明项目执行情况。

1. 为辖区独居老人提供助餐服务，至少 200 人次。截至 6 月 30 日，西湖区北山街道曙光社区送餐 1860 份，上门探访 320 户次。

2. 开展防诈骗宣传，覆盖 5 个社区。项目组走访曙光社区、玉泉社区、灵峰社区三个社区，发放宣传册约 2500 本，举办讲座 12 场。

二、项目成果

1) 截至 12 月 20 日，项目累计送餐 4200 份，招募志愿者 45 名，服务老人 380 余人。

2) 西湖区翠苑街道文一社区开展健康讲座 6 场，参与居民 150 人次。

三、财务报告

类别\t预算明细\t预算金额\t实际支出\t结余\t备注
餐费\t助餐补贴\t30000.00\t31200\t-1200\t
\t餐盒\t5000.00\t4800\t200\t
宣传\t宣传册印刷\t15000.00\t13500\t1500\t
合计\t\t50,000\t49,500\t500\t
"""


def figure(draft, value: float) -> pd.Series:
    frame = draft.tables["figures"]
    rows = frame[frame["value"] == value]
    assert len(rows) == 1, f"expected one figure of value {value}, found {len(rows)}"
    return rows.iloc[0]


@pytest.fixture(scope="module")
def other():
    return propose(OTHER_SOURCE, "silver-2021", "../raw/silver-2021.txt")


def test_other_report_meta(other):
    """report.toml keys come from the header: title, organisation, project period; the grant figure is 项目预算."""
    meta = other.meta
    assert meta["title_zh"] == "银龄守护计划"
    assert meta["organisation_zh"] == "杭州市暖阳社会工作服务中心"
    assert (str(meta["period_start"]), str(meta["period_end"])) == ("2021-03-01", "2021-12-31")
    grant = figure(other, 50000)
    assert meta["grant_figure_id"] == grant["figure_id"] and grant["unit"] == "yuan" and grant["unit_zh"] == "万"
    assert meta["status"] == "draft"


def test_other_report_figures(other):
    """Units from the measure word, qualifiers, cut-off dates of the governing 截至 clause, sub-items, targets."""
    meals = figure(other, 1860)
    assert (meals["unit_zh"], meals["unit"], meals["section"]) == ("份", "meals", "一.1")
    assert str(meals["cutoff_date"]) == "2021-06-30"
    assert figure(other, 320)["unit"] == "household_times"
    assert str(figure(other, 4200)["cutoff_date"]) == "2021-12-20"
    assert figure(other, 4200)["section"] == "二.1)"
    assert pd.isna(figure(other, 6)["cutoff_date"])  # 二.2): no 截至 in its sentence
    volunteers = figure(other, 45)
    assert (volunteers["unit_zh"], volunteers["unit"]) == ("名", "workers")
    assert figure(other, 380)["qualifier"] == "approximate" and figure(other, 380)["is_approximate"] == "true"
    assert figure(other, 2500)["qualifier"] == "approximate"
    assert figure(other, 12)["unit"] == "sessions"
    assert figure(other, 200)["qualifier"] == "target"  # first sentence of an item of the section 对照项目书
    assert figure(other, 5)["qualifier"] == "target"
    assert figure(other, 1860)["qualifier"] == "exact"
    targets = other.tables["targets"]
    assert set(targets["target_figure_id"]) == {figure(other, 200)["figure_id"], figure(other, 5)["figure_id"]}


def test_other_report_shared_metric_and_quotes(other):
    """The same label and unit in different sections share a metric id; every quote is unique in its section."""
    assert figure(other, 1860)["metric"] == figure(other, 4200)["metric"]
    assert figure(other, 1860)["metric"] != figure(other, 45)["metric"]
    from analysis.sections import find_quote, split_sections

    sections = split_sections(OTHER_SOURCE)
    for row in other.tables["figures"].itertuples():
        assert len(find_quote(OTHER_SOURCE, sections, row.section, row.quote)) == 1, row.quote


def test_other_report_places(other):
    """Places with levels and parents; a figure's place is the place printed before it in its sentence."""
    places = other.tables["places"].set_index("name_zh")
    assert places.loc["西湖区", "level"] == "district"
    assert places.loc["北山街道", "level"] == "street"
    assert places.loc["曙光社区", "level"] == "community"
    assert places.loc["北山街道", "parent_id"] == places.loc["西湖区", "place_id"]
    assert places.loc["文一社区", "parent_id"] == places.loc["翠苑街道", "place_id"]
    assert figure(other, 1860)["place_id"] == places.loc["曙光社区", "place_id"]
    assert figure(other, 1860)["scope"] == "community"
    assert figure(other, 6)["place_id"] == places.loc["文一社区", "place_id"]
    assert pd.isna(figure(other, 4200)["place_id"]) and figure(other, 4200)["scope"] == "project"


def test_other_report_lists_budget_exclusions(other):
    """A counted list (A、B、C三个社区), the budget with categories carried down, exclusions with reasons."""
    lists, items = other.tables["lists"], other.tables["list_items"]
    counted = lists[lists["count_figure_id"] == figure(other, 3)["figure_id"]]
    assert len(counted) == 1
    names = items[items["list_id"] == counted.iloc[0]["list_id"]]["item_zh"].tolist()
    assert names == ["曙光社区", "玉泉社区", "灵峰社区"]
    budget = other.tables["budget"]
    assert budget["row_type"].tolist() == ["line", "line", "line", "total"]
    assert budget["category_zh"].tolist()[:3] == ["餐费", "餐费", "宣传"]
    assert budget["actual_yuan"].tolist() == [31200, 4800, 13500, 49500]
    assert budget["remaining_yuan"].tolist() == [-1200, 200, 1500, 500]
    reasons = other.tables["exclusions"].groupby("reason").size()
    assert reasons["project_period"] == 2 and reasons["date"] == 2 and reasons["section_number"] >= 5
    assert set(other.tables["exclusions"]["status"]) == {"draft"}


def _confirm(folder: Path) -> None:
    for path in folder.glob("*.csv"):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        frame["status"] = "confirmed"
        frame.to_csv(path, index=False, lineterminator="\n")
    toml = folder / "report.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('status = "draft"', 'status = "confirmed"'),
                    encoding="utf-8")


def test_cli_draft_validate_confirm(tmp_path, monkeypatch, capsys):
    """closeout draft writes DIR/ID and DIR/raw; validate lists one line per draft row; confirmed, it is valid."""
    monkeypatch.chdir(tmp_path)
    src = tmp_path / "report.txt"
    src.write_text(OTHER_SOURCE, encoding="gb18030")  # GB18030 as a Chinese Windows editor saves it
    assert main(["draft", str(src), "--id", "silver-2021", "--out", "data"]) == 0
    folder = tmp_path / "data" / "silver-2021"
    assert (tmp_path / "data" / "raw" / "silver-2021.txt").read_text(encoding="utf-8") == OTHER_SOURCE
    assert (tmp_path / "data" / "raw" / "report.txt").read_bytes() == src.read_bytes()  # kept as received
    capsys.readouterr()
    assert main(["validate", str(folder)]) == 2
    err = capsys.readouterr().err.splitlines()
    n_rows = sum(len(pd.read_csv(p)) for p in folder.glob("*.csv")) + 1  # + report.toml
    assert len(err) == n_rows
    assert all(line.endswith("then set status to confirmed), found draft") for line in err)
    assert "data/silver-2021/figures.csv, row 2, column status: expected confirmed" in "\n".join(err)
    _confirm(folder)
    assert main(["validate", str(folder)]) == 0
    capsys.readouterr()
    assert main(["extract", "--report", str(folder), "--unaccounted", "--format", "csv"]) == 0
    assert capsys.readouterr().out.strip().count("\n") == 0  # every numeric mention is a figure, cell or exclusion
    assert main(["draft", str(src), "--id", "silver-2021", "--out", "data"]) == 2  # never overwrites
    assert "already exists" in capsys.readouterr().err


def test_seed_draft_validates_after_confirmation(tmp_path):
    """The draft of the seed validates after every row is confirmed, with no other edit."""
    from analysis.draft.write import write_draft

    draft = propose(read_source(SEED_SOURCE), "seed-draft", "")
    folder = write_draft(draft, SEED_SOURCE, tmp_path)
    _confirm(folder)
    report, problems = validate_report(folder)
    assert problems == [] and len(report.figures) >= 133


# --- .docx and PDF ---------------------------------------------------------------------------------------


def write_docx(text: str, path: Path) -> Path:
    """A Word document of ``text``: a paragraph per line, tab-separated runs of lines as a real table whose
    empty category cells are merged with the cell above and whose empty second cell of a 合计 row is merged
    with the first."""
    from docx import Document

    doc = Document()
    lines = text.rstrip("\n").split("\n")
    i = 0
    while i < len(lines):
        if lines[i].count("\t") < 2:
            doc.add_paragraph(lines[i])
            i += 1
            continue
        block = []
        while i < len(lines) and lines[i].count("\t") >= 2:
            block.append(lines[i].split("\t"))
            i += 1
        width = max(len(r) for r in block)
        table = doc.add_table(rows=len(block), cols=width)
        for r, cells in enumerate(block):
            for c, value in enumerate(cells):
                table.cell(r, c).text = value
        for r in range(1, len(block)):
            if block[r][0] == "" and block[r - 1][0] != "":
                table.cell(r - 1, 0).merge(table.cell(r, 0))
                table.cell(r - 1, 0).paragraphs[0].text = block[r - 1][0]
            if block[r][0].startswith("合计") and block[r][1] == "":
                table.cell(r, 0).merge(table.cell(r, 1))
                table.cell(r, 0).paragraphs[0].text = block[r][0]
    doc.save(path)
    return path


def _comparable(draft) -> dict[str, pd.DataFrame]:
    return {name: frame.reset_index(drop=True) for name, frame in draft.tables.items()}


@pytest.mark.parametrize("text", [OTHER_SOURCE, SEED_SOURCE.read_text(encoding="utf-8")], ids=["other", "seed"])
def test_docx_gives_the_same_draft(tmp_path, text):
    """A .docx made of the same text (the budget as a Word table with merged cells) gives the same draft."""
    path = write_docx(text, tmp_path / "report.docx")
    from_docx = read_docx(path)
    budget_lines = [line for line in text.splitlines() if line.count("\t") >= 2]
    assert [line for line in from_docx.splitlines() if line.count("\t") >= 2] == budget_lines
    a, b = _comparable(propose(text, "x", "")), _comparable(propose(from_docx, "x", ""))
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name], obj=name)


def write_pdf(text: str, path: Path) -> Path:
    """A one-page-per-60-lines PDF whose text layer is ``text``: a Type0 font with Identity-H CIDs equal to the
    Unicode code points and a ToUnicode map (the font itself is not embedded: only the text layer matters);
    the cells of tab-separated lines are placed in columns 130 pt apart."""
    chars = sorted({c for c in text if c not in "\n\t"})
    cmap_entries = [f"<{ord(c):04X}> <{ord(c):04X}>" for c in chars]
    blocks = "\n".join(f"{len(part)} beginbfchar\n" + "\n".join(part) + "\nendbfchar"
                       for part in (cmap_entries[i : i + 100] for i in range(0, len(cmap_entries), 100)))
    cmap = ("/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CIDSystemInfo << /Registry (Adobe) "
            "/Ordering (UCS) /Supplement 0 >> def /CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
            f"1 begincodespacerange <0000> <FFFF> endcodespacerange\n{blocks}\n"
            "endcmap CMapName currentdict /CMap defineresource pop end end").encode()
    lines = text.rstrip("\n").split("\n")
    pages = [lines[i : i + 60] for i in range(0, len(lines), 60)]
    objects: list[bytes] = []  # 1 catalog, 2 pages, 3 font, 4 cidfont, 5 tounicode, then page/content pairs
    kids = " ".join(f"{6 + 2 * k} 0 R" for k in range(len(pages)))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode())
    objects.append(b"<< /Type /Font /Subtype /Type0 /BaseFont /NotoSansCJK /Encoding /Identity-H "
                   b"/DescendantFonts [4 0 R] /ToUnicode 5 0 R >>")
    objects.append(b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /NotoSansCJK /CIDToGIDMap /Identity "
                   b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 1000 >>")
    objects.append(b"<< /Length %d >>\nstream\n" % len(cmap) + cmap + b"\nendstream")
    for k, page in enumerate(pages):
        ops = []
        for n, line in enumerate(page):
            y = 800 - 13 * n
            for c, cell in enumerate(line.split("\t") if line.count("\t") >= 2 else [line]):
                if cell:
                    hexed = "".join(f"{ord(ch):04X}" for ch in cell)
                    ops.append(f"BT /F1 10 Tf 1 0 0 1 {30 + 130 * c} {y} Tm <{hexed}> Tj ET")
        content = "\n".join(ops).encode()
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 1000 842] /Resources << /Font << /F1 3 0 R >> >> "
                       f"/Contents {7 + 2 * k} 0 R >>".encode())
        objects.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path


def test_pdf_gives_the_same_figures(tmp_path):
    """A PDF with a CJK text layer (table cells in columns) gives the same figures and budget as the text."""
    path = write_pdf(OTHER_SOURCE, tmp_path / "report.pdf")
    from_pdf = read_pdf(path)
    assert "截至 6 月 30 日，西湖区北山街道曙光社区送餐 1860 份" in from_pdf
    a, b = propose(OTHER_SOURCE, "x", ""), propose(from_pdf, "x", "")
    pd.testing.assert_frame_equal(a.tables["figures"], b.tables["figures"])
    cols = ["row_type", "category_zh", "line_zh", "budget_yuan", "actual_yuan", "remaining_yuan"]
    pd.testing.assert_frame_equal(a.tables["budget"][cols], b.tables["budget"][cols])


def test_cli_draft_from_docx_as_workbook(tmp_path, monkeypatch, capsys):
    """closeout draft report.docx --workbook writes one .xlsx (and keeps the .docx beside the extracted text);
    the workbook validates like a folder once its rows are confirmed."""
    monkeypatch.chdir(tmp_path)
    src = write_docx(OTHER_SOURCE, tmp_path / "report.docx")
    assert main(["draft", str(src), "--id", "silver", "--out", "out", "--workbook"]) == 0
    book = tmp_path / "out" / "silver.xlsx"
    assert book.is_file() and (tmp_path / "out" / "raw" / "report.docx").is_file()
    from openpyxl import load_workbook

    wb = load_workbook(book)
    for ws in wb.worksheets:
        header = [c.value for c in ws[1]]
        if "status" in header:
            col = header.index("status") + 1
            for row in range(2, ws.max_row + 1):
                ws.cell(row=row, column=col).value = "confirmed"
        if ws.title == "report":
            for row in ws.iter_rows(min_row=2):
                if row[0].value == "status":
                    row[1].value = "confirmed"
    wb.save(book)
    capsys.readouterr()
    assert main(["validate", str(book)]) == 0, capsys.readouterr().err


def test_unreadable_sources_are_one_line_errors(tmp_path, capsys):
    """A missing file, a .doc and a PDF without text give one-line errors, never a traceback."""
    assert main(["draft", str(tmp_path / "nope.txt"), "--id", "x", "--out", str(tmp_path)]) == 2
    (tmp_path / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0")
    assert main(["draft", str(tmp_path / "old.doc"), "--id", "x", "--out", str(tmp_path)]) == 2
    (tmp_path / "bad.docx").write_bytes(b"not a zip")
    assert main(["draft", str(tmp_path / "bad.docx"), "--id", "x", "--out", str(tmp_path)]) == 2
    assert main(["draft", str(tmp_path / "old.doc"), "--id", "Bad Id", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 4 and all(line.startswith("error: ") for line in err)


def test_recall_benchmark_runs_on_a_small_report(tmp_path):
    """benchmarks/draft_recall.py drafts a small report, confirms, validates and measures every field."""
    from conftest import write_mini_report

    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import draft_recall
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    folder = write_mini_report(tmp_path)
    result = draft_recall.run(folder)
    fields = result["fields"]
    assert fields["figures found"]["total"] == 9
    assert fields["budget lines and totals"]["pct"] == 100.0
    assert fields["unit as printed (unit_zh)"]["pct"] >= 80
    assert result["problems_after_confirmation"] == 0
    assert result["seconds_draft_to_validated"] > 0


@pytest.mark.skipif(not SEED_REPORT.is_dir(), reason="the seed report")
def test_recall_on_the_seed_meets_the_issue_thresholds():
    """On the seed: unit ≥ 90 %, cut-off ≥ 85 %, qualifier ≥ 90 %, place ≥ 80 %, shared metrics ≥ 70 %,
    budget 100 %, lists with counts ≥ 90 %, and the confirmed draft validates for ≥ 90 % of the figures."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import draft_recall
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    result = draft_recall.run(SEED_REPORT)
    f = {k: v["pct"] for k, v in result["fields"].items()}
    assert f["unit as printed (unit_zh)"] >= 90
    assert f["cut-off date (dated figures)"] >= 85
    assert f["qualifier (target / approximate / exact)"] >= 90
    assert f["place (district/street/community-scope figures)"] >= 80
    assert f["shared metric id (pairs in different sections)"] >= 70
    assert f["budget lines and totals"] == 100
    assert f["lists with their stated counts"] >= 90
    assert result["rows_failing_after_confirmation"] <= 0.1 * result["drafted_rows"]["figures"]


def test_docx_word_numbering_is_read_as_printed(tmp_path):
    """Headings numbered by Word itself (一、 from numbering.xml, not typed) are read with their numbers, so
    the sections come out as in the text."""
    import re

    from docx import Document
    from docx.oxml.ns import qn

    doc = Document()
    style = doc.styles["List Number"]
    num_id = style.element.pPr.find(qn("w:numPr")).find(qn("w:numId")).get(qn("w:val"))
    numbering = doc.part.numbering_part.element
    num = next(n for n in numbering.findall(qn("w:num")) if n.get(qn("w:numId")) == num_id)
    abstract_id = num.find(qn("w:abstractNumId")).get(qn("w:val"))
    abstract = next(a for a in numbering.findall(qn("w:abstractNum")) if a.get(qn("w:abstractNumId")) == abstract_id)
    level = next(lv for lv in abstract.findall(qn("w:lvl")) if lv.get(qn("w:ilvl")) == "0")
    level.find(qn("w:numFmt")).set(qn("w:val"), "chineseCounting")
    level.find(qn("w:lvlText")).set(qn("w:val"), "%1、")
    body = [line for line in OTHER_SOURCE.split("\n") if line.count("\t") < 2]
    for line in body:
        heading = re.match(r"^[一二三四五六七八九十]+、", line)
        if heading:
            doc.add_paragraph(line[heading.end():], style="List Number")
        else:
            doc.add_paragraph(line)
    doc.save(tmp_path / "numbered.docx")
    text = read_docx(tmp_path / "numbered.docx")
    assert text.split("\n")[: len(body)] == body
    a = propose("\n".join(body), "x", "").tables["figures"]
    b = propose(text, "x", "").tables["figures"]
    pd.testing.assert_frame_equal(a, b)


THIRD_SOURCE = """乡村儿童阅读角结项报告
项目名称：乡村儿童阅读角
申请机构：云南省昆明市彩云儿童发展协会
项目执行期：2022年4月1日至2023年3月31日
资助金额：8.5万元

一、项目执行情况
1、截止2022年12月31日，盘龙区松华街道大哨村建成阅读角 3 个，计划 2 个，配备图书约 3,600 册。
2、培训志愿者 86 名，第2期培训于2022年6月举行，满意度达 95%。
二、财务情况
科目\t预算（万元）\t实际（万元）\t结余（万元）\t执行率
图书采购\t5\t5.2\t-0.2\t104%
合计\t8.5\t8.3\t0.2\t98%
"""


def test_third_report_wording():
    """Another wording: 执行期 with 年月日, 万元 in the grant and in budget headers (converted to 元), a percent
    column skipped, 第2期 and 满意度 95% excluded with reasons, 计划 N as a target, a year in the cut-off."""
    draft = propose(THIRD_SOURCE, "reading-2022", "")
    assert (str(draft.meta["period_start"]), str(draft.meta["period_end"])) == ("2022-04-01", "2023-03-31")
    assert draft.meta["organisation_zh"] == "云南省昆明市彩云儿童发展协会"
    assert figure(draft, 85000)["figure_id"] == draft.meta["grant_figure_id"]
    assert figure(draft, 2)["qualifier"] == "target" and figure(draft, 3)["qualifier"] == "exact"
    assert str(figure(draft, 3600)["cutoff_date"]) == "2022-12-31" and figure(draft, 3600)["unit_zh"] == "册"
    places = draft.tables["places"].set_index("name_zh")
    assert places.loc["大哨村", "parent_id"] == places.loc["松华街道", "place_id"]
    assert places.loc["盘龙区", "parent_id"] == places.loc["昆明市", "place_id"]
    assert figure(draft, 3)["place_id"] == places.loc["大哨村", "place_id"]
    budget = draft.tables["budget"]
    assert budget["budget_yuan"].tolist() == [50000, 85000] and budget["actual_yuan"].tolist() == [52000, 83000]
    reasons = set(zip(draft.tables["exclusions"]["text"], draft.tables["exclusions"]["reason"]))
    assert {("2", "ordinal"), ("95%", "percent"), ("2022年6月", "date"), ("2", "section_number")} <= reasons
    assert set(draft.tables["figures"]["value"]) == {85000, 3, 2, 3600, 86}
