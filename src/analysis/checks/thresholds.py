"""Budget rows whose variance a funder's threshold profile wants explained."""

from __future__ import annotations

import pandas as pd

from analysis.checks.values import (
    finding,
)
from analysis.load import Report
from analysis.metrics import (
    budget_variance,
    fmt_number,
)


def threshold_findings(report: Report, profile: str) -> list[dict]:
    """Budget rows whose variance the funder's threshold profile wants explained (warning; info when the row
    has a remark in the table)."""
    variance = budget_variance(report, profile)
    remarks = dict(zip(report.budget["line_id"], report.budget["remark_zh"], strict=True))
    found = []
    for r in variance[variance["needs_explanation"]].itertuples():
        name_zh = r.line_zh if r.level == "line" else r.category_zh
        name_en = r.line_en if r.level == "line" else r.category_en
        direction_zh = "超支" if r.variance_yuan > 0 else "结余"
        direction_en = "over" if r.variance_yuan > 0 else "under"
        pct = "" if pd.isna(r.variance_pct) else f"{abs(r.variance_pct):.1f} %"
        remark = remarks.get(r.line_id)
        cells = r.budget_cells.split(";") + r.actual_cells.split(";")
        found.append(
            finding(
                f"threshold:{r.line_id}",
                "info" if isinstance(remark, str) and remark else "warning",
                (
                    f"预算表「{name_zh}」：预算 {fmt_number(r.budget_yuan)} 元，"
                    f"实际开支 {fmt_number(r.actual_yuan)} 元，"
                    f"{direction_zh} {fmt_number(abs(r.variance_yuan))} 元"
                    f"（{pct or '无预算'}），超出资助方（{profile}）要求说明的幅度。"
                ),
                (
                    f"Budget table, {name_en} ({name_zh}): {fmt_number(r.actual_yuan)} yuan spent against a "
                    f"budget of {fmt_number(r.budget_yuan)}, {fmt_number(abs(r.variance_yuan))} yuan "
                    f"{direction_en} budget ({pct or 'no budget'}); the {profile} profile asks for an "
                    f"explanation ({r.threshold_note})."
                ),
                figure_ids=cells,
                quotes=[report.budget.set_index("line_id")["quote"].get(c.split(".")[1]) for c in cells],
            )
        )
    return found
