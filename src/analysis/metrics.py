"""Metrics of a report: target attainment, reach, district views, intensity, budget variance and costs."""

from __future__ import annotations

import argparse
import datetime as dt
import math
import re
from decimal import Decimal
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.errors import UsageError
from analysis.load import Report
from analysis.sections import find_quote

#: Qualifiers that are not reports of work done: proposal commitments and forecasts.
NOT_ACHIEVED = ("target", "estimate")
#: Scopes whose figures speak for the whole project (or more) rather than one place.
WHOLE_SCOPES = ("project", "organisation")
#: Place levels grouped as a funder counts them, with the figure units that state a total for the group.
LEVEL_GROUPS: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("city", ("city",), ("cities",)),
    ("district", ("district", "county", "new_area"), ("districts",)),
    ("street", ("street", "town"), ()),
    ("community", ("community", "village"), ("communities", "villages")),
)
_NAME_SUFFIX = re.compile(r"(新区|街道|社区|区|县|镇|村|市)$")
_ABOUT = re.compile(r"约|左右|近")
_MORE = re.compile(r"余|多|过|逾|超")
_NUMERALS = "一二三四五六七八九"

# ----------------------------------------------------------------------------------------------------
# Small shared helpers (checks.py uses them too)
# ----------------------------------------------------------------------------------------------------


def join_ids(ids) -> str:
    """Ids joined with ';' in the order given, empty and missing ones dropped.

    >>> join_ids(["F001", None, "", "F003"])
    'F001;F003'
    """
    return ";".join(str(i) for i in ids if isinstance(i, str) and i)


def fmt_number(value: float) -> str:
    """A number as a reader expects it: no trailing zeros, at most two decimals, NaN as '?'.

    >>> fmt_number(18000.0), fmt_number(19678.5), fmt_number(-1687.5), fmt_number(0.4312)
    ('18000', '19678.5', '-1687.5', '0.43')
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
            number = (_NUMERALS.index(tens) + 1 if tens else 1) * 10 + (
                _NUMERALS.index(units) + 1 if units else 0
            )
        else:
            number = _NUMERALS.index(top) + 1
    except ValueError:
        number = 99
    return number, sub


def last_digit_step(value: float) -> float:
    """The place value of the last significant digit: 20 → 10, 1100 → 100, 2205 → 1, 2.5 → 0.1.

    >>> last_digit_step(20), last_digit_step(1100), last_digit_step(2205), last_digit_step(2.5)
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
    1100多 → 1100..1200); 约/左右, or an approximate figure with no marker, mean ±10 %; 至少 (lower_bound) has
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
    bounds = [
        figure_interval(r.value, r.value_max, r.qualifier, r.is_approximate, r.quote)
        for r in fig.itertuples()
    ]
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
    key = pd.DataFrame(
        {
            "dated": figs["cutoff_date"].notna().astype(int),
            "date": figs["cutoff_date"].fillna(pd.Timestamp.min),
            "order": figs["order"],
        },
        index=figs.index,
    )
    return key.sort_values(["dated", "date", "order"]).index[-1]


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


def _unit_text(unit: str) -> str:
    return {
        "household_times": "household-times",
        "person_times": "person-times",
        "worker_times": "worker deployments",
        "vehicle_times": "vehicle-times",
    }.get(unit, unit.replace("_", " "))


# ----------------------------------------------------------------------------------------------------
# Targets and reach
# ----------------------------------------------------------------------------------------------------

TARGET_COLUMNS = [
    "target_id",
    "label_zh",
    "label_en",
    "target_figure_id",
    "target_value",
    "unit",
    "achieved_value",
    "achieved_unit",
    "achieved_figure_ids",
    "other_figure_ids",
    "cutoff_date",
    "attainment_ratio",
    "is_approximate",
    "note_zh",
    "note_en",
]


