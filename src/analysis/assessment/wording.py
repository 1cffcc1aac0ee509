"""What an issue says, in Chinese and English: title, likely explanation, impact, question for the grantee, and
the rows of its evidence table. Plain sentences: no figure ids, check names, column names or enum values."""

from __future__ import annotations

import re

import pandas as pd

from analysis import checks, metrics
from analysis.assessment import budget as budget_mod
from analysis.assessment.grouping import CONTRADICTIONS, Cause
from analysis.assessment.materiality import Context, Measure
from analysis.assessment.numbers import figure_text, num, section_text, times

_IDS = re.compile(r"\bF\d{3,}\b|budget\.[A-Za-z0-9_-]+\.[a-z_]+|\b[a-z_]+:[a-z0-9_:-]+\b|\b[a-z]+_yuan\b")
_NO_EXPLANATION = ("报告中没有找到对此的说明。", "The report gives no explanation for it.")

_VERDICT_ZH = {
    "undated": "两者都没有截止日期",
    "same_date": "截止日期相同而数字不同",
    "decrease": "较晚的累计数反而更小",
    "revision": "较晚的累计数更大（更新）",
    "scope": "统计范围不同（机构整体与本项目）",
    "changed": "两次报告之间有变化",
}
_VERDICT_EN = {
    "undated": "neither has a cut-off date",
    "same_date": "same cut-off date, different numbers",
    "decrease": "the later running total is smaller",
    "revision": "the later running total is larger (an update)",
    "scope": "different scope (organisation-wide and project)",
    "changed": "changed between the two reports",
}


def clean(text: str) -> str:
    """Drop anything that looks like an id, a check name or a column name, and tidy the spaces left behind.

    >>> clean("43 条（F034）与 budget.masks.actual_yuan")
    '43 条与'
    """
    text = _IDS.sub("", text)
    text = re.sub(r"（\s*[，、;；]?\s*）|\(\s*[,;]?\s*\)", "", text)
    return re.sub(r"[ \t]{2,}", " ", text).strip()


def _join(items: list[str], lang: str, limit: int = 3) -> str:
    more = len(items) > limit
    items = items[:limit]
    if lang == "zh":
        return "；".join(items) + ("等" if more else "")
    return "; ".join(items) + (" and others" if more else "")


def _now_other(h: dict, lang: str, unit: str, sep: str | None = None) -> str:
    """'（现为 5.34 倍，按另一个数字为 5.24 倍）' for a headline with a value under the other reading."""
    if "now" not in h:
        return ""
    fmt = times if unit.strip() in ("倍", "times") else (lambda v: f"{v:.2f}")
    about = ("约 " if lang == "zh" else "about ") if h.get("approximate") else ""
    other = " / ".join(f"{about}{fmt(v)}{unit}" for v in h["other"])
    if lang == "zh":
        text = f"现为 {fmt(h['now'])}{unit}，按另一个数字为 {other}"
        return f"{sep}{text}" if sep else f"（{text}）"
    text = f"now {fmt(h['now'])}{unit}, {other} with the other figure"
    return f"{sep}{text}" if sep else f" ({text})"


