"""Propose every table of a report folder from the report's text; every row is a draft to confirm.

:func:`propose` returns a :class:`Draft`: report.toml keys and one DataFrame per table, each row with
``status = draft``. What it proposes, and from what:

- **figures** — every numeric mention that counts something (``analysis.extract``): section and sub-item
  (``四.3.2)``), value (万/千/Chinese numerals converted), unit from the measure word after the number,
  qualifier (约/余/多/至少/预计; ``target`` in the section that restates the proposal), cut-off date (a
  截止/截至 date governs the rest of its sentence), place (the lowest-level place printed before the number in
  its sentence), a label (the words before the number, or the noun after the unit), and the shortest quote
  that is unique in its section.
- **metrics** — one per label and unit: mentions with the same label and unit in different sections share
  one metric id, which is what the contradiction checks compare.
- **places** (:mod:`analysis.draft.places`), **budget** (a table of tab-separated lines with 预算/实际
  columns), **lists** (items printed before a stated count — ``A、B、C 三个村`` — or enumerated after it),
  **targets** and **exclusions** (dates, times, numbering, the project period, names that contain digits).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field

import pandas as pd

from analysis.draft import places as place_mod
from analysis.draft.budget import propose_budget
from analysis.draft.lists import list_after, list_before
from analysis.draft.units import MEASURE_WORDS, measure_word, multiplier, unit_for
from analysis.extract import extract_mentions
from analysis.sections import HEADER, find_quote, split_sections

DRAFT = "draft"
QUOTE_LIMIT = 60  # characters a quote may grow by around its number before the line is used whole

_DATE_FULL = r"(\d{4})\s*[.\-/年]\s*(\d{1,2})\s*[.\-/月]\s*(\d{1,2})\s*日?"
_PERIOD = re.compile(rf"(?:周期|期间|时间|期限|日期|起止|执行期|实施期)[^\n：:]{{0,4}}[：:]\s*{_DATE_FULL}"
                     rf"\s*[-–—~～至到]+\s*{_DATE_FULL}")
_TITLE = re.compile(r"^[ \t\u3000]*项目名称[ \t\u3000]*[：:][ \t\u3000]*(.+?)[ \t\u3000]*$",
                    re.MULTILINE)
_ORG_LINE = re.compile(r"^[ \t\u3000]*(?:申请|执行|承接|实施)?(?:机构|组织|单位)(?:名称)?"
                       r"[ \t\u3000]*[：:][ \t\u3000]*(.+?)[ \t\u3000]*$", re.MULTILINE)
_ORG_NAME = re.compile(r"[\u4e00-\u9fff]{2,16}?"
                       r"(?:发展中心|服务中心|中心|协会|基金会|服务社|社工站|研究院|促进会|联合会)")
_CUTOFF = re.compile(r"(?:截止|截至|截止到|截至到)[ \u3000]*(?:于|到)?[ \u3000]*$")
_TARGET_CUE = re.compile(r"计划|目标|预期|拟|力争|承诺")  # 计划 10 个, 目标为 500 人次
_DONE_CUE = re.compile(r"已|累计|共|完成了|建成|达到|达")  # what was achieved, even in a sentence restating the plan
_PROPOSAL_TITLE = re.compile(r"项目书|申请书|计划书|预期目标|项目目标|对照")
_ITEM1 = re.compile(r"^[ \t\u3000]*([0-9]{1,2})[.、．](?![0-9])")
_ITEM2 = re.compile(r"^[ \t\u3000]*(?:([0-9]{1,2})[)）]|[（(]([0-9]{1,2})[)）])")
_DELIMS = "，。；：、,;:!?！？（）()\n\t“”\"《》「」"
_FILLER_BEFORE = re.compile(r"(?:累计|共计|合计|总计|共有|共|约|达到|达|了|有|计|已|为|等)+$")
_LEAD_FILLER = re.compile(r"^(?:例如|比如|其中|并且|并|另外|同时|此外|以及|还|又|共|累计|通过)+")
_FILLER_AFTER = re.compile(r"^(?:的|之)")
_VERB_END = tuple(
    "发放 筹集 提供 捐赠 接受 募集 组织 动员 开展 完成 支持 协助 服务 覆盖 帮助 "
    "参与 了 向 对 为 给 共 累计 发放了 筹集了 有 的"
    .split()
)
@dataclass
class Draft:
    """A proposed report: report.toml keys, one frame per table (every row ``status = draft``) and the text."""

    meta: dict
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    text: str = ""


# --- where things are ---------------------------------------------------------------------------------


def section_paths(text: str) -> list[tuple[int, str]]:
    """(line start offset, section path) for every line: ``一``, ``一.2``, ``四.3.2)``.

    A line starting ``N.`` or ``N、`` opens sub-item N of its top-level section; ``N)`` or ``（N）`` opens
    sub-item N) of that (or of the section itself when no ``N.`` came first).

    >>> [p for _, p in section_paths("前言\\n一、甲\\n1. 乙\\n2) 丙\\n二、丁\\n（1）戊\\n")]
    ['header', '一', '一.1', '一.1.2)', '二', '二.1)']
    """
    sections = split_sections(text)
    out = []
    for s in sections:
        level1 = level2 = None
        pos = s.start
        for line in text[s.start : s.end].splitlines(keepends=True):
            if s.key != HEADER and pos > s.start:
                if m := _ITEM1.match(line):
                    level1, level2 = m[1], None
                elif m := _ITEM2.match(line):
                    level2 = f"{m[1] or m[2]})"
            parts = [s.key] + [p for p in (level1, level2) if p]
            out.append((pos, ".".join(parts)))
            pos += len(line)
    return out


def _path_at(paths: list[tuple[int, str]], offset: int) -> str:
    import bisect

    i = bisect.bisect_right([p for p, _ in paths], offset) - 1
    return paths[max(i, 0)][1] if paths else HEADER


def shortest_quote(text: str, sections, section: str, start: int, end: int, mention: str | None = None) -> str:
    """The shortest text around ``text[start:end]``, inside its line, that occurs once in its section (and,
    with ``mention``, in which the extractor still sees that mention: 一、 rather than a bare 一, so that
    validation finds the excluded mention in its quote).

    Longer quotes add characters before the number first (its label). Falls back to the whole line.

    >>> t = "一、探访 5 户，电话 5 户。\\n"
    >>> shortest_quote(t, split_sections(t), "一", 12, 15)
    '5 户。'
    """
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    for extra in range(QUOTE_LIMIT):
        for left in range(extra, -1, -1):
            s, e = start - left, end + extra - left
            if s < line_start or e > line_end:
                continue
            quote = text[s:e]
            if quote != quote.strip() or not quote:
                continue
            if len(find_quote(text, sections, section, quote)) == 1 and (
                mention is None or _sees(quote, mention)
            ):
                return quote
    return text[line_start:line_end].strip()


def _sees(quote: str, mention: str) -> bool:
    """Whether the extractor finds ``mention`` in ``quote`` on its own."""
    return mention.strip() in {t.strip() for t in extract_mentions(quote)["text"]}


# --- report.toml ----------------------------------------------------------------------------------------


def _date(y: str, m: str, d: str) -> dt.date | None:
    try:
        return dt.date(int(y), int(m), int(d))
    except ValueError:
        return None


def propose_meta(text: str, report_id: str, source: str) -> tuple[dict, tuple[int, int] | None]:
    """report.toml keys (title, organisation, period from the header) and the span of the period's line."""
    sections = split_sections(text)
    header = text[sections[0].start : sections[0].end]
    m = _PERIOD.search(header) or _PERIOD.search(text)
    start = end = None
    period_span = None
    if m:
        start, end = _date(*m.group(1, 2, 3)), _date(*m.group(4, 5, 6))
        line_start = text.rfind("\n", 0, m.start()) + 1
        line_end = text.find("\n", m.end())
        period_span = (line_start, len(text) if line_end < 0 else line_end)
    if not start or not end or end < start:
        years = [int(y) for y in re.findall(r"(20\d\d|19\d\d)\s*年", text)] or [dt.date.today().year]
        start, end, period_span = dt.date(min(years), 1, 1), dt.date(max(years), 12, 31), None
    title = _TITLE.search(header)
    title_zh = title[1] if title else next((ln.strip() for ln in header.splitlines() if ln.strip()), report_id)
    org = _ORG_LINE.search(header)
    if org:
        org_zh = org[1]
    else:
        names = Counter(_ORG_NAME.findall(text))
        org_zh = max(names.items(), key=lambda kv: (kv[1], len(kv[0])))[0] if names else "（未写明）"
    meta = {"id": report_id, "source": source, "title_zh": title_zh, "title_en": title_zh,
            "organisation_zh": org_zh, "organisation_en": org_zh, "period_start": start, "period_end": end,
            "grant_figure_id": "", "status": DRAFT}
    return meta, period_span


