"""Parts and wholes: a place's figures against the project's."""

from __future__ import annotations

import pandas as pd

from analysis.checks.values import (
    _unit_zh,
    finding,
)
from analysis.load import Report
from analysis.metrics import (
    WHOLE_SCOPES,
    fmt_number,
    latest,
    places,
    reports_of_work,
    topmost,
)


def part_whole_findings(report: Report, fig: pd.DataFrame) -> list[dict]:
    """A place's figure above every project-wide figure of the same metric and unit; and the figures of
    non-overlapping places adding up to more than every project-wide figure (warnings)."""
    work = reports_of_work(fig)
    pl = places(report)
    found = []
    whole = work[work["place_id"].isna() & work["scope"].isin(WHOLE_SCOPES)]
    local = work[work["place_id"].notna()]
    for (metric, unit), parts in local.groupby(["metric", "unit"], sort=True):
        wholes = whole[(whole["metric"] == metric) & (whole["unit"] == unit)]
        if wholes.empty:
            continue
        top = wholes.loc[wholes["hi"].idxmax()]
        low = wholes.loc[wholes["hi"].idxmin()]
        label_zh, label_en = top["metric_zh"], top["metric_en"]
        for place, g in parts.groupby("place_id", sort=True):
            big = g.loc[g["lo"].idxmax()]
            if top["hi"] + 1e-9 >= big["lo"] > low["hi"] + 1e-9:
                found.append(
                    finding(
                        f"part_whole:{metric}:{place}",
                        "info",
                        (
                            f"{pl.loc[place, 'name_zh']}一地的「{label_zh}」就有 {fmt_number(big['value'])}"
                            f"{_unit_zh(big)}（{big['figure_id']}，第{big['section']}部分），大于第"
                            f"{low['section']}部分给出的全项目数字 {fmt_number(low['value'])}（{low['figure_id']}），"
                            f"但不超过第{top['section']}部分的 {fmt_number(top['value'])}（{top['figure_id']}）。"
                        ),
                        (
                            f"{pl.loc[place, 'name_en']} alone reports {fmt_number(big['value'])} for {label_en} "
                            f"({big['figure_id']}, section {big['section']}), more than the project total "
                            f"{fmt_number(low['value'])} given in section {low['section']} ({low['figure_id']}) "
                            f"but not more than {fmt_number(top['value'])} in section {top['section']} "
                            f"({top['figure_id']})."
                        ),
                        figure_ids=[big["figure_id"], low["figure_id"], top["figure_id"]],
                        quotes=[big["quote"], low["quote"], top["quote"]],
                        place_ids=[place],
                        explanation_zh=f"第{low['section']}部分的全项目数字可能不完整或统计口径较窄。",
                        explanation_en=f"The project total in section {low['section']} is probably incomplete "
                        "or counted more narrowly.",
                    )
                )
            if big["lo"] > top["hi"] + 1e-9:
                found.append(
                    finding(
                        f"part_whole:{metric}:{place}",
                        "warning",
                        (
                            f"{pl.loc[place, 'name_zh']}的「{label_zh}」为 {fmt_number(big['value'])}"
                            f"{_unit_zh(big)}（{big['figure_id']}，第{big['section']}部分），"
                            f"大于整个项目的 {fmt_number(top['value'])}"
                            f"（{top['figure_id']}，第{top['section']}部分）。"
                        ),
                        (
                            f"{pl.loc[place, 'name_en']} reports {fmt_number(big['value'])} for {label_en} "
                            f"({big['figure_id']}, section {big['section']}), more than the whole project's "
                            f"{fmt_number(top['value'])} ({top['figure_id']}, section {top['section']})."
                        ),
                        figure_ids=[big["figure_id"], top["figure_id"]],
                        quotes=[big["quote"], top["quote"]],
                        place_ids=[place],
                    )
                )
        tops = topmost(report, set(parts["place_id"]))
        if len(tops) < 2:
            continue
        used = [latest(parts[parts["place_id"] == p]) for p in tops]
        total = parts.loc[used, "lo"].sum()
        if total > top["hi"] + 1e-9:
            names_zh = "、".join(pl.loc[p, "name_zh"] for p in tops)
            found.append(
                finding(
                    f"part_whole:{metric}:places",
                    "warning",
                    (
                        f"{names_zh}的「{label_zh}」合计至少 {fmt_number(total)}，"
                        f"大于整个项目的 {fmt_number(top['value'])}（{top['figure_id']}）。"
                    ),
                    (
                        f"The places' figures for {label_en} add up to at least {fmt_number(total)} "
                        f"({', '.join(used)}), more than the whole project's {fmt_number(top['value'])} "
                        f"({top['figure_id']})."
                    ),
                    figure_ids=[*used, top["figure_id"]],
                    quotes=[*parts.loc[used, "quote"], top["quote"]],
                    place_ids=tops,
                )
            )
    return found
