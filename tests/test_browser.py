"""The built pages in a real browser: offline, no console errors, phone-sized layout, CJK fonts, print, a11y.

The seed report is built once for this module (every district, two workers) while an English build of one
place (``--lang en --place jinjiang``) runs beside it in a subprocess. Headless Chromium (Debian's
``chromium`` package at /usr/bin/chromium, or $CLOSEOUT_CHROMIUM) is driven with Playwright for Python; no
``playwright install`` is needed. Playwright's ``launch()`` gives Chromium a fresh temporary
``--user-data-dir`` (deleted at close), so no profile state leaks in. Pages are opened as file:// URLs; every
request other than the page's own file:// URL (and data: URIs, which never hit the network stack) is
recorded and aborted, so a page that needs the network fails instead of loading.

Each page is loaded once per width (1280 px desktop, 390 px phone with mobile emulation) and what the tests
need is collected in that one visit (``visits``); the tests then assert one rule each over every page.

Fonts (no tofu). Text is checked in the browser, not by looking at pixels: the DevTools protocol call
``CSS.getPlatformFontsForNode`` returns the platform fonts Chromium actually used to draw a node's text and
how many glyphs each drew. For the h1, a table cell and a paragraph holding Chinese text on every page, the
fonts whose family looks like a CJK font (Noto Sans/Serif CJK, Source Han, WenQuanYi, PingFang, Hiragino,
Microsoft YaHei, ...) must have drawn at least as many glyphs as the node has Han characters; a Han
character drawn by a non-CJK font (or by no font, i.e. tofu) fails. Chromium asks fontconfig, so this checks
the page's font stack against the fonts really installed, which is what a reader sees (checked by hand:
with FONTCONFIG_FILE limited to DejaVu, Chromium draws tofu and reports "DejaVu Math TeX Gyre" for the h1,
which this test rejects). Charts are inline SVG with their text kept as text, so a chart's Chinese text
is probed the same way (the reader's CJK font must draw it), each chart must have a text alternative
(aria-label of its figure), and every chart text must be drawn at 11 CSS px or more on the 390 px phone.

Funder pages (issue 13): the overview's summary (id="summary") lies within the first screen at both widths; no
visible text (folded <details> are not rendered) shows a figure id, a column name, a unit id or a check id; at
390 px the budget table's what / planned / actual / variance / % cells are inside the screen; every page links
back to the index and the overview; the one file to share (<report-id>.html) has every link resolving inside
it and unique ids; the overview prints to an A4 PDF in its own process.

Layout. At both widths the page body must not scroll sideways, a table wider than the viewport must sit in a
box that scrolls (overflow-x auto/scroll), charts must shrink to the viewport, and no table column may squeeze
Chinese text into fewer than min(4, its length) characters a line (a wide table should scroll rather than
print 锦江区 as 锦江/区).

Print. The overview is printed with ``page.pdf()`` (A4) and its print-media computed style must keep charts
(img or their figure) and table rows whole (``break-inside: avoid``).

Accessibility basics: ``<html lang>`` (zh-CN, or en for an English build), exactly one h1 and no skipped
heading level, alt text on every img, and <th> header cells with a scope or inside <thead>.

Screenshots of the overview and the first district page at both widths, and the overview printed to PDF,
are written to outputs/screenshots/ (git-ignored) for people to look at.

Without Chromium or the playwright package the module is skipped, unless CI=true, where that is a failure.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import signal
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, SEED_REPORT

CHROMIUM = os.environ.get("CLOSEOUT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
IN_CI = os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}
WIDTHS = {"desktop": 1280, "phone": 390}
HEIGHTS = {"desktop": 900, "phone": 844}
SCREENSHOTS = ROOT / "outputs" / "screenshots"
EN_PLACE = "jinjiang"
CJK_FAMILY = re.compile(
    r"CJK|Noto Sans SC|Noto Serif SC|Source Han|WenQuanYi|Droid Sans Fallback|PingFang|Hiragino|"
    r"Heiti|STHeiti|Songti|YaHei|SimHei|SimSun|NSimSun|DengXian|AR PL|UKai|UMing",
    re.IGNORECASE,
)
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def _missing() -> list[str]:
    missing = []
    if importlib.util.find_spec("playwright") is None:
        missing.append("the playwright package (`pip install playwright==1.65.2`; no `playwright install`)")
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        missing.append(f"Chromium at {CHROMIUM} (run scripts/ensure-browser, or set CLOSEOUT_CHROMIUM)")
    return missing


MISSING = _missing()
if MISSING and not IN_CI:
    pytest.skip("browser tests need " + " and ".join(MISSING), allow_module_level=True)


# --- what one visit of a page collects (run in the page)

COLLECT_JS = r"""
() => {
  const W = window.innerWidth;
  const path = (el) => {
    const parts = [];
    for (let e = el; e && e.nodeType === 1 && e !== document.body; e = e.parentElement) {
      let s = e.tagName.toLowerCase();
      if (e.id) { parts.unshift(s + '#' + e.id); break; }
      const cls = [...e.classList].filter(c => !c.startsWith('jp-')).slice(0, 2);
      if (cls.length) s += '.' + cls.join('.');
      const same = e.parentElement ? [...e.parentElement.children].filter(c => c.tagName === e.tagName) : [];
      if (same.length > 1) s += `:nth-of-type(${same.indexOf(e) + 1})`;
      parts.unshift(s);
    }
    return parts.join(' > ');
  };
  const section = (el) => {  // the text of the nearest heading before el, to say where it is
    const hs = [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')];
    let last = '';
    for (const h of hs) {
      if (h.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING) last = h.textContent.trim();
    }
    return last.slice(0, 40);
  };
  const scroller = (el) => {
    for (let a = el.parentElement; a && a !== document.documentElement; a = a.parentElement) {
      const ox = getComputedStyle(a).overflowX;
      if (ox === 'auto' || ox === 'scroll') return a;
    }
    return null;
  };
  const clipped = (el) => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== 'visible') return true;
    }
    return false;
  };
  // elements that stick out of the viewport on the right and are not inside a scrolling/clipping box
  const overflowing = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.right > W + 0.5 && r.width > 0 && !clipped(el)) {
      overflowing.push({path: path(el), right: Math.round(r.right), width: Math.round(r.width),
                        section: section(el)});
    }
  }
  const tables = [...document.querySelectorAll('table')].map((t, i) => {
    const r = t.getBoundingClientRect();
    const s = scroller(t);
    const sr = s ? s.getBoundingClientRect() : null;
    const ths = [...t.querySelectorAll('th')];
    return {
      index: i, path: path(t), section: section(t), width: Math.round(r.width), right: Math.round(r.right),
      scroller: s ? path(s) : null, scroller_right: sr ? Math.round(sr.right) : null,
      th: ths.length,
      th_without_scope: ths.filter(th => !th.hasAttribute('scope') && !th.closest('thead'))
                           .map(th => th.textContent.trim().slice(0, 30)),
      header: (ths[0] ? ths[0].textContent.trim() : '').slice(0, 30),
    };
  });
  // charts: inline SVG in a <figure class="chart" role="img" aria-label=…> (or an img)
  const images = [...document.querySelectorAll('img, figure.chart > svg')].map((im, i) => {
    const r = im.getBoundingClientRect();
    const isImg = im.tagName === 'IMG', fig = im.closest('figure');
    return {index: i, path: path(im), section: section(im),
            alt: ((isImg ? im.getAttribute('alt') : fig && fig.getAttribute('aria-label')) || '').trim(),
            src: isImg ? (im.getAttribute('src') || '').slice(0, 40) : 'inline svg',
            complete: isImg ? im.complete : true,
            natural_width: isImg ? im.naturalWidth : Math.round(r.width), width: Math.round(r.width),
            right: Math.round(r.right)};
  });
  // the smallest chart text as drawn on screen (CSS px): font size in SVG units times the SVG's scale
  const chartText = [];
  for (const svg of document.querySelectorAll('figure.chart > svg')) {
    const vb = svg.viewBox.baseVal, scale = vb && vb.width ? svg.getBoundingClientRect().width / vb.width : 1;
    for (const tx of svg.querySelectorAll('text')) {
      if (!tx.textContent.trim()) continue;
      chartText.push({text: tx.textContent.trim().slice(0, 20), section: section(svg),
                      px: +(parseFloat(getComputedStyle(tx).fontSize) * scale).toFixed(2)});
    }
  }
  // what a reader sees: visible text (closed <details> are not rendered, so innerText leaves them out)
  const visibleText = document.body.innerText;
  const summary = document.getElementById('summary');
  const sr = summary ? summary.getBoundingClientRect() : null;
  // the budget table's cells of each column, by header label (data-label), with their box
  const budget = {};
  const bt = document.querySelector('table[data-table="budget"]');
  if (bt) {
    bt.querySelectorAll('td').forEach(td => {
      const r = td.getBoundingClientRect(), label = td.getAttribute('data-label');
      if (!r.width || getComputedStyle(td).display === 'none') return;
      (budget[label] = budget[label] || []).push({left: Math.round(r.left), right: Math.round(r.right),
                                                   text: td.textContent.trim().slice(0, 20)});
    });
  }
  const backLinks = [...document.querySelectorAll('nav.back a')].map(a => a.getAttribute('href'));
  // cells whose Chinese text gets fewer than min(4, its length) characters a line
  const squeezed = [];
  for (const td of document.querySelectorAll('td')) {
    const han = (td.textContent.match(/[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/g) || []).length;
    if (han < 2) continue;
    const cs = getComputedStyle(td), fs = parseFloat(cs.fontSize), r = td.getBoundingClientRect();
    const em = (r.width - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight)
                - parseFloat(cs.borderLeftWidth) - parseFloat(cs.borderRightWidth)) / fs;
    if (em + 0.05 >= Math.min(4, han)) continue;
    const table = td.closest('table'), th = table.querySelectorAll('thead th')[td.cellIndex];
    const range = document.createRange();
    range.selectNodeContents(td);
    const tops = new Set([...range.getClientRects()].filter(q => q.width > 0).map(q => Math.round(q.top)));
    squeezed.push({table: [...document.querySelectorAll('table')].indexOf(table), section: section(table),
                   column: th ? th.textContent.trim() : `#${td.cellIndex + 1}`, em: +em.toFixed(1),
                   lines: tops.size, height: Math.round(r.height), text: td.textContent.trim().slice(0, 16)});
  }
  const headings = [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].map(
    h => ({level: +h.tagName[1], text: h.textContent.trim().slice(0, 40)}));
  return {
    inner_width: W,
    scroll_width: document.scrollingElement.scrollWidth,
    lang: document.documentElement.getAttribute('lang'),
    title: document.title,
    overflowing: overflowing.slice(0, 8),
    tables, images, headings, squeezed,
    chart_text: chartText, visible_text: visibleText, back_links: backLinks, budget,
    inner_height: window.innerHeight,
    summary: sr ? {top: Math.round(sr.top + window.scrollY), bottom: Math.round(sr.bottom + window.scrollY),
                   height: Math.round(sr.height)} : null,
  };
}
"""

# mark the first h1, table cell and paragraph whose own text has Han characters, for the font check
MARK_FONT_PROBES_JS = r"""
() => {
  const han = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/;
  const ownText = (el) => [...el.childNodes].filter(n => n.nodeType === 3).map(n => n.data).join('');
  const out = {};
  for (const [name, sel] of [['h1', 'h1'], ['table cell', 'td, th'], ['paragraph', 'p'],
                             ['chart text', 'figure.chart svg text']]) {
    const shown = (e) => e.getClientRects().length && (!e.checkVisibility || e.checkVisibility());
    const el = [...document.querySelectorAll(sel)].find(e => han.test(ownText(e)) && shown(e));
    if (el) { el.setAttribute('data-font-probe', name); out[name] = ownText(el); }
  }
  return out;
}
"""

PRINT_STYLES_JS = r"""
() => {
  const avoid = (el) => ['avoid', 'avoid-page'].includes(getComputedStyle(el).breakInside);
  const chartOk = (im) => { for (let e = im; e && e !== document.body; e = e.parentElement) {
    if (avoid(e) && (e === im || e.tagName === 'FIGURE')) return true; } return false; };
  return {
    images: [...document.querySelectorAll('img, figure.chart > svg')].map(im => ({alt: (im.alt || '').slice(0, 40),
      img: getComputedStyle(im).breakInside, figure: im.closest('figure') ?
        getComputedStyle(im.closest('figure')).breakInside : null, ok: chartOk(im)})),
    rows: [...document.querySelectorAll('tr')].map(tr => getComputedStyle(tr).breakInside),
  };
}
"""


# --- fixtures


@pytest.fixture(scope="module", autouse=True)
def browser_available():
    """Fail (CI=true) before anything is built when the browser or playwright is missing."""
    if MISSING:
        pytest.fail("CI=true but the browser tests need " + " and ".join(MISSING), pytrace=False)


@pytest.fixture(scope="module")
def english_build(tmp_path_factory):
    """Start the English build of one place in a subprocess (it runs while the default build runs)."""
    out = tmp_path_factory.mktemp("browser-en")
    log = out / "build-output.txt"
    with log.open("wb") as sink:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "analysis",
                "build",
                str(SEED_REPORT),
                "--out",
                str(out / "site"),
                "--lang",
                "en",
                "--place",
                EN_PLACE,
                "--workers",
                "1",
            ],
            stdout=sink,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
            start_new_session=True,
        )
    yield proc, out / "site", log
    if proc.poll() is None:  # the tests that wait for it were not run: stop what this fixture started
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


@pytest.fixture(scope="module")
def site(english_build, tmp_path_factory) -> Path:
    """The seed report built once with the defaults (every district) and two workers."""
    from analysis import build

    return build.build(SEED_REPORT, out=tmp_path_factory.mktemp("browser-zh"), workers=2)


@pytest.fixture(scope="module")
def english_site(english_build, site) -> Path:
    """The English build of one place (waited for after the default build)."""
    proc, out, log = english_build
    code = proc.wait(timeout=300)
    assert code == 0, f"closeout build --lang en failed ({code}):\n{log.read_text(encoding='utf-8')[-3000:]}"
    return out / SEED_REPORT.name


def page_names(folder: Path) -> list[str]:
    """Every HTML page of a build: index, overview, then the district pages in manifest order."""
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    order = ["index.html", *[f"{p['name']}.html" for p in manifest["pages"]]]
    names = [p.name for p in sorted(folder.glob("*.html")) if p.name != f"{folder.name}.html"]  # not the one file
    return sorted(names, key=lambda n: order.index(n) if n in order else len(order))


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


class Recorder:
    """Everything a page did that the tests care about: requests, aborted requests, console errors."""

    def __init__(self):
        self.page_url = ""
        self.requests: list[str] = []
        self.blocked: list[str] = []
        self.errors: list[str] = []

    def reset(self, url: str) -> None:
        self.page_url, self.requests, self.blocked, self.errors = url, [], [], []

    def route(self, route) -> None:
        url = route.request.url
        if url.split("#")[0] == self.page_url:
            route.continue_()
        else:
            self.blocked.append(url[:120])
            route.abort("blockedbyclient")


def new_context(browser, kind: str):
    context = browser.new_context(
        viewport={"width": WIDTHS[kind], "height": HEIGHTS[kind]},
        device_scale_factor=1,
        is_mobile=kind == "phone",
        has_touch=kind == "phone",
        service_workers="block",
    )
    recorder = Recorder()
    context.route("**/*", recorder.route)
    page = context.new_page()
    page.on("request", lambda r: None if r.url.startswith("data:") else recorder.requests.append(r.url[:120]))
    page.on(
        "console",
        lambda m: (
            recorder.errors.append(f"console {m.type}: {m.text[:300]}") if m.type in ("error", "assert") else None
        ),
    )
    page.on("pageerror", lambda e: recorder.errors.append(f"uncaught: {e}"[:300]))
    page.on(
        "requestfailed",
        lambda r: (
            None
            if r.url.split("#")[0] == recorder.page_url
            else recorder.errors.append(f"request failed: {r.url[:120]}")
        ),
    )
    return context, page, recorder


def open_page(page, recorder: Recorder, path: Path) -> None:
    url = path.resolve().as_uri()
    recorder.reset(url)
    response = page.goto(url, wait_until="load")
    assert response is None or response.ok, f"{path.name}: {response and response.status}"


def platform_fonts(page) -> dict[str, dict]:
    """For the marked h1 / table cell / paragraph: its own text and the platform fonts used to draw it."""
    texts = page.evaluate(MARK_FONT_PROBES_JS)
    cdp = page.context.new_cdp_session(page)
    try:
        root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
        cdp.send("CSS.enable")
        fonts = {}
        for name, text in texts.items():
            node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": f'[data-font-probe="{name}"]'})
            used = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node["nodeId"]})["fonts"]
            fonts[name] = {"text": text, "fonts": used}
        return fonts
    finally:
        cdp.detach()


def screenshot(page, target: Path) -> None:
    target.unlink(missing_ok=True)
    page.screenshot(path=str(target), full_page=True)


def print_overview(page) -> dict:
    """In print media: the computed break-inside of charts and rows; the PDF goes to outputs/screenshots/."""
    page.emulate_media(media="print")
    try:
        styles = page.evaluate(PRINT_STYLES_JS)
        pdf = page.pdf(format="A4", print_background=True)
    finally:
        page.emulate_media(media="screen")
    (SCREENSHOTS / "overview-print.pdf").write_bytes(pdf)
    styles["pdf_head"] = pdf[:8]
    styles["pdf_bytes"] = len(pdf)
    styles["pdf_pages"] = len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))
    return styles


@pytest.fixture(scope="module")
def visits(site, browser) -> dict[str, dict[str, dict]]:
    """{kind: {page: what the page showed}}: every page of the default build, opened once per width.

    The same visit writes the screenshots (overview and the first district page) and prints the overview.
    """
    names = page_names(site)
    shots = {"overview.html", names[2]}
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    result = {}
    for kind, width in WIDTHS.items():
        context, page, recorder = new_context(browser, kind)
        result[kind] = {}
        try:
            for name in names:
                open_page(page, recorder, site / name)
                seen = page.evaluate(COLLECT_JS)
                seen["fonts"] = platform_fonts(page) if kind == "desktop" else {}
                seen["requests"] = [u for u in recorder.requests if u.split("#")[0] != recorder.page_url]
                seen["blocked"] = list(recorder.blocked)
                seen["errors"] = list(recorder.errors)
                if name == "overview.html":
                    first = SCREENSHOTS / f"overview-{width}-first.png"
                    first.unlink(missing_ok=True)
                    page.screenshot(path=str(first))
                if name in shots:
                    seen["screenshot"] = SCREENSHOTS / f"{Path(name).stem}-{width}.png"
                    screenshot(page, seen["screenshot"])
                if name == "overview.html" and kind == "desktop":
                    seen["print"] = print_overview(page)
                result[kind][name] = seen
        finally:
            context.close()
    return result


def every(visits, kind: str | None = None):
    for k, pages in visits.items():
        if kind in (None, k):
            for name, seen in pages.items():
                yield f"{name} @{WIDTHS[k]}px", seen


# --- offline, no errors


def test_every_page_loads_without_console_errors(visits):
    """Every page (index, overview, each district) loads with no console error or uncaught exception."""
    assert len(visits["desktop"]) >= 3 and "overview.html" in visits["desktop"]
    bad = {where: seen["errors"] for where, seen in every(visits) if seen["errors"]}
    assert not bad, f"console errors: {bad}"


def test_every_page_makes_no_network_request(visits):
    """No page requests anything but its own file:// URL (and data: URIs): the reports work offline."""
    bad = {
        where: seen["requests"] + seen["blocked"]
        for where, seen in every(visits)
        if seen["requests"] or seen["blocked"]
    }
    assert not bad, f"requests made (aborted): {bad}"


