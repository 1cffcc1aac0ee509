"""The assessment on the page (``analysis.assessment.assess``): the summary that opens the overview, the
issue cards, the questions for the grantee, the issues of one district, the index headline. Every function
takes the plain frames / dicts of the agreed interface (a.issues, a.questions, a.targets, a.budget)."""

from __future__ import annotations

import pandas as pd
from markupsafe import Markup

from analysis.present.formats import (
    MISSING,
    _missing,
    approx,
    attainment_ratio,
    fmt_date,
    split_ids,
    split_texts,
)
from analysis.present.labels import has_label, localized_value, place_subtree, section_name, t
from analysis.present.render import render, tech_details
from analysis.present.tables import budget_facts, units_differ
from analysis.present.words import plain

SEVERITIES = ("high", "medium", "low")


def _word(group: str, value, lang: str) -> str:
    key = f"{group}.{value}"
    return t(key, lang) if has_label(key) else MISSING


def targets_met(targets: pd.DataFrame) -> dict:
    """{met, total, differ (targets whose units or definitions differ), approximate (met counts resting on
    an approximate figure)} of ``assess().targets``."""
    if targets is None or targets.empty:
        return {"met": 0, "total": 0, "differ": 0, "approximate": 0}
    ratio = attainment_ratio(targets)
    met = targets["is_met"].fillna(False).astype(bool) if "is_met" in targets else ratio >= 1
    differ = pd.Series([units_differ(r) for _, r in targets.iterrows()], index=targets.index)
    approx_rows = (
        targets.get("is_approximate", pd.Series(False, index=targets.index)).fillna(False).astype(bool)
    )
    return {
        "met": int(met.sum()),
        "total": int(ratio.notna().sum()),
        "differ": int((met & differ).sum()),
        "approximate": int((met & approx_rows).sum()),
    }


def issue_anchor(row) -> str:
    """The anchor of an issue card (by rank: no id is shown)."""
    return f"issue-{int(row.get('rank') or 0)}"


def issue_lines(issues: pd.DataFrame, lang: str, limit: int = 5) -> list[dict]:
    """The top ``limit`` issues as {anchor, severity, severity_word, title} for the summary."""
    if issues is None or issues.empty:
        return []
    out = []
    for _, row in issues.sort_values("rank", kind="stable").head(limit).iterrows():
        sev = str(row.get("severity"))
        out.append(
            {
                "anchor": issue_anchor(row),
                "severity": sev,
                "severity_word": _word("severity", sev, lang),
                "title": plain(localized_value(row, "title", lang), lang),
            }
        )
    return out


def summary(report, assessment, lang: str, limit: int = 5) -> Markup:
    """The block that opens the overview (id="summary"): targets met n of m (a † where units or definitions
    differ), budget execution (printed and recomputed where they differ), the top issues with severity, the
    number of open questions, links to the full lists."""
    targets, issues, questions = assessment.targets, assessment.issues, assessment.questions
    counts = targets_met(targets)
    targets_text = t("summary.targets", lang, met=counts["met"], total=counts["total"])
    if counts["approximate"]:
        targets_text = t("summary.targets_approx", lang, text=targets_text)
    if counts["differ"]:
        targets_text += t("summary.targets_differ", lang, n=counts["differ"])
    budget = assessment.budget or {}
    budget_text = budget_facts(budget, lang)[0] if budget else MISSING
    n_open = 0 if questions is None else len(questions)
    by_sev = issues["severity"].value_counts() if issues is not None and len(issues) else pd.Series(dtype=int)
    counts_text = t("alt.sep", lang).join(
        f"{_word('severity', s, lang)} {int(by_sev[s])}" for s in SEVERITIES if s in by_sev
    )
    return render(
        "summary",
        title=t("summary.title", lang),
        targets=targets_text,
        targets_link=t("summary.targets_link", lang),
        budget=budget_text,
        budget_link=t("summary.budget_link", lang),
        issues_title=t("summary.issues", lang, n=0 if issues is None else len(issues), counts=counts_text),
        issues=issue_lines(issues, lang, limit),
        questions=t("summary.questions", lang, n=n_open),
        all_issues=t("summary.all_issues", lang),
    )


def evidence_table(evidence: list[dict], lang: str) -> tuple[list[str], list[list[str]]]:
    """The pairs behind an issue as (headers, rows): the fields that have a header label
    (``evidence.<field>``, a ``_zh``/``_en`` pair read in the page language, ``section_*`` as section names);
    other fields (ratios, flags) stay in the downloads."""
    if not evidence:
        return [], []
    keys = list(dict.fromkeys(k[:-3] if k.endswith(("_zh", "_en")) else k for k in evidence[0]))
    keys = [k for k in keys if has_label(f"evidence.{k}")]
    if not keys:
        return [], []
    rows = []
    for row in evidence:
        cells = []
        for k in keys:
            value = localized_value(row, k, lang) if f"{k}_zh" in row or f"{k}_en" in row else row.get(k)
            if k.startswith("section") and not _missing(value) and str(value).strip():
                value = section_name(str(value), lang)
            cells.append(MISSING if _missing(value) or not str(value).strip() else plain(value, lang))
        rows.append(cells)
    return [t(f"evidence.{k}", lang) for k in keys], rows


