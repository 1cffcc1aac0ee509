"""Cost per output."""

from __future__ import annotations

import math

import pandas as pd

from analysis.load import Report
from analysis.metrics.common import (
    WHOLE_SCOPES,
    budget_lines,
    figures,
    join_ids,
    preferred,
    reports_of_work,
)


def key_outputs(report: Report) -> pd.DataFrame:
    """The outputs a funder divides spending by, from the report's key_outputs.csv: metric, label_zh, label_en, why.

    >>> from analysis.load import load_report
    >>> list(key_outputs(load_report("data/anxin-plan-2020"))["metric"])[:2]
    ['households_visited', 'residents_served_person_times']
    """
    return report.key_outputs


COST_COLUMNS = [
    "metric",
    "output_figure_id",
    "label_zh",
    "label_en",
    "output_value",
    "unit",
    "spend_yuan",
    "spend_cells",
    "cost_per_output_yuan",
    "is_org_wide",
    "is_approximate",
    "caveat_zh",
    "caveat_en",
    "unit_zh",
]


def cost_per_output(report: Report) -> pd.DataFrame:
    """The whole actual spend divided by each key output.

    Columns: metric, output_figure_id, label_zh, label_en, output_value, unit, unit_zh (as printed),
    spend_yuan (sum of the budget lines' actual spending as printed), spend_cells, cost_per_output_yuan (NaN
    for a zero output), is_org_wide (the output figure is organisation-wide), is_approximate, caveat_zh,
    caveat_en.

    The key outputs are the metrics listed in the report folder's key_outputs.csv; a report without that
    table falls back to the metrics of its target
    achievements. For each, the project-scope figure is used when there is one (else the organisation-wide
    one), the latest of them. Each output is divided by the whole spend: the costs overlap and cannot be
    added. A report without a budget table has no costs (an empty table).
    """
    fig = reports_of_work(figures(report))
    whole = fig[fig["place_id"].isna() & fig["scope"].isin(WHOLE_SCOPES)]
    wanted = [m for m in key_outputs(report)["metric"] if m in set(whole["metric"])]
    if not wanted:
        used = fig.loc[fig.index.isin(report.target_achievements["figure_id"])].sort_values("order")
        wanted = [m for m in dict.fromkeys(used["metric"]) if m in set(whole["metric"])]
    lines = budget_lines(report)
    if lines.empty:
        wanted = []  # no budget table: no spending to divide
    spend = lines["actual_yuan"].sum()
    cells = join_ids(f"budget.{i}.actual_yuan" for i in lines["line_id"])
    rows = []
    for metric in wanted:
        f = fig.loc[preferred(whole[whole["metric"] == metric])]
        org = f["scope"] == "organisation"
        zh = ["这是整个项目的实际支出除以这一项产出；同一笔钱也用于其他产出，各项单位成本不能相加。"]
        en = [
            (
                "All actual spending divided by this one output; the same money also paid for the other "
                "outputs, so these unit costs overlap and cannot be added up."
            )
        ]
        if org:
            zh.append("该产出数字为机构整体（含其他资金支持的工作），单位成本因此偏低。")
            en.append(
                "The output is organisation-wide (work paid from other funds too), so the cost is "
                "understated."
            )
        if bool(f["is_approximate"]):
            zh.append("产出为约数。")
            en.append("The output is approximate.")
        rows.append(
            {
                "metric": metric,
                "output_figure_id": f["figure_id"],
                "label_zh": f["metric_zh"],
                "label_en": f["metric_en"],
                "output_value": f["value"],
                "unit": f["unit"],
                "unit_zh": f["unit_zh"],
                "spend_yuan": spend,
                "spend_cells": cells,
                "cost_per_output_yuan": spend / f["value"] if f["value"] else math.nan,
                "is_org_wide": bool(org),
                "is_approximate": bool(f["is_approximate"]),
                "caveat_zh": "".join(zh),
                "caveat_en": " ".join(en),
            }
        )
    return pd.DataFrame(rows, columns=COST_COLUMNS).astype(
        {"output_value": float, "spend_yuan": float, "cost_per_output_yuan": float}
    )