# --- figures ----------------------------------------------------------------------------------------------


def _clause_before(text: str, start: int) -> tuple[str, int]:
    i = start
    while i > 0 and text[i - 1] not in _DELIMS:
        i -= 1
    return text[i:start], i


def _clause_after(text: str, end: int) -> str:
    j = end
    while j < len(text) and text[j] not in _DELIMS:
        j += 1
    return text[end:j]


_NUMBER_IN_LABEL = re.compile(r"(?:约|近|过)?[ \u3000]*[0-9][0-9.,，]*[ \u3000]*(?:[十百千万亿]+)?[ \u3000]*(?:" +
                              "|".join(re.escape(w) for w in MEASURE_WORDS) + ")?")
_VERB_CUT = re.compile(r"发挥|开展|参与|提供|进行|通过|负责|配合|协助|完成|用于|为|在|对|向|被|将")


def _label(text: str, start: int, unit_end: int, unit_zh: str) -> str:
    """The counted thing in the report's words: the words before the number, or the noun after its unit.

    Before the number: the clause back to the last delimiter, without fillers (累计, 共, 达 …) and other
    numbers; ``key：5万`` gives the key. After the unit: the noun up to the first verb (志愿者参与… ->
    志愿者). The noun after wins when the words before are missing, a verb or a modifier (… 的), or long.
    """
    before, at = _clause_before(text, start)
    if not before.strip() and at > 0 and text[at - 1] in "：:":
        before, _ = _clause_before(text, at - 1)
    before = _FILLER_BEFORE.sub("", _NUMBER_IN_LABEL.sub("", before).strip()).strip()
    before = _LEAD_FILLER.sub("", _strip_subject(before)).strip()
    after = _NUMBER_IN_LABEL.sub("", _clause_after(text, unit_end)).strip()
    after = _FILLER_AFTER.sub("", after).strip()
    cut = _VERB_CUT.search(after, 2)
    after = after[: cut.start()] if cut else after
    in_brackets = start > 0 and text[start - 1] in "（(" and text[unit_end : unit_end + 1] in "）)"
    if in_brackets:  # 护目镜（30 副）: the thing is before the bracket
        outer, _ = _clause_before(text, start - 1)
        before = _NUMBER_IN_LABEL.sub("", outer).strip() or before
    elif after and (len(before) < 2 or before.endswith(_VERB_END) or len(before) > 10):
        return after[:20]
    label = before[-20:] or after[:20] or unit_zh or "数量"
    return re.sub(r"\s+", " ", label).strip() or "数量"


