"""The charts: each a function frame → :class:`~analysis.plots.output.Chart` (figure, alt text) with a
title, its units, a source line and alt text describing the data."""

from __future__ import annotations

import math

import matplotlib
import matplotlib.ticker
import pandas as pd
from matplotlib.figure import Figure

from analysis import present, units
from analysis.plots.fonts import COLORS, DPI, LINESPACING, MIN_FONT_SIZE, WIDTH_IN
from analysis.plots.layout import (
    _draw,
    _empty,
    _figure,
    _finish,
    _fit,
    _label_column,
    _left_margin,
    _room,
    _spaced,
    _wrap,
    source_line,
)
from analysis.plots.output import Chart


def hbar_chart(
    labels,
    values,
    *,
    title: str,
    xlabel: str,
    source: str,
    lang: str,
    value_texts=None,
    colors=None,
    note: str | None = None,
    reference: float | None = None,
    reference_label: str | None = None,
    xmax: float | None = None,
) -> Figure:
    """A horizontal bar chart, one bar per label, top to bottom in the given order."""
    labels, values = list(labels), [float(v) for v in values]

    wrapped = [_wrap(label, lang) for label in labels]
    lines = max([w.count("\n") + 1 for w in wrapped] + [1])

    def build():
        fig = _figure(len(labels), row=max(0.5, 0.2 * lines + 0.12))
        ax = fig.add_subplot()
        ys = list(range(len(labels)))[::-1]
        ax.barh(ys, values, color=colors or COLORS["ok"], height=0.6)
        ax.set_yticks(ys, wrapped)
        _spaced(ax)
        texts = value_texts or [present.fmt_number(v, lang) for v in values]
        top = max([v for v in values if not math.isnan(v)] + [reference or 0, 0]) or 1
        room = _room(values, texts, 10.5, _left_margin(labels, lang), floor=top * 1.12)
        ax.set_xlim(0, max(room, xmax or 0))
        for y, v, text in zip(ys, values, texts):
            ax.text(v, y, f" {text}", va="center", ha="left", fontsize=10.5)
        if reference is not None:
            ax.axvline(reference, color=COLORS["target"], linestyle="--", linewidth=1)
            if reference_label:
                ax.text(
                    reference,
                    len(labels) - 0.45,
                    f" {reference_label}",
                    fontsize=9.5,
                    color=COLORS["target"],
                    va="bottom",
                )
        ax.tick_params(axis="y", length=0)
        _finish(fig, ax, title, xlabel, source, note, left=_left_margin(labels, lang))
        return fig

    return _draw(build)


def described_hbar_chart(labels, values, *, title: str, source: str, lang: str, value_texts, **options):
    """:func:`hbar_chart` with its alt text: the title, then each label with its value as printed on the bar."""
    labels, texts = list(labels), list(value_texts)
    fig = hbar_chart(labels, values, title=title, source=source, lang=lang, value_texts=texts, **options)
    items = present.t("alt.sep", lang).join(f"{label} {text}" for label, text in zip(labels, texts))
    return Chart(fig, f"{present.t('alt.bars', lang, title=title, items=items)} {source}")


def no_data_chart(title: str, message: str, source: str) -> Chart:
    """A chart that says, in place of bars, that the report gives nothing to draw; the alt text says so too."""
    return Chart(_draw(lambda: _empty(title, message, source)), f"{title}: {message}")


