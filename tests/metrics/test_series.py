"""Figures over time."""

from __future__ import annotations

from analysis import metrics as m
from engine_data import fig, make_report


def test_figures_over_time_on_mini(mini):
    """Mini: households 12000 → 12500 (+500) and phone checks 500 → 400 (−100), in time order; no targets."""
    out = m.figures_over_time(mini)
    assert list(out["figure_id"]) == ["F005", "F007", "F006", "F008"]
    assert list(out["step"]) == [1, 2, 1, 2]
    assert out["change_from_previous"].tolist()[1::2] == [500, -100]


def test_series_order_puts_dated_figures_in_date_order():
    """Dated figures are ordered by date; an undated one keeps its place in the report."""
    report = make_report(
        [
            fig("F001", "households_visited", 10, section="一"),
            fig("F002", "households_visited", 30, section="二", cutoff_date="2020-03-01"),
            fig("F003", "households_visited", 20, section="四", cutoff_date="2020-02-01"),
        ]
    )
    assert list(m.figures_over_time(report)["figure_id"]) == ["F001", "F003", "F002"]
