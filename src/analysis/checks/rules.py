"""rules.csv: consistency rules between figures and budget cells."""

from __future__ import annotations

import math

from analysis.checks.values import (
    Values,
    _is_number,
    _tolerance,
    canonical,
    finding,
    sum_interval,
)
from analysis.load import Report, parse_expression
from analysis.metrics import (
    fmt_number,
)


def _signed(expr: str) -> list[tuple[float, str]]:
    return [(1.0 if sign == "+" else -1.0, term) for sign, term in parse_expression(expr)]



def rule_forms(report: Report) -> dict[str, dict[str, float]]:
    """For each '==' rule, its left − right as {term: coef} (to tell a rule that restates a generic check)."""
    out = {}
    for r in report.rules.itertuples():
        if r.operator == "==":
            out[r.rule_id] = canonical(_signed(r.left) + [(-c, t) for c, t in _signed(r.right)])
    return out



def evaluate_rule(
    operator: str, left: tuple[float, float], right: tuple[float, float], tolerance_pct: float
) -> bool | None:
    """Whether some values within the two intervals satisfy ``left operator right``, with a tolerance of
    ``tolerance_pct`` % of the right side's size. None when a side cannot be computed.

    >>> evaluate_rule("==", (1678.5, 1678.5), (1100, 1200), 0), evaluate_rule("<=", (7, 7), (7, 7), 0)
    (False, True)
    >>> evaluate_rule("==", (105, 105), (100, 100), 5)
    True
    """
    if any(math.isnan(v) for v in (*left, *right)):
        return None
    size = max(abs(right[0]), abs(right[1])) if math.isfinite(right[1]) else abs(right[0])
    tol = size * _tolerance(tolerance_pct) / 100 + 1e-9 * max(1.0, size)
    if operator == "==":
        return left[0] <= right[1] + tol and right[0] <= left[1] + tol
    if operator == "<=":
        return left[0] <= right[1] + tol
    if operator == "<":
        return left[0] < right[1] + tol
    if operator == ">=":
        return left[1] + tol >= right[0]
    return left[1] + tol > right[0]



def _side_text(terms: list[tuple[float, str]], values: Values, lang: str) -> str:
    parts = []
    for k, (coef, term) in enumerate(terms):
        sign = ("−" if coef < 0 else "+") if k else ("−" if coef < 0 else "")
        label = term if _is_number(term) else f"{term} = {values.text(term, lang)}"
        parts.append(f"{sign} {label}".strip() if sign else label)
    if len(terms) == 1:
        return parts[0]
    lo, hi = sum_interval(terms, values)
    total = fmt_number(lo) if abs(hi - lo) < 1e-9 else f"{fmt_number(lo)}–{fmt_number(hi)}"
    return f"{' '.join(parts)} → {total}"



def rule_findings(report: Report, values: Values, skip: set[str], correction: dict[str, float]) -> list[dict]:
    """A finding for each rule of rules.csv that fails (its own severity and message, with the numbers), or
    that cannot be evaluated (info). Rules in ``skip`` restate a generic budget check, reported there."""
    found = []
    for r in report.rules.sort_values("rule_id").itertuples():
        if r.rule_id in skip:
            continue
        left, right = _signed(r.left), _signed(r.right)
        ok = evaluate_rule(
            r.operator, sum_interval(left, values), sum_interval(right, values), _tolerance(r.tolerance_pct)
        )
        if ok:
            continue
        terms = [t for _, t in left + right if not _is_number(t)]
        common = {"figure_ids": terms, "quotes": [values.quote(t) for t in terms]}
        if ok is None:
            found.append(
                finding(
                    f"rule:{r.rule_id}",
                    "info",
                    f"规则无法计算（有空白单元格）：{r.message_zh}",
                    f"The rule cannot be evaluated (a cell is empty): {r.message_en}",
                    **common,
                )
            )
            continue
        zh = f"{r.message_zh}报告中：{_side_text(left, values, 'zh')}；{_side_text(right, values, 'zh')}。"
        en = (
            f"{r.message_en} The report gives {_side_text(left, values, 'en')}, against "
            f"{_side_text(right, values, 'en')}."
        )
        ex_zh = ex_en = ""
        touched = {c: v for c, v in correction.items() if c in terms}
        if touched:
            fixed = Values(values.figures, {**values.cells, **touched}, values.cell_quotes)
            still = evaluate_rule(
                r.operator, sum_interval(left, fixed), sum_interval(right, fixed), _tolerance(r.tolerance_pct)
            )
            shown = ", ".join(f"{c} = {fmt_number(v)}" for c, v in touched.items())
            ex_zh = f"按预算表最可能的更正（{shown}），该规则{'成立' if still else '仍不成立'}。"
            verdict = "holds" if still else "still fails"
            ex_en = f"With the budget table's likeliest correction ({shown}) the rule {verdict}."
        found.append(
            finding(
                f"rule:{r.rule_id}",
                r.severity,
                zh,
                en,
                explanation_zh=ex_zh,
                explanation_en=ex_en,
                rule_ids=[r.rule_id],
                **common,
            )
        )
    return found
