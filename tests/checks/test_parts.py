"""Parts and wholes: a place's figures against the project's."""

from __future__ import annotations

from checks_fixtures import ids, one

from analysis import checks as c
from engine_data import fig, make_report


def test_place_above_the_project_figure():
    """A community reporting more than the whole project is a warning; one within the whole is not."""
    out = c.run_checks(
        make_report(
            [
                fig("F001", "households_visited", 100),
                fig("F002", "households_visited", 120, place_id="hehua", section="四"),
                fig("F003", "households_visited", 90, place_id="shiqiao", section="四"),
            ]
        )
    )
    assert {"part_whole:households_visited:hehua", "part_whole:households_visited:places"} <= set(out["check_id"])
    assert "part_whole:households_visited:shiqiao" not in set(out["check_id"])
    assert one(out, "part_whole:households_visited:hehua")["place_ids"] == "hehua"


def test_place_between_two_conflicting_project_figures_is_info():
    """A place above the smaller of two project figures but within the larger is info naming both."""
    out = c.run_checks(
        make_report(
            [
                fig("F001", "banners_hung", 47, unit="banners"),
                fig("F002", "banners_hung", 1460, unit="banners", section="四"),
                fig("F003", "banners_hung", 60, unit="banners", place_id="hehua", section="四"),
            ]
        )
    )
    row = one(out, "part_whole:banners_hung:hehua")
    assert row["severity"] == "info"
    assert row["figure_ids"] == "F003;F001;F002"
    assert row["place_ids"] == "hehua"


def test_place_within_every_project_figure_is_silent():
    """A place below every project figure of the same metric produces no part/whole finding."""
    out = c.run_checks(
        make_report(
            [
                fig("F001", "banners_hung", 47, unit="banners"),
                fig("F002", "banners_hung", 1460, unit="banners", section="四"),
                fig("F003", "banners_hung", 40, unit="banners", place_id="hehua", section="四"),
            ]
        )
    )
    assert not any(i.startswith("part_whole") for i in out["check_id"])


def test_places_summing_above_the_project_figure_without_double_counting():
    """Places adding up above the project warn; a street and its own community are not added."""
    over = c.run_checks(
        make_report(
            [
                fig("F001", "households_visited", 100),
                fig("F002", "households_visited", 60, place_id="hehua", section="四"),
                fig("F003", "households_visited", 50, place_id="shiqiao", section="四"),
            ]
        )
    )
    assert ids(over) == {"part_whole:households_visited:places": "warning"}
    nested = c.run_checks(
        make_report(
            [
                fig("F001", "households_visited", 100),
                fig("F002", "households_visited", 60, place_id="taoyuan", section="四"),
                fig("F003", "households_visited", 50, place_id="hehua", section="四"),
            ]
        )
    )
    assert nested.empty


def test_approximate_place_figure_within_tolerance():
    """约 48 at a place against a project figure of 45 is within rounding: no finding."""
    out = c.run_checks(
        make_report(
            [
                fig("F001", "banners", 45, unit="banners"),
                fig(
                    "F002",
                    "banners",
                    48,
                    unit="banners",
                    place_id="shiqiao",
                    quote="约 48 幅",
                    qualifier="approximate",
                    is_approximate=True,
                    section="四",
                ),
            ]
        )
    )
    assert out.empty
