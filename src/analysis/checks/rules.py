"""rules.csv: consistency rules between figures and budget cells (expressions of :mod:`analysis.expressions`)."""

from __future__ import annotations

import math

from analysis import expressions
from analysis.checks.values import (
    Values,
    _tolerance,
    canonical,
    finding,
)
from analysis.load import Report
from analysis.metrics import (
    fmt_number,
)


def side_interval(node: expressions.Node, values: Values) -> tuple[float, float]:
    """The interval of one side of a rule: figures as their allowed values, cells as printed."""
    return expressions.interval(node, values.interval)


def rule_forms(report: Report) -> dict[str, dict[str, float]]:
    """For each '==' rule that only adds and subtracts, its left − right as {term: coef} (to tell a rule that
    restates a generic check)."""
    out = {}
    for r in report.rules.itertuples():
        if r.operator != "==":
            continue
        left = expressions.linear_terms(expressions.parse(r.left))
        right = expressions.linear_terms(expressions.parse(r.right))
        if left is not None and right is not None:
            out[r.rule_id] = canonical(left + [(-c, t) for c, t in right])
    return out


def evaluate_rule(
    operator: str, left: tuple[float, float], right: tuple[float, float], tolerance_pct: float
) -> bool | None:
    """Whether some values within the two intervals satisfy ``left operator right``, with a tolerance of
    ``tolerance_pct`` % of the right side's size. None when a side cannot be computed.

    >>> evaluate_rule("==", (450.5, 450.5), (300, 400), 0), evaluate_rule("<=", (7, 7), (7, 7), 0)
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


def _span(lo: float, hi: float) -> str:
    return fmt_number(lo) if abs(hi - lo) < 1e-9 else f"{fmt_number(lo)}–{fmt_number(hi)}"


def _side_text(node: expressions.Node, values: Values, lang: str) -> str:
    """One side as a message writes it: a sum lists each term with its value and the total; any other
    expression is written with the values put in, then each reference's value."""
    terms = expressions.linear_terms(node)
    if terms is not None:
        parts = []
        for k, (coef, term) in enumerate(terms):
            sign = ("−" if coef < 0 else "+") if k else ("−" if coef < 0 else "")
            label = term if term not in node.refs() else f"{term} = {values.text(term, lang)}"
            parts.append(f"{sign} {label}".strip() if sign else label)
        if len(terms) == 1:
            return parts[0]
        return f"{' '.join(parts)} → {_span(*side_interval(node, values))}"
    written = node.text(lambda ref: values.text(ref, lang))
    refs = [f"{ref} = {values.text(ref, lang)}" for ref in node.refs()]
    result = _span(*side_interval(node, values))
    if lang == "zh":
        return f"{written} = {result}（{'，'.join(refs)}）"
    return f"{written} = {result} ({', '.join(refs)})"


def rule_findings(report: Report, values: Values, skip: set[str], correction: dict[str, float]) -> list[dict]:
    """A finding for each rule of rules.csv that fails (its own severity and message, with the numbers), or
    that cannot be evaluated (info). Rules in ``skip`` restate a generic budget check, reported there."""
    found = []
    for r in report.rules.sort_values("rule_id").itertuples():
        if r.rule_id in skip:
            continue
        left, right = expressions.parse(r.left), expressions.parse(r.right)
        ok = evaluate_rule(
            r.operator, side_interval(left, values), side_interval(right, values), _tolerance(r.tolerance_pct)
        )
        if ok:
            continue
        terms = list(dict.fromkeys(left.refs() + right.refs()))
        common = {"figure_ids": terms, "quotes": [values.quote(t) for t in terms]}
        if ok is None:
            found.append(
                finding(
                    f"rule:{r.rule_id}",
                    "info",
                    f"规则无法计算（有空白单元格或除数为零）：{r.message_zh}",
                    f"The rule cannot be evaluated (a cell is empty or a divisor is zero): {r.message_en}",
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
                r.operator, side_interval(left, fixed), side_interval(right, fixed), _tolerance(r.tolerance_pct)
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
