"""Charts with Chinese labels: each is a function frame → Chart (Figure, alt text), rendered to deterministic
SVG with the text kept as text (drawn by the reader's own CJK font, crisp at any zoom) or PNG.

Chinese text needs a CJK font. :func:`cjk_font` looks, in this order, at the file named by the environment
variable ``CLOSEOUT_CJK_FONT`` (``/path/to/font.ttc|otf|ttf``), at matplotlib's font list (Noto Sans CJK SC,
Source Han Sans SC, WenQuanYi, Microsoft YaHei, PingFang SC …), and, when matplotlib's font cache is stale, at
the font files under the usual font folders (``/usr/share/fonts`` etc.), which it adds to matplotlib. With
none it
raises :class:`FontMissingError`, which says what to install: ``sudo apt-get install fonts-noto-cjk``
(Debian/Ubuntu; ``make fonts`` does it), ``brew install --cask font-noto-sans-cjk-sc`` (macOS), or set
``CLOSEOUT_CJK_FONT``.

Every chart has a title, its units, a source line ("来源：结项报告 第三部分") and alt text describing the
data; the figures are plain :class:`matplotlib.figure.Figure` objects (never pyplot), so a notebook shows them
only through ``present.chart`` (inline SVG, :func:`svg_text`) or :func:`png_bytes`. Neither carries a
software tag or date, so the same data gives the same bytes. This module uses ``analysis.present`` for words
and number formats; ``present`` never imports it (a :class:`Chart` renders itself).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import math
import os
import re
import textwrap
from functools import cache
from pathlib import Path
from typing import NamedTuple

import matplotlib
import matplotlib.dates
import matplotlib.ticker
import pandas as pd
from matplotlib import font_manager
from matplotlib.figure import Figure

from analysis import present, units
from analysis.errors import CloseoutError

DPI = 110
FONT_SIZE = 11
MIN_FONT_SIZE = 9.5  # pt; drawn 288 pt wide, a 358 px column shows it at 11.8 CSS px
LINESPACING = 1.45  # CJK glyphs fill their em box: lines of wrapped text need more than matplotlib's 1.2
WIDTH_IN = 4.0  # 288 pt of SVG: on a 390 px phone every text is drawn at 11 CSS px or more
PREFERRED_FONTS = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "Noto Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "PingFang SC",
    "Hiragino Sans GB",
    "Heiti SC",
    "SimHei",
    "Noto Sans CJK TC",
    "Noto Sans CJK JP",
    "Source Han Sans",
)
FONT_DIRS = (
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    "~/.local/share/fonts",
    "~/.fonts",
    "/Library/Fonts",
    "/System/Library/Fonts",
    "~/Library/Fonts",
    "C:/Windows/Fonts",
)
_FONT_FILE_HINTS = (
    "notosanscjk",
    "notosanssc",
    "sourcehansans",
    "wqy",
    "wenquanyi",
    "msyh",
    "pingfang",
    "simhei",
    "hiragino",
)
ENV_FONT = "CLOSEOUT_CJK_FONT"
INSTALL_HINT = (
    "install one, e.g. `sudo apt-get install fonts-noto-cjk` (Debian/Ubuntu, or `make fonts`), "
    "`brew install --cask font-noto-sans-cjk-sc` (macOS), or set CLOSEOUT_CJK_FONT=/path/to/font.otf"
)

COLORS = {
    "budget": "#9aa5b1",
    "actual": "#1f5f8b",
    "flag": "#c0392b",
    "ok": "#1f5f8b",
    "muted": "#c8ced6",
    "reported": "#1f7a4d",
    "not_reported": "#d9dde2",
    "target": "#444444",
}


class FontMissingError(CloseoutError):
    """No font with Chinese glyphs is available to matplotlib."""


class Chart(NamedTuple):
    """A chart: the matplotlib figure and its alt text (unpacks as ``fig, alt``)."""

    figure: Figure
    alt: str

    def svg(self) -> str:
        """The chart as inline SVG markup (:func:`svg_text`)."""
        return svg_text(self.figure)


def _font_name(path: Path) -> str:
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


@cache
def cjk_font() -> str:
    """The family name of an installed CJK font (see the module docstring for the search order)."""
    env = os.environ.get(ENV_FONT)
    if env:
        path = Path(env).expanduser()
        if not path.is_file():
            raise FontMissingError(f"{ENV_FONT}={env} is not a font file; unset it or {INSTALL_HINT}")
        try:
            return _font_name(path)
        except (OSError, RuntimeError) as exc:
            raise FontMissingError(
                f"{ENV_FONT}={env} cannot be read as a font ({exc}); {INSTALL_HINT}"
            ) from exc
    names = {f.name for f in font_manager.fontManager.ttflist}
    for name in PREFERRED_FONTS:
        if name in names:
            return name
    for folder in FONT_DIRS:  # matplotlib's font cache may predate the font's installation
        root = Path(folder).expanduser()
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            if path.suffix.lower() in (".ttc", ".otf", ".ttf") and any(
                h in path.name.lower().replace("-", "").replace("_", "") for h in _FONT_FILE_HINTS
            ):
                with contextlib.suppress(OSError, RuntimeError):
                    font_manager.fontManager.addfont(str(path))
        names = {f.name for f in font_manager.fontManager.ttflist}
        for name in PREFERRED_FONTS:
            if name in names:
                return name
    raise FontMissingError(f"no CJK font found for the charts' Chinese labels; {INSTALL_HINT}")


def style() -> dict:
    """The rcParams every chart is drawn and saved with."""
    return {
        "font.family": [cjk_font(), "DejaVu Sans"],
        "font.size": FONT_SIZE,
        "axes.unicode_minus": False,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "svg.hashsalt": "closeout",
        "svg.fonttype": "none",  # text stays text: the reader's CJK font draws it
        "path.simplify": True,
        "text.parse_math": False,  # labels are data: "$5$" is text, never mathtext
    }


def png_bytes(fig: Figure) -> bytes:
    """The figure as PNG bytes: fixed dpi, no software tag, no date (same figure → same bytes)."""
    buf = io.BytesIO()
    with matplotlib.rc_context(style()):
        fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None})
    return buf.getvalue()


_SVG_ID = re.compile(r'\bid="([^"]+)"')


def svg_text(fig: Figure) -> str:
    """The figure as SVG markup for inlining in a page: text as text (``svg.fonttype = none``; the page's
    stylesheet gives the font stack), no XML prolog, metadata, date or fixed size (it scales to its box, with
    its viewBox), element ids prefixed by a hash of the chart so several charts share one page. Same figure →
    same text."""
    buf = io.StringIO()
    with matplotlib.rc_context(style()):
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None, "Format": None, "Type": None})
    text = buf.getvalue()
    text = text[text.index("<svg") :]
    text = re.sub(r"<metadata>.*?</metadata>\s*", "", text, flags=re.S)
    text = re.sub(r'\s+xmlns(:xlink)?="[^"]*"', "", text)  # inline in HTML: the parser knows SVG
    text = text.replace("<style type=\"text/css\">*{", "<style type=\"text/css\">.chart-svg *{")  # not the page
    text = re.sub(r"font-family:[^;\"]*;?", "", text)
    head_end = text.index(">") + 1
    text = re.sub(r'\s(?:width|height)="[^"]*"', "", text[:head_end]) + text[head_end:]
    prefix = "c" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:8] + "-"
    ids = set(_SVG_ID.findall(text))
    for name in sorted(ids, key=len, reverse=True):
        text = text.replace(f'id="{name}"', f'id="{prefix}{name}"')
        text = text.replace(f"#{name})", f"#{prefix}{name})").replace(
            f'href="#{name}"', f'href="#{prefix}{name}"'
        )
    text = re.sub(r"\n\s*", "\n", text)
    return text.replace("<svg ", '<svg class="chart-svg" aria-hidden="true" focusable="false" ', 1).strip()


def source_line(sections, lang: str) -> str:
    """'来源：结项报告 第七节' / 'Source: completion report, section 七' for the sections a chart draws on."""
    keys = sorted({present.section_key(s) for s in sections if isinstance(s, str) and s}, key=_section_order)
    if not keys:
        return present.t("chart.source_none", lang)
    return present.t(
        "chart.source",
        lang,
        sections=present.t("chart.section_sep", lang).join(present.section_name(k, lang) for k in keys),
    )


def _section_order(key: str) -> int:
    return present.section_sort_key(key)[0]


_NO_LINE_START = frozenset("，。、；：？！）」』》〉】,.;:?!)%")


def _wrap(text: str, lang: str, width: int | None = None) -> str:
    """``text`` in lines of at most ``width`` characters, as even as the same number of lines allows.

    >>> print(_wrap("每名社工服务个案和困难群众", "zh"))
    每名社工服务个
    案和困难群众
    >>> print(_wrap("协助社区入户和排查，10000 户次", "zh", 12))
    协助社区入户和排查，
    10000 户次
    """
    text = str(text)
    width = width or (9 if lang == "zh" else 18)
    lines = textwrap.wrap(text, width=width, break_long_words=True)
    if len(lines) > 1:
        even = textwrap.wrap(text, width=math.ceil(len(text) / len(lines)), break_long_words=True)
        if len(even) == len(lines):
            lines = even
    for i in range(1, len(lines)):  # no line starts with closing punctuation (，。、) etc.)
        while lines[i][:1] in _NO_LINE_START and len(lines[i]) > 1:
            lines[i - 1], lines[i] = lines[i - 1] + lines[i][0], lines[i][1:]
    return "\n".join(lines) or text


def _text_width(text: str, fontsize: float) -> float:
    """The estimated width of one line of text in inches (CJK characters are about twice as wide)."""
    em = fontsize / 72 * 1.05
    return sum(em if ord(c) > 0x2E80 else em / 2 for c in text)


def _fit(text: str, fontsize: float = 9.5, width: float | None = None) -> str:
    """``text`` with each line broken so it fits ``width`` inches (default: the chart's width), at spaces in
    Latin text when it can.

    >>> len(_fit("来源：结项报告" * 8, width=5.6).splitlines())
    2
    >>> print(_fit("来源：" + "第一部分、" * 9, width=5.6))
    来源：第一部分、第一部分、第一部分、第一部分、第一部分、第一部分、第一部分、
    第一部分、第一部分、
    >>> _fit("short note")
    'short note'
    """
    limit = (width or WIDTH_IN) - 0.2
    out: list[str] = []
    for line in text.split("\n"):
        current = ""
        for char in line:
            if current and _text_width(current + char, fontsize) > limit:
                cut = max(current.rfind(c) for c in " 、，；：")
                if cut > len(current) * 0.6:  # break after a space or a list comma near the end
                    out.append(current[: cut + 1].rstrip())
                    current = current[cut + 1 :]
                else:
                    out.append(current)
                    current = ""
            current += char
        out.append(current)
    return "\n".join(out)


def _figure(n_rows: int, *, min_height: float = 2.8, row: float = 0.5) -> Figure:
    return Figure(figsize=(WIDTH_IN, max(min_height, 1.7 + row * n_rows)), dpi=DPI)


def _left_margin(labels, lang: str) -> float:
    """The share of the figure width the wrapped y labels need (CJK characters are about twice as wide)."""
    longest = 0.0
    for label in labels:
        for line in _wrap(label, lang).split("\n"):
            longest = max(longest, _text_width(line, FONT_SIZE))
    return min(0.5, max(0.12, (longest + 0.25) / WIDTH_IN))


def _room(values, texts, fontsize: float, left: float, floor: float = 0.0) -> float:
    """The x limit that leaves room right of each bar for its value text (``fontsize`` pt) inside the axes
    (from ``left`` to 0.9 of the chart width)."""
    axis = (0.9 - left) * WIDTH_IN
    need = floor
    for v, text in zip(values, texts):
        if v is None or (isinstance(v, float) and math.isnan(v)):
            continue
        free = axis - _text_width(f" {text}", fontsize) - 0.05
        need = max(need, float(v) * axis / free if free > 0.2 else float(v) * 4)
    return need or 1.0


def _spaced(ax) -> None:
    """Wrapped tick labels with room between their lines."""
    for label in ax.get_yticklabels():
        label.set_linespacing(LINESPACING)


def _thousands(lang: str):
    return matplotlib.ticker.FuncFormatter(lambda v, _p: present.fmt_number(v, lang))


def _finish(
    fig: Figure, ax, title: str, xlabel: str, source: str, note: str | None = None, left: float = 0.34, pad=20
) -> None:
    height = fig.get_figheight()
    heading = _fit(title, 13.5)
    fig.suptitle(heading, x=0.01, y=1 - 0.08 / height, fontsize=13.5, fontweight="bold", ha="left", va="top")
    ax.set_xlabel(_fit(xlabel, FONT_SIZE, width=(0.9 - left) * WIDTH_IN))
    ax.xaxis.set_major_formatter(_thousands("zh"))
    footer = _fit(source if not note else f"{note}\n{source}")
    fig.text(0.01, 0.01, footer, fontsize=9.5, color="#555555", ha="left", va="bottom", linespacing=LINESPACING)
    lines = footer.count("\n") + 1
    label_lines = ax.get_xlabel().count("\n")
    bottom = (0.6 + 0.21 * lines + 0.2 * label_lines) / height
    top = 1 - (0.55 + (pad - 20) / 72 + 0.24 * heading.count("\n")) / height
    fig.subplots_adjust(left=left, right=0.9, top=top, bottom=bottom)


def _empty(title: str, message: str, source: str) -> Figure:
    fig = _figure(0, min_height=1.8)
    ax = fig.add_subplot()
    ax.set_axis_off()
    ax.text(0.0, 0.5, message, transform=ax.transAxes, ha="left", va="center", color="#555555")
    fig.suptitle(_fit(title, 13.5), x=0.01, y=0.97, fontsize=13.5, fontweight="bold", ha="left", va="top")
    fig.text(0.01, 0.02, _fit(source), fontsize=9.5, color="#555555", ha="left", va="bottom", linespacing=LINESPACING)
    return fig


def _draw(build):
    """Run a drawing function under the chart style (fonts are bound when the text is created)."""
    with matplotlib.rc_context(style()):
        return build()


def _label_column(frame: pd.DataFrame, lang: str, base: str = "label") -> pd.Series:
    return present.localized(frame, base, lang)


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
        fig.text(0.01, 0.01, footer, fontsize=9.5, color="#555555", ha="left", va="bottom", linespacing=LINESPACING)
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
