"""Transcription against the source: is each transcribed value printed in its own quote, and is every numeric
mention of the source a transcribed figure or an exclusion?

The ``*_problems`` functions are the checks ``closeout validate`` runs (through :func:`analysis.load.validate_report`);
they take partly invalid tables and skip the rows whose own cells are already reported. The other functions
return DataFrames for ``closeout extract --report``.
"""

from __future__ import annotations

import functools
import math
from typing import TYPE_CHECKING

import pandas as pd

from analysis.errors import Problem
from analysis.extract import account_for, extract_mentions, mention_records
from analysis.sections import section_key, section_of
from analysis.table_rules import number

if TYPE_CHECKING:
    from analysis.load import Report

BUDGET_VALUE_COLUMNS = ("budget_yuan", "actual_yuan", "remaining_yuan")
FIGURE_VALUE_COLUMNS = ("value", "value_max")
#: Mention kinds whose number a figure may take (not enumerations, model names such as N95, dates or times).
VALUE_KINDS = ("number", "percent", "other")
_MINUS = "-−－"


@functools.lru_cache(maxsize=65536)
def printed_numbers(quote: str) -> tuple[tuple[str, float], ...]:
    """(text as printed, number) for every number ``quote`` prints, after 万/千/Chinese-numeral conversion.

    A range gives both ends; a number written right after a minus sign counts with that sign.

    >>> printed_numbers("项目预算：3万")
    (('3万', 30000.0),)
    >>> printed_numbers("棉被\\t12000.00\\t24315.5\\t-815.5")
    (('12000.00', 12000.0), ('24315.5', 24315.5), ('-815.5', -815.5))
    >>> printed_numbers("预计 8-10 家，一万件，余额-500")
    (('8-10', 8.0), ('8-10', 10.0), ('一万', 10000.0), ('-500', -500.0))
    """
    out = []
    for m in mention_records(quote):
        if m["kind"] not in VALUE_KINDS:
            continue
        text = m["text"].strip()
        start = quote.find(m["text"])
        value = float(m["value"])
        if value > 0 and start > 0 and quote[start - 1] in _MINUS and not text.startswith(tuple(_MINUS)):
            value, text = -value, quote[start - 1] + text
        out.append((text, value))
        if not math.isnan(m["value_max"]):
            out.append((text, float(m["value_max"])))
    return tuple(out)


def is_printed(value: float, quote: str) -> bool:
    """True when ``value`` equals (relative tolerance 1e-9, sign included) a number ``quote`` prints.

    >>> is_printed(20000, "20万"), is_printed(200000, "20万"), is_printed(-12000, "12000.00")
    (False, True, False)
    """
    return any(math.isclose(value, n, rel_tol=1e-9, abs_tol=1e-9) for _, n in printed_numbers(quote))


def _printed_list(quote: str) -> str:
    numbers = printed_numbers(quote)
    if not numbers:
        return "no number"
    shown = []
    for text, n in numbers:
        words = any(c in "十百千万亿零〇一二两三四五六七八九" for c in text)
        item = f"{text.lstrip('约至少不低于超过逾近大 ')} = {number(n)}" if words else number(n)
        if item not in shown:
            shown.append(item)
    return ", ".join(shown[:6]) + (", …" if len(shown) > 6 else "")


def value_problems(frame: pd.DataFrame, columns: tuple[str, ...], rel: str, skip: set[int]) -> list[Problem]:
    """Values of ``columns`` that no number printed in the row's quote equals (a typo, a dropped 万, a sign).

    Rows in ``skip`` (whose value or quote is already reported) and derived figures (``is_derived`` true) are
    not checked.
    """
    if "quote" not in frame:
        return []
    derived = frame["is_derived"].fillna(False).astype(bool) if "is_derived" in frame else None
    problems = []
    for col in columns:
        if col not in frame:
            continue
        is_derived = derived if derived is not None else pd.Series(False, index=frame.index)
        for i, value, quote, skip_derived in zip(frame.index, frame[col], frame["quote"], is_derived):
            if i in skip or pd.isna(value) or not isinstance(quote, str) or skip_derived:
                continue
            if not is_printed(float(value), quote):
                hint = " (or is_derived true with a note saying how it was derived)" if derived is not None or \
                    col in FIGURE_VALUE_COLUMNS else ""
                problems.append(Problem(rel, i + 2, col, f"a number printed in the row's quote{hint}",
                                        f"{number(float(value))}, but the quote {_clip(quote)!r} prints "
                                        f"{_printed_list(quote)}", kind="value not in quote"))
    return problems


