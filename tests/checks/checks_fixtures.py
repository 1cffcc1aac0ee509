"""Helpers shared by the checks tests: small budget tables and rule rows."""

from __future__ import annotations

import pandas as pd

from engine_data import line, make_report, total


def ids(findings: pd.DataFrame) -> dict[str, str]:
    return dict(zip(findings["check_id"], findings["severity"], strict=True))


def one(findings: pd.DataFrame, check_id: str) -> pd.Series:
    (index,) = findings.index[findings["check_id"] == check_id]
    return findings.loc[index]


def budget_report(rows: list[dict], figures: list[dict] | None = None, **kw) -> object:
    return make_report(figures or [], budget=rows, **kw)


# The fictional report's supplies: food 24000 budget, clothing 16000, 40000 in all.
# TRANSPOSED: the food actual spending is printed 25346.5 for 25364.5 (digits 4 and 6 transposed); every other
# cell, the total row included, agrees with 25364.5.
TRANSPOSED = [
    line("food", 24000, 25346.5, -1364.5),
    line("clothing", 16000, 15000, 1000),
    total(40000, 40364.5, -364.5),
]


# TWO_ERRORS: the food remaining amount is printed -1364.5 for 24000 − 25346.5 = -1346.5, and the total budget
# 40400 for the lines' 40000.
TWO_ERRORS = [
    line("food", 24000, 25346.5, -1364.5),
    line("clothing", 16000, 15000, 1000),
    total(40400, 40346.5, -346.5),
]


CLEAN = [
    line("food", 24000, 25346.5, -1346.5),
    line("clothing", 16000, 15000, 1000),
    total(40000, 40346.5, -346.5),
]


def rule(rule_id: str, left: str, operator: str, right: str, severity: str = "warning", tolerance=None) -> dict:
    return {
        "rule_id": rule_id,
        "left": left,
        "operator": operator,
        "right": right,
        "tolerance_pct": tolerance,
        "severity": severity,
        "message_zh": f"{rule_id}规则。",
        "message_en": f"Rule {rule_id}.",
    }


COLUMNS = [
    "check_id",
    "kind",
    "severity",
    "message_zh",
    "message_en",
    "figure_ids",
    "quotes",
    "place_ids",
    "explanation_zh",
    "explanation_en",
]
