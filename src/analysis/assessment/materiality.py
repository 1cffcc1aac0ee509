"""How much an issue matters to the funder's judgement: one documented number per issue, and a severity derived
from it (never from the kind of check that found it).

``materiality`` is a unitless score:

- **money** (budget arithmetic, a line over its threshold, a narrative amount against the table): the money at
  stake divided by the funder's tolerance, i.e. the grant × the threshold profile's percentage (default: 10 %
  of the grant, so 1.0 means "as large as the variance the funder accepts without an explanation"). The
  profile therefore changes money materiality; an amount below the profile's floor is never more than low.
- **conflicting values** (the same measure twice, a count against its list, a rule between figures): the
  relative gap between the two readings' intervals, larger.lo ÷ smaller.hi − 1 (42 against 1302 → 30.0;
  rounding of 余/多/约 never counts as a gap). A part larger than its whole is measured against the largest
  project total (0 when it fits one of them: it only shows a smaller total incomplete).
- **information** (a running total revised upwards later, an organisation-wide against a project figure):
  0 — the readings do not compete, nothing changes.

Severity: **high** when a target verdict (met / not met) changes under the other reading, or the score is at
least 1 (money at least the funder's tolerance; one value at least twice the other); **medium** when the score
is at least 0.5, or at least 0.1 for an issue that touches money or a headline figure (a target attainment, the
budget total, a cost per output, an output per worker), or when a budget line's "needs an explanation" verdict
changes; **low** otherwise, and whenever the amount is below the profile's floor. A variance the report itself
explains (budget.csv's explanation_quote or remark, or a narrative rule about the line) is one level lower.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from analysis import checks, expressions, metrics
from analysis.assessment import budget as budget_mod
from analysis.assessment.context import Context, context, headlines_of, target_flips, term_uncertain
from analysis.assessment.grouping import CONTRADICTIONS, Cause
from analysis.assessment.numbers import figure_text, num, section_text, times

HIGH, MEDIUM, LOW = "high", "medium", "low"
SEVERITY_RANK = {HIGH: 0, MEDIUM: 1, LOW: 2}
HIGH_AT = 1.0
MEDIUM_AT = 0.5
MEDIUM_HEADLINE_AT = 0.1

__all__ = ["Context", "Measure", "context", "measure", "SEVERITY_RANK", "HIGH", "MEDIUM", "LOW"]


@dataclass
class Measure:
    """The materiality of one cause and what it rests on (wording reads these)."""

    score: float
    basis: str  # 'money' | 'gap' | 'information'
    severity: str = LOW
    money_yuan: float | None = None
    gap: float | None = None
    ratio: float | None = None
    approximate: bool = False
    target_flips: list[dict] = field(default_factory=list)  # target_id, label_zh/en, now, other
    headlines: list[dict] = field(default_factory=list)  # what: target|cost|intensity|budget_total; labels
    line_flips: list[str] = field(default_factory=list)
    explained: dict | None = None  # the report's own explanation of a budget line
    reading: dict | None = None  # a budget reading that matches a narrative amount
    data: dict = field(default_factory=dict)
    text_zh: str = ""
    text_en: str = ""


def _money_score(ctx: Context, amount: float) -> float:
    tol = ctx.tolerance_yuan
    return abs(amount) / tol if tol and math.isfinite(tol) else 0.0


def _tolerance_text(ctx: Context, amount: float, lang: str) -> str:
    tol = ctx.tolerance_yuan
    if not tol or not math.isfinite(tol):
        return (
            f"涉及金额 {num(abs(amount))} 元（报告没有给出项目预算，无法与资助方容许的偏差比较）。"
            if lang == "zh"
            else f"{num(abs(amount))} yuan at stake (the report gives no grant to compare it with)."
        )
    share = abs(amount) / tol
    of_grant = _pct_text(abs(amount) / ctx.grant_yuan)
    below = bool(ctx.floor_yuan and abs(amount) < ctx.floor_yuan)
    if lang == "zh":
        text = (
            f"按涉及金额衡量：{num(abs(amount))} 元，占项目预算 {num(ctx.grant_yuan)} 元的 {of_grant}，是资助方"
            f"容许偏差（预算的 {num(ctx.pct)}%，即 {num(tol)} 元）的 {_pct_text(share)}。"
        )
        return text + (f"该金额低于资助方要求说明的最低金额 {num(ctx.floor_yuan)} 元。" if below else "")
    text = (
        f"Measured by the money at stake: {num(abs(amount))} yuan, {of_grant} of the {num(ctx.grant_yuan)} yuan "
        f"grant and {_pct_text(share)} of the variance the funder accepts ({num(ctx.pct)} % of the grant, "
        f"{num(tol)} yuan)."
    )
    return text + (f" It is below the funder's floor of {num(ctx.floor_yuan)} yuan." if below else "")


def _pct_text(share: float) -> str:
    """A share as a percentage with enough digits to be non-zero: 0.03%, 3.8%, 120%.

    >>> _pct_text(9 / 30000), _pct_text(1146 / 30000), _pct_text(1.2)
    ('0.03%', '3.8%', '120%')
    """
    pct = share * 100
    if pct >= 100:
        return f"{pct:.0f}%"
    if pct >= 1 or pct == 0:
        return f"{pct:.1f}%".replace(".0%", "%")
    digits = max(1, -math.floor(math.log10(pct)))
    return f"{pct:.{digits}f}%"


def _severity(
    m: Measure, touches_headline: bool, information: bool = False, capped: bool = False, explained: bool = False
) -> str:
    """The severity rules of the module docstring; ``capped``: below the profile's floor (low); ``explained``:
    the report explains the variance itself (one level lower)."""
    if information:
        return LOW
    if m.target_flips:
        return HIGH
    if capped:
        return LOW
    if m.score >= HIGH_AT:
        level = HIGH
    elif m.score >= MEDIUM_AT or m.line_flips:
        level = MEDIUM
    elif m.score >= MEDIUM_HEADLINE_AT and (touches_headline or m.basis == "money"):
        level = MEDIUM
    else:
        level = LOW
    if explained:
        level = {HIGH: MEDIUM, MEDIUM: LOW, LOW: LOW}[level]
    return level


def measure(cause: Cause, ctx: Context) -> Measure:
    """The materiality, severity and the one-sentence basis (zh, en) of a cause."""
    fn = {
        "budget_arithmetic": _budget,
        "threshold": _threshold,
        "narrative": _narrative,
        "rule": _rule,
        "conflict": _conflict,
        "part_whole": _part_whole,
        "list_count": _list_count,
    }.get(cause.kind, _information)
    return fn(cause, ctx)


def _information(cause: Cause, ctx: Context) -> Measure:
    m = Measure(0.0, "information")
    m.severity = LOW
    ids = {t for p in cause.pairs for t in (p["a"], p["b"])}
    m.headlines = headlines_of(ctx, ids, cause.pairs)
    if cause.kind == "change":
        m.text_zh = "属于信息：这不是累计数，两次报告之间的变化不构成矛盾，主要数字不因此改变（重要性为 0）。"
        m.text_en = (
            "Information: the count is not a running total, so a change between two reports is no "
            "contradiction and no headline figure changes (materiality 0)."
        )
    elif cause.kind == "revision":
        m.text_zh = "属于信息：较晚的累计数字取代较早的，两者并不冲突，主要数字不因此改变（重要性为 0）。"
        m.text_en = (
            "Information: a later running total supersedes an earlier one; they do not compete and no "
            "headline figure changes (materiality 0)."
        )
    else:
        m.text_zh = "属于信息：一个是机构整体数字，一个是本项目数字，二者不必一致（重要性为 0）。"
        m.text_en = (
            "Information: one figure is organisation-wide and the other for the project, so they need not "
            "agree (materiality 0)."
        )
    return m


def _budget(cause: Cause, ctx: Context) -> Measure:
    report = ctx.report
    full = ctx.full if cause.data.get("single_correction") else []
    if full:
        amount = max(abs(c.new - c.old) for c in full)
    else:
        values = checks.Values(ctx.fig, *checks.budget_cells(report))
        ids = {i.check_id: i for i in checks.budget_identities(report)}
        res = [abs(ids[f].residual(values)[0]) for f in cause.finding_ids if f in ids]
        amount = max(res) if res else 0.0
    m = Measure(_money_score(ctx, amount), "money", money_yuan=amount)
    if len(full) == 1:
        c = full[0]
        other = budget_mod.with_cell(report, c.cell, c.new)
        before = budget_mod.variance(report, ctx.profile).set_index("line_id")["needs_explanation"]
        after = metrics.budget_variance(other, ctx.profile).set_index("line_id")["needs_explanation"]
        m.line_flips = [line for line in before.index if bool(before[line]) != bool(after.get(line, before[line]))]
        m.data["correction"] = c
        m.data["corrected_total"] = float(metrics.budget_lines(other)["actual_yuan"].sum())
    m.headlines = [{"what": "budget_total"}] + [
        {"what": "cost", "figure_id": f, "label_zh": lab, "label_en": str(ctx.fig.loc[f, "metric_en"])}
        for f, lab in ctx.key_output_figures.items()
    ]
    m.severity = _severity(m, True, capped=bool(ctx.floor_yuan and amount < ctx.floor_yuan))
    m.text_zh, m.text_en = _tolerance_text(ctx, amount, "zh"), _tolerance_text(ctx, amount, "en")
    return m


def _variance_row(ctx: Context, cells: set[str]) -> pd.Series | None:
    variance = budget_mod.variance(ctx.report, ctx.profile)
    for _, r in variance.iterrows():
        if set(r["budget_cells"].split(";")) | set(r["actual_cells"].split(";")) == cells:
            return r
    return None


def _threshold(cause: Cause, ctx: Context) -> Measure:
    cells = set(cause.terms)
    row = _variance_row(ctx, cells)
    if row is None:
        return _rule(cause, ctx)  # the row the finding names is not in the variance table: measured as a rule
    amount = float(row["variance_yuan"]) if row is not None else 0.0
    m = Measure(_money_score(ctx, amount), "money", money_yuan=amount)
    if row is not None:
        m.data["row"] = row.to_dict()
        m.explained = budget_mod.explanations(ctx.report).get(row["line_id"])
    m.headlines = [{"what": "budget_line"}]
    m.severity = _severity(
        m, True, capped=bool(ctx.floor_yuan and abs(amount) < ctx.floor_yuan), explained=m.explained is not None
    )
    m.text_zh, m.text_en = _tolerance_text(ctx, amount, "zh"), _tolerance_text(ctx, amount, "en")
    if m.explained is not None:
        m.text_zh += "报告对这一偏差作了说明。"
        m.text_en += " The report explains this variance."
    return m


def _rule_sides(cause: Cause, ctx: Context, cells_override: dict | None = None):
    rid = next((r for f in cause.findings for r in str(f.get("rule_ids") or "").split(";") if r), None)
    rules = ctx.report.rules.set_index("rule_id")
    if rid is None or rid not in rules.index:
        return None
    rule = rules.loc[rid]
    cells, quotes = checks.budget_cells(ctx.report)
    cells.update(cells_override or {})
    values = checks.Values(ctx.fig, cells, quotes)

    def side(expr):
        node = expressions.parse(str(expr))
        linear = expressions.linear_terms(node)
        # a ratio or product has no coefficients: its references stand in, marked by a coefficient of 0
        terms = linear if linear is not None else [(0.0, ref) for ref in node.refs()]
        return terms, expressions.interval(node, values.interval)

    return rule, side(rule["left"]), side(rule["right"])


def _distance(a: tuple[float, float], b: tuple[float, float]) -> float:
    """How far apart two intervals are (0 when they overlap; NaN when a side cannot be computed)."""
    if any(math.isnan(v) for v in (*a, *b)):
        return math.nan
    return max(0.0, a[0] - b[1], b[0] - a[1])


def _narrative(cause: Cause, ctx: Context) -> Measure:
    sides = _rule_sides(cause, ctx)
    if sides is None:
        return _rule(cause, ctx)
    rule, (lterms, left), (rterms, right) = sides
    # which side is the table (budget cells) and which the narrative figure
    if any(t.startswith("budget.") for _, t in lterms):
        table_terms, table, story_terms, story = lterms, left, rterms, right
    else:
        table_terms, table, story_terms, story = rterms, right, lterms, left
    gap = _distance(table, story)
    correction = ctx.full[0] if len(ctx.full) == 1 else None
    corrected = None
    if correction is not None and correction.cell in {t for _, t in table_terms}:
        corrected = _rule_sides(cause, ctx, {correction.cell: correction.new})
        if corrected is not None:
            ct = corrected[1][1] if any(t.startswith("budget.") for _, t in lterms) else corrected[2][1]
            gap = _distance(ct, story)
            corrected = ct
    own_cells = {t for _, t in table_terms if t.startswith("budget.")}
    story_fig = next((t for _, t in story_terms if t in ctx.fig.index), None)
    matches = budget_mod.matching_readings(
        ctx.report, story[0], story[1], exclude_cells=own_cells, what=_what_of(table_terms)
    )
    m = Measure(0.0 if matches else _money_score(ctx, gap), "money", money_yuan=gap)
    m.reading = matches[0] if matches else None
    m.data.update(
        {
            "table": table,
            "story": story,
            "corrected": corrected,
            "story_figure": story_fig,
            "cells": sorted(own_cells),
            "rule": rule,
        }
    )
    m.headlines = []
    m.severity = _severity(m, False)
    zh, en = _tolerance_text(ctx, gap, "zh"), _tolerance_text(ctx, gap, "en")
    if m.reading is not None:
        r = m.reading
        zh = (
            f"按另一种读法衡量：报告中的数字与预算表「{r['name_zh']}」的{budget_mod.READING_ZH[r['what']]} "
            f"{num(r['value_yuan'])} 元"
            f"相符，差距为 0；若理解为该行本身，差 {num(gap)} 元。"
        )
        en = (
            f"Measured under the other reading: the narrative amount matches the {budget_mod.READING_EN[r['what']]} of "
            f"{r['name_en']} in the budget table ({num(r['value_yuan'])} yuan), a gap of 0; read as the line "
            f"itself it is {num(gap)} yuan off."
        )
    m.text_zh, m.text_en = zh, en
    return m


def _what_of(terms: list[tuple[float, str]]) -> str | None:
    """'overrun' for actual − budget, 'saving' for budget − actual (of one line), else None."""
    if any(c == 0 for c, _ in terms):
        return None  # not a sum
    signs = {t.split(".")[2]: c for c, t in terms if t.startswith("budget.")}
    if set(signs) == {"actual_yuan", "budget_yuan"} and len({t.split(".")[1] for _, t in terms}) == 1:
        return "overrun" if signs["actual_yuan"] > 0 else "saving"
    return None


def _rule(cause: Cause, ctx: Context) -> Measure:
    sides = _rule_sides(cause, ctx)
    ids = set(cause.terms)
    if sides is None:
        m = Measure(0.0, "gap")
        m.text_zh = "无法计算这条规则涉及的差距。"
        m.text_en = "The gap this rule involves cannot be computed."
        m.headlines = headlines_of(ctx, ids)
        return m
    rule, (lterms, left), (rterms, right) = sides
    money = any(t.startswith("budget.") for _, t in lterms + rterms)
    gap = _distance(left, right)
    if math.isnan(gap):
        m = Measure(0.0, "gap")
        m.text_zh = "这条关系无法计算（有空白单元格或除数为零），因此无法衡量差距（重要性记为 0）。"
        m.text_en = "The relation cannot be computed (an empty cell or a zero divisor), so no gap is measured (0)."
        m.headlines = headlines_of(ctx, ids)
        m.severity = LOW
        return m
    if money:
        m = Measure(_money_score(ctx, gap), "money", money_yuan=gap)
        m.text_zh, m.text_en = _tolerance_text(ctx, gap, "zh"), _tolerance_text(ctx, gap, "en")
    else:
        size = max(min(abs(left[1]), abs(right[1])), 1e-9)
        if any(math.isnan(v) for v in (*left, *right)):
            rel = 0.0
        else:
            rel = gap / size if math.isfinite(size) else 0.0
        m = Measure(rel, "gap", gap=rel)
        m.text_zh = f"按差距衡量：两边相差 {num(gap)}，为较小一边的 {rel:.1%}。"
        m.text_en = f"Measured by the gap: the two sides differ by {num(gap)}, {rel:.1%} of the smaller side."
    m.approximate = any(term_uncertain(ctx, t) for _, t in lterms + rterms)
    m.headlines = headlines_of(ctx, ids)
    m.severity = _severity(m, bool(m.headlines))
    return m


def _conflict(cause: Cause, ctx: Context) -> Measure:
    bad = [p for p in cause.pairs if p["verdict"] in CONTRADICTIONS]
    worst = bad[0]
    m = Measure(worst["gap"], "gap", gap=worst["gap"], ratio=worst["ratio"])
    m.approximate = term_uncertain(ctx, worst["a"]) or term_uncertain(ctx, worst["b"])
    ids = {t for p in bad for t in (p["a"], p["b"])}
    m.headlines = headlines_of(ctx, ids, bad)
    m.target_flips = target_flips(ctx, bad)
    m.severity = _severity(m, bool(m.headlines))
    a, b = ctx.fig.loc[worst["a"]], ctx.fig.loc[worst["b"]]
    small, big = (a, b) if a["value"] <= b["value"] else (b, a)
    approx_zh = "（由约数计算，为近似值）" if m.approximate else ""
    approx_en = " (from an approximate figure, so itself approximate)" if m.approximate else ""
    many_zh = f"{len(bad)} 组数字中差距最大的一组：" if len(bad) > 1 else ""
    many_en = f"the largest of {len(bad)} gaps: " if len(bad) > 1 else ""
    m.text_zh = (
        f"按相互矛盾的两个数字之比衡量，{many_zh}{section_text(big['section'], 'zh')}的 {figure_text(big, 'zh')}"
        f"是{section_text(small['section'], 'zh')}的 {figure_text(small, 'zh')} 的 {times(worst['ratio'])} 倍"
        f"{approx_zh}。"
    )
    m.text_en = (
        f"Measured by the ratio of the conflicting values, {many_en}{figure_text(big, 'en')} in "
        f"{section_text(big['section'], 'en')} is {times(worst['ratio'])} times the "
        f"{figure_text(small, 'en')} in {section_text(small['section'], 'en')}{approx_en}."
    )
    if m.target_flips:
        m.text_zh += "按另一个数字，目标是否达成的结论会改变。"
        m.text_en += " Under the other figure a target's verdict (met or not) changes."
    return m


def _part_whole(cause: Cause, ctx: Context) -> Measure:
    ids = [t for t in cause.terms if t in ctx.fig.index]
    figs = ctx.fig.loc[ids]
    parts = figs[figs["place_id"].notna()]
    wholes = figs[figs["place_id"].isna()]
    if parts.empty or wholes.empty:
        return _rule(cause, ctx)
    low = wholes.loc[wholes["hi"].idxmin()]
    top = wholes.loc[wholes["hi"].idxmax()]
    approx = any(term_uncertain(ctx, f) for f in ids)
    approx_zh = "（由约数计算，为近似值）" if approx else ""
    approx_en = " (from an approximate figure, so itself approximate)" if approx else ""
    if parts["place_id"].nunique() > 1:
        # several places whose figures add up to more than the whole project
        total = float(parts["lo"].sum())
        gap = max(0.0, total / float(top["hi"]) - 1) if float(top["hi"]) > 0 else math.inf
        m = Measure(gap, "gap", gap=gap, approximate=approx)
        m.data.update({"parts": parts, "total": total, "whole": top, "top": top})
        m.text_zh = (
            f"按部分超出整体的幅度衡量：各地合计至少 {num(total)}，比全项目的 {figure_text(top, 'zh')} "
            f"多 {gap:.1%}{approx_zh}。"
        )
        m.text_en = (
            f"Measured by how far the parts exceed the whole: the places add up to at least {num(total)}, "
            f"{gap:.1%} more than the project's {figure_text(top, 'en')}{approx_en}."
        )
    else:
        part = parts.loc[parts["lo"].idxmax()]
        fits_top = float(part["lo"]) <= float(top["hi"]) + 1e-9
        # larger than every project total: a contradiction, measured against the largest; larger than one
        # project total only: it merely shows that total to be incomplete (the other one fits), so 0
        whole = top if not fits_top else low
        gap = max(0.0, float(part["lo"]) / float(whole["hi"]) - 1) if float(whole["hi"]) > 0 else math.inf
        m = Measure(0.0 if fits_top else gap, "gap", gap=gap, approximate=approx)
        m.data.update({"part": part, "whole": low, "top": top, "fits_top": fits_top})
        if fits_top:
            m.text_zh = (
                f"按部分超出整体的幅度衡量：一地的 {figure_text(part, 'zh')} 比{section_text(low['section'], 'zh')}的"
                f"全项目数字 {figure_text(low, 'zh')} 多 {gap:.1%}{approx_zh}，但不超过"
                f"{section_text(top['section'], 'zh')}的 {figure_text(top, 'zh')}，与后者相容；它只说明前一个全项目数字"
                "不完整，重要性记为 0。"
            )
            m.text_en = (
                f"Measured by how far the part exceeds the whole: one place's {figure_text(part, 'en')} is {gap:.1%} "
                f"more than the project's {figure_text(low, 'en')} in {section_text(low['section'], 'en')}"
                f"{approx_en}, but within the {figure_text(top, 'en')} in {section_text(top['section'], 'en')}; "
                "it only shows the first total to be incomplete, so its materiality is 0."
            )
        else:
            m.text_zh = (
                f"按部分超出整体的幅度衡量：一地的 {figure_text(part, 'zh')} 比全项目最大的数字 "
                f"{figure_text(top, 'zh')} 还多 {gap:.1%}{approx_zh}。"
            )
            m.text_en = (
                f"Measured by how far the part exceeds the whole: one place's {figure_text(part, 'en')} is "
                f"{gap:.1%} more than even the project's largest total, {figure_text(top, 'en')}{approx_en}."
            )
    m.headlines = headlines_of(ctx, set(ids))
    m.severity = _severity(m, bool(m.headlines))
    return m


def _list_count(cause: Cause, ctx: Context) -> Measure:
    report = ctx.report
    fid = next((t for t in cause.terms if t in ctx.fig.index), None)
    lists = report.lists[report.lists["count_figure_id"] == fid] if fid else report.lists.iloc[0:0]
    n = int((report.list_items["list_id"] == lists["list_id"].iloc[0]).sum()) if len(lists) else 0
    f = ctx.fig.loc[fid] if fid else None
    if f is None:
        return _rule(cause, ctx)
    lo, hi = float(f["lo"]), float(f["hi"])
    if n > hi:
        gap = (n - hi) / hi if hi else math.inf
    else:
        # no item transcribed: the list is missing from the data, not a conflict of the report's (0)
        gap = (lo - n) / n if n else 0.0
    m = Measure(gap, "gap", gap=gap)
    m.data.update({"figure": f, "listed": n, "list": lists.iloc[0].to_dict() if len(lists) else {}})
    m.headlines = headlines_of(ctx, {fid})
    m.severity = _severity(m, bool(m.headlines))
    m.text_zh = (
        f"按差距衡量：报告说 {figure_text(f, 'zh')}，实际列出 {n} 项，相差 {abs(n - float(f['value'])):g} 项"
        f"（{gap:.1%}）。"
    )
    m.text_en = (
        f"Measured by the gap: the report states {figure_text(f, 'en')} and lists {n}, "
        f"{abs(n - float(f['value'])):g} apart ({gap:.1%})."
    )
    return m
