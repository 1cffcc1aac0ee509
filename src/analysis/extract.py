"""Find every numeric mention in a source text (regex tokenizer + classifier) and account for each one."""

from __future__ import annotations

import bisect
import math
import re
from decimal import Decimal

import pandas as pd

from analysis.sections import find_quote, section_of, split_sections

COLUMNS = ["start", "end", "line", "section", "text", "value", "value_max", "is_approximate", "qualifier",
           "kind", "context"]
_DTYPES = {"start": "int64", "end": "int64", "line": "int64", "section": "object", "text": "object",
           "value": "float64", "value_max": "float64", "is_approximate": "bool", "qualifier": "object",
           "kind": "object", "context": "object"}
#: ``percent``: a share with its value in percent (12.5%, 百分之五十, 三成 = 30, 一成半 = 15, 5‰ = 0.5,
#: 千分之五 = 0.5); ``ratio``: a multiple or a fraction as a plain number (3倍 = 3, 三分之一 = 0.333…).
KINDS = ("number", "date", "time", "enumeration", "percent", "ratio", "model", "other")
QUALIFIERS = ("exact", "approximate", "lower_bound", "estimate")
CONTEXT_CHARS = 15

# --- characters -----------------------------------------------------------------------------------

# Full-width forms mapped one character to one, so offsets in the normalised copy equal those in the text.
_FULLWIDTH = str.maketrans(
    {**{chr(0xFF10 + i): str(i) for i in range(10)},
     **{chr(0xFF21 + i): chr(0x41 + i) for i in range(26)},
     **{chr(0xFF41 + i): chr(0x61 + i) for i in range(26)},
     "．": ".", "％": "%", "：": ":", "－": "-", "−": "-"}
)

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "壹": 1, "二": 2, "贰": 2, "两": 2, "三": 3, "叁": 3,
              "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6, "七": 7, "柒": 7, "八": 8, "捌": 8,
              "九": 9, "玖": 9}
_CN_SMALL = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_CN_BIG = {"万": 10**4, "亿": 10**8}
_MULTIPLIERS = {"十": 10, "百": 100, "千": 1000, "万": 10**4, "亿": 10**8, "十万": 10**5, "百万": 10**6,
                "千万": 10**7, "万亿": 10**12}

# The numerals the extractor looks for in running text. The formal ones (壹 贰 … 伍 陆) are left
# to parse_number: in running text they are mostly names or words (壹基金, 队伍, 陆续).
_CN_RUN = "零〇一二两三四五六七八九十百千万亿"

# A Chinese numeral is a quantity only when a measure word (or a counted noun written without one) follows.
CLASSIFIERS = (
    "方面", "原则", "小时", "分钟", "公斤", "千克", "公里", "街道", "社区",
    "个", "名", "位", "家", "件", "张", "份", "条", "幅", "双", "副", "块", "瓶", "包", "箱", "盒",
    "袋", "桶", "罐", "户", "人", "次", "套", "车", "辆", "台", "所", "项", "类", "种", "批", "层",
    "步", "支", "只", "头", "本", "册", "篇", "部", "场", "轮", "届", "组", "队", "处", "座", "栋",
    "间", "省", "市", "区", "县", "镇", "乡", "村", "天", "周", "年", "岁", "元", "斤", "吨", "升",
    "米", "遍", "趟", "餐", "顿", "例", "笔", "倍", "起",
)

# Fixed expressions in which a Chinese numeral is followed by a measure word but counts nothing. Only
# entries that would otherwise pass the classifier test matter; the others document why a familiar
# phrase yields no mention.
STOPLIST = (
    "一次性",  # disposable (一次性手套)
    "一方面",  # on the one hand (also 另一方面)
    "一人一册",  # one file per person: a method, not a count
    "一批",  # a batch of: not a count
    "千头万绪",  # idiom: a thousand things at once
    "千家万户",  # idiom: every household
    "任何一",  # 任何一个: any single one
    "作为一",  # 作为一个…的社会组织: "as a"
    "进一步", "下一步", "第一步",  # further / next step / first step
    "一起", "一部分", "一系列", "一定", "一线", "一些", "一切", "一体", "一直", "一致", "一般",
    "一样", "一旦", "万一", "统一", "唯一", "同一", "每一", "零件",
    "一成不变", "三五成群", "逐一", "之一",  # 成 after them is no share (逐一成为, 统一成立)
)