# --- layout at 1280 px and 390 px


@pytest.mark.parametrize("kind", list(WIDTHS))
def test_page_body_does_not_scroll_sideways(visits, kind):
    """The page body never scrolls horizontally: document.scrollingElement.scrollWidth <= innerWidth."""
    bad = {
        where: f"scrollWidth {seen['scroll_width']} > innerWidth {seen['inner_width']}; sticking out: "
        + "; ".join(
            f"{o['path']} (under “{o['section']}”, right edge {o['right']}, width {o['width']})"
            for o in seen["overflowing"][:3]
        )
        for where, seen in every(visits, kind)
        if seen["scroll_width"] > seen["inner_width"]
    }
    assert not bad, f"{len(bad)} page(s) scroll sideways at {WIDTHS[kind]}px:\n" + "\n".join(
        f"{k}: {v}" for k, v in bad.items()
    )


@pytest.mark.parametrize("kind", list(WIDTHS))
def test_wide_tables_scroll_inside_their_own_box(visits, kind):
    """A table wider than the viewport sits in an ancestor with overflow-x auto/scroll that fits the viewport."""
    bad, wide = [], 0
    for where, seen in every(visits, kind):
        width = seen["inner_width"]
        for t in seen["tables"]:
            if t["width"] > width or t["right"] > width:
                wide += 1
                if t["scroller"] is None or t["scroller_right"] > width:
                    bad.append(
                        f"{where}: table {t['index']} ({t['path']}, under “{t['section']}”) is "
                        f"{t['width']}px wide, scroll box {t['scroller']} ends at {t['scroller_right']}"
                    )
    assert not bad, "\n".join(bad)
    if kind == "phone":
        assert wide, "no table is wider than a phone: the check did not exercise anything"