def impact(m: Measure, ctx: Context, lang: str) -> str:
    """Which headline numbers depend on the issue (one or two sentences)."""
    zh = lang == "zh"
    b = ctx.budget
    parts = []
    for h in m.headlines:
        if h["what"] == "budget_total" and b.get("printed_total_yuan") is not None:
            corrected = m.data.get("corrected_total")
            if zh:
                extra = f"，更正后为 {num(corrected)} 元" if corrected is not None else ""
                parts.append(
                    f"实际开支合计（印为 {num(b['printed_total_yuan'])} 元，各行相加为 "
                    f"{num(b['recomputed_total_yuan'])} 元{extra}）和预算执行率"
                )
            else:
                extra = f"; {num(corrected)} after the correction" if corrected is not None else ""
                parts.append(
                    f"the total spending (printed {num(b['printed_total_yuan'])} yuan; the lines add up to "
                    f"{num(b['recomputed_total_yuan'])}{extra}) and the budget execution rate"
                )
        elif h["what"] == "budget_line":
            parts.append(
                "该预算行的执行率及资助方要求的说明"
                if zh
                else "this line's execution rate and the explanation the funder asks for"
            )
        elif h["what"] == "target":
            if zh:
                parts.append(f"目标「{h['label_zh']}」的完成率" + _now_other(h, "zh", " 倍"))
            else:
                parts.append(f'the attainment of the target "{h["label_en"]}"' + _now_other(h, "en", " times"))
        elif h["what"] == "cost":
            if zh:
                parts.append(f"单位产出成本（{h['label_zh']}" + _now_other(h, "zh", " 元", sep="：") + "）")
            else:
                parts.append(f"the cost per output ({h['label_en']}" + _now_other(h, "en", " yuan", sep=": ") + ")")
        elif h["what"] == "intensity":
            parts.append("人均服务量" if zh else "the output per worker")
    parts = list(dict.fromkeys(parts))
    if not parts:
        return (
            "不影响目标完成率、预算合计或单位产出成本等主要数字。"
            if zh
            else "No headline figure (a target attainment, the budget total, a cost per output) depends on it."
        )
    text = ("受影响的主要数字：" + "、".join(parts) + "。") if zh else ("It affects " + ", ".join(parts) + ".")
    for f in m.target_flips:
        text += (
            f"按另一个数字，目标「{f['label_zh']}」将不再达成。"
            if zh
            else f' Under the other figure the target "{f["label_en"]}" is no longer met.'
        )
    for _ in m.line_flips[:1]:
        text += (
            "更正后，有预算行是否需要说明的结论会改变。"
            if zh
            else " After the correction, whether a budget line needs an explanation changes."
        )
    return text


def describe(cause: Cause, m: Measure, ctx: Context) -> dict:
    """title_zh/en, explanation_zh/en, question_zh/en and evidence of a cause."""
    fn = {
        "budget_arithmetic": _budget,
        "threshold": _threshold,
        "narrative": _narrative,
        "conflict": _conflict,
        "revision": _revision,
        "change": _change,
        "scope": _scope,
        "part_whole": _part_whole,
        "list_count": _list_count,
    }.get(cause.kind, _rule)
    out = fn(cause, m, ctx)
    for key in ("title_zh", "title_en", "question_zh", "question_en", "explanation_zh", "explanation_en"):
        out[key] = clean(out[key])
    out.setdefault("evidence", [])
    return out


# ---------------------------------------------------------------------------------------------------- budget


