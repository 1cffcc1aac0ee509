"""The long table of every metric and the ``closeout metrics`` command."""

from __future__ import annotations

import json

import pytest

from analysis import metrics as m
from analysis.cli import main


def test_all_metrics_on_mini(mini):
    """The long table has the agreed columns and a row per value of every kind."""
    out = m.all_metrics(mini)
    assert list(out.columns) == [
        "metric_id",
        "kind",
        "scope",
        "label_zh",
        "label_en",
        "value",
        "unit",
        "numerator",
        "numerator_figure_ids",
        "denominator",
        "denominator_figure_ids",
        "is_approximate",
        "note",
    ]
    assert set(out["kind"]) == {"coverage", "intensity", "budget", "cost", "reach"}
    values = out.set_index("metric_id")["value"]
    assert values["attainment:households"] == pytest.approx(1.5625)
    assert values["execution_rate:food"] == pytest.approx(25346.5 / 24000)
    assert values["per_worker_day:screening_households"] == pytest.approx(600 / 67)
    assert values["cost_per_output:households_visited"] == pytest.approx(3.15572)
    assert out["metric_id"].is_unique
    assert set(out["scope"]) == {"project"}


def test_metrics_cli_prints_csv_and_json(mini_report, capsys):
    """`closeout metrics DIR --format csv|json` prints the long table and exits 0."""
    assert main(["metrics", str(mini_report), "--format", "csv"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("metric_id,kind,scope,")
    assert main(["metrics", str(mini_report), "--format", "json", "--profile", "eu"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert {r["kind"] for r in records} >= {"coverage", "budget"}


def test_metrics_cli_rejects_unknown_profile(mini_report, capsys):
    """An unknown --profile exits 2 with one line naming the valid profiles."""
    assert main(["metrics", str(mini_report), "--profile", "nasa"]) == 2
    assert "valid profiles: default, eu, foundation" in capsys.readouterr().err


def test_metrics_cli_reports_validation_problems(mini_report, capsys):
    """A broken report folder exits 2 with the loader's located problems."""
    (mini_report / "figures.csv").write_text("figure_id\nF001\n", encoding="utf-8")
    assert main(["metrics", str(mini_report)]) == 2
    assert "figures.csv" in capsys.readouterr().err