@pytest.mark.parametrize("kind", list(WIDTHS))
def test_charts_scale_down_to_the_viewport(visits, kind):
    """Every chart image is rendered no wider than the viewport (and does not stick out of it)."""
    bad = [
        f"{where}: img {im['index']} (under “{im['section']}”) rendered {im['width']}px wide, right edge "
        f"{im['right']} > {seen['inner_width']}"
        for where, seen in every(visits, kind)
        for im in seen["images"]
        if im["width"] > seen["inner_width"] or im["right"] > seen["inner_width"]
    ]
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("kind", list(WIDTHS))
def test_table_text_is_not_squeezed_into_a_narrow_column(visits, kind):
    """A cell's Chinese text gets at least min(4, its length) characters a line (no 1-3 character columns)."""
    columns: dict[tuple, list[dict]] = {}
    for where, seen in every(visits, kind):
        for cell in seen["squeezed"]:
            columns.setdefault((where, cell["table"], cell["section"], cell["column"]), []).append(cell)
    bad = []
    for (where, table, section, column), cells in columns.items():
        worst = max(cells, key=lambda c: (c["lines"], -c["em"]))
        bad.append(
            f"{where}: table {table} (under “{section}”) column “{column}”: {len(cells)} cell(s) "
            f"squeezed, e.g. “{worst['text']}” {worst['em']} em wide in {worst['lines']} lines "
            f"(row {worst['height']}px tall)"
        )
    assert not bad, f"{len(bad)} squeezed column(s) at {WIDTHS[kind]}px:\n" + "\n".join(bad)