def _clip(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- completeness ---------------------------------------------------------------------------------


def _transcribed(report: Report, skip: dict[str, set[int]]) -> pd.DataFrame:
    keys = {s.key for s in report.sections}
    rows = []
    figures = report.tables.get("figures")
    if figures is not None:
        for i, fig in figures.iterrows():
            if i in skip.get("figures", ()) or not isinstance(fig["quote"], str) or \
                    not isinstance(fig["section"], str) or section_key(fig["section"]) not in keys:
                continue
            for col in FIGURE_VALUE_COLUMNS:
                if col in figures and pd.notna(fig[col]):
                    rows.append((f"figures:{fig['figure_id']}", fig["section"], fig["quote"], float(fig[col])))
    budget = report.tables.get("budget")
    if budget is not None:
        for i, line in budget.iterrows():
            at = report.source_text.find(line["quote"]) if isinstance(line["quote"], str) else -1
            if i in skip.get("budget", ()) or at < 0:
                continue
            section = section_of(report.sections, at)
            for col in BUDGET_VALUE_COLUMNS:
                if col in budget and pd.notna(line[col]):
                    rows.append((f"budget:{line['line_id']}", section, line["quote"], float(line[col])))
    return pd.DataFrame(rows, columns=["ref", "section", "quote", "value"])


def transcribed_values(report: Report) -> pd.DataFrame:
    """One row per value a transcribed row carries: columns ``ref``, ``section``, ``quote``, ``value``.

    Figures contribute ``value`` and ``value_max``; budget rows their three amounts, located in the section where
    their quote stands (the budget table has no section column).
    """
    return _transcribed(report, {})


def _exclusions(report: Report, skip: dict[str, set[int]]) -> pd.DataFrame:
    exclusions = report.tables.get("exclusions")
    if exclusions is None:
        return pd.DataFrame(columns=["section", "text", "quote", "reason"])
    keys = {s.key for s in report.sections}
    ok = [i not in skip.get("exclusions", ()) and isinstance(row["section"], str) and isinstance(row["quote"], str)
          and isinstance(row["text"], str) and section_key(row["section"]) in keys for i, row in exclusions.iterrows()]
    return exclusions[ok]


def account_report(report: Report) -> pd.DataFrame:
    """Every numeric mention of the report's source with ``covered_by`` and ``how`` (None when unaccounted).

    Columns: those of :func:`analysis.extract.extract_mentions` plus ``covered_by`` (``figures:F012``,
    ``budget:masks`` or ``exclusions:<reason>``) and ``how`` (``value``, ``abs(value)``, ``value_max``,
    ``exclusion``).
    """
    text = report.source_text
    return account_for(text, extract_mentions(text), transcribed_values(report), _exclusions(report, {}))


def unaccounted(report: Report) -> pd.DataFrame:
    """The mentions neither transcribed nor excluded (empty when the transcription is complete)."""
    accounted = account_report(report)
    return accounted[accounted["covered_by"].isna()].reset_index(drop=True)


def values_not_in_quotes(report: Report) -> pd.DataFrame:
    """Transcribed values that no number printed in their own quote equals, sign included (a typo in the data).

    Columns: those of :func:`transcribed_values`. Derived figures (``is_derived`` true) are left out. Empty when
    every value is read off its quote.
    """
    values = transcribed_values(report)
    derived = set()
    if "is_derived" in report.figures:
        derived = {f"figures:{f}" for f in report.figures.loc[report.figures["is_derived"].fillna(False).astype(bool),
                                                              "figure_id"]}
    keep = [row.ref not in derived and not is_printed(row.value, row.quote) for row in values.itertuples()]
    return values[keep].reset_index(drop=True)


def _stale(exclusions: pd.DataFrame) -> list:
    return [i for i, row in exclusions.iterrows()
            if str(row["text"]).strip() not in {t.strip() for t in extract_mentions(row["quote"])["text"]}]


def unused_exclusions(report: Report) -> pd.DataFrame:
    """Rows of exclusions.csv whose quote contains no mention with their ``text`` (stale exclusions).

    Columns: those of exclusions.csv. Empty when every exclusion explains at least one mention.
    """
    return report.exclusions.loc[_stale(_exclusions(report, {}))].reset_index(drop=True)


def completeness_problems(report: Report, source_rel: str, rel_folder: str,
                          skip: dict[str, set[int]]) -> list[Problem]:
    """One problem per numeric mention of the source that no valid row transcribes or excludes, and one per
    exclusion that explains no mention (stale). ``skip`` maps a table to the rows already reported: they cover
    nothing, and mentions inside their quotes are not reported again."""
    text = report.source_text
    mentions = extract_mentions(text)
    exclusions = _exclusions(report, skip)
    accounted = account_for(text, mentions, _transcribed(report, skip), exclusions)
    spans = []
    for name, rows in skip.items():
        frame = report.tables.get(name)
        if frame is None or "quote" not in frame:
            continue
        for i in rows:
            quote = frame["quote"].get(i)
            if isinstance(quote, str) and quote:
                at = text.find(quote)
                while at >= 0:
                    spans.append((at, at + len(quote)))
                    at = text.find(quote, at + 1)
    problems = []
    for m in accounted[accounted["covered_by"].isna()].itertuples(index=False):
        if any(s <= m.start and m.end <= e for s, e in spans):
            continue
        problems.append(Problem(
            source_rel, int(m.line), m.section,
            "every numeric mention transcribed in figures.csv or budget.csv, or listed in exclusions.csv with a reason",
            f"{m.text!r} accounted for by no row (in “{m.context.strip()}”)",
            kind="unaccounted mention", row_label="line", column_label="section"))
    rel = f"{rel_folder}/exclusions.csv"
    for i in _stale(exclusions):
        problems.append(Problem(rel, i + 2, "text", "a numeric mention printed in the row's quote (an exclusion "
                                "that explains no mention is stale: remove it)", repr(exclusions.at[i, "text"]),
                                kind="stale exclusion"))
    return problems

