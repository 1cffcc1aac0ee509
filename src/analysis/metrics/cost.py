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
from analysis.units import unit_label


def key_outputs(report: Report) -> pd.DataFrame:
    """The outputs a funder divides spending by, from the report's key_outputs.csv: metric, label_zh, label_en, why.

    >>> from analysis.load import load_report
    >>> list(key_outputs(load_report("tests/reports/qinghe-warm-winter-2022"))["metric"])[:2]
    ['households_visited', 'hotline_calls']
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
    "spend_basis",
    "spend_basis_zh",
    "spend_basis_en",
    "budget_line_ids",
    "unit_en",
]


def output_lines(report: Report) -> dict[str, list[str]]:
    """The budget lines that paid for each key output, in budget order: the rows of key_output_lines.csv
    (metric, line_id) and the ';' ids of key_outputs.csv's optional budget_lines column.

    A total row named there stands for every line (the whole grant).
    """
    pairs: list[tuple[str, str]] = []
    links = report.tables.get("key_output_lines")
    if links is not None and len(links):
        pairs += [(str(m), str(line)) for m, line in zip(links["metric"], links["line_id"], strict=True)]
    outputs = report.tables.get("key_outputs")
    if outputs is not None and "budget_lines" in outputs:
        for metric, cell in zip(outputs["metric"], outputs["budget_lines"], strict=True):
            if pd.notna(cell):
                pairs += [(str(metric), x.strip()) for x in str(cell).split(";") if x.strip()]
    if not pairs:
        return {}
    lines = list(budget_lines(report)["line_id"])
    totals = set(report.budget.loc[report.budget["row_type"] == "total", "line_id"])
    named: dict[str, set[str]] = {}
    for metric, line in pairs:
        named.setdefault(metric, set()).add(line)
    return {m: lines if ids & totals else [line for line in lines if line in ids] for m, ids in named.items()}


def cost_per_output(report: Report) -> pd.DataFrame:
    """The actual spend of the budget lines that paid for each key output (or the whole spend) divided by it.

    Columns: metric, output_figure_id, label_zh, label_en, output_value, unit, spend_yuan (the actual
    spending as printed of the lines summed), spend_cells, cost_per_output_yuan (NaN for a zero output),
    is_org_wide (the output figure is organisation-wide: the grant did not pay for all of it), is_approximate,
    caveat_zh, caveat_en (what the number means and where it needs care), unit_zh (as printed), spend_basis
    ('budget_lines' where key_output_lines.csv names the lines that paid for the output, else 'whole_grant'),
    spend_basis_zh, spend_basis_en (which spending, in words), budget_line_ids (';'), unit_en (the unit's
    English label).

    The key outputs are the metrics listed in the report folder's key_outputs.csv; a report without that
    table falls back to the metrics of its target achievements. For each, the project-scope figure is used
    when there is one (else the organisation-wide one, with a caveat), the latest of them. An output divided by
    the whole spend shares that money with the others: those costs overlap and cannot be added. A report
    without a budget table has no costs (an empty table).
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
    paid_by = output_lines(report)
    names = dict(zip(lines["line_id"], zip(lines["line_zh"], lines["line_en"], strict=True), strict=True))
    shared = [line for ids in paid_by.values() for line in ids]
    rows = []
    for metric in wanted:
        f = fig.loc[preferred(whole[whole["metric"] == metric])]
        org = f["scope"] == "organisation"
        own = paid_by.get(metric, [])
        if own and len(own) < len(lines):
            mine = lines[lines["line_id"].isin(own)]
            zh_names = "、".join(f"「{names[i][0]}」" for i in own)
            en_names = ", ".join(str(names[i][1] or names[i][0]) for i in own)
            basis = "budget_lines"
            basis_zh = f"预算表{zh_names}的实际支出"
            basis_en = f"actual spending of the budget line{'s' if len(own) > 1 else ''} {en_names}"
            zh = [f"这是{basis_zh}除以这一项产出。"]
            en = [f"The {basis_en} divided by this output."]
            if any(shared.count(i) > 1 for i in own):
                zh.append("同一预算行也用于其他产出，各项单位成本不能相加。")
                en.append("The same line also paid for other outputs, so these unit costs cannot be added up.")
        else:
            mine = lines
            basis, basis_zh, basis_en = "whole_grant", "整个项目的实际支出", "all actual spending of the grant"
            zh = ["这是整个项目的实际支出除以这一项产出；同一笔钱也用于其他产出，各项单位成本不能相加。"]
            en = [
                (
                    "All actual spending divided by this one output; the same money also paid for the other "
                    "outputs, so these unit costs overlap and cannot be added up."
                )
            ]
        if org:
            zh.append(
                "注意：该产出数字是机构整体的工作量（主要由其他资金支持），并非本项目资金所买到的产出；"
                "单位成本因此严重偏低，不能当作本项目的单位成本。"
            )
            en.append(
                "Caution: the output is organisation-wide (the organisation's work as a whole, mostly paid from "
                "other funds), not what this grant bought, so the cost is understated and is not this "
                "project's unit cost."
            )
        if bool(f["is_approximate"]):
            zh.append("产出为约数。")
            en.append("The output is approximate.")
        spend = mine["actual_yuan"].sum()
        rows.append(
            {
                "metric": metric,
                "output_figure_id": f["figure_id"],
                "label_zh": f["metric_zh"],
                "label_en": f["metric_en"],
                "output_value": f["value"],
                "unit": f["unit"],
                "unit_zh": f["unit_zh"],
                "unit_en": unit_label(f["unit"], "en", report=report),
                "spend_yuan": spend,
                "spend_cells": join_ids(f"budget.{i}.actual_yuan" for i in mine["line_id"]),
                "cost_per_output_yuan": spend / f["value"] if f["value"] else math.nan,
                "is_org_wide": bool(org),
                "is_approximate": bool(f["is_approximate"]),
                "caveat_zh": "".join(zh),
                "caveat_en": " ".join(en),
                "spend_basis": basis,
                "spend_basis_zh": basis_zh,
                "spend_basis_en": basis_en,
                "budget_line_ids": join_ids(mine["line_id"]),
            }
        )
    return pd.DataFrame(rows, columns=COST_COLUMNS).astype(
        {"output_value": float, "spend_yuan": float, "cost_per_output_yuan": float}
    )