# --- fonts and charts


def test_chinese_text_is_drawn_with_a_cjk_font(visits):
    """The h1, a table cell and a paragraph of every page draw all their Han characters with a CJK font."""
    bad, checked = [], 0
    for where, seen in every(visits, "desktop"):
        for name in ("h1", "table cell", "paragraph", "chart text"):
            probe = seen["fonts"].get(name)
            if probe is None:
                if name not in ("table cell", "chart text"):  # every page has an h1 and a paragraph
                    bad.append(f"{where}: no {name} with Chinese text")
                continue
            checked += 1
            han = len(HAN.findall(probe["text"]))
            cjk = sum(f["glyphCount"] for f in probe["fonts"] if CJK_FAMILY.search(f["familyName"]))
            if cjk < han:
                used = ", ".join(f"{f['familyName']} ({f['glyphCount']} glyphs)" for f in probe["fonts"])
                bad.append(
                    f"{where}: {name} “{probe['text'][:30]}” has {han} Han characters, CJK fonts drew "
                    f"{cjk}; fonts used: {used or 'none'}"
                )
    assert not bad, "\n".join(bad)
    assert checked >= 3 * 2, checked
    charts = [w for w, seen in every(visits, "desktop") if "chart text" in seen["fonts"]]
    assert "overview.html @1280px" in charts, "no chart text was checked: the SVG text lost its font probe"


