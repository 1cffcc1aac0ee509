"""Page blocks of the figures themselves (title, navigation, figures, shares, teams, places, mentions,
completeness, targets, budget, cost, reach, timeline): plain data from ``analysis.metrics`` laid out with
the section templates. The assessment's blocks (summary, issues, questions) are in ``present.issues``."""

from __future__ import annotations

import re

import pandas as pd
from markupsafe import Markup

from analysis.present.formats import (
    MISSING,
    _amount,
    _missing,
    _printed,
    approx,
    attainment_ratio,
    fmt_date,
    fmt_number,
    fmt_pct,
    row_is_approximate,
    split_ids,
    unit_word,
)
from analysis.present.labels import (
    district_ids,
    han_phrases,
    has_label,
    localized,
    localized_value,
    place_name,
    place_subtree,
    section_key,
    section_name,
    section_number,
    section_sort_key,
    t,
    team_labels,
)
from analysis.present.render import para, render, section, source_text, table, tech_details

_CODE_WORD = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")


_SECTION_REF = re.compile(
    r"(?<![\u3400-\u9fff])([一二三四五六七八九十]{1,3})((?:\.\d+)*\)?)(?![\u3400-\u9fff])"
)


def _unit_ids() -> set[str]:
    from analysis import units

    return set(units.unit_ids())


def plain(text, lang: str) -> str:
    """``text`` as a reader reads it: unit ids as words (``person_times`` → person-times / 人次), and on an
    English page section numbers in digits (``section 五.1.1)`` → section 5.1.1); data notes and the
    assessment's wording may carry either.

    >>> plain("target in person_times, achieved in persons", "en")
    'target in person-times, achieved in persons'
    >>> plain("Section 一.2 and section 五.1.1) differ; 「多出了1100多元」 stays", "en")
    'Section 1.2 and section 5.1.1 differ; 「多出了1100多元」 stays'
    """
    if _missing(text):
        return MISSING
    text = _CODE_WORD.sub(
        lambda m: unit_word(m.group(0), lang) if m.group(0) in _unit_ids() else m.group(0), str(text)
    )
    if lang == "en":
        text = _SECTION_REF.sub(lambda m: section_number(m.group(1) + m.group(2)), text)
    return text


# --- sources


def quote_sections(report, quotes) -> list[str]:
    """The top-level sections of the source in which ``quotes`` occur (e.g. the budget table's rows → 七)."""
    found = set()
    for quote in quotes:
        if _missing(quote):
            continue
        at = report.source_text.find(str(quote))
        found.update(s.key for s in report.sections if at >= 0 and s.start <= at < s.end)
    return sorted(found, key=section_sort_key)


def figure_sections(frame: pd.DataFrame, report=None) -> list[str]:
    """The source sections a frame draws on: its ``section`` column, else the sections of its figure ids."""
    if "section" in frame:
        return sorted({str(s) for s in frame["section"].dropna()}, key=section_sort_key)
    if report is None:
        return []
    ids = set()
    for col in (
        "figure_ids",
        "figure_id",
        "output_figure_id",
        "workers_figure_id",
        "target_figure_id",
        "achieved_figure_ids",
        "project_figure_id",
    ):
        if col in frame:
            for value in frame[col]:
                ids.update(split_ids(value))
    figures = report.figures
    return sorted(
        set(figures.loc[figures["figure_id"].isin(ids), "section"].astype(str)), key=section_sort_key
    )


# --- page frame


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
        if len(metrics.district_figures(report, pid)):
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
    """Figures (``metrics.district_figures``): place, metric, the report's words, value as printed (约 when
    approximate), kind, scope, cut-off date, section and quote; figure ids folded away."""
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
            ("_place", "col.place", "text"),
            ("figure_label_zh", "col.label", "source"),
            ("value", "col.value", "value"),
            ("qualifier", "col.qualifier", "qualifier"),
            ("_scope", "col.scope", "text"),
            ("cutoff_date", "col.cutoff_date", "date"),
            ("section", "col.section", "section"),
            ("quote", "col.quote", "quote"),
            ("figure_id", "col.figure_id", "ids"),
        ],
        lang,
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


