"""Metrics: hand-computed values on the mini fixture, on small synthetic reports and on the seed report."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest

from analysis import metrics as m
from analysis.cli import main
from analysis.errors import UsageError
from analysis.load import load_report
from conftest import SEED_REPORT
from engine_data import fig, line, make_report, total

# ------------------------------------------------------------------------------------------------------------
# fixtures
# ------------------------------------------------------------------------------------------------------------


def row(frame: pd.DataFrame, column: str, key: str) -> pd.Series:
    (index,) = frame.index[frame[column] == key]
    return frame.loc[index]


def target(fid: str, value: float, section: str = "一") -> dict:
    return fig(fid, "target_households", value, qualifier="target", section=section)


def targets_report(achievements: list[dict], figures: list[dict], value: float = 100) -> object:
    return make_report(
        [target("F001", value), *figures],
        targets=[
            {
                "target_id": "t",
                "section": "一",
                "label_zh": "目标",
                "label_en": "Target",
                "target_figure_id": "F001",
            }
        ],
        target_achievements=achievements,
    )


# ------------------------------------------------------------------------------------------------------------
# target attainment
# ------------------------------------------------------------------------------------------------------------


def test_target_attainment_on_mini(mini):
    """The dated later F007 (12500) is used against 10000 户次; the undated F005 is the other."""
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
    assert households["attainment_ratio"] == pytest.approx(1.25)
    assert households["cutoff_date"] == pd.Timestamp("2020-03-01")
    assert households["note_en"] == "units differ: target in household_times, achieved in households"
    assert households["note_zh"] == "单位不同：目标以户次计，完成数以户计"
    communities = row(out, "target_id", "communities")
    assert communities["achieved_value"] == 20 and communities["attainment_ratio"] == pytest.approx(2.0)
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
    zero = targets_report(
        [{"target_id": "t", "figure_id": "F002", "combine": "sum"}], [fig("F002", "a", 5)], 0
    )
    assert math.isnan(m.target_attainment(zero)["attainment_ratio"].item())
    none = targets_report([], [])
    (t,) = m.target_attainment(none).itertuples()
    assert (
        math.isnan(t.achieved_value) and math.isnan(t.attainment_ratio) and t.note_en == "no achievement figure"
        and t.note_zh == "报告未给出完成数"
    )


# ------------------------------------------------------------------------------------------------------------
# reach and district views
# ------------------------------------------------------------------------------------------------------------


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
            fig("F004", "communities_platform", 2, unit="communities", scope="district", place_id="jinjiang"),
            fig("F005", "households_visited", 4, scope="community", place_id="huaxinglu"),
        ],
        source="一、在华星路社区开展工作\n",
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
    assert community["place_ids"] == "huaxinglu;langudi;guangtan"
    assert (community["stated_total"], community["stated_total_max"]) == (60, 80)
    assert community["stated_figure_ids"] == "F001;F002" and bool(community["stated_is_approximate"])
    assert community["named_share"] == pytest.approx(0.05)
    assert (community["in_text"], community["in_text_ids"]) == (1, "huaxinglu")
    assert (
        community["with_figures"],
        out.loc["street", "with_figures"],
        out.loc["district", "with_figures"],
    ) == (1, 1, 1)
    assert out.loc["district", "places_named"] == 2 and math.isnan(out.loc["district", "stated_total"])


def place_report():
    return make_report(
        [
            fig("F001", "households_visited", 1000),
            fig("F002", "phone_checks", 500),
            fig("F003", "vehicles_checked", 30, unit="vehicle_times"),
            fig("F004", "households_visited", 40, scope="community", place_id="huaxinglu", section="四"),
            fig("F005", "households_visited", 60, scope="community", place_id="langudi", section="四"),
            fig("F006", "phone_checks", 20, scope="street", place_id="shuyuanjie", section="四"),
            fig("F007", "phone_checks", 5, scope="community", place_id="huaxinglu", section="四"),
            fig("F008", "households_visited", 7, scope="community", place_id="guangtan", section="四"),
            fig("F009", "target_households", 900, qualifier="target"),
        ]
    )


def test_district_completeness_sums_places_below_without_overlap():
    """A district's value adds up the places below it that do not overlap; never apportioned."""
    out = m.district_completeness(place_report(), "jinjiang").set_index("metric")
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
            fig("F002", "households_visited", 150, scope="district", place_id="jinjiang", section="二"),
            fig("F003", "households_visited", 40, scope="community", place_id="huaxinglu", section="四"),
        ]
    )
    out = m.district_completeness(report, "jinjiang")
    assert (out["place_value"].item(), out["figure_ids"].item(), out["status"].item()) == (
        150,
        "F002",
        "reported",
    )