def test_charts_have_alt_text_and_load(visits):
    """Every chart (inline SVG in a figure with role=img and aria-label, or an img) has a non-empty text
    alternative and is drawn (width > 0)."""
    images = [(where, im) for where, seen in every(visits, "desktop") for im in seen["images"]]
    assert images, "no chart on any page"
    bad = [
        f"{where}: img {im['index']} under “{im['section']}” alt={im['alt'][:30]!r} "
        f"naturalWidth={im['natural_width']} complete={im['complete']} src={im['src']}"
        for where, im in images
        if not im["alt"] or not im["natural_width"]
    ]
    assert not bad, "\n".join(bad)


# --- accessibility basics


def test_html_lang_is_zh_cn_for_chinese_pages(visits):
    """<html lang> is zh-CN on every page of a Chinese build."""
    bad = {where: seen["lang"] for where, seen in every(visits, "desktop") if seen["lang"] != "zh-CN"}
    assert not bad, bad


def test_html_lang_is_en_for_english_pages(english_site, browser):
    """<html lang> is en on every page of an English build (and the page says so in English)."""
    context, page, recorder = new_context(browser, "desktop")
    try:
        names = page_names(english_site)
        assert names == ["index.html", "overview.html", f"{EN_PLACE}.html"], names
        for name in names:
            open_page(page, recorder, english_site / name)
            seen = page.evaluate(COLLECT_JS)
            assert seen["lang"] == "en", f"{name}: lang={seen['lang']!r}"
            assert not HAN.search(seen["headings"][0]["text"]), f"{name}: h1 {seen['headings'][0]['text']!r}"
            assert not recorder.errors and not recorder.blocked, (name, recorder.errors, recorder.blocked)
    finally:
        context.close()


