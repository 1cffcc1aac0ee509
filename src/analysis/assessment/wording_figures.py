"""The wording of issues about figures: the same measure twice (contradictions, revisions, changes, scope),
a part larger than its whole, a count against its list."""

from __future__ import annotations

import pandas as pd

from analysis import checks, metrics
from analysis.assessment.grouping import CONTRADICTIONS, Cause
from analysis.assessment.materiality import Context, Measure
from analysis.assessment.numbers import figure_text, num, section_text, times
from analysis.assessment.phrases import NO_EXPLANATION, VERDICT_EN, VERDICT_ZH, join_items, rule_words

# ---------------------------------------------------------------------------------------------------- figures


def _label(ctx: Context, f: pd.Series, lang: str) -> str:
    """A figure's measure as a reader names it, with its place when it has one: 入户（南湖区）/ Households
    visited in Nanhu District."""
    label = str(f["metric_zh"] if lang == "zh" else f["metric_en"])
    place = f.get("place_id")
    pl = metrics.places(ctx.report)
    if isinstance(place, str) and place in pl.index:
        name = pl.loc[place, "name_zh" if lang == "zh" else "name_en"]
        return f"{label}（{name}）" if lang == "zh" else f"{label} in {name}"
    return label


def _pair_row(p: dict, ctx: Context) -> dict:
    a, b = ctx.fig.loc[p["a"]], ctx.fig.loc[p["b"]]
    from analysis.assessment.numbers import is_uncertain

    return {
        "measure_zh": _label(ctx, a, "zh"),
        "measure_en": _label(ctx, a, "en"),
        "value_a_zh": figure_text(a, "zh"),
        "value_a_en": figure_text(a, "en"),
        "section_a": str(a["section"]),
        "date_a": None if pd.isna(a["cutoff_date"]) else a["cutoff_date"].date().isoformat(),
        "quote_a": str(a["quote"]),
        "value_b_zh": figure_text(b, "zh"),
        "value_b_en": figure_text(b, "en"),
        "section_b": str(b["section"]),
        "date_b": None if pd.isna(b["cutoff_date"]) else b["cutoff_date"].date().isoformat(),
        "quote_b": str(b["quote"]),
        "ratio": float(p["ratio"]),
        "gap": float(p["gap"]),
        "is_approximate": bool(is_uncertain(a) or is_uncertain(b)),
        "verdict_zh": VERDICT_ZH.get(p["verdict"], ""),
        "verdict_en": VERDICT_EN.get(p["verdict"], ""),
    }


def _slip(a: pd.Series, b: pd.Series) -> tuple[str, str] | None:
    """Whether two conflicting values are one typing slip apart (numbers of three digits or more only: small
    numbers are one digit apart too often to mean anything)."""
    if min(abs(float(a["value"])), abs(float(b["value"]))) < 100:
        return None
    for new, kind, _how in checks.digit_edits(float(a["value"])):
        if abs(new - float(b["value"])) < 1e-9 and kind in ("transposition", "change"):
            return (
                ("两个数字只差两位数字的顺序" if kind == "transposition" else "两个数字只差一位数字"),
                (
                    "the two numbers differ only by two swapped digits"
                    if kind == "transposition"
                    else "the two numbers differ in one digit only"
                ),
            )
    return None


