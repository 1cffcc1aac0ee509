"""The same metric reported more than once: revisions, contradictions, rounding."""

from __future__ import annotations

import pandas as pd
from checks_fixtures import ids, one

from analysis import checks as c
from engine_data import fig, make_report


def series(*figures: dict, cumulative: bool = True) -> pd.DataFrame:
    return c.run_checks(make_report(list(figures), cumulative={"households_visited": cumulative}))


def test_later_larger_cumulative_figure_is_a_revision():
    """A later cut-off with a larger running total is a revision (info), not a contradiction."""
    out = series(
        fig("F001", "households_visited", 100, cutoff_date="2020-02-01"),
        fig("F002", "households_visited", 150, cutoff_date="2020-03-01", section="二"),
    )
    assert ids(out) == {"same_metric:households_visited": "info"}
    assert "revision" in one(out, "same_metric:households_visited")["message_en"]


def test_decrease_of_cumulative_count_is_a_contradiction():
    """A running total that shrinks over time is a contradiction (warning)."""
    out = series(
        fig("F001", "households_visited", 150, cutoff_date="2020-02-01"),
        fig("F002", "households_visited", 100, cutoff_date="2020-03-01", section="二"),
    )
    assert ids(out) == {"same_metric:households_visited": "warning"}


def test_same_date_or_no_dates_with_different_values_contradict():
    """Different values on the same date, or with no dates at all, are a contradiction (warning)."""
    same_day = series(
        fig("F001", "households_visited", 100, cutoff_date="2020-03-01"),
        fig("F002", "households_visited", 120, cutoff_date="2020-03-01", section="五"),
    )
    undated = series(
        fig("F001", "households_visited", 61837, section="一.2"),
        fig("F002", "households_visited", 62519, section="五.1.1)"),
    )
    assert ids(same_day) == ids(undated) == {"same_metric:households_visited": "warning"}
    message = one(undated, "same_metric:households_visited")["message_en"]
    assert "61837 households [F001, section 一.2, no cut-off date]" in message
    assert "neither has a cut-off date" in message


def test_equal_repeats_and_rounding_are_not_flagged():
    """A restated equal figure, or 20多 against 25 and 约 48 against 52, is not a finding."""
    assert series(fig("F001", "households_visited", 3418), fig("F002", "households_visited", 3418)).empty
    assert series(
        fig("F001", "households_visited", 20, qualifier="approximate", is_approximate=True, quote="20多户"),
        fig("F002", "households_visited", 25, section="二"),
    ).empty
    assert series(
        fig("F001", "households_visited", 48, qualifier="approximate", is_approximate=True, quote="约 48 户"),
        fig("F002", "households_visited", 52, section="二"),
    ).empty
    flagged = series(
        fig("F001", "households_visited", 48, qualifier="approximate", is_approximate=True, quote="约 48 户"),
        fig("F002", "households_visited", 60, section="二"),
    )
    assert ids(flagged) == {"same_metric:households_visited": "warning"}


def test_other_places_units_scopes_and_targets_are_kept_apart():
    """Other places, units and targets are not the same metric; scopes differ at most as info."""
    assert series(
        fig("F001", "households_visited", 100),
        fig("F002", "households_visited", 5, place_id="hehua", scope="community"),
        fig("F003", "households_visited", 300, unit="household_times"),
        fig("F004", "households_visited", 999, qualifier="target"),
    ).empty
    scoped = series(
        fig("F001", "households_visited", 100),
        fig("F002", "households_visited", 900, scope="organisation", section="二"),
    )
    assert ids(scoped) == {"same_metric:households_visited": "info"}


def test_non_cumulative_change_over_time_is_info():
    """A non-cumulative count that changes between two dates is reported as info."""
    out = series(
        fig("F001", "households_visited", 100, cutoff_date="2020-02-01"),
        fig("F002", "households_visited", 80, cutoff_date="2020-03-01", section="二"),
        cumulative=False,
    )
    assert ids(out) == {"same_metric:households_visited": "info"}
