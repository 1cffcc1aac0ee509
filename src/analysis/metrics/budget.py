"""Budget variance per line, category and total, under a funder's threshold profile."""

from __future__ import annotations

from importlib import resources

import pandas as pd

from analysis.errors import UsageError
from analysis.load import Report
from analysis.metrics.common import (
    _slug,
    budget_lines,
    fmt_number,
    join_ids,
)

PROFILE_COLUMNS = ["profile", "level", "pct", "floor_yuan", "label_zh", "label_en"]


def threshold_profiles() -> pd.DataFrame:
    """The variance thresholds funders apply, one row per (profile, level): resources/threshold_profiles.csv.

    Columns: profile, level ('line' | 'category' | 'total'), pct (a variance beyond ± this percentage needs an
    explanation), floor_yuan (a variance below this many yuan never does), label_zh, label_en.

    >>> foundation = threshold_profiles().set_index("profile").loc["foundation"]
    >>> foundation["level"], float(foundation["pct"]), float(foundation["floor_yuan"])
    ('line', 20.0, 500.0)
    """
    path = resources.files("analysis") / "resources" / "threshold_profiles.csv"
    with path.open(encoding="utf-8") as handle:
        frame = pd.read_csv(handle, dtype={"profile": str, "level": str, "label_zh": str, "label_en": str})
    frame["floor_yuan"] = frame["floor_yuan"].fillna(0.0).astype(float)
    return frame.astype({"pct": float})[PROFILE_COLUMNS]


def profile_rules(profile: str) -> pd.DataFrame:
    """The rows of one threshold profile; UsageError naming the valid profiles when it does not exist."""
    table = threshold_profiles()
    rules = table[table["profile"] == profile]
    if rules.empty:
        valid = ", ".join(dict.fromkeys(table["profile"]))
        raise UsageError(f"unknown threshold profile {profile!r}; valid profiles: {valid}")
    return rules


def _threshold(row: pd.Series, rules: pd.DataFrame, profile: str) -> tuple[bool, str]:
    """Whether a budget row needs an explanation under the profile, and why (one rule for every profile)."""
    rule = rules[rules["level"] == row["level"]]
    if rule.empty:
        return (
            False,
            f"{profile}: no threshold per {row['level']} (it applies per {', '.join(rules['level'])})",
        )
    pct, floor = float(rule["pct"].iloc[0]), float(rule["floor_yuan"].iloc[0])
    var, var_pct = row["variance_yuan"], row["variance_pct"]
    limit = f"±{fmt_number(pct)} % per {row['level']}" + (f", floor {fmt_number(floor)} yuan" if floor else "")
    if abs(var) < 0.005:
        return False, f"on budget ({profile}: {limit})"
    if abs(var) < floor:
        return False, f"{fmt_number(var)} yuan is below the floor ({profile}: {limit})"
    if pd.isna(var_pct):
        return True, f"spent {fmt_number(row['actual_yuan'])} yuan without a budget ({profile}: {limit})"
    if abs(var_pct) > pct + 1e-9:
        return True, f"{var_pct:+.1f} % is beyond {profile}'s {limit}: explain"
    return False, f"{var_pct:+.1f} % is within {profile}'s {limit}"


BUDGET_COLUMNS = [
    "level",
    "line_id",
    "category_zh",
    "category_en",
    "line_zh",
    "line_en",
    "budget_yuan",
    "actual_yuan",
    "variance_yuan",
    "variance_pct",
    "execution_rate",
    "needs_explanation",
    "threshold_note",
    "budget_cells",
    "actual_cells",
]

_BUDGET_DTYPES = {
    "budget_yuan": float,
    "actual_yuan": float,
    "variance_yuan": float,
    "variance_pct": float,
    "execution_rate": float,
    "needs_explanation": bool,
}


def budget_variance(report: Report, profile: str = "default") -> pd.DataFrame:
    """Budget against actual spending per line, per category (主要活动) and in total.

    Columns: level ('line' | 'category' | 'total'), line_id (the line's; ``category-<slug of category_en>``
    for a category; ``total``), category_zh, category_en, line_zh, line_en, budget_yuan, actual_yuan,
    variance_yuan (actual − budget), variance_pct (variance ÷ budget × 100; NaN when the budget is 0),
    execution_rate (actual ÷ budget; NaN when the budget is 0), needs_explanation (bool, by the threshold
    profile), threshold_note, budget_cells / actual_cells (the budget.<line>.<column> cells summed, ';').

    Categories and the total are sums of the line rows as printed; printed total rows are never used here
    (``closeout check`` compares them).
    """
    rules = profile_rules(profile)
    lines = budget_lines(report)
    if lines.empty:
        return pd.DataFrame(columns=BUDGET_COLUMNS).astype(_BUDGET_DTYPES)
    rows = []
    for r in lines.itertuples():
        rows.append(
            {
                "level": "line",
                "line_id": r.line_id,
                "category_zh": r.category_zh,
                "category_en": r.category_en,
                "line_zh": r.line_zh,
                "line_en": r.line_en,
                "budget_yuan": r.budget_yuan,
                "actual_yuan": r.actual_yuan,
                "ids": [r.line_id],
            }
        )
    groups = lines.assign(key=lines["category_zh"].fillna("")).groupby("key", sort=False)
    for n, (key, g) in enumerate(groups, start=1):
        en = g["category_en"].dropna()
        slug = _slug(en.iloc[0]) if len(en) else ""
        rows.append(
            {
                "level": "category",
                "line_id": f"category-{slug or n}",
                "category_zh": key or None,
                "category_en": en.iloc[0] if len(en) else None,
                "line_zh": None,
                "line_en": None,
                "budget_yuan": g["budget_yuan"].sum(),
                "actual_yuan": g["actual_yuan"].sum(),
                "ids": list(g["line_id"]),
            }
        )
    rows.append(
        {
            "level": "total",
            "line_id": "total",
            "category_zh": "合计",
            "category_en": "Total",
            "line_zh": None,
            "line_en": None,
            "budget_yuan": lines["budget_yuan"].sum(),
            "actual_yuan": lines["actual_yuan"].sum(),
            "ids": list(lines["line_id"]),
        }
    )
    frame = pd.DataFrame(rows)
    frame["variance_yuan"] = frame["actual_yuan"] - frame["budget_yuan"]
    nonzero = frame["budget_yuan"].where(frame["budget_yuan"] != 0)
    frame["variance_pct"] = frame["variance_yuan"] / nonzero * 100
    frame["execution_rate"] = frame["actual_yuan"] / nonzero
    verdicts = [_threshold(r, rules, profile) for _, r in frame.iterrows()]
    frame["needs_explanation"] = [v[0] for v in verdicts]
    frame["threshold_note"] = [v[1] for v in verdicts]
    frame["budget_cells"] = [join_ids(f"budget.{i}.budget_yuan" for i in ids) for ids in frame["ids"]]
    frame["actual_cells"] = [join_ids(f"budget.{i}.actual_yuan" for i in ids) for ids in frame["ids"]]
    return frame.reindex(columns=BUDGET_COLUMNS).astype(_BUDGET_DTYPES)