def conflict_words(cause: Cause, m: Measure, ctx: Context) -> dict:
    bad = [p for p in cause.pairs if p["verdict"] in CONTRADICTIONS]
    others = [p for p in cause.pairs if p["verdict"] not in CONTRADICTIONS]
    verdict = cause.data.get("verdict", "undated")
    worst = bad[0]
    a, b = ctx.fig.loc[worst["a"]], ctx.fig.loc[worst["b"]]
    first, second = sorted((a, b), key=lambda f: metrics.section_rank(f["section"]))
    s1z, s2z = section_text(first["section"], "zh"), section_text(second["section"], "zh")
    s1e, s2e = section_text(first["section"], "en"), section_text(second["section"], "en")
    when_zh = {"undated": "两处都没有截止日期", "same_date": "两处截止日期相同", "decrease": "较晚的累计数反而更小"}[
        verdict
    ]
    when_en = {
        "undated": "neither has a cut-off date",
        "same_date": "both are as of the same date",
        "decrease": "the later running total is smaller",
    }[verdict]
    metrics_in = list(dict.fromkeys(p["metric"] for p in bad))
    if len(metrics_in) == 1:
        title_zh = (
            f"「{_label(ctx, a, 'zh')}」在{s1z}为 {figure_text(first, 'zh')}，在{s2z}为 "
            f"{figure_text(second, 'zh')}（较大者是较小者的 {times(worst['ratio'])} 倍），{when_zh}。"
        )
        title_en = (
            f"{_label(ctx, a, 'en')} is {figure_text(first, 'en')} in {s1e} but {figure_text(second, 'en')} in "
            f"{s2e} (the larger is {times(worst['ratio'])} times the smaller); {when_en}."
        )
    else:
        title_zh = (
            f"{s1z}与{s2z}对 {len(metrics_in)} 项工作量给出了不同的数字，{when_zh}；差距最大的是"
            f"「{_label(ctx, a, 'zh')}」：{figure_text(first, 'zh')} 与 {figure_text(second, 'zh')}。"
        )
        title_en = (
            f"{s1e[0].upper() + s1e[1:]} and {s2e} give different numbers for {len(metrics_in)} measures "
            f"and {when_en}; the largest gap is {_label(ctx, a, 'en')}: {figure_text(first, 'en')} against "
            f"{figure_text(second, 'en')}."
        )
    if verdict == "undated":
        expl_zh = (
            "两处数字都没有注明截止日期。最可能的解释是统计截止时间不同：较小的数字可能是项目中途的阶段性统计，"
            "较大的是期末数字；也可能其中一处统计范围较窄或有误。"
        )
        expl_en = (
            "Neither figure has a cut-off date. The likeliest reason is different cut-off dates: the smaller "
            "number may be an interim count and the larger the final one; or one of them is counted more "
            "narrowly, or wrong."
        )
    elif verdict == "same_date":
        expl_zh = "两个数字截止日期相同却不一致，至少一处有误，或两者的统计范围不同。"
        expl_en = (
            "Both figures are as of the same date yet differ: at least one is wrong, or they count different things."
        )
    else:
        expl_zh = "累计数不会随时间减少：较晚的数字更小，其中一处可能有误，或两者的统计范围不同。"
        expl_en = (
            "A running total cannot shrink: the later figure is smaller, so one is wrong or they count "
            "different things."
        )
    slip = _slip(a, b)
    if slip:
        expl_zh += f"{slip[0]}，也可能是笔误。"
        expl_en += f" {slip[1][0].upper() + slip[1][1:]}, so it may also be a typing slip."
    expl_zh += NO_EXPLANATION[0]
    expl_en += " " + NO_EXPLANATION[1]
    orgs = [
        ctx.fig.loc[i]
        for p in others
        if p["verdict"] == "scope"
        for i in (p["a"], p["b"])
        if ctx.fig.loc[i, "scope"] == "organisation"
    ]
    for o in {str(o["figure_id"]): o for o in orgs}.values():
        expl_zh += (
            f"另有{section_text(o['section'], 'zh')}的「{o['metric_zh']}」{figure_text(o, 'zh')}为机构整体数字，"
            "统计范围不同，不必一致。"
        )
        expl_en += (
            f" The {figure_text(o, 'en')} given for {o['metric_en']} in {section_text(o['section'], 'en')} "
            "is organisation-wide, so it need not agree."
        )
    asks_zh = [
        f"「{_label(ctx, ctx.fig.loc[p['a']], 'zh')}」是 {figure_text(ctx.fig.loc[p['a']], 'zh')} 还是 "
        f"{figure_text(ctx.fig.loc[p['b']], 'zh')}"
        for p in bad
    ]
    asks_en = [
        f"{_label(ctx, ctx.fig.loc[p['a']], 'en')}: {figure_text(ctx.fig.loc[p['a']], 'en')} or "
        f"{figure_text(ctx.fig.loc[p['b']], 'en')}"
        for p in bad
    ]
    q_zh = (
        f"请说明{s1z}与{s2z}的数字分别统计到哪一天、统计范围是否相同，并确认项目期末的准确数字："
        + join_items(list(dict.fromkeys(asks_zh)), "zh", 10)
        + "？"
    )
    q_en = (
        f"Please say up to which date the numbers in {s1e} and {s2e} count, and whether they count the same "
        f"work, and confirm the final numbers: " + join_items(list(dict.fromkeys(asks_en)), "en", 10) + "?"
    )
    return {
        "title_zh": title_zh,
        "title_en": title_en,
        "explanation_zh": expl_zh,
        "explanation_en": expl_en,
        "question_zh": q_zh,
        "question_en": q_en,
        "evidence": [_pair_row(p, ctx) for p in cause.pairs],
    }


