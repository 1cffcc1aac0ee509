"""Consistency checks of a report: budget arithmetic, repeated figures, parts and wholes, lists and rules.

One family per module: :mod:`~analysis.checks.values` (findings rows, figures as intervals),
:mod:`~analysis.checks.arithmetic` (budget identities), :mod:`~analysis.checks.localisation` (the one typo that
explains them), :mod:`~analysis.checks.thresholds`, :mod:`~analysis.checks.repeated` (the same metric twice),
:mod:`~analysis.checks.parts` (parts and wholes), :mod:`~analysis.checks.lists`, :mod:`~analysis.checks.rules`
(rules.csv) and :mod:`~analysis.checks.run` (``run_checks`` and ``closeout check``). Every public name is
re-exported here: ``from analysis import checks; checks.run_checks(report)`` keeps working.
"""

from analysis.checks.arithmetic import (
    Identity,
    budget_findings,
    budget_identities,
)
from analysis.checks.lists import (
    list_count_findings,
)
from analysis.checks.localisation import (
    Candidate,
    digit_edits,
    localisation_findings,
    localise,
)
from analysis.checks.parts import (
    part_whole_findings,
)
from analysis.checks.repeated import (
    classify_pair,
    same_metric_findings,
)
from analysis.checks.rules import (
    evaluate_rule,
    rule_findings,
    rule_forms,
)
from analysis.checks.run import (
    FAIL_ON,
    cmd_check,
    exit_code,
    register_cli,
    run_checks,
)
from analysis.checks.thresholds import (
    threshold_findings,
)
from analysis.checks.values import (
    CENT,
    CHECK_COLUMNS,
    SEVERITY_ORDER,
    Values,
    budget_cells,
    canonical,
    finding,
    sum_interval,
)

__all__ = [
    "budget_cells",
    "canonical",
    "CENT",
    "CHECK_COLUMNS",
    "finding",
    "SEVERITY_ORDER",
    "sum_interval",
    "Values",
    "budget_findings",
    "budget_identities",
    "Identity",
    "Candidate",
    "digit_edits",
    "localisation_findings",
    "localise",
    "threshold_findings",
    "classify_pair",
    "same_metric_findings",
    "part_whole_findings",
    "list_count_findings",
    "evaluate_rule",
    "rule_findings",
    "rule_forms",
    "cmd_check",
    "exit_code",
    "FAIL_ON",
    "register_cli",
    "run_checks",
]
