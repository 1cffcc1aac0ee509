"""Shared helpers of the metrics: figures with their intervals, reading order, places, budget lines."""

from __future__ import annotations

import math
import re
from decimal import Decimal

import numpy as np
import pandas as pd

from analysis.errors import UsageError
from analysis.load import Report
from analysis.sections import find_quote

#: Qualifiers that are not reports of work done: proposal commitments and forecasts.
NOT_ACHIEVED = ("target", "estimate")
#: Scopes whose figures speak for the whole project (or more) rather than one place.
WHOLE_SCOPES = ("project", "organisation")
#: Place levels grouped as a funder counts them (the levels of coverage_totals.csv).
LEVEL_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("city", ("city",)),
    ("district", ("district", "county", "new_area")),
    ("street", ("street", "town")),
    ("community", ("community", "village")),
)
_ABOUT = re.compile(r"约|左右|近")
_MORE = re.compile(r"余|多|过|逾|超(?![支出额])")  # 超支/超出 (overspent) is no 超过
_NUMERALS = "一二三四五六七八九"

# ----------------------------------------------------------------------------------------------------
# Small shared helpers (the checks use them too)
# ----------------------------------------------------------------------------------------------------


def join_ids(ids) -> str:
    """Ids joined with ';' in the order given, empty and missing ones dropped.

    >>> join_ids(["F001", None, "", "F003"])
    'F001;F003'
    """
    return ";".join(str(i) for i in ids if isinstance(i, str) and i)


def fmt_number(value: float) -> str:
    """A number as a reader expects it: no trailing zeros, at most two decimals, NaN as '?'.

    >>> fmt_number(12000.0), fmt_number(10456.5), fmt_number(-456.5), fmt_number(0.4312)
    ('12000', '10456.5', '-456.5', '0.43')
    >>> fmt_number(float("nan")), fmt_number(float("inf"))
    ('?', '∞')
    """
    if value is None or pd.isna(value):
        return "?"
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def section_rank(section: str) -> tuple[int, tuple[int, ...]]:
    """Reading order of a section cell: (top-level number, numbers of the sub-item path); header is 0.

    >>> section_rank("header"), section_rank("四.3.2)"), section_rank("十一.1"), section_rank("七")
    ((0, ()), (4, (3, 2)), (11, (1,)), (7, ()))
    """
    top, _, rest = str(section).strip().partition(".")
    sub = tuple(int(n) for n in re.findall(r"\d+", rest))
    if top == "header":
        return 0, sub
    tens, ten, units = top.partition("十")
    try:
        if ten:
            number = (_NUMERALS.index(tens) + 1 if tens else 1) * 10 + (_NUMERALS.index(units) + 1 if units else 0)
        else:
            number = _NUMERALS.index(top) + 1
    except ValueError:
        number = 99
    return number, sub


def last_digit_step(value: float) -> float:
    """The place value of the last significant digit: 20 → 10, 1100 → 100, 3417 → 1, 2.5 → 0.1.

    >>> last_digit_step(20), last_digit_step(1100), last_digit_step(3417), last_digit_step(2.5)
    (10.0, 100.0, 1.0, 0.1)
    """
    if not value:
        return 1.0
    exponent = Decimal(repr(abs(float(value)))).normalize().as_tuple().exponent
    return float(Decimal(1).scaleb(exponent))


def figure_interval(
    value: float, value_max: float | None, qualifier: str, is_approximate: bool, quote: str | None
) -> tuple[float, float]:
    """The values a printed figure allows (bounds inclusive, so rounding alone never looks like a conflict).

    余/多/过 mean 'at least this, less than the next step of its last significant digit' (20多 → 20..30,
    300多 → 300..400); 约/左右, or an approximate figure with no marker, mean ±10 %; 至少 (lower_bound) has
    no upper end; a range 8-10 is 8..10; an exact figure is itself.

    >>> figure_interval(20, None, "approximate", True, "共计20多个")
    (20.0, 30.0)
    >>> figure_interval(48, None, "approximate", True, "防疫横幅约 48 幅")
    (43.2, 52.8)
    >>> figure_interval(8, 10, "estimate", False, "预计支持 8-10 家")
    (8.0, 10.0)
    >>> figure_interval(10, None, "lower_bound", False, "至少 10 个社区")
    (10.0, inf)
    """
    value = float(value)
    lo = hi = value
    if value_max is not None and not pd.isna(value_max):
        hi = max(hi, float(value_max))
    if qualifier == "lower_bound":
        hi = math.inf
    if bool(is_approximate):
        text = "" if quote is None or pd.isna(quote) else str(quote)
        more, about = bool(_MORE.search(text)), bool(_ABOUT.search(text))
        if more:
            hi = max(hi, value + last_digit_step(value))
        if about or not more:
            lo, hi = min(lo, round(value * 0.9, 10)), max(hi, round(value * 1.1, 10))
    return lo, hi


def _quote_offset(report: Report, section: str, quote: str) -> int | None:
    if not report.source_text or not isinstance(quote, str) or not quote:
        return None
    try:
        hits = find_quote(report.source_text, report.sections, section, quote)
    except (KeyError, ValueError):
        return None
    return hits[0] if hits else None


def figures(report: Report) -> pd.DataFrame:
    """The figures indexed by figure_id, with ``order`` (reading order), ``lo`` and ``hi`` (allowed values),
    and the metric labels ``metric_zh`` / ``metric_en`` from metrics.csv.

    Computed once per report (every metric and check starts from it) and returned as a copy; a report whose
    figures, metrics or source text are replaced gets them recomputed.
    """
    key = (report.tables.get("figures"), report.tables.get("metrics"), report.source_text)
    cached = report.__dict__.get("_figures")
    if cached is None or any(a is not b for a, b in zip(cached[0], key, strict=True)):
        cached = (key, _figures(report))
        report.__dict__["_figures"] = cached
    return cached[1].copy()