def target_attainment(report: Report) -> pd.DataFrame:
    """Each target against what was achieved.

    Columns: target_id, label_zh, label_en, target_figure_id, target_value, unit (of the target),
    achieved_value, achieved_unit, achieved_figure_ids (';'), other_figure_ids (alternatives not used, ';'),
    cutoff_date (latest cut-off among the figures used), attainment_ratio (achieved ÷ target; NaN without an
    achievement or a zero target), is_approximate (the target or any figure used is approximate), note_zh and
    note_en (why the ratio needs care: no achievement figure, units that differ, the notes of the rows used).

    Of the ``alternative`` achievements the latest is used: the latest cut-off date among dated ones; when
    none is dated, the one later in the report. ``sum`` achievements are added to it.
    """
    fig = figures(report)
    ach = report.target_achievements
    rows = []
    for t in report.targets.itertuples():
        target = fig.loc[t.target_figure_id]
        mine = ach[ach["target_id"] == t.target_id]
        alts = fig.loc[list(mine.loc[mine["combine"] == "alternative", "figure_id"])]
        sums = fig.loc[list(mine.loc[mine["combine"] == "sum", "figure_id"])]
        chosen = latest(alts)
        used = fig.loc[([chosen] if chosen else []) + list(sums.sort_values("order").index)]
        others = alts.drop(index=[chosen] if chosen else []).sort_values("order")
        achieved = used["value"].sum() if len(used) else math.nan
        units = list(dict.fromkeys(used["unit"]))
        notes: dict[str, list[str]] = {"zh": [], "en": []}
        if not len(used):
            notes["zh"].append("报告未给出完成数")
            notes["en"].append("no achievement figure")
        elif units != [target["unit"]]:
            units_zh = "、".join(dict.fromkeys(used["unit_zh"]))
            notes["zh"].append(f"单位不同：目标以{target['unit_zh']}计，完成数以{units_zh}计")
            notes["en"].append(f"units differ: target in {target['unit']}, achieved in {', '.join(units)}")
        rows_used = mine.set_index("figure_id").reindex(used.index)
        for lang in ("zh", "en"):
            column = rows_used.get(f"note_{lang}", pd.Series(dtype=object)).dropna()
            notes[lang] += list(dict.fromkeys(str(n) for n in column if str(n).strip()))
        rows.append(
            {
                "target_id": t.target_id,
                "label_zh": t.label_zh,
                "label_en": t.label_en,
                "target_figure_id": t.target_figure_id,
                "target_value": target["value"],
                "unit": target["unit"],
                "achieved_value": achieved,
                "achieved_unit": ";".join(units),
                "achieved_figure_ids": join_ids(used.index),
                "other_figure_ids": join_ids(others.index),
                "cutoff_date": used["cutoff_date"].max() if len(used) else pd.NaT,
                "attainment_ratio": achieved / target["value"] if len(used) and target["value"] else math.nan,
                "is_approximate": bool(target["is_approximate"]) or bool(used["is_approximate"].any()),
                "note_zh": "；".join(notes["zh"]),
                "note_en": "; ".join(notes["en"]),
            }
        )
    out = pd.DataFrame(rows, columns=TARGET_COLUMNS)
    out["cutoff_date"] = pd.to_datetime(out["cutoff_date"])
    return out.astype(
        {"target_value": float, "achieved_value": float, "attainment_ratio": float, "is_approximate": bool}
    )


def _in_text(report: Report, name_zh: str) -> bool:
    stem = _NAME_SUFFIX.sub("", name_zh)
    return name_zh in report.source_text or (len(stem) >= 2 and stem in report.source_text)


REACH_COLUMNS = [
    "level",
    "levels",
    "places_named",
    "place_ids",
    "names_zh",
    "in_text",
    "in_text_ids",
    "with_figures",
    "stated_total",
    "stated_total_max",
    "stated_figure_ids",
    "stated_is_approximate",
    "named_share",
    "note",
]