def _budget(cause: Cause, m: Measure, ctx: Context) -> dict:
    evidence = [
        {"check_zh": clean(f["message_zh"]), "check_en": clean(f["message_en"])}
        for f in cause.findings
        if f["kind"] != "localise"
    ]
    n = len(evidence)
    c = m.data.get("correction")
    if c is not None:
        zh_cell, en_cell = budget_mod.cell_name(ctx.report, c.cell)
        how_zh, how_en = budget_mod.slip_text(c)
        line = ctx.report.budget.set_index("line_id").loc[c.cell.split(".")[1]]
        names = budget_mod.line_names(ctx.report)[c.cell.split(".")[1]]
        column = c.cell.split(".")[2]
        if column == "actual_yuan":
            q_zh = f"请提供「{names[0]}」的支出凭证，确认实际开支为 {num(c.old)} 元还是 {num(c.new)} 元。"
            q_en = (
                f"Please send the receipts for {names[1]} and confirm whether actual spending was "
                f"{num(c.old)} yuan or {num(c.new)} yuan."
            )
        else:
            q_zh = f"请核对{zh_cell}，确认应为 {num(c.old)} 元还是 {num(c.new)} 元。"
            q_en = f"Please check {en_cell} and confirm whether it is {num(c.old)} yuan or {num(c.new)} yuan."
        del line
        return {
            "title_zh": f"预算表中有一格很可能印错：{zh_cell}印为 {num(c.old)} 元，应为 {num(c.new)} 元。",
            "title_en": f"One cell of the budget table is probably mistyped: {en_cell} reads {num(c.old)} yuan "
            f"but should be {num(c.new)} yuan.",
            "explanation_zh": f"很可能是笔误（{how_zh}）：表中有 {n} 处加总对不上，只改这一格就全部成立，"
            f"且不会使任何原本成立的加总不再成立。",
            "explanation_en": f"Probably a typing slip ({how_en}): {n} sums of the table fail, and this one change "
            f"makes all of them hold without breaking any that held.",
            "question_zh": q_zh,
            "question_en": q_en,
            "evidence": evidence,
        }
    if len(ctx.full) > 1 and cause.data.get("single_correction"):
        options_zh = [f"{budget_mod.cell_name(ctx.report, x.cell)[0]}为 {num(x.new)}" for x in ctx.full]
        options_en = [f"{budget_mod.cell_name(ctx.report, x.cell)[1]} reading {num(x.new)}" for x in ctx.full]
        return {
            "title_zh": f"预算表有 {n} 处加总对不上，可能是其中一格印错。",
            "title_en": f"{n} sums of the budget table fail; one mistyped cell could explain them.",
            "explanation_zh": "以下任一单元格的改动都能让全部加总成立："
            + "；".join(options_zh)
            + "。无法从表中判断是哪一格。",
            "explanation_en": "Any one of these corrections makes every sum hold: "
            + "; ".join(options_en)
            + ". The table alone cannot tell which.",
            "question_zh": "请提供预算表各行的支出凭证，确认哪一格印错：" + "；".join(options_zh) + "？",
            "question_en": "Please send the receipts for the budget lines and confirm which cell is wrong: "
            + "; ".join(options_en)
            + "?",
            "evidence": evidence,
        }
    amount = num(m.money_yuan or 0)
    local = next((f for f in cause.findings if f["kind"] == "localise"), None)
    if n == 1:
        title_zh, title_en = evidence[0]["check_zh"], evidence[0]["check_en"]
        expl_zh = "只有这一处加总对不上，表中其余的加总都成立；可能是这一行或合计行的笔误。" + _NO_EXPLANATION[0]
        expl_en = (
            "Only this sum fails and the table's other sums hold: probably a slip in this row or in the "
            "total. " + _NO_EXPLANATION[1]
        )
    else:
        title_zh = f"预算表有 {n} 处加总对不上，无法用单独一格的笔误解释（最大相差 {amount} 元）。"
        title_en = (
            f"{n} sums of the budget table fail, and no single mistyped cell explains them (up to {amount} yuan off)."
        )
        expl_zh = clean(str(local["message_zh"])) if local is not None else "表中可能至少有两处独立的错误。"
        expl_en = (
            clean(str(local["message_en"])) if local is not None else "The table probably has at least two errors."
        )
    return {
        "title_zh": title_zh,
        "title_en": title_en,
        "explanation_zh": expl_zh,
        "explanation_en": expl_en,
        "question_zh": f"请核对预算表并提供各行的支出凭证，说明对不上的 {amount} 元从何而来、正确的数字是多少。",
        "question_en": f"Please check the budget table, send the receipts for its lines, and say where the "
        f"{amount} yuan difference comes from and which numbers are right.",
        "evidence": evidence,
    }


def _threshold(cause: Cause, m: Measure, ctx: Context) -> dict:
    row = m.data.get("row") or {}
    name_zh = row.get("line_zh") if row.get("level") == "line" else row.get("category_zh")
    name_en = row.get("line_en") if row.get("level") == "line" else row.get("category_en")
    var = float(row.get("variance_yuan", 0.0))
    pct = row.get("variance_pct")
    pct_zh = "" if pct is None or pd.isna(pct) else f"，{'高于' if var > 0 else '低于'}预算 {abs(pct):.1f}%"
    pct_en = "" if pct is None or pd.isna(pct) else f", {abs(pct):.1f} % {'over' if var > 0 else 'under'} budget"
    act, bud = num(float(row.get("actual_yuan", 0))), num(float(row.get("budget_yuan", 0)))
    ex = m.explained
    if var > 0:
        head_zh, head_en = f"超支 {num(abs(var))} 元", f"overspent by {num(abs(var))} yuan"
        q_zh = f"请说明「{name_zh}」超支 {num(abs(var))} 元（预算 {bud} 元，实际 {act} 元）的原因及超支部分的资金来源。"
        q_en = (
            f"Please explain why {name_en} was overspent by {num(abs(var))} yuan ({act} yuan against a budget "
            f"of {bud}) and how the overspend was paid for."
        )
    else:
        head_zh, head_en = f"结余 {num(abs(var))} 元", f"underspent by {num(abs(var))} yuan"
        q_zh = f"请说明「{name_zh}」只使用了 {act} 元（预算 {bud} 元）的原因，以及结余 {num(abs(var))} 元的去向。"
        q_en = (
            f"Please explain why only {act} yuan of the {bud} yuan budget for {name_en} was spent, and what "
            f"happened to the {num(abs(var))} yuan left over."
        )
    if ex is not None:
        where_zh = section_text(ex["section"], "zh") if ex.get("section") else "报告"
        where_en = section_text(ex["section"], "en") if ex.get("section") else "the report"
        title_tail_zh, title_tail_en = f"报告{where_zh}作了说明。", f"{where_en} explains it."
        expl_zh = f"报告{where_zh}的说明：「{ex['quote']}」。"
        expl_en = f"{where_en[0].upper() + where_en[1:]} explains it (in Chinese): 「{ex['quote']}」."
        q_zh = f"请提供与报告说明相符的「{name_zh}」支出凭证（实际开支 {act} 元）。"
        q_en = f"Please send the receipts for {name_en} ({act} yuan spent) that support the report's explanation."
    else:
        title_tail_zh, title_tail_en = "报告中没有说明原因。", "the report does not say why."
        expl_zh, expl_en = _NO_EXPLANATION
    return {
        "title_zh": f"「{name_zh}」{head_zh}{pct_zh}，超出资助方要求说明的幅度；{title_tail_zh}",
        "title_en": f"{name_en} was {head_en}{pct_en}, more than the funder accepts without an explanation; "
        f"{title_tail_en}",
        "explanation_zh": expl_zh,
        "explanation_en": expl_en,
        "question_zh": q_zh,
        "question_en": q_en,
    }


