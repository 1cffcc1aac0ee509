"""Budget identities: per-row remaining, column sums, the grant; rules restating them are reported once."""

from __future__ import annotations

from checks_fixtures import CLEAN, COLUMNS, TRANSPOSED, budget_report, ids, one

from analysis import checks as c
from engine_data import fig


def test_consistent_budget_produces_nothing():
    """A budget table whose rows, columns and grant all agree produces no finding at all."""
    report = budget_report(CLEAN, [fig("F001", "grant", 40000, unit="yuan")], grant="F001")
    out = c.run_checks(report)
    assert list(out.columns[:10]) == COLUMNS
    assert out.empty


def test_grant_differs_from_budget_total():
    """The grant figure is compared with the printed total budget; one failure is not localised."""
    report = budget_report(CLEAN, [fig("F001", "grant", 45000, unit="yuan", quote="项目预算：4.5万")], grant="F001")
    out = c.run_checks(report)
    assert ids(out) == {"budget_grant": "error"}
    assert "45000 yuan" in one(out, "budget_grant")["message_en"]
    assert "budget table's total budget of 40000 yuan" in one(out, "budget_grant")["message_en"]
    assert "预算表的预算合计 40000 元" in one(out, "budget_grant")["message_zh"]


def test_rule_restating_a_generic_check_is_reported_once():
    """A rules.csv row that states the same identity as a generic check is not reported a second time."""
    rules = [
        {
            "rule_id": "food_remaining",
            "left": "budget.food.budget_yuan - budget.food.actual_yuan",
            "operator": "==",
            "right": "budget.food.remaining_yuan",
            "severity": "error",
            "message_zh": "米面粮油",
            "message_en": "Food parcels",
        }
    ]
    out = c.run_checks(budget_report(TRANSPOSED, rules=rules))
    assert "rule:food_remaining" not in set(out["check_id"])
    assert one(out, "budget_remaining:food")["rule_ids"] == "food_remaining"