_LATIN_UNITS = {"kg", "g", "mg", "ml", "mL", "L", "l", "km", "m", "cm", "mm", "t", "h", "min", "s"}

# --- the tokenizer --------------------------------------------------------------------------------

_S = r"[ \u3000\xa0]*"  # spaces the source puts around numbers ("入户 6410 户"); never tabs or newlines
_NUM = r"(?:[0-9]{1,3}(?:[,，][0-9]{3})+|[0-9]+)(?:\.[0-9]+)?(?!\.?[0-9])"  # thousands: 30,000 or 30，000
_MULT = r"(?:十万|百万|千万|万亿|[百千万亿])(?![克米瓦])"
_CN_HEAD = "[一二三四五六七八九十]+"
_CLASSIFIER = "|".join(CLASSIFIERS)

# What counts as a mention, in priority order (at any position the first alternative that matches wins):
#   enum     1. / 2) / 3、 / （1） / 一、 / （二） at a line start (or after 。；) -> enumeration
#   circled  ① … ⑳ -> enumeration
#   date     2020.01.25, [2020 年] 1 月 28 日, 2020 年 [3 月], 3 月, 28 日 -> date (one mention per date)
#   time     24:00, 22 时 [30 分] -> time
#   percent  12.5%, 12 ％, 百分之五十 -> percent (value in percent)
#   permille 5‰, 千分之五 -> percent (value in percent: 0.5)
#   fraction 三分之一, 3分之1 -> ratio (value 1/3)
#   cheng    三成, 3成, 一成半 -> percent (30, 30, 15); not after another numeral or 第, not 成员 or 成都…
#   model    digits glued to Latin letters (N95, n94, KN95, COVID-19, 3M) and 84 before 消毒 -> model
#   number   Arabic digits with sign, decimals, thousands, 万/千, a range (8-10, 8～10, 8至10), 余/多
#   cn       a run of Chinese numerals followed by a measure word from CLASSIFIERS (九个省, 一万件),
#            not after 第 and not inside a STOPLIST phrase
# The classifier then widens a number over a leading 约/至少/不少于/过/超过/近 and reads 左右 and 预计.
_TOKEN = re.compile(
    rf"""
    (?P<enum>(?:^|(?<=[。；;]))[ \t\u3000]*(?:
          [（(](?P<enum_p>[0-9]{{1,2}}|{_CN_HEAD})[)）]
        | (?P<enum_d>[0-9]{{1,2}})[.、)）](?![0-9])
        | (?P<enum_c>{_CN_HEAD})、))
  | (?P<circled>[\u2460-\u2473])
  | (?P<date>(?<![0-9.])(?:
          [0-9]{{4}}[.\-/][0-9]{{1,2}}[.\-/][0-9]{{1,2}}
        | (?:[0-9]{{4}}{_S}年{_S})?[0-9]{{1,2}}{_S}月{_S}[0-9]{{1,2}}{_S}[日号]
        | [0-9]{{4}}{_S}年(?:{_S}[0-9]{{1,2}}{_S}月)?
        | [0-9]{{1,2}}{_S}月(?!{_S}[0-9])
        | [0-9]{{1,2}}{_S}日
        )(?![0-9]))
  | (?P<time>(?<![0-9.])(?:
          [0-9]{{1,2}}:[0-9]{{2}}(?::[0-9]{{2}})?(?![0-9])
        | [0-9]{{1,2}}{_S}时(?:{_S}[0-9]{{1,2}}{_S}分)?(?![间期候代段刻效])
        ))
  | (?P<percent>(?<![0-9.,])(?P<pct_num>{_NUM}){_S}%|百分之(?P<pct_cn>[{_CN_RUN}]+|{_NUM}))
  | (?P<permille>(?<![0-9.,])(?P<pm_num>{_NUM}){_S}‰|千分之(?P<pm_cn>[{_CN_RUN}]+|{_NUM}))
  | (?P<fraction>(?<![0-9.,])(?P<fr_den>[{_CN_RUN}]+|{_NUM})分之(?P<fr_num>[{_CN_RUN}]+|{_NUM}))
  | (?P<cheng>(?<![第{_CN_RUN}0-9.,])(?P<ch_num>[一二两三四五六七八九十]|[0-9](?:\.[0-9]+)?)(?P<ch_half>成半|成)
        (?![都员立功果本效熟型品交绩]))
  | (?P<model>(?<![A-Za-z0-9])[A-Za-z]+-?[0-9]+(?:\.[0-9]+)*[A-Za-z0-9]*
        | (?<![A-Za-z0-9.,])(?P<model_d>[0-9]+)-?(?P<model_l>[A-Za-z]+)(?![A-Za-z0-9])
        | (?<![0-9.,])84(?={_S}消毒))
  | (?P<number>
        (?P<neg>(?<![^\s（(:=,，、])-)?
        (?<![0-9.,])(?P<n1>{_NUM})(?:{_S}(?P<m1>{_MULT}))?
        (?:(?:[-—–]|{_S}[～~至到]{_S})(?P<n2>{_NUM})(?:{_S}(?P<m2>{_MULT}))?)?
        (?:{_S}(?P<tail>余(?![额下量])|多(?!功能|样|种|方|媒体|元化)))?
        (?:{_S}(?P<m3>{_MULT}))?)
  | (?P<cn>(?<!第)(?P<cn_num>[{_CN_RUN}]+)(?:{_S}(?P<cn_tail>余|多))?(?={_S}(?:{_CLASSIFIER})))
    """,
    re.VERBOSE | re.MULTILINE,
)

