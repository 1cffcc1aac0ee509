"""Targets in the assessment: attainment with its uncertainty kept, and why the figure used was chosen."""

from __future__ import annotations

import math
import re

import pandas as pd

from analysis import metrics
from analysis.assessment.numbers import figure_text, interval_text, is_uncertain, num, section_text, times
from analysis.load import Report

TARGET_EXTRA = [
    "caveat_zh",
    "caveat_en",
    "achieved_lo",
    "achieved_hi",
    "attainment_lo",
    "attainment_hi",
    "is_met",
    "achieved_text_zh",
    "achieved_text_en",
    "attainment_text_zh",
    "attainment_text_en",
    "why_zh",
    "why_en",
]


def _why(used: list[str], others: list[str], sums: list[str], fig: pd.DataFrame, lang: str) -> str:
    zh = lang == "zh"
    if not used:
        return "报告没有给出完成数。" if zh else "The report gives no achievement figure."
    alt = [u for u in used if u not in sums]
    parts = []
    if alt and others:
        chosen = fig.loc[alt[0]]
        rest = fig.loc[others]
        where = section_text(chosen["section"], lang)
        shown = figure_text(chosen, lang)
        others_text = ("、" if zh else ", ").join(
            f"{section_text(r['section'], lang)}的 {figure_text(r, lang)}"
            if zh
            else f"{figure_text(r, lang)} in {section_text(r['section'], lang)}"
            for _, r in rest.iterrows()
        )
        if all(float(r["value"]) == float(chosen["value"]) for _, r in rest.iterrows()):
            parts.append(
                f"{where}与{others_text.split('的 ')[0] if len(rest) == 1 else '其他部分'}给出的数字相同：{shown}。"
                if zh
                else f"{where[0].upper() + where[1:]} and the other mentions give the same number: {shown}."
            )
        elif pd.notna(chosen["cutoff_date"]):
            d = chosen["cutoff_date"].date().isoformat()
            parts.append(
                f"选用截止日期最晚的数字：{where}的 {shown}（截至 {d}），而非{others_text}。"
                if zh
                else f"The latest-dated figure is used: {shown} in {where} (as of {d}), not {others_text}."
            )
        else:
            parts.append(
                f"各数字都没有截止日期，选用报告中较后出现的数字：{where}的 {shown}，而非{others_text}。"
                if zh
                else f"No figure has a cut-off date, so the one printed later in the report is used: {shown} "
                f"in {where}, not {others_text}."
            )
    elif alt:
        f = fig.loc[alt[0]]
        parts.append(
            f"报告只给出这一个完成数：{section_text(f['section'], lang)}的 {figure_text(f, lang)}。"
            if zh
            else f"The report gives one achievement figure: {figure_text(f, lang)} in "
            f"{section_text(f['section'], lang)}."
        )
    if sums:
        items = [figure_text(fig.loc[s], lang) for s in sums]
        uncertain = any(is_uncertain(fig.loc[s]) for s in sums)
        if zh:
            parts.append(
                f"完成数为 {' + '.join(items)} 之和" + ("，其中有约数，因此合计也是约数。" if uncertain else "。")
            )
        else:
            parts.append(
                f"The achievement is the sum {' + '.join(items)}"
                + (", approximate because its parts are." if uncertain else ".")
            )
    return "".join(parts) if zh else " ".join(parts)


def targets(report: Report) -> pd.DataFrame:
    """:func:`analysis.metrics.target_attainment` with the uncertainty and the choice spelled out.

    Extra columns: achieved_lo / achieved_hi (the values the achievement figures allow: 20多 + 40多 → 60..80),
    attainment_lo / attainment_hi, is_met (True/False; None when unknown or when the interval straddles the
    target), achieved_text_zh/en and attainment_text_zh/en (with 约/多/至少 kept), why_zh / why_en (the figure
    used and why it was chosen over a conflicting one). ``is_approximate`` is also True when a figure used is a
    lower bound, a range or a round 万.
    """
    base = metrics.target_attainment(report)
    fig = metrics.figures(report)
    ach = report.target_achievements
    rows = []
    for t in base.to_dict("records"):
        used = [i for i in str(t["achieved_figure_ids"] or "").split(";") if i]
        others = [i for i in str(t["other_figure_ids"] or "").split(";") if i]
        mine = ach[ach["target_id"] == t["target_id"]]
        sums = [i for i in mine.loc[mine["combine"] == "sum", "figure_id"] if i in used]
        target = fig.loc[t["target_figure_id"]]
        lo = sum(float(fig.loc[i, "lo"]) for i in used) if used else math.nan
        hi = sum(float(fig.loc[i, "hi"]) for i in used) if used else math.nan
        tv = float(target["value"])
        a_lo, a_hi = (lo / tv, hi / tv) if used and tv else (math.nan, math.nan)
        uncertain = bool(t["is_approximate"]) or any(is_uncertain(fig.loc[i]) for i in used) or is_uncertain(target)
        met = None
        if used and tv:
            met = True if lo >= float(target["hi"]) - 1e-9 else (False if hi < float(target["lo"]) - 1e-9 else None)
        if used:
            if len(used) == 1:
                a_zh, a_en = figure_text(fig.loc[used[0]], "zh"), figure_text(fig.loc[used[0]], "en")
            else:
                a_zh = f"约 {interval_text(lo, hi, 'zh')}" if uncertain else num(lo)
                a_en = f"about {interval_text(lo, hi, 'en')}" if uncertain else num(lo)
        else:
            a_zh, a_en = "未报告", "not reported"
        if used and tv:
            if uncertain and not (abs(a_hi - a_lo) < 1e-9):
                r_zh = f"约 {times(a_lo)}–{times(a_hi)} 倍" if math.isfinite(a_hi) else f"至少 {times(a_lo)} 倍"
                r_en = (
                    f"about {times(a_lo)}–{times(a_hi)} times the target"
                    if math.isfinite(a_hi)
                    else f"at least {times(a_lo)} times the target"
                )
            elif uncertain:
                r_zh, r_en = (
                    f"约 {times(a_lo)} 倍（由约数计算）",
                    f"about {times(a_lo)} times the target (from an approximate figure)",
                )
            else:
                r_zh, r_en = f"{times(a_lo)} 倍", f"{times(a_lo)} times the target"
        else:
            r_zh, r_en = "无法计算", "cannot be computed"
        t.update(
            {
                "caveat_zh": str(t["note_zh"] or ""),
                "caveat_en": re.sub(r"\b([a-z]+)_([a-z]+)\b", r"\1-\2", str(t["note_en"] or "")),
                "is_approximate": uncertain,
                "achieved_lo": lo,
                "achieved_hi": hi,
                "attainment_lo": a_lo,
                "attainment_hi": a_hi,
                "is_met": met,
                "achieved_text_zh": a_zh,
                "achieved_text_en": a_en,
                "attainment_text_zh": r_zh,
                "attainment_text_en": r_en,
                "why_zh": _why(used, others, sums, fig, "zh"),
                "why_en": _why(used, others, sums, fig, "en"),
            }
        )
        rows.append(t)
    return pd.DataFrame(rows, columns=list(base.columns) + TARGET_EXTRA)