def place_reach(report: Report) -> pd.DataFrame:
    """Places the report names, by level, against the totals it states.

    One row per level group: city; district (districts, counties, new areas); street (streets, towns);
    community (communities, villages). Columns: level, levels, places_named (rows of places.csv), place_ids,
    names_zh, in_text (how many of them the source names literally, with or without the suffix), in_text_ids,
    with_figures (places of the group with a figure of their own or below them), stated_total (sum of the
    project-wide figures counting this level: the latest figure of each metric, e.g. 20多 + 40多 communities
    → 60), stated_total_max (upper end of that sum, 80), stated_figure_ids, stated_is_approximate,
    named_share (places_named ÷ stated_total), note.
    """
    fig = reports_of_work(figures(report))
    stated_pool = fig[(fig["scope"] == "project") & fig["place_id"].isna()]
    pl = places(report)
    with_fig = set(fig["place_id"].dropna())
    rows = []
    for group, levels, units in LEVEL_GROUPS:
        members = pl[pl["level"].isin(levels)]
        in_text = [
            p for p, name in zip(members.index, members["name_zh"], strict=True) if _in_text(report, name)
        ]
        figured = [p for p in members.index if with_fig & set(descendants(report, p))]
        pool = stated_pool[stated_pool["unit"].isin(units)]
        chosen = [
            latest(pool[pool["metric"] == m]) for m in dict.fromkeys(pool.sort_values("order")["metric"])
        ]
        stated = fig.loc[chosen]
        total = stated["lo"].sum() if len(stated) else math.nan
        note = ""
        if len(stated):
            parts = " + ".join(
                f"{fmt_number(v)} ({f})" for f, v in zip(stated.index, stated["value"], strict=True)
            )
            note = f"stated: {parts}"
        rows.append(
            {
                "level": group,
                "levels": ";".join(levels),
                "places_named": len(members),
                "place_ids": join_ids(members.index),
                "names_zh": "、".join(members["name_zh"]),
                "in_text": len(in_text),
                "in_text_ids": join_ids(in_text),
                "with_figures": len(figured),
                "stated_total": total,
                "stated_total_max": stated["hi"].sum() if len(stated) else math.nan,
                "stated_figure_ids": join_ids(stated.index),
                "stated_is_approximate": bool(stated["is_approximate"].any()) if len(stated) else False,
                "named_share": len(members) / total if len(stated) and total else math.nan,
                "note": note,
            }
        )
    return pd.DataFrame(rows, columns=REACH_COLUMNS)


# ----------------------------------------------------------------------------------------------------
# District views
# ----------------------------------------------------------------------------------------------------

FIGURE_COLUMNS = [
    "figure_id",
    "section",
    "metric",
    "label_zh",
    "label_en",
    "figure_label_zh",
    "value",
    "value_max",
    "unit",
    "unit_zh",
    "qualifier",
    "is_approximate",
    "cutoff_date",
    "scope",
    "place_id",
    "place_name_zh",
    "place_name_en",
    "quote",
]


def district_figures(report: Report, place_id: str) -> pd.DataFrame:
    """The figures of a place and of every place below it, in reading order.

    Columns: figure_id, section, metric, label_zh, label_en (the metric's labels from metrics.csv),
    figure_label_zh (the report's own words), value, value_max, unit, unit_zh, qualifier, is_approximate,
    cutoff_date, scope, place_id, place_name_zh, place_name_en, quote.
    """
    require_place(report, place_id)
    fig = figures(report)
    return _with_labels(report, fig[fig["place_id"].isin(descendants(report, place_id))])


def _with_labels(report: Report, rows: pd.DataFrame) -> pd.DataFrame:
    """Figure rows (from :func:`figures`) in the shape of FIGURE_COLUMNS, in reading order."""
    pl = places(report)
    rows = rows.sort_values("order")
    out = rows.assign(
        label_zh=rows["metric_zh"],
        label_en=rows["metric_en"],
        figure_label_zh=rows["label_zh"],
        place_name_zh=rows["place_id"].map(pl["name_zh"]),
        place_name_en=rows["place_id"].map(pl["name_en"]),
    )
    return out[FIGURE_COLUMNS].reset_index(drop=True)


def topic_figures(report: Report, topic: str) -> pd.DataFrame:
    """The figures of the metrics that metrics.csv files under ``topic`` (e.g. ``supplies``, ``fundraising``).

    Targets and forecasts are left out: these are things the report says were done. Columns: those of
    :func:`district_figures`. Empty when the report files no metric under the topic.
    """
    fig = figures(report)
    topics = report.metrics.set_index("metric")["topic"] if "topic" in report.metrics else pd.Series(dtype=str)
    wanted = set(topics[topics == topic].index)
    return _with_labels(report, fig[fig["metric"].isin(wanted) & ~fig["qualifier"].isin(("target", "estimate"))])


def district_places(report: Report, place_id: str) -> pd.DataFrame:
    """The places below a place (not the place itself), depth first.

    Columns: place_id, level, name_zh, name_en, parent_id, parent_name_zh, depth (1 = directly below),
    n_figures (figures attached to that place itself), note.
    """
    require_place(report, place_id)
    pl = places(report)
    below = descendants(report, place_id, include_self=False)
    counts = report.figures["place_id"].value_counts()
    rows = []
    for pid in below:
        p = pl.loc[pid]
        chain = ancestors(report, pid)
        rows.append(
            {
                "place_id": pid,
                "level": p["level"],
                "name_zh": p["name_zh"],
                "name_en": p["name_en"],
                "parent_id": p["parent_id"],
                "parent_name_zh": pl["name_zh"].get(p["parent_id"]),
                "depth": chain.index(place_id) + 1,
                "n_figures": int(counts.get(pid, 0)),
                "note": p["note"],
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "place_id",
            "level",
            "name_zh",
            "name_en",
            "parent_id",
            "parent_name_zh",
            "depth",
            "n_figures",
            "note",
        ],
    )


