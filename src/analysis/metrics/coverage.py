"""Targets and reach: target attainment and the places the report names against its stated totals."""

from __future__ import annotations

import math

import pandas as pd

from analysis.load import Report
from analysis.metrics.common import (
    LEVEL_GROUPS,
    descendants,
    figures,
    fmt_number,
    join_ids,
    latest,
    places,
    reports_of_work,
)
from analysis.metrics.mentions import place_mentions
from analysis.units import unit_label

TARGET_COLUMNS = [
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
    "note_zh",
    "note_en",
    "unit_zh",
    "achieved_unit_zh",
    "unit_en",
    "achieved_unit_en",
]


def target_attainment(report: Report) -> pd.DataFrame:
    """Each target against what was achieved.

    Columns: target_id, label_zh, label_en, target_figure_id, target_value, unit (of the target),
    unit_zh (as printed), achieved_value, achieved_unit, achieved_unit_zh (';'), achieved_figure_ids (';'),
    other_figure_ids (alternatives not used, ';'),
    cutoff_date (latest cut-off among the figures used), attainment_ratio (achieved ÷ target; NaN without an
    achievement or a zero target), is_approximate (the target or any figure used is approximate), note_zh and
    note_en (why the ratio needs care: no achievement figure, units that differ, the notes of the rows used),
    unit_en, achieved_unit_en (the units' English labels, ';').

    Of the ``alternative`` achievements the latest is used: the latest cut-off date among dated ones; when
    none is dated, the one later in the report. ``sum`` achievements are added to it.
    """
    fig = figures(report)
    ach = report.target_achievements
    rows = []
    for t in report.targets.itertuples():
        target = fig.loc[t.target_figure_id]
        mine = ach[ach["target_id"] == t.target_id]
        alts = fig.loc[list(mine.loc[mine["combine"] == "alternative", "figure_id"])]
        sums = fig.loc[list(mine.loc[mine["combine"] == "sum", "figure_id"])]
        chosen = latest(alts)
        used = fig.loc[([chosen] if chosen else []) + list(sums.sort_values("order").index)]
        others = alts.drop(index=[chosen] if chosen else []).sort_values("order")
        achieved = used["value"].sum() if len(used) else math.nan
        units = list(dict.fromkeys(used["unit"]))
        notes: dict[str, list[str]] = {"zh": [], "en": []}
        if not len(used):
            notes["zh"].append("报告未给出完成数")
            notes["en"].append("no achievement figure")
        elif units != [target["unit"]]:
            units_zh = "、".join(dict.fromkeys(used["unit_zh"]))
            notes["zh"].append(f"单位不同：目标以{target['unit_zh']}计，完成数以{units_zh}计")
            label = [unit_label(u, "en", report=report) for u in (target["unit"], *units)]
            notes["en"].append(f"units differ: target in {label[0]}, achieved in {', '.join(label[1:])}")
        rows_used = mine.set_index("figure_id").reindex(used.index)
        for lang in ("zh", "en"):
            column = rows_used.get(f"note_{lang}", pd.Series(dtype=object)).dropna()
            notes[lang] += list(dict.fromkeys(str(n) for n in column if str(n).strip()))
        rows.append(
            {
                "target_id": t.target_id,
                "label_zh": t.label_zh,
                "label_en": t.label_en,
                "target_figure_id": t.target_figure_id,
                "target_value": target["value"],
                "unit": target["unit"],
                "unit_zh": target["unit_zh"],
                "achieved_value": achieved,
                "achieved_unit": ";".join(units),
                "achieved_unit_zh": ";".join(dict.fromkeys(used["unit_zh"])),
                "unit_en": unit_label(target["unit"], "en", report=report),
                "achieved_unit_en": ";".join(unit_label(u, "en", report=report) for u in units),
                "achieved_figure_ids": join_ids(used.index),
                "other_figure_ids": join_ids(others.index),
                "cutoff_date": used["cutoff_date"].max() if len(used) else pd.NaT,
                "attainment_ratio": achieved / target["value"] if len(used) and target["value"] else math.nan,
                "is_approximate": bool(target["is_approximate"]) or bool(used["is_approximate"].any()),
                "note_zh": "；".join(notes["zh"]),
                "note_en": "; ".join(notes["en"]),
            }
        )
    out = pd.DataFrame(rows, columns=TARGET_COLUMNS)
    out["cutoff_date"] = pd.to_datetime(out["cutoff_date"])
    return out.astype(
        {"target_value": float, "achieved_value": float, "attainment_ratio": float, "is_approximate": bool}
    )


