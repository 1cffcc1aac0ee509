"""A second, fictional report (tests/reports/qinghe-warm-winter-2022) runs with no code change.

Another organisation and city than the seed, a budget in three categories, a hotline team with its own start
date, home visits with a pause, units the seed does not use (hours, tonnes, calls, machines, days, percent and
a report-only unit), ratio claims checked by ratio rules and one mistyped budget cell. The planted
inconsistencies are found and nothing consistent is flagged.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from analysis import checks, metrics, present, transcription, units
from analysis.cli import main
from analysis.load import load_report, validate_report
from conftest import ROOT, SEED_REPORT

SECOND = Path(__file__).resolve().parent / "reports" / "qinghe-warm-winter-2022"


@pytest.fixture(scope="module")
def second():
    return load_report(SECOND)


@pytest.fixture(scope="module")
def findings(second) -> pd.DataFrame:
    return checks.run_checks(second)


def one(frame: pd.DataFrame, column: str, key: str) -> pd.Series:
    (i,) = frame.index[frame[column] == key]
    return frame.loc[i]


# ------------------------------------------------------------------------------------------------------------
# validate
# ------------------------------------------------------------------------------------------------------------


def test_validates_and_every_mention_is_accounted_for(second):
    """The folder validates; every numeric mention (三成 and 128% included) is transcribed or excluded."""
    report, problems = validate_report(SECOND)
    assert problems == [] and report is not None
    assert transcription.unaccounted(second).empty
    assert transcription.unused_exclusions(second).empty
    assert transcription.values_not_in_quotes(second).empty
    kinds = transcription.account_report(second).set_index("text")["kind"]
    assert kinds["约三成"] == "percent" and kinds["128%"] == "percent"


def test_cli_runs_on_it(capsys):
    """closeout validate, check and metrics run on the folder (check exits 0 by default, 1 with --fail-on error)."""
    assert main(["validate", str(SECOND)]) == 0
    assert main(["check", str(SECOND), "--format", "csv"]) == 0
    assert main(["check", str(SECOND), "--fail-on", "error", "--format", "csv"]) == 1
    assert main(["metrics", str(SECOND), "--format", "json"]) == 0
    assert "cost_per_output:hotline_calls" in capsys.readouterr().out


def test_units_outside_the_seed(second):
    """Hours, tonnes, calls and machines are shipped units; winter packs come from the report's units.csv."""
    used = set(second.figures["unit"])
    seed_units = set(pd.read_csv(SEED_REPORT / "figures.csv", dtype=str)["unit"])
    assert {"hours", "tonnes", "calls", "machines", "days", "percent", "warm_packs"} <= used - seed_units
    assert units.unit_label("warm_packs", "en", report=second) == "winter care packs"
    assert units.unit_label("warm_packs", "zh", "份", report=second) == "份"
    assert units.unit_kind("volunteer_hours_are_not_units", second) is None


# ------------------------------------------------------------------------------------------------------------
# check
# ------------------------------------------------------------------------------------------------------------


def test_planted_inconsistencies_are_found_and_nothing_else(findings):
    """The heaters' actual spend 7500 printed as 7800 fails three budget sums (one localised typo); the
    per-worker calls claim (320 vs 1260 ÷ 4 = 315) fails; the two lines beyond 10 % need explaining (the
    packs line has a remark). The overspend (约三成 = 30 %) and attainment (128 %) claims hold."""
    assert dict(zip(findings["check_id"], findings["severity"], strict=True)) == {
        "budget_remaining:heaters": "error",
        "budget_sum:actual_yuan": "error",
        "budget_sum:remaining_from_lines": "error",
        "rule:calls_per_worker": "warning",
        "threshold:transport": "warning",
        "localise:budget": "info",
        "threshold:warm_packs": "info",
    }


def test_one_digit_typo_is_localised_in_both_languages(findings):
    """A 5 printed as 8: 「数字 5 误为 8」 and 'a 5 printed as 8', the corrected value 7500."""
    row = one(findings, "check_id", "localise:budget")
    assert "「取暖设备」的实际开支应为 7500 而非 7800（数字 5 误为 8）" in row["message_zh"]
    assert "should read 7500, not 7800 (a 5 printed as 8)" in row["message_en"]
    assert row["figure_ids"].startswith("budget.heaters.actual_yuan")


def test_ratio_claim_message(findings):
    """The failing per-worker claim shows the division with its values in both languages."""
    row = one(findings, "check_id", "rule:calls_per_worker")
    assert "1260 ÷ 4 = 315（F008 = 1260，F007 = 4）" in row["message_zh"]
    assert "1260 ÷ 4 = 315 (F008 = 1260, F007 = 4)" in row["message_en"]


# ------------------------------------------------------------------------------------------------------------
# metrics
# ------------------------------------------------------------------------------------------------------------


