"""Data is text in charts: labels with $…$ are drawn literally, never parsed as matplotlib mathtext."""

from __future__ import annotations

import pytest

from analysis import plots


@pytest.mark.parametrize("label", ["$x^2$ 社区", r"$\frac{1}{0}$", "收入 $5 与 $6", "$$", r"\$ 50 % _x_"])
def test_labels_with_dollar_signs_are_text(label):
    """A place or metric name containing $ (even malformed TeX) draws as the literal text and saves."""
    fig = plots.hbar_chart([label], [3.0], title=label, xlabel=label, source=label, lang="zh")
    texts = [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text"))]
    assert any(label in t for t in texts)
    assert all(not t.get_usetex() for t in fig.findobj(lambda a: hasattr(a, "get_usetex")))
    assert plots.png_bytes(fig).startswith(b"\x89PNG")
