"""Display helpers for the notebooks: localized labels, number formats, HTML-escaped tables (no metrics)."""

from __future__ import annotations

import base64
import csv
import html
import io
import math
import re
from collections.abc import Iterable, Sequence
from functools import cache
from importlib import resources
from pathlib import Path

import pandas as pd

from analysis import units
from analysis.errors import UsageError

LANGS = ("zh", "en")
HTML_LANG = {"zh": "zh-CN", "en": "en"}
DISTRICT_LEVELS = ("district", "county", "new_area")
DEFAULT_REPORT = Path("data") / "anxin-plan-2020"
DEFAULT_PROFILE = "default"
_SECTION_ORDER = ("header", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十")
_PLACE_SUFFIXES = ("新区", "街道", "社区", "区", "县", "镇", "村", "市")
MISSING = "—"


# --- labels


@cache
def labels() -> dict[str, dict[str, str]]:
    """UI strings from resources/labels.csv: key → {'zh': …, 'en': …}."""
    text = resources.files("analysis").joinpath("resources/labels.csv").read_text(encoding="utf-8")
    return {row["key"]: {"zh": row["zh"], "en": row["en"]} for row in csv.DictReader(io.StringIO(text))}


def check_lang(lang: str) -> str:
    """``lang`` if it is one of LANGS, else a UsageError naming the valid values."""
    if lang not in LANGS:
        raise UsageError(f"unknown language {lang!r}; valid: {', '.join(LANGS)}")
    return lang


def t(label_key: str, lang: str, /, **values) -> str:
    """The UI string ``label_key`` in ``lang``, with ``{name}`` fields filled from ``values``.

    >>> t("status.not_reported", "zh"), t("status.not_reported", "en")
    ('未报告', 'not reported')
    """
    entry = labels().get(label_key)
    if entry is None:
        raise KeyError(f"no label {label_key!r} in resources/labels.csv")
    text = entry[check_lang(lang)] or entry["en"]
    return text.format(**values) if values else text


def localized(frame: pd.DataFrame, base: str, lang: str) -> pd.Series:
    """The ``{base}_{lang}`` column, falling back to the other language (then to ``base``) where empty."""
    other = "en" if lang == "zh" else "zh"
    out = pd.Series([None] * len(frame), index=frame.index, dtype="object")
    for name in (f"{base}_{lang}", f"{base}_{other}", base):
        if name in frame:
            col = frame[name].astype("object")
            out = out.where(out.notna(), col.where(col.notna() & (col.astype(str).str.strip() != ""), None))
    return out


def section_key(section: str) -> str:
    """The top-level part of a section cell (``四.3.2)`` → ``四``).

    >>> section_key("四.3.2)"), section_key("header")
    ('四', 'header')
    """
    return str(section).strip().split(".", 1)[0]


def section_name(key: str, lang: str) -> str:
    """A top-level section as a reader names it: 第七部分 / section 七."""
    if key == "header":
        return t("section.header", lang)
    return t("section.numbered", lang, key=key)


def section_sort_key(section: str) -> tuple:
    """Sort sections in reading order (header, 一, 二 …), then by their sub-path."""
    top = section_key(section)
    return (_SECTION_ORDER.index(top) if top in _SECTION_ORDER else len(_SECTION_ORDER), str(section))


# --- parameters


def resolve_report_dir(report_dir: str | Path | None) -> Path:
    """The report folder a notebook parameter names: as given if it exists (absolute or relative to the
    working directory), else relative to the repository root (so the defaults run from ``notebooks/``)."""
    wanted = Path(report_dir) if report_dir not in (None, "") else DEFAULT_REPORT
    if wanted.is_dir():
        return wanted.resolve()
    bases = [Path.cwd(), *Path.cwd().parents, Path(__file__).resolve().parents[2]]
    for base in bases:
        for candidate in (base / wanted, base / Path(*[p for p in wanted.parts if p != ".."])):
            if candidate.is_dir():
                return candidate.resolve()
    raise UsageError(
        f"report folder {str(report_dir)!r} not found (looked in the working directory and the "
        "repository root)"
    )


def district_ids(report) -> list[str]:
    """The places that get a district report: every place of level district, county or new_area."""
    places = report.places
    return places.loc[places["level"].isin(DISTRICT_LEVELS), "place_id"].astype(str).tolist()


def check_place(report, place_id: str) -> str:
    """``place_id`` if it is a district-level place of the report, else a UsageError listing the valid ids."""
    valid = district_ids(report)
    if place_id not in valid:
        raise UsageError(f"unknown place id {place_id!r} for report {report.id}; valid: {', '.join(valid)}")
    return place_id


def profile_names() -> list[str]:
    """The threshold profiles ``metrics.threshold_profiles()`` offers, by name."""
    from analysis import metrics

    return [str(x) for x in metrics.threshold_profiles()["profile"].drop_duplicates()]


def check_profile(profile: str | None) -> str:
    """``profile`` (None means the default one) if it is a known profile name, else a UsageError."""
    profile = DEFAULT_PROFILE if profile in (None, "") else profile
    names = profile_names()
    if profile not in names:
        raise UsageError(f"unknown threshold profile {profile!r}; valid: {', '.join(names)}")
    return profile


def profile_label(profile: str, lang: str) -> str:
    """What the threshold profile asks, in ``lang`` (its rows' labels joined)."""
    from analysis import metrics

    table = metrics.threshold_profiles()
    rows = table[table["profile"] == profile]
    return t("alt.sep", lang).join(localized(rows, "label", lang).dropna().astype(str))


def place_name(report, place_id: str, lang: str) -> str:
    """The place's name in ``lang`` (the id when the place is unknown)."""
    places = report.places.set_index("place_id")
    if place_id not in places.index:
        return place_id
    row = places.loc[place_id]
    name = row[f"name_{lang}"]
    return str(name if isinstance(name, str) and name else row["name_zh"])


def place_subtree(report, place_id: str) -> list[str]:
    """``place_id`` and every place below it (streets, communities …), in places.csv order."""
    parents = dict(zip(report.places["place_id"], report.places["parent_id"]))
    found = []
    for pid in report.places["place_id"]:
        cur, seen = pid, set()
        while isinstance(cur, str) and cur not in seen:
            if cur == place_id:
                found.append(pid)
                break
            seen.add(cur)
            cur = parents.get(cur)
    return found


# --- formats


def esc(value) -> str:
    """HTML-escaped text (quotes too); missing values become an em dash.

    >>> esc('<b>"x"</b>')
    '&lt;b&gt;&quot;x&quot;&lt;/b&gt;'
    """
    if _missing(value):
        return MISSING
    return html.escape(str(value), quote=True)


def _missing(value) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    try:
        return bool(isinstance(value, float) and math.isnan(value))
    except TypeError:
        return False


def fmt_number(value, lang: str = "zh", digits: int = 2) -> str:
    """A number with thousands separators and at most ``digits`` decimals, trailing zeros dropped.

    >>> fmt_number(52444.0), fmt_number(19678.5), fmt_number(2.345, digits=1), fmt_number(None)
    ('52,444', '19,678.5', '2.3', '—')
    """
    if _missing(value):
        return MISSING
    value = float(value)
    text = f"{value:,.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def fmt_pct(ratio, lang: str = "zh", signed: bool = False, digits: int = 1) -> str:
    """A ratio as a percentage: 0.932 → '93.2%'; signed → '+9.3%'.

    >>> fmt_pct(0.9323), fmt_pct(0.0932, signed=True), fmt_pct(-0.0017, signed=True), fmt_pct(0.0, signed=True)
    ('93.2%', '+9.3%', '-0.2%', '0%')
    """
    if _missing(ratio):
        return MISSING
    pct = float(ratio) * 100
    if abs(pct) < 0.5 * 10**-digits:
        return "0%"
    text = f"{pct:+.{digits}f}%" if signed else f"{pct:.{digits}f}%"
    return text.replace(".0%", "%") if digits and text.endswith(".0%") and abs(pct) >= 10 else text


def fmt_date(value, lang: str = "zh") -> str:
    """An ISO date (2020-03-12); missing → em dash."""
    if _missing(value):
        return MISSING
    return pd.Timestamp(value).strftime("%Y-%m-%d")


def fmt_value(row, lang: str) -> str:
    """A figure's value as printed: range, unit, and 约 for approximate numbers ('约 20 个', '8–10 家')."""
    value = fmt_number(row.get("value"), lang)
    if not _missing(row.get("value_max")):
        value = f"{value}–{fmt_number(row.get('value_max'), lang)}"
    unit = _unit(row, lang)
    approx = bool(row.get("is_approximate")) if not _missing(row.get("is_approximate")) else False
    text = t("value.approx", lang, value=value) if approx else value
    return f"{text} {unit}".strip() if unit else text


def _unit(row, lang: str) -> str:
    return units.unit_label(row.get("unit"), lang, row.get("unit_zh"))


def split_ids(value) -> list[str]:
    """A list cell (list, tuple, array, or 'F001; F002' text) as a list of strings.

    >>> split_ids("F001; F002,F003"), split_ids(["F004"]), split_ids(None)
    (['F001', 'F002', 'F003'], ['F004'], [])
    """
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return []
    if isinstance(value, str):
        return [p.strip() for p in re.split(r"[;,|\s]+", value) if p.strip()]
    if isinstance(value, Iterable):
        return [str(v) for v in value if not _missing(v)]
    return [str(value)]


def split_texts(value) -> list[str]:
    """A list cell of texts (quotes): a list as is, a text split at ' | ' (checks' separator) or newlines.

    >>> split_texts("甲 | 乙"), split_texts(["丙"]), split_texts(None)
    (['甲', '乙'], ['丙'], [])
    """
    if isinstance(value, str):
        return [p for p in re.split(r" \| |\n", value) if p.strip()]
    if isinstance(value, (list, tuple)) or hasattr(value, "__array__"):
        return [str(v) for v in value if not _missing(v) and str(v).strip()]
    return [] if _missing(value) else [str(value)]


def quote_sections(report, quotes: Iterable[str]) -> list[str]:
    """The top-level sections of the source in which ``quotes`` occur (e.g. the budget table's rows → 七)."""
    found = set()
    for quote in quotes:
        if _missing(quote):
            continue
        at = report.source_text.find(str(quote))
        found.update(s.key for s in report.sections if at >= 0 and s.start <= at < s.end)
    return sorted(found, key=section_sort_key)


def attainment_ratio(frame: pd.DataFrame) -> pd.Series:
    """The attainment ratio column of ``metrics.target_attainment`` (a ratio, 1.0 = target met)."""
    if "attainment" in frame:
        return pd.to_numeric(frame["attainment"], errors="coerce")
    for name in ("attainment_ratio", "ratio"):
        if name in frame:
            return pd.to_numeric(frame[name], errors="coerce")
    for name in ("attainment_pct", "pct"):
        if name in frame:
            return pd.to_numeric(frame[name], errors="coerce") / 100
    return pd.Series([float("nan")] * len(frame), index=frame.index)


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
            for cell in frame[col]:
                ids.update(split_ids(cell))
    figures = report.figures
    return sorted(
        set(figures.loc[figures["figure_id"].isin(ids), "section"].astype(str)), key=section_sort_key
    )


# --- HTML


def tag(name: str, text, cls: str | None = None, lang_attr: str | None = None) -> str:
    """``<name class=…>escaped text</name>``."""
    attrs = (f' class="{esc(cls)}"' if cls else "") + (f' lang="{esc(lang_attr)}"' if lang_attr else "")
    return f"<{name}{attrs}>{esc(text)}</{name}>"


def para(text, cls: str | None = None) -> str:
    """An escaped paragraph."""
    return tag("p", text, cls)


def source_text(text, lang: str, block: bool = False) -> str:
    """A quote from the (Chinese) source, marked ``lang="zh-CN"`` so an English page reads it right."""
    name = "blockquote" if block else "q"
    return f'<{name} lang="zh-CN" class="source">{esc(text)}</{name}>'


def section(title_key: str, lang: str, intro_key: str | None = None, level: int = 2, **values) -> str:
    """A heading (and an optional intro paragraph) from labels."""
    out = tag(f"h{level}", t(title_key, lang, **values))
    if intro_key:
        out += para(t(intro_key, lang, **values), "intro")
    return out


def table(
    frame: pd.DataFrame,
    columns: Sequence[tuple[str, str, str]],
    lang: str,
    caption: str | None = None,
    empty_key: str = "table.empty",
) -> str:
    """An HTML table in a horizontally scrolling box. ``columns`` = (column, header label key, kind), kind one
    of text, number, pct, date, quote, value (a figure row), status, ids, severity, qualifier, section.
    Columns the frame lacks are skipped; every cell is escaped."""
    cols = [(c, k, kind) for c, k, kind in columns if c in frame or kind == "value"]
    if frame.empty or not cols:
        return para(t(empty_key, lang), "empty")
    head = "".join(f'<th scope="col" class="{kind}">{esc(t(k, lang))}</th>' for _, k, kind in cols)
    body = []
    for _, row in frame.iterrows():
        cells = "".join(_cell(row, c, kind, lang) for c, _, kind in cols)
        body.append(f"<tr>{cells}</tr>")
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    return (
        f'<div class="table-wrap"><table>{cap}<thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


def _cell(row, column: str, kind: str, lang: str) -> str:
    value = row.get(column) if kind != "value" else None
    if kind == "number":
        return f'<td class="num">{esc(fmt_number(value, lang))}</td>'
    if kind == "text_num":
        return f'<td class="num">{esc(value)}</td>'
    if kind == "pct":
        return f'<td class="num">{esc(fmt_pct(value, lang))}</td>'
    if kind == "pct_signed":
        return f'<td class="num">{esc(fmt_pct(value, lang, signed=True))}</td>'
    if kind == "pct100":
        ratio = None if _missing(value) else float(value) / 100
        return f'<td class="num">{esc(fmt_pct(ratio, lang, True))}</td>'
    if kind == "date":
        return f'<td class="date">{esc(fmt_date(value, lang))}</td>'
    if kind == "value":
        return f'<td class="num">{esc(fmt_value(row, lang))}</td>'
    if kind == "quote":
        return f'<td class="quote">{MISSING if _missing(value) else source_text(value, lang)}</td>'
    if kind == "source":
        return f'<td lang="zh-CN">{esc(value)}</td>'
    if kind == "status":
        word = t("status.reported", lang) if value == "reported" else t("status.not_reported", lang)
        cls = "reported" if value == "reported" else "not-reported"
        return f'<td class="status {cls}">{esc(word)}</td>'
    if kind == "ids":
        return f'<td class="ids">{esc(", ".join(split_ids(value)) or MISSING)}</td>'
    if kind == "severity":
        return f'<td class="severity sev-{esc(value)}">{esc(_word("severity", value, lang))}</td>'
    if kind == "qualifier":
        return f'<td class="qualifier">{esc(_word("qualifier", value, lang))}</td>'
    if kind == "flag":
        return f'<td class="flag">{esc(t("flag.yes", lang) if not _missing(value) and bool(value) else "")}</td>'
    if kind == "reach":
        return f"<td>{esc(_word('reach', value, lang))}</td>"
    if kind == "level":
        return f"<td>{esc(_word('level', value, lang))}</td>"
    return f"<td>{esc(value)}</td>"


def _word(group: str, value, lang: str) -> str:
    if _missing(value):
        return MISSING
    key = f"{group}.{value}"
    return t(key, lang) if key in labels() else str(value)


def img(png: bytes, alt: str, caption: str | None = None) -> str:
    """An embedded PNG (base64 data URL) with its alt text, in a <figure>."""
    data = base64.b64encode(png).decode("ascii")
    cap = f"<figcaption>{esc(caption)}</figcaption>" if caption else ""
    return f'<figure class="chart"><img src="data:image/png;base64,{data}" alt="{esc(alt)}">{cap}</figure>'


def chart(fig_alt, caption: str | None = None) -> str:
    """The (Figure, alt text) pair of a plots function as an embedded image."""
    from analysis.plots import png_bytes

    fig, alt = fig_alt
    return img(png_bytes(fig), alt, caption)


def show(*parts: str) -> None:
    """Display HTML fragments as one output (in the notebook and in the built page)."""
    from IPython.display import HTML, display

    display(HTML("".join(parts)))


# --- page blocks


def title_block(report, lang: str, place_id: str | None = None) -> str:
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
    return tag("h1", heading) + para(facts, "facts")


def figures_table(figures: pd.DataFrame, lang: str, empty_text: str | None = None) -> str:
    """Figures (``metrics.district_figures``): place, metric, the report's words, value as printed, kind,
    cut-off date, section and quote."""
    if figures.empty and empty_text:
        return para(empty_text, "empty")
    frame = figures.assign(
        _metric=localized(figures, "label", lang), _place=localized(figures, "place_name", lang)
    )
    return table(
        frame,
        [
            ("figure_id", "col.figure_id", "text"),
            ("_place", "col.place", "text"),
            ("_metric", "col.metric", "text"),
            ("figure_label_zh", "col.label", "source"),
            ("value", "col.value", "value"),
            ("qualifier", "col.qualifier", "qualifier"),
            ("cutoff_date", "col.cutoff_date", "date"),
            ("section", "col.section", "text"),
            ("quote", "col.quote", "quote"),
        ],
        lang,
    )


def share_table(completeness: pd.DataFrame, lang: str) -> str:
    """Metrics the report gives for both the district and the project, with the district's share."""
    frame = completeness.copy()
    frame = frame[frame["share"].notna()]
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
    )


def completeness_table(completeness: pd.DataFrame, lang: str, only: str | None = "reported") -> str:
    """Project metrics with 已报告 / 未报告 for the district (``only`` one status, or None for all)."""
    frame = completeness if only is None else completeness[completeness["status"] == only]
    if frame.empty:
        return ""
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
    )