_LEADING = re.compile(r"(?:(?P<lower>至少|不少于|不低于)|(?P<approx>大约|约|超过|逾|近|过))[ \u3000]*$")
_NOT_LEADING = {"约": "预签邀违履节制条公", "过": "通经不超难太越错路", "近": "最附邻亲"}
_ESTIMATE = re.compile(r"预计[^，。；、,;:\n]{0,4}$")
_TIMES = re.compile(r"[ \u3000]*倍")  # 3倍, 5.3 倍: a multiple
_AROUND = re.compile(r"[ \u3000]*[^\s，。；、,;0-9]{0,3}?左右")


# --- numbers --------------------------------------------------------------------------------------


def _chinese(s: str) -> int:
    """The value of a run of Chinese numerals: 一万, 十五, 一百零五, 两, 二〇二〇; 一万五 = 15000."""
    if s in ("零", "〇"):
        return 0
    if len(s) > 1 and all(c in _CN_DIGITS for c in s):  # digit by digit: 二〇二〇
        return int("".join(str(_CN_DIGITS[c]) for c in s))
    total = 0  # the part already closed by 万 or 亿
    section = 0  # the part below the next 万 or 亿
    digit = None  # a digit waiting for its unit
    digit_after = None  # the unit written right before that digit (一万五: 五 after 万)
    last_small = 10**9  # units inside a section must fall: 三千五百, not 五百三千
    prev = ""
    for c in s:
        if c in _CN_DIGITS:
            if digit is not None:
                raise ValueError(f"two Chinese digits in a row in {s!r}")
            if _CN_DIGITS[c]:
                digit = _CN_DIGITS[c]
                digit_after = _CN_SMALL.get(prev) or _CN_BIG.get(prev)
        elif c in _CN_SMALL:
            unit = _CN_SMALL[c]
            if unit >= last_small:
                raise ValueError(f"misplaced {c!r} in {s!r}")
            section += (1 if digit is None else digit) * unit
            digit, last_small = None, unit
        elif c in _CN_BIG:
            if c == prev:
                raise ValueError(f"repeated {c!r} in {s!r}")
            part = section + (digit or 0)
            unit = _CN_BIG[c]
            total = ((total + part) or 1) * unit if unit == 10**8 else total + (part or 1) * unit
            section, digit, last_small = 0, None, 10**9
        else:
            raise ValueError(f"{c!r} is not a Chinese numeral (in {s!r})")
        prev = c
    if digit is not None and digit_after:
        return total + section + digit * digit_after // 10
    return total + section + (digit or 0)


def _arabic(num: str, *multipliers: str | None) -> float:
    """An ASCII number string (thousands commas allowed) times the multipliers given (万, 千 …)."""
    value = Decimal(re.sub("[,，]", "", num))
    for m in multipliers:
        if m:
            value *= _MULTIPLIERS[m]
    return float(value)


_ARABIC_FULL = re.compile(
    r"(?P<num>[+-]?(?:[0-9]{1,3}(?:[,，][0-9]{3})+|[0-9]+)(?:\.[0-9]+)?)(?P<mult>[十百千万亿]*)"
)