def test_district_completeness_on_mini(mini):
    """Mini: Jinjiang reports none of the four project-scope metrics."""
    out = m.district_completeness(mini, "jinjiang")
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
    out = m.district_figures(place_report(), "jinjiang")
    assert list(out["figure_id"]) == ["F004", "F005", "F006", "F007"]
    first = out.iloc[0]
    assert (first["label_en"], first["place_name_zh"], first["place_name_en"]) == (
        "Households visited",
        "华星路社区",
        "Huaxinglu",
    )
    assert m.district_figures(place_report(), "wuhou")["figure_id"].tolist() == ["F008"]


def test_district_places_lists_descendants_depth_first():
    """A district's places are listed depth first with their depth below it."""
    out = m.district_places(place_report(), "jinjiang")
    assert list(out["place_id"]) == ["shuyuanjie", "huaxinglu", "langudi"]
    assert list(out["depth"]) == [1, 2, 1]
    assert list(out["n_figures"]) == [1, 2, 1]
    assert out.iloc[1]["parent_name_zh"] == "书院街街道"


def test_unknown_place_is_a_usage_error():
    """An unknown place id raises UsageError naming the valid district ids."""
    with pytest.raises(UsageError, match="jinjiang, wuhou"):
        m.district_figures(place_report(), "nowhere")


# ------------------------------------------------------------------------------------------------------------
# intensity
# ------------------------------------------------------------------------------------------------------------


def intensity_report(workers: float, cutoff: str | None) -> object:
    return make_report(
        [
            fig("F001", "care_workers", workers, unit="workers"),
            fig("F002", "people_cared", 2205, unit="persons", cutoff_date=cutoff),
        ],
        workforce=[
            {
                "team_id": "care",
                "section": "一",
                "label_zh": "社工",
                "label_en": "Care workers",
                "workers_figure_id": "F001",
                "place_id": "jinjiang",
            }
        ],
        intensities=[
            {
                "intensity_id": "care_people",
                "team_id": "care",
                "output_figure_id": "F002",
                "label_zh": "每名社工",
                "label_en": "Per worker",
            }
        ],
    )


def test_intensity_on_mini(mini):
    """Mini: 12000 households ÷ 20 deployments = 600; over the 67-day project period 600 ÷ 67 per day."""
    (r,) = m.intensity(mini).itertuples()
    assert (r.output_per_worker, r.days) == (600, 67)
    assert r.output_per_worker_day == pytest.approx(600 / 67)
    assert r.days_basis.startswith("project period")
    assert "deployments" in r.note


def test_intensity_uses_the_output_cutoff_date():
    """2205 people ÷ 63 workers = 35; 25 Jan to the cut-off 12 Mar is 48 days counting both ends."""
    (r,) = m.intensity(intensity_report(63, "2020-03-12")).itertuples()
    assert r.output_per_worker == pytest.approx(35.0)
    assert (r.days, r.days_basis) == (48, "project start to the output's cut-off date 2020-03-12")
    assert r.output_per_worker_day == pytest.approx(35 / 48)
    assert r.place_id == "jinjiang"


def test_zero_workers_give_nan_not_inf():
    """A team of zero workers gives NaN per worker and per worker-day, with a note; never infinity."""
    (r,) = m.intensity(intensity_report(0, None)).itertuples()
    assert math.isnan(r.output_per_worker) and math.isnan(r.output_per_worker_day)
    assert "zero workers" in r.note


# ------------------------------------------------------------------------------------------------------------
# budget
# ------------------------------------------------------------------------------------------------------------


def test_budget_variance_on_mini(mini):
    """Mini: masks +1678.5 (9.325 %), disinfectant −2000 (−16.7 %, explain); totals from lines."""
    out = m.budget_variance(mini).set_index("line_id")
    assert list(out["level"]) == ["line", "line", "category", "total"]
    masks = out.loc["masks"]
    assert (masks["variance_yuan"], masks["variance_pct"]) == (1678.5, pytest.approx(9.325))
    assert masks["execution_rate"] == pytest.approx(1.09325) and not masks["needs_explanation"]
    disinfectant = out.loc["disinfectant"]
    assert (
        disinfectant["variance_pct"] == pytest.approx(-16.6667, abs=1e-4)
        and disinfectant["needs_explanation"]
    )
    assert out.loc["total", "actual_yuan"] == 29678.5 and out.loc["total", "variance_yuan"] == -321.5
    assert out.loc["category-protection", "budget_yuan"] == 30000


def test_category_and_total_are_sums_of_lines_not_printed_totals():
    """A wrongly printed total row does not leak into the variance: the total is the sum of the lines."""
    report = make_report(
        [],
        budget=[
            line("a", 100, 90, 10),
            line("b", 50, 60, -10, category="其他", category_en="Other"),
            total(999, 999, 0),
        ],
    )
    out = m.budget_variance(report).set_index("line_id")
    assert (out.loc["total", "budget_yuan"], out.loc["total", "actual_yuan"]) == (150, 150)
    assert list(out.index) == ["a", "b", "category-activity", "category-other", "total"]
    assert out.loc["category-other", "variance_yuan"] == 10


