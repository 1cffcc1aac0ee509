"""The CJK font the charts are drawn with, and the rcParams every chart is drawn and saved with.

:func:`cjk_font` looks, in this order, at the file named by the environment variable ``CLOSEOUT_CJK_FONT``
(``/path/to/font.ttc|otf|ttf``), at matplotlib's font list (Noto Sans CJK SC, Source Han Sans SC, WenQuanYi,
Microsoft YaHei, PingFang SC …), and, when matplotlib's font cache is stale, at the font files under the usual
font folders (``/usr/share/fonts`` etc.), which it adds to matplotlib. With none it raises
:class:`FontMissingError`, which says what to install.
"""

from __future__ import annotations

import contextlib
import os
from functools import cache
from pathlib import Path

from matplotlib import font_manager

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
