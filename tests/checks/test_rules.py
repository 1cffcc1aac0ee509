"""rules.csv with ratios: × ÷ and percentages of figures and budget cells, approximate figures as intervals."""

from __future__ import annotations

from checks_fixtures import CLEAN, budget_report, ids, one, rule

from analysis import checks as c
from engine_data import fig, line, make_report, total

OVERSPEND = "(budget.kits.actual_yuan - budget.kits.budget_yuan) / budget.kits.budget_yuan × 100"


def _report(actual: float, figures: list[dict], rules: list[dict]):
    rows = [line("kits", 10000, actual, 10000 - actual), total(10000, actual, 10000 - actual)]
    return make_report(figures, budget=rows, rules=rules)


def about_three_tenths() -> dict:
    return fig(
        "F001",
        "kits_overspend_pct",
        30,
        unit="percent",
        unit_zh="成",
        quote="超支约三成",
        is_approximate=True,
        qualifier="approximate",
    )


def test_overspend_ratio_holds_within_the_approximation():
    """'超支约三成' (27–33 %) holds for a line 31 % over budget: no finding."""
    out = c.run_checks(_report(13100, [about_three_tenths()], [rule("overspend", OVERSPEND, "==", "F001")]))
    assert "rule:overspend" not in ids(out)


def test_overspend_ratio_fails_with_the_numbers_in_both_languages():
    """A line 60 % over budget contradicts '约三成': a warning that writes the ratio with the cells' values."""
    out = c.run_checks(_report(16000, [about_three_tenths()], [rule("overspend", OVERSPEND, "==", "F001")]))
    row = one(out, "rule:overspend")
    assert row["severity"] == "warning"
    assert "(16000 − 10000) ÷ 10000 × 100 = 60" in row["message_en"]
    assert "budget.kits.actual_yuan = 16000" in row["message_en"] and "F001 = 30 (27–33)" in row["message_en"]
    assert "(16000 − 10000) ÷ 10000 × 100 = 60（" in row["message_zh"] and "F001 = 30（27–33）" in row["message_zh"]
    assert row["figure_ids"] == "budget.kits.actual_yuan;budget.kits.budget_yuan;F001"


def test_attainment_percentage_and_per_head_rate():
    """'完成目标的148%' = achieved ÷ target × 100, and '人均 138 户' = households ÷ workers, both checked."""
    figures = [
        fig("F001", "attainment_pct", 148, unit="percent", unit_zh="%", quote="完成项目书目标的148%"),
        fig("F002", "households_target", 500, qualifier="target", quote="目标 500 户"),
        fig("F003", "households_visited", 740, quote="入户 740 户"),
        fig("F004", "per_worker", 138, quote="人均入户走访 138 户"),
        fig("F005", "workers", 5, unit="workers", unit_zh="名", quote="5 名"),
    ]
    rules = [
        rule("attainment", "F001%", "==", "F003 / F002"),
        rule("per_head", "F004", "==", "F003 ÷ F005", tolerance=1),
    ]
    out = c.run_checks(make_report(figures, rules=rules))
    # 740 / 500 = 1.48 holds; 740 / 5 = 148, not 138 (beyond 1 %): the per-head claim fails
    assert ids(out) == {"rule:per_head": "warning"}
    assert "F003 = 740" in one(out, "rule:per_head")["message_en"]


def test_ratio_with_a_zero_divisor_is_info():
    """A rule dividing by a zero cell cannot be evaluated: info, never an exception."""
    rows = [line("kits", 0, 100, -100), total(0, 100, -100)]
    report = make_report(
        [fig("F001", "x", 1)],
        budget=rows,
        rules=[rule("r", "budget.kits.actual_yuan / budget.kits.budget_yuan", "==", "F001")],
    )
    assert ids(c.run_checks(report))["rule:r"] == "info"


def test_ratio_rules_are_not_mistaken_for_budget_identities():
    """Only sums can restate a generic budget identity; a ratio rule is always evaluated on its own."""
    rules = [rule("ratio", "budget.kits.remaining_yuan / budget.kits.budget_yuan", "==", "0.5")]
    report = _report(5000, [], rules)
    assert c.rule_forms(report) == {}
    assert "rule:ratio" not in ids(c.run_checks(report))


def test_rules_are_evaluated_with_approximate_tolerance():
    """'1200多' against 1346.5 fails with the rule's severity; 1000 == 1000 and 315 + 4120 == 4435 hold."""
    figures = [
        fig(
            "F001",
            "overrun",
            1200,
            unit="yuan",
            quote="超支了1200多元",
            is_approximate=True,
            qualifier="approximate",
        ),
        fig("F002", "saving", 1000, unit="yuan"),
        fig("F003", "part", 315),
        fig("F004", "part2", 4120),
        fig("F005", "whole", 4435),
    ]
    rules = [
        rule("overrun", "budget.food.actual_yuan - budget.food.budget_yuan", "==", "F001"),
        rule("saving", "budget.clothing.budget_yuan - budget.clothing.actual_yuan", "==", "F002"),
        rule("parts", "F003 + F004", "==", "F005", "error"),
    ]
    out = c.run_checks(budget_report(CLEAN, figures, rules=rules))
    assert ids(out) == {"rule:overrun": "warning"}
    message = one(out, "rule:overrun")["message_en"]
    assert message.startswith("Rule overrun. The report gives budget.food.actual_yuan = 25346.5")
    assert "→ 1346.5, against F001 = 1200 (1200–1300)" in message
    assert one(out, "rule:overrun")["figure_ids"] == "budget.food.actual_yuan;budget.food.budget_yuan;F001"


def test_rule_operators_tolerance_and_empty_cells():
    """`<=` fails when the left is larger; a 5 % tolerance admits 105 == 100; an empty cell gives info."""
    figures = [fig("F001", "a", 105), fig("F002", "b", 100)]
    rows = [line("a", 100, 90, None), total(100, 90, 10)]
    rules = [
        rule("le", "F001", "<=", "F002", "error"),
        rule("tol", "F001", "==", "F002", "error", 5),
        rule("empty", "budget.a.remaining_yuan", "==", "10"),
    ]
    out = c.run_checks(make_report(figures, budget=rows, rules=rules))
    assert ids(out) == {"rule:le": "error", "rule:empty": "info"}