def _table_side_name(cells: list[str], ctx: Context) -> tuple[str, str]:
    lines = {c.split(".")[1] for c in cells}
    cols = {c.split(".")[2] for c in cells}
    names = budget_mod.line_names(ctx.report)
    if len(lines) == 1:
        zh, en = names.get(next(iter(lines)), ("", ""))
        if cols == {"actual_yuan", "budget_yuan"}:
            return f"「{zh}」一行的预算差额", f"the difference between budget and spending on {en}"
        col = next(iter(cols))
        return budget_mod.cell_name(ctx.report, f"budget.{next(iter(lines))}.{col}")
    return "预算表相应数字", "the corresponding budget figures"


def _category_parts(ctx: Context, reading: dict, lang: str) -> str:
    variance = metrics.budget_variance(ctx.report)
    if reading["level"] != "category":
        return ""
    cat = variance[(variance["level"] == "category") & (variance["line_id"] == reading["line_id"])]
    if cat.empty:
        return ""
    members = variance[(variance["level"] == "line") & (variance["category_zh"] == cat["category_zh"].iloc[0])]
    sign = -1 if reading["what"] == "saving" else 1
    items = []
    for r in members.itertuples():
        v = sign * r.variance_yuan
        name = r.line_zh if lang == "zh" else r.line_en
        items.append(f"{name} {'+' if v >= 0 else '−'}{num(abs(v))}")
    return "，".join(items) if lang == "zh" else ", ".join(items)


