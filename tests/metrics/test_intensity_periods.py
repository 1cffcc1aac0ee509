"""Service periods: per worker-day counts a team's active days (its own start/end, less its pauses)."""

from __future__ import annotations

import pytest

from analysis import metrics as m
from analysis.load import validate_report
from engine_data import fig, make_report


def team_report(cutoff: str | None, start=None, end=None, pauses=()) -> object:
    """Project 2020-01-25..2020-03-31; a hotline team of 4 answering 1200 calls."""
    return make_report(
        [
            fig("F001", "hotline_workers", 4, unit="workers"),
            fig("F002", "calls_answered", 1200, unit="calls", cutoff_date=cutoff),
        ],
        workforce=[
            {
                "team_id": "hotline",
                "section": "一",
                "label_zh": "热线",
                "label_en": "Hotline",
                "workers_figure_id": "F001",
                "start_date": start,
                "end_date": end,
            }
        ],
        team_pauses=[{"team_id": "hotline", "pause_start": a, "pause_end": b, "note": None} for a, b in pauses],
        intensities=[
            {
                "intensity_id": "calls",
                "team_id": "hotline",
                "output_figure_id": "F002",
                "label_zh": "每人接听",
                "label_en": "Calls per worker",
            }
        ],
    )


def test_team_start_date_replaces_the_project_start():
    """A hotline that opened on 10 Feb worked 10 Feb..12 Mar (32 days), not the 48 days since 25 Jan."""
    (r,) = m.intensity(team_report("2020-03-12", start="2020-02-10")).itertuples()
    assert r.days == 32
    assert r.output_per_worker_day == pytest.approx(1200 / 4 / 32)
    assert r.days_basis == "active days from the team's start 2020-02-10 to the output's cut-off date 2020-03-12"
    assert r.days_basis_zh == "该团队开始服务之日 2020-02-10 至该产出的截止日期 2020-03-12 的服务天数"


def test_pauses_are_taken_out():
    """A 20-day pause (20 Feb..10 Mar) inside the window: 67 project days − 20 = 47 days, and the basis says so."""
    (r,) = m.intensity(team_report(None, pauses=[("2020-02-20", "2020-03-10")])).itertuples()
    assert r.days == 47
    assert "less 20 paused days (2020-02-20 to 2020-03-10)" in r.days_basis
    assert "扣除暂停的 20 天" in r.days_basis_zh


def test_pause_is_clipped_to_the_window_and_end_date_applies():
    """The team ends 29 Feb; a pause 25 Feb..15 Mar counts only its 5 days up to 29 Feb: 36 − 5 = 31 days."""
    (r,) = m.intensity(team_report(None, end="2020-02-29", pauses=[("2020-02-25", "2020-03-15")])).itertuples()
    assert r.days == 31
    assert "to 2020-02-29" in r.days_basis


def test_cutoff_before_the_team_started_gives_no_rate():
    """An output dated before the team began: 0 active days, no per-day rate (NaN, never inf)."""
    (r,) = m.intensity(team_report("2020-02-01", start="2020-02-10")).itertuples()
    assert r.days == 0 and r.output_per_worker_day != r.output_per_worker_day
    assert "no active day" in r.note


def test_without_service_dates_the_wording_is_unchanged():
    """No dates and no pauses: the basis reads as before (project start to the cut-off, or the period)."""
    (r,) = m.intensity(team_report("2020-03-12")).itertuples()
    assert (r.days, r.days_basis) == (48, "project start to the output's cut-off date 2020-03-12")


def test_service_dates_are_validated(mini_report):
    """A pause ending before it starts, or a team date outside the project period, is a located problem."""
    (mini_report / "workforce.csv").write_text(
        "team_id,section,label_zh,label_en,workers_figure_id,place_id,note,start_date\n"
        "screening,一.1,社工,Social workers,F004,,,2019-12-01\n",
        encoding="utf-8",
    )
    (mini_report / "team_pauses.csv").write_text(
        "team_id,pause_start,pause_end,note\nscreening,2020-02-10,2020-02-01,\n", encoding="utf-8"
    )
    _, problems = validate_report(mini_report)
    found = {(p.file.rsplit("/", 1)[-1], p.row, p.column) for p in problems}
    assert ("workforce.csv", 2, "start_date") in found
    assert ("team_pauses.csv", 2, "pause_end") in found
    assert len(problems) == 2
