"""Checks: each rule on small synthetic reports and the mini fixture, localisation, the CLI and the seed."""

from __future__ import annotations

import json

import pandas as pd

from analysis import checks as c
from analysis.cli import main
from engine_data import fig, line, make_report, total

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


def ids(findings: pd.DataFrame) -> dict[str, str]:
    return dict(zip(findings["check_id"], findings["severity"], strict=True))


def one(findings: pd.DataFrame, check_id: str) -> pd.Series:
    (index,) = findings.index[findings["check_id"] == check_id]
    return findings.loc[index]


def budget_report(rows: list[dict], figures: list[dict] | None = None, **kw) -> object:
    return make_report(figures or [], budget=rows, **kw)


# A table like the seed's section 七: the masks' actual spend 19687.5 printed as 19678.5 (7 and 8 swapped).
TRANSPOSED = [
    line("masks", 18000, 19678.5, -1687.5),
    line("disinfectant", 12000, 11000, 1000),
    total(30000, 30687.5, -687.5),
]
# Two independent errors: the masks' remaining amount (−1678.5 printed −1687.5) and the total budget (30300).
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


# ------------------------------------------------------------------------------------------------------------
# budget identities and localisation
# ------------------------------------------------------------------------------------------------------------


def test_consistent_budget_produces_nothing():
    """A budget table whose rows, columns and grant all agree produces no finding at all."""
    report = budget_report(CLEAN, [fig("F001", "grant", 30000, unit="yuan")], grant="F001")
    out = c.run_checks(report)
    assert list(out.columns[:10]) == COLUMNS
    assert out.empty


def test_transposed_digits_are_localised():
    """One swapped digit pair breaks three identities; 19678.5 → 19687.5 explains them all."""
    out = c.run_checks(budget_report(TRANSPOSED))
    assert ids(out) == {
        "budget_remaining:masks": "error",
        "budget_sum:actual_yuan": "error",
        "budget_sum:remaining_from_lines": "error",
        "localise:budget": "info",
    }
    loc = one(out, "localise:budget")
    assert "all 3 failing budget sums" in loc["message_en"]
    assert "19687.5, not 19678.5 (digits 7 and 8 transposed)" in loc["message_en"]
    assert loc["figure_ids"].startswith("budget.masks.actual_yuan;")
    remaining = one(out, "budget_remaining:masks")
    assert "18000 − actual spending 19678.5 = -1678.5" in remaining["message_en"]
    assert "printed as -1687.5" in remaining["message_en"]
    assert "7 与 8 两位数字颠倒" in remaining["explanation_zh"]
    assert (
        remaining["figure_ids"]
        == "budget.masks.budget_yuan;budget.masks.actual_yuan;budget.masks.remaining_yuan"
    )


def test_two_independent_errors_are_not_explained_by_one_cell():
    """With two independent errors no single cell explains every failing identity, and the finding says so."""
    out = c.run_checks(budget_report(TWO_ERRORS))
    failing = {k for k, v in ids(out).items() if v == "error"}
    assert failing == {
        "budget_remaining:masks",
        "budget_sum:remaining_yuan",
        "budget_sum:budget_yuan",
        "budget_remaining:total",
    }
    loc = one(out, "localise:budget")
    assert loc["message_en"].startswith("No single-cell correction explains all 4 failing budget sums")
    assert loc["message_en"].endswith(
        "The closest: the remaining amount of Masks (masks行) reading -1678.5 (digits 8 and 7 transposed) "
        "explains 2 of them."
    )
    assert (out["explanation_en"] == "").all()


def test_grant_differs_from_budget_total():
    """The grant figure is compared with the printed total budget; one failure is not localised."""
    report = budget_report(
        CLEAN, [fig("F001", "grant", 35000, unit="yuan", quote="项目预算：3.5万")], grant="F001"
    )
    out = c.run_checks(report)
    assert ids(out) == {"budget_grant": "error"}
    assert "35000 yuan" in one(out, "budget_grant")["message_en"]