def issue_cards(issues: pd.DataFrame, lang: str, empty_key: str = "issues.none") -> Markup:
    """Each issue a card: severity and title, why it matters, the likely explanation, the question for the
    grantee, review status and note, how materiality was measured, the quotes (and evidence rows) folded in
    <details>, ids folded in a technical-details block."""
    if issues is None or issues.empty:
        return render("empty", text=t(empty_key, lang))
    cards = []
    for _, row in issues.sort_values("rank", kind="stable").iterrows():
        sev, status = str(row.get("severity")), str(row.get("status") or "open")
        quotes = split_texts(row.get("quotes"))
        evidence = row.get("evidence")
        evidence = list(evidence) if isinstance(evidence, (list, tuple)) else []
        ev_heads, ev_rows = evidence_table(evidence, lang)
        review = []
        for key in ("reviewer", "review_date"):
            value = row.get(key)
            if not _missing(value) and str(value).strip():
                review.append(fmt_date(value, lang) if key == "review_date" else str(value))
        tech = [
            (t("tech.issue", lang), str(row.get("issue_id") or "")),
            (t("tech.kind", lang), str(row.get("kind") or "")),
            (t("tech.findings", lang), ", ".join(split_ids(row.get("finding_ids")))),
            (t("tech.figures", lang), ", ".join(split_ids(row.get("figure_ids")))),
        ]
        cards.append(
            {
                "anchor": issue_anchor(row),
                "severity": sev,
                "severity_word": _word("severity", sev, lang),
                "title": plain(localized_value(row, "title", lang), lang),
                "rows": [
                    (t("issue.impact", lang), plain(localized_value(row, "impact", lang), lang)),
                    (t("issue.explanation", lang), plain(localized_value(row, "explanation", lang), lang)),
                    (t("issue.question", lang), plain(localized_value(row, "question", lang), lang)),
                    (t("issue.materiality", lang), plain(localized_value(row, "materiality", lang), lang)),
                ],
                "status": status,
                "status_word": _word("review", status, lang),
                "status_label": t("issue.status", lang),
                "note": None
                if _missing(row.get("note")) or not str(row.get("note")).strip()
                else str(row.get("note")),
                "review": " · ".join(review),
                "evidence_summary": t("issue.evidence", lang, n=len(quotes)),
                "quotes": quotes,
                "evidence_heads": ev_heads,
                "evidence_rows": ev_rows,
                "tech": tech_details(lang, tech),
            }
        )
    return render("issues", cards=cards)


def questions_list(questions: pd.DataFrame, lang: str) -> Markup:
    """The open questions for the grantee, in rank order, each linked to its issue."""
    if questions is None or questions.empty:
        return render("empty", text=t("questions.none", lang))
    items = [
        {
            "anchor": f"issue-{int(r.get('rank') or 0)}",
            "severity": str(r.get("severity")),
            "severity_word": _word("severity", r.get("severity"), lang),
            "text": plain(localized_value(r, "question", lang), lang),
        }
        for _, r in questions.sort_values("rank", kind="stable").iterrows()
    ]
    return render("questions", items=items, link=t("questions.link", lang))


def issues_for(issues: pd.DataFrame, report, place_id: str, figure_ids) -> pd.DataFrame:
    """The issues that involve the place (or a place inside it) or one of ``figure_ids``."""
    if issues is None or issues.empty:
        return issues
    inside, ids = set(place_subtree(report, place_id)), set(figure_ids)
    keep = [
        bool(set(split_ids(r.get("place_ids"))) & inside or set(split_ids(r.get("figure_ids"))) & ids)
        for _, r in issues.iterrows()
    ]
    return issues[pd.Series(keep, index=issues.index, dtype=bool)]


def headline(assessment, lang: str) -> str:
    """The one-line summary of the overview for the index: targets met, execution, issues, questions."""
    counts = targets_met(assessment.targets)
    budget = assessment.budget or {}
    rate = budget.get("execution_printed")
    if _missing(rate):
        rate = budget.get("execution_recomputed")
    from analysis.present.formats import fmt_pct

    n_issues = 0 if assessment.issues is None else len(assessment.issues)
    high = 0 if not n_issues else int((assessment.issues["severity"] == "high").sum())
    return t(
        "index.headline.overview",
        lang,
        met=counts["met"],
        total=counts["total"],
        execution=approx(fmt_pct(rate, lang), lang, False),
        n_issues=n_issues,
        n_high=high,
        n_questions=0 if assessment.questions is None else len(assessment.questions),
    )


# --- the consistency findings (closeout check), for pages built without the assessment


def findings_for(findings: pd.DataFrame, report, place_id: str, figure_ids) -> pd.DataFrame:
    """The findings that involve the place (or a place inside it) or one of ``figure_ids``."""
    return issues_for(findings, report, place_id, figure_ids) if len(findings) else findings


def findings_html(findings: pd.DataFrame, lang: str, empty_key: str = "findings.none") -> Markup:
    """Each finding: severity, message, its quotes folded, the suggested explanation; ids folded away."""
    if findings.empty:
        return render("empty", text=t(empty_key, lang))
    cards = []
    for _, row in findings.iterrows():
        sev = str(row.get("severity"))
        cards.append(
            {
                "anchor": "",
                "severity": sev,
                "severity_word": _word("severity", sev, lang),
                "title": plain(localized_value(row, "message", lang), lang),
                "rows": [
                    (t("finding.explanation", lang), plain(localized_value(row, "explanation", lang), lang))
                ],
                "status": "",
                "status_word": None,
                "status_label": None,
                "note": None,
                "review": "",
                "evidence_summary": t("issue.evidence", lang, n=len(split_texts(row.get("quotes")))),
                "quotes": split_texts(row.get("quotes")),
                "evidence_heads": [],
                "evidence_rows": [],
                "tech": tech_details(
                    lang,
                    [
                        (t("tech.check", lang), str(row.get("check_id") or "")),
                        (t("tech.figures", lang), ", ".join(split_ids(row.get("figure_ids")))),
                    ],
                ),
            }
        )
    return render("issues", cards=cards)