def _narrative(cause: Cause, m: Measure, ctx: Context) -> dict:
    fid = m.data.get("story_figure")
    if fid is None:
        return _rule(cause, m, ctx)
    f = ctx.fig.loc[fid]
    sec_zh, sec_en = section_text(f["section"], "zh"), section_text(f["section"], "en")
    side_zh, side_en = _table_side_name(m.data["cells"], ctx)
    table = m.data["table"][0]
    story_zh, story_en = figure_text(f, "zh"), figure_text(f, "en")
    title_zh = f"{sec_zh}所说的「{f['quote']}」（{story_zh}）与预算表中{side_zh} {num(abs(table))} 元不符。"
    title_en = (
        f"{sec_en[0].upper() + sec_en[1:]} says 「{f['quote']}」 ({story_en}), which does not match "
        f"{side_en} in the budget table ({num(abs(table))} yuan)."
    )
    corrected = m.data.get("corrected")
    corr_zh = f"（按预算表最可能的更正计为 {num(abs(corrected[0]))} 元）" if corrected else ""
    corr_en = f" ({num(abs(corrected[0]))} yuan with the budget table's likeliest correction)" if corrected else ""
    r = m.reading
    if r is not None:
        from analysis.assessment.materiality import _WHAT_EN, _WHAT_ZH

        parts_zh, parts_en = _category_parts(ctx, r, "zh"), _category_parts(ctx, r, "en")
        level_zh = {"line": "另一行", "category": "类别小计", "total": "合计"}[r["level"]]
        level_en = {"line": "another line", "category": "a category subtotal", "total": "the total"}[r["level"]]
        expl_zh = (
            f"报告很可能引用的是{level_zh}而非这一行：预算表「{r['name_zh']}」的{_WHAT_ZH[r['what']]}为 "
            f"{num(r['value_yuan'])} 元"
            + (f"（{parts_zh}）" if parts_zh else "")
            + f"，正落在「{story_zh}」的范围内；而该行本身为 {num(abs(table))} 元{corr_zh}。"
        )
        expl_en = (
            f"The report probably quotes {level_en} instead of the line: the {_WHAT_EN[r['what']]} of "
            f"{r['name_en']} in the budget table is {num(r['value_yuan'])} yuan"
            + (f" ({parts_en})" if parts_en else "")
            + f', within "{story_en}", while the line itself is {num(abs(table))} yuan{corr_en}.'
        )
        line_zh = side_zh.replace("一行的预算差额", "")
        q_zh = (
            f"{sec_zh}所说的「{f['quote']}」是指{line_zh}一项，还是整个「{r['name_zh']}」？"
            f"请确认{line_zh}的实际差额是多少。"
        )
        q_en = (
            f'Does "{f["quote"]}" in {sec_en} refer to that line alone or to the whole of {r["name_en"]}? '
            f"Please confirm the line's actual difference from its budget."
        )
    else:
        expl_zh = (
            f"报告中的数字与预算表相差 {num(m.money_yuan or 0)} 元{corr_zh}，预算表中也没有与之相符的其他数字。"
            + _NO_EXPLANATION[0]
        )
        expl_en = (
            f"The narrative and the table differ by {num(m.money_yuan or 0)} yuan{corr_en}, and no other "
            f"amount of the budget table matches it. " + _NO_EXPLANATION[1]
        )
        q_zh = f"{sec_zh}所说的「{f['quote']}」与预算表中{side_zh} {num(abs(table))} 元，哪一个正确？"
        q_en = f'Which is right: "{f["quote"]}" in {sec_en}, or {side_en} in the budget table ({num(abs(table))} yuan)?'
    return {
        "title_zh": title_zh,
        "title_en": title_en,
        "explanation_zh": expl_zh,
        "explanation_en": expl_en,
        "question_zh": q_zh,
        "question_en": q_en,
    }


# ---------------------------------------------------------------------------------------------------- figures


def _pair_row(p: dict, ctx: Context) -> dict:
    a, b = ctx.fig.loc[p["a"]], ctx.fig.loc[p["b"]]
    from analysis.assessment.numbers import is_uncertain

    return {
        "measure_zh": str(a["metric_zh"]),
        "measure_en": str(a["metric_en"]),
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
        "verdict_zh": _VERDICT_ZH.get(p["verdict"], ""),
        "verdict_en": _VERDICT_EN.get(p["verdict"], ""),
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


def _conflict(cause: Cause, m: Measure, ctx: Context) -> dict:
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
            f"「{a['metric_zh']}」在{s1z}为 {figure_text(first, 'zh')}，在{s2z}为 "
            f"{figure_text(second, 'zh')}（较大者是较小者的 {times(worst['ratio'])} 倍），{when_zh}。"
        )
        title_en = (
            f"{a['metric_en']} is {figure_text(first, 'en')} in {s1e} but {figure_text(second, 'en')} in "
            f"{s2e} (the larger is {times(worst['ratio'])} times the smaller); {when_en}."
        )
    else:
        title_zh = (
            f"{s1z}与{s2z}对 {len(metrics_in)} 项工作量给出了不同的数字，{when_zh}；差距最大的是"
            f"「{a['metric_zh']}」：{figure_text(first, 'zh')} 与 {figure_text(second, 'zh')}。"
        )
        title_en = (
            f"{s1e[0].upper() + s1e[1:]} and {s2e} give different numbers for {len(metrics_in)} measures "
            f"and {when_en}; the largest gap is {a['metric_en']}: {figure_text(first, 'en')} against "
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
    expl_zh += _NO_EXPLANATION[0]
    expl_en += " " + _NO_EXPLANATION[1]
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
            f" The {figure_text(o, 'en')} for {o['metric_en']} in {section_text(o['section'], 'en')} is "
            "organisation-wide, so it need not agree."
        )
    asks_zh = [
        f"「{ctx.fig.loc[p['a'], 'metric_zh']}」是 {figure_text(ctx.fig.loc[p['a']], 'zh')} 还是 "
        f"{figure_text(ctx.fig.loc[p['b']], 'zh')}"
        for p in bad
    ]
    asks_en = [
        f"{ctx.fig.loc[p['a'], 'metric_en']}: {figure_text(ctx.fig.loc[p['a']], 'en')} or "
        f"{figure_text(ctx.fig.loc[p['b']], 'en')}"
        for p in bad
    ]
    q_zh = (
        f"请说明{s1z}与{s2z}的数字分别统计到哪一天、统计范围是否相同，并确认项目期末的准确数字："
        + _join(list(dict.fromkeys(asks_zh)), "zh", 10)
        + "？"
    )
    q_en = (
        f"Please say up to which date the numbers in {s1e} and {s2e} count, and whether they count the same "
        f"work, and confirm the final numbers: " + _join(list(dict.fromkeys(asks_en)), "en", 10) + "?"
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


def _revision(cause: Cause, m: Measure, ctx: Context) -> dict:
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
        + _join(list(dict.fromkeys(asks_zh)), "zh", 5)
        + "。",
        "question_en": "Please confirm that these later figures are the final ones: "
        + _join(list(dict.fromkeys(asks_en)), "en", 5)
        + ".",
        "evidence": rows,
    }