def test_zero_budget_line_has_no_percentage_but_needs_explanation():
    """Spending on a line with no budget: variance_pct and execution_rate are NaN, and it needs explaining."""
    report = make_report([], budget=[line("a", 0, 150, -150), line("b", 100, 100, 0)])
    a = m.budget_variance(report).set_index("line_id").loc["a"]
    assert math.isnan(a["variance_pct"]) and math.isnan(a["execution_rate"])
    assert a["needs_explanation"] and "without a budget" in a["threshold_note"]


def test_report_without_budget_has_no_budget_or_cost_rows():
    """Without a budget table there are no variance rows and no cost per output (nothing to divide)."""
    report = make_report([fig("F001", "households_visited", 10)])
    assert m.budget_variance(report).empty and m.cost_per_output(report).empty
    assert set(m.all_metrics(report)["kind"]) == {"reach"}


def profile_report():
    return make_report(
        [],
        budget=[
            line("a", 1000, 1400, -400, category="甲", category_en="X"),
            line(
                "b", 10000, 10900, -900, category=None, category_en=None
            ),  # merged cell: carried down from a
            line("c", 2000, 2600, -600, category="乙", category_en="Y"),
        ],
    )


@pytest.mark.parametrize(
    ("profile", "expected"),
    [
        ("default", {"a": True, "b": False, "c": True}),
        ("foundation", {"a": False, "b": False, "c": True}),
        ("eu", {"a": False, "b": False, "c": False, "category-x": False, "category-y": True}),
        ("eu_line", {"a": True, "b": False, "c": True, "category-x": False, "category-y": False}),
    ],
)
def test_threshold_profiles_are_applied_generically(profile, expected):
    """default >10 %/line; foundation >20 %/line and ≥500 yuan; eu >25 %/category; eu_line >25 %/line."""
    out = m.budget_variance(profile_report(), profile).set_index("line_id")["needs_explanation"]
    assert {k: bool(out[k]) for k in expected} == expected


def test_unknown_profile_lists_the_valid_ones(mini):
    """An unknown profile is a UsageError that names default, eu and foundation."""
    with pytest.raises(UsageError, match="default, eu, foundation"):
        m.budget_variance(mini, "nasa")


def test_threshold_profiles_table():
    """The profiles are rows of data: default 10 %, eu 25 % per category, foundation 20 % + 500 yuan, eu_line
    25 % per line."""
    table = m.threshold_profiles()
    assert list(table.columns) == ["profile", "level", "pct", "floor_yuan", "label_zh", "label_en"]
    got = {r.profile: (r.level, r.pct, r.floor_yuan) for r in table.itertuples()}
    assert got == {
        "default": ("line", 10, 0),
        "eu": ("category", 25, 0),
        "foundation": ("line", 20, 500),
        "eu_line": ("line", 25, 0),
    }


# ------------------------------------------------------------------------------------------------------------
# cost per output, series, the long table
# ------------------------------------------------------------------------------------------------------------


def test_cost_per_output_on_mini(mini):
    """Mini: actual spend 29678.5 ÷ the latest households visited 12500 = 2.37428 yuan per household."""
    (r,) = m.cost_per_output(mini).itertuples()
    assert (r.metric, r.output_figure_id, r.spend_yuan) == ("households_visited", "F007", 29678.5)
    assert r.cost_per_output_yuan == pytest.approx(2.37428)
    assert not r.is_org_wide and "cannot be added" in r.caveat_en


def test_cost_per_output_flags_org_wide_and_zero_outputs():
    """An organisation-wide output is flagged with a caveat; a zero output gives NaN, not inf."""
    report = make_report(
        [
            fig("F001", "psych_aid_person_times", 7856, scope="organisation", unit="person_times"),
            fig("F002", "households_visited", 0),
        ],
        budget=[line("a", 100, 80, 20)],
        key_outputs=[{"metric": k, "label_zh": k, "label_en": k} for k in ("households_visited", "psych_aid_person_times")],
    )
    out = m.cost_per_output(report).set_index("metric")
    assert out.loc["psych_aid_person_times", "is_org_wide"]
    assert out.loc["psych_aid_person_times", "cost_per_output_yuan"] == pytest.approx(80 / 7856)
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


