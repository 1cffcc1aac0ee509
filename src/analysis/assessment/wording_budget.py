"""The wording of budget issues: a mistyped cell, a line over its threshold, a narrative amount against the
table (with the reading of the table it most likely quotes)."""

from __future__ import annotations

import pandas as pd

from analysis.assessment import budget as budget_mod
from analysis.assessment.grouping import Cause
from analysis.assessment.materiality import Context, Measure
from analysis.assessment.numbers import figure_text, num, section_text
from analysis.assessment.phrases import NO_EXPLANATION, clean, rule_words

# ---------------------------------------------------------------------------------------------------- budget


def budget_words(cause: Cause, m: Measure, ctx: Context) -> dict:
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
        expl_zh = "只有这一处加总对不上，表中其余的加总都成立；可能是这一行或合计行的笔误。" + NO_EXPLANATION[0]
        expl_en = (
            "Only this sum fails and the table's other sums hold: probably a slip in this row or in the "
            "total. " + NO_EXPLANATION[1]
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


def threshold_words(cause: Cause, m: Measure, ctx: Context) -> dict:
    row = m.data.get("row") or {}
    if not row:
        return rule_words(cause, m, ctx)
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
        if ex.get("source") == "remark":
            where_zh, where_en = "预算表的备注", "the budget table's remark"
        else:
            where_zh = "报告" + (section_text(ex["section"], "zh") if ex.get("section") else "")
            where_en = section_text(ex["section"], "en") if ex.get("section") else "the report"
        title_tail_zh, title_tail_en = f"{where_zh}作了说明。", f"{where_en} explains it."
        expl_zh = f"{where_zh}的说明：「{ex['quote']}」。"
        expl_en = f"{where_en[0].upper() + where_en[1:]} explains it (in Chinese): 「{ex['quote']}」."
        q_zh = f"请提供与报告说明相符的「{name_zh}」支出凭证（实际开支 {act} 元）。"
        q_en = f"Please send the receipts for {name_en} ({act} yuan spent) that support the report's explanation."
    else:
        title_tail_zh, title_tail_en = "报告中没有说明原因。", "the report does not say why."
        expl_zh, expl_en = NO_EXPLANATION
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


def _line_en(cells: list[str], ctx: Context) -> str:
    lines = {c.split(".")[1] for c in cells}
    names = budget_mod.line_names(ctx.report)
    return names.get(next(iter(lines)), ("", "the line"))[1] if len(lines) == 1 else "the line"


def _category_parts(ctx: Context, reading: dict, lang: str) -> str:
    variance = budget_mod.variance(ctx.report)
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


def narrative_words(cause: Cause, m: Measure, ctx: Context) -> dict:
    fid = m.data.get("story_figure")
    if fid is None:
        return rule_words(cause, m, ctx)
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
        parts_zh, parts_en = _category_parts(ctx, r, "zh"), _category_parts(ctx, r, "en")
        level_zh = {"line": "另一行", "category": "类别小计", "total": "合计"}[r["level"]]
        level_en = {"line": "another line", "category": "a category subtotal", "total": "the total"}[r["level"]]
        expl_zh = (
            f"报告很可能引用的是{level_zh}而非这一行：预算表「{r['name_zh']}」的{budget_mod.READING_ZH[r['what']]}为 "
            f"{num(r['value_yuan'])} 元"
            + (f"（{parts_zh}）" if parts_zh else "")
            + f"，正落在「{story_zh}」的范围内；而该行本身为 {num(abs(table))} 元{corr_zh}。"
        )
        expl_en = (
            f"The report probably quotes {level_en} instead of the line: the {budget_mod.READING_EN[r['what']]} of "
            f"{r['name_en']} in the budget table is {num(r['value_yuan'])} yuan"
            + (f" ({parts_en})" if parts_en else "")
            + f', within "{story_en}", while the line itself is {num(abs(table))} yuan{corr_en}.'
        )
        line_zh = side_zh.replace("一行的预算差额", "")
        line_en = _line_en(m.data["cells"], ctx)
        q_zh = (
            f"{sec_zh}所说的「{f['quote']}」是指{line_zh}一项，还是整个「{r['name_zh']}」？"
            f"请确认{line_zh}的实际差额是多少。"
        )
        q_en = (
            f'Does "{f["quote"]}" in {sec_en} refer to {line_en} alone or to the whole of {r["name_en"]}? '
            f"Please confirm the actual difference between budget and spending on {line_en}."
        )
    else:
        expl_zh = (
            f"报告中的数字与预算表相差 {num(m.money_yuan or 0)} 元{corr_zh}，预算表中也没有与之相符的其他数字。"
            + NO_EXPLANATION[0]
        )
        expl_en = (
            f"The narrative and the table differ by {num(m.money_yuan or 0)} yuan{corr_en}, and no other "
            f"amount of the budget table matches it. " + NO_EXPLANATION[1]
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
