"""Cost per output."""

from __future__ import annotations

import math

import pytest
from metrics_fixtures import targets_report

from analysis import metrics as m
from engine_data import fig, line, make_report


def test_cost_per_output_on_mini(mini):
    """Mini: actual spend 39446.5 ÷ the latest households visited 12500 = 3.15572 yuan per household."""
    (r,) = m.cost_per_output(mini).itertuples()
    assert (r.metric, r.output_figure_id, r.spend_yuan) == ("households_visited", "F007", 39446.5)
    assert r.cost_per_output_yuan == pytest.approx(3.15572)
    assert not r.is_org_wide and "cannot be added" in r.caveat_en


def test_cost_per_output_flags_org_wide_and_zero_outputs():
    """An organisation-wide output is flagged with a caveat; a zero output gives NaN, not inf."""
    report = make_report(
        [
            fig("F001", "psych_aid_person_times", 6412, scope="organisation", unit="person_times"),
            fig("F002", "households_visited", 0),
        ],
        budget=[line("a", 100, 80, 20)],
        key_outputs=[
            {"metric": k, "label_zh": k, "label_en": k} for k in ("households_visited", "psych_aid_person_times")
        ],
    )
    out = m.cost_per_output(report).set_index("metric")
    assert out.loc["psych_aid_person_times", "is_org_wide"]
    assert out.loc["psych_aid_person_times", "cost_per_output_yuan"] == pytest.approx(80 / 6412)
    assert "organisation-wide" in out.loc["psych_aid_person_times", "caveat_en"]
    assert math.isnan(out.loc["households_visited", "cost_per_output_yuan"])


def test_cost_per_output_falls_back_to_target_metrics():
    """A report with none of the key output metrics uses the metrics of its target achievements."""
    report = targets_report(
        [{"target_id": "t", "figure_id": "F002", "combine": "sum"}],
        [fig("F002", "meals_delivered", 400, unit="meals")],
    )
    report.tables["budget"] = make_report([], budget=[line("a", 100, 100, 0)]).budget
    (r,) = m.cost_per_output(report).itertuples()
    assert (r.metric, r.cost_per_output_yuan) == ("meals_delivered", 0.25)
