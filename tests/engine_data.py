"""Builders of small synthetic Report objects (typed like the loader's) for the metric and check tests."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from analysis import model
from analysis.load import Report
from analysis.sections import split_sections

PLACES = [
    {"place_id": "chengdu", "level": "city", "name_zh": "成都市", "name_en": "Chengdu"},
    {
        "place_id": "jinjiang",
        "level": "district",
        "name_zh": "锦江区",
        "name_en": "Jinjiang",
        "parent_id": "chengdu",
    },
    {
        "place_id": "wuhou",
        "level": "district",
        "name_zh": "武侯区",
        "name_en": "Wuhou",
        "parent_id": "chengdu",
    },
    {
        "place_id": "shuyuanjie",
        "level": "street",
        "name_zh": "书院街街道",
        "name_en": "Shuyuanjie",
        "parent_id": "jinjiang",
    },
    {
        "place_id": "huaxinglu",
        "level": "community",
        "name_zh": "华星路社区",
        "name_en": "Huaxinglu",
        "parent_id": "shuyuanjie",
    },
    {
        "place_id": "langudi",
        "level": "community",
        "name_zh": "蓝谷地社区",
        "name_en": "Langudi",
        "parent_id": "jinjiang",
    },
    {
        "place_id": "guangtan",
        "level": "village",
        "name_zh": "广滩村",
        "name_en": "Guangtan",
        "parent_id": "wuhou",
    },
]


def typed(name: str, rows: list[dict]) -> pd.DataFrame:
    """A frame of table ``name`` from row dicts, with the loader's dtypes; missing cells are empty."""
    table = model.TABLES_BY_NAME[name]
    if not rows:
        return model.empty_frame(table)
    frame = pd.DataFrame(rows).reindex(columns=table.columns)
    for f in table.fields:
        col = frame[f.name].astype(object).where(frame[f.name].notna(), None)
        if f.kind == "date":
            frame[f.name] = pd.to_datetime(col).astype("datetime64[ns]")
        else:
            frame[f.name] = col.astype(model._DTYPES[f.kind])
    return frame


def fig(figure_id: str, metric: str, value: float, **kw) -> dict:
    """A figures.csv row with plain defaults: section 一, exact, project scope, households, quote = value."""
    row = {
        "figure_id": figure_id,
        "section": "一",
        "metric": metric,
        "label_zh": metric,
        "value": value,
        "unit": "households",
        "unit_zh": "户",
        "qualifier": "exact",
        "is_approximate": False,
        "scope": "project",
        "quote": f"{figure_id} {value}",
    }
    row.update(kw)
    return row


def line(
    line_id: str,
    budget: float,
    actual: float,
    remaining: float | None,
    *,
    row_type: str = "line",
    category: str | None = "活动",
    category_en: str | None = "Activity",
    remark: str | None = None,
) -> dict:
    """A budget.csv row; the quote is the row's cells joined by tabs."""
    return {
        "line_id": line_id,
        "row_type": row_type,
        "category_zh": category,
        "category_en": category_en,
        "line_zh": None if row_type == "total" else f"{line_id}行",
        "line_en": None if row_type == "total" else line_id.title(),
        "budget_yuan": budget,
        "actual_yuan": actual,
        "remaining_yuan": remaining,
        "remark_zh": remark,
        "quote": f"{line_id}\t{budget}\t{actual}\t{remaining}",
    }


def total(budget: float, actual: float, remaining: float | None) -> dict:
    """The printed total row of a budget table."""
    return line("total", budget, actual, remaining, row_type="total", category="合计", category_en="Total")


def make_report(
    figures: list[dict],
    *,
    metrics: list[dict] | None = None,
    places: list[dict] | None = None,
    cumulative: dict[str, bool] | None = None,
    source: str = "",
    grant: str | None = None,
    **tables: list[dict],
) -> Report:
    """A Report built in memory; metrics default to one row per metric used (cumulative unless told)."""
    cumulative = cumulative or {}
    if metrics is None:
        names = dict.fromkeys(r["metric"] for r in figures)
        metrics = [
            {
                "metric": m,
                "label_zh": f"{m}中文",
                "label_en": m.replace("_", " ").capitalize(),
                "is_cumulative": cumulative.get(m, True),
            }
            for m in names
        ]
    meta = {
        "id": "synthetic",
        "source": "none",
        "title_zh": "测试",
        "title_en": "Test",
        "organisation_zh": "机构",
        "organisation_en": "Org",
        "period_start": dt.date(2020, 1, 25),
        "period_end": dt.date(2020, 3, 31),
        "grant_figure_id": grant,
    }
    report = Report(Path("."), meta, source, split_sections(source) if source else [])
    given = {"figures": figures, "metrics": metrics, "places": PLACES if places is None else places, **tables}
    for table in model.TABLES:
        report.tables[table.name] = typed(table.name, given.get(table.name, []))
    return report
