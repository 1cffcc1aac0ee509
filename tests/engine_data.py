"""Builders of small synthetic Report objects (typed like the loader's) for the metric and check tests."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from analysis import model
from analysis.load import Report
from analysis.sections import split_sections

# A fictional city (no shared helper names the seed's places): two districts, a street with a community below
# it, a community straight under a district, and a village.
PLACES = [
    {"place_id": "anlan", "level": "city", "name_zh": "安澜市", "name_en": "Anlan"},
    {
        "place_id": "nanhu",
        "level": "district",
        "name_zh": "南湖区",
        "name_en": "Nanhu",
        "parent_id": "anlan",
    },
    {
        "place_id": "xitang",
        "level": "district",
        "name_zh": "西塘区",
        "name_en": "Xitang",
        "parent_id": "anlan",
    },
    {
        "place_id": "taoyuan",
        "level": "street",
        "name_zh": "桃源街道",
        "name_en": "Taoyuan",
        "parent_id": "nanhu",
    },
    {
        "place_id": "hehua",
        "level": "community",
        "name_zh": "荷花社区",
        "name_en": "Hehua",
        "parent_id": "taoyuan",
    },
    {
        "place_id": "shiqiao",
        "level": "community",
        "name_zh": "石桥社区",
        "name_en": "Shiqiao",
        "parent_id": "nanhu",
    },
    {
        "place_id": "fengtian",
        "level": "village",
        "name_zh": "枫田村",
        "name_en": "Fengtian",
        "parent_id": "xitang",
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