def not_reported_list(completeness: pd.DataFrame, lang: str, place: str) -> str:
    """The plain sentence listing the metrics the source does not break down for the place."""
    if "status" not in completeness:
        return ""
    missing = completeness[completeness["status"] != "reported"]
    if missing.empty:
        return para(t("completeness.all_reported", lang, place=place))
    names = localized(missing, "label", lang).astype(str).tolist()
    items = "".join(f"<li>{esc(n)}</li>" for n in names)
    return (
        f'<h3><span class="badge not-reported">{esc(t("status.both", lang))}</span></h3>'
        + para(t("completeness.missing_intro", lang, place=place, n=len(names)))
        + f'<ul class="missing">{items}</ul>'
    )


def intensity_table(
    intensity: pd.DataFrame, lang: str, report=None, empty_key: str = "intensity.none"
) -> str:
    """Output per worker (and per worker-day) for each team and output (team names from workforce.csv)."""
    frame = intensity.assign(
        _label=localized(intensity, "label", lang),
        _team=team_labels(report, intensity, lang),
        _days_basis=localized(intensity, "days_basis", lang),
        _output=[_amount(v, u, lang, z) for v, u, z in zip(intensity["output_value"], intensity["output_unit"],
                                                             _printed(intensity, "output_unit_zh"))],
        _workers=[_amount(v, u, lang, z) for v, u, z in zip(intensity["workers"], intensity["workers_unit"],
                                                              _printed(intensity, "workers_unit_zh"))],
    )
    return table(
        frame,
        [
            ("_team", "col.team", "text"),
            ("_label", "col.intensity", "text"),
            ("_output", "col.output_value", "text_num"),
            ("_workers", "col.workers", "text_num"),
            ("output_per_worker", "col.output_per_worker", "number"),
            ("days", "col.days", "number"),
            ("_days_basis", "col.days_basis", "text"),
            ("output_per_worker_day", "col.output_per_worker_day", "number"),
            ("output_figure_id", "col.figure_ids", "ids"),
        ],
        lang,
        empty_key=empty_key,
    )