ADD_LATIN_PROBES_JS = r"""
() => {
  const main = document.querySelector('main') || document.body;
  const latin = document.createElement('p');
  latin.textContent = 'the overview’s “summary” — it isn’t';
  latin.setAttribute('data-font-probe', 'latin');
  const quote = document.createElement('q');
  quote.lang = 'zh-CN'; quote.className = 'source'; quote.textContent = '示例：“项目”完成';
  quote.setAttribute('data-font-probe', 'quote');
  main.append(latin, quote);
  const wide = (text, el) => { const s = document.createElement('span'); s.textContent = text; el.append(s);
    const w = s.getBoundingClientRect().width; s.remove(); return w; };
  return {latin: latin.textContent, quote: quote.textContent,
          apostrophe: wide('’', latin), han: wide('中', latin), quoteMark: wide('“', quote)};
}
"""


def _probe_fonts(page, names) -> dict[str, list]:
    cdp = page.context.new_cdp_session(page)
    try:
        root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
        cdp.send("CSS.enable")
        found = {}
        for name in names:
            node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": f'[data-font-probe="{name}"]'})
            found[name] = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node["nodeId"]})["fonts"]
        return found
    finally:
        cdp.detach()


def test_english_text_is_drawn_with_a_latin_font(english_site, browser):
    """On an English page, English text (with ’ “ ” —) is drawn by a Latin font, not by a CJK font (which
    draws those marks full-width: “overview’ s”); a Chinese quotation on the same page (lang=zh-CN) is still
    drawn by a CJK font."""
    context, page, recorder = new_context(browser, "desktop")
    try:
        bad = []
        for name in page_names(english_site):
            open_page(page, recorder, english_site / name)
            seen = page.evaluate(ADD_LATIN_PROBES_JS)
            fonts = _probe_fonts(page, ["latin", "quote"])
            cjk_latin = [f["familyName"] for f in fonts["latin"] if CJK_FAMILY.search(f["familyName"])]
            if cjk_latin or not fonts["latin"]:
                bad.append(f"{name}: English text drawn by {cjk_latin or 'no font'}")
            if seen["apostrophe"] >= 0.5 * seen["han"]:
                bad.append(f"{name}: ’ is {seen['apostrophe']:.1f} px wide, 中 {seen['han']:.1f} px (full-width)")
            han = len(HAN.findall(seen["quote"]))
            cjk = sum(f["glyphCount"] for f in fonts["quote"] if CJK_FAMILY.search(f["familyName"]))
            if cjk < han:
                bad.append(f"{name}: the Chinese quotation drew {cjk} of {han} Han characters with a CJK font")
        assert not bad, "\n".join(bad)
    finally:
        context.close()