def revision_words(cause: Cause, m: Measure, ctx: Context) -> dict:
    pairs = cause.pairs
    metrics_in = list(dict.fromkeys(p["metric"] for p in pairs))
    rows = [_pair_row(p, ctx) for p in pairs]
    if len(metrics_in) == 1:
        r = rows[0]
        title_zh = (
            f"「{r['measure_zh']}」的累计数从 {r['value_a_zh']} 更新为 {r['value_b_zh']}（报告后文的更新，不是矛盾）。"
        )
        title_en = (
            f"The running total of {r['measure_en']} grows from {r['value_a_en']} to {r['value_b_en']} "
            "later in the report (an update, not a contradiction)."
        )
    else:
        title_zh = f"{len(metrics_in)} 项累计数字在报告后文更新为更大的数字（属于更新，不是矛盾）。"
        title_en = (
            f"{len(metrics_in)} running totals are updated to larger numbers later in the report "
            "(updates, not contradictions)."
        )
    asks_zh = [f"「{r['measure_zh']}」{r['value_b_zh']}" for r in rows]
    asks_en = [f"{r['measure_en']}: {r['value_b_en']}" for r in rows]
    return {
        "title_zh": title_zh,
        "title_en": title_en,
        "explanation_zh": "较早的数字有较早的截止日期或出现在报告前文，较晚的数字更大："
        "累计数随时间增长，以较晚的数字为准。",
        "explanation_en": "The earlier figure has an earlier cut-off (or comes earlier in the report) and the later "
        "one is larger: a running total that grew; the later figure stands.",
        "question_zh": "请确认以下较晚的数字为项目期末的最终数字："
        + join_items(list(dict.fromkeys(asks_zh)), "zh", 5)
        + "。",
        "question_en": "Please confirm that these later figures are the final ones: "
        + join_items(list(dict.fromkeys(asks_en)), "en", 5)
        + ".",
        "evidence": rows,
    }


def change_words(cause: Cause, m: Measure, ctx: Context) -> dict:
    r = _pair_row(cause.pairs[0], ctx)
    sa, sb = section_text(r["section_a"], "zh"), section_text(r["section_b"], "zh")
    ea, eb = section_text(r["section_a"], "en"), section_text(r["section_b"], "en")
    return {
        "title_zh": f"「{r['measure_zh']}」在{sa}为 {r['value_a_zh']}，在{sb}为 {r['value_b_zh']}"
        "（两次报告之间有变化）。",
        "title_en": f"{r['measure_en']} is {r['value_a_en']} in {ea} and {r['value_b_en']} in {eb} "
        "(it changed between the two reports).",
        "explanation_zh": "这一数字不是累计数，不同时点的数字可以不同，不构成矛盾。",
        "explanation_en": "This count is not a running total, so it may differ between two points in time; "
        "that is no contradiction.",
        "question_zh": f"请确认「{r['measure_zh']}」在项目期末的数字。",
        "question_en": f"Please confirm the end-of-project number for {r['measure_en']}.",
        "evidence": [_pair_row(p, ctx) for p in cause.pairs],
    }