def _amount(value, unit, lang: str, unit_zh=None) -> str:
    """'52,444 户' / '52,444 households' (``unit_zh``: the unit as printed, shown on Chinese pages)."""
    if _missing(value):
        return MISSING
    unit_text = units.unit_label(unit, lang, unit_zh)
    return f"{fmt_number(value, lang)} {unit_text}".strip()


def _printed(frame: pd.DataFrame, column: str) -> pd.Series:
    """The printed-unit column of a metrics frame (all missing when the frame has none)."""
    return frame[column] if column in frame else pd.Series([None] * len(frame), index=frame.index, dtype=object)


def team_labels(report, frame: pd.DataFrame, lang: str) -> pd.Series:
    """The team names of ``frame['team_id']`` in ``lang`` (from workforce.csv; the id when unknown)."""
    if "team_id" not in frame:
        return pd.Series([None] * len(frame), index=frame.index, dtype="object")
    if report is None or "workforce" not in report.tables:
        return frame["team_id"].astype("object")
    teams = report.workforce.set_index("team_id")
    names = localized(teams, "label", lang)
    return frame["team_id"].map(names).fillna(frame["team_id"]).astype("object")


def places_table(places: pd.DataFrame, lang: str) -> str:
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


def mentions(report, place_id: str, lang: str, limit: int = 8, width: int = 90) -> str:
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
    items = "".join(
        f'<li><span class="where">{esc(section_name(sec, lang))}</span> {source_text(snippet, lang)}</li>'
        for sec, snippet in hits[:limit]
    )
    more = para(t("mentions.more", lang, n=len(hits) - limit)) if len(hits) > limit else ""
    return (
        para(t("mentions.intro", lang, n=len(hits), name=name)) + f'<ul class="mentions">{items}</ul>' + more
    )