def test_exactly_one_h1_and_headings_in_order(visits):
    """Each page has exactly one h1, it comes first, and no heading level is skipped (h2 then h4)."""
    bad = []
    for where, seen in every(visits, "desktop"):
        levels = [h["level"] for h in seen["headings"]]
        if levels.count(1) != 1 or levels[0] != 1:
            bad.append(f"{where}: h1 count {levels.count(1)}, first heading h{levels[0] if levels else '-'}")
        for prev, cur, heading in zip(levels, levels[1:], seen["headings"][1:], strict=False):
            if cur > prev + 1:
                bad.append(f"{where}: h{prev} then h{cur} “{heading['text']}”")
    assert not bad, "\n".join(bad)


def test_every_img_has_alt_text(visits):
    """Every img on every page has a non-empty alt attribute."""
    bad = [
        f"{where}: img {im['index']} under “{im['section']}”"
        for where, seen in every(visits, "desktop")
        for im in seen["images"]
        if not im["alt"]
    ]
    assert not bad, "\n".join(bad)


def test_table_headers_are_marked_up(visits):
    """Every table has <th> header cells, each with a scope attribute or inside <thead>."""
    bad = []
    for where, seen in every(visits, "desktop"):
        for t in seen["tables"]:
            if not t["th"]:
                bad.append(f"{where}: table {t['index']} under “{t['section']}” has no <th>")
            elif t["th_without_scope"]:
                bad.append(
                    f"{where}: table {t['index']} under “{t['section']}”: <th> without scope or "
                    f"<thead>: {t['th_without_scope'][:5]}"
                )
    assert not bad, "\n".join(bad)


# --- print


@pytest.fixture(scope="module")
def printed(visits) -> dict:
    return visits["desktop"]["overview.html"]["print"]


def test_overview_prints_to_pdf(printed):
    """The overview prints: page.pdf() gives a PDF with at least one page."""
    assert printed["pdf_head"].startswith(b"%PDF-"), printed["pdf_head"]
    assert printed["pdf_pages"] > 0, f"{printed['pdf_bytes']} bytes, no page"


def test_print_keeps_charts_whole(printed):
    """In print, each chart (img, or the figure holding it) has break-inside: avoid."""
    assert printed["images"]
    bad = [im for im in printed["images"] if not im["ok"]]
    assert not bad, bad


def test_print_keeps_table_rows_whole(printed):
    """In print, table rows (tr) have break-inside: avoid, so a row is never cut across two pages."""
    rows = printed["rows"]
    assert rows
    split = [v for v in rows if v not in ("avoid", "avoid-page")]
    assert not split, (
        f"{len(split)} of {len(rows)} <tr> of overview.html have break-inside {sorted(set(split))} in print "
        "media (wanted avoid)"
    )


# --- screenshots for people


def test_screenshots_are_written(visits):
    """A full-page screenshot of the overview and one district page at each width is in outputs/screenshots/."""
    written = [(kind, seen["screenshot"]) for kind in WIDTHS for seen in visits[kind].values() if "screenshot" in seen]
    assert len(written) == 2 * len(WIDTHS), written
    for kind, target in written:
        head = target.read_bytes()[:24]
        assert head[:8] == b"\x89PNG\r\n\x1a\n", target
        png_width, png_height = struct.unpack(">II", head[16:24])
        assert png_width == WIDTHS[kind] and png_height >= HEIGHTS[kind], (target, png_width, png_height)


# --- funder-grade pages (issue 13)

CODE_WORDS = re.compile(r"\bF\d{3}\b|\w+_yuan\b|_times\b|\b[A-Za-z_]+:[A-Za-z_]+\b")


@pytest.mark.parametrize("kind", list(WIDTHS))
def test_summary_fits_the_first_screen(visits, kind):
    """The overview opens with the summary block (id="summary") and all of it is within the first screen
    (844 px tall on a 390 px phone, 900 px on a 1280 px desktop)."""
    seen = visits[kind]["overview.html"]
    assert seen["summary"], "overview.html has no id=summary block"
    assert seen["summary"]["bottom"] <= seen["inner_height"], (
        f"summary ends at {seen['summary']['bottom']} px, below the first screen of {seen['inner_height']} px"
    )


