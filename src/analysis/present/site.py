"""What a funder opens first and what they share: the index page (title, period, grant, the summary headline,
each district page with its headline facts; a build status only for a page that failed), the single-file
version of the whole site (``<report-id>.html``, every page an anchored section, links rewritten to anchors),
and the Excel workbook of the downloads (metrics, issues, questions; headers in the page language)."""

from __future__ import annotations

import re

import pandas as pd
from markupsafe import Markup

from analysis.files import xlsx_bytes
from analysis.present.blocks import district_headline, footer, silent_districts_line
from analysis.present.formats import _missing, fmt_date, fmt_number, split_ids, split_texts
from analysis.present.issues import headline
from analysis.present.labels import HTML_LANG, localized_value, t
from analysis.present.render import environment


def grant_yuan(report):
    """The grant as printed (the figure report.toml names as grant_figure_id), or None."""
    gid = report.meta.get("grant_figure_id")
    figures = report.figures.set_index("figure_id")
    return figures.loc[gid, "value"] if gid in figures.index else None


def index_html(
    report, pages: list[dict], assessment, lang: str, css: str, downloads: list[tuple[str, str]]
) -> str:
    """The funder index. ``pages``: {name, title, href, kind ('overview'|'district'), ok, error, and
    optionally facts: the page's headline when already computed}; else the overview's headline comes from
    the assessment, each district's from its figures and issues."""
    project = report.meta.get(f"title_{lang}") or report.meta["title_zh"]
    start, end = report.period
    issues = getattr(assessment, "issues", None)
    rows = []
    for page in pages:
        if page["ok"]:
            if page.get("facts") is not None:
                facts = page["facts"]
            elif page["kind"] == "overview":
                facts = headline(assessment, lang) if assessment is not None else ""
            else:
                facts = district_headline(report, page["name"], lang, issues)
        else:
            facts = t("index.failed", lang)
        rows.append({**page, "facts": facts, "status": None if page["ok"] else t("status.failed", lang)})
    grant = grant_yuan(report)
    return (
        environment()
        .get_template("closeout/site_index.html.j2")
        .render(
            lang=HTML_LANG[lang],
            css=Markup(css),
            title=t("index.title", lang, project=project),
            facts=t(
                "page.facts",
                lang,
                project=project,
                organisation=report.meta.get(f"organisation_{lang}") or report.meta["organisation_zh"],
                start=fmt_date(start, lang),
                end=fmt_date(end, lang),
            ),
            grant=t("index.grant", lang, grant=fmt_number(grant, lang)) if not _missing(grant) else None,
            intro=t("index.intro", lang),
            overview=[r for r in rows if r["kind"] == "overview"],
            districts=[r for r in rows if r["kind"] != "overview"],
            districts_title=t("index.districts", lang),
            silent=silent_districts_line(report, lang),
            downloads_title=t("index.downloads", lang),
            downloads=downloads,
            footer=footer(report, lang),  # how the pages were made, as on every page
        )
    )


# --- one file to share

_BODY = re.compile(r"<main>(.*)</main>", re.S)
_ID = re.compile(r'\bid="([^"]+)"')
_HREF = re.compile(r'\bhref="([^"]*)"')
_CHART_ID = re.compile(r"^c[0-9a-f]{8}-")


def _section(name: str, html: str, names: set[str]) -> str:
    """One page's <main> as a section: its ids prefixed with the page name, its links turned into anchors of
    the combined file (``overview.html#budget`` → ``#overview--budget``); chart ids (already unique) kept."""
    m = _BODY.search(html)
    body = m.group(1) if m else html

    def new_id(match):
        value = match.group(1)
        return match.group(0) if _CHART_ID.match(value) else f'id="{name}--{value}"'

    def new_href(match):
        href = match.group(1)
        if href.startswith("#"):
            return href if _CHART_ID.match(href[1:]) else f'href="#{name}--{href[1:]}"'
        page, _, anchor = href.partition("#")
        stem = page[:-5] if page.endswith(".html") else None
        if stem in names:
            return f'href="#{stem}--{anchor}"' if anchor else f'href="#page-{stem}"'
        return match.group(0)

    body = _ID.sub(new_id, body)
    body = _HREF.sub(new_href, body)
    return f'<section class="page" id="page-{name}">\n{body}\n</section>'