_SUBJECT = re.compile(r"^(?:该项目|本项目|项目组|项目(?=共|累计|已|开展|完成|为|向|在))")


def _strip_subject(label: str) -> str:
    """A label without the places and the project that lead it (西湖区北山街道曙光社区送餐 -> 送餐).

    >>> _strip_subject("西湖区北山街道曙光社区送餐"), _strip_subject("项目累计送餐"), _strip_subject("西湖区")
    ('送餐', '累计送餐', '西湖区')
    """
    rest = label
    while True:
        found = place_mod.find_places(rest)
        if not found or found[0].start != 0 or found[0].end >= len(rest):
            break
        rest = rest[found[0].end :]
    rest = _SUBJECT.sub("", rest)
    return rest if len(rest.strip()) >= 2 else label


def _norm(label: str) -> str:
    return re.sub(r"[\s“”\"'（）()]", "", label)


def _cutoffs(text: str, mentions: pd.DataFrame, period: tuple[dt.date, dt.date]) -> list[tuple[int, int, dt.date]]:
    """(from, to, date): a 截止/截至 date governs the rest of its sentence (to the next 。 or line end)."""
    out = []
    start, end = period
    for m in mentions[mentions["kind"] == "date"].itertuples():
        if not _CUTOFF.search(text[max(0, m.start - 8) : m.start]):
            continue
        found = re.search(r"(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]", m.text) or \
            re.fullmatch(r"(\d{4})[.\-/](\d{1,2})[.\-/](\d{1,2})", m.text)
        if not found:
            continue
        year = int(found[1]) if found[1] else start.year
        day = _date(year, found[2], found[3])
        if day and not found[1] and day < start and end.year > start.year:
            day = _date(end.year, found[2], found[3])
        if day is None or not (start <= day <= end):
            continue
        stop = len(text)
        for mark in ("。", "\n"):
            k = text.find(mark, m.end)
            if k >= 0:
                stop = min(stop, k)
        out.append((m.start, stop, day))
    return out


