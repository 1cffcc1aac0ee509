"""The budget as an evaluator reads it: printed and recomputed totals, the likely correction of a mistyped cell,
every amount the table offers (lines, category subtotals, differences) and which lines the report explains."""

from __future__ import annotations

import dataclasses
import math

import pandas as pd

from analysis import checks, expressions, metrics
from analysis.load import Report

_COLUMN_ZH = {"budget_yuan": "预算额度", "actual_yuan": "实际开支", "remaining_yuan": "剩余金额"}
_COLUMN_EN = {"budget_yuan": "budget", "actual_yuan": "actual spending", "remaining_yuan": "remaining amount"}


#: How each kind of budget reading is named.
READING_ZH = {
    "budget": "预算额度",
    "actual": "实际开支",
    "remaining": "剩余金额",
    "overrun": "超支额",
    "saving": "结余额",
}
READING_EN = {
    "budget": "budget",
    "actual": "actual spending",
    "remaining": "remaining amount",
    "overrun": "overspend",
    "saving": "saving",
}


def line_names(report: Report) -> dict[str, tuple[str, str]]:
    """line_id -> (Chinese name, English name) of each budget row (its category for a row without a line)."""
    names = {}
    for row in report.budget.itertuples():
        zh = row.line_zh if isinstance(row.line_zh, str) and row.line_zh else row.category_zh
        en = row.line_en if isinstance(row.line_en, str) and row.line_en else row.category_en
        names[row.line_id] = (
            str(zh if isinstance(zh, str) else row.line_id),
            str(en if isinstance(en, str) else row.line_id),
        )
    return names


def cell_name(report: Report, cell: str) -> tuple[str, str]:
    """A budget cell as a reader names it: (「米面粮油」的实际开支, the actual spending of Food parcels)."""
    _, line, column = cell.split(".")
    zh, en = line_names(report).get(line, (line, line))
    return f"「{zh}」的{_COLUMN_ZH.get(column, column)}", f"the {_COLUMN_EN.get(column, column)} of {en}"


def memo(report: Report, name: str, fn):
    """``fn()`` computed once per report for ``name``, recomputed when any table or the source is replaced (the
    same rule as :func:`analysis.metrics.figures`); an assessment asks for the same variances many times."""
    key = (*report.tables.values(), report.source_text)
    store = report.__dict__.setdefault("_assessment_memo", {})
    hit = store.get(name)
    if hit is None or len(hit[0]) != len(key) or any(a is not b for a, b in zip(hit[0], key, strict=True)):
        hit = (key, fn())
        store[name] = hit
    return hit[1]


def variance(report: Report, profile: str = "default") -> pd.DataFrame:
    """:func:`analysis.metrics.budget_variance`, computed once per report and profile (do not modify it)."""
    return memo(report, f"variance:{profile}", lambda: metrics.budget_variance(report, profile))


def cost(report: Report) -> pd.DataFrame:
    """:func:`analysis.metrics.cost_per_output`, computed once per report (do not modify it)."""
    return memo(report, "cost", lambda: metrics.cost_per_output(report))


def corrections(report: Report) -> tuple[list[str], list]:
    return memo(report, "corrections", lambda: _corrections(report))


def _corrections(report: Report) -> tuple[list[str], list]:
    """(failing budget identities, the single-cell corrections that explain all of them without breaking any
    that held) — :func:`analysis.checks.localise` restricted to full explanations."""
    fig = metrics.figures(report)
    cells, quotes = checks.budget_cells(report)
    values = checks.Values(fig, cells, quotes)
    failing, candidates = checks.localise(checks.budget_identities(report), values)
    full = [c for c in candidates if not c.breaks and len(c.explains) == len(failing)] if failing else []
    return failing, full


def with_cell(report: Report, cell: str, value: float) -> Report:
    """A copy of ``report`` whose budget cell ``budget.<line>.<column>`` reads ``value``."""
    _, line, column = cell.split(".")
    budget = report.budget.copy()
    budget.loc[budget["line_id"] == line, column] = value
    return dataclasses.replace(report, tables={**report.tables, "budget": budget})


