"""The same metric reported more than once: revisions and contradictions."""

from __future__ import annotations

import pandas as pd

from analysis.checks.values import (
    SEVERITY_ORDER,
    Values,
    _overlap,
    _unit_zh,
    finding,
)
from analysis.load import Report
from analysis.metrics import (
    metric_series,
    places,
    reports_of_work,
)


def _described(values: Values, fid: str, lang: str) -> str:
    """A figure as a message lists it: number, unit, id, section and date."""
    f = values.figures.loc[fid]
    date = f["cutoff_date"]
    if lang == "zh":
        when = f"截至 {date.date()}" if pd.notna(date) else "无截止日期"
        return f"{values.text(fid, 'zh')}{_unit_zh(f)}（{fid}，第{f['section']}部分，{when}）"
    when = f"as of {date.date()}" if pd.notna(date) else "no cut-off date"
    return f"{values.text(fid, 'en')} {f['unit'].replace('_', '-')} [{fid}, section {f['section']}, {when}]"


def classify_pair(earlier: pd.Series, later: pd.Series, cumulative: bool) -> tuple[str, str] | None:
    """How two reports of the same count relate, ``earlier`` before ``later`` in time order. Returns
    (severity, verdict) or None when they agree (equal, or within the rounding of 余/多/约).

    Both undated, or dated the same day, with different values: a contradiction (warning). Otherwise they are
    ordered (by date; an undated figure by its place in the report): a later, larger value of a cumulative
    count is a revision (info); a later, smaller one is a contradiction (warning); a change of a
    non-cumulative count is info. Different scopes (project vs organisation-wide) are at most info.
    """
    if _overlap(earlier, later):
        return None
    d1, d2 = earlier["cutoff_date"], later["cutoff_date"]
    scopes_differ = earlier["scope"] != later["scope"]
    if (pd.isna(d1) and pd.isna(d2)) or (pd.notna(d1) and pd.notna(d2) and d1 == d2):
        verdict, severity = ("undated" if pd.isna(d1) else "same_date"), "warning"
    elif cumulative and later["lo"] > earlier["hi"]:
        verdict, severity = "revision", "info"
    elif cumulative:
        verdict, severity = "decrease", "warning"
    else:
        verdict, severity = "changed", "info"
    if scopes_differ and severity == "warning":
        verdict, severity = "scope", "info"
    return severity, verdict


_VERDICT_EN = {
    "undated": "neither has a cut-off date, so a later update cannot be told from a contradiction",
    "same_date": "both are as of the same date, so they contradict each other",
    "revision": "the later figure is larger: a running total that grew (a revision, not a contradiction)",
    "decrease": "a running total cannot shrink, so the later, smaller figure contradicts the earlier one",
    "changed": "the count changed between the two reports",
    "scope": "one figure is organisation-wide, the other for the project, so they need not agree",
}
_VERDICT_ZH = {
    "undated": "两者都没有截止日期，无法判断是后来更新还是相互矛盾",
    "same_date": "两者截止日期相同，数字却不同，相互矛盾",
    "revision": "后一个数字更大：累计数随时间增长（属于更新，不是矛盾）",
    "decrease": "累计数不会减少，后一个较小的数字与前一个矛盾",
    "changed": "两次报告之间该数字有变化",
    "scope": "一个是机构整体数字，一个是本项目数字，二者不必一致",
}


def same_metric_findings(report: Report, fig: pd.DataFrame) -> list[dict]:
    """One finding per metric reported more than once (same place, same unit) whose figures disagree beyond
    rounding; its severity is the worst of its pairs (every pair is compared, in time order)."""
    cumulative = dict(zip(report.metrics["metric"], report.metrics["is_cumulative"], strict=True))
    multi_unit = reports_of_work(fig).groupby("metric")["unit"].nunique()
    pl = places(report)
    found = []
    for ids in metric_series(fig):
        group = fig.loc[ids]
        first = group.iloc[0]
        verdicts = []
        for i in range(len(ids)):
            for j in range(i + 1, len(ids)):
                result = classify_pair(group.iloc[i], group.iloc[j], bool(cumulative.get(first["metric"], False)))
                if result:
                    verdicts.append((result[0], result[1], ids[i], ids[j]))
        if not verdicts:
            continue
        severity = min((v[0] for v in verdicts), key=SEVERITY_ORDER.__getitem__)
        place = first["place_id"] if isinstance(first["place_id"], str) else None
        check_id = f"same_metric:{first['metric']}" + (f":{place}" if place else "")
        check_id += f":{first['unit']}" if multi_unit.get(first["metric"], 1) > 1 else ""
        where_zh = f"（{pl.loc[place, 'name_zh']}）" if place else ""
        where_en = f" for {pl.loc[place, 'name_en']}" if place else ""
        values = Values(fig, {})
        listing_zh = "；".join(_described(values, f, "zh") for f in ids)
        listing_en = "; ".join(_described(values, f, "en") for f in ids)
        pairs_zh = "；".join(f"{a} 与 {b}：{_VERDICT_ZH[v]}" for _, v, a, b in verdicts)
        pairs_en = "; ".join(f"{a} vs {b}: {_VERDICT_EN[v]}" for _, v, a, b in verdicts)
        found.append(
            finding(
                check_id,
                severity,
                f"「{first['metric_zh']}」{where_zh}被报告了 {len(ids)} 次：{listing_zh}。{pairs_zh}。",
                f"{first['metric_en']}{where_en} is reported {len(ids)} times: {listing_en}. {pairs_en}.",
                figure_ids=ids,
                quotes=list(group["quote"]),
                place_ids=[place] if place else [],
            )
        )
    return found