def _figure_place(places: list, sentence: tuple[int, int], start: int, skip: list[tuple[int, int]]):
    """The place of a figure: the place printed closest before it in its sentence (曙光社区由社工负责，…送餐 60
    份), else None. Cities give no place (city-wide figures are project-wide), and places that are items of a
    list (向 A 社区，B 街道等 20 个单位) are not the subject of the sentence.
    """
    s, _ = sentence
    found = [p for p in places if s <= p.start and p.end <= start and p.level != "city"
             and not any(a <= p.start < b for a, b in skip)]
    return max(found, key=lambda p: p.end) if found else None


def propose(text: str, report_id: str, source: str) -> Draft:
    """Draft every table of a report folder from ``text`` (see the module docstring)."""
    meta, period_span = propose_meta(text, report_id, source)
    period = (meta["period_start"], meta["period_end"])
    sections = split_sections(text)
    paths = section_paths(text)
    mentions = extract_mentions(text)
    budget, budget_spans = propose_budget(text)
    place_mentions = place_mod.find_places(text)
    places = place_mod.propose_places(text, place_mentions)
    place_ids = dict(zip(places["name_zh"], places["place_id"]))
    place_levels = dict(zip(places["name_zh"], places["level"]))
    sentences = place_mod.sentence_spans(text)
    cutoffs = _cutoffs(text, mentions, period)
    proposal_sections = {s.key for s in sections if _PROPOSAL_TITLE.search(s.title)}

    def sentence_of(offset: int) -> tuple[int, int]:
        return next(((s, e) for s, e in sentences if s <= offset < e), (offset, offset))

    def in_budget(offset: int) -> bool:
        return any(s <= offset < e for s, e in budget_spans)

    from analysis.draft.budget import table_blocks

    header_rows = [(b[0][0], b[0][0] + len(b[0][1])) for b in table_blocks(text)]

    def not_a_figure(m) -> tuple[str, str] | None:
        """(reason, note) for a number that counts nothing: a table heading, 万 of 万元, an ordinal (第2期)."""
        if any(s <= m.start < e for s, e in header_rows):
            return "name", "in the header row of a table"
        if m.text.strip() in ("十", "百", "千", "万", "亿"):
            return "name", "a unit word such as 万元, not a number"
        if re.search(r"第[ \u3000]*$", text[max(0, m.start - 3) : m.start]):
            return "ordinal", "an ordinal (第…), not a count"
        return None

    figures, exclusions, lists, list_items, targets = [], [], [], [], []
    for m in mentions.itertuples():
        top = m.section
        path = _path_at(paths, m.start)
        if m.kind != "number":
            reason = {"date": "date", "time": "time", "enumeration": "section_number", "model": "name",
                      "other": "name", "percent": "percent"}[m.kind]
            if period_span and period_span[0] <= m.start < period_span[1] and m.kind == "date":
                reason = "project_period"
            note = "a percentage: the data model has no percent unit; transcribe it by hand if it matters" \
                if m.kind == "percent" else None
            exclusions.append({"section": top, "text": m.text,
                               "quote": shortest_quote(text, sections, top, m.start, m.end, m.text),
                               "reason": reason, "note": note, "status": DRAFT})
            continue
        if in_budget(m.start):
            continue  # a cell of the budget table
        if skip := not_a_figure(m):
            exclusions.append({"section": top, "text": m.text,
                               "quote": shortest_quote(text, sections, top, m.start, m.end, m.text),
                               "reason": skip[0], "note": skip[1], "status": DRAFT})
            continue
        word, unit_end = measure_word(text, m.end)
        if not word and not re.search(r"[0-9]", m.text):  # 三轮车: a Chinese numeral inside a name
            exclusions.append({"section": top, "text": m.text,
                               "quote": shortest_quote(text, sections, top, m.start, m.end + 1, m.text),
                               "reason": "name", "note": "a Chinese numeral with no measure word: part of a name?",
                               "status": DRAFT})
            continue
        unit_zh = multiplier(m.text) + word
        label = _label(text, m.start, unit_end, unit_zh)
        after = text[unit_end : unit_end + 24]
        unit = unit_for(unit_zh, label, after)
        note = None
        if not unit_zh:
            unit_zh, note = "（无）", "no unit printed after the number; check the unit"
        sentence = sentence_of(m.start)
        cutoff = next((d for s, e, d in reversed(cutoffs) if s <= m.start < e), None)
        qualifier = m.qualifier
        first_sentence = _first_sentence_of_item(text, paths, m.start)
        clause, _ = _clause_before(text, m.start)
        if _TARGET_CUE.search(clause) or (
                top in proposal_sections and first_sentence and first_sentence[0] <= m.start < first_sentence[1]
                and not _DONE_CUE.search(clause)):
            qualifier = "target"
        value_ok = pd.notna(m.value)
        if not value_ok:
            continue
        quote = shortest_quote(text, sections, top, m.start, unit_end if word else m.end)
        if len(find_quote(text, sections, top, quote)) != 1:
            note = "the line occurs more than once in its section: extend the quote until it is unique"
        value = m.value
        if value < 0:  # counts and amounts are not negative in the data model; the sign stays in the quote
            value, note = -value, "printed with a minus sign: check what it means (a balance? a decrease?)"
        figures.append({"start": m.start, "end": unit_end, "section": path, "label_zh": label,
                        "value": value, "value_max": m.value_max, "unit": unit, "unit_zh": unit_zh,
                        "qualifier": qualifier, "is_approximate": bool(m.is_approximate),
                        "cutoff_date": cutoff, "sentence": sentence, "quote": quote, "note": note,
                        "is_cumulative": bool(re.search(r"累计|共计|总计|截止|截至",
                                                        text[sentence[0] : m.start]))})

    # lists with a stated count, and which places belong to a list (a count of places has no place)
    list_spans: dict[int, tuple[int, int]] = {}
    for k, f in enumerate(figures):
        count = f["value"]
        if f["qualifier"] not in ("exact", "target") or pd.notna(f["value_max"]) or count != int(count) \
                or not 2 <= count <= 500:
            continue
        found = list_before(text, f["sentence"][0], f["start"], count)
        items, examples = found if found else (list_after(text, f["end"]), False)
        if not items:
            continue
        list_spans[k] = (items[0][0], items[-1][0] + len(items[-1][1]))
        list_id = f"list{len(lists) + 1:02d}"
        lists.append({"list_id": list_id, "section": f["section"], "label_zh": f["label_zh"],
                      "label_en": f["label_zh"], "count_figure_id": None if examples else f"F{k + 1:03d}",
                      "status": DRAFT})
        top = f["section"].split(".")[0]
        for no, (offset, item) in enumerate(items, start=1):
            list_items.append({"list_id": list_id, "item_no": no, "item_zh": item,
                               "quote": shortest_quote(text, sections, top, offset, offset + len(item)),
                               "status": DRAFT})

    # places, scopes, metrics
    rows = []
    groups = metric_groups(figures)
    metric_ids: dict[int, str] = {}
    metric_rows = []
    for k, f in enumerate(figures):
        place = _figure_place(place_mentions, f["sentence"], f["start"], list(list_spans.values()))
        level = place_levels.get(place.name) if place else None
        key = groups[k]
        if key not in metric_ids:
            target = "target_" if f["qualifier"] == "target" else ""
            metric_ids[key] = f"{target}{f['unit']}_{len(metric_ids) + 1:03d}"
            metric_rows.append({"metric": metric_ids[key], "label_zh": f["label_zh"], "label_en": f["label_zh"],
                                "is_cumulative": "true" if f["is_cumulative"] else "false", "topic": None,
                                "status": DRAFT})
        rows.append({"figure_id": f"F{k + 1:03d}", "section": f["section"], "metric": metric_ids[key],
                     "label_zh": f["label_zh"], "value": f["value"], "value_max": f["value_max"],
                     "unit": f["unit"], "unit_zh": f["unit_zh"], "qualifier": f["qualifier"],
                     "is_approximate": "true" if f["is_approximate"] else "false",
                     "cutoff_date": f["cutoff_date"], "scope": place_mod.SCOPE.get(level, "project"),
                     "place_id": place_ids.get(place.name) if level in place_mod.SCOPE else None,
                     "quote": f["quote"], "note": f["note"], "status": DRAFT})
        if f["qualifier"] == "target":
            targets.append({"target_id": f"t{len(targets) + 1:02d}", "section": f["section"],
                            "label_zh": _target_label(text, f), "label_en": _target_label(text, f),
                            "target_figure_id": f"F{k + 1:03d}", "status": DRAFT})
    figures_frame = pd.DataFrame(rows, columns=[
        "figure_id", "section", "metric", "label_zh", "value", "value_max", "unit", "unit_zh", "qualifier",
        "is_approximate", "cutoff_date", "scope", "place_id", "quote", "note", "status"])
    grant = next((r["figure_id"] for r in rows if r["unit"] == "yuan" and r["section"] == HEADER
                  and re.search(r"预算|资助|经费|金额|资金", r["label_zh"])), "")
    meta["grant_figure_id"] = grant
    places = places.assign(status=DRAFT)
    tables = {
        "places": places,
        "metrics": pd.DataFrame(metric_rows, columns=["metric", "label_zh", "label_en", "is_cumulative", "topic",
                                                      "status"]),
        "figures": figures_frame,
        "targets": pd.DataFrame(targets, columns=["target_id", "section", "label_zh", "label_en",
                                                  "target_figure_id", "status"]),
        "budget": budget,
        "lists": pd.DataFrame(lists, columns=["list_id", "section", "label_zh", "label_en", "count_figure_id",
                                              "status"]),
        "list_items": pd.DataFrame(list_items, columns=["list_id", "item_no", "item_zh", "quote", "status"]),
        "exclusions": pd.DataFrame(exclusions, columns=["section", "text", "quote", "reason", "note", "status"]),
    }
    return Draft(meta, tables, text)


