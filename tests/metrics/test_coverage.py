"""Coverage metrics: target attainment and reach, on synthetic reports, the mini fixture and the seed."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from metrics_fixtures import row, targets_report

from analysis import metrics as m
from engine_data import fig, make_report


def test_target_attainment_on_mini(mini):
    """The dated later F007 (12500) is used against 8000 户次; the undated F005 is the other."""
    out = m.target_attainment(mini)
    assert list(out.columns[:13]) == [
        "target_id",
        "label_zh",
        "label_en",
        "target_figure_id",
        "target_value",
        "unit",
        "achieved_value",
        "achieved_unit",
        "achieved_figure_ids",
        "other_figure_ids",
        "cutoff_date",
        "attainment_ratio",
        "is_approximate",
    ]
    households = row(out, "target_id", "households")
    assert households["achieved_figure_ids"] == "F007"
    assert households["other_figure_ids"] == "F005"
    assert households["attainment_ratio"] == pytest.approx(1.5625)
    assert households["cutoff_date"] == pd.Timestamp("2020-03-01")
    assert households["note_en"] == "units differ: target in household visits, achieved in households"
    assert households["note_zh"] == "单位不同：目标以户次计，完成数以户计"
    communities = row(out, "target_id", "communities")
    assert communities["achieved_value"] == 20 and communities["attainment_ratio"] == pytest.approx(4.0)
    assert bool(communities["is_approximate"]) is True


def test_alternative_prefers_dated_over_undated():
    """Of two alternatives the dated one wins even when the undated one comes later in the report."""
    report = targets_report(
        [
            {"target_id": "t", "figure_id": "F002", "combine": "alternative"},
            {"target_id": "t", "figure_id": "F003", "combine": "alternative"},
        ],
        [
            fig("F002", "households_visited", 300, section="五"),
            fig("F003", "households_visited", 200, section="一", cutoff_date="2020-02-01"),
        ],
    )
    (t,) = m.target_attainment(report).itertuples()
    assert (t.achieved_figure_ids, t.other_figure_ids, t.attainment_ratio) == ("F003", "F002", 2.0)


def test_alternative_without_dates_takes_the_later_section():
    """When no alternative is dated, the one printed in the later section is used."""
    report = targets_report(
        [
            {"target_id": "t", "figure_id": "F002", "combine": "alternative"},
            {"target_id": "t", "figure_id": "F003", "combine": "alternative"},
        ],
        [
            fig("F002", "households_visited", 120, section="四.1"),
            fig("F003", "households_visited", 150, section="二"),
        ],
    )
    (t,) = m.target_attainment(report).itertuples()
    assert (t.achieved_figure_ids, t.attainment_ratio) == ("F002", 1.2)
    assert pd.isna(t.cutoff_date)


def test_sum_rows_are_added():
    """`sum` achievements are added up (and to the chosen alternative): 50 + 20 + 5 = 75 of 100."""
    report = targets_report(
        [
            {"target_id": "t", "figure_id": "F002", "combine": "alternative"},
            {"target_id": "t", "figure_id": "F003", "combine": "sum"},
            {"target_id": "t", "figure_id": "F004", "combine": "sum"},
        ],
        [fig("F002", "a", 50), fig("F003", "b", 20, section="二"), fig("F004", "c", 5, section="三")],
    )
    (t,) = m.target_attainment(report).itertuples()
    assert (t.achieved_value, t.achieved_figure_ids, t.attainment_ratio) == (75, "F002;F003;F004", 0.75)


def test_zero_target_and_missing_achievement_give_nan():
    """A zero target has no ratio (NaN, not inf); a target without achievement figures says so."""
    zero = targets_report([{"target_id": "t", "figure_id": "F002", "combine": "sum"}], [fig("F002", "a", 5)], 0)
    assert math.isnan(m.target_attainment(zero)["attainment_ratio"].item())
    none = targets_report([], [])
    (t,) = m.target_attainment(none).itertuples()
    assert (
        math.isnan(t.achieved_value)
        and math.isnan(t.attainment_ratio)
        and t.note_en == "no achievement figure"
        and t.note_zh == "报告未给出完成数"
    )


def reach_report():
    return make_report(
        [
            fig(
                "F001",
                "communities_partner",
                20,
                unit="communities",
                qualifier="approximate",
                is_approximate=True,
                quote="共计20多个",
            ),
            fig(
                "F002",
                "communities_other",
                40,
                unit="communities",
                qualifier="approximate",
                is_approximate=True,
                quote="其余社区40多个",
            ),
            fig("F003", "target_communities", 10, unit="communities", qualifier="target"),
            fig("F004", "communities_platform", 2, unit="communities", scope="district", place_id="nanhu"),
            fig("F005", "households_visited", 4, scope="community", place_id="hehua"),
        ],
        source="一、在荷花社区开展工作\n",
        coverage_totals=[
            {"level": "community", "figure_id": "F001", "combine": "sum"},
            {"level": "community", "figure_id": "F002", "combine": "sum"},
        ],
    )


def test_place_reach_against_stated_totals():
    """Named communities and villages (3) are set against the declared 20多 + 40多 = 60..80."""
    out = m.place_reach(reach_report()).set_index("level")
    community = out.loc["community"]
    assert community["places_named"] == 3
    assert community["place_ids"] == "hehua;shiqiao;fengtian"
    assert (community["stated_total"], community["stated_total_max"]) == (60, 80)
    assert community["stated_figure_ids"] == "F001;F002" and bool(community["stated_is_approximate"])
    assert community["named_share"] == pytest.approx(0.05)
    assert (community["in_text"], community["in_text_ids"]) == (1, "hehua")
    assert (
        community["with_figures"],
        out.loc["street", "with_figures"],
        out.loc["district", "with_figures"],
    ) == (1, 1, 1)
    assert out.loc["district", "places_named"] == 2 and math.isnan(out.loc["district", "stated_total"])


def test_seed_target_attainment(seed):
    """Seed: households 53370 of 10000; communities 20多 + 40多 of 10; 48 of 36 organisations."""
    out = m.target_attainment(seed).set_index("target_id")
    assert out.loc["household_visits", "achieved_figure_ids"] == "F088"
    assert out.loc["household_visits", "attainment_ratio"] == pytest.approx(5.337)
    assert out.loc["communities_assisted", "attainment_ratio"] == pytest.approx(6.0)
    assert out.loc["organisations_supported", "attainment_ratio"] == pytest.approx(48 / 36)
    assert out.loc["people_supported", "attainment_ratio"] == pytest.approx(2205 / 500)


def test_seed_reach_and_jinjiang(seed):
    """Seed: communities 20多 + 40多 stated; Jinjiang reports households 120多 and passes 400余 + 262."""
    reach = m.place_reach(seed).set_index("level")
    assert (reach.loc["community", "stated_total"], reach.loc["community", "stated_total_max"]) == (60, 80)
    completeness = m.district_completeness(seed, "jinjiang").set_index("metric")
    assert completeness.loc["households_visited", "place_value"] == 120
    assert completeness.loc["access_passes_issued", "place_value"] == 662
    assert completeness.loc["phone_checks_households", "status"] == "not reported"
