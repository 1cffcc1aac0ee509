"""The assessment of the seed report: issues (one cause, one issue), ranking by materiality, wording, stable ids."""

from __future__ import annotations

import re

import pytest

from analysis.assessment import ISSUE_COLUMNS, QUESTION_COLUMNS, assess, issue_ids

ID_LIKE = re.compile(r"\bF\d{3}\b|\b[a-z_]+:[a-z_]+\b|\b[a-z]+_[a-z_]+\b|budget\.[a-z]")


@pytest.fixture(scope="module")
def seed_assessment(seed):
    return assess(seed)


def _issue_with(a, figure_id, kind=None):
    rows = a.issues[a.issues["figure_ids"].str.split(";").apply(lambda ids: figure_id in ids)]
    if kind is not None:
        rows = rows[rows["kind"] == kind]
    assert len(rows) == 1, f"{figure_id} is in {len(rows)} issues"
    return rows.iloc[0]


def test_interface_columns(seed_assessment):
    """The issues and questions frames have the columns agreed with the pages."""
    assert list(seed_assessment.issues.columns) == ISSUE_COLUMNS
    assert list(seed_assessment.questions.columns) == QUESTION_COLUMNS
    assert set(seed_assessment.to_dict()) >= {"targets", "budget", "issues", "questions"}


def test_budget_cell_is_one_issue(seed_assessment, seed):
    """The three failed budget sums and the single-cell localisation are one issue, not four."""
    from analysis import checks

    findings = checks.run_checks(seed)
    budget_checks = findings[findings["kind"].isin(["budget_remaining", "budget_sum", "localise"])]
    assert len(budget_checks) == 4
    issue = _issue_with(seed_assessment, "budget.masks.actual_yuan", "budget_arithmetic")
    assert set(issue["finding_ids"].split(";")) >= set(budget_checks["check_id"])
    assert issue["kind"] == "budget_arithmetic"
    assert "19,678.5" in issue["title_zh"] and "19,687.5" in issue["title_zh"]
    assert "19,678.5" in issue["question_zh"] and "19,687.5" in issue["question_zh"]
    assert len(issue["evidence"]) == 3


def test_every_finding_in_exactly_one_issue(seed_assessment, seed):
    """Nothing is dropped and nothing is counted twice."""
    from analysis import checks

    findings = checks.run_checks(seed)
    assigned = [f for ids in seed_assessment.issues["finding_ids"] for f in ids.split(";")]
    assert sorted(assigned) == sorted(findings["check_id"])


def test_banners_rank_above_the_budget_typo(seed_assessment):
    """43 vs 1295 banners (a 30× contradiction) matters more than a 9 元 digit swap."""
    banners = _issue_with(seed_assessment, "F034", "conflict")
    budget = _issue_with(seed_assessment, "budget.masks.actual_yuan", "budget_arithmetic")
    assert banners["rank"] < budget["rank"]
    assert banners["severity"] == "high" and budget["severity"] == "low"
    assert banners["materiality"] > 29 and budget["materiality"] == pytest.approx(9 / 3000)


def test_every_issue_is_worded_in_both_languages_without_ids(seed_assessment):
    """Title, explanation, impact and question in zh and en; no figure id, check name or column name."""
    for row in seed_assessment.issues.to_dict("records"):
        for key in ("title", "explanation", "impact", "question", "materiality"):
            assert row[f"{key}_zh"].strip() and row[f"{key}_en"].strip(), (row["issue_id"], key)
            assert re.search(r"[\u4e00-\u9fff]", row[f"{key}_zh"])
        for key in ("title", "explanation", "impact", "question", "materiality"):
            for lang in ("zh", "en"):
                assert not ID_LIKE.search(row[f"{key}_{lang}"]), (key, lang, row[f"{key}_{lang}"])
        for evidence in row["evidence"]:
            texts = [v for k, v in evidence.items() if isinstance(v, str) and not k.startswith("quote")]
            assert not any(ID_LIKE.search(t) for t in texts), evidence


def test_ids_are_stable_across_runs(seed):
    """The same data gives the same issue ids."""
    assert list(assess(seed).issues["issue_id"]) == list(assess(seed).issues["issue_id"])


def test_ids_survive_shuffled_csv_rows(seed_copy):
    """Issue ids, ranks and wording do not depend on the row order of any CSV of the report folder."""
    import csv
    import io
    import random

    from analysis.load import load_report

    before = assess(load_report(seed_copy)).issues
    rng = random.Random(20200125)
    for path in sorted(seed_copy.glob("*.csv")):
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
        body = rows[1:]
        rng.shuffle(body)
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows([rows[0], *body])
        path.write_text(out.getvalue(), encoding="utf-8")
    after = assess(load_report(seed_copy)).issues
    assert list(after["issue_id"]) == list(before["issue_id"])
    for column in ("severity", "title_zh", "title_en", "question_zh", "question_en", "materiality"):
        assert list(after[column]) == list(before[column]), column


def test_profile_changes_money_materiality(seed):
    """Money is measured against the funder's tolerance: transport's 1,138 元 is 0.38 of 10 % of the grant under
    the default profile, 0.19 of 20 % under foundation, and no issue under eu (its heading is within 25 %)."""
    def transport(profile):
        issues = assess(seed, profile).issues
        rows = issues[(issues["kind"] == "threshold")]
        return rows.iloc[0] if len(rows) else None

    assert transport("default")["materiality"] == pytest.approx(1138 / 3000)
    assert transport("foundation")["materiality"] == pytest.approx(1138 / 6000)
    assert transport("eu") is None
    budget = {p: _issue_with(assess(seed, p), "budget.masks.actual_yuan", "budget_arithmetic") for p in ("default", "foundation")}
    assert budget["foundation"]["materiality"] < budget["default"]["materiality"]
    assert "500" in budget["foundation"]["materiality_zh"]  # below the foundation's 500 元 floor


