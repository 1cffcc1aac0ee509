"""The default report comes from the data: a second report runs with no code change and no argument."""

from __future__ import annotations

from pathlib import Path

from analysis import cli
from analysis.locate import ENV_REPORT, default_report_dir, report_folders


def test_the_first_report_under_data_is_the_default(mini_report):
    """In a folder whose data/ holds another report, the commands default to that report."""
    assert default_report_dir() == Path("data/mini")
    assert cli.main(["validate", "--no-completeness"]) == 0


def test_the_environment_variable_names_the_default(mini_report, monkeypatch, tmp_path):
    """$CLOSEOUT_REPORT wins over the folders found."""
    monkeypatch.setenv(ENV_REPORT, str(tmp_path / "elsewhere"))
    assert default_report_dir() == tmp_path / "elsewhere"


def test_report_folders_are_the_folders_with_a_report_toml(mini_report):
    """data/raw (no report.toml) is not a report folder."""
    assert report_folders(Path("data")) == [Path("data/mini")]
