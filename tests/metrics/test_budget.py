"""Budget variance per line, category and total, and the threshold profiles."""

from __future__ import annotations

import math

import pytest

from analysis import metrics as m
from analysis.errors import UsageError
from engine_data import fig, line, make_report, total


def test_budget_variance_on_mini(mini):
    """Mini: food +1346.5 (5.61 %), clothing −1900 (−11.875 %, explain); totals from lines."""
    out = m.budget_variance(mini).set_index("line_id")
    assert list(out["level"]) == ["line", "line", "category", "total"]
    food = out.loc["food"]
    assert (food["variance_yuan"], food["variance_pct"]) == (1346.5, pytest.approx(5.610417))
    assert food["execution_rate"] == pytest.approx(1.05610417) and not food["needs_explanation"]
    clothing = out.loc["clothing"]
    assert clothing["variance_pct"] == pytest.approx(-11.875) and clothing["needs_explanation"]
    assert out.loc["total", "actual_yuan"] == 39446.5 and out.loc["total", "variance_yuan"] == -553.5
    assert out.loc["category-supplies", "budget_yuan"] == 40000


def test_category_and_total_are_sums_of_lines_not_printed_totals():
    """A wrongly printed total row does not leak into the variance: the total is the sum of the lines."""
    report = make_report(
        [],
        budget=[
            line("a", 100, 90, 10),
            line("b", 50, 60, -10, category="其他", category_en="Other"),
            total(999, 999, 0),
        ],
    )
    out = m.budget_variance(report).set_index("line_id")
    assert (out.loc["total", "budget_yuan"], out.loc["total", "actual_yuan"]) == (150, 150)
    assert list(out.index) == ["a", "b", "category-activity", "category-other", "total"]
    assert out.loc["category-other", "variance_yuan"] == 10


def test_zero_budget_line_has_no_percentage_but_needs_explanation():
    """Spending on a line with no budget: variance_pct and execution_rate are NaN, and it needs explaining."""
    report = make_report([], budget=[line("a", 0, 150, -150), line("b", 100, 100, 0)])
    a = m.budget_variance(report).set_index("line_id").loc["a"]
    assert math.isnan(a["variance_pct"]) and math.isnan(a["execution_rate"])
    assert a["needs_explanation"] and "without a budget" in a["threshold_note"]


def test_report_without_budget_has_no_budget_or_cost_rows():
    """Without a budget table there are no variance rows and no cost per output (nothing to divide)."""
    report = make_report([fig("F001", "households_visited", 10)])
    assert m.budget_variance(report).empty and m.cost_per_output(report).empty
    assert set(m.all_metrics(report)["kind"]) == {"reach"}


def profile_report():
    return make_report(
        [],
        budget=[
            line("a", 1000, 1400, -400, category="甲", category_en="X"),
            line("b", 10000, 10900, -900, category=None, category_en=None),  # merged cell: carried down from a
            line("c", 2000, 2600, -600, category="乙", category_en="Y"),
        ],
    )


@pytest.mark.parametrize(
    ("profile", "expected"),
    [
        ("default", {"a": True, "b": False, "c": True}),
        ("foundation", {"a": False, "b": False, "c": True}),
        ("eu", {"a": False, "b": False, "c": False, "category-x": False, "category-y": True}),
        ("eu_line", {"a": True, "b": False, "c": True, "category-x": False, "category-y": False}),
    ],
)
def test_threshold_profiles_are_applied_generically(profile, expected):
    """default >10 %/line; foundation >20 %/line and ≥500 yuan; eu >25 %/category; eu_line >25 %/line."""
    out = m.budget_variance(profile_report(), profile).set_index("line_id")["needs_explanation"]
    assert {k: bool(out[k]) for k in expected} == expected


def test_unknown_profile_lists_the_valid_ones(mini):
    """An unknown profile is a UsageError that names default, eu and foundation."""
    with pytest.raises(UsageError, match="default, eu, foundation"):
        m.budget_variance(mini, "nasa")


def test_threshold_profiles_table():
    """The profiles are rows of data: default 10 %, eu 25 % per category, foundation 20 % + 500 yuan, eu_line
    25 % per line."""
    table = m.threshold_profiles()
    assert list(table.columns) == ["profile", "level", "pct", "floor_yuan", "label_zh", "label_en"]
    got = {r.profile: (r.level, r.pct, r.floor_yuan) for r in table.itertuples()}
    assert got == {
        "default": ("line", 10, 0),
        "eu": ("category", 25, 0),
        "foundation": ("line", 20, 500),
        "eu_line": ("line", 25, 0),
    }


def test_seed_budget_variance(seed):
    """Masks +1678.5 yuan = 9.325 %; transport spent 862 of 2000 = 0.431; the lines total 30040.5, +40.5."""
    out = m.budget_variance(seed).set_index("line_id")
    assert out.loc["masks", "variance_yuan"] == pytest.approx(1678.5)
    assert out.loc["masks", "variance_pct"] == pytest.approx(9.325)
    assert out.loc["transport", "execution_rate"] == pytest.approx(0.431)
    assert out.loc["transport", "needs_explanation"] and not out.loc["masks", "needs_explanation"]
    assert out.loc["total", "actual_yuan"] == pytest.approx(30040.5)
    assert out.loc["total", "variance_yuan"] == pytest.approx(40.5)