def test_no_code_words_in_visible_text(visits):
    """No visible text (closed <details> left out) shows a figure id (F001), a column name (…_yuan), a unit id
    (…_times) or a check id (kind:name) at either width."""
    bad = {}
    for where, seen in every(visits):
        found = sorted(set(CODE_WORDS.findall(seen["visible_text"])))
        if found:
            bad[where] = found[:10]
    assert not bad, f"code words visible: {bad}"


def test_budget_actual_and_variance_visible_on_a_phone(visits):
    """At 390 px every row of the budget table shows what, planned, actual, variance, % and the flag inside
    the screen, without scrolling sideways."""
    from analysis import present

    seen = visits["phone"]["overview.html"]
    width = seen["inner_width"]
    assert seen["budget"], "no budget table (table[data-table=budget]) on the overview"
    for key in ("col.budget_line", "col.budget_yuan", "col.actual_yuan", "col.variance_yuan", "col.variance_pct"):
        label = present.t(key, "zh")
        cells = seen["budget"].get(label)
        assert cells, f"budget column {label} not shown at {width}px"
        off = [c for c in cells if c["right"] > width or c["left"] < 0]
        assert not off, f"budget column {label}: cells off-screen at {width}px: {off[:3]}"


def test_chart_text_is_readable_on_a_phone(visits):
    """Every text of every chart is drawn at 11 CSS px or more on a 390 px phone (SVG text, scaled)."""
    small = [
        f"{where}: “{t['text']}” under “{t['section']}” at {t['px']} px"
        for where, seen in every(visits, "phone")
        for t in seen["chart_text"]
        if t["px"] < 11
    ]
    assert any(seen["chart_text"] for _, seen in every(visits, "phone")), "no chart text measured"
    assert not small, f"{len(small)} chart text(s) under 11 px:\n" + "\n".join(small[:10])


def test_every_page_links_back_to_the_index_and_the_overview(visits):
    """Each page but the index links back to index.html; each district page also to overview.html."""
    bad = []
    for name, seen in visits["desktop"].items():
        if name == "index.html":
            continue
        wanted = ["index.html"] + ([] if name == "overview.html" else ["overview.html"])
        missing = [w for w in wanted if w not in seen["back_links"]]
        if missing:
            bad.append(f"{name}: no back link to {missing} (has {seen['back_links']})")
    assert not bad, "\n".join(bad)


def test_first_screen_screenshots_are_written(visits):
    """The overview's first screen at each width is saved for people to look at."""
    for width in WIDTHS.values():
        target = SCREENSHOTS / f"overview-{width}-first.png"
        assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", target


def test_single_file_links_work_inside_it(site, browser):
    """<report-id>.html holds every page as an anchored section: each in-file link has its target, none
    points at another file, and it makes no request (offline, one attachment)."""
    one = site / f"{site.name}.html"
    assert one.is_file() and one.stat().st_size <= 1_000_000, one
    context, page, recorder = new_context(browser, "phone")
    try:
        open_page(page, recorder, one)
        result = page.evaluate(
            """() => {
              const hrefs = [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'));
              return {external: hrefs.filter(h => !h.startsWith('#')),
                      broken: hrefs.filter(h => h.startsWith('#') && !document.getElementById(h.slice(1))),
                      sections: document.querySelectorAll('section.page').length,
                      ids: [...document.querySelectorAll('[id]')].length,
                      unique: new Set([...document.querySelectorAll('[id]')].map(e => e.id)).size};
            }"""
        )
        assert not recorder.blocked and not recorder.errors, (recorder.blocked, recorder.errors)
    finally:
        context.close()
    assert result["sections"] == len(page_names(site)), result
    assert not result["external"], result["external"][:5]
    assert not result["broken"], result["broken"][:5]
    assert result["ids"] == result["unique"], "duplicate ids in the single file"


def test_overview_prints_to_an_a4_pdf_offline(site, tmp_path):
    """``closeout build --pdf`` prints the overview with the same headless Chromium (present.pdf.print_pdf, run
    in its own process as the command runs it): an A4 PDF with pages, written atomically."""
    target = tmp_path / "overview.pdf"
    code = (
        "import sys; from pathlib import Path; from analysis.present.pdf import print_pdf; "
        "print_pdf(Path(sys.argv[1]), Path(sys.argv[2]))"
    )
    subprocess.run([sys.executable, "-c", code, str(site / "overview.html"), str(target)], check=True, timeout=300)
    data = target.read_bytes()
    assert data[:5] == b"%PDF-" and len(re.findall(rb"/Type\s*/Page\b(?!s)", data)) > 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["overview.pdf"]