def scope_words(cause: Cause, m: Measure, ctx: Context) -> dict:
    p = cause.pairs[0]
    a, b = ctx.fig.loc[p["a"]], ctx.fig.loc[p["b"]]
    org, proj = (a, b) if a["scope"] == "organisation" else (b, a)
    return {
        "title_zh": f"「{_label(ctx, a, 'zh')}」：机构整体的 {figure_text(org, 'zh')} 与本项目的 "
        f"{figure_text(proj, 'zh')} 统计范围不同。",
        "title_en": f"{_label(ctx, a, 'en')}: the organisation-wide {figure_text(org, 'en')} and the project's "
        f"{figure_text(proj, 'en')} count different scopes.",
        "explanation_zh": "一个是机构整体的数字（包括其他资金支持的工作），一个是本项目的数字，二者不必一致。",
        "explanation_en": "One figure is organisation-wide (work paid from other funds too), the other is the "
        "project's, so they need not agree.",
        "question_zh": f"机构整体的 {figure_text(org, 'zh')} 中，有多少属于本项目？",
        "question_en": f"How much of the organisation-wide {figure_text(org, 'en')} belongs to this project?",
        "evidence": [_pair_row(x, ctx) for x in cause.pairs],
    }


def part_whole_words(cause: Cause, m: Measure, ctx: Context) -> dict:
    part, whole, top = m.data.get("part"), m.data.get("whole"), m.data.get("top")
    pl = metrics.places(ctx.report)
    if m.data.get("parts") is not None:
        parts = m.data["parts"]
        names_zh = "、".join(str(pl.loc[p, "name_zh"]) for p in dict.fromkeys(parts["place_id"]) if p in pl.index)
        names_en = ", ".join(str(pl.loc[p, "name_en"]) for p in dict.fromkeys(parts["place_id"]) if p in pl.index)
        label_zh, label_en = str(whole["metric_zh"]), str(whole["metric_en"])
        total = num(m.data["total"])
        return {
            "title_zh": f"{names_zh}的「{label_zh}」合计至少 {total}，多于整个项目的 {figure_text(whole, 'zh')}。",
            "title_en": f"{names_en} add up to at least {total} for {label_en}, more than the whole project's "
            f"{figure_text(whole, 'en')}.",
            "explanation_zh": "各地的数字可能有重复计算（同一工作被几个地方都算上），或全项目的数字不完整。"
            + NO_EXPLANATION[0],
            "explanation_en": "The places' numbers may overlap (the same work counted by several places), or the "
            "project total is incomplete. " + NO_EXPLANATION[1],
            "question_zh": f"全项目的「{label_zh}」是多少？各地的数字是否有重复计算？",
            "question_en": f"What is the project's total for {label_en}, and do the places' numbers overlap?",
        }
    if part is None:
        return rule_words(cause, m, ctx)
    name_zh = pl.loc[part["place_id"], "name_zh"] if part["place_id"] in pl.index else ""
    name_en = pl.loc[part["place_id"], "name_en"] if part["place_id"] in pl.index else ""
    sw_zh, sw_en = section_text(whole["section"], "zh"), section_text(whole["section"], "en")
    if m.data.get("fits_top") and top["figure_id"] != whole["figure_id"]:
        earlier = pd.notna(whole["cutoff_date"]) and (
            pd.isna(part["cutoff_date"]) or whole["cutoff_date"] < part["cutoff_date"]
        )
        why_zh = f"截止日期（{whole['cutoff_date'].date().isoformat()}）较早" if earlier else "可能不完整或统计口径较窄"
        why_en = (
            f"has an earlier cut-off ({whole['cutoff_date'].date().isoformat()})"
            if earlier
            else "is probably incomplete or counted more narrowly"
        )
        expl_zh = (
            f"{sw_zh}的全项目数字{why_zh}；{section_text(top['section'], 'zh')}给出的 "
            f"{figure_text(top, 'zh')} 与一地的数字相容。" + ("" if earlier else NO_EXPLANATION[0])
        )
        expl_en = (
            f"The project total in {sw_en} {why_en}; the "
            f"{figure_text(top, 'en')} in {section_text(top['section'], 'en')} is consistent with the "
            f"place's number." + ("" if earlier else " " + NO_EXPLANATION[1])
        )
    else:
        expl_zh = "一地的数字大于整个项目的数字，至少一处有误，或两者的统计范围不同。" + NO_EXPLANATION[0]
        expl_en = (
            "One place's number is larger than the whole project's: one is wrong, or they count different "
            "things. " + NO_EXPLANATION[1]
        )
    return {
        "title_zh": f"{name_zh}一地的「{part['metric_zh']}」（{figure_text(part, 'zh')}）多于{sw_zh}给出的全项目数字"
        f"（{figure_text(whole, 'zh')}）。",
        "title_en": f"{name_en} alone reports {figure_text(part, 'en')} for {part['metric_en']}, more than the "
        f"project total of {figure_text(whole, 'en')} in {sw_en}.",
        "explanation_zh": expl_zh,
        "explanation_en": expl_en,
        "question_zh": f"全项目的「{part['metric_zh']}」是多少？{name_zh}的 {figure_text(part, 'zh')} 是否包含在内？",
        "question_en": f"What is the project's total for {part['metric_en']}, and are the "
        f"{figure_text(part, 'en')} of {name_en} part of it?",
    }