def metric_groups(figures: list[dict]) -> list[int]:
    """A group number per figure: figures of one group share a metric id.

    Same label and unit: one group. Across top-level sections, a label contained in another with the same
    unit joins it too (送餐 and 送餐上门服务): the report restating a figure in other words is what the
    contradiction checks look for. Targets never share a metric with what was achieved. Groups are
    transitive: 送餐上门 in 一 joins 送餐 through 送餐上门服务 in 四.

    >>> f = lambda s, label, unit="households", q="exact": {"section": s, "label_zh": label, "unit": unit, "qualifier": q}
    >>> metric_groups([f("一.2", "送餐"), f("五.1", "送餐"), f("四.3", "送餐上门服务"), f("一.2", "送餐", q="target"),
    ...                f("四", "送餐", "person_times"), f("一.2", "送餐上门")])
    [0, 0, 0, 3, 4, 0]
    """  # noqa: E501
    parent = list(range(len(figures)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        a, b = find(i), find(j)
        if a != b:
            parent[max(a, b)] = min(a, b)

    keys = [(_norm(f["label_zh"]), f["unit"], f["qualifier"] == "target") for f in figures]
    first: dict[tuple, int] = {}
    for i, key in enumerate(keys):
        if key in first:
            union(first[key], i)
        else:
            first[key] = i
    tops = [f["section"].split(".")[0] for f in figures]
    for i, j in ((a, b) for a in range(len(figures)) for b in range(a + 1, len(figures))):
        (a, unit_a, t_a), (b, unit_b, t_b) = keys[i], keys[j]
        if tops[i] == tops[j] or unit_a != unit_b or t_a != t_b or a == b:
            continue
        short, long_ = sorted((a, b), key=len)
        if len(short) >= 2 and short in long_ and short not in MEASURE_WORDS:
            union(i, j)
    return [find(i) for i in range(len(figures))]


def _first_sentence_of_item(text: str, paths, offset: int) -> tuple[int, int] | None:
    """The span of the first sentence of the numbered item (``1.`` …) that contains ``offset``."""
    line_start = text.rfind("\n", 0, offset) + 1
    if not _ITEM1.match(text[line_start : line_start + 6]):
        return None
    stop = text.find("。", line_start)
    nl = text.find("\n", line_start)
    stop = min(x for x in (stop if stop >= 0 else len(text), nl if nl >= 0 else len(text)))
    return line_start, stop + 1


def _target_label(text: str, f: dict) -> str:
    line_start = text.rfind("\n", 0, f["start"]) + 1
    sentence = text[line_start : f["end"]]
    sentence = _ITEM1.sub("", sentence).strip()
    return sentence[-40:] or f["label_zh"]
