"""Figures over time: metrics reported more than once."""

from __future__ import annotations

import math

import pandas as pd

from analysis.load import Report
from analysis.metrics.common import (
    figures,
    reports_of_work,
    series_order,
)

SERIES_COLUMNS = [
    "metric",
    "label_zh",
    "label_en",
    "place_id",
    "unit",
    "step",
    "n_figures",
    "figure_id",
    "section",
    "figure_label_zh",
    "value",
    "value_max",
    "qualifier",
    "is_approximate",
    "scope",
    "cutoff_date",
    "change_from_previous",
    "quote",
]


def metric_series(fig: pd.DataFrame) -> list[list[str]]:
    """Groups of figure ids reporting the same metric for the same place in the same unit, more than one each,
    each in time order (:func:`series_order`); groups in reading order of their first figure."""
    work = reports_of_work(fig)
    keyed = work.assign(_place=work["place_id"].fillna(""))
    out = []
    for _, g in keyed.groupby(["metric", "_place", "unit"], sort=False):
        if len(g) > 1:
            out.append(series_order(g))
    return sorted(out, key=lambda ids: fig.loc[ids, "order"].min())


def figures_over_time(report: Report) -> pd.DataFrame:
    """Metrics reported more than once (same metric, place and unit), each figure in time order.

    Columns: metric, label_zh, label_en, place_id, unit, step (1, 2, … within the series), n_figures,
    figure_id, section, figure_label_zh, value, value_max, qualifier, is_approximate, scope, cutoff_date,
    change_from_previous (value − the previous step's value), quote. Dated figures are ordered by cut-off
    date; a figure without a date keeps its place in the report. Targets and forecasts are left out.
    """
    fig = figures(report)
    rows = []
    for ids in metric_series(fig):
        previous = math.nan
        for step, fid in enumerate(ids, start=1):
            f = fig.loc[fid]
            rows.append(
                {
                    "metric": f["metric"],
                    "label_zh": f["metric_zh"],
                    "label_en": f["metric_en"],
                    "place_id": f["place_id"],
                    "unit": f["unit"],
                    "step": step,
                    "n_figures": len(ids),
                    "figure_id": fid,
                    "section": f["section"],
                    "figure_label_zh": f["label_zh"],
                    "value": f["value"],
                    "value_max": f["value_max"],
                    "qualifier": f["qualifier"],
                    "is_approximate": bool(f["is_approximate"]),
                    "scope": f["scope"],
                    "cutoff_date": f["cutoff_date"],
                    "change_from_previous": f["value"] - previous,
                    "quote": f["quote"],
                }
            )
            previous = f["value"]
    out = pd.DataFrame(rows, columns=SERIES_COLUMNS)
    out["cutoff_date"] = pd.to_datetime(out["cutoff_date"])
    return out.astype({"value": float, "value_max": float, "change_from_previous": float})