def topmost(report: Report, place_ids: set[str]) -> list[str]:
    """The places of the set with no ancestor in the set: their figures do not overlap (sorted ids)."""
    parents = dict(zip(report.places["place_id"], report.places["parent_id"], strict=True))
    return sorted(p for p in place_ids if not set(ancestors(report, p, parents)) & place_ids)


COMPLETENESS_COLUMNS = [
    "metric",
    "label_zh",
    "label_en",
    "unit",
    "project_value",
    "project_figure_id",
    "place_value",
    "place_unit",
    "share",
    "status",
    "figure_ids",
    "is_approximate",
    "note",
]


def district_completeness(report: Report, place_id: str) -> pd.DataFrame:
    """For every metric the report gives at project or organisation scope: does it give one for this place?

    Columns: metric, label_zh, label_en, unit, project_value (the project-scope figure, else the organisation
    one; the latest), project_figure_id, place_value (NaN when not reported), place_unit, share (place_value ÷
    project_value where both are given in the same unit and the project value is above zero, else NaN), status
    ('reported' | 'not reported'), figure_ids (the place figures used), is_approximate, note.

    The place's own figure is used when it has one (the latest); otherwise the figures of the places below it
    that do not overlap (a street's and one of its communities' would) are added up, and the note says so.
    Values are never apportioned from the project total.
    """
    require_place(report, place_id)
    fig = reports_of_work(figures(report))
    subtree = set(descendants(report, place_id))
    whole = fig[fig["place_id"].isna() & fig["scope"].isin(WHOLE_SCOPES)].sort_values("order")
    local_all = fig[fig["place_id"].isin(subtree)]
    pl = places(report)
    rows = []
    for metric in dict.fromkeys(whole["metric"]):
        chosen = fig.loc[preferred(whole[whole["metric"] == metric])]
        local = local_all[local_all["metric"] == metric]
        if (local["unit"] == chosen["unit"]).any():
            local = local[local["unit"] == chosen["unit"]]
        used, note = [], ""
        if len(local):
            unit_local = local[local["unit"] == local.sort_values("order")["unit"].iloc[0]]
            if place_id in set(unit_local["place_id"]):
                used = [latest(unit_local[unit_local["place_id"] == place_id])]
            else:
                tops = topmost(report, set(unit_local["place_id"]))
                used = [latest(unit_local[unit_local["place_id"] == p]) for p in tops]
                names = "、".join(pl.loc[p, "name_zh"] for p in tops)
                note = (
                    f"sum of the figures of {len(tops)} place(s) below: {names}"
                    if len(tops) > 1
                    else f"figure of {names}, a place below"
                )
        u = fig.loc[used]
        rows.append(
            {
                "metric": metric,
                "label_zh": chosen["metric_zh"],
                "label_en": chosen["metric_en"],
                "unit": chosen["unit"],
                "project_value": chosen["value"],
                "project_figure_id": chosen["figure_id"],
                "place_value": u["value"].sum() if len(u) else math.nan,
                "place_unit": u["unit"].iloc[0] if len(u) else None,
                "status": "reported" if len(u) else "not reported",
                "figure_ids": join_ids(u.index),
                "is_approximate": bool(u["is_approximate"].any()) if len(u) else False,
                "note": note,
            }
        )
    frame = pd.DataFrame(rows, columns=COMPLETENESS_COLUMNS).astype({"project_value": float, "place_value": float})
    comparable = (frame["unit"] == frame["place_unit"]) & (frame["project_value"] > 0)
    frame["share"] = (frame["place_value"] / frame["project_value"]).where(comparable).astype(float)
    return frame


# ----------------------------------------------------------------------------------------------------
# Intensity
# ----------------------------------------------------------------------------------------------------


def working_days(start: dt.date, end: dt.date) -> int:
    """Calendar days from ``start`` to ``end``, both counted.

    >>> start = dt.date(2020, 1, 25)
    >>> working_days(start, dt.date(2020, 3, 12)), working_days(start, dt.date(2020, 3, 31))
    (48, 67)
    """
    return (end - start).days + 1


