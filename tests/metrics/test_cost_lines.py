"""Cost per output per budget line: the lines that paid for an output, the whole grant otherwise, labelled."""

from __future__ import annotations

import pytest

from analysis import metrics as m
from engine_data import fig, line, make_report, total

LINES = [
    line("kits", 20000, 18000, 2000, category="物资", category_en="Supplies"),
    line("hotline", 6000, 6000, 0, category="热线", category_en="Hotline"),
    line("admin", 4000, 4000, 0, category="管理", category_en="Administration"),
    total(30000, 28000, 2000),
]


def key(metric: str) -> dict:
    return {"metric": metric, "label_zh": metric, "label_en": metric, "why": None}


def cost_report(links: list[tuple[str, str]], calls_scope: str = "project") -> object:
    return make_report(
        [
            fig("F001", "kits_handed_out", 900, unit="packs", unit_zh="包"),
            fig("F002", "calls_answered", 1200, unit="calls", unit_zh="个", scope=calls_scope),
            fig("F003", "people_reached", 5000, unit="persons", unit_zh="人"),
        ],
        budget=LINES,
        key_outputs=[key("kits_handed_out"), key("calls_answered"), key("people_reached")],
        key_output_lines=[{"metric": a, "line_id": b} for a, b in links],
    )


def by_metric(frame, metric):
    (i,) = frame.index[frame["metric"] == metric]
    return frame.loc[i]


def test_cost_per_line_where_given_whole_grant_otherwise():
    """kits line 18000 ÷ 900 packs = 20; hotline 6000 ÷ 1200 calls = 5; people: all 28000 ÷ 5000 = 5.6."""
    out = m.cost_per_output(cost_report([("kits_handed_out", "kits"), ("calls_answered", "hotline")]))
    kits, calls, people = (by_metric(out, k) for k in ("kits_handed_out", "calls_answered", "people_reached"))
    assert kits["cost_per_output_yuan"] == pytest.approx(20.0) and kits["spend_basis"] == "budget_lines"
    assert kits["spend_cells"] == "budget.kits.actual_yuan" and kits["budget_line_ids"] == "kits"
    assert calls["cost_per_output_yuan"] == pytest.approx(5.0)
    assert people["cost_per_output_yuan"] == pytest.approx(5.6) and people["spend_basis"] == "whole_grant"
    assert "kits行" in kits["spend_basis_zh"] and "Kits" in kits["spend_basis_en"]
    assert "cannot be added" in people["caveat_en"] and "cannot be added" not in kits["caveat_en"]


def test_several_lines_and_a_total_row():
    """An output paid by two lines divides their sum; naming the total row means the whole grant."""
    out = m.cost_per_output(
        cost_report([("kits_handed_out", "kits"), ("kits_handed_out", "admin"), ("people_reached", "total")])
    )
    kits = by_metric(out, "kits_handed_out")
    assert kits["spend_yuan"] == 22000 and kits["budget_line_ids"] == "kits;admin"
    people = by_metric(out, "people_reached")
    assert people["spend_basis"] == "whole_grant" and people["spend_yuan"] == 28000


def test_shared_line_says_costs_overlap():
    """Two outputs paid by the same line: each caveat says the costs cannot be added."""
    out = m.cost_per_output(cost_report([("kits_handed_out", "kits"), ("calls_answered", "kits")]))
    assert "cannot be added" in by_metric(out, "calls_answered")["caveat_en"]
    assert "不能相加" in by_metric(out, "kits_handed_out")["caveat_zh"]


def test_organisation_wide_output_is_flagged_with_a_clear_caveat():
    """An organisation-wide output is flagged and both caveats say the grant did not buy it."""
    out = m.cost_per_output(cost_report([], calls_scope="organisation"))
    calls = by_metric(out, "calls_answered")
    assert bool(calls["is_org_wide"])
    assert "not what this grant bought" in calls["caveat_en"] and "并非本项目资金所买到的产出" in calls["caveat_zh"]
    assert not bool(by_metric(out, "kits_handed_out")["is_org_wide"])


def test_seed_costs_unchanged(seed):
    """Seed: no line links, so every output divides the whole 30040.5 yuan, as before."""
    out = m.cost_per_output(seed)
    assert set(out["spend_basis"]) == {"whole_grant"}
    assert set(out["spend_yuan"]) == {30040.5}


def test_budget_lines_column_of_key_outputs():
    """key_outputs.csv may name the lines itself (budget_lines, ';' ids): the same costs as the link table."""
    report = make_report(
        [fig("F001", "kits_handed_out", 900, unit="packs", unit_zh="包")],
        budget=LINES,
        key_outputs=[{**key("kits_handed_out"), "budget_lines": "kits; admin"}],
    )
    (row,) = m.cost_per_output(report).itertuples()
    assert (row.spend_yuan, row.budget_line_ids, row.spend_basis) == (22000, "kits;admin", "budget_lines")


def test_unknown_budget_line_is_reported(mini_report):
    """A budget_lines id that is not a line of budget.csv is a located problem listing the valid ids."""
    from analysis.load import validate_report

    (mini_report / "key_outputs.csv").write_text(
        "metric,label_zh,label_en,why,budget_lines\nhouseholds_visited,入户,Households,,food;kitchen\n",
        encoding="utf-8",
    )
    _, problems = validate_report(mini_report)
    (problem,) = problems
    assert (problem.row, problem.column, problem.found) == (2, "budget_lines", "'kitchen'")
    assert "food" in problem.expected