def test_service_periods(second):
    """Home visits: 92 project days less the 20-day pause = 72; the hotline: 15 Nov to 31 Jan = 78 days."""
    out = metrics.intensity(second).set_index("intensity_id")
    visits, calls = out.loc["households_per_visitor"], out.loc["calls_per_hotline_worker"]
    assert (visits["days"], calls["days"]) == (72, 78)
    assert visits["output_per_worker_day"] == pytest.approx(640 / 12 / 72)
    assert calls["output_per_worker_day"] == pytest.approx(1260 / 4 / 78)
    assert "less 20 paused days" in visits["days_basis"] and "team's start 2022-11-15" in calls["days_basis"]


def test_cost_per_budget_line(second):
    """Calls: the two hotline lines (11800 元) ÷ 1260; packs: the packs line (26000) ÷ 640; households: the
    whole printed spend (53600) ÷ 640."""
    out = metrics.cost_per_output(second).set_index("metric")
    assert out.loc["hotline_calls", "cost_per_output_yuan"] == pytest.approx(11800 / 1260)
    assert out.loc["hotline_calls", "budget_line_ids"] == "hotline_fees;hotline_allowance"
    assert out.loc["warm_packs_handed_out", "cost_per_output_yuan"] == pytest.approx(26000 / 640)
    assert out.loc["households_visited", "spend_basis"] == "whole_grant"
    assert out.loc["households_visited", "spend_yuan"] == 53600
    assert not out["is_org_wide"].any()


def test_declared_coverage_and_mentions(second):
    """Reach against the declared 2 districts, 9 streets, 31 communities; 东湖区 inside 东湖区慈善协会 and 西山
    inside 西山红叶超市 are no mentions, but both districts are named elsewhere."""
    reach = metrics.place_reach(second).set_index("level")
    assert list(reach.loc[["district", "street", "community"], "stated_total"]) == [2, 9, 31]
    assert reach.loc["district", "in_text_ids"] == "donghu;xishan"
    text = second.source_text
    association = text.index("东湖区慈善协会")
    assert all(not (a <= association < b) for a, b in metrics.place_mentions(second, "donghu"))
    assert reach.loc["street", "in_text_ids"] == "qingshi;liuan"


def test_targets_and_budget(second):
    """640 of 500 households (1.28, the dated figure); the Supplies category 33800 against 28000."""
    (t,) = metrics.target_attainment(second).itertuples()
    assert t.attainment_ratio == pytest.approx(1.28) and t.achieved_figure_ids == "F004"
    budget = metrics.budget_variance(second).set_index("line_id")
    assert budget.loc["category-supplies", "actual_yuan"] == 33800


def test_pages_print_units_as_data(second):
    """Cost and intensity tables print the report's units: 份 / 'winter care packs', 个 / 'calls'."""
    costs = metrics.cost_per_output(second)
    assert "640 份" in present.cost_table(costs, "zh")
    intensity = metrics.intensity(second)
    assert "1,260 个" in present.intensity_table(intensity, "zh", second)
    assert "1,260 calls" in present.intensity_table(intensity, "en", second)
    assert set(costs["unit_en"]) == {"households", "calls", "winter care packs"}  # labels for the English pages


# ------------------------------------------------------------------------------------------------------------
# a full build (slow: one build per session)
# ------------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def second_build(tmp_path_factory) -> Path:
    """The second report built once, in Chinese, with two workers (a full `closeout build`)."""
    out = tmp_path_factory.mktemp("second-build")
    assert main(["build", str(SECOND), "--out", str(out), "--workers", "2"]) == 0
    return out / "qinghe-warm-winter-2022"


def _text(path: Path) -> str:
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    for tag in soup(["style", "script"]):
        tag.decompose()
    return soup.get_text(" ", strip=True)


@pytest.mark.slow
def test_full_build_of_the_second_report(second_build):
    """A full build: index, overview and one page per district/county; the pages show the report's own
    places, units and which days were counted, and nothing of the seed report."""
    names = {p.name for p in second_build.glob("*.html")}
    one_file = f"{second_build.name}.html"  # every page in one file to share
    assert names == {"index.html", "overview.html", "donghu.html", "xishan.html", one_file}
    overview = _text(second_build / "overview.html")
    assert "扣除暂停的 20 天" in overview and "该团队开始服务之日 2022-11-15" in overview
    assert re.search(r"数字 5 误印?为 8", overview)  # the one-digit typo, the right way round
    assert "暖冬包" in overview and "吨" in overview
    seed_names = set(pd.read_csv(SEED_REPORT / "places.csv", dtype=str)["name_zh"])
    seed_words = {n[:2] for n in seed_names} | {"爱有戏", "安心计划", "口罩"}
    for page in sorted(second_build.glob("*.html")):
        text = _text(page)
        leaked = sorted(w for w in seed_words if w in text)
        assert not leaked, f"{page.name} names the seed: {leaked}"
    assert (ROOT / "tests" / "reports").is_dir()
