"""District views: a place's figures, the places below it, completeness and shares."""

from __future__ import annotations

import math

import pytest
from metrics_fixtures import row

from analysis import metrics as m
from analysis.errors import UsageError
from analysis.load import load_report
from conftest import SEED_REPORT
from engine_data import fig, make_report


def place_report():
    return make_report(
        [
            fig("F001", "households_visited", 1000),
            fig("F002", "phone_checks", 500),
            fig("F003", "vehicles_checked", 30, unit="vehicle_times"),
            fig("F004", "households_visited", 40, scope="community", place_id="hehua", section="四"),
            fig("F005", "households_visited", 60, scope="community", place_id="shiqiao", section="四"),
            fig("F006", "phone_checks", 20, scope="street", place_id="taoyuan", section="四"),
            fig("F007", "phone_checks", 5, scope="community", place_id="hehua", section="四"),
            fig("F008", "households_visited", 7, scope="community", place_id="fengtian", section="四"),
            fig("F009", "target_households", 900, qualifier="target"),
        ]
    )


def test_district_completeness_sums_places_below_without_overlap():
    """A district's value adds up the places below it that do not overlap; never apportioned."""
    out = m.district_completeness(place_report(), "nanhu").set_index("metric")
    assert list(out.index) == ["households_visited", "phone_checks", "vehicles_checked"]
    assert out.loc["households_visited", "place_value"] == 100
    assert out.loc["households_visited", "figure_ids"] == "F004;F005"
    assert out.loc["households_visited", "project_value"] == 1000
    assert "2 place(s)" in out.loc["households_visited", "note"]
    assert out.loc["phone_checks", "place_value"] == 20 and out.loc["phone_checks", "figure_ids"] == "F006"
    assert out.loc["vehicles_checked", "status"] == "not reported"
    assert math.isnan(out.loc["vehicles_checked", "place_value"])
    assert set(out["status"]) == {"reported", "not reported"}


def test_district_completeness_prefers_the_place_own_figure():
    """A district's own figure for a metric is its value, not its children's sum."""
    report = make_report(
        [
            fig("F001", "households_visited", 1000),
            fig("F002", "households_visited", 150, scope="district", place_id="nanhu", section="二"),
            fig("F003", "households_visited", 40, scope="community", place_id="hehua", section="四"),
        ]
    )
    out = m.district_completeness(report, "nanhu")
    assert (out["place_value"].item(), out["figure_ids"].item(), out["status"].item()) == (
        150,
        "F002",
        "reported",
    )


def test_district_completeness_on_mini(mini):
    """Mini: Nanhu reports none of the four project-scope metrics."""
    out = m.district_completeness(mini, "nanhu")
    assert list(out["metric"]) == [
        "grant_budget_yuan",
        "worker_deployments",
        "households_visited",
        "phone_checks_households",
    ]
    assert set(out["status"]) == {"not reported"} and out["place_value"].isna().all()
    assert row(out, "metric", "households_visited")["project_value"] == 12500


def test_district_figures_include_places_below():
    """A district's figures include its streets' and communities', with labels and names."""
    out = m.district_figures(place_report(), "nanhu")
    assert list(out["figure_id"]) == ["F004", "F005", "F006", "F007"]
    first = out.iloc[0]
    assert (first["label_en"], first["place_name_zh"], first["place_name_en"]) == (
        "Households visited",
        "荷花社区",
        "Hehua",
    )
    assert m.district_figures(place_report(), "xitang")["figure_id"].tolist() == ["F008"]


def test_has_figures_agrees_with_district_figures():
    """A place has figures exactly when its district_figures table is not empty (its own or below it)."""
    report = place_report()
    for pid in report.places["place_id"]:
        assert m.has_figures(report, pid) == (len(m.district_figures(report, pid)) > 0), pid
    assert m.has_figures(report, "nanhu") and not m.has_figures(make_report([fig("F001", "phone_checks", 5)]),
                                                                 "nanhu")
    with pytest.raises(UsageError):
        m.has_figures(report, "nowhere")


def test_district_places_lists_descendants_depth_first():
    """A district's places are listed depth first with their depth below it."""
    out = m.district_places(place_report(), "nanhu")
    assert list(out["place_id"]) == ["taoyuan", "hehua", "shiqiao"]
    assert list(out["depth"]) == [1, 2, 1]
    assert list(out["n_figures"]) == [1, 2, 1]
    assert out.iloc[1]["parent_name_zh"] == "桃源街道"


def test_unknown_place_is_a_usage_error():
    """An unknown place id raises UsageError naming the valid district ids."""
    with pytest.raises(UsageError, match="nanhu, xitang"):
        m.district_figures(place_report(), "nowhere")


def test_topic_figures_on_seed():
    """Supplies and fundraising panels list the figures metrics.csv files under each topic, targets left out."""
    report = load_report(SEED_REPORT)
    supplies = m.topic_figures(report, "supplies")
    assert len(supplies) == 37
    assert {"F004", "F122", "F041"} <= set(supplies["figure_id"])
    funds = m.topic_figures(report, "fundraising")
    assert list(funds["figure_id"]) == ["F047", "F048", "F049"]
    assert funds["value"].sum() == 7722805.52 + 5610539.62 + 2000000
    assert m.topic_figures(report, "nothing_filed_here").empty


def test_share_of_project_totals_on_seed():
    """A district's share is its value ÷ the project's in the same unit; metrics it does not report have none."""
    c = m.district_completeness(load_report(SEED_REPORT), "jinjiang").set_index("metric")
    assert c.loc["households_visited", "share"] == pytest.approx(120 / 53370)
    assert c.loc["access_passes_issued", "share"] == pytest.approx((400 + 262) / 1900)
    assert c.loc["phone_checks_households", "status"] == "not reported"
    assert math.isnan(c.loc["phone_checks_households", "share"])


def test_share_needs_the_same_unit():
    """No share is computed when the place's figure is in another unit than the project's."""
    report = make_report(
        [
            fig("F001", "households_visited", 100, unit="households"),
            fig("F002", "households_visited", 30, unit="household_times", place_id="hehua", section="四"),
        ]
    )
    row = m.district_completeness(report, "nanhu").set_index("metric").loc["households_visited"]
    assert row["status"] == "reported" and math.isnan(row["share"])