def _change(cause: Cause, m: Measure, ctx: Context) -> dict:
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


def _scope(cause: Cause, m: Measure, ctx: Context) -> dict:
    p = cause.pairs[0]
    a, b = ctx.fig.loc[p["a"]], ctx.fig.loc[p["b"]]
    org, proj = (a, b) if a["scope"] == "organisation" else (b, a)
    return {
        "title_zh": f"「{a['metric_zh']}」：机构整体的 {figure_text(org, 'zh')} 与本项目的 "
        f"{figure_text(proj, 'zh')} 统计范围不同。",
        "title_en": f"{a['metric_en']}: the organisation-wide {figure_text(org, 'en')} and the project's "
        f"{figure_text(proj, 'en')} count different scopes.",
        "explanation_zh": "一个是机构整体的数字（包括其他资金支持的工作），一个是本项目的数字，二者不必一致。",
        "explanation_en": "One figure is organisation-wide (work paid from other funds too), the other is the "
        "project's, so they need not agree.",
        "question_zh": f"机构整体的 {figure_text(org, 'zh')} 中，有多少属于本项目？",
        "question_en": f"How much of the organisation-wide {figure_text(org, 'en')} belongs to this project?",
        "evidence": [_pair_row(x, ctx) for x in cause.pairs],
    }


def _part_whole(cause: Cause, m: Measure, ctx: Context) -> dict:
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
            + _NO_EXPLANATION[0],
            "explanation_en": "The places' numbers may overlap (the same work counted by several places), or the "
            "project total is incomplete. " + _NO_EXPLANATION[1],
            "question_zh": f"全项目的「{label_zh}」是多少？各地的数字是否有重复计算？",
            "question_en": f"What is the project's total for {label_en}, and do the places' numbers overlap?",
        }
    if part is None:
        return _rule(cause, m, ctx)
    name_zh = pl.loc[part["place_id"], "name_zh"] if part["place_id"] in pl.index else ""
    name_en = pl.loc[part["place_id"], "name_en"] if part["place_id"] in pl.index else ""
    sw_zh, sw_en = section_text(whole["section"], "zh"), section_text(whole["section"], "en")
    if m.data.get("fits_top") and top["figure_id"] != whole["figure_id"]:
        expl_zh = (
            f"{sw_zh}的全项目数字可能不完整或统计口径较窄；{section_text(top['section'], 'zh')}给出的 "
            f"{figure_text(top, 'zh')} 与一地的数字相容。" + _NO_EXPLANATION[0]
        )
        expl_en = (
            f"The project total in {sw_en} is probably incomplete or counted more narrowly; the "
            f"{figure_text(top, 'en')} in {section_text(top['section'], 'en')} is consistent with the "
            f"place's number. " + _NO_EXPLANATION[1]
        )
    else:
        expl_zh = "一地的数字大于整个项目的数字，至少一处有误，或两者的统计范围不同。" + _NO_EXPLANATION[0]
        expl_en = (
            "One place's number is larger than the whole project's: one is wrong, or they count different "
            "things. " + _NO_EXPLANATION[1]
        )
    return {
        "title_zh": f"{name_zh}一地的「{part['metric_zh']}」（{figure_text(part, 'zh')}）多于{sw_zh}给出的全项目数字"
        f"（{figure_text(whole, 'zh')}）。",
        "title_en": f"{name_en} alone reports {figure_text(part, 'en')} for {part['metric_en']}, more than the "
        f"project total of {figure_text(whole, 'en')} in {sw_en}.",
        "explanation_zh": expl_zh,
        "explanation_en": expl_en,
        "question_zh": f"全项目的「{part['metric_zh']}」是多少？{name_zh}的 {figure_text(part, 'zh')} 是否包含在内？",
        "question_en": f"What is the project's total for {part['metric_en']}, and is {name_en}'s "
        f"{figure_text(part, 'en')} part of it?",
    }


