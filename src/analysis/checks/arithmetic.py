"""Budget identities: per row budget − actual = remaining, columns that add up to their total row, and the
total budget = the grant."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from analysis.checks.localisation import localisation_findings
from analysis.checks.values import (
    _COLUMN_EN,
    _COLUMN_ZH,
    CENT,
    Values,
    _line_names,
    canonical,
    finding,
    sum_interval,
)
from analysis.load import Report
from analysis.metrics import (
    budget_lines,
    fmt_number,
)


@dataclass(frozen=True)
class Identity:
    """Σ coef × term = 0 for the budget table; ``terms`` are budget cells or figure ids."""

    check_id: str
    terms: tuple[tuple[float, str], ...]
    what: str  # 'remaining' | 'sum' | 'remaining_from_lines' | 'grant'
    line_id: str = ""
    column: str = ""

    def residual(self, values: Values) -> tuple[float, float]:
        return sum_interval(list(self.terms), values)

    def holds(self, values: Values) -> bool:
        lo, hi = self.residual(values)
        if math.isnan(lo) or math.isnan(hi):
            return True  # a cell that is not printed cannot disagree
        return lo - CENT <= 0 <= hi + CENT

    def form(self) -> dict[str, float]:
        return canonical(self.terms)


def budget_identities(report: Report) -> list[Identity]:
    """The arithmetic a budget table owes: per row budget − actual = remaining; per column the lines add up to
    the total row; the total's remaining = the lines' budgets − the lines' actual spending; the total budget =
    the grant figure of report.toml."""
    budget = report.budget
    lines = budget_lines(report)
    totals = budget[budget["row_type"] == "total"]
    ids = []
    for row in budget.itertuples():
        if not pd.isna(row.remaining_yuan):
            b, a, r = (f"budget.{row.line_id}.{c}" for c in ("budget_yuan", "actual_yuan", "remaining_yuan"))
            ids.append(
                Identity(f"budget_remaining:{row.line_id}", ((1, b), (-1, a), (-1, r)), "remaining", row.line_id)
            )
    categories = set(lines["category_zh"].dropna())
    grand = None
    for row in totals.itertuples():
        sub = isinstance(row.category_zh, str) and row.category_zh in categories
        members = lines[lines["category_zh"] == row.category_zh] if sub else lines
        prefix = f"budget_sum:{row.line_id}." if sub else "budget_sum:"
        grand = grand or (None if sub else row)
        for column in ("budget_yuan", "actual_yuan", "remaining_yuan"):
            if pd.isna(getattr(row, column)) or members[column].isna().any():
                continue
            terms = tuple((1, f"budget.{m}.{column}") for m in members["line_id"])
            ids.append(
                Identity(
                    f"{prefix}{column}",
                    (*terms, (-1, f"budget.{row.line_id}.{column}")),
                    "sum",
                    row.line_id,
                    column,
                )
            )
    if grand is not None and not pd.isna(grand.remaining_yuan) and len(lines):
        terms = tuple((1, f"budget.{m}.budget_yuan") for m in lines["line_id"])
        terms += tuple((-1, f"budget.{m}.actual_yuan") for m in lines["line_id"])
        ids.append(
            Identity(
                "budget_sum:remaining_from_lines",
                (*terms, (-1, f"budget.{grand.line_id}.remaining_yuan")),
                "remaining_from_lines",
                grand.line_id,
            )
        )
    grant = report.meta.get("grant_figure_id")
    if grant and grant in set(report.figures["figure_id"]) and len(lines):
        if grand is not None:
            terms = ((1, grant), (-1, f"budget.{grand.line_id}.budget_yuan"))
        else:
            terms = ((1, grant), *tuple((-1, f"budget.{m}.budget_yuan") for m in lines["line_id"]))
        ids.append(Identity("budget_grant", terms, "grant", getattr(grand, "line_id", "")))
    return ids


def _identity_message(ident: Identity, values: Values, names: dict[str, tuple[str, str]]) -> tuple[str, str]:
    cell = values.cells.get
    lo = ident.residual(values)[0]
    if ident.what == "remaining":
        line = ident.line_id
        b, a, r = (cell(f"budget.{line}.{c}") for c in ("budget_yuan", "actual_yuan", "remaining_yuan"))
        zh_name, en_name = names[line]
        return (
            (
                f"预算表「{zh_name}」行：预算额度 {fmt_number(b)} − 实际开支 {fmt_number(a)} = "
                f"{fmt_number(b - a)}，但剩余金额印为 {fmt_number(r)}（相差 {fmt_number(abs(lo))}）。"
            ),
            (
                f"Budget table, line {zh_name} ({en_name}): budget {fmt_number(b)} − actual spending "
                f"{fmt_number(a)} = {fmt_number(b - a)}, but the remaining amount is printed as "
                f"{fmt_number(r)} (a difference of {fmt_number(abs(lo))})."
            ),
        )
    if ident.what == "sum":
        col = ident.column
        parts = [t for c, t in ident.terms if c > 0]
        total = cell(f"budget.{ident.line_id}.{col}")
        lines_sum = sum(cell(t) for t in parts)
        return (
            (
                f"预算表：各行{_COLUMN_ZH[col]}相加为 {fmt_number(lines_sum)}，"
                f"但「{names[ident.line_id][0]}」行印为 {fmt_number(total)}（相差 {fmt_number(abs(lo))}）。"
            ),
            (
                f"Budget table: the lines' {_COLUMN_EN[col]} add up to {fmt_number(lines_sum)}, but the "
                f"{names[ident.line_id][1]} row prints {fmt_number(total)} "
                f"(a difference of {fmt_number(abs(lo))})."
            ),
        )
    if ident.what == "remaining_from_lines":
        budgets = sum(cell(t) for c, t in ident.terms if c > 0)
        actuals = sum(cell(t) for c, t in ident.terms if c < 0 and t.endswith("actual_yuan"))
        printed = cell(f"budget.{ident.line_id}.remaining_yuan")
        return (
            (
                f"预算表：各行预算额度合计 {fmt_number(budgets)} − 各行实际开支合计 {fmt_number(actuals)} = "
                f"{fmt_number(budgets - actuals)}，但合计的剩余金额印为 {fmt_number(printed)}。"
            ),
            (
                f"Budget table: the lines' budgets ({fmt_number(budgets)}) minus their actual spending "
                f"({fmt_number(actuals)}) leave {fmt_number(budgets - actuals)}, but the total remaining "
                f"amount is printed as {fmt_number(printed)}."
            ),
        )
    grant = ident.terms[0][1]
    table = sum(cell(t) for _, t in ident.terms[1:])  # the budget cells, as printed
    return (
        (
            f"报告开头的项目预算（{grant}：{values.text(grant, 'zh')} 元）"
            f"与预算表的预算合计 {fmt_number(table)} 元不一致。"
        ),
        (
            f"The grant stated in the report ({grant}: {values.text(grant, 'en')} yuan) differs from the "
            f"budget table's total budget of {fmt_number(table)} yuan."
        ),
    )


def budget_findings(
    report: Report, values: Values, forms: dict[str, dict[str, float]]
) -> tuple[list[dict], dict[str, float]]:
    """Failing budget identities (errors), the localisation finding, and the single likeliest correction."""
    identities = budget_identities(report)
    names = _line_names(report)
    found, explanations, correction = localisation_findings(report, identities, values)
    for ident in identities:
        if ident.holds(values):
            continue
        zh, en = _identity_message(ident, values, names)
        ex_zh, ex_en = explanations.get(ident.check_id, ("", ""))
        terms = [t for _, t in ident.terms]
        found.append(
            finding(
                ident.check_id,
                "error",
                zh,
                en,
                figure_ids=terms,
                quotes=[values.quote(t) for t in terms],
                explanation_zh=ex_zh,
                explanation_en=ex_en,
                rule_ids=_same_form(ident.form(), forms),
            )
        )
    return found, correction


def _same_form(form: dict[str, float], rule_forms: dict[str, dict[str, float]]) -> list[str]:
    negated = {k: -v for k, v in form.items()}
    return [rid for rid, f in rule_forms.items() if f in (form, negated)]
