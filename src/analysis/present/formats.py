"""How values are written: numbers, percentages, dates, figures' values with 约 / ≈, amounts with their unit
words, list cells. Pure functions, value in / text out (HTML escaping happens in the templates)."""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterable

import pandas as pd

from analysis import units
from analysis.present.labels import t

MISSING = "—"
APPROX_QUALIFIERS = ("approximate", "lower_bound", "estimate")


def _missing(value) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    try:
        return bool(isinstance(value, float) and math.isnan(value))
    except TypeError:
        return False


def is_missing(value) -> bool:
    """None, NaN, NA and NaT are missing.

    >>> is_missing(None), is_missing(float("nan")), is_missing(0)
    (True, True, False)
    """
    return _missing(value)


def esc(value) -> str:
    """HTML-escaped text (quotes too); missing values become an em dash.

    >>> esc('<b>"x"</b>')
    '&lt;b&gt;&quot;x&quot;&lt;/b&gt;'
    """
    if _missing(value):
        return MISSING
    return html.escape(str(value), quote=True)


def fmt_number(value, lang: str = "zh", digits: int = 2) -> str:
    """A number with thousands separators and at most ``digits`` decimals, trailing zeros dropped.

    >>> fmt_number(36218.0), fmt_number(24315.5), fmt_number(2.345, digits=1), fmt_number(None)
    ('36,218', '24,315.5', '2.3', '—')
    """
    if _missing(value):
        return MISSING
    value = float(value)
    text = f"{value:,.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def fmt_pct(ratio, lang: str = "zh", signed: bool = False, digits: int = 1) -> str:
    """A ratio as a percentage: 0.932 → '93.2%'; signed → '+9.3%'.

    >>> fmt_pct(0.9323), fmt_pct(0.0932, signed=True), fmt_pct(-0.0017, signed=True), fmt_pct(0.0, signed=True)
    ('93.2%', '+9.3%', '-0.2%', '0%')
    """
    if _missing(ratio):
        return MISSING
    pct = float(ratio) * 100
    if abs(pct) < 0.5 * 10**-digits:
        return "0%"
    text = f"{pct:+.{digits}f}%" if signed else f"{pct:.{digits}f}%"
    return text.replace(".0%", "%") if digits and text.endswith(".0%") and abs(pct) >= 10 else text


def fmt_date(value, lang: str = "zh") -> str:
    """An ISO date (2020-03-12); missing → em dash."""
    if _missing(value):
        return MISSING
    return pd.Timestamp(value).strftime("%Y-%m-%d")


def approx(text: str, lang: str, is_approximate) -> str:
    """``text`` marked approximate (约 20 / ≈ 20) when ``is_approximate`` is true, once.

    >>> approx("20", "zh", True), approx("20", "en", True), approx("20", "en", False), approx("≈ 5", "en", True)
    ('约 20', '≈ 20', '20', '≈ 5')
    """
    if text == MISSING or _missing(is_approximate) or not bool(is_approximate):
        return text
    if text.startswith(("约", "≈")):
        return text
    return t("value.approx", lang, value=text)


def row_is_approximate(row) -> bool:
    """Whether a figure row (or a metric row) is approximate or a lower bound."""
    flag = row.get("is_approximate")
    if not _missing(flag) and bool(flag):
        return True
    return str(row.get("qualifier") or "") in APPROX_QUALIFIERS


def fmt_value(row, lang: str) -> str:
    """A figure's value as printed: range, unit, and 约 for approximate numbers ('约 20 个', '8–10 家')."""
    value = fmt_number(row.get("value"), lang)
    if not _missing(row.get("value_max")):
        value = f"{value}–{fmt_number(row.get('value_max'), lang)}"
    unit = _unit(row, lang)
    text = approx(value, lang, row_is_approximate(row))
    return f"{text} {unit}".strip() if unit else text


def _unit(row, lang: str) -> str:
    """The unit word of a figure row in ``lang`` (``units.unit_label``: the report's own word on Chinese
    pages, the units table's words otherwise)."""
    return units.unit_label(row.get("unit"), lang, row.get("unit_zh"))


def unit_word(unit, lang: str, unit_zh=None, unit_en=None) -> str:
    """A unit id as words (``person_times`` → 人次 / person-times; ``unit_zh``: the unit as printed, used on
    Chinese pages; ``unit_en``: the report's English label, from the metrics' ``*_unit_en`` columns, used on
    English pages); an unknown id with spaces for _."""
    if (_missing(unit) or not str(unit).strip()) and _missing(unit_zh):
        return ""
    if lang != "zh" and not _missing(unit_en) and str(unit_en).strip():
        return str(unit_en)
    return units.unit_label(unit, lang, unit_zh)


def _amount(value, unit, lang: str, unit_zh=None, approximate=False, unit_en=None) -> str:
    """'12,500 户' / '12,500 households' (``unit_zh``: the unit as printed, shown on Chinese pages; ``unit_en``:
    the report's English label; 约 / ≈ when ``approximate``)."""
    if _missing(value):
        return MISSING
    words = unit_word(unit, lang, unit_zh, unit_en)
    return f"{approx(fmt_number(value, lang), lang, approximate)} {words}".strip()


def _printed(frame: pd.DataFrame, column: str) -> pd.Series:
    """The printed-unit column of a metrics frame (all missing when the frame has none)."""
    return (
        frame[column] if column in frame else pd.Series([None] * len(frame), index=frame.index, dtype=object)
    )


def split_ids(value) -> list[str]:
    """A list cell (list, tuple, array, or 'F001; F002' text) as a list of strings.

    >>> split_ids("F001; F002,F003"), split_ids(["F004"]), split_ids(None)
    (['F001', 'F002', 'F003'], ['F004'], [])
    """
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return []
    if isinstance(value, str):
        return [p.strip() for p in re.split(r"[;,|\s]+", value) if p.strip()]
    if isinstance(value, Iterable):
        return [str(v) for v in value if not _missing(v)]
    return [str(value)]


def split_texts(value) -> list[str]:
    """A list cell of texts (quotes): a list as is, a text split at ' | ' (checks' separator) or newlines.

    >>> split_texts("甲 | 乙"), split_texts(["丙"]), split_texts(None)
    (['甲', '乙'], ['丙'], [])
    """
    if isinstance(value, str):
        return [p for p in re.split(r" \| |\n", value) if p.strip()]
    if isinstance(value, (list, tuple)) or hasattr(value, "__array__"):
        return [str(v) for v in value if not _missing(v) and str(v).strip()]
    return [] if _missing(value) else [str(value)]


def attainment_ratio(frame: pd.DataFrame) -> pd.Series:
    """The attainment ratio column of ``metrics.target_attainment`` (a ratio, 1.0 = target met)."""
    if "attainment" in frame:
        return pd.to_numeric(frame["attainment"], errors="coerce")
    for name in ("attainment_ratio", "ratio"):
        if name in frame:
            return pd.to_numeric(frame[name], errors="coerce")
    for name in ("attainment_pct", "pct"):
        if name in frame:
            return pd.to_numeric(frame[name], errors="coerce") / 100
    return pd.Series([float("nan")] * len(frame), index=frame.index)