def budget_chart(variance: pd.DataFrame, lang: str, report=None, profile: str | None = None) -> Chart:
    """Budget vs actual spending per budget line, lines over the threshold in red with their variance."""
    lines = variance[variance["level"] == "line"].reset_index(drop=True)
    title = present.t("chart.budget.title", lang)
    sections = present.quote_sections(report, report.budget["quote"]) if report is not None else ()
    source = source_line(sections, lang)
    if lines.empty:
        return no_data_chart(title, present.t("chart.no_data", lang), source)
    names = _label_column(lines, lang, "line").fillna(_label_column(lines, lang, "category"))
    flagged = lines["needs_explanation"].fillna(False).astype(bool).tolist()
    rule = present.profile_label(profile, lang) if profile else ""
    note = present.t("chart.budget.note", lang, note=rule) if rule else present.t("chart.budget.legend", lang)

    def bar_text(row, flag) -> str:
        pct = present.fmt_pct(
            row.variance_pct / 100 if pd.notna(row.variance_pct) else None, lang, signed=True
        )
        text = f"{present.fmt_number(row.actual_yuan, lang)} ({pct})"
        return text + (" " + present.t("chart.budget.flag", lang) if flag else "")

    def build():
        n = len(lines)
        fig = _figure(n, row=0.62)
        ax = fig.add_subplot()
        ys = [float(i) for i in range(n)][::-1]
        ax.barh(
            [y + 0.18 for y in ys],
            lines["budget_yuan"],
            height=0.34,
            color=COLORS["budget"],
            label=present.t("chart.budget.legend_budget", lang),
        )
        ax.barh(
            [y - 0.18 for y in ys],
            lines["actual_yuan"],
            height=0.34,
            color=[COLORS["flag"] if f else COLORS["actual"] for f in flagged],
            label=present.t("chart.budget.legend_actual", lang),
        )
        ax.set_yticks(ys, [_wrap(x, lang) for x in names])
        _spaced(ax)
        top = float(pd.concat([lines["budget_yuan"], lines["actual_yuan"]]).max() or 1)
        texts = [bar_text(row, flag) for row, flag in zip(lines.itertuples(), flagged)]
        ax.set_xlim(
            0, _room(lines["actual_yuan"].tolist(), texts, 10, _left_margin(names, lang), floor=top * 1.05)
        )
        for y, row, flag, text in zip(ys, lines.itertuples(), flagged, texts):
            ax.text(
                row.actual_yuan,
                y - 0.18,
                f" {text}",
                va="center",
                fontsize=10,
                color=COLORS["flag"] if flag else "#222222",
                fontweight="bold" if flag else "normal",
            )
        ax.legend(
            loc="lower left", bbox_to_anchor=(0, 1.0), ncol=2, fontsize=9.5, frameon=False, borderaxespad=0.2
        )
        ax.tick_params(axis="y", length=0)
        _finish(
            fig,
            ax,
            title,
            present.t("unit.yuan_axis", lang),
            source,
            note,
            left=_left_margin(names, lang),
            pad=30,
        )
        return fig

    parts = []
    for name, row, flag in zip(names, lines.itertuples(), flagged):
        parts.append(
            present.t(
                "alt.budget_line",
                lang,
                line=name,
                budget=present.fmt_number(row.budget_yuan, lang),
                actual=present.fmt_number(row.actual_yuan, lang),
                pct=present.fmt_pct(
                    row.variance_pct / 100 if pd.notna(row.variance_pct) else None, lang, signed=True
                ),
                flag=present.t("alt.flag", lang) if flag else "",
            )
        )
    alt = present.t("alt.budget", lang, title=title, lines=present.t("alt.sep", lang).join(parts))
    return Chart(_draw(build), f"{alt} {source}")


def measure_groups(intensity: pd.DataFrame) -> list[pd.DataFrame]:
    """The rows of ``metrics.intensity`` split by measure (output unit per worker unit: households per
    deployment, persons per worker …), in first-seen order: only rows of one group share an axis."""
    if intensity.empty:
        return []
    keys = (
        intensity[["output_unit", "workers_unit"]]
        .astype("object")
        .fillna("")
        .astype(str)
        .agg("|".join, axis=1)
    )
    return [intensity[keys == k] for k in dict.fromkeys(keys)]