def findings_for(findings: pd.DataFrame, report, place_id: str, figure_ids: Iterable[str]) -> pd.DataFrame:
    """The findings that involve the place (or a place inside it) or one of ``figure_ids``."""
    inside, ids = set(place_subtree(report, place_id)), set(figure_ids)
    keep = []
    for _, row in findings.iterrows():
        places = set(split_ids(row.get("place_ids")))
        figs = set(split_ids(row.get("figure_ids")))
        keep.append(bool(places & inside or figs & ids))
    return findings[pd.Series(keep, index=findings.index, dtype=bool)] if len(findings) else findings


def findings_html(findings: pd.DataFrame, lang: str, empty_key: str = "findings.none") -> str:
    """Each finding: severity, message, the figures and quotes it rests on, and the suggested explanation."""
    if findings.empty:
        return para(t(empty_key, lang), "empty")
    messages = localized(findings, "message", lang)
    explanations = localized(findings, "explanation", lang)
    out = []
    for (_, row), message, explanation in zip(findings.iterrows(), messages, explanations):
        severity = row.get("severity")
        head = (
            f'<span class="badge sev-{esc(severity)}">{esc(_word("severity", severity, lang))}</span> '
            f"{esc(message)}"
        )
        parts = [f"<h3>{head}</h3>"]
        ids = split_ids(row.get("figure_ids"))
        meta = [t("finding.check", lang, check=row.get("check_id", MISSING))]
        if ids:
            meta.append(t("finding.figures", lang, ids=", ".join(ids)))
        parts.append(para(t("finding.sep", lang).join(meta), "meta"))
        quotes = split_texts(row.get("quotes"))
        if quotes:
            parts.append(para(t("finding.quotes", lang), "label"))
            parts.extend(source_text(q, lang, block=True) for q in quotes)
        if not _missing(explanation) and str(explanation).strip():
            parts.append(
                f'<p class="explanation"><strong>{esc(t("finding.explanation", lang))}</strong> '
                f"{esc(explanation)}</p>"
            )
        out.append(f'<article class="finding sev-{esc(severity)}">{"".join(parts)}</article>')
    return "".join(out)


