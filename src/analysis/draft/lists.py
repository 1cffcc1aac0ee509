"""Propose lists with a stated count: items printed before the count (A、B、C 三个村) or enumerated after it."""

from __future__ import annotations

import re

_LEAD_VERBS = tuple(
    "包括 探索 走访 探访 联合 联系 涵盖 覆盖 例如 比如 诸如 其中 分别是 分别为 "
    "接受了 发往 前往 共有 有 了 往 由 向 对 为 是"
    .split()
)


def _lead_cut(item: str) -> str:
    """An item without the verb that introduces the list (走访大哨村 -> 大哨村)."""
    best = -1
    for verb in _LEAD_VERBS:
        k = item.rfind(verb)
        if k >= 0 and k + len(verb) < len(item):
            best = max(best, k + len(verb))
    return item[best:] if best > 0 else item


def list_before(text: str, sentence_start: int, start: int, count: float) -> tuple[list[tuple[int, str]], bool] | None:
    """Items printed right before a stated count (``A、B、C 三个村``, ``A，B 等 5 名``): ([(offset, item)], examples).

    ``examples`` is true for ``A、B 等 30 个`` with far fewer items than the count. None when no list is there.

    >>> t = "走访大哨村、桃园村、松华村，覆盖三个村"
    >>> list_before(t, 0, t.index("三"), 3)
    ([(2, '大哨村'), (6, '桃园村'), (10, '松华村')], False)
    """
    before = text[sentence_start:start]
    stripped = re.sub(r"[ \u3000]*(?:等|共有|共计|合计|共|这|以上|总计)?[ \u3000]*$", "", before)
    examples = before.rstrip().endswith("等")
    stripped = re.sub(r"[，,](?:覆盖|包括|涉及|遍及|分布于?|共计|合计|共|计)了?$", "", stripped)  # 松华村，覆盖三个村
    end = sentence_start + len(stripped)
    clause_start = max(stripped.rfind(c) for c in "，。；：:;,\n") + 1
    clause = stripped[clause_start:]
    items: list[tuple[int, str]] = []
    if "、" in clause:
        pos = sentence_start + clause_start
        for part in clause.split("、"):
            items.append((pos, part))
            pos += len(part) + 1
    else:
        pos = end
        for part in reversed(re.split(r"[，,]", stripped)):
            pos -= len(part)
            if not part.strip() or len(part.strip()) > 12 or re.search(r"[0-9]", part) or len(items) >= count:
                break
            items.insert(0, (pos, part))
            pos -= 1
    if items:
        off, first = items[0]
        cut = _lead_cut(first)
        items[0] = (off + len(first) - len(cut), cut)
    items = [(o + len(p) - len(p.lstrip()), p.strip()) for o, p in items if p.strip()]
    if len(items) < 2 or any(len(p) > 30 or re.search(r"[0-9]", p) for _, p in items):
        return None  # items with numbers of their own are figures, not the members of a counted list
    if examples and len(items) < count / 2:
        return items, True
    if not (count / 2 <= len(items) <= count * 2):
        return None
    return items, False


def list_after(text: str, end: int) -> list[tuple[int, str]]:
    """Items announced by a count: ``以下 3 家：A、B、C。`` or a heading followed by lines ``1)`` ``2)`` …"""
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    rest = text[end:line_end]
    colon = re.search(r"[：:]", rest)
    if colon and colon.start() <= 12:
        body_start = end + colon.end()
        stop = text.find("。", body_start, line_end)
        body = text[body_start : stop if stop >= 0 else line_end]
        parts, pos, out = re.split(r"[、；;]", body), body_start, []
        for part in parts:
            if part.strip():
                out.append((pos + len(part) - len(part.lstrip()), part.strip()))
            pos += len(part) + 1
        return out if len(out) >= 2 else []
    if re.search(r"[0-9一二三四五六七八九十]", rest.strip("“”\"。：: ")):
        return []
    out, pos, expected = [], line_end + 1, 1
    while pos < len(text):
        nl = text.find("\n", pos)
        line = text[pos : nl if nl >= 0 else len(text)]
        if line.strip():
            m = re.match(r"[ \t\u3000]*(?:([0-9]{1,2})[)）.、]|[（(]([0-9]{1,2})[)）])[ \t\u3000]*", line)
            if not m or int(m[1] or m[2]) != expected:
                break
            item = re.split(r"[。；;，,]", line[m.end():], maxsplit=1)[0].strip()[:30]
            if item:
                out.append((pos + m.end(), item))
            expected += 1
        if nl < 0:
            break
        pos = nl + 1
    return out if len(out) >= 2 else []
