"""Charts: Chinese labels drawn with a CJK font, titles, units, source lines, alt text, deterministic PNGs."""

from __future__ import annotations

import re
import struct
import warnings

import matplotlib
import matplotlib.text
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from analysis import metrics, plots
from analysis.errors import CloseoutError


def all_charts(report, lang):
    """Every chart the notebooks draw, for the seed report (district: jinjiang)."""
    completeness = metrics.district_completeness(report, "jinjiang")
    return {
        "budget": plots.budget_chart(
            metrics.budget_variance(report, "default"), lang, report=report, profile="default"
        ),
        "intensity": plots.intensity_chart(metrics.intensity(report), lang, report=report),
        "attainment": plots.attainment_chart(metrics.target_attainment(report), lang, report=report),
        "share": plots.share_chart(completeness, lang, "锦江区", report=report),
        "completeness": plots.completeness_chart(completeness, lang, "锦江区", report=report),
        "cost": plots.cost_chart(metrics.cost_per_output(report), lang, report=report),
        "timeline": plots.timeline_chart(metrics.figures_over_time(report), lang, report=report),
    }


def budget(report, lang="zh"):
    """The budget chart of the seed report."""
    return plots.budget_chart(
        metrics.budget_variance(report, "default"), lang, report=report, profile="default"
    )


def png_chunks(png: bytes) -> list[bytes]:
    """The chunk types of a PNG file."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, pos = [], 8
    while pos < len(png):
        length, kind = struct.unpack(">I4s", png[pos : pos + 8])
        chunks.append(kind)
        pos += 12 + length
    return chunks


def test_a_cjk_font_is_found():
    """An installed CJK font is found (fonts-noto-cjk on this machine) and used first for every chart."""
    name = plots.cjk_font()
    assert any(word in name for word in ("CJK", "Han", "WenQuanYi", "YaHei", "PingFang", "Hei"))
    assert plots.style()["font.family"][0] == name


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_charts_draw_without_missing_glyphs(seed, lang):
    """Every chart renders its Chinese and English text with no 'Glyph … missing' warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for name, (fig, _alt) in all_charts(seed, lang).items():
            assert isinstance(fig, Figure), name
            assert plots.png_bytes(fig)[:4] == b"\x89PNG", name


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_chart_has_title_units_source_and_alt_text(seed, lang):
    """Each chart has a title, an axis label (units), a source line naming the report and an alt text."""
    source_word = "来源：结项报告" if lang == "zh" else "Source: completion report"
    for name, (fig, alt) in all_charts(seed, lang).items():
        texts = [t.get_text() for t in fig.texts]
        titles = [ax.get_title(loc="left") for ax in fig.axes]
        titles.append(fig._suptitle.get_text() if fig._suptitle else "")
        assert any(titles), f"{name}: no title"
        assert any(source_word in t for t in texts), f"{name}: no source line in {texts}"
        if name != "timeline":
            assert any(ax.get_xlabel() for ax in fig.axes), f"{name}: no axis label with units"
        assert len(alt) > 20 and source_word in alt, f"{name}: alt text {alt!r}"


def text_boxes(fig: Figure) -> list[tuple[str, object]]:
    """(text, window extent in pixels) of every text a drawn figure shows."""
    FigureCanvasAgg(fig)
    with matplotlib.rc_context(plots.style()):
        fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    hidden = set()  # tick labels matplotlib keeps but does not draw (ticks outside the axis limits)
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            low, high = sorted(axis.get_view_interval())
            slack = (high - low) * 1e-6
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                if not low - slack <= tick.get_loc() <= high + slack:
                    hidden.update({id(tick.label1), id(tick.label2)})
    return [
        (t.get_text(), t.get_window_extent(renderer))
        for t in fig.findobj(matplotlib.text.Text)
        if t.get_visible() and t.get_text().strip() and id(t) not in hidden
    ]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_chart_text_stays_inside_the_image_and_never_overlaps(seed, lang):
    """No title, label, value, note or source line is cut off at the image edge or drawn over another text."""
    bad = []
    for name, (fig, _alt) in all_charts(seed, lang).items():
        boxes = text_boxes(fig)
        width, height = fig.canvas.get_width_height()
        for text, box in boxes:
            if box.x0 < -1 or box.y0 < -1 or box.x1 > width + 1 or box.y1 > height + 1:
                bad.append(f"{name}: {text!r} outside the {width}x{height} image: {box.bounds}")
        for i, (a, box_a) in enumerate(boxes):
            for b, box_b in boxes[i + 1 :]:
                if box_a.shrunk(0.98, 0.9).overlaps(box_b.shrunk(0.98, 0.9)):
                    bad.append(f"{name}: {a!r} overlaps {b!r}")
    assert not bad, "\n".join(bad)


