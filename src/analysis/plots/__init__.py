"""Charts with Chinese labels: each is a function frame → Chart (Figure, alt text), rendered to deterministic
SVG with the text kept as text (drawn by the reader's own CJK font, crisp at any zoom) or PNG.

Split by job: :mod:`~analysis.plots.fonts` (the CJK font and the chart style), :mod:`~analysis.plots.output`
(Chart, SVG and PNG), :mod:`~analysis.plots.layout` (wrapping, margins, frames), :mod:`~analysis.plots.charts`
(the charts themselves).

Chinese text needs a CJK font (see :func:`cjk_font`); with none installed :class:`FontMissingError` says what to
install: ``sudo apt-get install fonts-noto-cjk`` (Debian/Ubuntu; ``make fonts`` does it), ``brew install --cask
font-noto-sans-cjk-sc`` (macOS), or set ``CLOSEOUT_CJK_FONT``.

Every chart has a title, its units, a source line ("来源：结项报告 第三部分") and alt text describing the
data; the figures are plain :class:`matplotlib.figure.Figure` objects (never pyplot), so a notebook shows them
only through ``present.chart`` (inline SVG, :func:`svg_text`) or :func:`png_bytes`. Neither carries a
software tag or date, so the same data gives the same bytes. This package uses ``analysis.present`` for words
and number formats; ``present`` never imports it (a :class:`Chart` renders itself).
"""

from analysis.plots.charts import (
    attainment_chart,
    budget_chart,
    completeness_chart,
    cost_chart,
    described_hbar_chart,
    hbar_chart,
    intensity_chart,
    intensity_charts,
    measure_groups,
    no_data_chart,
    share_chart,
    timeline_chart,
)
from analysis.plots.fonts import (
    COLORS,
    DPI,
    ENV_FONT,
    FONT_DIRS,
    FONT_SIZE,
    INSTALL_HINT,
    LINESPACING,
    MIN_FONT_SIZE,
    PREFERRED_FONTS,
    WIDTH_IN,
    FontMissingError,
    cjk_font,
    style,
)
from analysis.plots.layout import _fit, _wrap, source_line
from analysis.plots.output import Chart, png_bytes, svg_text

__all__ = [
    "COLORS",
    "DPI",
    "ENV_FONT",
    "FONT_DIRS",
    "FONT_SIZE",
    "INSTALL_HINT",
    "LINESPACING",
    "MIN_FONT_SIZE",
    "PREFERRED_FONTS",
    "WIDTH_IN",
    "Chart",
    "FontMissingError",
    "_fit",
    "_wrap",
    "attainment_chart",
    "budget_chart",
    "cjk_font",
    "completeness_chart",
    "cost_chart",
    "described_hbar_chart",
    "hbar_chart",
    "intensity_chart",
    "intensity_charts",
    "measure_groups",
    "no_data_chart",
    "png_bytes",
    "share_chart",
    "source_line",
    "style",
    "svg_text",
    "timeline_chart",
]
