"""Units are data: the shipped table ``resources/units.csv`` extended by a report's own ``units.csv``.

Both have the columns id, label_zh, label_en, kind (one of :data:`UNIT_KINDS`). A figure's ``unit`` must be an
id of the merged table; its ``unit_zh`` keeps the unit as the source printed it, and that is what Chinese pages
show. A report row with the id of a shipped unit replaces the shipped labels for that report.

>>> unit_label("households", "en"), unit_label("households", "zh"), unit_label("households", "zh", "户")
('households', '户', '户')
>>> unit_label("yuan", "zh", "万元"), unit_label("views", "zh", "万"), unit_kind("hours")
('元', '次', 'time')
"""

from __future__ import annotations

import functools
import io
from importlib import resources

import pandas as pd

UNIT_COLUMNS = ["id", "label_zh", "label_en", "kind"]
#: What a unit measures. ``share`` covers percentages, per mille and ratios; ``rate`` is one unit per another.
UNIT_KINDS = ("count", "money", "time", "mass", "volume", "length", "area", "share", "rate")
#: Multipliers a printed unit may start with; the figure's value is already converted (3万元 → 30000 元).
_MULTIPLIERS = ("亿", "万", "千", "百")


@functools.lru_cache(maxsize=1)
def _shipped() -> pd.DataFrame:
    text = resources.files("analysis").joinpath("resources/units.csv").read_text(encoding="utf-8")
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)[UNIT_COLUMNS]


def shipped_units() -> pd.DataFrame:
    """resources/units.csv: id, label_zh, label_en, kind (a copy).

    >>> units = shipped_units().set_index("id")
    >>> units.loc["person_times", "label_zh"], units.loc["tonnes", "kind"]
    ('人次', 'mass')
    """
    return _shipped().copy()


def shipped_unit_ids() -> tuple[str, ...]:
    """The ids of the shipped units, in table order."""
    return tuple(_shipped()["id"])


def _report_frame(report) -> pd.DataFrame | None:
    if report is None:
        return None
    tables = getattr(report, "tables", None)
    frame = tables.get("units") if isinstance(tables, dict) else None
    return frame if frame is not None and len(frame) else None


def unit_table(report=None) -> pd.DataFrame:
    """The units a report may use: the shipped ones, then the report's own (``report.tables['units']``).

    Columns: id, label_zh, label_en, kind, origin ('shipped' | 'report'). A report row with a shipped id
    replaces it (keeping the shipped row's place in the order).
    """
    table = _shipped().assign(origin="shipped")
    own = _report_frame(report)
    if own is None:
        return table.reset_index(drop=True)
    own = own[UNIT_COLUMNS].astype(object).drop_duplicates("id", keep="last").set_index("id")
    table = table.set_index("id")
    shared = table.index.intersection(own.index)
    labels = ["label_zh", "label_en", "kind"]
    table.loc[shared, labels] = own.loc[shared, labels].to_numpy()
    table.loc[shared, "origin"] = "report"
    added = own.loc[~own.index.isin(table.index)].assign(origin="report")
    return pd.concat([table, added]).rename_axis("id").reset_index()[[*UNIT_COLUMNS, "origin"]]


def unit_ids(report=None) -> list[str]:
    """Every unit id a figure of the report may use."""
    return list(unit_table(report)["id"])


def _row(unit_id, report) -> pd.Series | None:
    if not isinstance(unit_id, str) or not unit_id:
        return None
    table = unit_table(report) if _report_frame(report) is not None else _shipped()
    hit = table[table["id"] == unit_id]
    return None if hit.empty else hit.iloc[-1].copy()  # never a view of the cached table the pages share


def _missing(value) -> bool:
    return value is None or (not isinstance(value, str) and pd.isna(value)) or str(value).strip() == ""


def printed_unit(unit_zh) -> str:
    """The printed unit without a leading multiplier (the value is already converted): '万元' → '元'.

    >>> printed_unit("万人次"), printed_unit("个"), printed_unit("万"), printed_unit(None)
    ('人次', '个', '', '')
    """
    if _missing(unit_zh):
        return ""
    text = str(unit_zh).strip()
    while text and text[0] in _MULTIPLIERS:
        text = text[1:]
    return text


def unit_label(unit_id, lang: str, unit_zh=None, report=None) -> str:
    """How a page writes the unit of a number.

    Chinese: the unit as the source printed it (``unit_zh`` without a leading 万/千, the value being converted),
    else the table's label_zh. English: the table's label_en. A unit id not in the table reads as its words
    ('machine_hours' → 'machine hours'); no unit → ''.

    >>> unit_label("pieces", "zh", "块"), unit_label("pieces", "en", "块"), unit_label("machine_hours", "en")
    ('块', 'pieces', 'machine hours')
    """
    if lang == "zh":
        printed = printed_unit(unit_zh)
        if printed:
            return printed
    row = _row(unit_id, report)
    if row is not None:
        label = row["label_zh"] if lang == "zh" else row["label_en"]
        if not _missing(label):
            return str(label)
    return "" if _missing(unit_id) else str(unit_id).replace("_", " ")


def unit_kind(unit_id, report=None) -> str | None:
    """What the unit measures (one of :data:`UNIT_KINDS`), None for an id not in the table.

    >>> unit_kind("yuan"), unit_kind("person_times"), unit_kind("percent"), unit_kind("nonsense")
    ('money', 'count', 'share', None)
    """
    row = _row(unit_id, report)
    return None if row is None else str(row["kind"])


def unknown_unit_hint(report=None, folder: str = "<report folder>") -> str:
    """What validation expects of figures.unit: the valid ids and how to add one."""
    return (
        f"a unit id of resources/units.csv or {folder}/units.csv ({', '.join(unit_ids(report))}); "
        f"to add a unit, add a row id,label_zh,label_en,kind to {folder}/units.csv "
        f"(kind: {'/'.join(UNIT_KINDS)})"
    )
