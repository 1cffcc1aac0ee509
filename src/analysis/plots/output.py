"""A chart as the page embeds it: :class:`Chart` (figure and alt text), inline SVG with the text kept as
text (:func:`svg_text`), or PNG (:func:`png_bytes`); neither carries a software tag or date."""

from __future__ import annotations

import hashlib
import io
import re
from typing import NamedTuple

import matplotlib
from matplotlib.figure import Figure

from analysis.plots.fonts import DPI, style


class Chart(NamedTuple):
    """A chart: the matplotlib figure and its alt text (unpacks as ``fig, alt``)."""

    figure: Figure
    alt: str

    def svg(self) -> str:
        """The chart as inline SVG markup (:func:`svg_text`)."""
        return svg_text(self.figure)


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
    text = text.replace('<style type="text/css">*{', '<style type="text/css">.chart-svg *{')  # not the page
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
