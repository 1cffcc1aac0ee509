"""The assessment of the seed report: issues (one cause, one issue), ranking by materiality, wording, stable ids."""

from __future__ import annotations

import re

import pytest

from analysis.assessment import ISSUE_COLUMNS, QUESTION_COLUMNS, assess

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
        for key in ("title_zh", "title_en", "question_zh", "question_en"):
            assert not ID_LIKE.search(row[key]), (key, row[key])


def test_ids_are_stable_across_runs(seed):
    """The same data gives the same issue ids."""
    assert list(assess(seed).issues["issue_id"]) == list(assess(seed).issues["issue_id"])
