"""Layout helpers shared by the charts: wrapping and fitting text to the chart's width, margins, room for
value labels, the title/axis/source frame, and drawing under the chart style."""

from __future__ import annotations

import math
import re
import textwrap

import matplotlib
import matplotlib.ticker
import pandas as pd
from matplotlib.figure import Figure

from analysis import present
from analysis.plots.fonts import DPI, FONT_SIZE, LINESPACING, WIDTH_IN, style


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
_NUMBER_END = re.compile(r"\d[\d,.]*$")  # a number at the end of a line (1,250 / 12.5)
_NUMBER_START = re.compile(r"[\d,.]+")


def _wrap(text: str, lang: str, width: int | None = None) -> str:
    """``text`` in lines of at most ``width`` characters, as even as the same number of lines allows.

    >>> print(_wrap("每名社工服务个案和困难群众", "zh"))
    每名社工服务个
    案和困难群众
    >>> print(_wrap("探访社区困难家庭，8000 户次", "zh", 12))
    探访社区困难家庭，
    8000 户次
    >>> print(_wrap("向本街道困难家庭发放物资，1250余份", "zh"))  # a number is never cut in two
    向本街道困难家
    庭发放物资，
    1250余份
    """
    text = str(text)
    width = width or (9 if lang == "zh" else 18)
    lines = textwrap.wrap(text, width=width, break_long_words=True)
    if len(lines) > 1:
        even = textwrap.wrap(text, width=math.ceil(len(text) / len(lines)), break_long_words=True)
        if len(even) == len(lines):
            lines = even
    out = lines[:1]
    for line in lines[1:]:
        before = None
        while before != (out[-1], line):  # until neither rule moves anything (each move ends a cut)
            before = out[-1], line
            while line[:1] in _NO_LINE_START and len(line) > 1:  # no line starts with closing punctuation (，。、)
                out[-1], line = out[-1] + line[0], line[1:]
            # a number cut by the wrap moves whole to this line (or, if it is all the line above holds, back up)
            cut = _NUMBER_END.search(out[-1]) if line[:1].isdigit() else None
            if cut and cut.start() > 0:
                out[-1], line = out[-1][: cut.start()], cut.group() + line
            elif cut:
                head = _NUMBER_START.match(line).group()
                out[-1], line = out[-1] + head, line[len(head) :]
        if line:
            out.append(line)
    return "\n".join(out) or text


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
    fig.text(
        0.01, 0.01, footer, fontsize=9.5, color="#555555", ha="left", va="bottom", linespacing=LINESPACING
    )
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
    fig.text(
        0.01,
        0.02,
        _fit(source),
        fontsize=9.5,
        color="#555555",
        ha="left",
        va="bottom",
        linespacing=LINESPACING,
    )
    return fig


def _draw(build):
    """Run a drawing function under the chart style (fonts are bound when the text is created)."""
    with matplotlib.rc_context(style()):
        return build()


def _label_column(frame: pd.DataFrame, lang: str, base: str = "label") -> pd.Series:
    return present.localized(frame, base, lang)
