"""Words from data made plain for a funder (unit ids as words, section numbers in digits on English pages)
and the source sections a frame or quotes draw on."""

from __future__ import annotations

import re

import pandas as pd

from analysis.present.formats import (
    MISSING,
    _missing,
    split_ids,
    unit_word,
)
from analysis.present.labels import (
    section_number,
    section_sort_key,
)

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
    >>> plain("Section 一.2 and section 五.1.1) differ; 「多出了800多元」 stays", "en")
    'Section 1.2 and section 5.1.1 differ; 「多出了800多元」 stays'
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