def parse_number(s: str) -> float:
    """Parse one printed number: ASCII or full-width digits, decimals, thousands commas, a sign, 万/千/百/亿.

    Chinese numerals (一万, 十五, 两, 一百零五, formal 叁万) are accepted too. Spaces are ignored.

    >>> parse_number("12.345678 万"), parse_number("30,000"), parse_number("-456.5"), parse_number("１２３４")
    (123456.78, 30000.0, -456.5, 1234.0)
    >>> parse_number("20万"), parse_number("3万"), parse_number("一万"), parse_number("十五"), parse_number("两")
    (200000.0, 30000.0, 10000.0, 15.0, 2.0)
    >>> parse_number("１２．５"), parse_number("一百零五"), parse_number("三千万"), parse_number("叁万")
    (12.5, 105.0, 30000000.0, 30000.0)
    >>> parse_number("约 48")
    Traceback (most recent call last):
    ValueError: not a number: '约 48' (expected digits with optional sign, decimals, thousands commas and 万/千/百/亿, or Chinese numerals such as 一万)
    """  # noqa: E501
    if not isinstance(s, str):
        raise ValueError(f"not a number: {s!r} (expected a string)")
    t = re.sub(r"\s+", "", s.translate(_FULLWIDTH))
    m = _ARABIC_FULL.fullmatch(t)
    if m and (not m["mult"] or m["mult"] in _MULTIPLIERS):
        return _arabic(m["num"], m["mult"])
    if t and all(c in _CN_DIGITS or c in _CN_SMALL or c in _CN_BIG for c in t):
        try:
            return float(_chinese(t))
        except ValueError as e:
            raise ValueError(f"not a number: {s!r} ({e})") from None
    raise ValueError(
        f"not a number: {s!r} (expected digits with optional sign, decimals, thousands commas "
        "and 万/千/百/亿, or Chinese numerals such as 一万)"
    )


# --- the classifier -------------------------------------------------------------------------------


def _in_title(text: str, pos: int) -> bool:
    """True when ``pos`` lies between 《 and 》 on its line (the title of a book, song or method)."""
    line_start = text.rfind("\n", 0, pos) + 1
    line_end = text.find("\n", pos)
    before, after = text[line_start:pos], text[pos : line_end if line_end >= 0 else len(text)]
    return before.rfind("《") > before.rfind("》") and "》" in after


def _qualify(norm: str, start: int, end: int, tail: str | None) -> tuple[int, bool, str]:
    """Widen ``start`` over a leading 约/至少…; return (start, is_approximate, qualifier)."""
    lead = _LEADING.search(norm, max(0, start - 6), start)
    lower = approx = False
    if lead:
        word = lead["lower"] or lead["approx"]
        before = norm[lead.start() - 1 : lead.start()]  # 预约, 通过, 最近 are no qualifiers
        if not before or before not in _NOT_LEADING.get(word, ""):
            start, lower, approx = lead.start(), bool(lead["lower"]), bool(lead["approx"])
    approx = approx or bool(tail) or bool(_AROUND.match(norm, end, min(len(norm), end + 8)))
    estimate = bool(_ESTIMATE.search(norm, max(0, start - 6), start))
    qualifier = "lower_bound" if lower else "estimate" if estimate else "approximate" if approx else "exact"
    return start, approx, qualifier


