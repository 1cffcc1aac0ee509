"""Declared coverage: coverage_totals.csv says which figure is the stated total per level; nothing is guessed."""

from __future__ import annotations

import math

from analysis import metrics as m
from analysis.load import validate_report
from engine_data import fig, make_report

STREETS = [
    {"place_id": "city", "level": "city", "name_zh": "江城市", "name_en": "Jiangcheng"},
    {"place_id": "dongqu", "level": "district", "name_zh": "东湖区", "name_en": "Donghu", "parent_id": "city"},
    {"place_id": "s1", "level": "street", "name_zh": "青石街道", "name_en": "Qingshi", "parent_id": "dongqu"},
    {"place_id": "s2", "level": "street", "name_zh": "柳岸街道", "name_en": "Liu'an", "parent_id": "dongqu"},
    {"place_id": "c1", "level": "community", "name_zh": "青石社区", "name_en": "Qingshi C.", "parent_id": "s1"},
]


def community_figures() -> list[dict]:
    return [
        fig("F001", "communities_assessed", 30, unit="communities"),
        fig("F002", "communities_covered", 12, unit="communities"),
        fig("F003", "partner_communities", 8, unit="communities"),
        fig("F004", "communities_revised_plans", 6, unit="communities"),
        fig("F005", "streets_covered", 5, unit="streets", unit_zh="个街道"),
    ]


def test_undeclared_totals_are_not_guessed():
    """Four community metrics are never added up: without coverage_totals.csv no level has a stated total."""
    out = m.place_reach(make_report(community_figures(), places=STREETS)).set_index("level")
    assert out["stated_total"].isna().all()


def test_declared_total_per_level_including_streets():
    """The declared figure is the total: 12 communities covered, 5 streets (streets work like other levels)."""
    report = make_report(
        community_figures(),
        places=STREETS,
        coverage_totals=[
            {"level": "community", "figure_id": "F002", "combine": None},
            {"level": "town", "figure_id": "F005", "combine": "alternative"},  # a place level counts in its group
        ],
    )
    out = m.place_reach(report).set_index("level")
    assert out.loc["community", "stated_total"] == 12 and out.loc["community", "stated_figure_ids"] == "F002"
    assert out.loc["street", "stated_total"] == 5 and out.loc["street", "places_named"] == 2
    assert out.loc["street", "named_share"] == 2 / 5
    assert math.isnan(out.loc["district", "stated_total"])


def test_alternatives_take_the_latest_and_sums_add():
    """Two alternative statements: the later (dated) one wins; sum rows are added to it."""
    figures = [
        fig("F001", "streets_a", 4, unit="streets", cutoff_date="2020-02-01"),
        fig("F002", "streets_b", 6, unit="streets", cutoff_date="2020-03-01"),
        fig("F003", "streets_c", 2, unit="streets"),
    ]
    totals = [
        {"level": "street", "figure_id": "F001", "combine": "alternative"},
        {"level": "street", "figure_id": "F002", "combine": "alternative"},
        {"level": "street", "figure_id": "F003", "combine": "sum"},
    ]
    out = m.place_reach(make_report(figures, places=STREETS, coverage_totals=totals)).set_index("level")
    assert out.loc["street", "stated_total"] == 8 and out.loc["street", "stated_figure_ids"] == "F002;F003"


def test_seed_community_total_is_declared(seed):
    """Seed: the declared 20多 + 40多 communities keep the stated total 60..80."""
    out = m.place_reach(seed).set_index("level")
    assert (out.loc["community", "stated_total"], out.loc["community", "stated_total_max"]) == (60, 80)
    assert out.loc["community", "stated_figure_ids"] == "F057;F058"


def test_unknown_level_or_figure_is_reported(mini_report):
    """coverage_totals.csv rows with an unknown level or figure id are located problems."""
    (mini_report / "coverage_totals.csv").write_text(
        "level,figure_id,combine\nprovince,F002,\ncommunity,F999,sum\n", encoding="utf-8"
    )
    _, problems = validate_report(mini_report)
    assert {(p.row, p.column) for p in problems} == {(2, "level"), (3, "figure_id")}