REACH_COLUMNS = [
    "level",
    "levels",
    "places_named",
    "place_ids",
    "names_zh",
    "in_text",
    "in_text_ids",
    "with_figures",
    "stated_total",
    "stated_total_max",
    "stated_figure_ids",
    "stated_is_approximate",
    "named_share",
    "note",
]


def stated_totals(report: Report) -> dict[str, list[str]]:
    """The figures the data declares as the stated total of each level group (coverage_totals.csv: level,
    figure_id, combine): the latest of the ``alternative`` rows (the default) plus every ``sum`` row."""
    table = report.tables.get("coverage_totals")
    if table is None or table.empty:
        return {}
    fig = figures(report)
    out: dict[str, list[str]] = {}
    group_of = {level: group for group, levels in LEVEL_GROUPS for level in (group, *levels)}
    table = table.assign(level=table["level"].map(lambda lv: group_of.get(lv, lv)))
    for level, rows in table.groupby("level", sort=False):
        combine = rows["combine"].fillna("alternative") if "combine" in rows else pd.Series("alternative", rows.index)
        alts = fig.loc[list(rows.loc[combine == "alternative", "figure_id"])]
        sums = fig.loc[list(rows.loc[combine == "sum", "figure_id"])].sort_values("order")
        chosen = latest(alts)
        out[str(level)] = ([chosen] if chosen else []) + list(sums.index)
    return out


def place_reach(report: Report) -> pd.DataFrame:
    """Places the report names, by level, against the totals it states.

    One row per level group: city; district (districts, counties, new areas); street (streets, towns);
    community (communities, villages). Columns: level, levels, places_named (rows of places.csv), place_ids,
    names_zh, in_text (how many of them the source names: :func:`~analysis.metrics.mentions.place_mentions`),
    in_text_ids, with_figures (places of the group with a figure of their own or below them), stated_total
    (the total the data declares for the level in coverage_totals.csv: one figure, the latest of several
    ``alternative`` ones, or the sum of the ``sum`` rows, e.g. 20多 + 40多 communities → 60), stated_total_max
    (upper end, 80), stated_figure_ids, stated_is_approximate, named_share (places_named ÷ stated_total), note.

    Without a declared total the level has none (NaN): figures of different metrics are never added up.
    """
    fig = reports_of_work(figures(report))
    every = figures(report)
    declared = stated_totals(report)
    pl = places(report)
    with_fig = set(fig["place_id"].dropna())
    rows = []
    for group, levels in LEVEL_GROUPS:
        members = pl[pl["level"].isin(levels)]
        in_text = [p for p in members.index if place_mentions(report, p)]
        figured = [p for p in members.index if with_fig & set(descendants(report, p))]
        stated = every.loc[declared.get(group, [])]
        total = stated["lo"].sum() if len(stated) else math.nan
        note = ""
        if len(stated):
            parts = " + ".join(f"{fmt_number(v)} ({f})" for f, v in zip(stated.index, stated["value"], strict=True))
            note = f"stated: {parts}"
        rows.append(
            {
                "level": group,
                "levels": ";".join(levels),
                "places_named": len(members),
                "place_ids": join_ids(members.index),
                "names_zh": "、".join(members["name_zh"]),
                "in_text": len(in_text),
                "in_text_ids": join_ids(in_text),
                "with_figures": len(figured),
                "stated_total": total,
                "stated_total_max": stated["hi"].sum() if len(stated) else math.nan,
                "stated_figure_ids": join_ids(stated.index),
                "stated_is_approximate": bool(stated["is_approximate"].any()) if len(stated) else False,
                "named_share": len(members) / total if len(stated) and total else math.nan,
                "note": note,
            }
        )
    return pd.DataFrame(rows, columns=REACH_COLUMNS)
