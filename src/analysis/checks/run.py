"""Every check as one findings table, and the ``closeout check`` command."""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from analysis import snapshot
from analysis.checks.arithmetic import _same_form, budget_findings, budget_identities
from analysis.checks.lists import list_count_findings
from analysis.checks.parts import part_whole_findings
from analysis.checks.repeated import same_metric_findings
from analysis.checks.rules import rule_findings, rule_forms
from analysis.checks.thresholds import threshold_findings
from analysis.checks.values import (
    CHECK_COLUMNS,
    SEVERITY_ORDER,
    Values,
    budget_cells,
)
from analysis.load import Report
from analysis.metrics import (
    figures,
    profile_rules,
)


def run_checks(report: Report, profile: str = "default") -> pd.DataFrame:
    """Every consistency check of a report, as one findings table.

    Columns: check_id (stable: 'budget_remaining:<line>', 'budget_sum:<column>',
    'budget_sum:remaining_from_lines', 'budget_grant', 'localise:budget', 'threshold:<line>',
    'same_metric:<metric>[:<place>][:<unit>]', 'part_whole:<metric>:<place>|places', 'list_count:<list>',
    'rule:<rule_id>'), kind, severity ('error' | 'warning' | 'info'), message_zh, message_en, figure_ids
    (figure ids and budget.<line>.<column> cells, ';'), quotes (' | '), place_ids, explanation_zh,
    explanation_en (a suggested explanation, e.g. a digit transposition), rule_ids (rules of rules.csv that
    state the same identity as a generic check; such a rule is not reported twice). Sorted by severity, then
    check_id. Checks that pass produce nothing. Inside ``closeout build`` the findings computed once for the
    build's snapshot of the report are returned (see :mod:`analysis.snapshot`).
    """
    profile_rules(profile)
    cached = snapshot.findings_for(report, profile)
    if cached is not None:
        return cached
    fig = figures(report)
    cells, cell_quotes = budget_cells(report)
    values = Values(fig, cells, cell_quotes)
    forms = rule_forms(report)
    duplicates = {rid for ident in budget_identities(report) for rid in _same_form(ident.form(), forms)}
    budget, correction = budget_findings(report, values, forms)
    found = (
        budget
        + threshold_findings(report, profile)
        + same_metric_findings(report, fig)
        + part_whole_findings(report, fig)
        + list_count_findings(report, fig)
        + rule_findings(report, values, duplicates, correction)
    )
    out = pd.DataFrame(found, columns=CHECK_COLUMNS)
    out["_rank"] = out["severity"].map(SEVERITY_ORDER)
    return out.sort_values(["_rank", "check_id"], kind="stable").drop(columns="_rank").reset_index(drop=True)


# ----------------------------------------------------------------------------------------------------
# Command line
# ----------------------------------------------------------------------------------------------------

FAIL_ON = ("error", "warning", "never")


def exit_code(findings: pd.DataFrame, fail_on: str) -> int:
    """1 when a finding is at least as severe as ``fail_on`` ('never' never fails), else 0.

    >>> warning = pd.DataFrame({"severity": ["warning"]})
    >>> exit_code(warning, "error"), exit_code(warning, "warning"), exit_code(warning, "never")
    (0, 1, 0)
    """
    if fail_on == "never":
        return 0
    return int(bool((findings["severity"].map(SEVERITY_ORDER) <= SEVERITY_ORDER[fail_on]).any()))


def cmd_check(args: argparse.Namespace) -> int:
    """``closeout check``: print the findings; the exit status follows ``--fail-on``."""
    from analysis.cli import emit
    from analysis.load import load_report

    profile_rules(args.profile)
    report = load_report(args.report)
    findings = run_checks(report, args.profile)
    emit(findings, args.format)
    return exit_code(findings, args.fail_on)


def register_cli(subparsers) -> None:
    """Add the ``check`` subcommand."""
    from analysis.cli import DEFAULT_REPORT, FORMATS

    p = subparsers.add_parser("check", help="check a report's figures and budget for contradictions and typos")
    p.add_argument("report", nargs="?", type=Path, default=DEFAULT_REPORT, help="report folder (default: %(default)s)")
    p.add_argument("--format", choices=FORMATS, default="table")
    p.add_argument(
        "--fail-on",
        choices=FAIL_ON,
        default="never",
        help="exit 1 when a finding is at least this severe (default: %(default)s: exit 0 whenever it ran)",
    )
    p.add_argument("--profile", default="default", help="budget threshold profile (default: %(default)s)")
    p.set_defaults(func=cmd_check)
