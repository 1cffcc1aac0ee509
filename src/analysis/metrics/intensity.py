"""Intensity: output per worker and per worker-day."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd

from analysis.load import Report
from analysis.metrics.common import (
    descendants,
    figures,
)


def working_days(start: dt.date, end: dt.date) -> int:
    """Calendar days from ``start`` to ``end``, both counted.

    >>> start = dt.date(2020, 1, 25)
    >>> working_days(start, dt.date(2020, 3, 12)), working_days(start, dt.date(2020, 3, 31))
    (48, 67)
    """
    return (end - start).days + 1


INTENSITY_COLUMNS = [
    "intensity_id",
    "team_id",
    "label_zh",
    "label_en",
    "output_figure_id",
    "workers_figure_id",
    "output_value",
    "output_unit",
    "workers",
    "workers_unit",
    "output_per_worker",
    "days",
    "days_basis",
    "output_per_worker_day",
    "is_approximate",
    "place_id",
    "note",
    "output_unit_zh",
    "workers_unit_zh",
]


def intensity(report: Report, within: str | None = None) -> pd.DataFrame:
    """Output per worker and per worker-day for each row of intensities.csv (``within``: only the teams of
    that place and the places inside it).

    Columns: intensity_id, team_id, label_zh, label_en, output_figure_id, workers_figure_id, output_value,
    output_unit, output_unit_zh (as printed), workers, workers_unit, workers_unit_zh, output_per_worker (NaN
    with a note for zero workers, never inf), days,
    days_basis, output_per_worker_day, is_approximate, place_id (the team's), note.

    Days are calendar days counting both ends: from the project start to the output's cut-off date, or the
    whole project period when the output has no cut-off date.
    """
    fig = figures(report)
    teams = report.workforce.set_index("team_id")
    start, end = report.period
    rows = []
    inside = None if within is None else set(descendants(report, within))
    for i in report.intensities.itertuples():
        team = teams.loc[i.team_id]
        if inside is not None and team["place_id"] not in inside:
            continue
        out, workers = fig.loc[i.output_figure_id], fig.loc[team["workers_figure_id"]]
        notes = [str(n) for n in (i.note,) if isinstance(n, str) and n]
        if pd.notna(out["cutoff_date"]):
            cutoff = out["cutoff_date"].date()
            days, basis = working_days(start, cutoff), f"project start to the output's cut-off date {cutoff}"
        else:
            days, basis = working_days(start, end), f"project period {start} to {end}"
        w = workers["value"]
        if not w or pd.isna(w):
            per_worker = math.nan
            notes.append("zero workers: no per-worker value")
        else:
            per_worker = out["value"] / w
        if workers["unit"] == "worker_times":
            notes.append("workers counted as deployments (人次), not people")
        rows.append(
            {
                "intensity_id": i.intensity_id,
                "team_id": i.team_id,
                "label_zh": i.label_zh,
                "label_en": i.label_en,
                "output_figure_id": i.output_figure_id,
                "workers_figure_id": team["workers_figure_id"],
                "output_value": out["value"],
                "output_unit": out["unit"],
                "output_unit_zh": out["unit_zh"],
                "workers": w,
                "workers_unit": workers["unit"],
                "workers_unit_zh": workers["unit_zh"],
                "output_per_worker": per_worker,
                "days": days,
                "days_basis": basis,
                "output_per_worker_day": per_worker / days if days > 0 else math.nan,
                "is_approximate": bool(out["is_approximate"]) or bool(workers["is_approximate"]),
                "place_id": team["place_id"] if isinstance(team["place_id"], str) else None,
                "note": "; ".join(notes),
            }
        )
    return pd.DataFrame(rows, columns=INTENSITY_COLUMNS).astype(
        {"output_value": float, "workers": float, "output_per_worker": float, "output_per_worker_day": float}
    )
