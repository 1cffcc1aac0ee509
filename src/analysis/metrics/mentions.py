"""Where the source text names a place: its full name, not a fragment of another word or an organisation's name.

A mention is an occurrence of the place's full ``name_zh`` (东湖区, 青石社区). Its short form without the
level suffix (东湖, 青石) counts only where it stands alone: followed by a list separator, a numeral, a level
word or a function word (``青石、柳岸两个社区``, ``双井由…负责``), never inside a longer word (``中原福彩``
is no mention of 中原区).
An occurrence inside an organisation's name is no mention either: inside the report's own organisation
(report.toml ``organisation_zh``) or followed, within one word, by a word that ends organisation names
(``东湖区社会组织服务中心``, ``西山县慈善协会``).

>>> text = "在中原区入户。中原福彩捐赠棉被。青石、柳岸两个社区。东湖区慈善协会捐赠。"
>>> mention_spans(text, "中原区"), mention_spans(text, "青石社区"), mention_spans(text, "东湖区")
([(1, 4)], [(16, 18)], [])
"""

from __future__ import annotations

import re

from analysis.load import Report

#: Level suffixes, longest first (新区 before 区).
PLACE_SUFFIXES = ("新区", "街道", "社区", "区", "县", "镇", "乡", "村", "市", "省")
#: Words that end the name of an organisation (not of a government body: 东湖区民政局 is about the district).
ORG_SUFFIXES = (
    "中心",
    "协会",
    "学会",
    "基金会",
    "公司",
    "集团",
    "医院",
    "学校",
    "小学",
    "中学",
    "大学",
    "学院",
    "银行",
    "研究院",
    "研究所",
    "事务所",
    "联合会",
    "商会",
    "促进会",
    "俱乐部",
    "工作室",
    "服务社",
    "合作社",
    "超市",
    "酒店",
    "报社",
    "电视台",
    "福彩",
    "体彩",
)
# One word after the place name that ends in an organisation suffix: CJK or Latin letters, no digit, no
# punctuation and none of the function words that end a name (的 和 与 及 在 等 …).
_ORG_RUN = re.compile(r"(?:(?![的和与及在对向为从等是了各])[^\W\d_]){0,16}?(?:" + "|".join(ORG_SUFFIXES) + ")")
# What may follow a short name for it to stand alone.
_SHORT_END = re.compile(
    r"[、，,。；;：:）)\s]|[和与及等由的在是为有共也已将从对向内各全]|[0-9一二两三四五六七八九十几多]|"
    + "|".join(PLACE_SUFFIXES)
)


def short_name(name_zh: str) -> str:
    """The name without its level suffix (东湖区 → 东湖, 青石街道 → 青石); the name itself when nothing of
    two characters or more would be left.

    >>> short_name("东湖区"), short_name("青石街道"), short_name("滨江新区"), short_name("东区")
    ('东湖', '青石', '滨江', '东区')
    """
    for suffix in PLACE_SUFFIXES:
        if name_zh.endswith(suffix) and len(name_zh) - len(suffix) >= 2:
            return name_zh[: -len(suffix)]
    return name_zh


def _masked(text: str, organisations: tuple[str, ...]) -> list[tuple[int, int]]:
    spans = []
    for org in organisations:
        if org:
            spans += [(m.start(), m.end()) for m in re.finditer(re.escape(org), text)]
    return spans


def mention_spans(text: str, name_zh: str, organisations: tuple[str, ...] = ()) -> list[tuple[int, int]]:
    """The (start, end) offsets where ``text`` names the place ``name_zh`` (see the module docstring), in
    text order; ``organisations``: names of organisations whose occurrences are no mention."""
    if not text or not name_zh:
        return []
    masks = _masked(text, organisations)
    found: list[tuple[int, int]] = []

    def keep(start: int, end: int) -> None:
        if any(a <= start and end <= b for a, b in masks):
            return
        if _ORG_RUN.match(text, end):
            return
        if not any(a <= start < b for a, b in found):
            found.append((start, end))

    for m in re.finditer(re.escape(name_zh), text):
        keep(m.start(), m.end())
    short = short_name(name_zh)
    if short != name_zh:
        for m in re.finditer(re.escape(short), text):
            if text.startswith(name_zh, m.start()):
                continue  # the full name, counted above
            if _SHORT_END.match(text, m.end()):
                keep(m.start(), m.end())
    return sorted(found)


def place_mentions(report: Report, place_id: str) -> list[tuple[int, int]]:
    """Where the report's source names the place (offsets into ``report.source_text``)."""
    names = dict(zip(report.places["place_id"], report.places["name_zh"], strict=True))
    organisations = tuple(str(report.meta.get(k) or "") for k in ("organisation_zh",))
    return mention_spans(report.source_text or "", str(names.get(place_id, "")), organisations)