def list_count_words(cause: Cause, m: Measure, ctx: Context) -> dict:
    f, n, lst = m.data.get("figure"), m.data.get("listed"), m.data.get("list") or {}
    if f is None:
        return rule_words(cause, m, ctx)
    label_zh, label_en = lst.get("label_zh", f["label_zh"]), lst.get("label_en", f["metric_en"])
    sec_zh, sec_en = (
        section_text(lst.get("section", f["section"]), "zh"),
        section_text(lst.get("section", f["section"]), "en"),
    )
    stated = float(f["value"])
    if n > stated:
        expl_zh = (
            f"名单比计数多 {n - stated:g} 项：可能计数没有随名单更新，"
            "或名单中有的不应计入（如重复或个人与单位分开计）。" + NO_EXPLANATION[0]
        )
        expl_en = (
            f"The list has {n - stated:g} more than the count: the count may not have been updated when the "
            f"list grew, or some entries should not count (duplicates, individuals counted apart). " + NO_EXPLANATION[1]
        )
    else:
        expl_zh = f"计数比名单多 {stated - n:g} 项：名单可能只列举了一部分。" + NO_EXPLANATION[0]
        expl_en = (
            f"The count is {stated - n:g} more than the list: the list may name only some of them. " + NO_EXPLANATION[1]
        )
    return {
        "title_zh": f"{sec_zh}说「{label_zh}」共 {figure_text(f, 'zh')}，但列出了 {n} 项。",
        "title_en": f"{sec_en[0].upper() + sec_en[1:]} says there are {figure_text(f, 'en')} ({label_en}) "
        f"but names {n}.",
        "explanation_zh": expl_zh,
        "explanation_en": expl_en,
        "question_zh": f"「{label_zh}」的实际数量是 {num(stated)} 还是 {n}？",
        "question_en": f"How many are there ({label_en}): {num(stated)} or {n}?",
    }
