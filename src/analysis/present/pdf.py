"""The overview as a print-ready A4 PDF, printed by headless Chromium (Playwright), offline: every request
other than the page itself is aborted. Chromium is $CLOSEOUT_CHROMIUM, else /usr/bin/chromium (or the
chromium/chromium-browser/google-chrome on PATH); Playwright is a development dependency."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from analysis.errors import CloseoutError
from analysis.files import write_atomic

ENV_CHROMIUM = "CLOSEOUT_CHROMIUM"


class PdfError(CloseoutError):
    """The PDF could not be printed (no Chromium, no playwright, or the print failed)."""


def chromium_path() -> str:
    """The Chromium executable to print with (see the module docstring), or a PdfError saying what to do."""
    env = os.environ.get(ENV_CHROMIUM, "").strip()
    candidates = [env] if env else ["/usr/bin/chromium"]
    candidates += [shutil.which(n) or "" for n in ("chromium", "chromium-browser", "google-chrome")]
    for path in candidates:
        if path and os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    raise PdfError(
        f"--pdf needs Chromium: install it (e.g. `sudo apt-get install chromium`) or set {ENV_CHROMIUM}"
    )


def print_pdf(page: Path, target: Path) -> Path:
    """Print ``page`` (an HTML file) to ``target`` as A4 with backgrounds, atomically; return ``target``."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        raise PdfError(
            "--pdf needs the playwright package (`pip install playwright`; no browser download)"
        ) from exc
    executable = chromium_path()
    url = Path(page).resolve().as_uri()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=executable, args=["--headless", "--no-sandbox", "--disable-gpu"], headless=True
        )
        try:
            context = browser.new_context()
            context.route(
                "**/*", lambda r: r.continue_() if r.request.url.split("#")[0] == url else r.abort()
            )
            tab = context.new_page()
            tab.goto(url, wait_until="load")
            tab.emulate_media(media="print")
            data = tab.pdf(
                format="A4",
                print_background=True,
                margin={"top": "14mm", "bottom": "14mm", "left": "12mm", "right": "12mm"},
            )
        finally:
            browser.close()
    return write_atomic(target, data)