def intensity_charts(intensity: pd.DataFrame, lang: str, report=None) -> list[Chart]:
    """One :func:`intensity_chart` per comparable measure (never per-deployment and per-person rates on one
    axis); the measure is named in each chart's title."""
    groups = [g for g in measure_groups(intensity) if g["output_per_worker"].notna().any()]
    if len(groups) <= 1:
        return [intensity_chart(intensity, lang, report=report)]
    return [intensity_chart(g, lang, report=report, measure=True) for g in groups]


def intensity_chart(intensity: pd.DataFrame, lang: str, report=None, measure: bool = False) -> Chart:
    """Output per worker for each team and output, as printed in the report's own units (``measure``: the
    title names the rows' unit per worker unit)."""
    title = present.t("chart.intensity.title", lang)
    if measure and len(intensity):
        first = intensity.iloc[0]
        title = present.t(
            "chart.intensity.measure",
            lang,
            title=title,
            output=present.unit_word(first["output_unit"], lang),
            workers=present.unit_word(first["workers_unit"], lang),
        )
    source = source_line(present.figure_sections(intensity, report), lang)
    rows = intensity[intensity["output_per_worker"].notna()].reset_index(drop=True)
    if rows.empty:
        return no_data_chart(title, present.t("chart.no_data", lang), source)
    labels = _label_column(rows, lang).tolist()
    texts = [
        ("≈" if a else "") + present.fmt_number(v, lang, digits=1)
        for v, a in zip(
            rows["output_per_worker"], rows.get("is_approximate", [False] * len(rows)).fillna(False)
        )
    ]
    return described_hbar_chart(
        labels,
        rows["output_per_worker"],
        title=title,
        xlabel=present.t("chart.intensity.axis", lang),
        source=source,
        lang=lang,
        value_texts=texts,
        note=present.t("chart.intensity.note", lang),
    )


def attainment_chart(attainment: pd.DataFrame, lang: str, report=None) -> Chart:
    """Achievement as a percentage of each target, with the 100 % line."""
    title = present.t("chart.attainment.title", lang)
    source = source_line(present.figure_sections(attainment, report), lang)
    ratio = present.attainment_ratio(attainment)
    rows = attainment.assign(_ratio=ratio)[ratio.notna()].reset_index(drop=True)
    if rows.empty:
        return no_data_chart(title, present.t("chart.no_data", lang), source)
    labels = _label_column(rows, lang).tolist()
    pcts = (rows["_ratio"] * 100).tolist()
    approx_rows = rows.get("is_approximate", pd.Series(False, index=rows.index)).fillna(False).astype(bool)
    texts = [present.approx(present.fmt_pct(r, lang), lang, a) for r, a in zip(rows["_ratio"], approx_rows)]
    colors = [COLORS["ok"] if p >= 100 else COLORS["flag"] for p in pcts]
    return described_hbar_chart(
        labels,
        pcts,
        title=title,
        xlabel=present.t("chart.attainment.axis", lang),
        source=source,
        lang=lang,
        value_texts=texts,
        colors=colors,
        reference=100,
        reference_label=present.t("chart.attainment.reference", lang),
        xmax=max(pcts + [100]) * 1.25,
        note=present.t("chart.attainment.note", lang),
    )


def share_chart(completeness: pd.DataFrame, lang: str, place_name: str, report=None) -> Chart:
    """The district's share of the project total for each metric that the report gives for both."""
    title = present.t("chart.share.title", lang, place=place_name)
    rows = completeness[completeness["share"].notna()].reset_index(drop=True)
    source = source_line(present.figure_sections(rows, report), lang)
    if rows.empty:
        return no_data_chart(title, present.t("chart.share.none", lang, place=place_name), source)
    labels = _label_column(rows, lang).tolist()
    pcts = (rows["share"] * 100).tolist()
    texts = [
        f"{present.fmt_pct(s, lang)} ({present.fmt_number(a, lang)} / {present.fmt_number(b, lang)})"
        for s, a, b in zip(rows["share"], rows["place_value"], rows["project_value"])
    ]
    return described_hbar_chart(
        labels,
        pcts,
        title=title,
        xlabel=present.t("chart.share.axis", lang),
        source=source,
        lang=lang,
        value_texts=texts,
        xmax=max(pcts) * 1.8,  # room for the "34.8% (662 / 1,900)" labels; no 100 % line to reach
        note=present.t("chart.share.note", lang),
    )