def test_rule_restating_a_generic_check_is_reported_once():
    """A rules.csv row that states the same identity as a generic check is not reported a second time."""
    rules = [
        {
            "rule_id": "masks_remaining",
            "left": "budget.masks.budget_yuan - budget.masks.actual_yuan",
            "operator": "==",
            "right": "budget.masks.remaining_yuan",
            "severity": "error",
            "message_zh": "口罩",
            "message_en": "Masks",
        }
    ]
    out = c.run_checks(budget_report(TRANSPOSED, rules=rules))
    assert "rule:masks_remaining" not in set(out["check_id"])
    assert one(out, "budget_remaining:masks")["rule_ids"] == "masks_remaining"


def test_digit_edits_cover_drops_and_additions():
    """A dropped or an added digit is among the candidate corrections, each value once."""
    edits = {value: kind for value, kind, _ in c.digit_edits(1234)}
    assert edits[1243] == "transposition" and edits[1284] == "change"
    assert edits[124] == "drop" and edits[12345] == "insert"
    assert all(not str(int(v)).startswith("0") for v in edits)


# ------------------------------------------------------------------------------------------------------------
# the same metric more than once
# ------------------------------------------------------------------------------------------------------------


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
        fig("F001", "households_visited", 52444, section="一.2"),
        fig("F002", "households_visited", 53370, section="五.1.1)"),
    )
    assert ids(same_day) == ids(undated) == {"same_metric:households_visited": "warning"}
    message = one(undated, "same_metric:households_visited")["message_en"]
    assert "52444 households [F001, section 一.2, no cut-off date]" in message
    assert "neither has a cut-off date" in message


def test_equal_repeats_and_rounding_are_not_flagged():
    """A restated equal figure, or 20多 against 25 and 约 48 against 52, is not a finding."""
    assert series(fig("F001", "households_visited", 2205), fig("F002", "households_visited", 2205)).empty
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
        fig("F002", "households_visited", 5, place_id="huaxinglu", scope="community"),
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


# ------------------------------------------------------------------------------------------------------------
# parts and wholes, lists, rules, thresholds
# ------------------------------------------------------------------------------------------------------------


def test_place_above_the_project_figure():
    """A community reporting more than the whole project is a warning; one within the whole is not."""
    out = c.run_checks(
        make_report(
            [
                fig("F001", "households_visited", 100),
                fig("F002", "households_visited", 120, place_id="huaxinglu", section="四"),
                fig("F003", "households_visited", 90, place_id="langudi", section="四"),
            ]
        )
    )
    assert {"part_whole:households_visited:huaxinglu", "part_whole:households_visited:places"} <= set(
        out["check_id"]
    )
    assert "part_whole:households_visited:langudi" not in set(out["check_id"])
    assert one(out, "part_whole:households_visited:huaxinglu")["place_ids"] == "huaxinglu"


def test_place_between_two_conflicting_project_figures_is_info():
    """A place above the smaller of two project figures but within the larger is info naming both."""
    out = c.run_checks(
        make_report(
            [
                fig("F001", "banners_hung", 43, unit="banners"),
                fig("F002", "banners_hung", 1295, unit="banners", section="四"),
                fig("F003", "banners_hung", 60, unit="banners", place_id="huaxinglu", section="四"),
            ]
        )
    )
    row = one(out, "part_whole:banners_hung:huaxinglu")
    assert row["severity"] == "info"
    assert row["figure_ids"] == "F003;F001;F002"
    assert row["place_ids"] == "huaxinglu"


def test_place_within_every_project_figure_is_silent():
    """A place below every project figure of the same metric produces no part/whole finding."""
    out = c.run_checks(
        make_report(
            [
                fig("F001", "banners_hung", 43, unit="banners"),
                fig("F002", "banners_hung", 1295, unit="banners", section="四"),
                fig("F003", "banners_hung", 40, unit="banners", place_id="huaxinglu", section="四"),
            ]
        )
    )
    assert not any(i.startswith("part_whole") for i in out["check_id"])