def grand_total(report: Report) -> pd.Series | None:
    """The printed total row of the whole table (not a category subtotal), or None."""
    lines = metrics.budget_lines(report)
    categories = set(lines["category_zh"].dropna())
    totals = report.budget[report.budget["row_type"] == "total"]
    for _, row in totals.iterrows():
        if not (isinstance(row["category_zh"], str) and row["category_zh"] in categories):
            return row
    return None


def readings(report: Report) -> list[dict]:
    """Every amount the budget table offers a reader: for each line, category and the whole table, its budget,
    actual spending, remaining amount and its variance (actual − budget) and saving (budget − actual).

    Each reading: level ('line' | 'category' | 'total'), line_id, name_zh, name_en, what ('budget' | 'actual' |
    'remaining' | 'overrun' | 'saving'), value_yuan, cells (the budget cells it is computed from).
    """
    out = []
    for r in variance(report).itertuples():
        zh = r.line_zh if r.level == "line" else r.category_zh
        en = r.line_en if r.level == "line" else r.category_en
        zh = zh if isinstance(zh, str) and zh else ("其他各行" if r.level == "category" else r.line_id)
        en = en if isinstance(en, str) and en else ("the other lines" if r.level == "category" else r.line_id)
        cells = r.budget_cells.split(";") + r.actual_cells.split(";")
        for what, value in (
            ("budget", r.budget_yuan),
            ("actual", r.actual_yuan),
            ("overrun", r.variance_yuan),
            ("saving", -r.variance_yuan),
        ):
            out.append(
                {
                    "level": r.level,
                    "line_id": r.line_id,
                    "name_zh": str(zh),
                    "name_en": str(en),
                    "what": what,
                    "value_yuan": float(value),
                    "cells": cells,
                }
            )
    return out


def matching_readings(
    report: Report, lo: float, hi: float, exclude_cells: set[str] | None = None, what: str | None = None
) -> list[dict]:
    """The readings (:func:`readings`) whose value lies within [lo, hi] (positive ones only), best first: of
    the same kind as ``what`` ('overrun', 'saving' …; others are dropped when it is given), then those that
    contain the ``exclude_cells`` reading (its category, the total), then by level (line, category, total).
    The reading made of exactly ``exclude_cells`` is left out."""
    order = {"line": 0, "category": 1, "total": 2}
    own = exclude_cells or set()
    found = [r for r in readings(report) if r["value_yuan"] > 0 and lo - 0.005 <= r["value_yuan"] <= hi + 0.005]
    found = [r for r in found if set(r["cells"]) != own]
    if what is not None:
        found = [r for r in found if r["what"] == what]
    return sorted(found, key=lambda r: (not own <= set(r["cells"]), order[r["level"]], r["line_id"], r["what"]))


def explanations(report: Report) -> dict[str, dict]:
    """line_id -> {'quote', 'section', 'source'} for each budget line the report explains in its own words.

    From the optional ``explanation_quote`` column of budget.csv (checked by validation as a quote of the
    source; source 'quote'), else from the table's own remark (备注) on the line ('remark'), else from a rule
    of rules.csv that compares a figure of the narrative with that line's cells (the figure's quote; 'rule').
    """
    out: dict[str, dict] = {}
    budget = report.budget
    if "explanation_quote" in budget.columns:
        for row in budget.itertuples():
            q = row.explanation_quote
            if isinstance(q, str) and q.strip():
                out[row.line_id] = {"quote": q, "section": _section_of(report, q), "source": "quote"}
    for row in budget.itertuples():
        remark = row.remark_zh
        if row.line_id not in out and isinstance(remark, str) and remark.strip():
            out[row.line_id] = {
                "quote": remark.strip(),
                "section": _section_of(report, str(row.quote)),
                "source": "remark",
            }
    fig = metrics.figures(report)
    for rule in report.rules.itertuples():
        try:
            terms = [t for side in (rule.left, rule.right) for t in expressions.parse(str(side)).refs()]
        except ValueError:
            continue
        lines = {t.split(".")[1] for t in terms if t.startswith("budget.") and t.count(".") == 2}
        figs = [t for t in terms if t in fig.index]
        if len(lines) == 1 and figs:
            line = lines.pop()
            if line not in out:
                f = fig.loc[figs[0]]
                out[line] = {"quote": str(f["quote"]), "section": str(f["section"]), "source": "rule"}
    return out