def completeness_chart(completeness: pd.DataFrame, lang: str, place_name: str, report=None) -> Chart:
    """How many of the project's metrics the report breaks down for the district (one stacked bar)."""
    title = present.t("chart.completeness.title", lang, place=place_name)
    status = (
        completeness["status"].fillna("not reported") if "status" in completeness else pd.Series(dtype=str)
    )
    reported = int((status == "reported").sum())
    missing = int(len(status) - reported)
    source = source_line(present.figure_sections(completeness, report), lang)
    words = {"reported": present.t("status.reported", lang), "not": present.t("status.not_reported", lang)}

    def build():
        fig = _figure(1, min_height=2.0)
        ax = fig.add_subplot()
        total = max(reported + missing, 1)
        ax.barh([0], [reported], color=COLORS["reported"], height=0.5)
        ax.barh([0], [missing], left=[reported], color=COLORS["not_reported"], height=0.5)
        ax.text(
            reported + total * 0.01,
            0.42,
            f"{words['reported']} {reported}",
            ha="left",
            va="bottom",
            color=COLORS["reported"],
            fontweight="bold",
        )
        if missing:
            ax.text(
                reported + missing / 2,
                0,
                f"{words['not']} {missing}",
                ha="center",
                va="center",
                color="#222222",
            )
        ax.set_yticks([0], [_wrap(place_name, lang)])
        ax.set_ylim(-0.5, 0.9)
        ax.set_xlim(0, total)
        ax.tick_params(axis="y", length=0)
        _finish(
            fig,
            ax,
            title,
            present.t("chart.completeness.axis", lang),
            source,
            left=_left_margin([place_name], lang),
        )
        return fig

    alt = present.t(
        "alt.completeness",
        lang,
        title=title,
        place=place_name,
        reported=reported,
        total=reported + missing,
        missing=missing,
    )
    return Chart(_draw(build), f"{alt} {source}")


def cost_chart(costs: pd.DataFrame, lang: str, report=None) -> Chart:
    """Yuan spent per unit of output, for the outputs the report lets us divide spending by."""
    title = present.t("chart.cost.title", lang)
    value_col = "cost_per_output_yuan"
    sections = present.figure_sections(costs, report)
    if report is not None:
        sections += present.quote_sections(report, report.budget["quote"])
    source = source_line(sections, lang)
    rows = costs[costs[value_col].notna()].reset_index(drop=True)
    if rows.empty:
        return no_data_chart(title, present.t("chart.no_data", lang), source)
    labels = _label_column(rows, lang).tolist()
    texts = [present.fmt_number(v, lang, digits=2) for v in rows[value_col]]
    return described_hbar_chart(
        labels,
        rows[value_col],
        title=title,
        xlabel=present.t("chart.cost.axis", lang),
        source=source,
        lang=lang,
        value_texts=texts,
        note=present.t("chart.cost.note", lang),
    )


