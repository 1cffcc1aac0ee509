"""From findings to a ranked assessment an evaluator can review.

``assess(report, profile)`` groups the findings of :func:`analysis.checks.run_checks` into issues (one cause, one
issue: :mod:`~analysis.assessment.grouping`), measures how much each matters to the funder
(:mod:`~analysis.assessment.materiality`, against :mod:`~analysis.assessment.context`), words it for a funder and
the grantee (:mod:`~analysis.assessment.wording`, with :mod:`~analysis.assessment.wording_budget`,
:mod:`~analysis.assessment.wording_figures` and :mod:`~analysis.assessment.phrases`; numbers with their
uncertainty from :mod:`~analysis.assessment.numbers`), gives it a stable id (:mod:`~analysis.assessment.ids`) and
joins the evaluator's review log (reviews.csv). The budget readings are :mod:`~analysis.assessment.budget`, the
targets :mod:`~analysis.assessment.targets`; :mod:`~analysis.assessment.export` writes the workbook and
:mod:`~analysis.assessment.summary` is ``closeout summary`` / ``closeout questions``. See docs/assessment.md.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field

import pandas as pd

from analysis import checks, metrics, snapshot
from analysis.assessment import budget as budget_mod
from analysis.assessment.grouping import INFORMATION, group_findings
from analysis.assessment.ids import unique_ids
from analysis.assessment.materiality import SEVERITY_RANK, context, measure
from analysis.assessment.targets import targets as target_table
from analysis.assessment.wording import describe, impact
from analysis.load import Report

ISSUE_COLUMNS = [
    "issue_id",
    "rank",
    "severity",
    "kind",
    "title_zh",
    "title_en",
    "explanation_zh",
    "explanation_en",
    "impact_zh",
    "impact_en",
    "question_zh",
    "question_en",
    "materiality",
    "materiality_zh",
    "materiality_en",
    "finding_ids",
    "figure_ids",
    "place_ids",
    "quotes",
    "evidence",
    "status",
    "note",
    "reviewer",
    "review_date",
]
QUESTION_COLUMNS = ["rank", "issue_id", "severity", "question_zh", "question_en", "status"]
#: Statuses whose question is settled: the issue leaves the list of open questions.
CLOSED = ("resolved", "dismissed")


@dataclass
class Assessment:
    """The assessment of one report under one threshold profile."""

    issues: pd.DataFrame
    questions: pd.DataFrame
    targets: pd.DataFrame
    budget: dict
    profile: str = "default"
    stale_reviews: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        """A JSON-able dict: targets, budget, issues (ranked, with rank, status and note), questions,
        stale_reviews."""
        return _jsonable(
            {
                "profile": self.profile,
                "targets": self.targets.to_dict("records"),
                "budget": self.budget,
                "issues": self.issues.to_dict("records"),
                "questions": self.questions.to_dict("records"),
                "stale_reviews": self.stale_reviews,
            }
        )


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.date().isoformat()
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float):
        return None if math.isnan(value) else (None if math.isinf(value) else value)
    if isinstance(value, (str, int, bool)):
        return value
    try:
        json.dumps(value)
        return value
    except TypeError:
        return str(value)


def current_reviews(report: Report) -> pd.DataFrame:
    """The latest review of each issue in reviews.csv (by date, then by row order), indexed by issue_id.

    Columns: status, note, reviewer, date, row (the spreadsheet row, header = 1).
    """
    reviews = report.tables.get("reviews")
    cols = ["status", "note", "reviewer", "date", "row"]
    if reviews is None or reviews.empty:
        return pd.DataFrame(columns=cols).rename_axis("issue_id")
    r = reviews.copy()
    r["row"] = r.index + 2
    r["_date"] = pd.to_datetime(r["date"]).fillna(pd.Timestamp.min)
    r = r.sort_values(["_date", "row"], kind="stable")
    return r.groupby("issue_id", sort=True).tail(1).set_index("issue_id")[cols]


def _causes(report: Report, profile: str):
    findings = budget_mod.memo(report, f"findings:{profile}", lambda: checks.run_checks(report, profile))
    fig = metrics.figures(report)
    cumulative = dict(zip(report.metrics["metric"], report.metrics["is_cumulative"], strict=True))
    causes = group_findings(findings, fig, cumulative)
    return causes, unique_ids([(c.kind, c.terms) for c in causes])


def issue_ids(report: Report, profile: str = "default") -> list[str]:
    """The ids of the issues :func:`assess` would return (unranked), without wording or measuring them."""
    return sorted(_causes(report, profile)[1])


def assess(report: Report, profile: str = "default") -> Assessment:
    """The assessment of a report: ranked issues, open questions, targets and budget (docs/assessment.md).

    ``issues`` columns: issue_id, rank, severity ('high'|'medium'|'low'), kind, title_zh/en, explanation_zh/en,
    impact_zh/en, question_zh/en, materiality (float), materiality_zh/en, finding_ids (';'), figure_ids (';'),
    place_ids (';'), quotes (list of str), evidence (list of dict), status, note, reviewer, review_date.
    Ranked by severity, then information last, then materiality (largest first), then issue_id. Inside
    ``closeout build`` the assessment computed once for the build's snapshot is returned (a copy).
    """
    cached = snapshot.assessment_for(report, profile)
    if cached is not None:
        return cached
    causes, ids = _causes(report, profile)
    budget = budget_mod.budget_summary(report, profile)
    targets = target_table(report)
    ctx = context(report, profile, targets, budget)
    rows = []
    for cause, issue_id in zip(causes, ids, strict=True):
        m = measure(cause, ctx)
        words = describe(cause, m, ctx)
        quotes = []
        for f in cause.findings:
            quotes += [q.strip() for q in str(f.get("quotes") or "").split(" | ") if q.strip()]
        places = []
        for f in cause.findings:
            places += [p for p in str(f.get("place_ids") or "").split(";") if p]
        rows.append(
            {
                "issue_id": issue_id,
                "severity": m.severity,
                "kind": cause.kind,
                "title_zh": words["title_zh"],
                "title_en": words["title_en"],
                "explanation_zh": words["explanation_zh"],
                "explanation_en": words["explanation_en"],
                "impact_zh": impact(m, ctx, "zh"),
                "impact_en": impact(m, ctx, "en"),
                "question_zh": words["question_zh"],
                "question_en": words["question_en"],
                "materiality": _score(m.score),
                "materiality_zh": m.text_zh,
                "materiality_en": m.text_en,
                "finding_ids": ";".join(cause.finding_ids),
                "figure_ids": ";".join(cause.terms),
                "place_ids": ";".join(sorted(dict.fromkeys(places))),
                "quotes": list(dict.fromkeys(quotes)),
                "evidence": words["evidence"],
            }
        )
    issues = pd.DataFrame(
        rows, columns=[c for c in ISSUE_COLUMNS if c not in ("rank", "status", "note", "reviewer", "review_date")]
    )
    if len(issues):
        issues["_sev"] = issues["severity"].map(SEVERITY_RANK)
        issues["_info"] = issues["kind"].isin(INFORMATION)
        issues = issues.sort_values(
            ["_sev", "_info", "materiality", "issue_id"], ascending=[True, True, False, True], kind="stable"
        )
        issues = issues.drop(columns=["_sev", "_info"]).reset_index(drop=True)
    issues.insert(1, "rank", range(1, len(issues) + 1))
    reviews = current_reviews(report)
    known = set(issues["issue_id"])
    issues["status"] = [str(reviews.loc[i, "status"]) if i in reviews.index else "open" for i in issues["issue_id"]]
    for col, src in (("note", "note"), ("reviewer", "reviewer")):
        issues[col] = [(_text(reviews.loc[i, src]) if i in reviews.index else "") for i in issues["issue_id"]]
    issues["review_date"] = [
        (reviews.loc[i, "date"].date().isoformat() if i in reviews.index and pd.notna(reviews.loc[i, "date"]) else "")
        for i in issues["issue_id"]
    ]
    issues = issues[ISSUE_COLUMNS]
    unknown = [i for i in reviews.index if i not in known]
    if unknown:  # a review made under another threshold profile is not stale
        for other in dict.fromkeys(metrics.threshold_profiles()["profile"]):
            if other != profile:
                known |= set(_causes(report, other)[1])
    stale = [
        {
            "issue_id": i,
            "row": int(reviews.loc[i, "row"]),
            "status": str(reviews.loc[i, "status"]),
            "note": _text(reviews.loc[i, "note"]),
        }
        for i in reviews.index
        if i not in known
    ]
    open_ = issues[~issues["status"].isin(CLOSED)]
    questions = open_[QUESTION_COLUMNS].reset_index(drop=True)
    return Assessment(
        issues=issues, questions=questions, targets=targets, budget=budget, profile=profile, stale_reviews=stale
    )


#: The materiality shown for an infinite gap (one of the conflicting values is 0), so that JSON stays valid.
INFINITE_MATERIALITY = 1e9


def _score(value: float) -> float:
    if value is None or math.isnan(value):
        return 0.0  # nothing to measure (a rule that cannot be evaluated)
    return float(value) if math.isfinite(value) else INFINITE_MATERIALITY


def _text(value) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


__all__ = ["Assessment", "assess", "issue_ids", "current_reviews", "ISSUE_COLUMNS", "QUESTION_COLUMNS", "CLOSED"]
