"""What an issue says, in Chinese and English: title, likely explanation, impact, question for the grantee, and
the rows of its evidence table. Plain sentences: no figure ids, check names, column names or enum values."""

from __future__ import annotations

from analysis.assessment.grouping import Cause
from analysis.assessment.materiality import Context, Measure
from analysis.assessment.numbers import num, times
from analysis.assessment.phrases import clean, rule_words
from analysis.assessment.wording_budget import budget_words, narrative_words, threshold_words
from analysis.assessment.wording_figures import (
    change_words,
    conflict_words,
    list_count_words,
    part_whole_words,
    revision_words,
    scope_words,
)

__all__ = ["clean", "describe", "impact"]


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
        "budget_arithmetic": budget_words,
        "threshold": threshold_words,
        "narrative": narrative_words,
        "conflict": conflict_words,
        "revision": revision_words,
        "change": change_words,
        "scope": scope_words,
        "part_whole": part_whole_words,
        "list_count": list_count_words,
    }.get(cause.kind, rule_words)
    out = fn(cause, m, ctx)
    for key in ("title_zh", "title_en", "question_zh", "question_en", "explanation_zh", "explanation_en"):
        out[key] = clean(out[key])
    out.setdefault("evidence", [])
    return out