def findings_summary(findings: pd.DataFrame, lang: str) -> str:
    """'3 findings: 1 error, 2 warnings' as a paragraph."""
    if findings.empty:
        return para(t("findings.none", lang))
    counts = findings["severity"].value_counts()
    parts = [
        f"{_word('severity', s, lang)} {int(counts[s])}" for s in ("error", "warning", "info") if s in counts
    ]
    return para(t("findings.summary", lang, n=len(findings), parts=t("finding.sep", lang).join(parts)))


def attainment_table(attainment: pd.DataFrame, lang: str) -> str:
    """Each target, what was achieved (in its own unit) and the attainment ratio."""
    achieved_units = attainment["achieved_unit"].fillna("").astype(str).str.split(";").str[0]
    achieved_zh = _printed(attainment, "achieved_unit_zh").fillna("").astype(str).str.split(";").str[0]
    frame = attainment.assign(
        _label=localized(attainment, "label", lang),
        _ratio=attainment_ratio(attainment),
        _target=[_amount(v, u, lang, z) for v, u, z in zip(attainment["target_value"], attainment["unit"],
                                                             _printed(attainment, "unit_zh"))],
        _achieved=[_amount(v, u, lang, z) for v, u, z in zip(attainment["achieved_value"], achieved_units,
                                                               achieved_zh)],
        _note=localized(attainment, "note", lang),
    )
    columns = [
        ("_label", "col.target", "text"),
        ("_target", "col.target_value", "text_num"),
        ("_achieved", "col.achieved_value", "text_num"),
        ("_ratio", "col.attainment", "pct"),
        ("cutoff_date", "col.cutoff_date", "date"),
        ("achieved_figure_ids", "col.figure_ids", "ids"),
        ("_note", "col.note", "text"),
    ]
    return table(frame, columns, lang)


