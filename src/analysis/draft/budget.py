"""Propose the budget table: a table of tab-separated lines whose header names 预算 and 实际 (or 支出) columns."""

from __future__ import annotations

import re

import pandas as pd

DRAFT = "draft"
_TOTAL = re.compile(r"合计|总计|共计|总额|总金额")
_COLUMNS = {"budget_yuan": ("预算",), "actual_yuan": ("实际", "支出", "开支", "决算", "使用"),
            "remaining_yuan": ("剩余", "结余", "余额", "差额"), "remark_zh": ("备注", "说明")}
_NOT_AMOUNT = re.compile(r"明细|科目|内容|类别|名称|用途|项目|活动")
_AMOUNTS = ("budget_yuan", "actual_yuan", "remaining_yuan")


def _number(cell: str) -> float | None:
    from analysis.load import parse_number

    try:
        return parse_number(cell) if cell.strip() else None
    except ValueError:
        return None


def table_blocks(text: str) -> list[list[tuple[int, str]]]:
    """Runs of consecutive tab-separated lines (two or more tabs): [(line offset, line), …] per table."""
    blocks, current, pos = [], [], 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\n")
        if body.count("\t") >= 2:
            current.append((pos, body))
        elif current:
            blocks.append(current)
            current = []
        pos += len(line)
    if current:
        blocks.append(current)
    return blocks


def propose_budget(text: str) -> tuple[pd.DataFrame, list[tuple[int, int]]]:
    """The budget table: the table whose header names 预算 and 实际 (or 支出) columns.

    Returns (budget frame, spans of its rows in the text). Text cells before the first number are the
    category (主要活动) and the line (预算明细); an empty category is carried down from the row above (a merged
    cell); a row naming 合计/总计 is the total. Amounts are read from the header's columns when the row has as
    many cells as the header, else in order (a PDF drops empty cells); a column headed in 万元 is converted to
    元. A row without both a budget and an actual amount is left to the figures. The quote is the printed row
    without its outer tabs.

    >>> t = ("类别\\t明细\\t预算（万元）\\t执行率\\t实际支出（万元）\\n人员\\t社工\\t1.5\\t90%\\t1.35\\n"
    ...      "合计\\t\\t1.5\\t90%\\t1.35\\n")
    >>> propose_budget(t)[0][["line_id", "category_zh", "line_zh", "budget_yuan", "actual_yuan"]]
      line_id category_zh line_zh  budget_yuan  actual_yuan
    0  line01          人员      社工      15000.0      13500.0
    1   total          合计     NaN      15000.0      13500.0
    """
    rows, spans = [], []
    n_lines = n_totals = 0
    for block in table_blocks(text):
        header = [c.strip() for c in block[0][1].split("\t")]
        if not any("预算" in c for c in header) or not any(any(w in c for w in _COLUMNS["actual_yuan"])
                                                         for c in header):
            continue
        roles = {}
        for i, name in enumerate(header):
            if _NOT_AMOUNT.search(name):
                continue  # 预算明细, 预算科目: the line's name, not an amount
            for role, words in _COLUMNS.items():
                if role not in roles and any(w in name for w in words) and not (role == "budget_yuan" and i == 0):
                    roles[role] = i
                    break
        if "budget_yuan" not in roles or "actual_yuan" not in roles:
            continue
        number_roles = [r for r in _AMOUNTS if r in roles]
        scale = {r: 10000.0 if "万" in header[roles[r]] else 1.0 for r in number_roles}
        category = None
        for offset, line in block[1:]:
            cells = line.split("\t")
            values = [_number(c) for c in cells]
            first = next((i for i, v in enumerate(values) if v is not None), None)
            if first is None:
                continue
            texts = [c.strip() for c in cells[:first]]
            if len(cells) == len(header):
                amounts = {r: values[roles[r]] for r in number_roles if roles[r] >= first}
            else:
                numbers = [v for c, v in zip(cells[first:], values[first:]) if v is not None and "%" not in c]
                amounts = dict(zip(number_roles, numbers))
            amounts = {r: v * scale[r] for r, v in amounts.items() if v is not None}
            if "budget_yuan" not in amounts or "actual_yuan" not in amounts:
                continue
            total = any(_TOTAL.search(c) for c in texts)
            if len(texts) >= 2:
                category = texts[-2] or category
                line_zh = texts[-1]
            else:
                line_zh = texts[-1] if texts else ""
            remark = ""
            if "remark_zh" in roles and roles["remark_zh"] < len(cells) and _number(cells[roles["remark_zh"]]) is None:
                remark = cells[roles["remark_zh"]].strip()
            if total:
                n_totals += 1
                line_id = "total" if n_totals == 1 else f"total{n_totals}"
            else:
                n_lines += 1
                line_id = f"line{n_lines:02d}"
            quote = line.strip("\t ")
            if len(re.findall(re.escape(quote), text)) != 1:
                quote = line
            name = line_zh if not total else None
            rows.append({"line_id": line_id, "row_type": "total" if total else "line",
                         "category_zh": (texts[0] or None) if total else category,
                         "category_en": (texts[0] or None) if total else category,
                         "line_zh": name or None, "line_en": name or None,
                         "budget_yuan": amounts.get("budget_yuan"), "actual_yuan": amounts.get("actual_yuan"),
                         "remaining_yuan": amounts.get("remaining_yuan"), "remark_zh": remark or None,
                         "quote": quote, "status": DRAFT})
            spans.append((offset, offset + len(line)))
    columns = ["line_id", "row_type", "category_zh", "category_en", "line_zh", "line_en", "budget_yuan",
               "actual_yuan", "remaining_yuan", "remark_zh", "quote", "status"]
    return pd.DataFrame(rows, columns=columns), spans
