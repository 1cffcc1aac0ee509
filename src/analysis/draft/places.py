"""Propose the places a report names, from administrative suffixes (市 区 县 新区 街道 镇 乡 社区 村).

A place name is a short run of characters ending in a suffix, cut at function words, numerals and
punctuation; generic words (辖区, 小区, 主城区, 自治区 …) and phrases whose "name" is a verb or an adjective
(协助社区, 其余社区) are not places. A place's parent is the place of a higher level printed right before it
(西湖区北山街道), else the higher-level place it shares most sentences with, else the only city.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import pandas as pd

#: suffix -> (level, shortest and longest name before the suffix). Longest suffixes are tried first.
SUFFIXES = {
    "新区": ("new_area", 1, 3), "街道": ("street", 2, 4), "社区": ("community", 2, 4), "市": ("city", 2, 3),
    "区": ("district", 2, 3), "县": ("county", 2, 3), "镇": ("town", 2, 3), "乡": ("town", 2, 3),
    "村": ("village", 2, 3),
}
RANK = {"city": 0, "district": 1, "county": 1, "new_area": 1, "street": 2, "town": 2, "community": 3, "village": 3}
SCOPE = {"district": "district", "county": "district", "new_area": "district", "street": "street",
         "town": "street", "community": "community", "village": "community"}

# Characters a place name does not contain (function words, numerals, measure words) and runs that end a name.
_BREAK = set("的了与及或在对向为把被给从到等个各每其该本此这那于由已共约是并且而以就也还又再"
             "一二三四五六七八九十百千万两零〇几余第名户次位份张件之省")
_ORG_AFTER = re.compile(r"发展中心|服务中心|服务社|中心|协会|基金|促进会|联合会|学院|研究")
_VERB_END = "访往至到赴进入"  # a verb that ends right before a name: 探访, 发往, 前往, 进入
_NOT_AFTER = set("域别分间块长")  # 区域, 区别, 县长 …: the suffix is part of another word
_PUNCT = re.compile(r"[\s，。；：、,.;:!?！？（）()“”\"'《》「」【】\[\]/\-—~～·0-9A-Za-z]")
# Words ending in a suffix that name no particular place.
GENERIC = {
    "辖区", "小区", "园区", "片区", "疫区", "灾区", "景区", "校区", "城区", "市区", "郊区", "山区", "行政区", "主城区",
    "自治区", "特区", "牧区", "街区", "城市", "都市", "省市", "城乡", "乡镇", "城镇", "村镇", "农村", "乡村", "山村",
    "社区", "街道", "新区", "本市", "全市", "该市", "全区", "本区", "该区", "全县", "本县", "各区", "各县", "城中村",
    "老旧社区", "城市社区", "农村社区", "试点社区", "示范社区", "重点社区", "目标社区", "受益社区", "合作社区",
}
# A "name" that is one of these (or ends with one) is a verb or an adjective in front of a generic word.
NOT_A_NAME = tuple(
    "协助 其余 合作 在地 相关 服务 参与 所在 周边 目标 受益 试点 示范 重点 老旧 "
    "支持 进入 进驻 走进 深入 覆盖 联合 动员 组织 开展 全部 所有 部分 其他 其它 "
    "各个 多个 更多 本地 当地 外地 社会 城市 农村 入户 配合 构建 大量 打造 建设 "
    "营造 走访 排查 防控 防疫 管理 治理 疫情 一线 回到 返回 前往 来自 面向 帮助 "
    "整个 全国 全省 全市 全区"
    .split()
)


@dataclass(frozen=True)
class PlaceMention:
    """One printed place name: [start, end) in the text, the name and its level."""

    start: int
    end: int
    name: str
    level: str


def _candidates(text: str) -> list[tuple[int, int, str, str, bool]]:
    """(start, end, name, level, strong) for every suffix; strong when the whole run before it is the name."""
    out = []
    suffixes = sorted(SUFFIXES, key=len, reverse=True)
    i, run_start = 0, 0  # a name may start after a break, a punctuation mark or a place
    while i < len(text):
        ch = text[i]
        if _PUNCT.match(ch) or (ch in _BREAK and not _name_numeral(text, i)):
            run_start = i + 1
            i += 1
            continue
        hit = None
        for suffix in suffixes:
            if not text.startswith(suffix, i) or text[i + len(suffix) : i + len(suffix) + 1] in _NOT_AFTER:
                continue
            if any(text.startswith(longer, i - len(longer) + len(suffix)) for longer in suffixes
                   if len(longer) > len(suffix) and longer.endswith(suffix)):
                break  # 社区 / 新区 ending here were tried at their own start
            level, low, high = SUFFIXES[suffix]
            run = text[run_start:i]
            if len(run) < low:
                continue
            hit = (i, i + len(suffix), run, suffix, level, len(run) <= high)
            break
        if hit:
            start_of_suffix, end, prefix, suffix, level, strong = hit
            out.append((start_of_suffix - len(prefix), end, prefix + suffix, level, strong))
            run_start = i = end
            continue
        i += 1
    return out


_NUMERALS = set("一二三四五六七八九十百千万两零〇")


def _name_numeral(text: str, i: int) -> bool:
    """A numeral that is part of a name (文一社区, 五华区): not followed by a measure word or another numeral."""
    if text[i] not in _NUMERALS:
        return False
    nxt = text[i + 1 : i + 2]
    return bool(nxt) and nxt not in _BREAK and not _PUNCT.match(nxt)


def find_places(text: str) -> list[PlaceMention]:
    """Every place name printed in ``text``, in order.

    A name that starts right after a break is taken whole; in a longer run only a name also printed that
    way elsewhere is taken (接西湖区 gives 西湖区 when 西湖区 stands alone somewhere).

    >>> [(p.name, p.level) for p in find_places("向杭州市西湖区暖阳社工，协助社区送餐；拱墅区米市巷街道大塘巷社区，辖区9户")]
    [('杭州市', 'city'), ('西湖区', 'district'), ('拱墅区', 'district'), ('米市巷街道', 'street'), ('大塘巷社区', 'community')]
    >>> [p.name for p in find_places("翠苑街道文一社区开展讲座，玉泉，灵峰两个社区")]
    ['翠苑街道', '文一社区']
    """  # noqa: E501
    candidates = _candidates(text)
    strong = {c[2] for c in candidates if c[4] and _is_name(c[2][: -len(_suffix(c[2]))], c[2])}
    found = []
    for _start, end, name, level, is_strong in candidates:
        shorter = [name[k:] for k in range(1, len(name)) if name[k:] in strong]
        if shorter:  # 接西湖区 when 西湖区 stands alone elsewhere
            name = shorter[0]
        elif not is_strong:
            cut = max(name.rfind(v) for v in _VERB_END)
            low = SUFFIXES[_suffix(name)][1]
            if cut < 0 or len(name) - cut - 1 - len(_suffix(name)) < low:
                continue
            name = name[cut + 1 :]  # 探访湖滨街道 -> 湖滨街道
            if len(name) - len(_suffix(name)) > SUFFIXES[_suffix(name)][2]:
                continue
        if level == "community" and _ORG_AFTER.match(text, end):
            continue  # 暖阳社区发展中心: an organisation's name
        if _is_name(name[: -len(_suffix(name))], name):
            found.append(PlaceMention(end - len(name), end, name, level))
    return found


def _suffix(name: str) -> str:
    return next(s for s in sorted(SUFFIXES, key=len, reverse=True) if name.endswith(s))


def _is_name(prefix: str, name: str) -> bool:
    if name in GENERIC or any(name.endswith(g) and len(name) - len(g) < 2 for g in ("主城区", "自治区", "行政区")):
        return False
    if any(prefix == w or prefix.endswith(w) or prefix.startswith(w) for w in NOT_A_NAME):
        return False
    return not any(name.endswith(g) for g in ("自治区", "行政区", "主城区"))


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """[start, end) of each sentence: cut at 。！？； and at a line end after such a mark or after a short line.

    A long line that stops without a full stop runs on into the next (a page or paragraph break inside a
    sentence).

    >>> t = "甲。乙；丙\\n\\n丁\\n" + "长" * 40 + "\\n\\n续。"
    >>> [t[s:e] for s, e in sentence_spans(t)]
    ['甲。', '乙；', '丙\\n\\n', '丁\\n', '长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长\\n\\n续。']
    """  # noqa: E501
    spans, start, i = [], 0, 0
    while i < len(text):
        ch = text[i]
        end = None
        if ch in "。！？；!?;":
            end = i + 1
        elif ch == "\n":
            line_start = text.rfind("\n", 0, i) + 1
            line = text[line_start:i].rstrip()
            if line and (line[-1] in "。！？；：:!?;）)" or len(line) < 30):
                end = i + 1
        if end is not None:
            while end < len(text) and text[end] == "\n":
                end += 1
            spans.append((start, end))
            start = i = end
            continue
        i += 1
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def propose_places(text: str, mentions: list[PlaceMention] | None = None) -> pd.DataFrame:
    """The places table: place_id (p01 …), level, name_zh, name_en (a copy to translate), parent_id, note.

    >>> propose_places("杭州市西湖区北山街道曙光社区。西湖区玉泉社区。")[["place_id", "name_zh", "parent_id"]]
      place_id name_zh parent_id
    0      p01     杭州市      <NA>
    1      p02     西湖区       p01
    2      p03    北山街道       p02
    3      p04    曙光社区       p03
    4      p05    玉泉社区       p02
    """
    mentions = find_places(text) if mentions is None else mentions
    names: dict[str, str] = {}
    for m in mentions:
        names.setdefault(m.name, m.level)
    ids = {name: f"p{i:02d}" for i, name in enumerate(names, start=1)}
    adjacent: dict[str, Counter] = {n: Counter() for n in names}
    together: dict[str, Counter] = {n: Counter() for n in names}
    for a, b in zip(mentions, mentions[1:]):
        if b.start == a.end and RANK[a.level] < RANK[b.level]:
            adjacent[b.name][a.name] += 1
    spans = sentence_spans(text)
    for s, e in spans:
        inside = [m for m in mentions if s <= m.start < e]
        for m in inside:
            for o in inside:
                if RANK[o.level] < RANK[m.level]:
                    together[m.name][o.name] += 1
    cities = [n for n, lv in names.items() if lv == "city"]
    rows = []
    for name, level in names.items():
        parent, note = None, "parent by co-occurrence; check it"
        if adjacent[name]:
            parent, note = _closest(adjacent[name], names, level), "parent printed right before it"
        elif together[name]:
            parent = _closest(together[name], names, level)
        elif level != "city" and len(cities) == 1:
            parent, note = cities[0], "the report's only city"
        rows.append({"place_id": ids[name], "level": level, "name_zh": name, "name_en": name,
                     "parent_id": ids.get(parent), "note": note if parent else None})
    frame = pd.DataFrame(rows, columns=["place_id", "level", "name_zh", "name_en", "parent_id", "note"])
    return frame.astype({"parent_id": "string", "note": "string"})


def _closest(counts: Counter, names: dict[str, str], level: str) -> str:
    """The most frequent candidate among those of the nearest higher level."""
    best_rank = max(RANK[names[c]] for c in counts)
    candidates = [(n, c) for c, n in counts.items() if RANK[names[c]] == best_rank and RANK[names[c]] < RANK[level]]
    return max(candidates)[1]
