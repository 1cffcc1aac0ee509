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
from analysis.units import unit_label


def working_days(start: dt.date, end: dt.date) -> int:
    """Calendar days from ``start`` to ``end``, both counted.

    >>> start = dt.date(2020, 1, 25)
    >>> working_days(start, dt.date(2020, 3, 12)), working_days(start, dt.date(2020, 3, 31))
    (48, 67)
    """
    return (end - start).days + 1


def _date(value) -> dt.date | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


def active_days(report: Report, team_id: str, cutoff=None) -> tuple[int, str, str]:
    """The days a team worked up to an output's cut-off: (days, basis_en, basis_zh).

    The window is the project period, narrowed to the team's own start_date / end_date (workforce.csv) and
    ended at the output's ``cutoff`` date when it has one; the team's pauses (team_pauses.csv) inside the
    window are taken out. Calendar days, both ends counted; 0 when the window is empty.
    """
    start, end = report.period
    team = report.workforce.set_index("team_id").loc[team_id]
    own_start, own_end = _date(team.get("start_date")), _date(team.get("end_date"))
    cut = _date(cutoff)
    lo = max(d for d in (start, own_start) if d is not None)
    hi = min(d for d in (end, own_end, cut) if d is not None)
    pauses = report.tables.get("team_pauses")
    paused, spans = 0, []
    if pauses is not None and len(pauses):
        for p in pauses[pauses["team_id"] == team_id].sort_values("pause_start").itertuples():
            a, b = max(lo, _date(p.pause_start)), min(hi, _date(p.pause_end))
            if a <= b:
                paused += working_days(a, b)
                spans.append((a, b))
    days = max(0, working_days(lo, hi) - paused) if lo <= hi else 0
    if own_start is None and own_end is None and not spans:  # the plain case, worded as before
        if cut is not None:
            return days, f"project start to the output's cut-off date {cut}", f"项目开始至该产出的截止日期 {cut}"
        return days, f"project period {start} to {end}", f"项目周期 {start} 至 {end}"
    until_en = f"the output's cut-off date {hi}" if cut is not None and hi == cut else f"{hi}"
    until_zh = f"该产出的截止日期 {hi} " if cut is not None and hi == cut else f" {hi} "
    since_en = f"the team's start {lo}" if own_start is not None and lo == own_start else f"{lo}"
    since_zh = f"该团队开始服务之日 {lo}" if own_start is not None and lo == own_start else f"{lo}"
    basis_en, basis_zh = f"active days from {since_en} to {until_en}", f"{since_zh} 至{until_zh}的服务天数"
    if spans:
        listed = ", ".join(f"{a} to {b}" for a, b in spans)
        basis_en += f", less {paused} paused days ({listed})"
        basis_zh += f"，扣除暂停的 {paused} 天（{'、'.join(f'{a} 至 {b}' for a, b in spans)}）"
    return days, basis_en, basis_zh


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
    "days_basis_zh",
    "days_basis_en",
    "output_unit_en",
    "workers_unit_en",
]


def intensity(report: Report, within: str | None = None) -> pd.DataFrame:
    """Output per worker and per worker-day for each row of intensities.csv (``within``: only the teams of
    that place and the places inside it).

    Columns: intensity_id, team_id, label_zh, label_en, output_figure_id, workers_figure_id, output_value,
    output_unit, output_unit_zh (as printed), workers, workers_unit, workers_unit_zh, output_per_worker (NaN
    with a note for zero workers, never inf), days, days_basis (= days_basis_en), days_basis_zh, output_per_worker_day,
    is_approximate, place_id (the team's), note, output_unit_en, workers_unit_en (the units' English labels).

    Days are the team's active days (:func:`active_days`): calendar days counting both ends from the project
    start (or the team's later start_date) to the output's cut-off date (or the project end, or the team's
    earlier end_date), less the team's pauses; ``days_basis`` (English) and ``days_basis_zh`` say which days.
    """
    fig = figures(report)
    teams = report.workforce.set_index("team_id")
    rows = []
    inside = None if within is None else set(descendants(report, within))
    for i in report.intensities.itertuples():
        team = teams.loc[i.team_id]
        if inside is not None and team["place_id"] not in inside:
            continue
        out, workers = fig.loc[i.output_figure_id], fig.loc[team["workers_figure_id"]]
        notes = [str(n) for n in (i.note,) if isinstance(n, str) and n]
        days, basis, basis_zh = active_days(report, i.team_id, out["cutoff_date"])
        if days <= 0:
            notes.append("no active day of the team up to the output's cut-off: no per-day value")
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
                "output_unit_en": unit_label(out["unit"], "en", report=report),
                "workers_unit_en": unit_label(workers["unit"], "en", report=report),
                "output_per_worker": per_worker,
                "days": days,
                "days_basis": basis,
                "days_basis_zh": basis_zh,
                "days_basis_en": basis,
                "output_per_worker_day": per_worker / days if days > 0 else math.nan,
                "is_approximate": bool(out["is_approximate"]) or bool(workers["is_approximate"]),
                "place_id": team["place_id"] if isinstance(team["place_id"], str) else None,
                "note": "; ".join(notes),
            }
        )
    return pd.DataFrame(rows, columns=INTENSITY_COLUMNS).astype(
        {"output_value": float, "workers": float, "output_per_worker": float, "output_per_worker_day": float}
    )
