"""The page blocks of analysis.present: escaped, no code words outside folded details, approximate stays
approximate, the budget as a funder reads it, honest districts, one file to share, Excel headers."""

from __future__ import annotations

import io
import re
import subprocess
import sys

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from analysis import metrics, present
from analysis.present import site
from fake_assessment import fake_assess

CODE = re.compile(r"\bF\d{3}\b|\w+_yuan\b|_times\b|\b[A-Za-z_]+:[A-Za-z_]+\b")


def visible(html: str) -> str:
    """The text a reader sees: closed <details> bodies (all but their summary) removed."""
    soup = BeautifulSoup(str(html), "html.parser")
    for details in soup.find_all("details"):
        for child in list(details.children):
            if getattr(child, "name", None) != "summary":
                child.extract()
    return soup.get_text(" ", strip=True)


@pytest.fixture(scope="module")
def assessed(seed):
    return fake_assess(seed)


def test_present_does_not_import_plots():
    """The plots ↔ present import cycle is broken: importing analysis.present never imports analysis.plots."""
    code = "import sys, analysis.present; assert 'analysis.plots' not in sys.modules, 'plots imported'"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_issue_cards_escape_and_fold_ids(seed, assessed):
    """Issue cards escape data, show title, why, explanation, question and status; ids only in details."""
    issues = assessed.issues.copy()
    issues.loc[0, "title_zh"] = '<script>alert("x")</script>'
    issues.loc[0, "note"] = "<b>note</b>"
    html = str(present.issue_cards(issues, "zh"))
    assert "<script>" not in html and "&lt;script&gt;" in html and "&lt;b&gt;note" in html
    text = visible(html)
    for key in ("issue.impact", "issue.explanation", "issue.question", "issue.status"):
        assert present.t(key, "zh") in text, key
    assert "待处理" in text and "已询问执行机构" in text
    assert not CODE.findall(text), CODE.findall(text)[:5]
    assert '<details class="evidence">' in html and '<details class="tech">' in html


def test_summary_counts_targets_budget_issues_and_questions(seed, assessed):
    """The summary block: targets met n of m with † where units differ, printed and recomputed execution,
    the top issues with severity, the number of open questions, links to the lists."""
    html = str(present.summary(seed, assessed, "zh"))
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find(id="summary")
    text = soup.get_text(" ", strip=True)
    met = present.targets_met(assessed.targets)
    assert f"达成 {met['met']} / {met['total']} 个" in text and "†" in text
    assert "30,049.5" in text and "30,040.5" in text  # printed and recomputed, side by side
    assert f"{len(assessed.questions)} 个" in text
    assert len(soup.select("ol.top-issues li")) == 5
    assert {a["href"] for a in soup.find_all("a")} >= {"#issues", "#questions", "#budget", "#targets"}


def test_budget_shows_printed_and_recomputed_totals_and_explanations(seed, assessed):
    """Where the printed total differs from the lines' sum both rows are shown; each line needing an
    explanation carries the grantee's quote or 报告未说明; the sign convention is stated."""
    variance = metrics.budget_variance(seed, "default")
    budget = dict(assessed.budget)
    budget["lines_needing_explanation"] = [
        dict(x, explained=False, explanation_quote=None) for x in budget["lines_needing_explanation"]
    ]
    html = str(present.budget_block(variance, budget, "zh", report=seed, profile="default"))
    text = visible(html)
    assert "合计（报告所列）" in text and "合计（按明细重算）" in text
    assert "偏差 = 实际 − 预算" in text and "剩余（原文）" in text
    assert "报告未说明" in text
    html = str(present.budget_block(variance, assessed.budget, "en", report=seed))
    assert "因疫情物价上涨" in html and 'lang="zh-CN"' in html
    assert not CODE.findall(visible(html))


def test_budget_correction_names_the_cell_in_words(seed):
    """A likely correction names the budget line and column in words, never the cell id."""
    variance = metrics.budget_variance(seed, "default")
    fix = {
        "cell": "budget.masks.remaining_yuan",
        "printed": -1687.5,
        "corrected": -1678.5,
        "why_zh": "相差 9。",
        "why_en": "Off by 9.",
    }
    facts = present.budget_facts(
        {"printed_total_yuan": 1, "recomputed_total_yuan": 1, "correction": fix}, "en", variance
    )
    assert (
        "budget.masks" not in " ".join(facts) and "Protective masks" in facts[-1] and "-1,678.5" in facts[-1]
    )


