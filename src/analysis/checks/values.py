"""The shared ground of the checks: the findings row, and what the terms of an identity or rule stand for
(figures as intervals, budget cells as numbers)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from analysis import units
from analysis.load import Report
from analysis.metrics import (
    fmt_number,
    join_ids,
)

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
CHECK_COLUMNS = [
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
    "rule_ids",
]
#: Two amounts in yuan are equal when they differ by less than half a fen.
CENT = 0.005
_COLUMN_ZH = {"budget_yuan": "预算额度", "actual_yuan": "实际开支", "remaining_yuan": "剩余金额"}
_COLUMN_EN = {"budget_yuan": "budget", "actual_yuan": "actual spending", "remaining_yuan": "remaining amount"}


def finding(
    check_id: str,
    severity: str,
    message_zh: str,
    message_en: str,
    *,
    figure_ids=(),
    quotes=(),
    place_ids=(),
    explanation_zh: str = "",
    explanation_en: str = "",
    rule_ids=(),
) -> dict:
    """One row of the findings table; ``kind`` is the part of ``check_id`` before the first ':'."""
    return {
        "check_id": check_id,
        "kind": check_id.split(":", 1)[0],
        "severity": severity,
        "message_zh": message_zh,
        "message_en": message_en,
        "figure_ids": join_ids(dict.fromkeys(figure_ids)),
        "quotes": " | ".join(dict.fromkeys(q for q in quotes if isinstance(q, str) and q)),
        "place_ids": join_ids(dict.fromkeys(place_ids)),
        "explanation_zh": explanation_zh,
        "explanation_en": explanation_en,
        "rule_ids": join_ids(rule_ids),
    }


@dataclass
class Values:
    """What the terms of an identity or rule stand for: figure ids → (lo, hi), budget cells → their number."""

    figures: pd.DataFrame
    cells: dict[str, float]
    cell_quotes: dict[str, str] = field(default_factory=dict)

    def interval(self, term: str) -> tuple[float, float]:
        if term.startswith("budget."):
            v = self.cells.get(term, math.nan)
            return v, v
        if term in self.figures.index:
            f = self.figures.loc[term]
            return float(f["lo"]), float(f["hi"])
        v = float(term)
        return v, v

    def text(self, term: str, lang: str) -> str:
        """How a term reads in a message: a cell's number, a figure's number with 多/约 as printed."""
        if term.startswith("budget.") or term not in self.figures.index:
            return fmt_number(self.interval(term)[0])
        f = self.figures.loc[term]
        if not bool(f["is_approximate"]) and pd.isna(f["value_max"]) and f["qualifier"] != "lower_bound":
            return fmt_number(f["value"])
        lo, hi = float(f["lo"]), float(f["hi"])
        span = f"{fmt_number(lo)}–{fmt_number(hi)}" if math.isfinite(hi) else f"≥{fmt_number(lo)}"
        return f"{fmt_number(f['value'])}（{span}）" if lang == "zh" else f"{fmt_number(f['value'])} ({span})"

    def quote(self, term: str) -> str | None:
        if term.startswith("budget."):
            return self.cell_quotes.get(term)
        if term in self.figures.index:
            return self.figures.loc[term, "quote"]
        return None


def budget_cells(report: Report) -> tuple[dict[str, float], dict[str, str]]:
    """Every number of the budget table as ``budget.<line>.<column>`` → value, and each cell's row quote."""
    cells, quotes = {}, {}
    for row in report.budget.itertuples():
        for column in ("budget_yuan", "actual_yuan", "remaining_yuan"):
            value = getattr(row, column)
            if not pd.isna(value):
                cells[f"budget.{row.line_id}.{column}"] = float(value)
                quotes[f"budget.{row.line_id}.{column}"] = row.quote
    return cells, quotes


def sum_interval(terms: list[tuple[float, str]], values: Values) -> tuple[float, float]:
    """The interval of Σ coef × term (interval arithmetic)."""
    lo = hi = 0.0
    for coef, term in terms:
        a, b = values.interval(term)
        lo, hi = lo + min(coef * a, coef * b), hi + max(coef * a, coef * b)
    return lo, hi


def canonical(terms) -> dict[str, float]:
    """Σ coef × term as {term: coef}, numbers collected under '#', zero coefficients dropped."""
    out: dict[str, float] = {}
    for coef, term in terms:
        key = term if not _is_number(term) else "#"
        out[key] = out.get(key, 0.0) + (coef * float(term) if key == "#" else coef)
    return {k: round(v, 9) for k, v in out.items() if abs(v) > 1e-12}


def _is_number(term: str) -> bool:
    return not term.startswith("budget.") and not term.startswith("F")


def _tolerance(value) -> float:
    return 0.0 if value is None or pd.isna(value) else float(value)


def _unit_zh(f: pd.Series) -> str:
    """The printed unit without a leading 万/千/亿 (the value is already converted)."""
    return units.printed_unit(f["unit_zh"])


def _line_names(report: Report) -> dict[str, tuple[str, str]]:
    names = {}
    for row in report.budget.itertuples():
        zh = row.line_zh if isinstance(row.line_zh, str) else (row.category_zh or row.line_id)
        en = row.line_en if isinstance(row.line_en, str) else (row.category_en or row.line_id)
        names[row.line_id] = (str(zh), str(en))
    return names


def _overlap(a: pd.Series, b: pd.Series) -> bool:
    return a["lo"] <= b["hi"] + 1e-9 and b["lo"] <= a["hi"] + 1e-9
