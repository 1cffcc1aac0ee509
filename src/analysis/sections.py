"""Cut a report's source text into top-level sections (header, 一、 … 十、) and find quotes inside them."""

from __future__ import annotations

import re
from dataclasses import dataclass

HEADER = "header"

# A top-level heading: a line that starts with a Chinese numeral and 、 ("一、请对照项目书…").
_HEADING = re.compile(r"^([一二三四五六七八九十]+)、", re.MULTILINE)
_UNITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


@dataclass(frozen=True)
class Section:
    """One top-level section, ``text[start:end]``; ``key`` is ``header`` or the heading's numeral (``一``)."""

    key: str
    title: str
    start: int
    end: int


def _heading_number(numeral: str) -> int | None:
    """The value of a heading numeral from 一 to 九十九, or None when it is not one.

    >>> _heading_number("一"), _heading_number("十"), _heading_number("十二"), _heading_number("二十三")
    (1, 10, 12, 23)
    >>> _heading_number("一一") is None
    True
    """
    m = re.fullmatch(r"([一二三四五六七八九])?(十)?([一二三四五六七八九])?", numeral)
    if not m or not numeral or (m[1] and m[3] and not m[2]):
        return None
    tens = (_UNITS[m[1]] if m[1] else 1) * 10 if m[2] else 0
    return tens + (_UNITS[m[3]] if m[3] else 0) + (_UNITS[m[1]] if m[1] and not m[2] else 0)


def _title(line: str) -> str:
    """A heading line without its marker, cut after the first 。 (a heading may run on into the body)."""
    cut = line.find("。")
    return (line if cut < 0 else line[: cut + 1]).strip()


def split_sections(text: str) -> list[Section]:
    """Cut ``text`` into sections that tile it: ``header`` (possibly empty), then one per 一、 … heading.

    A heading counts only when its number is greater than the previous heading's, so a list restarting at
    一、 inside a section does not open a new top-level section. Offsets are character offsets into ``text``.

    >>> text = "标题\\n一、甲。乙\\n1. 丙\\n二、丁\\n一、不是新的一节\\n"
    >>> for s in split_sections(text):
    ...     print(s.key, s.title, repr(text[s.start : s.end]))
    header 标题 '标题\\n'
    一 甲。 '一、甲。乙\\n1. 丙\\n'
    二 丁 '二、丁\\n一、不是新的一节\\n'
    >>> split_sections("")
    [Section(key='header', title='', start=0, end=0)]
    """
    heads: list[re.Match[str]] = []
    last = 0
    for m in _HEADING.finditer(text):
        number = _heading_number(m[1])
        if number is not None and number > last:
            heads.append(m)
            last = number
    starts = [0] + [m.start() for m in heads]
    ends = starts[1:] + [len(text)]
    header_lines = [line.strip() for line in text[: starts[1] if heads else len(text)].splitlines()]
    sections = [Section(HEADER, next((line for line in header_lines if line), ""), 0, ends[0])]
    for m, start, end in zip(heads, starts[1:], ends[1:], strict=True):
        line_end = text.find("\n", m.end())
        line = text[m.end() : line_end if line_end >= 0 else len(text)]
        sections.append(Section(m[1], _title(line), start, end))
    return sections


def section_key(section: str) -> str:
    """The top-level key of a section cell: the part before the first ``.``.

    >>> section_key("四.3.2)"), section_key("header"), section_key("七"), section_key(" 五.1 ")
    ('四', 'header', '七', '五')
    """
    return section.strip().split(".", 1)[0].strip()


def get_section(sections: list[Section], section: str) -> Section:
    """The section whose key is ``section_key(section)``; KeyError when there is none.

    >>> get_section(split_sections("前言\\n一、甲\\n"), "一.2").start
    3
    >>> get_section(split_sections("前言\\n一、甲\\n"), "九")
    Traceback (most recent call last):
    KeyError: "no section '九' in the source (sections: header, 一)"
    """
    key = section_key(section)
    for s in sections:
        if s.key == key:
            return s
    raise KeyError(f"no section {key!r} in the source (sections: {', '.join(s.key for s in sections)})")


def find_quote(text: str, sections: list[Section], section: str, quote: str) -> list[int]:
    """Start offsets of every occurrence of ``quote`` wholly inside the top-level section of ``section``.

    Occurrences may overlap. Raises KeyError for an unknown section, ValueError for an empty quote.

    >>> text = "前言 3 人\\n一、甲 3 人，3 人\\n二、乙 3 人\\n"
    >>> secs = split_sections(text)
    >>> find_quote(text, secs, "一", "3 人"), find_quote(text, secs, "二.1", "3 人")
    ([11, 15], [23])
    >>> find_quote(text, secs, "一", "4")
    []
    >>> find_quote("aaa", split_sections("aaa"), "header", "aa")
    [0, 1]
    """
    if not quote:
        raise ValueError("an empty quote cannot be located")
    s = get_section(sections, section)
    hits = []
    i = text.find(quote, s.start, s.end)
    while i >= 0:
        hits.append(i)
        i = text.find(quote, i + 1, s.end)
    return hits


def section_of(sections: list[Section], offset: int) -> str:
    """The key of the section that contains character ``offset``; ValueError when no section does.

    >>> secs = split_sections("前言\\n一、甲\\n")
    >>> section_of(secs, 0), section_of(secs, 2), section_of(secs, 3), section_of(secs, 6)
    ('header', 'header', '一', '一')
    >>> section_of(secs, 7)
    Traceback (most recent call last):
    ValueError: offset 7 lies outside the text (0..6)
    """
    for s in sections:
        if s.start <= offset < s.end:
            return s.key
    end = sections[-1].end if sections else 0
    raise ValueError(f"offset {offset} lies outside the text (0..{end - 1})")
