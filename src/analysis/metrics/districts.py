"""District views: a place's figures, the places below it, and what the source breaks down for it."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from analysis.load import Report
from analysis.metrics.common import (
    WHOLE_SCOPES,
    ancestors,
    descendants,
    figures,
    join_ids,
    latest_key,
    places,
    reports_of_work,
    require_place,
    topmost,
)

FIGURE_COLUMNS = [
    "figure_id",
    "section",
    "metric",
    "label_zh",
    "label_en",
    "figure_label_zh",
    "value",
    "value_max",
    "unit",
    "unit_zh",
    "qualifier",
    "is_approximate",
    "cutoff_date",
    "scope",
    "place_id",
    "place_name_zh",
    "place_name_en",
    "quote",
]


def district_figures(report: Report, place_id: str) -> pd.DataFrame:
    """The figures of a place and of every place below it, in reading order.

    Columns: figure_id, section, metric, label_zh, label_en (the metric's labels from metrics.csv),
    figure_label_zh (the report's own words), value, value_max, unit, unit_zh, qualifier, is_approximate,
    cutoff_date, scope, place_id, place_name_zh, place_name_en, quote.
    """
    require_place(report, place_id)
    fig = figures(report)
    return _with_labels(report, fig[fig["place_id"].isin(descendants(report, place_id))])


def has_figures(report: Report, place_id: str) -> bool:
    """Whether the report gives at least one figure for a place or a place below it (whether
    :func:`district_figures` is not empty), without building that table."""
    require_place(report, place_id)
    placed = set(report.figures["place_id"])
    return any(pid in placed for pid in descendants(report, place_id))


def _with_labels(report: Report, rows: pd.DataFrame) -> pd.DataFrame:
    """Figure rows (from :func:`figures`) in the shape of FIGURE_COLUMNS, in reading order."""
    pl = places(report)
    rows = rows.sort_values("order")
    out = rows.assign(
        label_zh=rows["metric_zh"],
        label_en=rows["metric_en"],
        figure_label_zh=rows["label_zh"],
        place_name_zh=rows["place_id"].map(pl["name_zh"]),
        place_name_en=rows["place_id"].map(pl["name_en"]),
    )
    return out[FIGURE_COLUMNS].reset_index(drop=True)


def topic_figures(report: Report, topic: str) -> pd.DataFrame:
    """The figures of the metrics that metrics.csv files under ``topic`` (e.g. ``supplies``, ``fundraising``).

    Targets and forecasts are left out: these are things the report says were done. Columns: those of
    :func:`district_figures`. Empty when the report files no metric under the topic.
    """
    fig = figures(report)
    topics = report.metrics.set_index("metric")["topic"] if "topic" in report.metrics else pd.Series(dtype=str)
    wanted = set(topics[topics == topic].index)
    return _with_labels(report, fig[fig["metric"].isin(wanted) & ~fig["qualifier"].isin(("target", "estimate"))])


def district_places(report: Report, place_id: str) -> pd.DataFrame:
    """The places below a place (not the place itself), depth first.

    Columns: place_id, level, name_zh, name_en, parent_id, parent_name_zh, depth (1 = directly below),
    n_figures (figures attached to that place itself), note.
    """
    require_place(report, place_id)
    pl = places(report)
    below = descendants(report, place_id, include_self=False)
    counts = report.figures["place_id"].value_counts()
    rows = []
    for pid in below:
        p = pl.loc[pid]
        chain = ancestors(report, pid)
        rows.append(
            {
                "place_id": pid,
                "level": p["level"],
                "name_zh": p["name_zh"],
                "name_en": p["name_en"],
                "parent_id": p["parent_id"],
                "parent_name_zh": pl["name_zh"].get(p["parent_id"]),
                "depth": chain.index(place_id) + 1,
                "n_figures": int(counts.get(pid, 0)),
                "note": p["note"],
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "place_id",
            "level",
            "name_zh",
            "name_en",
            "parent_id",
            "parent_name_zh",
            "depth",
            "n_figures",
            "note",
        ],
    )


COMPLETENESS_COLUMNS = [
    "metric",
    "label_zh",
    "label_en",
    "unit",
    "project_value",
    "project_figure_id",
    "place_value",
    "place_unit",
    "share",
    "status",
    "figure_ids",
    "is_approximate",
    "note",
]


def district_completeness(report: Report, place_id: str) -> pd.DataFrame:
    """For every metric the report gives at project or organisation scope: does it give one for this place?

    Columns: metric, label_zh, label_en, unit, project_value (the project-scope figure, else the organisation
    one; the latest), project_figure_id, place_value (NaN when not reported), place_unit, share (place_value ÷
    project_value where both are given in the same unit and the project value is above zero, else NaN), status
    ('reported' | 'not reported'), figure_ids (the place figures used), is_approximate, note.

    The place's own figure is used when it has one (the latest); otherwise the figures of the places below it
    that do not overlap (a street's and one of its communities' would) are added up, and the note says so.
    Values are never apportioned from the project total.
    """
    require_place(report, place_id)
    fig = reports_of_work(figures(report))
    subtree = set(descendants(report, place_id))
    # plain Python over the figures' columns: one pass, no DataFrame filter per metric (a page asks for every
    # district's breakdown, and a report may have hundreds of places)
    cols = {c: fig[c].tolist() for c in ("metric", "place_id", "scope", "unit", "value", "is_approximate",
                                         "cutoff_date", "order", "metric_zh", "metric_en", "figure_id")}
    ids = list(fig.index)
    whole: dict[str, list[int]] = {}  # metric -> rows at project or organisation scope, in reading order
    local: dict[str, list[int]] = {}  # metric -> rows of this place or a place below it
    for i in sorted(range(len(ids)), key=cols["order"].__getitem__):
        pid = cols["place_id"][i]
        if pd.isna(pid):
            if cols["scope"][i] in WHOLE_SCOPES:
                whole.setdefault(cols["metric"][i], []).append(i)
        elif pid in subtree:
            local.setdefault(cols["metric"][i], []).append(i)

    def newest(rows: list[int]) -> int:
        return max(rows, key=lambda i: latest_key(cols["cutoff_date"][i], cols["order"][i]))

    def same_unit(a, b) -> bool:  # as pandas compares: a missing unit equals nothing
        return not (pd.isna(a) or pd.isna(b)) and a == b

    pl = places(report)
    rows = []
    for metric, candidates in whole.items():
        c = next(newest(r) for scope in WHOLE_SCOPES if (r := [i for i in candidates if cols["scope"][i] == scope]))
        mine = local.get(metric, [])
        if any(same_unit(cols["unit"][i], cols["unit"][c]) for i in mine):
            mine = [i for i in mine if same_unit(cols["unit"][i], cols["unit"][c])]
        used, note = [], ""
        if mine:
            unit_rows = [i for i in mine if same_unit(cols["unit"][i], cols["unit"][mine[0]])]
            if any(cols["place_id"][i] == place_id for i in unit_rows):
                used = [newest([i for i in unit_rows if cols["place_id"][i] == place_id])]
            else:
                tops = topmost(report, {cols["place_id"][i] for i in unit_rows})
                used = [newest([i for i in unit_rows if cols["place_id"][i] == p]) for p in tops]
                names = "、".join(pl.loc[p, "name_zh"] for p in tops)
                note = (
                    f"sum of the figures of {len(tops)} place(s) below: {names}"
                    if len(tops) > 1
                    else f"figure of {names}, a place below"
                )
        values = np.asarray([cols["value"][i] for i in used], dtype=float)
        rows.append(
            {
                "metric": metric,
                "label_zh": cols["metric_zh"][c],
                "label_en": cols["metric_en"][c],
                "unit": cols["unit"][c],
                "project_value": cols["value"][c],
                "project_figure_id": cols["figure_id"][c],
                "place_value": float(np.nansum(values)) if used else math.nan,
                "place_unit": cols["unit"][used[0]] if used else None,
                "status": "reported" if used else "not reported",
                "figure_ids": join_ids(ids[i] for i in used),
                "is_approximate": any(bool(cols["is_approximate"][i]) for i in used),
                "note": note,
            }
        )
    frame = pd.DataFrame(rows, columns=COMPLETENESS_COLUMNS).astype({"project_value": float, "place_value": float})
    comparable = (frame["unit"] == frame["place_unit"]) & (frame["project_value"] > 0)
    frame["share"] = (frame["place_value"] / frame["project_value"]).where(comparable).astype(float)
    return frame
