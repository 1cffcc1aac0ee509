"""Budget rows a threshold profile wants explained."""

from __future__ import annotations

from checks_fixtures import budget_report, ids, one

from analysis import checks as c
from engine_data import line, total


def test_budget_threshold_findings_follow_the_profile():
    """−11.9 % warns under default (10 %), not under foundation (20 %); a remark makes it info."""
    rows = [
        line("food", 24000, 25346.5, -1346.5),
        line("clothing", 16000, 14100, 1900),
        total(40000, 39446.5, 553.5),
    ]
    out = c.run_checks(budget_report(rows))
    assert ids(out) == {"threshold:clothing": "warning"}
    assert "1900 yuan under budget (11.9 %)" in one(out, "threshold:clothing")["message_en"]
    assert c.run_checks(budget_report(rows), profile="foundation").empty
    rows[1]["remark_zh"] = "价格下降"
    assert ids(c.run_checks(budget_report(rows))) == {"threshold:clothing": "info"}
