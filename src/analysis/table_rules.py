"""Rules on the rows of one table that a column schema cannot state: reserved and over-long place ids, a
range's upper end, the note a derived figure owes, the one grand total of the budget.

Each function takes a (possibly partly invalid) typed frame and returns problems; cells that are empty because
they did not parse are skipped, since their own problem is already reported.
"""

from __future__ import annotations

import pandas as pd

from analysis import model
from analysis.errors import Problem


def number(value: float) -> str:
    """A value as a person would write it: no trailing ``.0``, no exponent.

    >>> number(12000.0), number(24315.5), number(-815.5), number(0.1 + 0.2)
    ('12000', '24315.5', '-815.5', '0.3')
    """
    text = f"{value:.10f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def place_id_problems(places: pd.DataFrame, rel: str, report_id: str | None) -> list[Problem]:
    """Place ids that would collide with a page the build writes, or be too long for a file name."""
    reserved = set(model.RESERVED_PAGE_NAMES) | ({report_id} if report_id else set())
    shown = ", ".join(model.RESERVED_PAGE_NAMES) + (f" or the report id {report_id}" if report_id else "")
    problems = []
    for i, place in places["place_id"].items() if "place_id" in places else ():
        if not isinstance(place, str):
            continue
        if place in reserved:
            problems.append(Problem(rel, i + 2, "place_id", f"an id that is not the name of a generated page "
                                    f"({shown})", repr(place)))
        elif len(place) > model.MAX_ID_LENGTH:
            problems.append(Problem(rel, i + 2, "place_id", f"an id of at most {model.MAX_ID_LENGTH} characters "
                                    "(it names the place's page)", f"{len(place)} characters"))
    return problems


def figure_row_problems(figures: pd.DataFrame, rel: str) -> list[Problem]:
    """``value_max`` below ``value``; a derived figure (``is_derived`` true) without a note saying how."""
    problems = []
    if {"value", "value_max"} <= set(figures.columns):
        both = figures["value"].notna() & figures["value_max"].notna()
        for i, row in figures[both & (figures["value_max"] < figures["value"])].iterrows():
            problems.append(Problem(rel, i + 2, "value_max", f"a number >= value ({number(row['value'])}), the "
                                    "upper end of the range", number(row["value_max"])))
    if "is_derived" in figures:
        derived = figures["is_derived"].fillna(False).astype(bool)
        note = figures["note"] if "note" in figures else pd.Series(pd.NA, index=figures.index)
        for i in figures.index[derived & note.isna()]:
            problems.append(Problem(rel, i + 2, "note", "a note saying how the value was derived from the "
                                    "numbers the quote prints (is_derived is true)", "an empty cell"))
    return problems


def grand_totals(budget: pd.DataFrame) -> pd.DataFrame:
    """The grand total rows: row_type ``total`` whose category_zh is not the category of any line (a total row
    whose category_zh names a category of the lines is that category's subtotal, as in checks.budget_identities)."""
    if not {"row_type", "category_zh"} <= set(budget.columns):
        return budget.iloc[0:0]
    lines = budget[budget["row_type"] == "line"]
    categories = set(lines["category_zh"].dropna())
    totals = budget[budget["row_type"] == "total"]
    return totals[~totals["category_zh"].isin(categories)]


def budget_problems(budget: pd.DataFrame, rel: str) -> list[Problem]:
    """A budget table with rows has exactly one grand total row."""
    if budget.empty or "row_type" not in budget or budget["row_type"].isna().all():
        return []
    grand = grand_totals(budget)
    expected = ("exactly one grand total row (row_type total; a total whose category_zh is a category of the "
                "lines is that category's subtotal)")
    if grand.empty:
        return [Problem(rel, None, "row_type", expected, "no grand total row")]
    first = grand.index[0] + 2
    return [Problem(rel, i + 2, "row_type", expected, f"a second grand total (the first is row {first})")
            for i in grand.index[1:]]