def intensity_table(
    intensity: pd.DataFrame, lang: str, report=None, empty_key: str = "intensity.none"
) -> Markup:
    """Output per worker (and per worker-day) for each team and output (team names from workforce.csv);
    ≈ on every ratio of an approximate figure."""
    approx_rows = intensity.get("is_approximate", pd.Series(False, index=intensity.index)).fillna(False)
    frame = intensity.assign(
        _label=localized(intensity, "label", lang),
        _team=team_labels(report, intensity, lang),
        _days_basis=localized(intensity, "days_basis", lang),
        _output=[
            _amount(v, u, lang, z, a, e)
            for v, u, z, a, e in zip(
                intensity["output_value"],
                intensity["output_unit"],
                _printed(intensity, "output_unit_zh"),
                approx_rows,
                _printed(intensity, "output_unit_en"),
            )
        ],
        _workers=[
            _amount(v, u, lang, z, unit_en=e)
            for v, u, z, e in zip(
                intensity["workers"],
                intensity["workers_unit"],
                _printed(intensity, "workers_unit_zh"),
                _printed(intensity, "workers_unit_en"),
            )
        ],
        _per=[
            approx(fmt_number(v, lang, 1), lang, a)
            for v, a in zip(intensity["output_per_worker"], approx_rows)
        ],
        _per_day=[
            approx(fmt_number(v, lang, 2), lang, a)
            for v, a in zip(intensity["output_per_worker_day"], approx_rows)
        ],
    )
    return table(
        frame,
        [
            ("_team", "col.team", "text"),
            ("_label", "col.intensity", "text"),
            ("_output", "col.output_value", "text_num"),
            ("_workers", "col.workers", "text_num"),
            ("_per", "col.output_per_worker", "text_num"),
            ("days", "col.days", "number"),
            ("_days_basis", "col.days_basis", "text"),
            ("_per_day", "col.output_per_worker_day", "text_num"),
            ("output_figure_id", "col.figure_ids", "ids"),
        ],
        lang,
        empty_key=empty_key,
        cards=True,
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


def units_differ(row) -> bool:
    """Whether a target and its achievement are counted in different units (人次 vs 名 …)."""
    achieved = str(row.get("achieved_unit") or "").split(";")[0]
    return bool(achieved) and not _missing(row.get("unit")) and achieved != str(row.get("unit"))


def attainment_table(attainment: pd.DataFrame, lang: str) -> Markup:
    """Each target, what was achieved (in its own unit, 约 when approximate) and the attainment ratio (约
    too), a † where the units or definitions differ, and the note on which figure was chosen and why."""
    if attainment.empty:
        return para(t("table.empty", lang), "empty")
    achieved_units = attainment["achieved_unit"].fillna("").astype(str).str.split(";").str[0]
    achieved_zh = _printed(attainment, "achieved_unit_zh").fillna("").astype(str).str.split(";").str[0]
    achieved_en = _printed(attainment, "achieved_unit_en").fillna("").astype(str).str.split(";").str[0]
    approx_rows = attainment.get("is_approximate", pd.Series(False, index=attainment.index)).fillna(False)
    ratio = attainment_ratio(attainment)
    differ = [units_differ(r) for _, r in attainment.iterrows()]
    notes = localized(attainment, "note", lang)
    why = localized(attainment, "why", lang) if any(c.startswith("why_") for c in attainment) else notes * 0
    frame = attainment.assign(
        _label=localized(attainment, "label", lang),
        _target=[
            _amount(v, u, lang, z, unit_en=e)
            for v, u, z, e in zip(
                attainment["target_value"],
                attainment["unit"],
                _printed(attainment, "unit_zh"),
                _printed(attainment, "unit_en"),
            )
        ],
        _achieved=[
            _amount(v, u, lang, z, a, e)
            for v, u, z, a, e in zip(
                attainment["achieved_value"], achieved_units, achieved_zh, approx_rows, achieved_en
            )
        ],
        _ratio=[
            approx(fmt_pct(r, lang), lang, a) + (" †" if d else "")
            for r, a, d in zip(ratio, approx_rows, differ)
        ],
        _note=[
            t("alt.sep", lang).join(plain(x, lang) for x in (n, w) if isinstance(x, str) and x.strip())
            or MISSING
            for n, w in zip(notes, why if len(why) == len(notes) else notes * 0)
        ],
        _row_cls=["differs" if d else "" for d in differ],
    )
    if any(c.startswith("achieved_text_") for c in attainment):  # the assessment words them, ≈ included
        frame["_achieved"] = [
            plain(x, lang) if isinstance(x, str) and x.strip() else y
            for x, y in zip(localized(attainment, "achieved_text", lang), frame["_achieved"])
        ]
    if any(c.startswith("attainment_text_") for c in attainment):
        frame["_ratio"] = [
            (plain(x, lang) + (" †" if d else "")) if isinstance(x, str) and x.strip() else y
            for x, y, d in zip(localized(attainment, "attainment_text", lang), frame["_ratio"], differ)
        ]
    columns = [
        ("_label", "col.target", "text"),
        ("_target", "col.target_value", "text_num"),
        ("_achieved", "col.achieved_value", "text_num"),
        ("_ratio", "col.attainment", "text_num"),
        ("cutoff_date", "col.cutoff_date", "date"),
        ("_note", "col.note", "text"),
        ("target_figure_id", "col.target_figure", "ids"),
        ("achieved_figure_ids", "col.figure_ids", "ids"),
    ]
    out = table(frame, columns, lang, cards=True, name="targets")
    if any(differ):
        out += para(t("targets.differs_note", lang), "note")
    return out


def budget_lines(variance: pd.DataFrame, budget: dict | None, report, lang: str) -> pd.DataFrame:
    """The budget table's rows: line name, budget, actual, variance (实际 − 预算), %, flag, remaining as
    printed (the report's 剩余 column), and the grantee's explanation for lines needing one (the quote of
    ``assess().budget['lines_needing_explanation']``, else 报告未说明). The total appears twice when the
    printed total differs from the sum of the lines."""
    frame = variance.copy()
    names = localized(frame, "line", lang).fillna(localized(frame, "category", lang))
    frame["_line"] = [t("budget.total", lang) if lv == "total" else n for lv, n in zip(frame["level"], names)]
    remaining = {}
    if report is not None and "remaining_yuan" in report.budget:
        rows = (
            report.budget[report.budget["row_type"].astype(str) == "line"]
            if "row_type" in report.budget
            else report.budget
        )
        remaining = dict(zip(rows["line_id"], rows["remaining_yuan"]))
    frame["_remaining"] = [
        fmt_number(remaining.get(lid), lang) if lv == "line" else MISSING
        for lid, lv in zip(frame["line_id"], frame["level"])
    ]
    needing = {d.get("line_id"): d for d in (budget or {}).get("lines_needing_explanation") or []}
    explanations = []
    for lid, flagged in zip(frame["line_id"], frame["needs_explanation"].fillna(False)):
        item = needing.get(lid)
        if item is None and not bool(flagged):
            explanations.append(None)
        elif item is not None and item.get("explained") and item.get("explanation_quote"):
            explanations.append(render("quote", text=item["explanation_quote"]))
        else:
            explanations.append(render("not_explained", text=t("budget.not_explained", lang)))
    frame["_explanation"] = explanations
    frame["_row_cls"] = [
        "level-" + str(lv) + (" flagged" if bool(f) else "")
        for lv, f in zip(frame["level"], frame["needs_explanation"].fillna(False))
    ]
    if (
        budget
        and not _missing(budget.get("printed_total_yuan"))
        and not _missing(budget.get("recomputed_total_yuan"))
    ):
        printed, recomputed = float(budget["printed_total_yuan"]), float(budget["recomputed_total_yuan"])
        if abs(printed - recomputed) > 0.005:
            total = frame[frame["level"] == "total"]
            if len(total):
                i = total.index[0]
                frame.loc[i, "_line"] = t("budget.total_recomputed", lang)
                row = frame.loc[i].copy()
                row["_line"] = t("budget.total_printed", lang)
                row["actual_yuan"] = printed
                row["variance_yuan"] = printed - float(row["budget_yuan"])
                row["variance_pct"] = (
                    (printed / float(row["budget_yuan"]) - 1) * 100 if row["budget_yuan"] else None
                )
                row["_row_cls"] = "level-total printed"
                frame = pd.concat(
                    [frame.loc[: i - 1] if i else frame.iloc[:0], row.to_frame().T, frame.loc[i:]]
                )
    return frame


def budget_table(variance: pd.DataFrame, lang: str, budget: dict | None = None, report=None) -> Markup:
    """Budget lines, category subtotals and the total (printed and recomputed where they differ) with the
    variance, the threshold flag and the grantee's explanation; stacked cards on a phone."""
    frame = budget_lines(variance, budget, report, lang)
    has_expl = frame["_explanation"].notna().any()
    columns = [
        ("_line", "col.budget_line", "text"),
        ("budget_yuan", "col.budget_yuan", "number"),
        ("actual_yuan", "col.actual_yuan", "number"),
        ("variance_yuan", "col.variance_yuan", "number"),
        ("variance_pct", "col.variance_pct", "pct100"),
        ("needs_explanation", "col.needs_explanation", "flag"),
        ("_remaining", "col.remaining_printed", "text_num"),
    ]
    if has_expl:
        columns.append(("_explanation", "col.explanation", "markup"))
    columns += [("budget_cells", "col.cells", "ids"), ("actual_cells", "col.cells_actual", "ids")]
    return table(frame, columns, lang, cards=True, name="budget")


def budget_block(
    variance: pd.DataFrame, budget: dict | None, lang: str, report=None, profile: str | None = None
) -> Markup:
    """The budget as a funder reads it: execution printed and recomputed, the likely correction, the sign
    convention, the rule applied, then the table."""
    parts = [para(t("budget.sign", lang), "note")]
    if budget:
        parts.insert(
            0, render("budget_head", lead=t("summary.budget_link", lang), items=budget_facts(budget, lang, variance))
        )
    if profile:
        from analysis.present.labels import profile_label

        parts.append(para(t("budget.rule", lang, rule=profile_label(profile, lang)), "note"))
    return Markup("").join(parts) + budget_table(variance, lang, budget, report)


def budget_facts(budget: dict, lang: str, variance: pd.DataFrame | None = None) -> list[str]:
    """Sentences: execution as printed and as recomputed (where they differ) and the likely correction."""
    out = []
    printed, recomputed = budget.get("printed_total_yuan"), budget.get("recomputed_total_yuan")
    total = budget.get("budget_total_yuan")
    if not _missing(printed) and not _missing(recomputed) and abs(float(printed) - float(recomputed)) > 0.005:
        out.append(
            t(
                "budget.both",
                lang,
                printed=fmt_number(printed, lang),
                printed_rate=fmt_pct(budget.get("execution_printed"), lang),
                recomputed=fmt_number(recomputed, lang),
                recomputed_rate=fmt_pct(budget.get("execution_recomputed"), lang),
                budget=fmt_number(total, lang),
            )
        )
    else:
        value = printed if not _missing(printed) else recomputed
        rate = (
            budget.get("execution_printed") if not _missing(printed) else budget.get("execution_recomputed")
        )
        out.append(
            t(
                "budget.one",
                lang,
                actual=fmt_number(value, lang),
                rate=fmt_pct(rate, lang),
                budget=fmt_number(total, lang),
            )
        )
    fix = budget.get("correction")
    if fix:
        out.append(
            t(
                "budget.correction",
                lang,
                cell=cell_name(fix.get("cell"), variance, lang),
                printed=fmt_number(fix.get("printed"), lang),
                corrected=fmt_number(fix.get("corrected"), lang),
                why=plain(localized_value(fix, "why", lang) or "", lang),
            ).strip()
        )
    return out


def cell_name(cell, variance: pd.DataFrame | None, lang: str) -> str:
    """A budget cell id (``budget.<line>.<column>``) as words: the line's name and the column's header."""
    parts = str(cell or "").split(".")
    if len(parts) < 3 or variance is None:
        return t("budget.a_cell", lang)
    line_id, column = parts[1], parts[2]
    rows = variance[variance["line_id"] == line_id]
    name = localized_value(rows.iloc[0], "line", lang) if len(rows) else None
    name = name or (t("budget.total", lang) if line_id in ("total", "合计") else t("budget.a_line", lang))
    key = f"col.{column}"
    return f"{name} {t(key, lang) if has_label(key) else ''}".strip()


def cost_table(costs: pd.DataFrame, lang: str) -> Markup:
    """Yuan per unit of output (≈ when the output is approximate), with the spending and the output it
    divides, and the caveat."""
    approx_rows = costs.get("is_approximate", pd.Series(False, index=costs.index)).fillna(False)
    frame = costs.assign(
        _label=localized(costs, "label", lang),
        _caveat=[plain(c, lang) for c in localized(costs, "caveat", lang)],
        _output=[
            _amount(v, u, lang, z, a, e)
            for v, u, z, a, e in zip(
                costs["output_value"],
                costs["unit"],
                _printed(costs, "unit_zh"),
                approx_rows,
                _printed(costs, "unit_en"),
            )
        ],
        _cost=[
            approx(fmt_number(v, lang), lang, a) for v, a in zip(costs["cost_per_output_yuan"], approx_rows)
        ],
    )
    return table(
        frame,
        [
            ("_label", "col.output", "text"),
            ("_output", "col.output_value", "text_num"),
            ("spend_yuan", "col.cost_yuan", "number"),
            ("_cost", "col.cost_per_output", "text_num"),
            ("_caveat", "col.note", "text"),
            ("output_figure_id", "col.figure_ids", "ids"),
        ],
        lang,
        empty_key="cost.none",
        cards=True,
        name="cost",
    )


def timeline_table(over_time: pd.DataFrame, lang: str) -> Markup:
    """Figures of the same metric at successive cut-off dates."""
    frame = over_time.assign(_metric=localized(over_time, "label", lang))
    return table(
        frame,
        [
            ("_metric", "col.metric", "text"),
            ("step", "col.step", "number"),
            ("cutoff_date", "col.cutoff_date", "date"),
            ("value", "col.value", "value"),
            ("section", "col.section", "section"),
            ("quote", "col.quote", "quote"),
            ("figure_id", "col.figure_id", "ids"),
        ],
        lang,
    )


def reach_table(reach: pd.DataFrame, lang: str) -> Markup:
    """Places the report names by level, against the totals it states (``metrics.place_reach``); 约 / ≈ on a
    stated total the report gives as approximate or as a range."""
    stated = []
    for _, row in reach.iterrows():
        lo, hi = row.get("stated_total"), row.get("stated_total_max")
        if _missing(lo):
            stated.append(MISSING)
            continue
        text = fmt_number(lo, lang) + ("" if _missing(hi) or hi == lo else f"–{fmt_number(hi, lang)}")
        stated.append(
            approx(text, lang, row_is_approximate(row) or bool(row.get("stated_is_approximate") or False))
        )
    approx_total = [
        bool(a) if not _missing(a) else False
        for a in reach.get("stated_is_approximate", [False] * len(reach))
    ]
    frame = reach.assign(
        _stated=stated,
        _share=[approx(fmt_pct(v, lang), lang, a) for v, a in zip(reach["named_share"], approx_total)],
    )
    return table(
        frame,
        [
            ("level", "col.level", "reach"),
            ("places_named", "col.places_named", "number"),
            ("names_zh", "col.names", "source"),
            ("in_text", "col.in_text", "number"),
            ("with_figures", "col.with_figures", "number"),
            ("_stated", "col.stated_total", "text_num"),
            ("_share", "col.named_share", "text_num"),
            ("stated_figure_ids", "col.figure_ids", "ids"),
        ],
        lang,
    )


def section_label(section, lang: str) -> str:
    """A figure's section as a reader names it (``六.1`` → 第六部分 6.1 / Section 6.1)."""
    return section_name(section, lang) if not _missing(section) else MISSING


__all__ = [n for n in dir() if not n.startswith("__")]
_ = (section, source_text, tech_details, place_subtree, section_key)


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
