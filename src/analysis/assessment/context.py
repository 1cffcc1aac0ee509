"""What every issue is measured against (the grant, the funder's tolerance, the targets, costs per output and
outputs per worker), and which of those headline figures depend on a set of figures."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from analysis import metrics
from analysis.assessment import budget as budget_mod
from analysis.assessment.numbers import is_uncertain
from analysis.load import Report


@dataclass
class Context:
    """What every issue's materiality is measured against, computed once per assessment."""

    report: Report
    profile: str
    fig: pd.DataFrame
    grant_yuan: float
    pct: float
    floor_yuan: float
    targets: pd.DataFrame
    key_output_figures: dict[str, str]  # figure id -> metric label (zh) of cost per output
    intensity_figures: set[str]
    budget: dict
    failing: list[str] = field(default_factory=list)
    full: list = field(default_factory=list)

    @property
    def tolerance_yuan(self) -> float:
        return self.grant_yuan * self.pct / 100 if self.grant_yuan and self.pct else math.nan


def context(report: Report, profile: str, targets: pd.DataFrame, budget: dict) -> Context:
    """The measuring context of a report under a threshold profile."""
    fig = metrics.figures(report)
    rules = metrics.profile_rules(profile)
    line_rule = rules[rules["level"] == "line"]
    rule = line_rule if len(line_rule) else rules.sort_values("pct")
    pct = float(rule["pct"].iloc[0])
    floor = float(rule["floor_yuan"].iloc[0])
    grant = budget.get("budget_total_yuan")
    gid = report.meta.get("grant_figure_id")
    if not grant and gid in fig.index:
        grant = float(fig.loc[gid, "value"])
    cost = budget_mod.cost(report)
    inten = metrics.intensity(report)
    failing, full = budget_mod.corrections(report) if len(report.budget) else ([], [])
    return Context(
        report=report,
        profile=profile,
        fig=fig,
        grant_yuan=float(grant or 0.0),
        pct=pct,
        floor_yuan=floor,
        targets=targets,
        key_output_figures=dict(zip(cost["output_figure_id"], cost["label_zh"], strict=True)),
        intensity_figures=set(inten["output_figure_id"]) | set(inten["workers_figure_id"]),
        budget=budget,
        failing=failing,
        full=full,
    )


def headlines_of(ctx: Context, ids: set[str], pairs: list[dict] | None = None) -> list[dict]:
    """The headline figures that depend on figures ``ids``: targets whose attainment uses (or could use) one of
    them, costs per output and outputs per worker. With ``pairs`` (a, b figure ids), a target or cost also gets
    ``now`` and ``other``: its value as computed and with a figure used replaced by the other of its pair."""
    fig = ctx.fig
    out = []
    for t in ctx.targets.itertuples():
        achieved = [i for i in str(t.achieved_figure_ids or "").split(";") if i]
        used = set(achieved) | set(str(t.other_figure_ids or "").split(";"))
        if not ids & (used - {""}):
            continue
        h = {"what": "target", "target_id": t.target_id, "label_zh": t.label_zh, "label_en": t.label_en}
        others = []
        for p in pairs or []:
            for mine, other in ((p["a"], p["b"]), (p["b"], p["a"])):
                if mine in achieved and t.target_value:
                    v = t.achieved_value - float(fig.loc[mine, "value"]) + float(fig.loc[other, "value"])
                    others.append(v / t.target_value)
        if others and not pd.isna(t.attainment_ratio):
            approx = any(term_uncertain(ctx, i) for p in pairs or [] for i in (p["a"], p["b"]))
            h.update({"now": float(t.attainment_ratio), "other": sorted(set(others)), "approximate": approx})
        out.append(h)
    cost = None
    if ctx.key_output_figures:
        cost = budget_mod.cost(ctx.report).drop_duplicates("output_figure_id").set_index("output_figure_id")
    for fid, label in ctx.key_output_figures.items():
        if fid not in ids:
            continue
        h = {"what": "cost", "figure_id": fid, "label_zh": label, "label_en": str(fig.loc[fid, "metric_en"])}
        others = [
            float(fig.loc[o, "value"])
            for p in pairs or []
            for m_, o in ((p["a"], p["b"]), (p["b"], p["a"]))
            if m_ == fid and float(fig.loc[o, "value"])
        ]
        if others and cost is not None and fid in cost.index:
            spend = float(cost.loc[fid, "spend_yuan"])
            h.update(
                {"now": float(cost.loc[fid, "cost_per_output_yuan"]), "other": sorted({spend / o for o in others})}
            )
        out.append(h)
    if ids & ctx.intensity_figures:
        out.append({"what": "intensity"})
    return out


def target_flips(ctx: Context, pairs: list[dict]) -> list[dict]:
    """Targets whose verdict (met / not met) differs when a figure used is replaced by the other of its pair."""
    flips = []
    fig = ctx.fig
    for t in ctx.targets.itertuples():
        used = [i for i in str(t.achieved_figure_ids or "").split(";") if i]
        if not used or not t.target_value:
            continue
        target = fig.loc[t.target_figure_id]
        for p in pairs:
            for mine, other in ((p["a"], p["b"]), (p["b"], p["a"])):
                if mine not in used:
                    continue
                lo = t.achieved_lo - float(fig.loc[mine, "lo"]) + float(fig.loc[other, "lo"])
                hi = t.achieved_hi - float(fig.loc[mine, "hi"]) + float(fig.loc[other, "hi"])
                met_now = t.achieved_lo >= float(target["hi"]) - 1e-9
                met_other = lo >= float(target["hi"]) - 1e-9
                fail_other = hi < float(target["lo"]) - 1e-9
                if met_now != met_other and (met_now or fail_other):
                    flips.append(
                        {
                            "target_id": t.target_id,
                            "label_zh": t.label_zh,
                            "label_en": t.label_en,
                            "now": t.achieved_value,
                            "other_lo": lo,
                            "other_hi": hi,
                            "target": t.target_value,
                        }
                    )
    return flips


def term_uncertain(ctx: Context, term: str) -> bool:
    return term in ctx.fig.index and is_uncertain(ctx.fig.loc[term])
