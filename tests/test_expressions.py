"""Rule expressions: a safe parser (never eval) with × ÷ % and parentheses, and interval arithmetic."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis import expressions as ex


def const(value: float):
    return lambda term: (value, value)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1 + 2 × 3", 7),
        ("(1 + 2) * 3", 9),
        ("10 - 4 - 3", 3),
        ("12 ÷ 4 / 3", 1),
        ("-2 × -3", 6),
        ("50%", 0.5),
        ("200 × 15%", 30),
        ("2 − 5", -3),
        ("(((4)))", 4),
        ("（１＋２）×３％", 0.09),
    ],
)
def test_precedence_and_associativity(text, value):
    """× ÷ bind tighter than + −, both associate to the left, % is a postfix ÷ 100, unary minus works."""
    assert ex.interval(ex.parse(text), const(0)) == pytest.approx((value, value))


def test_references_and_ratio_of_budget_cells():
    """Figure ids and budget.<line>.<column> cells are references; the issue's overspend ratio evaluates."""
    node = ex.parse("(budget.kits.actual_yuan - budget.kits.budget_yuan) / budget.kits.budget_yuan")
    assert node.refs() == ["budget.kits.actual_yuan", "budget.kits.budget_yuan"]
    cells = {"budget.kits.actual_yuan": (39000.0, 39000.0), "budget.kits.budget_yuan": (30000.0, 30000.0)}
    assert ex.interval(node, cells.__getitem__) == pytest.approx((0.3, 0.3))


def test_interval_arithmetic_keeps_approximate_figures_approximate():
    """An approximate figure stays an interval through a product and a quotient."""
    values = {"F001": (100.0, 200.0), "F002": (2.0, 4.0)}
    assert ex.interval(ex.parse("F001 / F002"), values.__getitem__) == (25.0, 100.0)
    assert ex.interval(ex.parse("F001 × F002"), values.__getitem__) == (200.0, 800.0)
    assert ex.interval(ex.parse("F001 - F002"), values.__getitem__) == (96.0, 198.0)


def test_division_by_zero_cannot_be_computed():
    """A divisor whose interval holds 0 gives NaN (the rule cannot be evaluated), never an exception."""
    lo, hi = ex.interval(ex.parse("F001 / F002"), {"F001": (1.0, 1.0), "F002": (0.0, 0.0)}.__getitem__)
    assert math.isnan(lo) and math.isnan(hi)


def test_lower_bound_figure_keeps_an_open_end():
    """A 至少 figure (upper end ∞) times a positive number stays open; times zero is zero."""
    values = {"F001": (10.0, math.inf)}
    assert ex.interval(ex.parse("F001 × 2"), values.__getitem__) == (20.0, math.inf)
    assert ex.interval(ex.parse("F001 × 0"), values.__getitem__) == (0.0, 0.0)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "empty"),
        ("F001 +", "ends"),
        ("(F001 + F002", "not closed"),
        ("F001 + F002)", "unmatched"),
        ("F001 F002", "operator is missing"),
        ("__import__('os')", "cannot read"),
        ("F001 ** 2", "where a number"),
        ("F001 ^ 2", "cannot read"),
        ("budget.x", "cannot read"),
    ],
)
def test_bad_expressions_are_errors_not_code(text, says):
    """Anything outside the grammar is an ExpressionError (a ValueError) saying what is wrong."""
    with pytest.raises(ex.ExpressionError, match=says):
        ex.parse(text)


def test_linear_terms_only_for_sums():
    """A sum flattens to signed terms in written order; a product or ratio is not linear."""
    assert ex.linear_terms(ex.parse("F001 - (F002 + F003)")) == [(1.0, "F001"), (-1.0, "F002"), (-1.0, "F003")]
    assert ex.linear_terms(ex.parse("F001 × 2")) is None
    assert ex.linear_terms(ex.parse("F001%")) is None


def test_text_round_trips():
    """An expression written back parses to the same value."""
    node = ex.parse("(F001-F002)/F002*100")
    assert node.text() == "(F001 − F002) ÷ F002 × 100"
    values = {"F001": (3.0, 3.0), "F002": (2.0, 2.0)}
    assert ex.interval(ex.parse(node.text()), values.__getitem__) == ex.interval(node, values.__getitem__)


@st.composite
def _exprs(draw, depth=0) -> tuple[str, int]:
    """A random expression of small integers with + − × and parentheses, and its value computed alongside."""
    if depth > 3 or draw(st.booleans()):
        n = draw(st.integers(min_value=0, max_value=999))
        return str(n), n
    (a, x), (b, y) = draw(_exprs(depth + 1)), draw(_exprs(depth + 1))
    op = draw(st.sampled_from(["+", "-", "−", "×", "*"]))
    value = x + y if op == "+" else x - y if op in "-−" else x * y
    return f"({a} {op} {b})", value


@given(_exprs())
def test_agrees_with_integer_arithmetic(case):
    """On integer sums, differences and products the parser gives the value computed while generating them."""
    text, expected = case
    assert ex.interval(ex.parse(text), const(0)) == pytest.approx((expected, expected), rel=1e-12)