def test_places_summing_above_the_project_figure_without_double_counting():
    """Places adding up above the project warn; a street and its own community are not added."""
    over = c.run_checks(
        make_report(
            [
                fig("F001", "households_visited", 100),
                fig("F002", "households_visited", 60, place_id="huaxinglu", section="四"),
                fig("F003", "households_visited", 50, place_id="langudi", section="四"),
            ]
        )
    )
    assert ids(over) == {"part_whole:households_visited:places": "warning"}
    nested = c.run_checks(
        make_report(
            [
                fig("F001", "households_visited", 100),
                fig("F002", "households_visited", 60, place_id="shuyuanjie", section="四"),
                fig("F003", "households_visited", 50, place_id="huaxinglu", section="四"),
            ]
        )
    )
    assert nested.empty


def test_approximate_place_figure_within_tolerance():
    """约 48 at a place against a project figure of 45 is within rounding: no finding."""
    out = c.run_checks(
        make_report(
            [
                fig("F001", "banners", 45, unit="banners"),
                fig(
                    "F002",
                    "banners",
                    48,
                    unit="banners",
                    place_id="langudi",
                    quote="约 48 幅",
                    qualifier="approximate",
                    is_approximate=True,
                    section="四",
                ),
            ]
        )
    )
    assert out.empty


def list_report(count: float, n_items: int, quote: str, approximate: bool = False) -> object:
    return make_report(
        [
            fig(
                "F001",
                "donors",
                count,
                unit="organisations",
                quote=quote,
                is_approximate=approximate,
                qualifier="approximate" if approximate else "exact",
            )
        ],
        lists=[
            {
                "list_id": "donors",
                "section": "六.1",
                "label_zh": "捐赠方",
                "label_en": "Donors",
                "count_figure_id": "F001",
            }
        ],
        list_items=[
            {"list_id": "donors", "item_no": i, "item_zh": f"单位{i}", "quote": f"单位{i}"}
            for i in range(1, n_items + 1)
        ],
    )


def test_stated_count_against_listed_items():
    """A stated count must match the items listed, except 等 (partial) and rounding (20多)."""
    out = c.run_checks(list_report(19, 21, "19 家单位"))
    assert ids(out) == {"list_count:donors": "warning"}
    assert "but lists 21" in one(out, "list_count:donors")["message_en"]
    assert c.run_checks(list_report(9, 9, "九个省")).empty
    assert c.run_checks(list_report(48, 3, "等 48 个部门")).empty
    assert c.run_checks(list_report(20, 25, "20多家", approximate=True)).empty


def rule(
    rule_id: str, left: str, operator: str, right: str, severity: str = "warning", tolerance=None
) -> dict:
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


def test_rules_are_evaluated_with_approximate_tolerance():
    """'1100多' against 1678.5 fails with the rule's severity; 1000 == 1000 and 248 + 7608 == 7856 hold."""
    figures = [
        fig(
            "F001",
            "overrun",
            1100,
            unit="yuan",
            quote="多出了1100多元",
            is_approximate=True,
            qualifier="approximate",
        ),
        fig("F002", "saving", 1000, unit="yuan"),
        fig("F003", "part", 248),
        fig("F004", "part2", 7608),
        fig("F005", "whole", 7856),
    ]
    rules = [
        rule("overrun", "budget.masks.actual_yuan - budget.masks.budget_yuan", "==", "F001"),
        rule("saving", "budget.disinfectant.budget_yuan - budget.disinfectant.actual_yuan", "==", "F002"),
        rule("parts", "F003 + F004", "==", "F005", "error"),
    ]
    out = c.run_checks(budget_report(CLEAN, figures, rules=rules))
    assert ids(out) == {"rule:overrun": "warning"}
    message = one(out, "rule:overrun")["message_en"]
    assert message.startswith("Rule overrun. The report gives budget.masks.actual_yuan = 19678.5")
    assert "→ 1678.5, against F001 = 1100 (1100–1200)" in message
    assert one(out, "rule:overrun")["figure_ids"] == "budget.masks.actual_yuan;budget.masks.budget_yuan;F001"


def test_rule_operators_tolerance_and_empty_cells():
    """`<=` fails when the left is larger; a 5 % tolerance admits 105 == 100; an empty cell gives info."""
    figures = [fig("F001", "a", 105), fig("F002", "b", 100)]
    rows = [line("a", 100, 90, None), total(100, 90, 10)]
    rules = [
        rule("le", "F001", "<=", "F002", "error"),
        rule("tol", "F001", "==", "F002", "error", 5),
        rule("empty", "budget.a.remaining_yuan", "==", "10"),
    ]
    out = c.run_checks(make_report(figures, budget=rows, rules=rules))
    assert ids(out) == {"rule:le": "error", "rule:empty": "info"}