INTENSITY_COLUMNS = [
    "intensity_id",
    "team_id",
    "label_zh",
    "label_en",
    "output_figure_id",
    "workers_figure_id",
    "output_value",
    "output_unit",
    "workers",
    "workers_unit",
    "output_per_worker",
    "days",
    "days_basis",
    "output_per_worker_day",
    "is_approximate",
    "place_id",
    "note",
]


def intensity(report: Report, within: str | None = None) -> pd.DataFrame:
    """Output per worker and per worker-day for each row of intensities.csv (``within``: only the teams of
    that place and the places inside it).

    Columns: intensity_id, team_id, label_zh, label_en, output_figure_id, workers_figure_id, output_value,
    output_unit, workers, workers_unit, output_per_worker (NaN with a note for zero workers, never inf), days,
    days_basis, output_per_worker_day, is_approximate, place_id (the team's), note.

    Days are calendar days counting both ends: from the project start to the output's cut-off date, or the
    whole project period when the output has no cut-off date.
    """
    fig = figures(report)
    teams = report.workforce.set_index("team_id")
    start, end = report.period
    rows = []
    inside = None if within is None else set(descendants(report, within))
    for i in report.intensities.itertuples():
        team = teams.loc[i.team_id]
        if inside is not None and team["place_id"] not in inside:
            continue
        out, workers = fig.loc[i.output_figure_id], fig.loc[team["workers_figure_id"]]
        notes = [str(n) for n in (i.note,) if isinstance(n, str) and n]
        if pd.notna(out["cutoff_date"]):
            cutoff = out["cutoff_date"].date()
            days, basis = working_days(start, cutoff), f"project start to the output's cut-off date {cutoff}"
        else:
            days, basis = working_days(start, end), f"project period {start} to {end}"
        w = workers["value"]
        if not w or pd.isna(w):
            per_worker = math.nan
            notes.append("zero workers: no per-worker value")
        else:
            per_worker = out["value"] / w
        if workers["unit"] == "worker_times":
            notes.append("workers counted as deployments (人次), not people")
        rows.append(
            {
                "intensity_id": i.intensity_id,
                "team_id": i.team_id,
                "label_zh": i.label_zh,
                "label_en": i.label_en,
                "output_figure_id": i.output_figure_id,
                "workers_figure_id": team["workers_figure_id"],
                "output_value": out["value"],
                "output_unit": out["unit"],
                "workers": w,
                "workers_unit": workers["unit"],
                "output_per_worker": per_worker,
                "days": days,
                "days_basis": basis,
                "output_per_worker_day": per_worker / days if days > 0 else math.nan,
                "is_approximate": bool(out["is_approximate"]) or bool(workers["is_approximate"]),
                "place_id": team["place_id"] if isinstance(team["place_id"], str) else None,
                "note": "; ".join(notes),
            }
        )
    return pd.DataFrame(rows, columns=INTENSITY_COLUMNS).astype(
        {"output_value": float, "workers": float, "output_per_worker": float, "output_per_worker_day": float}
    )


# ----------------------------------------------------------------------------------------------------
# Budget
# ----------------------------------------------------------------------------------------------------

PROFILE_COLUMNS = ["profile", "level", "pct", "floor_yuan", "label_zh", "label_en"]


def threshold_profiles() -> pd.DataFrame:
    """The variance thresholds funders apply, one row per (profile, level): resources/threshold_profiles.csv.

    Columns: profile, level ('line' | 'category' | 'total'), pct (a variance beyond ± this percentage needs an
    explanation), floor_yuan (a variance below this many yuan never does), label_zh, label_en.

    >>> foundation = threshold_profiles().set_index("profile").loc["foundation"]
    >>> foundation["level"], float(foundation["pct"]), float(foundation["floor_yuan"])
    ('line', 20.0, 500.0)
    """
    path = resources.files("analysis") / "resources" / "threshold_profiles.csv"
    with path.open(encoding="utf-8") as handle:
        frame = pd.read_csv(handle, dtype={"profile": str, "level": str, "label_zh": str, "label_en": str})
    frame["floor_yuan"] = frame["floor_yuan"].fillna(0.0).astype(float)
    return frame.astype({"pct": float})[PROFILE_COLUMNS]


def profile_rules(profile: str) -> pd.DataFrame:
    """The rows of one threshold profile; UsageError naming the valid profiles when it does not exist."""
    table = threshold_profiles()
    rules = table[table["profile"] == profile]
    if rules.empty:
        valid = ", ".join(dict.fromkeys(table["profile"]))
        raise UsageError(f"unknown threshold profile {profile!r}; valid profiles: {valid}")
    return rules