def test_all_metrics_on_mini(mini):
    """The long table has the agreed columns and a row per value of every kind."""
    out = m.all_metrics(mini)
    assert list(out.columns) == [
        "metric_id",
        "kind",
        "scope",
        "label_zh",
        "label_en",
        "value",
        "unit",
        "numerator",
        "numerator_figure_ids",
        "denominator",
        "denominator_figure_ids",
        "is_approximate",
        "note",
    ]
    assert set(out["kind"]) == {"coverage", "intensity", "budget", "cost", "reach"}
    values = out.set_index("metric_id")["value"]
    assert values["attainment:households"] == pytest.approx(1.25)
    assert values["execution_rate:masks"] == pytest.approx(1.09325)
    assert values["per_worker_day:screening_households"] == pytest.approx(600 / 67)
    assert values["cost_per_output:households_visited"] == pytest.approx(2.37428)
    assert out["metric_id"].is_unique
    assert set(out["scope"]) == {"project"}


def test_metrics_cli_prints_csv_and_json(mini_report, capsys):
    """`closeout metrics DIR --format csv|json` prints the long table and exits 0."""
    assert main(["metrics", str(mini_report), "--format", "csv"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("metric_id,kind,scope,")
    assert main(["metrics", str(mini_report), "--format", "json", "--profile", "eu"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert {r["kind"] for r in records} >= {"coverage", "budget"}


def test_metrics_cli_rejects_unknown_profile(mini_report, capsys):
    """An unknown --profile exits 2 with one line naming the valid profiles."""
    assert main(["metrics", str(mini_report), "--profile", "nasa"]) == 2
    assert "valid profiles: default, eu, foundation" in capsys.readouterr().err


def test_metrics_cli_reports_validation_problems(mini_report, capsys):
    """A broken report folder exits 2 with the loader's located problems."""
    (mini_report / "figures.csv").write_text("figure_id\nF001\n", encoding="utf-8")
    assert main(["metrics", str(mini_report)]) == 2
    assert "figures.csv" in capsys.readouterr().err


# ------------------------------------------------------------------------------------------------------------
# the seed report (hand-computed from section 七 and the transcribed figures)
# ------------------------------------------------------------------------------------------------------------


def test_seed_budget_variance(seed):
    """Masks +1678.5 yuan = 9.325 %; transport spent 862 of 2000 = 0.431; the lines total 30040.5, +40.5."""
    out = m.budget_variance(seed).set_index("line_id")
    assert out.loc["masks", "variance_yuan"] == pytest.approx(1678.5)
    assert out.loc["masks", "variance_pct"] == pytest.approx(9.325)
    assert out.loc["transport", "execution_rate"] == pytest.approx(0.431)
    assert out.loc["transport", "needs_explanation"] and not out.loc["masks", "needs_explanation"]
    assert out.loc["total", "actual_yuan"] == pytest.approx(30040.5)
    assert out.loc["total", "variance_yuan"] == pytest.approx(40.5)


def test_seed_target_attainment(seed):
    """Seed: households 53370 of 10000; communities 20多 + 40多 of 10; 48 of 36 organisations."""
    out = m.target_attainment(seed).set_index("target_id")
    assert out.loc["household_visits", "achieved_figure_ids"] == "F088"
    assert out.loc["household_visits", "attainment_ratio"] == pytest.approx(5.337)
    assert out.loc["communities_assisted", "attainment_ratio"] == pytest.approx(6.0)
    assert out.loc["organisations_supported", "attainment_ratio"] == pytest.approx(48 / 36)
    assert out.loc["people_supported", "attainment_ratio"] == pytest.approx(2205 / 500)


def test_seed_intensity_and_cost(seed):
    """2205 people ÷ 63 care workers = 35 over 48 days; 30040.5 yuan ÷ 53370 households = 0.563 yuan each."""
    intensity = m.intensity(seed).set_index("intensity_id")
    care = intensity.loc["care_social_workers__f040"]
    assert (care["output_per_worker"], care["days"]) == (pytest.approx(35.0), 48)
    cost = m.cost_per_output(seed).set_index("metric")
    assert cost.loc["households_visited", "cost_per_output_yuan"] == pytest.approx(30040.5 / 53370)
    assert set(cost.index) == {
        "households_visited",
        "residents_served_person_times",
        "difficult_people_cared",
        "psych_aid_person_times",
    }


def test_seed_reach_and_jinjiang(seed):
    """Seed: communities 20多 + 40多 stated; Jinjiang reports households 120多 and passes 400余 + 262."""
    reach = m.place_reach(seed).set_index("level")
    assert (reach.loc["community", "stated_total"], reach.loc["community", "stated_total_max"]) == (60, 80)
    completeness = m.district_completeness(seed, "jinjiang").set_index("metric")
    assert completeness.loc["households_visited", "place_value"] == 120
    assert completeness.loc["access_passes_issued", "place_value"] == 662
    assert completeness.loc["phone_checks_households", "status"] == "not reported"


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
            fig("F002", "households_visited", 30, unit="household_times", place_id="huaxinglu", section="四"),
        ]
    )
    row = m.district_completeness(report, "jinjiang").set_index("metric").loc["households_visited"]
    assert row["status"] == "reported" and math.isnan(row["share"])