def _classify(m: re.Match[str], norm: str, stops: list[tuple[int, int]]) -> dict | None:
    """One token as a mention (start, end, value, value_max, is_approximate, qualifier, kind), or None."""
    nan = math.nan
    kind = m.lastgroup
    start, end = m.span(kind)
    mention = {"value": nan, "value_max": nan, "is_approximate": False, "qualifier": "exact"}
    if kind == "enum":
        group = "enum_p" if m["enum_p"] else "enum_d" if m["enum_d"] else "enum_c"
        start, end = m.span(group)
        value = float(m[group]) if m[group].isdigit() else float(_chinese(m[group]))
        return {**mention, "start": start, "end": end, "value": value, "kind": "enumeration"}
    if kind == "circled":
        return {**mention, "start": start, "end": end, "value": float(ord(m[kind]) - 0x2460 + 1),
                "kind": "enumeration"}
    if kind in ("date", "time"):
        return {**mention, "start": start, "end": end, "kind": kind}
    if kind == "model":
        if m["model_l"] in _LATIN_UNITS:  # 5kg: a number with a Latin unit
            end = m.end("model_d")
            return {**mention, "start": start, "end": end, "value": float(m["model_d"]), "kind": "number"}
        digits = re.search(r"[0-9]+(?:\.[0-9]+)?", m[kind])[0]
        return {**mention, "start": start, "end": end, "value": float(digits), "kind": "model"}
    if kind == "percent":
        value = parse_number(m["pct_cn"] or m["pct_num"])
        start, approx, qualifier = _qualify(norm, start, end, None)
        return {**mention, "start": start, "end": end, "value": value, "is_approximate": approx,
                "qualifier": qualifier, "kind": "percent"}
    if kind in ("permille", "fraction", "cheng"):
        if any(s <= start < e for s, e in stops):
            return None
        try:
            if kind == "permille":
                value, out_kind = parse_number(m["pm_cn"] or m["pm_num"]) / 10, "percent"
            elif kind == "fraction":
                den = parse_number(m["fr_den"])
                value, out_kind = (parse_number(m["fr_num"]) / den if den else math.nan), "ratio"
            else:
                value = parse_number(m["ch_num"]) * 10 + (5 if m["ch_half"] == "成半" else 0)
                out_kind = "percent"
        except ValueError:
            return None
        if math.isnan(value):
            return None
        start, approx, qualifier = _qualify(norm, start, end, None)
        return {**mention, "start": start, "end": end, "value": value, "is_approximate": approx,
                "qualifier": qualifier, "kind": out_kind}
    if kind == "number":
        value = _arabic(m["n1"], m["m1"] or m["m2"], m["m3"])
        if m["neg"]:
            value = -value
        value_max = _arabic(m["n2"], m["m2"] or m["m1"], m["m3"]) if m["n2"] else nan
        tail = m["tail"]
    else:  # cn: a Chinese numeral followed by a measure word
        start, end = m.span("cn")
        if any(s <= start < e for s, e in stops):
            return None
        try:
            value = float(_chinese(m["cn_num"]))
        except ValueError:
            return None
        value_max, tail = nan, m["cn_tail"]
    start, approx, qualifier = _qualify(norm, start, end, tail)
    kind = "other" if _in_title(norm, start) else "ratio" if _TIMES.match(norm, end) else "number"
    return {**mention, "start": start, "end": end, "value": value, "value_max": value_max,
            "is_approximate": approx, "qualifier": qualifier, "kind": kind}


def extract_mentions(text: str) -> pd.DataFrame:
    """Every numeric mention of ``text``, one row each in text order, with the columns of ``COLUMNS``.

    ``start``/``end`` cover the mention as printed, with 万/千, a trailing 余/多 and a leading
    约/至少/过; ``value`` is a float with 万/千 applied (NaN for dates and times); ``value_max`` is the
    upper end of a range.

    >>> m = extract_mentions("截止 1 月 28 日晚 22 时，入户 6410 户，预计支持 8-10 家，约 48 幅，一万件")
    >>> for row in m[["text", "value", "value_max", "qualifier", "kind"]].itertuples(index=False):
    ...     print(*row, sep=" | ")
    1 月 28 日 | nan | nan | exact | date
    22 时 | nan | nan | exact | time
    6410 | 6410.0 | nan | exact | number
    8-10 | 8.0 | 10.0 | estimate | number
    约 48 | 48.0 | nan | approximate | number
    一万 | 10000.0 | nan | exact | number
    """
    rows = mention_records(text)
    if not rows:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in _DTYPES.items()})[COLUMNS]
    sections = split_sections(text)
    newlines = [i for i, c in enumerate(text) if c == "\n"]
    for row in rows:
        start, end = row["start"], row["end"]
        row["line"] = bisect.bisect_left(newlines, start) + 1
        row["section"] = section_of(sections, start)
        row["context"] = re.sub(r"\r?\n|\r", " ", text[max(0, start - CONTEXT_CHARS) : end + CONTEXT_CHARS])
    return pd.DataFrame(rows)[COLUMNS].astype(_DTYPES)