def _threshold(row: pd.Series, rules: pd.DataFrame, profile: str) -> tuple[bool, str]:
    """Whether a budget row needs an explanation under the profile, and why (one rule for every profile)."""
    rule = rules[rules["level"] == row["level"]]
    if rule.empty:
        return (
            False,
            f"{profile}: no threshold per {row['level']} (it applies per {', '.join(rules['level'])})",
        )
    pct, floor = float(rule["pct"].iloc[0]), float(rule["floor_yuan"].iloc[0])
    var, var_pct = row["variance_yuan"], row["variance_pct"]
    limit = f"±{fmt_number(pct)} % per {row['level']}" + (
        f", floor {fmt_number(floor)} yuan" if floor else ""
    )
    if abs(var) < 0.005:
        return False, f"on budget ({profile}: {limit})"
    if abs(var) < floor:
        return False, f"{fmt_number(var)} yuan is below the floor ({profile}: {limit})"
    if pd.isna(var_pct):
        return True, f"spent {fmt_number(row['actual_yuan'])} yuan without a budget ({profile}: {limit})"
    if abs(var_pct) > pct + 1e-9:
        return True, f"{var_pct:+.1f} % is beyond {profile}'s {limit}: explain"
    return False, f"{var_pct:+.1f} % is within {profile}'s {limit}"


BUDGET_COLUMNS = [
    "level",
    "line_id",
    "category_zh",
    "category_en",
    "line_zh",
    "line_en",
    "budget_yuan",
    "actual_yuan",
    "variance_yuan",
    "variance_pct",
    "execution_rate",
    "needs_explanation",
    "threshold_note",
    "budget_cells",
    "actual_cells",
]

_BUDGET_DTYPES = {
    "budget_yuan": float,
    "actual_yuan": float,
    "variance_yuan": float,
    "variance_pct": float,
    "execution_rate": float,
    "needs_explanation": bool,
}


def budget_variance(report: Report, profile: str = "default") -> pd.DataFrame:
    """Budget against actual spending per line, per category (主要活动) and in total.

    Columns: level ('line' | 'category' | 'total'), line_id (the line's; ``category-<slug of category_en>``
    for a category; ``total``), category_zh, category_en, line_zh, line_en, budget_yuan, actual_yuan,
    variance_yuan (actual − budget), variance_pct (variance ÷ budget × 100; NaN when the budget is 0),
    execution_rate (actual ÷ budget; NaN when the budget is 0), needs_explanation (bool, by the threshold
    profile), threshold_note, budget_cells / actual_cells (the budget.<line>.<column> cells summed, ';').

    Categories and the total are sums of the line rows as printed; printed total rows are never used here
    (``closeout check`` compares them).
    """
    rules = profile_rules(profile)
    lines = budget_lines(report)
    if lines.empty:
        return pd.DataFrame(columns=BUDGET_COLUMNS).astype(_BUDGET_DTYPES)
    rows = []
    for r in lines.itertuples():
        rows.append(
            {
                "level": "line",
                "line_id": r.line_id,
                "category_zh": r.category_zh,
                "category_en": r.category_en,
                "line_zh": r.line_zh,
                "line_en": r.line_en,
                "budget_yuan": r.budget_yuan,
                "actual_yuan": r.actual_yuan,
                "ids": [r.line_id],
            }
        )
    groups = lines.assign(key=lines["category_zh"].fillna("")).groupby("key", sort=False)
    for n, (key, g) in enumerate(groups, start=1):
        en = g["category_en"].dropna()
        slug = _slug(en.iloc[0]) if len(en) else ""
        rows.append(
            {
                "level": "category",
                "line_id": f"category-{slug or n}",
                "category_zh": key or None,
                "category_en": en.iloc[0] if len(en) else None,
                "line_zh": None,
                "line_en": None,
                "budget_yuan": g["budget_yuan"].sum(),
                "actual_yuan": g["actual_yuan"].sum(),
                "ids": list(g["line_id"]),
            }
        )
    rows.append(
        {
            "level": "total",
            "line_id": "total",
            "category_zh": "合计",
            "category_en": "Total",
            "line_zh": None,
            "line_en": None,
            "budget_yuan": lines["budget_yuan"].sum(),
            "actual_yuan": lines["actual_yuan"].sum(),
            "ids": list(lines["line_id"]),
        }
    )
    frame = pd.DataFrame(rows)
    frame["variance_yuan"] = frame["actual_yuan"] - frame["budget_yuan"]
    nonzero = frame["budget_yuan"].where(frame["budget_yuan"] != 0)
    frame["variance_pct"] = frame["variance_yuan"] / nonzero * 100
    frame["execution_rate"] = frame["actual_yuan"] / nonzero
    verdicts = [_threshold(r, rules, profile) for _, r in frame.iterrows()]
    frame["needs_explanation"] = [v[0] for v in verdicts]
    frame["threshold_note"] = [v[1] for v in verdicts]
    frame["budget_cells"] = [join_ids(f"budget.{i}.budget_yuan" for i in ids) for ids in frame["ids"]]
    frame["actual_cells"] = [join_ids(f"budget.{i}.actual_yuan" for i in ids) for ids in frame["ids"]]
    return frame.reindex(columns=BUDGET_COLUMNS).astype(_BUDGET_DTYPES)