def _list_count(cause: Cause, m: Measure, ctx: Context) -> dict:
    f, n, lst = m.data.get("figure"), m.data.get("listed"), m.data.get("list") or {}
    if f is None:
        return _rule(cause, m, ctx)
    label_zh, label_en = lst.get("label_zh", f["label_zh"]), lst.get("label_en", f["metric_en"])
    sec_zh, sec_en = (
        section_text(lst.get("section", f["section"]), "zh"),
        section_text(lst.get("section", f["section"]), "en"),
    )
    stated = float(f["value"])
    if n > stated:
        expl_zh = (
            f"名单比计数多 {n - stated:g} 项：可能计数没有随名单更新，"
            "或名单中有的不应计入（如重复或个人与单位分开计）。" + _NO_EXPLANATION[0]
        )
        expl_en = (
            f"The list has {n - stated:g} more than the count: the count may not have been updated when the "
            f"list grew, or some entries should not count (duplicates, individuals counted apart). "
            + _NO_EXPLANATION[1]
        )
    else:
        expl_zh = f"计数比名单多 {stated - n:g} 项：名单可能只列举了一部分。" + _NO_EXPLANATION[0]
        expl_en = (
            f"The count is {stated - n:g} more than the list: the list may name only some of them. "
            + _NO_EXPLANATION[1]
        )
    return {
        "title_zh": f"{sec_zh}说「{label_zh}」共 {figure_text(f, 'zh')}，但列出了 {n} 项。",
        "title_en": f"{sec_en[0].upper() + sec_en[1:]} counts {figure_text(f, 'en')} ({label_en}) but lists {n}.",
        "explanation_zh": expl_zh,
        "explanation_en": expl_en,
        "question_zh": f"「{label_zh}」的实际数量是 {num(stated)} 还是 {n}？",
        "question_en": f"Is the number of {label_en} {num(stated)} or {n}?",
    }


def _rule(cause: Cause, m: Measure, ctx: Context) -> dict:
    rid = next((r for f in cause.findings for r in str(f.get("rule_ids") or "").split(";") if r), None)
    rules = ctx.report.rules.set_index("rule_id")
    if rid is not None and rid in rules.index:
        rule = rules.loc[rid]
        msg_zh, msg_en = clean(str(rule["message_zh"])), clean(str(rule["message_en"]))
        return {
            "title_zh": f"报告中的数字不符合应有的关系：{msg_zh}",
            "title_en": f"The report's numbers break a relation they should keep: {msg_en}",
            "explanation_zh": m.text_zh + _NO_EXPLANATION[0],
            "explanation_en": m.text_en + " " + _NO_EXPLANATION[1],
            "question_zh": f"请核对这些数字并说明哪一个正确：{msg_zh}",
            "question_en": f"Please check these numbers and say which is right: {msg_en}",
        }
    f = cause.findings[0]
    msg_zh, msg_en = clean(str(f["message_zh"])), clean(str(f["message_en"]))
    ex_zh = clean(str(f.get("explanation_zh") or "")) or _NO_EXPLANATION[0]
    ex_en = clean(str(f.get("explanation_en") or "")) or _NO_EXPLANATION[1]
    return {
        "title_zh": msg_zh,
        "title_en": msg_en,
        "explanation_zh": ex_zh,
        "explanation_en": ex_en,
        "question_zh": f"请核对并说明：{msg_zh}",
        "question_en": f"Please check and explain: {msg_en}",
    }
