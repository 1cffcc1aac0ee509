"""Sections of a source text: split at 一、 … headings, keys, quote look-up inside a section."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from analysis.sections import Section, find_quote, get_section, section_key, section_of, split_sections

SEED_SOURCE = Path(__file__).resolve().parents[1] / "data" / "raw" / "000_50b9dd043a2a48bc.txt"


@pytest.fixture(scope="module")
def seed() -> str:
    return SEED_SOURCE.read_text(encoding="utf-8")


def test_seed_keys(seed):
    """The seed splits into header and the top-level sections 一 … 七, in order."""
    assert [s.key for s in split_sections(seed)] == ["header", "一", "二", "三", "四", "五", "六", "七"]


def test_seed_sections_tile_the_text(seed):
    """Sections start at 0, end at len(text) and each one starts where the previous one ends."""
    sections = split_sections(seed)
    assert sections[0].start == 0 and sections[-1].end == len(seed)
    assert all(a.end == b.start for a, b in zip(sections, sections[1:], strict=False))


def test_seed_sections_start_at_their_heading(seed):
    """Every numbered section starts with its numeral and 、 at the beginning of a line."""
    for s in split_sections(seed)[1:]:
        assert seed[s.start : s.start + len(s.key) + 1] == s.key + "、"
        assert s.start == 0 or seed[s.start - 1] == "\n"


def test_seed_titles(seed):
    """A title is the heading line without its marker, cut after the first 。 (header: its first line)."""
    titles = {s.key: s.title for s in split_sections(seed)}
    assert titles["header"] == "项目结项报告"
    assert titles["一"] == "请对照项目书分点阐述项目执行情况。"
    assert titles["二"] == "项目执行是否有变更或未按计划开展，请说明原因。"
    assert titles["七"] == "财务报告（对照预算表进行预算与实际对照提交，表格可适当调整）"


def test_header_holds_the_text_before_the_first_heading(seed):
    """The header section is the text before 一、 (project name, period, budget)."""
    header = get_section(split_sections(seed), "header")
    assert "项目预算：3万" in seed[header.start : header.end]
    assert "一、" not in seed[header.start : header.end]


def test_heading_must_start_a_line():
    """A numeral and 、 in the middle of a line is not a heading."""
    text = "前言\n一、甲，其中二、乙\n"
    assert [s.key for s in split_sections(text)] == ["header", "一"]


def test_restarted_list_is_not_a_new_section():
    """A heading whose number does not exceed the previous one (a list restarting at 一、) is body text."""
    text = "一、甲\n二、乙\n一、乙的第一点\n三、丙\n"
    sections = split_sections(text)
    assert [s.key for s in sections] == ["header", "一", "二", "三"]
    assert "一、乙的第一点" in text[sections[2].start : sections[2].end]


def test_text_starting_with_a_heading_has_an_empty_header():
    """Without text before 一、 the header is empty (0, 0) and 一 starts at 0."""
    sections = split_sections("一、甲\n")
    assert sections[0] == Section("header", "", 0, 0)
    assert (sections[1].key, sections[1].start, sections[1].end) == ("一", 0, 4)


def test_heading_numbers_above_ten():
    """Headings 十、 and 十一、 are recognised."""
    text = "".join(f"{n}、x\n" for n in "一二三四五六七八九") + "十、x\n十一、x\n"
    assert [s.key for s in split_sections(text)][-2:] == ["十", "十一"]


def test_section_is_frozen():
    """Section is an immutable value."""
    with pytest.raises(dataclasses.FrozenInstanceError):
        split_sections("x")[0].key = "y"


@pytest.mark.parametrize(
    "cell, key",
    [
        ("四.3.2)", "四"),
        ("header", "header"),
        ("七", "七"),
        ("五.1.1)", "五"),
        ("一.2", "一"),
        (" 三 ", "三"),
    ],
)
def test_section_key(cell, key):
    """The key of a section cell is the part before the first dot."""
    assert section_key(cell) == key


def test_find_quote_once_in_each_of_two_sections(seed):
    """A sentence repeated in sections 一 and 五 is found once in each, at different offsets."""
    sections = split_sections(seed)
    quote = "截止 3 月 12 日累计对 2205 名困难人员开展关怀服务"
    in_one, in_five = find_quote(seed, sections, "一", quote), find_quote(seed, sections, "五.1.2)", quote)
    assert len(in_one) == 1 and len(in_five) == 1 and in_one != in_five
    assert find_quote(seed, sections, "四", quote) == []
    assert seed[in_five[0] : in_five[0] + len(quote)] == quote


def test_find_quote_with_tabs_in_the_budget_table(seed):
    """A budget row quoted with its tab characters is found in section 七."""
    hits = find_quote(seed, split_sections(seed), "七", "合计\t\t30,000\t30,049.5\t-49.5")
    assert len(hits) == 1


def test_find_quote_overlapping_occurrences():
    """Overlapping occurrences are all reported."""
    text = "一、11111\n"
    assert find_quote(text, split_sections(text), "一", "111") == [2, 3, 4]


def test_find_quote_must_lie_wholly_inside_the_section():
    """An occurrence that crosses the end of the section does not count."""
    text = "一、甲乙\n二、丙\n"
    sections = split_sections(text)
    assert find_quote(text, sections, "一", "乙\n二") == []
    assert find_quote(text, sections, "一", "甲乙\n") == [2]


def test_find_quote_unknown_section():
    """An unknown section key raises KeyError."""
    with pytest.raises(KeyError, match="九"):
        find_quote("一、甲\n", split_sections("一、甲\n"), "九.1", "甲")


def test_find_quote_empty_quote():
    """An empty quote raises ValueError instead of matching everywhere."""
    with pytest.raises(ValueError):
        find_quote("一、甲\n", split_sections("一、甲\n"), "一", "")


def test_section_of(seed):
    """section_of names the section holding an offset; offsets outside the text raise ValueError."""
    sections = split_sections(seed)
    assert section_of(sections, 0) == "header"
    assert section_of(sections, seed.index("项目预算")) == "header"
    assert section_of(sections, seed.index("一、")) == "一"
    assert section_of(sections, seed.index("合计")) == "七"
    assert section_of(sections, len(seed) - 1) == "七"
    with pytest.raises(ValueError):
        section_of(sections, len(seed))
