"""Page blocks of the figures themselves: navigation, title, contents, footer, the districts (which get a page,
which are named in one line, their scope caveats, figures, shares, places, mentions, what is not broken down):
plain data from ``analysis.metrics`` laid out with the section templates. The tables of targets, budget, cost,
intensity, reach and timeline are in ``present.tables``; the assessment's blocks in ``present.issues``."""

from __future__ import annotations

import pandas as pd
from markupsafe import Markup

from analysis.present.formats import (
    MISSING,
    _missing,
    fmt_date,
)
from analysis.present.labels import (
    district_ids,
    han_phrases,
    has_label,
    localized,
    localized_value,
    place_name,
    section_name,
    t,
)
from analysis.present.render import para, render, table
from analysis.present.words import plain  # noqa: F401 - re-exported for callers of blocks


def nav(lang: str, here: str = "") -> Markup:
    """Links back to the index and the overview (every page carries them)."""
    links = [("index.html", t("nav.index", lang)), ("overview.html", t("nav.overview", lang))]
    return render(
        "nav", links=[(href, text) for href, text in links if href != here], label=t("nav.label", lang)
    )


def title_block(report, lang: str, place_id: str | None = None) -> Markup:
    """The page's single h1 and the report's identity: title, organisation, period."""
    meta = report.meta
    project = meta.get(f"title_{lang}") or meta["title_zh"]
    organisation = meta.get(f"organisation_{lang}") or meta["organisation_zh"]
    start, end = report.period
    if place_id is None:
        heading = t("page.overview.title", lang, project=project)
    else:
        heading = t("page.district.title", lang, place=place_name(report, place_id, lang), project=project)
    facts = t(
        "page.facts",
        lang,
        project=project,
        organisation=organisation,
        start=fmt_date(start, lang),
        end=fmt_date(end, lang),
    )
    return render("title", heading=heading, facts=facts)


def toc(lang: str, entries) -> Markup:
    """A table of contents: (anchor, label key) pairs."""
    return render("toc", title=t("toc.title", lang), entries=[(a, t(k, lang)) for a, k in entries])


def footer(report, lang: str) -> Markup:
    """How the page was made: source, transcription, and what the numbers are."""
    from analysis import __version__

    return render("footer", text=t("page.footer", lang, report=report.id, version=__version__))


# --- districts


def named_in_source(report, place_id: str) -> bool:
    """Whether the source text names the place (``metrics.place_mentions``)."""
    from analysis.metrics import place_mentions

    return bool(place_mentions(report, place_id))


def silent_districts(report) -> list[dict]:
    """The districts the report gives no figure for, in places.csv order: {place_id, name_zh, name_en,
    named (the source names it), basis (phrases of the place's note that occur in the source: what the
    place was inferred from when the source never names it)}."""
    from analysis import metrics

    out = []
    places = report.places.set_index("place_id")
    for pid in district_ids(report):
        if metrics.has_figures(report, pid):
            continue
        row = places.loc[pid]
        note = row.get("note") if "note" in places else None
        basis = [p for p in han_phrases(note) if p in report.source_text and p != row["name_zh"]]
        out.append(
            {
                "place_id": pid,
                "name_zh": row["name_zh"],
                "name_en": row.get("name_en"),
                "named": named_in_source(report, pid),
                "basis": basis,
            }
        )
    return out


def silent_districts_line(report, lang: str) -> Markup:
    """One line naming the districts the report gives no figure for (and which of them it never names,
    with the passage they were inferred from); empty when every district has figures."""
    rows = silent_districts(report)
    if not rows:
        return Markup("")
    names = []
    for row in rows:
        name = localized_value(row, "name", lang) or row["place_id"]
        if not row["named"]:
            basis = t("alt.sep", lang).join(f"“{b}”" for b in row["basis"])
            name += t("districts.inferred", lang, basis=basis) if basis else t("districts.unnamed", lang)
        names.append(name)
    return para(t("districts.silent", lang, names=t("districts.sep", lang).join(names)), "silent-districts")