def test_charts_are_drawn_for_a_phone_screen(seed):
    """Charts are at most 640 px wide with 11 pt text, so a 360 px phone shows the text at about 10 px or more."""
    assert plots.style()["font.size"] >= 11
    for name, (fig, _alt) in all_charts(seed, "zh").items():
        png = plots.png_bytes(fig)
        width = struct.unpack(">I", png[16:20])[0]
        assert width <= 640, f"{name}: {width} px wide"
        assert 360 / width * plots.style()["font.size"] * plots.DPI / 72 >= 9.5, name


def test_alt_text_carries_the_data(seed):
    """The budget chart's alt text states each line's budget and actual spending (for screen readers)."""
    _, alt = budget(seed)
    assert "19,678.5" in alt and "18,000" in alt and "交通运输费" in alt


def test_png_is_deterministic_and_carries_no_software_or_date(seed):
    """The same chart gives the same PNG bytes twice; no tEXt/tIME chunk (software, date) is written."""
    first = plots.png_bytes(budget(seed)[0])
    second = plots.png_bytes(budget(seed)[0])
    assert first == second
    chunks = png_chunks(first)
    assert b"tIME" not in chunks and b"tEXt" not in chunks and b"iTXt" not in chunks


def test_empty_frames_give_an_honest_chart():
    """A frame with no rows draws a chart that says so (never an error, never an empty axis)."""
    empty = pd.DataFrame(columns=metrics.INTENSITY_COLUMNS)
    fig, alt = plots.intensity_chart(empty, "zh")
    assert "没有" in alt
    assert plots.png_bytes(fig)


def test_env_font_that_does_not_exist_is_a_clear_error(monkeypatch):
    """CLOSEOUT_CJK_FONT pointing at no file fails with a CloseoutError saying what to install."""
    monkeypatch.setenv(plots.ENV_FONT, "/no/such/font.otf")
    plots.cjk_font.cache_clear()
    try:
        with pytest.raises(plots.FontMissingError) as err:
            plots.cjk_font()
        assert isinstance(err.value, CloseoutError)
        assert "fonts-noto-cjk" in str(err.value)
    finally:
        monkeypatch.delenv(plots.ENV_FONT)
        plots.cjk_font.cache_clear()


def test_env_font_file_is_used(monkeypatch):
    """CLOSEOUT_CJK_FONT=/path/to/font is added to matplotlib and used."""
    from matplotlib import font_manager

    path = next((f.fname for f in font_manager.fontManager.ttflist if f.name == plots.cjk_font()), None)
    if path is None:
        pytest.skip("the CJK font has no file path")
    monkeypatch.setenv(plots.ENV_FONT, path)
    plots.cjk_font.cache_clear()
    try:
        assert plots.cjk_font()
    finally:
        monkeypatch.delenv(plots.ENV_FONT)
        plots.cjk_font.cache_clear()