# ----------------------------------------------------------------------------------------------------
# Cost per output
# ----------------------------------------------------------------------------------------------------


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
]


def cost_per_output(report: Report) -> pd.DataFrame:
    """The whole actual spend divided by each key output.

    Columns: metric, output_figure_id, label_zh, label_en, output_value, unit, spend_yuan (sum of the budget
    lines' actual spending as printed), spend_cells, cost_per_output_yuan (NaN for a zero output), is_org_wide
    (the output figure is organisation-wide), is_approximate, caveat_zh, caveat_en.

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


# ----------------------------------------------------------------------------------------------------
# Series
# ----------------------------------------------------------------------------------------------------

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


# ----------------------------------------------------------------------------------------------------
# The long table
# ----------------------------------------------------------------------------------------------------

ALL_COLUMNS = [
    "metric_id",
    "kind",
    "scope",
    "label_zh",
    "label_en",
    "value",
    "unit",
    "numerator",
    "numerator_figure_ids",
    "denominator",
    "denominator_figure_ids",
    "is_approximate",
    "note",
]


def _coverage_rows(report: Report) -> list[dict]:
    return [
        {
            "metric_id": f"attainment:{t.target_id}",
            "kind": "coverage",
            "scope": "project",
            "label_zh": f"目标完成率：{t.label_zh}",
            "label_en": f"Target attainment: {t.label_en}",
            "value": t.attainment_ratio,
            "unit": "ratio",
            "numerator": t.achieved_value,
            "numerator_figure_ids": t.achieved_figure_ids,
            "denominator": t.target_value,
            "denominator_figure_ids": t.target_figure_id,
            "is_approximate": t.is_approximate,
            "note": t.note_en,
        }
        for t in target_attainment(report).itertuples()
    ]


def _reach_rows(report: Report) -> list[dict]:
    rows = []
    for r in place_reach(report).itertuples():
        rows.append(
            {
                "metric_id": f"places_named:{r.level}",
                "kind": "reach",
                "scope": "project",
                "label_zh": f"报告点名的地点（{r.level}）",
                "label_en": f"Places named ({r.level} level)",
                "value": float(r.places_named),
                "unit": "places",
                "numerator": float(r.places_named),
                "numerator_figure_ids": "",
                "denominator": r.stated_total,
                "denominator_figure_ids": r.stated_figure_ids,
                "is_approximate": r.stated_is_approximate,
                "note": f"{r.place_ids}" + (f"; {r.note}" if r.note else ""),
            }
        )
    return rows


def _intensity_rows(report: Report) -> list[dict]:
    rows = []
    for r in intensity(report).itertuples():
        scope = r.place_id if isinstance(r.place_id, str) else "project"
        common = {
            "kind": "intensity",
            "scope": scope,
            "numerator": r.output_value,
            "numerator_figure_ids": r.output_figure_id,
            "denominator_figure_ids": r.workers_figure_id,
            "is_approximate": r.is_approximate,
        }
        rows.append(
            {
                **common,
                "metric_id": f"per_worker:{r.intensity_id}",
                "label_zh": r.label_zh,
                "label_en": r.label_en,
                "value": r.output_per_worker,
                "unit": f"{r.output_unit}_per_{r.workers_unit}",
                "denominator": r.workers,
                "note": r.note,
            }
        )
        rows.append(
            {
                **common,
                "metric_id": f"per_worker_day:{r.intensity_id}",
                "label_zh": f"{r.label_zh}（每日）",
                "label_en": f"{r.label_en}, per day",
                "value": r.output_per_worker_day,
                "unit": f"{r.output_unit}_per_{r.workers_unit}_day",
                "denominator": r.workers * r.days,
                "note": "; ".join(x for x in (f"{fmt_number(r.days)} days: {r.days_basis}", r.note) if x),
            }
        )
    return rows


def _budget_rows(report: Report, profile: str) -> list[dict]:
    rows = []
    for r in budget_variance(report, profile).itertuples():
        name_zh = r.line_zh if r.level == "line" else r.category_zh
        name_en = r.line_en if r.level == "line" else r.category_en
        common = {
            "kind": "budget",
            "scope": "project",
            "numerator_figure_ids": r.actual_cells,
            "denominator": r.budget_yuan,
            "denominator_figure_ids": r.budget_cells,
            "is_approximate": False,
        }
        rows.append(
            {
                **common,
                "metric_id": f"execution_rate:{r.line_id}",
                "label_zh": f"预算执行率：{name_zh}",
                "label_en": f"Budget execution rate: {name_en}",
                "value": r.execution_rate,
                "unit": "ratio",
                "numerator": r.actual_yuan,
                "note": r.threshold_note,
            }
        )
        rows.append(
            {
                **common,
                "metric_id": f"variance_pct:{r.line_id}",
                "label_zh": f"预算偏差：{name_zh}",
                "label_en": f"Budget variance: {name_en}",
                "value": r.variance_pct,
                "unit": "percent",
                "numerator": r.variance_yuan,
                "note": ("needs explanation; " if r.needs_explanation else "") + r.threshold_note,
            }
        )
    return rows


def _cost_rows(report: Report) -> list[dict]:
    return [
        {
            "metric_id": f"cost_per_output:{r.metric}",
            "kind": "cost",
            "scope": "project",
            "label_zh": f"单位产出成本：{r.label_zh}",
            "label_en": f"Cost per output: {r.label_en}",
            "value": r.cost_per_output_yuan,
            "unit": f"yuan_per_{r.unit}",
            "numerator": r.spend_yuan,
            "numerator_figure_ids": r.spend_cells,
            "denominator": r.output_value,
            "denominator_figure_ids": r.output_figure_id,
            "is_approximate": r.is_approximate,
            "note": r.caveat_en,
        }
        for r in cost_per_output(report).itertuples()
    ]


def all_metrics(report: Report, profile: str = "default") -> pd.DataFrame:
    """Every metric value in one long table (what ``closeout metrics`` prints).

    Columns: metric_id (``attainment:<target>``, ``places_named:<level>``, ``per_worker:<intensity>``,
    ``per_worker_day:<intensity>``, ``execution_rate:<line>``, ``variance_pct:<line>``,
    ``cost_per_output:<metric>``), kind ('coverage' | 'intensity' | 'budget' | 'cost' | 'reach'), scope
    ('project' or a place id), label_zh, label_en, value, unit, numerator, numerator_figure_ids, denominator,
    denominator_figure_ids (figure ids or budget.<line>.<column> cells, ';'), is_approximate, note.
    """
    rows = (
        _coverage_rows(report)
        + _intensity_rows(report)
        + _budget_rows(report, profile)
        + _cost_rows(report)
        + _reach_rows(report)
    )
    return pd.DataFrame(rows, columns=ALL_COLUMNS).astype(
        {"value": float, "numerator": float, "denominator": float, "is_approximate": bool}
    )


# ----------------------------------------------------------------------------------------------------
# Command line
# ----------------------------------------------------------------------------------------------------


def cmd_metrics(args: argparse.Namespace) -> int:
    """``closeout metrics``: print :func:`all_metrics` for a report folder."""
    from analysis.cli import emit
    from analysis.load import load_report

    profile_rules(args.profile)
    report = load_report(args.report)
    emit(all_metrics(report, args.profile), args.format)
    return 0


def register_cli(subparsers) -> None:
    """Add the ``metrics`` subcommand."""
    from analysis.cli import DEFAULT_REPORT, FORMATS

    p = subparsers.add_parser("metrics", help="print every metric of a report folder as one long table")
    p.add_argument(
        "report", nargs="?", type=Path, default=DEFAULT_REPORT, help="report folder (default: %(default)s)"
    )
    p.add_argument("--format", choices=FORMATS, default="table")
    p.add_argument(
        "--profile",
        default="default",
        help="budget threshold profile (default: %(default)s; see resources/threshold_profiles.csv)",
    )
    p.set_defaults(func=cmd_metrics)