def budget_table(variance: pd.DataFrame, lang: str) -> str:
    """Budget lines, category subtotals and the total with variance and the threshold flag."""
    frame = variance.assign(
        _line=localized(variance, "line", lang).fillna(localized(variance, "category", lang))
    )
    if "level" in frame:
        frame = frame.assign(
            _line=[
                t("budget.total", lang) if lv == "total" else name
                for lv, name in zip(frame["level"], frame["_line"])
            ]
        )
    return table(
        frame,
        [
            ("level", "col.level", "level"),
            ("_line", "col.budget_line", "text"),
            ("budget_yuan", "col.budget_yuan", "number"),
            ("actual_yuan", "col.actual_yuan", "number"),
            ("variance_yuan", "col.variance_yuan", "number"),
            ("variance_pct", "col.variance_pct", "pct100"),
            ("execution_rate", "col.execution_rate", "pct"),
            ("needs_explanation", "col.needs_explanation", "flag"),
        ],
        lang,
    )


def cost_table(costs: pd.DataFrame, lang: str) -> str:
    """Yuan per unit of output, with the spending and the output it divides, and the caveat."""
    frame = costs.assign(
        _label=localized(costs, "label", lang),
        _caveat=localized(costs, "caveat", lang),
        _output=[_amount(v, u, lang, z) for v, u, z in zip(costs["output_value"], costs["unit"],
                                                             _printed(costs, "unit_zh"))],
    )
    return table(
        frame,
        [
            ("_label", "col.output", "text"),
            ("_output", "col.output_value", "text_num"),
            ("spend_yuan", "col.cost_yuan", "number"),
            ("cost_per_output_yuan", "col.cost_per_output", "number"),
            ("output_figure_id", "col.figure_ids", "ids"),
            ("_caveat", "col.note", "text"),
        ],
        lang,
        empty_key="cost.none",
    )


