"""Lists: a stated count against the items listed."""

from __future__ import annotations

import pandas as pd

from analysis.checks.values import (
    Values,
    _unit_zh,
    finding,
)
from analysis.load import Report


def list_count_findings(report: Report, fig: pd.DataFrame) -> list[dict]:
    """A stated count that the listed items do not match (warning). A count introduced with 等 ('… and
    others') may exceed the items listed; a count with 余/多/约 is compared with its rounding."""
    counts = report.list_items.groupby("list_id").size()
    found = []
    for lst in report.lists.itertuples():
        if not isinstance(lst.count_figure_id, str):
            continue
        f = fig.loc[lst.count_figure_id]
        n = int(counts.get(lst.list_id, 0))
        partial = "等" in str(f["quote"])
        if f["lo"] - 1e-9 <= n <= f["hi"] + 1e-9 or (partial and n <= f["hi"]):
            continue
        values = Values(fig, {})
        found.append(
            finding(
                f"list_count:{lst.list_id}",
                "warning",
                (
                    f"第{lst.section}部分说「{lst.label_zh}」共 "
                    f"{values.text(f['figure_id'], 'zh')}{_unit_zh(f)}"
                    f"（{f['figure_id']}：「{f['quote']}」），但列出了 {n} 项。"
                ),
                (
                    f"Section {lst.section} counts {values.text(f['figure_id'], 'en')} ({lst.label_en}; "
                    f"{f['figure_id']}: '{f['quote']}') but lists {n} of them."
                ),
                figure_ids=[f["figure_id"]],
                quotes=[f["quote"]],
            )
        )
    return found
