"""Intensity: output per worker and per worker-day."""

from __future__ import annotations

import math

import pytest

from analysis import metrics as m
from engine_data import fig, make_report


def intensity_report(workers: float, cutoff: str | None) -> object:
    return make_report(
        [
            fig("F001", "care_workers", workers, unit="workers"),
            fig("F002", "people_cared", 1848, unit="persons", cutoff_date=cutoff),
        ],
        workforce=[
            {
                "team_id": "care",
                "section": "一",
                "label_zh": "社工",
                "label_en": "Care workers",
                "workers_figure_id": "F001",
                "place_id": "nanhu",
            }
        ],
        intensities=[
            {
                "intensity_id": "care_people",
                "team_id": "care",
                "output_figure_id": "F002",
                "label_zh": "每名社工",
                "label_en": "Per worker",
            }
        ],
    )


def test_intensity_on_mini(mini):
    """Mini: 12000 households ÷ 20 deployments = 600; over the 67-day project period 600 ÷ 67 per day."""
    (r,) = m.intensity(mini).itertuples()
    assert (r.output_per_worker, r.days) == (600, 67)
    assert r.output_per_worker_day == pytest.approx(600 / 67)
    assert r.days_basis.startswith("project period")
    assert "deployments" in r.note


def test_intensity_uses_the_output_cutoff_date():
    """1848 people ÷ 56 workers = 33; 25 Jan to the cut-off 12 Mar is 48 days counting both ends."""
    (r,) = m.intensity(intensity_report(56, "2020-03-12")).itertuples()
    assert r.output_per_worker == pytest.approx(33.0)
    assert (r.days, r.days_basis) == (48, "project start to the output's cut-off date 2020-03-12")
    assert r.output_per_worker_day == pytest.approx(33 / 48)
    assert r.place_id == "nanhu"


def test_zero_workers_give_nan_not_inf():
    """A team of zero workers gives NaN per worker and per worker-day, with a note; never infinity."""
    (r,) = m.intensity(intensity_report(0, None)).itertuples()
    assert math.isnan(r.output_per_worker) and math.isnan(r.output_per_worker_day)
    assert "zero workers" in r.note


def test_seed_intensity_and_cost(seed):
    """2205 people ÷ 63 care workers = 35 over 48 days; 30040.5 yuan ÷ 53370 households = 0.563 yuan each."""
    intensity = m.intensity(seed).set_index("intensity_id")
    care = intensity.loc["care_social_workers__f040"]
    assert (care["output_per_worker"], care["days"]) == (pytest.approx(35.0), 48)
    cost = m.cost_per_output(seed).set_index("metric")
    assert cost.loc["households_visited", "cost_per_output_yuan"] == pytest.approx(30040.5 / 53370)
    assert set(cost.index) == {
        "households_visited",
        "residents_served_person_times",
        "difficult_people_cared",
        "psych_aid_person_times",
    }
