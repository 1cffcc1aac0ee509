"""A stand-in for ``analysis.assessment.assess`` with its interface (the same attributes and columns), built from the
consistency findings (their ids, quotes and places; plain wording): lets the page blocks be tested on their
own, with hostile text where a test puts it."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd

from analysis import checks, metrics

SEVERITY = {"error": "high", "warning": "medium", "info": "low"}


def fake_assess(report, profile: str = "default") -> SimpleNamespace:
    """issues / questions / targets / budget frames and dict shaped like ``assess()``'s."""
    findings = checks.run_checks(report, profile).reset_index(drop=True)
    rows = []
    for i, f in findings.iterrows():
        rows.append(
            {
                "issue_id": f"I{i + 1:03d}",
                "rank": i + 1,
                "severity": SEVERITY.get(str(f["severity"]), "low"),
                "kind": str(f["check_id"]).split(":")[0],
                "title_zh": f"第 {i + 1} 个问题：{f['kind'] if 'kind' in f else ''}数字不一致",
                "title_en": f"Issue {i + 1}: figures disagree",
                "explanation_zh": "可能是笔误。",
                "explanation_en": "Probably a typing slip.",
                "impact_zh": "影响预算合计。",
                "impact_en": "It changes the budget total.",
                "question_zh": f"请说明第 {i + 1} 个问题。",
                "question_en": f"Please explain issue {i + 1}.",
                "materiality": float(len(findings) - i),
                "materiality_zh": "按涉及金额衡量。",
                "materiality_en": "Measured by the amount involved.",
                "finding_ids": f"F{i:03d}",
                "figure_ids": f.get("figure_ids"),
                "place_ids": f.get("place_ids"),
                "quotes": [q for q in str(f.get("quotes") or "").split(" | ") if q],
                "evidence": [],
                "status": "open" if i % 3 else "queried",
                "note": "" if i % 3 else "已发邮件询问",
                "reviewer": "" if i % 3 else "审阅人",
                "review_date": None if i % 3 else "2020-04-10",
            }
        )
    issues = pd.DataFrame(rows)
    questions = issues.loc[
        issues["status"] == "open", ["rank", "issue_id", "severity", "question_zh", "question_en", "status"]
    ]
    variance = metrics.budget_variance(report, profile)
    total = variance[variance["level"] == "total"].iloc[0]
    printed = float(report.budget.loc[report.budget["row_type"] == "total", "actual_yuan"].iloc[0])
    lines = variance[(variance["level"] == "line") & variance["needs_explanation"].fillna(False)]
    budget = {
        "printed_total_yuan": printed,
        "recomputed_total_yuan": float(total["actual_yuan"]),
        "budget_total_yuan": float(total["budget_yuan"]),
        "execution_printed": printed / float(total["budget_yuan"]),
        "execution_recomputed": float(total["actual_yuan"]) / float(total["budget_yuan"]),
        "correction": None,
        "lines_needing_explanation": [
            {
                "line_id": r["line_id"],
                "line_zh": r["line_zh"],
                "line_en": r["line_en"],
                "variance_yuan": r["variance_yuan"],
                "variance_pct": r["variance_pct"],
                "explained": j == 0,
                "explanation_quote": "因疫情物价上涨" if j == 0 else None,
                "section": "二",
            }
            for j, (_, r) in enumerate(lines.iterrows())
        ],
    }
    targets = metrics.target_attainment(report).assign(why_zh="取最新数字。", why_en="The latest figure.")
    return SimpleNamespace(issues=issues, questions=questions, targets=targets, budget=budget)