def page_caveats(report, figures: pd.DataFrame, lang: str) -> Markup:
    """The scope caveats of the figures shown (e.g. money raised by another organisation is not this grant's),
    from the figures' scope and their metrics' topic: labels ``caveat.scope.<scope>`` / ``caveat.topic.<topic>``."""
    keys = []
    if "scope" in figures:
        keys += [f"caveat.scope.{s}" for s in dict.fromkeys(figures["scope"].dropna().astype(str))]
    if "metrics" in report.tables and "topic" in report.metrics and "metric" in figures:
        topics = report.metrics.set_index("metric")["topic"]
        keys += [
            f"caveat.topic.{x}" for x in dict.fromkeys(figures["metric"].map(topics).dropna().astype(str))
        ]
    texts = [t(k, lang) for k in dict.fromkeys(keys) if has_label(k)]
    return render("caveats", title=t("caveat.title", lang), items=texts) if texts else Markup("")


def district_intro(
    report, place_id: str, figures: pd.DataFrame, completeness: pd.DataFrame, lang: str
) -> Markup:
    """The opening paragraph of a district page; an honest short note when the report says almost nothing."""
    place = place_name(report, place_id, lang)
    reported = int((completeness["status"] == "reported").sum()) if "status" in completeness else 0
    if figures.empty:
        return para(t("district.sparse", lang, place=place), "intro")
    return para(
        t("district.summary", lang, place=place, n=len(figures), reported=reported, total=len(completeness)),
        "intro",
    )


# --- tables


def figures_table(figures: pd.DataFrame, lang: str, empty_text: str | None = None) -> Markup:
    """Figures (``metrics.district_figures``): metric, value as printed (约 when approximate), place, the
    report's words, kind, scope, cut-off date, section and quote; figure ids folded away. Stacked cards on a
    phone, so the value never scrolls out of sight."""
    if figures.empty and empty_text:
        return para(empty_text, "empty")
    frame = figures.assign(
        _metric=localized(figures, "label", lang),
        _place=localized(figures, "place_name", lang),
        _scope=[
            t(f"scope.{s}", lang) if has_label(f"scope.{s}") else MISSING
            for s in figures.get("scope", [None] * len(figures))
        ],
    )
    return table(
        frame,
        [
            ("_metric", "col.metric", "text"),
            ("value", "col.value", "value"),
            ("_place", "col.place", "text"),
            ("figure_label_zh", "col.label", "source"),
            ("qualifier", "col.qualifier", "qualifier"),
            ("_scope", "col.scope", "text"),
            ("cutoff_date", "col.cutoff_date", "date"),
            ("section", "col.section", "section"),
            ("quote", "col.quote", "quote"),
            ("figure_id", "col.figure_id", "ids"),
        ],
        lang,
        cards=True,
        name="figures",
    )


def share_table(completeness: pd.DataFrame, lang: str) -> Markup:
    """Metrics the report gives for both the district and the project, with the district's share."""
    frame = completeness[completeness["share"].notna()]
    frame = frame.assign(_label=localized(frame, "label", lang))
    return table(
        frame,
        [
            ("_label", "col.metric", "text"),
            ("place_value", "col.place_value", "number"),
            ("project_value", "col.project_value", "number"),
            ("share", "col.share", "pct"),
            ("figure_ids", "col.figure_ids", "ids"),
            ("project_figure_id", "col.project_figure", "ids"),
        ],
        lang,
        empty_key="share.none",
        cards=True,
    )


def completeness_table(completeness: pd.DataFrame, lang: str, only: str | None = "reported") -> Markup:
    """Project metrics with 已报告 / 未报告 for the district (``only`` one status, or None for all)."""
    frame = completeness if only is None else completeness[completeness["status"] == only]
    if frame.empty:
        return Markup("")
    frame = frame.assign(_label=localized(frame, "label", lang))
    return table(
        frame,
        [
            ("_label", "col.metric", "text"),
            ("status", "col.status", "status"),
            ("place_value", "col.place_value", "number"),
            ("project_value", "col.project_value", "number"),
            ("figure_ids", "col.figure_ids", "ids"),
        ],
        lang,
        cards=True,
    )