def timeline_table(over_time: pd.DataFrame, lang: str) -> str:
    """Figures of the same metric at successive cut-off dates."""
    frame = over_time.assign(_metric=localized(over_time, "label", lang))
    return table(
        frame,
        [
            ("_metric", "col.metric", "text"),
            ("step", "col.step", "number"),
            ("cutoff_date", "col.cutoff_date", "date"),
            ("value", "col.value", "value"),
            ("figure_id", "col.figure_id", "text"),
            ("section", "col.section", "text"),
            ("quote", "col.quote", "quote"),
        ],
        lang,
    )


def footer(report, lang: str) -> str:
    """How the page was made: source, transcription, and what the numbers are."""
    from analysis import __version__

    return f"<footer>{para(t('page.footer', lang, report=report.id, version=__version__))}</footer>"


def district_intro(
    report, place_id: str, figures: pd.DataFrame, completeness: pd.DataFrame, lang: str
) -> str:
    """The opening paragraph of a district page; an honest short note when the report says almost nothing."""
    place = place_name(report, place_id, lang)
    reported = int((completeness["status"] == "reported").sum()) if "status" in completeness else 0
    if figures.empty:
        return para(t("district.sparse", lang, place=place), "intro")
    return para(
        t("district.summary", lang, place=place, n=len(figures), reported=reported, total=len(completeness)),
        "intro",
    )


