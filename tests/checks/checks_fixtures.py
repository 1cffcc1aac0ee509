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


TRANSPOSED = [
    line("masks", 18000, 19678.5, -1687.5),
    line("disinfectant", 12000, 11000, 1000),
    total(30000, 30687.5, -687.5),
]


TWO_ERRORS = [
    line("masks", 18000, 19678.5, -1687.5),
    line("disinfectant", 12000, 11000, 1000),
    total(30300, 30678.5, -678.5),
]


CLEAN = [
    line("masks", 18000, 19678.5, -1678.5),
    line("disinfectant", 12000, 11000, 1000),
    total(30000, 30678.5, -678.5),
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
