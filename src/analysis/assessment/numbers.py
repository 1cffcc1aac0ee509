"""Numbers as a funder reads them, with their uncertainty kept: 1,200多, 约 48, 至少 5, 约 3 万, 60–80."""

from __future__ import annotations

import math
import re

import pandas as pd

_MORE = re.compile(r"(\d[\d,.]*)\s*(余|多)")
_ABOUT = re.compile(r"约|左右|近")
_WAN = re.compile(r"(\d+(?:\.\d+)?)\s*万")


def num(value: float) -> str:
    """A number with thousands separators and at most two decimals.

    >>> num(12500.0), num(25346.5), num(1.3333), num(float("inf"))
    ('12,500', '25,346.5', '1.33', '∞')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "?"
    if math.isinf(value):
        return "∞"
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def times(ratio: float) -> str:
    """A ratio as '30.1' (one decimal; two below 2; trailing zeros dropped).

    >>> times(30.116), times(1.0177), times(1.5), times(3.0)
    ('30.1', '1.02', '1.5', '3')
    """
    if math.isinf(ratio):
        return "∞"
    text = f"{ratio:.2f}" if ratio < 2 else f"{ratio:.1f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def is_rounded(f: pd.Series) -> bool:
    """A count printed as a whole number of 万 with one or two significant digits (3万人次): a round figure.
    Amounts of money are not (项目预算：3万 is exact).

    >>> is_rounded(pd.Series({"quote": "探访居民3万人次", "value": 30000.0, "unit": "person_times"}))
    True
    >>> is_rounded(pd.Series({"quote": "募捐 12.345678 万元", "value": 123456.78, "unit": "yuan"}))
    False
    """
    if str(f.get("unit")) == "yuan":
        return False
    for m in _WAN.finditer(str(f.get("quote") or "")):
        n = float(m.group(1))
        digits = len(m.group(1).replace(".", "").strip("0"))
        if abs(n * 10000 - float(f["value"])) < 1e-6 and digits <= 2:
            return True
    return False


def is_uncertain(f: pd.Series) -> bool:
    """The figure is not one exact number: approximate (余/多/约), a lower bound, a range, or a round 万."""
    return (
        bool(f.get("is_approximate"))
        or f.get("qualifier") == "lower_bound"
        or (f.get("value_max") is not None and not pd.isna(f.get("value_max")))
        or is_rounded(f)
    )


def unit_zh(f: pd.Series) -> str:
    """The printed unit without a leading 万/千 (the value is already converted)."""
    return str(f.get("unit_zh") or "").lstrip("万千")


def unit_en(f: pd.Series) -> str:
    return str(f.get("unit") or "").replace("_", "-")


def figure_text(f: pd.Series, lang: str, unit: bool = True) -> str:
    """A figure as printed, with its qualifier: 1,200多元 / 1,200-odd yuan, 约 48 幅, 至少 5 个, 约 3 万人次.

    >>> f = pd.Series({"value": 1200.0, "value_max": None, "qualifier": "approximate", "is_approximate": True,
    ...                "quote": "超支了1200多元", "unit": "yuan", "unit_zh": "元"})
    >>> figure_text(f, "zh"), figure_text(f, "en")
    ('1,200多元', '1,200-odd yuan')
    """
    v = num(float(f["value"]))
    quote = str(f.get("quote") or "")
    u_zh = unit_zh(f) if unit else ""
    u_en = (" " + unit_en(f)) if unit else ""
    vmax = f.get("value_max")
    if vmax is not None and not pd.isna(vmax):
        return f"{v}–{num(float(vmax))}{u_zh}" if lang == "zh" else f"{v}–{num(float(vmax))}{u_en}"
    if f.get("qualifier") == "lower_bound":
        return f"至少 {v}{u_zh}" if lang == "zh" else f"at least {v}{u_en}"
    if bool(f.get("is_approximate")):
        more = _MORE.search(quote)
        if more and not _ABOUT.search(quote):
            return f"{v}{more.group(2)}{u_zh}" if lang == "zh" else f"{v}-odd{u_en}"
        return f"约 {v}{u_zh}" if lang == "zh" else f"about {v}{u_en}"
    if is_rounded(f):
        if lang == "zh":
            return f"约 {num(float(f['value']) / 10000)} 万{u_zh}"
        return f"about {v}{u_en} (a round figure)"
    return f"{v}{u_zh}" if lang == "zh" else f"{v}{u_en}"


def interval_text(lo: float, hi: float, lang: str) -> str:
    """An interval of values: '60–80', '≥ 10', or one number.

    >>> interval_text(60, 80, "zh"), interval_text(10, float("inf"), "en"), interval_text(5, 5, "en")
    ('60–80', 'at least 10', '5')
    """
    if math.isinf(hi):
        return f"至少 {num(lo)}" if lang == "zh" else f"at least {num(lo)}"
    if abs(hi - lo) < 1e-9:
        return num(lo)
    return f"{num(lo)}–{num(hi)}"


def section_text(section: str, lang: str) -> str:
    """A section as a reader names it: 第一部分（一.2） / section 1.2; the header as 报告开头 / the opening.

    >>> section_text("一.2", "zh"), section_text("五.1.1)", "zh"), section_text("五.1.1)", "en")
    ('第一部分（一.2）', '第五部分（五.1.1）', 'section 5.1.1')
    """
    from analysis.metrics import section_rank

    section = str(section).strip()
    if section == "header":
        return "报告开头" if lang == "zh" else "the report's opening"
    top, _, rest = section.partition(".")
    if lang == "zh":
        return f"第{top}部分" + (f"（{section.rstrip(')）')}）" if rest else "")
    number, sub = section_rank(section)
    return "section " + ".".join(str(n) for n in (number, *sub)) if number != 99 else f"section {section}"
