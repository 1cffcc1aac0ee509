"""From findings to causes: the findings that one cause explains become one issue.

Rules (each finding lands in exactly one cause; nothing is dropped):

- Budget arithmetic (failed row and column sums, the grant against the table) and the single-cell
  localisation are one cause: one mistyped cell when one correction explains every failed sum, otherwise
  "errors in the table that no single cell explains", with the failed sums as evidence.
- The same measure reported twice: every pair of its figures is classified (contradiction, a revision of a
  running total, a difference of scope). A finding with a contradiction joins the cause of its worst pair's
  verdict and pair of sections (undated totals that differ between the same two sections are one cause, with
  a table of the pairs, largest gap first). A finding whose pairs are only revisions joins the one
  "revisions" cause (information); one whose pairs are only differences of scope is its own low cause.
- A stated count against its list, a narrative claim against the table (a rule of rules.csv), a part larger
  than its whole, a budget line over its threshold: each finding its own cause.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from analysis import checks, metrics

BUDGET_KINDS = ("budget_remaining", "budget_sum", "budget_grant", "localise")
#: Verdicts of a pair of figures of the same measure that are contradictions (not revisions or scope).
CONTRADICTIONS = ("undated", "same_date", "decrease")
#: Kinds of issue that are information rather than problems (ranked after the others).
INFORMATION = ("revision", "change", "scope")


@dataclass
class Cause:
    """One cause: its kind, the findings it explains and what they are about.

    ``pairs`` (conflicts, revisions, scope): dicts with a, b (figure ids, earlier first), verdict, gap (the
    relative gap between the two values' intervals: larger.lo ÷ smaller.hi − 1) and ratio (larger ÷ smaller as
    printed).
    """

    kind: str
    findings: list[dict] = field(default_factory=list)
    pairs: list[dict] = field(default_factory=list)
    data: dict = field(default_factory=dict)

    @property
    def terms(self) -> list[str]:
        """Every figure id and budget cell of its findings, sorted."""
        out = set()
        for f in self.findings:
            out.update(t for t in str(f.get("figure_ids") or "").split(";") if t)
        return sorted(out)

    @property
    def finding_ids(self) -> list[str]:
        return [str(f["check_id"]) for f in self.findings]


def pair_gap(a: pd.Series, b: pd.Series) -> tuple[float, float]:
    """(relative gap between the intervals, ratio of the printed values), the larger over the smaller.

    >>> pair_gap(pd.Series({"lo": 42.0, "hi": 42.0, "value": 42.0}),
    ...          pd.Series({"lo": 1302.0, "hi": 1302.0, "value": 1302.0}))[1] > 30
    True
    """
    small, big = (a, b) if float(a["value"]) <= float(b["value"]) else (b, a)
    hi = float(small["hi"])
    gap = max(0.0, float(big["lo"]) / hi - 1) if hi > 0 else math.inf
    ratio = float(big["value"]) / float(small["value"]) if float(small["value"]) else math.inf
    return gap, ratio


def classify_pairs(ids: list[str], fig: pd.DataFrame, cumulative: bool) -> list[dict]:
    """Every disagreeing pair of a series of figures of one measure (in time order), classified."""
    order = metrics.series_order(fig.loc[ids])
    out = []
    for i in range(len(order)):
        for j in range(i + 1, len(order)):
            a, b = fig.loc[order[i]], fig.loc[order[j]]
            result = checks.classify_pair(a, b, cumulative)
            if not result:
                continue
            gap, ratio = pair_gap(a, b)
            out.append({"a": order[i], "b": order[j], "verdict": result[1], "gap": gap, "ratio": ratio})
    return sorted(out, key=lambda p: (-p["gap"], p["a"], p["b"]))


def _rule_kind(finding: dict) -> str:
    terms = [t for t in str(finding.get("figure_ids") or "").split(";") if t]
    has_cell = any(t.startswith("budget.") for t in terms)
    has_figure = any(not t.startswith("budget.") for t in terms)
    return "narrative" if has_cell and has_figure else "rule"


def group_findings(findings: pd.DataFrame, fig: pd.DataFrame, cumulative: dict[str, bool]) -> list[Cause]:
    """The causes of a findings table (as :func:`analysis.checks.run_checks` returns it), in a stable order.

    ``fig`` is :func:`analysis.metrics.figures`; ``cumulative`` maps a metric to metrics.csv's is_cumulative.
    """
    rows = findings.sort_values("check_id", kind="stable").to_dict("records")
    causes: list[Cause] = []
    budget = [r for r in rows if r["kind"] in BUDGET_KINDS]
    if budget:
        causes += _budget_causes(budget)
    keyed: dict[tuple, Cause] = {}
    revisions = Cause("revision")
    for r in rows:
        kind = r["kind"]
        if kind in BUDGET_KINDS:
            continue
        if kind == "same_metric":
            ids = [t for t in str(r["figure_ids"]).split(";") if t in fig.index]
            metric = fig.loc[ids[0], "metric"] if ids else ""
            pairs = classify_pairs(ids, fig, bool(cumulative.get(metric, False))) if ids else []
            bad = [p for p in pairs if p["verdict"] in CONTRADICTIONS]
            if bad:
                worst = bad[0]
                sections = tuple(sorted((fig.loc[worst["a"], "section"], fig.loc[worst["b"], "section"])))
                key = ("conflict", worst["verdict"], sections)
                cause = keyed.setdefault(
                    key, Cause("conflict", data={"verdict": worst["verdict"], "sections": sections})
                )
            elif not pairs:
                cause = Cause("rule")  # nothing to classify: worded from the finding itself
                causes.append(cause)
            elif all(p["verdict"] == "scope" for p in pairs):
                cause = Cause("scope")
                causes.append(cause)
            elif any(p["verdict"] == "changed" for p in pairs):
                cause = Cause("change")  # a count that is not a running total changed between two reports
                causes.append(cause)
            else:
                cause = revisions
            cause.findings.append(r)
            cause.pairs += [dict(p, metric=metric) for p in pairs]
            continue
        if kind == "rule":
            cause = Cause(_rule_kind(r))
        elif kind in ("threshold", "part_whole", "list_count"):
            cause = Cause(kind)
        else:
            cause = Cause("rule")  # a kind of check this module does not know: its own cause
        cause.findings.append(r)
        causes.append(cause)
    causes += list(keyed.values())
    if revisions.findings:
        causes.append(revisions)
    for cause in causes:
        cause.pairs.sort(key=lambda p: (p["verdict"] not in CONTRADICTIONS, -p["gap"], p["a"], p["b"]))
    return causes


def _budget_causes(budget: list[dict]) -> list[Cause]:
    """All budget arithmetic is one cause: one mistyped cell when the localisation finds one correction that
    explains every failed sum (``single_correction``), otherwise errors in the table that no one cell explains."""
    local = [r for r in budget if r["kind"] == "localise"]
    single = bool(local) and bool(str(local[0].get("explanation_zh") or "").strip())
    return [Cause("budget_arithmetic", findings=budget, data={"single_correction": single})]
