"""Metrics of a report: target attainment, reach, district views, intensity, budget variance and costs.

One family per module: :mod:`~analysis.metrics.common` (figures as intervals, places, budget lines),
:mod:`~analysis.metrics.coverage` (targets, reach), :mod:`~analysis.metrics.districts`,
:mod:`~analysis.metrics.intensity`, :mod:`~analysis.metrics.budget`, :mod:`~analysis.metrics.cost`,
:mod:`~analysis.metrics.series` and :mod:`~analysis.metrics.table` (``all_metrics`` and ``closeout metrics``).
Every public name is re-exported here: ``from analysis.metrics import figures`` keeps working.
"""

from analysis.metrics.budget import (
    BUDGET_COLUMNS,
    PROFILE_COLUMNS,
    budget_variance,
    profile_rules,
    threshold_profiles,
)
from analysis.metrics.common import (
    LEVEL_GROUPS,
    NOT_ACHIEVED,
    WHOLE_SCOPES,
    ancestors,
    budget_lines,
    descendants,
    figure_interval,
    figures,
    fmt_number,
    join_ids,
    last_digit_step,
    latest,
    places,
    preferred,
    reports_of_work,
    require_place,
    section_rank,
    series_order,
    topmost,
)
from analysis.metrics.cost import (
    COST_COLUMNS,
    cost_per_output,
    key_outputs,
    output_lines,
)
from analysis.metrics.coverage import (
    REACH_COLUMNS,
    TARGET_COLUMNS,
    place_reach,
    stated_totals,
    target_attainment,
)
from analysis.metrics.districts import (
    COMPLETENESS_COLUMNS,
    FIGURE_COLUMNS,
    district_completeness,
    district_figures,
    district_places,
    has_figures,
    topic_figures,
)
from analysis.metrics.intensity import (
    INTENSITY_COLUMNS,
    active_days,
    intensity,
    working_days,
)
from analysis.metrics.mentions import (
    mention_spans,
    place_mentions,
    short_name,
)
from analysis.metrics.series import (
    SERIES_COLUMNS,
    figures_over_time,
    metric_series,
)
from analysis.metrics.table import (
    ALL_COLUMNS,
    all_metrics,
    cmd_metrics,
    register_cli,
)

__all__ = [
    "active_days",
    "output_lines",
    "stated_totals",
    "mention_spans",
    "place_mentions",
    "short_name",
    "NOT_ACHIEVED",
    "WHOLE_SCOPES",
    "LEVEL_GROUPS",
    "join_ids",
    "fmt_number",
    "section_rank",
    "last_digit_step",
    "figure_interval",
    "figures",
    "latest",
    "preferred",
    "series_order",
    "reports_of_work",
    "places",
    "require_place",
    "descendants",
    "ancestors",
    "budget_lines",
    "topmost",
    "TARGET_COLUMNS",
    "target_attainment",
    "REACH_COLUMNS",
    "place_reach",
    "FIGURE_COLUMNS",
    "district_figures",
    "has_figures",
    "topic_figures",
    "district_places",
    "COMPLETENESS_COLUMNS",
    "district_completeness",
    "working_days",
    "INTENSITY_COLUMNS",
    "intensity",
    "PROFILE_COLUMNS",
    "threshold_profiles",
    "profile_rules",
    "BUDGET_COLUMNS",
    "budget_variance",
    "key_outputs",
    "COST_COLUMNS",
    "cost_per_output",
    "SERIES_COLUMNS",
    "metric_series",
    "figures_over_time",
    "ALL_COLUMNS",
    "all_metrics",
    "cmd_metrics",
    "register_cli",
]
