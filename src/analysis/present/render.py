"""Page sections from Jinja2 templates (templates/closeout/sections/*.j2, autoescape on) fed with plain data:
the generic table (stacked cards on a phone), headings, quotes, charts, folded technical details."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from importlib import resources

import pandas as pd
from markupsafe import Markup

from analysis.present.formats import (
    MISSING,
    _missing,
    fmt_date,
    fmt_number,
    fmt_pct,
    fmt_value,
    split_ids,
)
from analysis.present.labels import has_label, section_name, t

SECTIONS = "closeout/sections"


@cache
def environment():
    """The Jinja2 environment of the page-section, index and portfolio templates (autoescape on)."""
    import jinja2

    from analysis.jinja_cache import bytecode_cache

    templates = resources.files("analysis").joinpath("templates")
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates)),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        bytecode_cache=bytecode_cache(),  # compiled once, kept between processes (analysis.jinja_cache)
    )
    return env


def render(name: str, /, **data) -> Markup:
    """The section template ``name`` (``sections/<name>.j2``) rendered with ``data`` (escaped), as markup."""
    text = environment().get_template(f"{SECTIONS}/{name}.j2").render(**data)
    return Markup("".join(line.strip() and line or "" for line in text.splitlines(keepends=True)).strip())


def tag(name: str, text, cls: str | None = None, lang_attr: str | None = None) -> Markup:
    """``<name class=…>escaped text</name>``."""
    return render("tag", name=name, text=MISSING if _missing(text) else str(text), cls=cls, lang=lang_attr)


def para(text, cls: str | None = None) -> Markup:
    """An escaped paragraph."""
    return tag("p", text, cls)


def source_text(text, lang: str, block: bool = False) -> Markup:
    """A quote from the (Chinese) source, marked ``lang="zh-CN"`` so an English page reads it right."""
    return tag("blockquote" if block else "q", text, "source", "zh-CN")


def section(title_key: str, lang: str, intro_key: str | None = None, level: int = 2, anchor=None, **values):
    """A heading (with an optional id) and an optional intro paragraph from labels."""
    return render(
        "heading",
        level=level,
        text=t(title_key, lang, **values),
        anchor=anchor,
        intro=t(intro_key, lang, **values) if intro_key else None,
    )


def tech_details(lang: str, rows: Sequence[tuple[str, str]]) -> Markup:
    """A folded 技术细节 / Technical details block: (label, code text) rows (ids, check names …)."""
    rows = [(str(a), str(b)) for a, b in rows if b not in (None, "", MISSING)]
    if not rows:
        return Markup("")
    return render("tech", summary=t("tech.summary", lang), rows=rows)


def _word(group: str, value, lang: str) -> str:
    if _missing(value):
        return MISSING
    key = f"{group}.{value}"
    return t(key, lang) if has_label(key) else str(value)


def cell(row, column: str, kind: str, lang: str) -> dict:
    """One table cell as plain data: {'text', 'cls', 'lang', 'quote'}."""
    value = row.get(column) if kind != "value" else None
    num = {"cls": "num"}
    if kind == "number":
        return {**num, "text": fmt_number(value, lang)}
    if kind == "text_num":
        return {**num, "text": MISSING if _missing(value) else str(value)}
    if kind == "pct":
        return {**num, "text": fmt_pct(value, lang)}
    if kind == "pct_signed":
        return {**num, "text": fmt_pct(value, lang, signed=True)}
    if kind == "pct100":
        return {**num, "text": fmt_pct(None if _missing(value) else float(value) / 100, lang, True)}
    if kind == "date":
        return {"cls": "date", "text": fmt_date(value, lang)}
    if kind == "value":
        return {**num, "text": fmt_value(row, lang)}
    if kind == "quote":
        return {
            "cls": "quote",
            "text": MISSING if _missing(value) else str(value),
            "quote": not _missing(value),
        }
    if kind == "source":
        return {"text": MISSING if _missing(value) else str(value), "lang": "zh-CN"}
    if kind == "section":
        return {"cls": "where", "text": MISSING if _missing(value) else section_name(value, lang)}
    if kind == "status":
        word = t("status.reported", lang) if value == "reported" else t("status.not_reported", lang)
        return {"cls": "status " + ("reported" if value == "reported" else "not-reported"), "text": word}
    if kind == "severity":
        return {"cls": f"severity sev-{value}", "text": _word("severity", value, lang)}
    if kind == "flag":
        flagged = not _missing(value) and bool(value)
        return {"cls": "flag" + (" on" if flagged else ""), "text": t("flag.yes", lang) if flagged else ""}
    if kind in ("qualifier", "reach", "level"):
        return {"text": _word(kind, value, lang)}
    if kind == "markup":
        return {"markup": Markup("") if _missing(value) else value}
    return {"text": MISSING if _missing(value) else str(value)}


def table(
    frame: pd.DataFrame,
    columns: Sequence[tuple[str, str, str]],
    lang: str,
    caption: str | None = None,
    empty_key: str = "table.empty",
    cards: bool = False,
    key_column: str | None = None,
    name: str | None = None,
) -> Markup:
    """An HTML table: ``columns`` = (column, header label key, kind). Kind ``ids`` columns (figure ids …)
    never show: they go, with the row's first column, into a folded technical-details block. ``cards``
    turns each row into a stacked card on a phone (every cell labelled), so no column scrolls away;
    otherwise a wide table scrolls in its own box. Columns the frame lacks are skipped; every cell is
    escaped by the template. ``name`` marks the table (``data-table``) for tests and styles."""
    cols = [(c, k, kind) for c, k, kind in columns if c in frame or kind == "value"]
    shown = [x for x in cols if x[2] != "ids"]
    code = [x for x in cols if x[2] == "ids"]
    if frame.empty or not shown:
        return para(t(empty_key, lang), "empty")
    heads = [{"text": t(k, lang), "cls": kind} for _, k, kind in shown]
    rows, tech = [], []
    first = key_column or shown[0][0]
    for _, row in frame.iterrows():
        cells = [cell(row, c, kind, lang) for c, _, kind in shown]
        for c, (_, k, _kind) in zip(cells, shown):
            c.setdefault("label", t(k, lang))
        rows.append({"cells": cells, "cls": row.get("_row_cls") or ""})
        ids = "; ".join(
            f"{t(k, lang)}: {', '.join(split_ids(row.get(c)))}" for c, k, _ in code if split_ids(row.get(c))
        )
        if ids:
            tech.append((str(row.get(first, "")), ids))
    table_html = render("table", heads=heads, rows=rows, caption=caption, cards=cards, name=name)
    return table_html + tech_details(lang, tech)


def chart(fig_alt, caption: str | None = None) -> Markup:
    """A chart of ``analysis.plots`` (a Chart, or a (Figure, alt) pair with an ``svg`` maker) as inline SVG
    with its alt text as the accessible name."""
    svg = fig_alt.svg() if hasattr(fig_alt, "svg") else None
    if svg is None:
        raise TypeError("present.chart needs a plots.Chart (use the analysis.plots chart functions)")
    return render("chart", svg=Markup(svg), alt=fig_alt[1], caption=caption)


def show(*parts: str) -> None:
    """Display HTML fragments as one output (in the notebook and in the built page)."""
    from IPython.display import HTML, display

    display(HTML("".join(str(p) for p in parts)))