def test_budget_summary(seed_assessment):
    """Printed and recomputed totals, the likely correction, and which lines the report explains (section 二
    explains masks and disinfectant; nothing explains transport's −56.9 %)."""
    b = seed_assessment.budget
    assert b["printed_total_yuan"] == 30049.5 and b["recomputed_total_yuan"] == 30040.5
    assert b["budget_total_yuan"] == 30000
    assert b["execution_printed"] == pytest.approx(30049.5 / 30000)
    assert b["correction"]["cell"] == "budget.masks.actual_yuan"
    assert (b["correction"]["printed"], b["correction"]["corrected"]) == (19678.5, 19687.5)
    lines = {line["line_id"]: line for line in b["lines_needing_explanation"]}
    assert lines["masks"]["explained"] and lines["masks"]["section"] == "二"
    assert "1100多元" in lines["masks"]["explanation_quote"]
    assert lines["disinfectant"]["explained"]
    assert lines["transport"]["needs_explanation"] and not lines["transport"]["explained"]
    assert lines["transport"]["variance_pct"] == pytest.approx(-56.9)
    transport = seed_assessment.issues[seed_assessment.issues["kind"] == "threshold"].iloc[0]
    assert "没有说明" in transport["title_zh"] and "does not say why" in transport["title_en"]


def test_the_narrative_reading_is_the_category_subtotal(seed_assessment):
    """Section 二's '1100多元' is found as the 防护升级 overspend (+1,178.5 = masks +1,678.5 − disinfectant 500)."""
    issue = seed_assessment.issues[seed_assessment.issues["kind"] == "narrative"].iloc[0]
    assert "1,178.5" in issue["explanation_zh"] and "防护升级" in issue["explanation_zh"]
    assert "类别小计" in issue["explanation_zh"] and "category subtotal" in issue["explanation_en"]
    assert issue["materiality"] == 0 and issue["severity"] == "low"


def test_uncertainty_is_kept(seed_assessment):
    """20多 + 40多 communities is 60–80, its attainment 6–8 times and approximate; a ratio from an approximate
    target says so; 20万 stays approximate wherever it is shown."""
    t = seed_assessment.targets.set_index("target_id")
    assert (t.loc["communities_assisted", "achieved_lo"], t.loc["communities_assisted", "achieved_hi"]) == (60, 80)
    assert t.loc["communities_assisted", "is_approximate"]
    assert t.loc["communities_assisted", "attainment_text_zh"] == "约 6–8 倍"
    assert "approximate" in t.loc["people_supported", "attainment_text_en"]
    assert "52,444" in t.loc["household_visits", "why_en"]  # the conflicting figure and why it was not used
    conflict = _issue_with(seed_assessment, "F087", "conflict")
    assert "约 20 万" in conflict["explanation_zh"] and "about 200,000" in conflict["explanation_en"]


def test_evidence_table_of_pairs_largest_gap_first(seed_assessment):
    """Sections 一.2 and 五.1.1) disagree on six undated totals: one issue, its pairs sorted by gap."""
    conflict = _issue_with(seed_assessment, "F028", "conflict")
    contradictions = [e for e in conflict["evidence"] if e["verdict_en"] == "neither has a cut-off date"]
    assert len(contradictions) == 6
    gaps = [e["gap"] for e in contradictions]
    assert gaps == sorted(gaps, reverse=True)
    assert contradictions[0]["measure_en"] == "Vehicle checks"
    assert "5.3" in conflict["impact_en"] and "5.2" in conflict["impact_en"]  # the target under both readings


@pytest.mark.parametrize("folder", ["data/anxin-plan-2020", "tests/reports/qinghe-warm-winter-2022"])
@pytest.mark.parametrize("profile", ["default", "eu", "foundation"])
def test_invariants_on_every_report(folder, profile):
    """On each report of the repository and each profile: every finding in exactly one issue; every issue worded
    in both languages with no id; its quotes are exact text of the source; severities ordered; questions are the
    open issues in rank order; JSON-able."""
    import json
    from pathlib import Path

    from analysis import checks
    from analysis.load import load_report

    report = load_report(Path(__file__).resolve().parents[1] / folder)
    a = assess(report, profile)
    findings = checks.run_checks(report, profile)
    assert sorted(f for ids in a.issues["finding_ids"] for f in ids.split(";")) == sorted(findings["check_id"])
    order = a.issues["severity"].map({"high": 0, "medium": 1, "low": 2})
    assert list(order) == sorted(order)
    assert list(a.issues["rank"]) == list(range(1, len(a.issues) + 1))
    assert list(a.questions["issue_id"]) == list(a.issues["issue_id"])  # no reviews: every question is open
    assert a.issues["issue_id"].is_unique
    assert issue_ids(report, profile) == sorted(a.issues["issue_id"])
    for row in a.issues.to_dict("records"):
        for key in ("title", "explanation", "impact", "question", "materiality"):
            assert row[f"{key}_zh"].strip() and row[f"{key}_en"].strip()
        for key in ("title_zh", "title_en", "question_zh", "question_en"):
            assert not ID_LIKE.search(row[key]), (key, row[key])
    for row in a.issues.to_dict("records"):
        assert row["quotes"] and all(q in report.source_text for q in row["quotes"]), row["issue_id"]
    json.dumps(a.to_dict(), ensure_ascii=False, allow_nan=False)
