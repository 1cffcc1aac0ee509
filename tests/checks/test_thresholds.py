"""Budget rows a threshold profile wants explained."""

from __future__ import annotations

from checks_fixtures import budget_report, ids, one

from analysis import checks as c
from engine_data import line, total


def test_budget_threshold_findings_follow_the_profile():
    """−16.7 % warns under default (10 %), not under foundation (20 %); a remark makes it info."""
    rows = [
        line("masks", 18000, 19678.5, -1678.5),
        line("disinfectant", 12000, 10000, 2000),
        total(30000, 29678.5, 321.5),
    ]
    out = c.run_checks(budget_report(rows))
    assert ids(out) == {"threshold:disinfectant": "warning"}
    assert "2000 yuan under budget (16.7 %)" in one(out, "threshold:disinfectant")["message_en"]
    assert c.run_checks(budget_report(rows), profile="foundation").empty
    rows[1]["remark_zh"] = "价格下降"
    assert ids(c.run_checks(budget_report(rows))) == {"threshold:disinfectant": "info"}