def _section_of(report: Report, quote: str) -> str | None:
    start = report.source_text.find(quote)
    if start < 0:
        return None
    for s in report.sections:
        if s.start <= start < s.end:
            return s.key
    return None


def budget_summary(report: Report, profile: str) -> dict:
    """The budget part of the assessment (keys as agreed with the pages: printed_total_yuan,
    recomputed_total_yuan, budget_total_yuan, execution_printed, execution_recomputed, correction,
    lines_needing_explanation)."""
    lines = metrics.budget_lines(report)
    if lines.empty:
        return {
            "printed_total_yuan": None,
            "recomputed_total_yuan": None,
            "budget_total_yuan": None,
            "execution_printed": None,
            "execution_recomputed": None,
            "correction": None,
            "lines_needing_explanation": [],
        }
    total = grand_total(report)
    recomputed = float(lines["actual_yuan"].sum())
    budget_lines_sum = float(lines["budget_yuan"].sum())
    printed = None if total is None or pd.isna(total["actual_yuan"]) else float(total["actual_yuan"])
    budget_total = budget_lines_sum if total is None or pd.isna(total["budget_yuan"]) else float(total["budget_yuan"])

    def rate(x):
        return None if x is None or not budget_total else x / budget_total

    failing, full = corrections(report)
    correction = None
    if len(full) == 1:
        c = full[0]
        zh_cell, en_cell = cell_name(report, c.cell)
        how_zh, how_en = slip_text(c)
        correction = {
            "cell": c.cell,
            "printed": c.old,
            "corrected": c.new,
            "kind": c.kind,
            "why_zh": f"{zh_cell}印为 {money(c.old)}，应为 {money(c.new)}（{how_zh}）：只改这一格，"
            f"表中 {len(failing)} 处对不上的加总全部成立。",
            "why_en": f"{en_cell[0].upper() + en_cell[1:]} is printed {money(c.old)} but should read {money(c.new)} "
            f"({how_en}): with that one change all {len(failing)} failing sums of the table hold.",
        }
    table = variance(report, profile)
    explained = explanations(report)
    out_lines = []
    for r in table[table["level"].isin(["line", "category"])].itertuples():
        needs = bool(r.needs_explanation)
        ex = explained.get(r.line_id)
        if not needs and ex is None:
            continue
        out_lines.append(
            {
                "line_id": r.line_id,
                "line_zh": str(r.line_zh if r.level == "line" else r.category_zh),
                "line_en": str(r.line_en if r.level == "line" else r.category_en),
                "variance_yuan": float(r.variance_yuan),
                "variance_pct": None if pd.isna(r.variance_pct) else float(r.variance_pct),
                "needs_explanation": needs,
                "explained": ex is not None,
                "explanation_quote": None if ex is None else ex["quote"],
                "section": None if ex is None else ex["section"],
            }
        )
    return {
        "printed_total_yuan": printed,
        "recomputed_total_yuan": recomputed,
        "budget_total_yuan": budget_total,
        "execution_printed": rate(printed),
        "execution_recomputed": rate(recomputed),
        "correction": correction,
        "lines_needing_explanation": out_lines,
    }


def slip_text(c) -> tuple[str, str]:
    """How a digit slip reads (zh, en), from a :class:`analysis.checks.Candidate` (printed → corrected)."""
    parts = c.how.split()
    if c.kind == "transposition":
        return f"{parts[1]} 与 {parts[3]} 两位数字颠倒", f"digits {parts[1]} and {parts[3]} transposed"
    if c.kind == "change":
        article = "an" if parts[4] == "8" else "a"
        return f"数字 {parts[4]} 误为 {parts[1]}", f"{article} {parts[4]} printed as {parts[1]}"
    if c.kind == "insert":
        return f"漏印了数字 {parts[1]}", f"a digit {parts[1]} left out"
    return f"多印了数字 {parts[1]}", f"an extra digit {parts[1]}"


def money(value: float) -> str:
    """An amount with thousands separators and at most two decimals: 25,346.5.

    >>> money(25346.5), money(40000.0), money(-1364.5), money(0.004)
    ('25,346.5', '40,000', '-1,364.5', '0')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "?"
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
