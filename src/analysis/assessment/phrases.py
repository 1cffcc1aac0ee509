"""Shared pieces of the assessment's wording: the id filter, stock sentences, joining lists, and the wording
of a rule of rules.csv (or of a finding no other wording knows)."""

from __future__ import annotations

import re

from analysis.assessment.grouping import Cause
from analysis.assessment.materiality import Context, Measure

_IDS = re.compile(
    r"\bF\d{3,}\b(?:\s*[：:=]\s*)?|budget\.[A-Za-z0-9_-]+\.[a-z_]+(?:\s*=\s*)?|\b[a-z_]+:[a-z0-9_:-]+\b|\b[a-z]+_yuan\b"
)
NO_EXPLANATION = ("报告中没有找到对此的说明。", "The report gives no explanation for it.")

VERDICT_ZH = {
    "undated": "两者都没有截止日期",
    "same_date": "截止日期相同而数字不同",
    "decrease": "较晚的累计数反而更小",
    "revision": "较晚的累计数更大（更新）",
    "scope": "统计范围不同（机构整体与本项目）",
    "changed": "两次报告之间有变化",
}
VERDICT_EN = {
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
    >>> clean("报告开头的项目预算（F001：30000 元）"), clean("The grant (F001: 30000 yuan)")
    ('报告开头的项目预算（30000 元）', 'The grant (30000 yuan)')
    """
    text = _IDS.sub("", text)
    text = re.sub(r"（\s*[，、;；]?\s*）|\(\s*[,;]?\s*\)", "", text)
    return re.sub(r"[ \t]{2,}", " ", text).strip()


def join_items(items: list[str], lang: str, limit: int = 3) -> str:
    more = len(items) > limit
    items = items[:limit]
    if lang == "zh":
        return "；".join(items) + ("等" if more else "")
    return "; ".join(items) + (" and others" if more else "")


def rule_words(cause: Cause, m: Measure, ctx: Context) -> dict:
    rid = next((r for f in cause.findings for r in str(f.get("rule_ids") or "").split(";") if r), None)
    rules = ctx.report.rules.set_index("rule_id")
    if rid is not None and rid in rules.index:
        rule = rules.loc[rid]
        msg_zh, msg_en = clean(str(rule["message_zh"])), clean(str(rule["message_en"]))
        return {
            "title_zh": f"报告中的数字不符合应有的关系：{msg_zh}",
            "title_en": f"The report's numbers break a relation they should keep: {msg_en}",
            "explanation_zh": m.text_zh + NO_EXPLANATION[0],
            "explanation_en": m.text_en + " " + NO_EXPLANATION[1],
            "question_zh": f"请核对这些数字并说明哪一个正确：{msg_zh}",
            "question_en": f"Please check these numbers and say which is right: {msg_en}",
        }
    f = cause.findings[0]
    msg_zh, msg_en = clean(str(f["message_zh"])), clean(str(f["message_en"]))
    ex_zh = clean(str(f.get("explanation_zh") or "")) or NO_EXPLANATION[0]
    ex_en = clean(str(f.get("explanation_en") or "")) or NO_EXPLANATION[1]
    return {
        "title_zh": msg_zh,
        "title_en": msg_en,
        "explanation_zh": ex_zh,
        "explanation_en": ex_en,
        "question_zh": f"请核对并说明：{msg_zh}",
        "question_en": f"Please check and explain: {msg_en}",
    }