def test_approximate_values_stay_approximate(seed):
    """约 / ≈ marks every value, sum or ratio resting on an approximate figure (targets, reach, values)."""
    assert (
        present.fmt_value({"value": 20, "is_approximate": True, "unit": "communities"}, "en")
        == "≈ 20 communities"
    )
    assert present.fmt_value({"value": 20, "qualifier": "lower_bound", "unit_zh": "个"}, "zh") == "约 20 个"
    attainment = metrics.target_attainment(seed)
    approx_rows = attainment[attainment["is_approximate"].fillna(False).astype(bool)]
    assert len(approx_rows)
    text = visible(present.attainment_table(attainment, "zh"))
    for value in approx_rows["achieved_value"]:
        assert f"约 {present.fmt_number(value)}" in text
    reach = metrics.place_reach(seed)
    if reach["stated_is_approximate"].fillna(False).astype(bool).any():
        assert "约 " in visible(present.reach_table(reach, "zh"))


def test_english_sections_and_units_are_words():
    """English pages name sections in digits and units in words."""
    assert present.section_name("六.1", "en") == "Section 6.1"
    assert present.unit_word("person_times", "en") == "person-times"
    assert "person_times" not in present.plain("target in person_times", "en")


def test_districts_without_figures_are_one_line(seed):
    """Districts with no figure get no page: one line names them, saying which the report never names and
    what they were inferred from (phrases of places.csv's note found in the source)."""
    silent = present.silent_districts(seed)
    assert silent and all(not len(metrics.district_figures(seed, r["place_id"])) for r in silent)
    assert set(present.reported_districts(seed)).isdisjoint(r["place_id"] for r in silent)
    line = visible(present.silent_districts_line(seed, "zh"))
    for row in silent:
        assert row["name_zh"] in line
    unnamed = [r for r in silent if not r["named"]]
    assert unnamed and all(r["basis"] for r in unnamed)
    assert "原文未点名" in line and all(b in line for r in unnamed for b in r["basis"])


def test_district_caveats_come_from_scope_and_topic(seed):
    """A page whose figures include another organisation's work or fundraising says it is not this grant's."""
    for pid in present.reported_districts(seed):
        figures = metrics.district_figures(seed, pid)
        caveat = visible(present.page_caveats(seed, figures, "zh"))
        if (figures.get("scope") == "organisation").any():
            assert "不是本项目" in caveat, pid


def test_single_file_rewrites_links_and_ids():
    """Pages combined into one file: ids prefixed per page, links between pages become anchors."""
    pages = [
        (
            "index",
            '<main><a href="overview.html">o</a><a href="jj.html">j</a><a href="metrics.csv">m</a></main>',
        ),
        ("overview", '<main><h2 id="budget">b</h2><a href="#budget">x</a><a href="index.html">i</a></main>'),
        ("jj", '<main><h2 id="budget">b</h2><a href="overview.html#budget">y</a></main>'),
    ]
    html = site.single_file(pages, "zh", "t", "")
    soup = BeautifulSoup(html, "html.parser")
    ids = [e["id"] for e in soup.find_all(id=True)]
    assert len(ids) == len(set(ids))
    hrefs = [a["href"] for a in soup.find_all("a")]
    assert all(h.startswith("#") for h in hrefs), hrefs
    assert all(soup.find(id=h[1:]) for h in hrefs), hrefs
    assert "#overview--budget" in hrefs and "#page-jj" in hrefs


def test_workbook_has_issues_questions_metrics_in_the_page_language(seed, assessed):
    """One .xlsx with the issues, the open questions and the metrics, headers in the page language."""
    from openpyxl import load_workbook

    frame = pd.DataFrame({"table": ["a"], "budget_yuan": [1.0]})
    for lang, sheet, head in (("zh", "问题", "问题"), ("en", "Issues", "Issue")):
        data = site.workbook_bytes(assessed, frame, lang)
        assert data == site.workbook_bytes(assessed, frame, lang)  # deterministic
        wb = load_workbook(io.BytesIO(data))
        assert wb.sheetnames == [
            present.t("xlsx.issues", lang),
            present.t("xlsx.questions", lang),
            present.t("xlsx.metrics", lang),
        ]
        assert head in [c.value for c in wb[sheet][1]]
        assert present.t("col.budget_yuan", lang) in [c.value for c in wb[present.t("xlsx.metrics", lang)][1]]