def mention_records(text: str) -> list[dict]:
    """The numeric mentions of ``text`` as plain dicts (start, end, text, value, value_max, is_approximate,
    qualifier, kind), in text order: what :func:`extract_mentions` adds line, section and context to. Cheap
    enough to call for every quote of a report.

    >>> [(m["text"], m["value"], m["kind"]) for m in mention_records("入户 6410 户，约 48 幅")]
    [('6410', 6410.0, 'number'), ('约 48', 48.0, 'number')]
    """
    norm = text.translate(_FULLWIDTH)
    stops = [(s.start(), s.end()) for word in STOPLIST for s in re.finditer(re.escape(word), norm)]
    rows = [row for m in _TOKEN.finditer(norm) if (row := _classify(m, norm, stops)) is not None]
    for row in rows:
        row["text"] = text[row["start"] : row["end"]]
    return rows


# --- accounting -----------------------------------------------------------------------------------


def _same(a: float, b: float) -> bool:
    """Equal within a relative tolerance of 1e-9 (NaN equals nothing)."""
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=0.0)


def _value_match(value: float, value_max: float, target: float) -> str | None:
    """How a mention's value matches a transcribed value: ``value``, ``abs(value)``, ``value_max`` or None."""
    if _same(value, target):
        return "value"
    if _same(abs(value), abs(target)):
        return "abs(value)"
    if _same(value_max, target):
        return "value_max"
    return None


def account_for(text: str, mentions: pd.DataFrame, transcribed: pd.DataFrame,
                exclusions: pd.DataFrame) -> pd.DataFrame:
    """``mentions`` with ``covered_by`` (a transcribed row's ``ref`` or ``exclusions:<reason>``) and ``how``.

    A transcribed row (``ref``, ``section``, ``quote``, ``value``) covers a mention that lies inside an
    occurrence of its quote in its section and whose value, absolute value or value_max equals the row's
    value (relative tolerance 1e-9); ``how`` says which. An exclusion (``section``, ``text``, ``quote``,
    ``reason``) covers a mention inside an occurrence of its quote in its section whose stripped text
    equals ``text`` stripped; ``how`` is ``exclusion``. Transcribed rows are tried first, in row order;
    the first row that covers a mention wins. An uncovered mention gets None in both columns.

    >>> text = "一、购买 N95 面罩 1250 个，-456.5 元"
    >>> mentions = extract_mentions(text)
    >>> transcribed = pd.DataFrame({"ref": ["figures:F001", "budget:kits"], "section": ["一.1", "一"],
    ...                             "quote": ["面罩 1250 个", "-456.5 元"], "value": [1250.0, -456.5]})
    >>> exclusions = pd.DataFrame({"section": ["一"], "text": ["N95"], "quote": ["N95 面罩"],
    ...                            "reason": ["name"]})
    >>> accounted = account_for(text, mentions, transcribed, exclusions)
    >>> for row in accounted[["text", "covered_by", "how"]].itertuples(index=False):
    ...     print(*row, sep=" | ")
    一 | None | None
    N95 | exclusions:name | exclusion
    1250 | figures:F001 | value
    -456.5 | budget:kits | value
    """
    sections = split_sections(text)
    starts, ends = mentions["start"].to_numpy(), mentions["end"].to_numpy()
    covered_by: list[str | None] = [None] * len(mentions)
    how: list[str | None] = [None] * len(mentions)

    def spans(section: str, quote: str):
        for hit in find_quote(text, sections, section, quote):
            yield from ((i, hit) for i in range(len(mentions))
                        if covered_by[i] is None and hit <= starts[i] and ends[i] <= hit + len(quote))

    values, value_maxes = mentions["value"].to_numpy(), mentions["value_max"].to_numpy()
    for row in transcribed.itertuples(index=False):
        if pd.isna(row.value) or not isinstance(row.quote, str) or not row.quote:
            continue
        for i, _ in spans(row.section, row.quote):
            matched = _value_match(values[i], value_maxes[i], float(row.value))
            if matched:
                covered_by[i], how[i] = row.ref, matched
    texts = mentions["text"].str.strip().to_numpy()
    for row in exclusions.itertuples(index=False):
        if not isinstance(row.quote, str) or not row.quote:
            continue
        for i, _ in spans(row.section, row.quote):
            if texts[i] == str(row.text).strip():
                covered_by[i], how[i] = f"exclusions:{row.reason}", "exclusion"
    out = mentions.copy()
    out["covered_by"] = pd.Series(covered_by, index=mentions.index, dtype="object")
    out["how"] = pd.Series(how, index=mentions.index, dtype="object")
    return out
