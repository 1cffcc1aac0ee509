"""Transcription completeness: is every numeric mention of the source a transcribed figure or an exclusion?"""

from __future__ import annotations

import pandas as pd

from analysis.extract import account_for, extract_mentions
from analysis.load import Report
from analysis.sections import section_of

BUDGET_VALUE_COLUMNS = ("budget_yuan", "actual_yuan", "remaining_yuan")


def transcribed_values(report: Report) -> pd.DataFrame:
    """One row per value a transcribed row carries: columns ``ref``, ``section``, ``quote``, ``value``.

    Figures contribute ``value`` and ``value_max``; budget rows their three amounts, located in the section where
    their quote stands (the budget table has no section column).
    """
    rows = []
    for fig in report.figures.itertuples(index=False):
        for value in (fig.value, fig.value_max):
            if pd.notna(value):
                rows.append((f"figures:{fig.figure_id}", fig.section, fig.quote, float(value)))
    for line in report.budget.itertuples(index=False):
        section = section_of(report.sections, report.source_text.find(line.quote))
        for column in BUDGET_VALUE_COLUMNS:
            value = getattr(line, column)
            if pd.notna(value):
                rows.append((f"budget:{line.line_id}", section, line.quote, float(value)))
    return pd.DataFrame(rows, columns=["ref", "section", "quote", "value"])


def account_report(report: Report) -> pd.DataFrame:
    """Every numeric mention of the report's source with ``covered_by`` and ``how`` (None when unaccounted).

    Columns: those of :func:`analysis.extract.extract_mentions` plus ``covered_by`` (``figures:F012``,
    ``budget:masks`` or ``exclusions:<reason>``) and ``how`` (``value``, ``abs(value)``, ``value_max``,
    ``exclusion``).
    """
    text = report.source_text
    return account_for(text, extract_mentions(text), transcribed_values(report), report.exclusions)


def unaccounted(report: Report) -> pd.DataFrame:
    """The mentions neither transcribed nor excluded (empty when the transcription is complete)."""
    accounted = account_report(report)
    return accounted[accounted["covered_by"].isna()].reset_index(drop=True)


def values_not_in_quotes(report: Report) -> pd.DataFrame:
    """Transcribed values that no number printed in their own quote equals (a typo in the data).

    Columns: those of :func:`transcribed_values`. Empty when every value is read off its quote.
    """
    values = transcribed_values(report)
    keep = []
    for row in values.itertuples(index=False):
        printed = extract_mentions(row.quote)
        numbers = pd.concat([printed["value"], printed["value"].abs(), printed["value_max"]]).dropna()
        keep.append(not any(abs(n - row.value) <= 1e-9 * max(1.0, abs(row.value)) for n in numbers))
    return values[keep].reset_index(drop=True)


def unused_exclusions(report: Report) -> pd.DataFrame:
    """Rows of exclusions.csv whose quote contains no mention with their ``text`` (stale exclusions).

    Columns: those of exclusions.csv. Empty when every exclusion explains at least one mention.
    """
    keep = []
    for row in report.exclusions.itertuples(index=False):
        printed = extract_mentions(row.quote)["text"].str.strip()
        keep.append(str(row.text).strip() not in set(printed))
    return report.exclusions[keep].reset_index(drop=True)