def timeline_chart(over_time: pd.DataFrame, lang: str, report=None, max_series: int = 8) -> Chart:
    """Metrics reported more than once, in time order (cut-off date, else their place in the report): one
    small panel per series whose value changes (scales differ), each point labelled by its date or section."""
    title = present.t("chart.timeline.title", lang)
    source = source_line(present.figure_sections(over_time, report), lang)
    shown: list[str] = []
    frame = over_time
    if not frame.empty:
        keys = [k for k in ("metric", "place_id", "scope", "unit") if k in frame]  # never join scopes
        series = frame[keys].astype("object").where(frame[keys].notna(), "").astype(str).agg("|".join, axis=1)
        frame = frame.assign(_series=series, _label=_label_column(frame, lang))
        changing = frame.groupby("_series", sort=False)["value"].nunique()
        shown = [k for k in changing.index if changing[k] > 1][:max_series]
        frame = frame[frame["_series"].isin(shown)]
    if frame.empty:
        return no_data_chart(title, present.t("chart.no_data", lang), source)
    undated = present.t("chart.timeline.undated", lang)

    def tick(row) -> str:
        when = present.fmt_date(row.cutoff_date, lang)[5:] if pd.notna(row.cutoff_date) else undated
        return f"{when}\n{row.section}"

    n = len(shown)
    ncols = 1  # one panel a row: a phone-width chart has no room for two
    nrows = -(-n // ncols)

    def panel_title(part) -> str:
        label, unit = part["_label"].iloc[0], units.unit_label(part["unit"].iloc[0], lang, report=report)
        if unit in label:  # the label already names its unit
            text = label
        else:
            text = f"{label}（{unit}）" if lang == "zh" else f"{label} ({unit})"
        return _wrap(text, lang, 20 if lang == "zh" else 40)

    def build():
        fig = Figure(figsize=(WIDTH_IN, 1.3 + 1.9 * nrows), dpi=DPI)
        axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
        for ax, key in zip(axes, shown):
            part = frame[frame["_series"] == key].sort_values("step", kind="stable")
            xs = list(range(1, len(part) + 1))
            ax.plot(xs, part["value"], marker="o", color=COLORS["ok"], linewidth=1.5)
            for x, v in zip(xs, part["value"]):
                ax.annotate(
                    present.fmt_number(v, lang),
                    (x, v),
                    textcoords="offset points",
                    xytext=(0, 5),
                    ha="center",
                    fontsize=9.5,
                )
            ax.set_xticks(xs, [tick(r) for r in part.itertuples()], fontsize=MIN_FONT_SIZE)
            ax.set_xlim(0.6, len(xs) + 0.4)
            top = float(part["value"].max() or 1)
            ax.set_ylim(0, top * 1.4)
            ax.yaxis.set_major_formatter(
                matplotlib.ticker.FuncFormatter(lambda v, _p: present.fmt_number(v, lang))
            )
            ax.tick_params(axis="y", labelsize=MIN_FONT_SIZE)
            ax.set_title(panel_title(part), loc="left", fontsize=10)
        for ax in axes[n:]:
            ax.set_axis_off()
        fig.suptitle(
            _fit(title, 13.5),
            x=0.01,
            y=1 - 0.08 / fig.get_figheight(),
            ha="left",
            va="top",
            fontsize=13.5,
            fontweight="bold",
        )
        footer = _fit(f"{present.t('chart.timeline.note', lang)}\n{source}")
        fig.text(
            0.01, 0.01, footer, fontsize=9.5, color="#555555", ha="left", va="bottom", linespacing=LINESPACING
        )
        height = fig.get_figheight()
        first_row_lines = max(ax.get_title(loc="left").count("\n") + 1 for ax in axes[:ncols])
        fig.subplots_adjust(
            left=0.2,
            right=0.95,
            top=1 - (0.62 + 0.2 * first_row_lines + 0.25 * title.count("\n")) / height,
            bottom=(0.6 + 0.19 * (footer.count("\n") + 1)) / height,
            hspace=1.1,
            wspace=0.35,
        )
        return fig

    items = []
    for key in shown:
        part = frame[frame["_series"] == key].sort_values("step", kind="stable")
        points = ", ".join(
            f"{tick(r).replace(chr(10), ' ')} {present.fmt_number(r.value, lang)}" for r in part.itertuples()
        )
        items.append(f"{part['_label'].iloc[0]}: {points}")
    alt = present.t("alt.bars", lang, title=title, items=present.t("alt.sep", lang).join(items))
    return Chart(_draw(build), f"{alt} {source}")