def test_no_cjk_font_is_a_clear_error(monkeypatch):
    """With no CJK font in matplotlib's list nor in the font folders, the error names what to install."""
    from matplotlib import font_manager

    monkeypatch.delenv(plots.ENV_FONT, raising=False)
    monkeypatch.setattr(
        font_manager.fontManager,
        "ttflist",
        [f for f in font_manager.fontManager.ttflist if f.name not in plots.PREFERRED_FONTS],
    )
    monkeypatch.setattr(plots.fonts, "FONT_DIRS", ())
    plots.cjk_font.cache_clear()
    try:
        with pytest.raises(plots.FontMissingError, match="fonts-noto-cjk"):
            plots.cjk_font()
    finally:
        plots.cjk_font.cache_clear()


def test_stale_font_cache_is_repaired_from_font_folders(monkeypatch):
    """When matplotlib's font list lacks the CJK font, the font files under /usr/share/fonts are added."""
    from matplotlib import font_manager

    kept = [f for f in font_manager.fontManager.ttflist if f.name not in plots.PREFERRED_FONTS]
    if len(kept) == len(font_manager.fontManager.ttflist):
        pytest.skip("no preferred CJK font installed")
    monkeypatch.delenv(plots.ENV_FONT, raising=False)
    monkeypatch.setattr(font_manager.fontManager, "ttflist", kept)
    plots.cjk_font.cache_clear()
    try:
        assert plots.cjk_font() in plots.PREFERRED_FONTS
    finally:
        plots.cjk_font.cache_clear()


def test_svg_keeps_text_as_text_for_the_readers_font(seed):
    """Charts embed as SVG with every label as a <text> element (svg.fonttype none), no font family of their
    own (the page's stylesheet names the CJK fonts), no XML prolog, date, namespace URL or fixed size; the
    same chart gives the same text and ids are unique per chart; data is never parsed as mathtext."""
    charts = all_charts(seed, "zh")
    seen_ids = set()
    for name, chart in charts.items():
        svg = chart.svg()
        assert svg.startswith("<svg ") and "viewBox" in svg, name
        assert "<text" in svg and "<path d" in svg, name
        assert "font-family" not in svg and "http" not in svg and "<?xml" not in svg and "dc:date" not in svg, name
        assert re.search(r"<svg[^>]*\swidth=", svg) is None, name
        assert svg == chart.svg(), f"{name}: SVG not deterministic"
        ids = set(re.findall(r'\bid="([^"]+)"', svg))
        assert not ids & seen_ids, f"{name}: ids shared with another chart"
        seen_ids |= ids
    assert plots.style()["text.parse_math"] is False


def test_svg_text_is_at_least_11_css_px_on_a_phone(seed):
    """Drawn in a 358 px column (a 390 px phone), the smallest chart text is 11 CSS px or more."""
    for name, chart in all_charts(seed, "zh").items():
        svg = chart.svg()
        width = float(re.search(r'viewBox="0 0 ([\d.]+)', svg).group(1))
        smallest = min(float(x) for x in re.findall(r"font-size: ([\d.]+)px", svg))
        assert smallest * 358 / width >= 11, f"{name}: {smallest} units in {width} → {smallest * 358 / width:.1f} px"


def test_one_chart_per_comparable_measure(seed):
    """Output per worker is drawn once per measure (per deployment, per person …), never on one axis."""
    teams = metrics.intensity(seed)
    charts = plots.intensity_charts(teams, "zh", report=seed)
    groups = plots.measure_groups(teams)
    assert len(charts) == len([g for g in groups if g["output_per_worker"].notna().any()]) > 1


@settings(max_examples=200, deadline=None)
@given(
    text=st.text(alphabet=st.sampled_from(list("服务家庭社区物资发放户次份名，、 ") + list("0123456789,.")), min_size=1,
                 max_size=40),
    width=st.integers(min_value=4, max_value=12),
)
def test_a_wrapped_label_never_cuts_a_number(text, width):
    """A chart label broken into lines keeps every number whole on one line (not 「5」 above 「00 余人次」), and
    no line is empty."""
    from analysis.plots.layout import _wrap

    lines = _wrap(text, "zh", width).split("\n")
    assert all(lines)
    for number in re.findall(r"\d[\d,.]*\d|\d", text):
        assert any(number in line for line in lines), (number, lines)