def _figures(report: Report) -> pd.DataFrame:
    fig = report.figures.copy()
    keys = []
    for row in fig.itertuples():
        rank, sub = section_rank(row.section)
        offset = _quote_offset(report, row.section, row.quote)
        number = int(re.sub(r"\D", "", row.figure_id) or 0)
        keys.append((rank, -1 if offset is None else offset, sub, number))
    ranked = sorted(range(len(keys)), key=keys.__getitem__)
    order = np.empty(len(keys), dtype=int)
    order[ranked] = np.arange(len(keys))
    fig["order"] = order
    bounds = [figure_interval(r.value, r.value_max, r.qualifier, r.is_approximate, r.quote) for r in fig.itertuples()]
    fig["lo"] = [b[0] for b in bounds]
    fig["hi"] = [b[1] for b in bounds]
    labels = report.metrics.set_index("metric")
    fig["metric_zh"] = fig["metric"].map(labels["label_zh"])
    fig["metric_en"] = fig["metric"].map(labels["label_en"])
    return fig.set_index("figure_id", drop=False).rename_axis(None)


def latest(figs: pd.DataFrame) -> str | None:
    """The figure id that reports latest: the latest cut-off date among dated figures; when none is dated,
    the one that comes last in the report. None for no figures. (``figs`` as returned by :func:`figures`.)"""
    if figs.empty:
        return None
    dates, orders = figs["cutoff_date"].tolist(), figs["order"].tolist()
    return figs.index[max(range(len(orders)), key=lambda i: latest_key(dates[i], orders[i]))]


def latest_key(date, order) -> tuple:
    """Sort key of :func:`latest`: dated after undated, then by cut-off date, then by reading order."""
    return (False, pd.Timestamp.min, order) if pd.isna(date) else (True, date, order)


def preferred(figs: pd.DataFrame) -> str | None:
    """The figure that best states a project total: project scope before organisation-wide, then latest."""
    for scope in WHOLE_SCOPES:
        chosen = latest(figs[figs["scope"] == scope])
        if chosen is not None:
            return chosen
    return latest(figs)


def series_order(figs: pd.DataFrame) -> list[str]:
    """Figure ids of one series in time order: dated figures by cut-off date, undated ones keep their place
    in the report (a figure without a date is assumed to be as of where the report prints it)."""
    by_text = figs.sort_values("order")
    ids = list(by_text.index)
    dated = by_text[by_text["cutoff_date"].notna()]
    slots = [i for i, fid in enumerate(ids) if fid in set(dated.index)]
    for slot, fid in zip(slots, dated.sort_values(["cutoff_date", "order"]).index, strict=True):
        ids[slot] = fid
    return ids


def reports_of_work(fig: pd.DataFrame) -> pd.DataFrame:
    """The figures that report something done (neither a target nor a forecast)."""
    return fig[~fig["qualifier"].isin(NOT_ACHIEVED)]


def places(report: Report) -> pd.DataFrame:
    """places.csv indexed by place_id."""
    return report.places.set_index("place_id", drop=False).rename_axis(None)


def require_place(report: Report, place_id: str) -> None:
    """Raise UsageError naming the valid ids when ``place_id`` is not a place of the report."""
    valid = list(report.places["place_id"])
    if place_id not in valid:
        districts = [
            p
            for p, lv in zip(report.places["place_id"], report.places["level"], strict=True)
            if lv in ("district", "county", "new_area")
        ]
        raise UsageError(
            f"unknown place id {place_id!r}; districts: {', '.join(districts) or '(none)'}; "
            f"all places: {', '.join(valid)}"
        )


def descendants(report: Report, place_id: str, include_self: bool = True) -> list[str]:
    """The place and every place below it in the parent tree, depth first in places.csv order."""
    children: dict[str, list[str]] = {}
    for pid, parent in zip(report.places["place_id"], report.places["parent_id"], strict=True):
        if isinstance(parent, str):
            children.setdefault(parent, []).append(pid)
    out, stack, seen = [], [place_id], set()
    while stack:
        pid = stack.pop()
        if pid in seen:
            continue
        seen.add(pid)
        out.append(pid)
        stack.extend(reversed(children.get(pid, [])))
    return out if include_self else out[1:]


def ancestors(report: Report, place_id: str, parents: dict | None = None) -> list[str]:
    """The chain of parents above a place, nearest first (``parents``: place → parent, if already built)."""
    if parents is None:
        parents = dict(zip(report.places["place_id"], report.places["parent_id"], strict=True))
    out, cur = [], parents.get(place_id)
    while isinstance(cur, str) and cur not in out and cur != place_id:
        out.append(cur)
        cur = parents.get(cur)
    return out


def budget_lines(report: Report) -> pd.DataFrame:
    """The line rows of the budget table in printed order, the merged category cell carried down."""
    budget = report.budget.copy()
    budget[["category_zh", "category_en"]] = budget[["category_zh", "category_en"]].ffill()
    return budget[budget["row_type"] == "line"].reset_index(drop=True)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(text).lower()).strip("_")


def topmost(report: Report, place_ids: set[str]) -> list[str]:
    """The places of the set with no ancestor in the set: their figures do not overlap (sorted ids)."""
    parents = dict(zip(report.places["place_id"], report.places["parent_id"], strict=True))
    return sorted(p for p in place_ids if not set(ancestors(report, p, parents)) & place_ids)