def overview_summary(report, variance: pd.DataFrame, findings: pd.DataFrame, lang: str) -> str:
    """The opening paragraph of the overview: grant, spending, figures, districts, findings."""
    figures = report.figures.set_index("figure_id")
    grant_id = report.meta.get("grant_figure_id")
    grant = figures.loc[grant_id, "value"] if grant_id in figures.index else None
    total = variance[variance["level"] == "total"]
    actual = total["actual_yuan"].iloc[0] if len(total) else None
    text = t(
        "overview.summary",
        lang,
        grant=fmt_number(grant, lang),
        actual=fmt_number(actual, lang),
        n_figures=len(report.figures),
        n_districts=len(district_ids(report)),
    )
    return para(text, "intro") + findings_summary(findings, lang)


def reach_table(reach: pd.DataFrame, lang: str) -> str:
    """Places the report names by level, against the totals it states (``metrics.place_reach``)."""
    stated = [
        MISSING if _missing(lo) else fmt_number(lo, lang) + ("" if _missing(hi) or hi == lo else f"–{fmt_number(hi)}")
        for lo, hi in zip(reach["stated_total"], reach["stated_total_max"], strict=True)
    ]
    frame = reach.assign(_stated=stated)
    return table(
        frame,
        [
            ("level", "col.level", "reach"),
            ("places_named", "col.places_named", "number"),
            ("names_zh", "col.names", "source"),
            ("in_text", "col.in_text", "number"),
            ("with_figures", "col.with_figures", "number"),
            ("_stated", "col.stated_total", "text_num"),
            ("named_share", "col.named_share", "pct"),
            ("stated_figure_ids", "col.figure_ids", "ids"),
        ],
        lang,
    )