def test_budget_threshold_findings_follow_the_profile():
    """−16.7 % warns under default (10 %), not under foundation (20 %); a remark makes it info."""
    rows = [
        line("masks", 18000, 19678.5, -1678.5),
        line("disinfectant", 12000, 10000, 2000),
        total(30000, 29678.5, 321.5),
    ]
    out = c.run_checks(budget_report(rows))
    assert ids(out) == {"threshold:disinfectant": "warning"}
    assert "2000 yuan under budget (16.7 %)" in one(out, "threshold:disinfectant")["message_en"]
    assert c.run_checks(budget_report(rows), profile="foundation").empty
    rows[1]["remark_zh"] = "价格下降"
    assert ids(c.run_checks(budget_report(rows))) == {"threshold:disinfectant": "info"}


# ------------------------------------------------------------------------------------------------------------
# the whole table, the CLI
# ------------------------------------------------------------------------------------------------------------


def test_mini_findings_are_sorted_and_deterministic(mini):
    """Mini findings are sorted by severity then check id, and identical on a second run."""
    out = c.run_checks(mini)
    assert list(zip(out["check_id"], out["severity"], strict=True)) == [
        ("budget_remaining:masks", "error"),
        ("budget_remaining:total", "error"),
        ("budget_sum:remaining_from_lines", "error"),
        ("same_metric:phone_checks_households", "warning"),
        ("threshold:disinfectant", "warning"),
        ("localise:budget", "info"),
        ("same_metric:households_visited", "info"),
    ]
    assert "rule:grant_equals_budget" not in set(out["check_id"])
    pd.testing.assert_frame_equal(out, c.run_checks(mini))


def test_check_cli_exit_codes(mini_report, capsys):
    """`closeout check` exits 0 by default, 1 with --fail-on error when there is an error, and prints JSON."""
    assert main(["check", str(mini_report), "--format", "json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert records[0]["severity"] == "error"
    assert main(["check", str(mini_report), "--fail-on", "error", "--format", "csv"]) == 1
    assert main(["check", str(mini_report), "--fail-on", "warning", "--format", "csv"]) == 1
    assert main(["check", str(mini_report), "--profile", "nasa"]) == 2


# ------------------------------------------------------------------------------------------------------------
# the seed report
# ------------------------------------------------------------------------------------------------------------


def test_seed_budget_localisation(seed):
    """Seed: three budget identities fail; 19678.5 → 19687.5 (7 and 8 transposed) explains all."""
    out = c.run_checks(seed)
    errors = set(out.loc[out["kind"].str.startswith("budget"), "check_id"])
    assert errors == {"budget_remaining:masks", "budget_sum:actual_yuan", "budget_sum:remaining_from_lines"}
    assert "30040.5" in one(out, "budget_sum:actual_yuan")["message_en"]
    assert "leave -40.5" in one(out, "budget_sum:remaining_from_lines")["message_en"]
    loc = one(out, "localise:budget")
    assert "all 3 failing budget sums" in loc["message_en"]
    assert "should read 19687.5, not 19678.5 (digits 7 and 8 transposed)" in loc["message_en"]


def test_seed_narrative_and_list_findings(seed):
    """Seed: '1100多元' contradicts the table; 19 donors vs 21 named; rules that hold are quiet."""
    out = c.run_checks(seed)
    found = ids(out)
    assert found["rule:narrative_masks_overrun"] == "warning"
    assert "still fails" in one(out, "rule:narrative_masks_overrun")["explanation_en"]
    assert found["list_count:donors"] == "warning"
    assert found["same_metric:households_visited"] == "warning"
    assert found["same_metric:organisations_supplied"] == "info"
    for quiet in (
        "rule:psych_aid_parts_1",
        "rule:psych_aid_parts_5",
        "rule:narrative_disinfectant_saving",
        "rule:shuangliu_disbursed_within_raised",
        "budget_grant",
        "list_count:yicang_provinces_1",
    ):
        assert quiet not in found