def single_file(pages: list[tuple[str, str]], lang: str, title: str, css: str) -> str:
    """The pages (name, html), in order, as one self-contained HTML file; every link between them works
    inside it. Links to files that are not pages (CSV, xlsx downloads) are dropped to plain text."""
    names = {name for name, _ in pages}
    sections = [_section(name, html, names) for name, html in pages]
    # one h1 for the file: the first page's; every other page's title becomes the h2 of its section
    sections = sections[:1] + [
        re.sub(r"<h1\b([^>]*)>(.*?)</h1>", r'<h2 class="page-title"\1>\2</h2>', x, flags=re.S)
        for x in sections[1:]
    ]
    text = "\n".join(sections)
    text = re.sub(r'<a href="(?!#)[^"]*">([^<]*)</a>', r"\1", text)  # downloads are not in the one file
    return (
        environment()
        .get_template("closeout/single_file.html.j2")
        .render(lang=HTML_LANG[lang], title=title, css=Markup(css), body=Markup(text))
    )


# --- Excel


def _cell(value):
    if isinstance(value, (list, tuple)) or (hasattr(value, "__array__") and not isinstance(value, str)):
        return "\n".join(str(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {v}" for k, v in value.items())
    if _missing(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    return value


def _sheet(wb, title: str, frame: pd.DataFrame, headers: list[str]) -> None:
    from openpyxl.styles import Alignment, Font

    ws = wb.create_sheet(title)
    ws.append(headers)
    for c in ws[1]:
        c.font = Font(bold=True)
    for row in frame.itertuples(index=False):
        ws.append([_cell(v) for v in row])
    for i, _ in enumerate(headers, start=1):
        ws.column_dimensions[ws.cell(1, i).column_letter].width = 18
    for row in ws.iter_rows(min_row=2):
        for c in row:
            c.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"


def workbook_bytes(assessment, metrics: pd.DataFrame, lang: str) -> bytes:
    """One .xlsx: the issues, the open questions and every metric, headers in ``lang`` (a metric column
    without a header label keeps its name, the technical name a spreadsheet user can filter on). Fixed
    timestamps: the same data gives the same bytes."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    issues = assessment.issues if assessment is not None else pd.DataFrame()
    if len(issues):
        frame = pd.DataFrame(
            {
                "rank": issues["rank"],
                "severity": [t(f"severity.{s}", lang) for s in issues["severity"]],
                "title": [localized_value(r, "title", lang) for _, r in issues.iterrows()],
                "impact": [localized_value(r, "impact", lang) for _, r in issues.iterrows()],
                "explanation": [localized_value(r, "explanation", lang) for _, r in issues.iterrows()],
                "question": [localized_value(r, "question", lang) for _, r in issues.iterrows()],
                "materiality": [localized_value(r, "materiality", lang) for _, r in issues.iterrows()],
                "status": [t(f"review.{s}", lang) for s in issues["status"]],
                "note": issues["note"],
                "quotes": ["\n".join(split_texts(q)) for q in issues["quotes"]],
                "issue_id": issues["issue_id"],
                "figure_ids": [", ".join(split_ids(v)) for v in issues["figure_ids"]],
            }
        )
        _sheet(wb, t("xlsx.issues", lang), frame, [t(f"xlsx.col.{c}", lang) for c in frame.columns])
    questions = assessment.questions if assessment is not None else pd.DataFrame()
    if len(questions):
        frame = pd.DataFrame(
            {
                "rank": questions["rank"],
                "severity": [t(f"severity.{s}", lang) for s in questions["severity"]],
                "question": [localized_value(r, "question", lang) for _, r in questions.iterrows()],
                "answer": [None] * len(questions),
            }
        )
        _sheet(wb, t("xlsx.questions", lang), frame, [t(f"xlsx.col.{c}", lang) for c in frame.columns])
    if len(metrics):
        heads = [t(f"col.{c}", lang) if f"col.{c}" in _labels() else c for c in metrics.columns]
        _sheet(wb, t("xlsx.metrics", lang), metrics, heads)
    if not wb.sheetnames:
        wb.create_sheet(t("xlsx.metrics", lang))
    return xlsx_bytes(wb)


def _labels():
    from analysis.present.labels import labels

    return labels()