def not_reported_list(completeness: pd.DataFrame, lang: str, place: str) -> Markup:
    """The plain sentence listing the metrics the source does not break down for the place (folded)."""
    if "status" not in completeness:
        return Markup("")
    missing = completeness[completeness["status"] != "reported"]
    if missing.empty:
        return para(t("completeness.all_reported", lang, place=place))
    names = localized(missing, "label", lang).astype(str).tolist()
    return render(
        "missing",
        badge=t("status.not_reported", lang),
        intro=t("completeness.missing_intro", lang, place=place, n=len(names)),
        summary=t("completeness.missing_summary", lang, n=len(names)),
        names=names,
    )


def places_table(places: pd.DataFrame, lang: str) -> Markup:
    """The streets, towns, communities and villages the report names inside the district."""
    frame = places.assign(_name=localized(places, "name", lang), _parent=places.get("parent_name_zh"))
    return table(
        frame,
        [
            ("_name", "col.place", "text"),
            ("level", "col.level", "level"),
            ("_parent", "col.parent", "source"),
            ("n_figures", "col.n_figures", "number"),
        ],
        lang,
        empty_key="places.none",
    )


def mentions(report, place_id: str, lang: str, limit: int = 8, width: int = 90) -> Markup:
    """Where the source text names the place (``metrics.place_mentions``: the full name, or the short name
    standing alone; not inside an organisation's name), as short quotes."""
    from analysis.metrics import place_mentions

    places = report.places.set_index("place_id")
    name = str(places.loc[place_id, "name_zh"])
    text = report.source_text
    hits = []
    for m_start, m_end in place_mentions(report, place_id):
        stops = [text.rfind(c, 0, m_start) + 1 for c in "。；\n"]
        start = max(stops + [m_start - width // 2])
        end_candidates = [i + 1 for i in (text.find(c, m_end) for c in "。；\n") if i >= 0]
        end = min(end_candidates + [m_end + width // 2, len(text)])
        sec = next((s.key for s in report.sections if s.start <= m_start < s.end), "")
        snippet = text[start:end].strip()
        if start > 0 and start not in stops:
            snippet = "…" + snippet
        if end < len(text) and end not in end_candidates:
            snippet += "…"
        if snippet and (sec, snippet) not in hits:
            hits.append((sec, snippet))
    if not hits:
        return para(t("mentions.none", lang, place=place_name(report, place_id, lang), name=name))
    return render(
        "mentions",
        intro=t("mentions.intro", lang, n=len(hits), name=name),
        items=[(section_name(sec, lang) if sec else "", snippet) for sec, snippet in hits[:limit]],
        more=t("mentions.more", lang, n=len(hits) - limit) if len(hits) > limit else None,
    )


def section_label(section, lang: str) -> str:
    """A figure's section as a reader names it (``六.1`` → 第六部分 6.1 / Section 6.1)."""
    return section_name(section, lang) if not _missing(section) else MISSING


def reported_districts(report) -> list[str]:
    """The districts the report gives at least one figure for (each gets a page), in places.csv order."""
    silent = {row["place_id"] for row in silent_districts(report)}
    return [pid for pid in district_ids(report) if pid not in silent]


def district_headline(report, place_id: str, lang: str, issues: pd.DataFrame | None = None) -> str:
    """A district's headline facts: figures, metrics broken down, issues involving them."""
    from analysis import metrics
    from analysis.present.issues import issues_for

    figures = metrics.district_figures(report, place_id)
    completeness = metrics.district_completeness(report, place_id)
    mine = issues_for(issues, report, place_id, figures["figure_id"]) if issues is not None else None
    return t(
        "index.headline.district",
        lang,
        n_figures=len(figures),
        n_reported=int((completeness["status"] == "reported").sum()),
        n_metrics=len(completeness),
        n_issues=0 if mine is None else len(mine),
    )


def district_links(report, lang: str, issues: pd.DataFrame | None = None) -> Markup:
    """Each district page (districts with figures) with its headline facts."""
    items = [
        (f"{pid}.html", place_name(report, pid, lang), district_headline(report, pid, lang, issues))
        for pid in reported_districts(report)
    ]
    return render("district_links", items=items)
