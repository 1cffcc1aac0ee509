"""analysis.snapshot: a build validates and checks the report once; its pages read that snapshot."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import checks, metrics, snapshot
from analysis.assessment import assess
from analysis.load import load_report
from conftest import SEED_REPORT


@pytest.fixture
def snap(tmp_path, monkeypatch):
    """A snapshot of the seed report (default profile) named by CLOSEOUT_SNAPSHOT, as closeout build does."""
    report = load_report(SEED_REPORT)
    findings = checks.run_checks(report, "default")
    assessed = {"default": assess(report, "default")}
    path = snapshot.write(tmp_path / "snapshot.pickle", report, {"default": findings}, assessed)
    monkeypatch.setenv(snapshot.ENV, str(path))
    monkeypatch.setattr(snapshot, "_loaded", {})
    return report, findings


def test_pages_get_the_same_report_and_findings_as_without_a_snapshot(snap):
    """With the snapshot, load_report and run_checks return what they would compute, not something else."""
    report, findings = snap
    cached = load_report(SEED_REPORT)
    for name, frame in report.tables.items():
        pd.testing.assert_frame_equal(cached.tables[name], frame)
    assert cached.source_text == report.source_text
    pd.testing.assert_frame_equal(checks.run_checks(cached, "default"), findings)


def test_every_load_is_a_new_copy_so_no_page_changes_the_next(snap):
    """Two loads in one process (two pages of one worker) give equal but separate reports: a page that
    changes its report's tables changes nothing for the next one, and gets no findings made for other data."""
    first = load_report(SEED_REPORT)
    first.tables["figures"]["value"] = 0.0
    second = load_report(SEED_REPORT)
    assert second is not first
    pd.testing.assert_frame_equal(second.tables["figures"], snap[0].tables["figures"])
    first.tables["figures"] = first.tables["figures"].copy()  # replaced: the snapshot's findings no longer apply
    assert snapshot.findings_for(first, "default") is None
    assert snapshot.assessment_for(first, "default") is None
    assert snapshot.findings_for(second, "default") is not None


def test_snapshot_findings_are_a_copy(snap):
    """A page that changes its findings table does not change what the next call returns."""
    report = load_report(SEED_REPORT)
    first = checks.run_checks(report, "default")
    first.loc[:, "severity"] = "changed"
    assert (checks.run_checks(report, "default")["severity"] != "changed").all()


def test_pages_get_the_assessment_they_would_compute_and_a_copy_of_it(snap, monkeypatch):
    """With the snapshot, assess returns what it computes without one; changing it changes no next call; another
    profile is assessed afresh."""
    report = load_report(SEED_REPORT)
    cached = assess(report, "default")
    assert snapshot.assessment_for(report, "eu") is None
    assert assess(report, "eu").profile == "eu"
    with monkeypatch.context() as m:
        m.delenv(snapshot.ENV)
        fresh = assess(load_report(SEED_REPORT), "default")
    for name in ("issues", "questions", "targets"):
        pd.testing.assert_frame_equal(getattr(cached, name), getattr(fresh, name))
    assert cached.budget == fresh.budget
    cached.issues.loc[:, "severity"] = "changed"
    assert (assess(report, "default").issues["severity"] != "changed").all()


def test_snapshot_is_used_only_for_its_folder_report_and_profile(snap, seed_copy):
    """Another folder is loaded from disk; another report object or profile is checked afresh."""
    other = load_report(seed_copy)
    assert other is not load_report(SEED_REPORT)
    assert snapshot.findings_for(other, "default") is None
    assert snapshot.findings_for(load_report(SEED_REPORT), "eu") is None


def test_without_the_variable_nothing_is_cached(monkeypatch):
    """Outside a build (JupyterLab, the papermill CLI) every load validates the folder again."""
    monkeypatch.delenv(snapshot.ENV, raising=False)
    assert load_report(SEED_REPORT) is not load_report(SEED_REPORT)


def test_figures_are_recomputed_when_a_table_is_replaced(seed_copy):
    """metrics.figures is computed once per report, but a replaced figures table is not served stale."""
    report = load_report(seed_copy)
    first = metrics.figures(report)
    assert metrics.figures(report) is not first  # a copy each time
    pd.testing.assert_frame_equal(metrics.figures(report), first)
    report.tables["figures"] = report.figures.iloc[:5].copy()
    assert len(metrics.figures(report)) == 5


def test_intensity_within_a_place_keeps_only_its_teams(seed):
    """intensity(report, within=place) is the rows of intensity(report) whose team works in that place."""
    every = metrics.intensity(seed)
    inside = set(metrics.descendants(seed, "jinjiang"))
    expected = every[every["place_id"].isin(inside)].reset_index(drop=True)
    pd.testing.assert_frame_equal(metrics.intensity(seed, within="jinjiang"), expected)
