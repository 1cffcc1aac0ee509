"""Every metric in one long table, and the ``closeout metrics`` command."""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from analysis.load import Report
from analysis.metrics.budget import budget_variance, profile_rules
from analysis.metrics.common import (
    fmt_number,
)
from analysis.metrics.cost import cost_per_output
from analysis.metrics.coverage import place_reach, target_attainment
from analysis.metrics.intensity import intensity

ALL_COLUMNS = [
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


def _coverage_rows(report: Report) -> list[dict]:
    return [
        {
            "metric_id": f"attainment:{t.target_id}",
            "kind": "coverage",
            "scope": "project",
            "label_zh": f"目标完成率：{t.label_zh}",
            "label_en": f"Target attainment: {t.label_en}",
            "value": t.attainment_ratio,
            "unit": "ratio",
            "numerator": t.achieved_value,
            "numerator_figure_ids": t.achieved_figure_ids,
            "denominator": t.target_value,
            "denominator_figure_ids": t.target_figure_id,
            "is_approximate": t.is_approximate,
            "note": t.note_en,
        }
        for t in target_attainment(report).itertuples()
    ]


def _reach_rows(report: Report) -> list[dict]:
    rows = []
    for r in place_reach(report).itertuples():
        rows.append(
            {
                "metric_id": f"places_named:{r.level}",
                "kind": "reach",
                "scope": "project",
                "label_zh": f"报告点名的地点（{r.level}）",
                "label_en": f"Places named ({r.level} level)",
                "value": float(r.places_named),
                "unit": "places",
                "numerator": float(r.places_named),
                "numerator_figure_ids": "",
                "denominator": r.stated_total,
                "denominator_figure_ids": r.stated_figure_ids,
                "is_approximate": r.stated_is_approximate,
                "note": f"{r.place_ids}" + (f"; {r.note}" if r.note else ""),
            }
        )
    return rows


def _intensity_rows(report: Report) -> list[dict]:
    rows = []
    for r in intensity(report).itertuples():
        scope = r.place_id if isinstance(r.place_id, str) else "project"
        common = {
            "kind": "intensity",
            "scope": scope,
            "numerator": r.output_value,
            "numerator_figure_ids": r.output_figure_id,
            "denominator_figure_ids": r.workers_figure_id,
            "is_approximate": r.is_approximate,
        }
        rows.append(
            {
                **common,
                "metric_id": f"per_worker:{r.intensity_id}",
                "label_zh": r.label_zh,
                "label_en": r.label_en,
                "value": r.output_per_worker,
                "unit": f"{r.output_unit}_per_{r.workers_unit}",
                "denominator": r.workers,
                "note": r.note,
            }
        )
        rows.append(
            {
                **common,
                "metric_id": f"per_worker_day:{r.intensity_id}",
                "label_zh": f"{r.label_zh}（每日）",
                "label_en": f"{r.label_en}, per day",
                "value": r.output_per_worker_day,
                "unit": f"{r.output_unit}_per_{r.workers_unit}_day",
                "denominator": r.workers * r.days,
                "note": "; ".join(x for x in (f"{fmt_number(r.days)} days: {r.days_basis}", r.note) if x),
            }
        )
    return rows


def _budget_rows(report: Report, profile: str) -> list[dict]:
    rows = []
    for r in budget_variance(report, profile).itertuples():
        name_zh = r.line_zh if r.level == "line" else r.category_zh
        name_en = r.line_en if r.level == "line" else r.category_en
        common = {
            "kind": "budget",
            "scope": "project",
            "numerator_figure_ids": r.actual_cells,
            "denominator": r.budget_yuan,
            "denominator_figure_ids": r.budget_cells,
            "is_approximate": False,
        }
        rows.append(
            {
                **common,
                "metric_id": f"execution_rate:{r.line_id}",
                "label_zh": f"预算执行率：{name_zh}",
                "label_en": f"Budget execution rate: {name_en}",
                "value": r.execution_rate,
                "unit": "ratio",
                "numerator": r.actual_yuan,
                "note": r.threshold_note,
            }
        )
        rows.append(
            {
                **common,
                "metric_id": f"variance_pct:{r.line_id}",
                "label_zh": f"预算偏差：{name_zh}",
                "label_en": f"Budget variance: {name_en}",
                "value": r.variance_pct,
                "unit": "percent",
                "numerator": r.variance_yuan,
                "note": ("needs explanation; " if r.needs_explanation else "") + r.threshold_note,
            }
        )
    return rows


def _cost_rows(report: Report) -> list[dict]:
    return [
        {
            "metric_id": f"cost_per_output:{r.metric}",
            "kind": "cost",
            "scope": "project",
            "label_zh": f"单位产出成本：{r.label_zh}",
            "label_en": f"Cost per output: {r.label_en}",
            "value": r.cost_per_output_yuan,
            "unit": f"yuan_per_{r.unit}",
            "numerator": r.spend_yuan,
            "numerator_figure_ids": r.spend_cells,
            "denominator": r.output_value,
            "denominator_figure_ids": r.output_figure_id,
            "is_approximate": r.is_approximate,
            "note": r.caveat_en,
        }
        for r in cost_per_output(report).itertuples()
    ]


def all_metrics(report: Report, profile: str = "default") -> pd.DataFrame:
    """Every metric value in one long table (what ``closeout metrics`` prints).

    Columns: metric_id (``attainment:<target>``, ``places_named:<level>``, ``per_worker:<intensity>``,
    ``per_worker_day:<intensity>``, ``execution_rate:<line>``, ``variance_pct:<line>``,
    ``cost_per_output:<metric>``), kind ('coverage' | 'intensity' | 'budget' | 'cost' | 'reach'), scope
    ('project' or a place id), label_zh, label_en, value, unit, numerator, numerator_figure_ids, denominator,
    denominator_figure_ids (figure ids or budget.<line>.<column> cells, ';'), is_approximate, note.
    """
    rows = (
        _coverage_rows(report)
        + _intensity_rows(report)
        + _budget_rows(report, profile)
        + _cost_rows(report)
        + _reach_rows(report)
    )
    return pd.DataFrame(rows, columns=ALL_COLUMNS).astype(
        {"value": float, "numerator": float, "denominator": float, "is_approximate": bool}
    )


# ----------------------------------------------------------------------------------------------------
# Command line
# ----------------------------------------------------------------------------------------------------


def cmd_metrics(args: argparse.Namespace) -> int:
    """``closeout metrics``: print :func:`all_metrics` for a report folder."""
    from analysis.cli import emit
    from analysis.load import load_report

    profile_rules(args.profile)
    report = load_report(args.report)
    emit(all_metrics(report, args.profile), args.format)
    return 0


def register_cli(subparsers) -> None:
    """Add the ``metrics`` subcommand."""
    from analysis.cli import DEFAULT_REPORT, FORMATS

    p = subparsers.add_parser("metrics", help="print every metric of a report folder as one long table")
    p.add_argument("report", nargs="?", type=Path, default=DEFAULT_REPORT, help="report folder (default: %(default)s)")
    p.add_argument("--format", choices=FORMATS, default="table")
    p.add_argument(
        "--profile",
        default="default",
        help="budget threshold profile (default: %(default)s; see resources/threshold_profiles.csv)",
    )
    p.set_defaults(func=cmd_metrics)
