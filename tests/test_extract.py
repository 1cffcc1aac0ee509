"""Numeric mentions: tokenizing and classifying every number of a text, and accounting for each one."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pandas as pd
import pytest

from analysis.extract import COLUMNS, STOPLIST, account_for, extract_mentions, parse_number

SEED_SOURCE = Path(__file__).resolve().parents[1] / "data" / "raw" / "000_50b9dd043a2a48bc.txt"

# The reviewed extraction of the seed: 210 mentions (every one read by eye). Change only after a new review.
SEED_MENTIONS = 210
SEED_KINDS = {"number": 150, "enumeration": 35, "date": 13, "model": 8, "time": 3, "other": 1}


@pytest.fixture(scope="module")
def seed() -> str:
    return SEED_SOURCE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def seed_mentions(seed) -> pd.DataFrame:
    return extract_mentions(seed)


def found(text: str) -> list[tuple]:
    """(text, value, kind) of every mention, NaN shown as None."""
    return [
        (r.text, None if math.isnan(r.value) else r.value, r.kind)
        for r in extract_mentions(text).itertuples()
    ]


def one(text: str):
    """The single mention of ``text``."""
    m = extract_mentions(text)
    assert len(m) == 1, m[["text", "kind"]].to_dict("records")
    return next(m.itertuples())


# --- Arabic numbers ------------------------------------------------------------------------------------


def test_spaces_around_digits_are_not_part_of_the_mention():
    """The source pads numbers with spaces; the mention is the digits alone, offsets into the text."""
    m = one("入户 61837 户")
    assert (m.text, m.value, m.start, m.end, m.kind) == ("61837", 61837.0, 3, 8, "number")


def test_wan_multiplier_with_a_space():
    """635.914073 万元 is one mention worth 6359140.73 (万 included, 元 not)."""
    m = one("募捐 635.914073 万元")
    assert (m.text, m.value) == ("635.914073 万", 6359140.73)


@pytest.mark.parametrize(
    "text, mention, value",
    [
        ("项目预算：3万", "3万", 30000.0),
        ("服务居民30万人次", "30万", 300000.0),
        ("善款 200 万元", "200 万", 2000000.0),
        ("1.5 千元", "1.5 千", 1500.0),
    ],
)
def test_wan_and_qian_multipliers(text, mention, value):
    """万 multiplies by 10000 and 千 by 1000, glued or after a space."""
    m = one(text)
    assert (m.text, m.value, m.kind) == (mention, value, "number")


def test_qian_in_a_unit_is_no_multiplier():
    """千 of 千克 (kilogram) does not multiply: 3 千克 is 3."""
    assert one("3 千克").value == 3.0


def test_thousands_separator():
    """30,000 (and full-width 30，000) is one number, 30000."""
    assert (one("合计\t\t30,000\t").text, one("合计\t\t30,000\t").value) == ("30,000", 30000.0)
    assert one("30，000 份").value == 30000.0
    assert one("41,237.5").value == 41237.5


def test_comma_between_clauses_is_no_thousands_separator():
    """A full-width comma followed by a number of another clause separates two mentions."""
    assert found("12 个社区，15000 户次") == [("12", 12.0, "number"), ("15000", 15000.0, "number")]


def test_negative_number_in_the_budget_table():
    """-1316.5 after a tab is negative."""
    assert [(r.text, r.value) for r in extract_mentions("24000.00\t25316.5\t-1316.5\t").itertuples()] == [
        ("24000.00", 24000.0),
        ("25316.5", 25316.5),
        ("-1316.5", -1316.5),
    ]


def test_decimals():
    """Decimals keep their value; 24000.00 is 24000."""
    assert one("24000.00").value == 24000.0
    assert one("25316.5").value == 25316.5


def test_fullwidth_digits():
    """Full-width digits and decimal point are read; the mention text keeps them as printed."""
    m = one("１２３４ 人")
    assert (m.text, m.value) == ("１２３４", 1234.0)
    assert one("１２．５ 公斤").value == 12.5


def test_number_with_a_slash_unit():
    """500 元/张 is a number."""
    m = one("购物卡（500 元/张）")
    assert (m.text, m.value, m.kind) == ("500", 500.0, "number")


# --- qualifiers and ranges -----------------------------------------------------------------------------


def test_trailing_yu_is_approximate():
    """300 余人次: the mention is '300 余', approximate."""
    m = one("参与居民 300 余人次")
    assert (m.text, m.value, m.is_approximate, m.qualifier) == ("300 余", 300.0, True, "approximate")


def test_trailing_duo_is_approximate():
    """20多个: the mention is '20多', approximate; 1300多元 is 1300."""
    m = one("共计20多个")
    assert (m.text, m.value, m.is_approximate, m.qualifier) == ("20多", 20.0, True, "approximate")
    assert one("多出了1300多元").text == "1300多"


def test_duo_before_wan():
    """10 多万 is 100000, approximate."""
    m = one("10 多万元")
    assert (m.text, m.value, m.is_approximate) == ("10 多万", 100000.0, True)


def test_leading_yue_is_approximate():
    """约 48 幅: the mention includes 约 and is approximate."""
    m = one("横幅约 48 幅")
    assert (m.text, m.value, m.is_approximate, m.qualifier) == ("约 48", 48.0, True, "approximate")


def test_leading_guo_is_approximate():
    """过 100 万 is approximate 1000000."""
    m = one("累计过 100 万的浏览量")
    assert (m.text, m.value, m.is_approximate, m.qualifier) == ("过 100 万", 1000000.0, True, "approximate")


def test_zuoyou_after_the_measure_word_is_approximate():
    """100 人左右 is approximate; 左右 is not part of the mention."""
    m = one("100 人左右")
    assert (m.text, m.is_approximate, m.qualifier) == ("100", True, "approximate")


def test_lower_bound():
    """至少 / 不少于 make a lower bound that is not approximate."""
    m = one("至少 10 个社区")
    assert (m.text, m.value, m.is_approximate, m.qualifier) == ("至少 10", 10.0, False, "lower_bound")
    assert one("不少于 5 名").qualifier == "lower_bound"


def test_words_ending_in_a_qualifier_character_are_no_qualifiers():
    """通过 3 次, 最近 3 天, 预约 5 人: 过/近/约 belong to another word."""
    for text in ("通过 3 次", "最近 3 天", "预约 5 人"):
        m = one(text)
        assert (m.qualifier, m.is_approximate, m.text) == ("exact", False, re.search(r"\d", text)[0])


def test_estimated_range():
    """预计支持 6-9 家: one mention, value 6, value_max 9, an estimate."""
    m = one("预计支持 6-9 家志愿团队")
    assert (m.text, m.value, m.value_max, m.qualifier) == ("6-9", 6.0, 9.0, "estimate")


@pytest.mark.parametrize("text", ["8-10 家", "8～10 家", "8至10 家", "8 至 10 家", "8~10 家"])
def test_range_separators(text):
    """Ranges with -, ～, ~ or 至 give value and value_max."""
    m = one(text)
    assert (m.value, m.value_max, m.qualifier) == (8.0, 10.0, "exact")


def test_range_with_wan_on_the_upper_end():
    """8-10 万 applies 万 to both ends."""
    m = one("8-10 万元")
    assert (m.value, m.value_max) == (80000.0, 100000.0)


def test_single_number_has_no_value_max():
    """A plain number has value_max NaN."""
    assert math.isnan(one("36 家").value_max)


# --- dates, times, enumerations, models ----------------------------------------------------------------


def test_date_and_time():
    """截止 2 月 14 日晚 21 时 gives one date and one time, not three numbers."""
    assert found("截止 2 月 14 日晚 21 时，") == [("2 月 14 日", None, "date"), ("21 时", None, "time")]


def test_date_and_clock_time():
    """截止 4 月 9 日 24:00 gives one date and one time (24:00 is one mention)."""
    assert found("截止 4 月 9 日 24:00，") == [("4 月 9 日", None, "date"), ("24:00", None, "time")]


@pytest.mark.parametrize(
    "text",
    ["2月1日", "2 月 14 日", "2021 年 2 月 14 日", "2021.02.01", "2021 年 4 月", "２０２１．０２．０１"],
)
def test_date_forms(text):
    """Each date form is one mention of kind date."""
    m = one(text)
    assert (m.text, m.kind) == (text, "date")


def test_date_range_is_two_dates():
    """2021.02.01-2021.04.30 is two dates, not a range of numbers."""
    assert found("项目周期：2021.02.01-2021.04.30") == [
        ("2021.02.01", None, "date"),
        ("2021.04.30", None, "date"),
    ]


def test_months_counted_are_no_date():
    """12 个月 is a number, not a date."""
    assert found("12 个月") == [("12", 12.0, "number")]


@pytest.mark.parametrize(
    "text, mention, value",
    [
        ("1. 建立", "1", 1.0),
        ("2) 精准", "2", 2.0),
        ("3、项目", "3", 3.0),
        ("（1）总体", "1", 1.0),
        ("五、这次", "五", 5.0),
        ("（二）做法", "二", 2.0),
        ("①完成", "①", 1.0),
    ],
)
def test_enumerations_at_line_start(text, mention, value):
    """1. / 2) / 3、 / （1） / 五、 / （二） / ① at a line start are enumerations."""
    m = one("前文\n" + text)
    assert (m.text, m.value, m.kind) == (mention, value, "enumeration")


def test_number_with_point_at_line_start_is_a_decimal():
    """1.5 万 at a line start is a number, not item 1."""
    m = one("1.5 万元")
    assert (m.value, m.kind) == (15000.0, "number")


def test_model_numbers():
    """N95 型口罩（1380 个） gives N95 [model] and 1380 [number]."""
    assert found("N95 型口罩（1380 个）") == [("N95", 95.0, "model"), ("1380", 1380.0, "number")]


def test_model_numbers_lower_case_and_slash():
    """医用口罩 n95/n94 gives two models."""
    assert found("医用口罩 n95/n94\t") == [("n95", 95.0, "model"), ("n94", 94.0, "model")]


def test_84_disinfectant_is_a_model():
    """84 消毒水 names a product: kind model (the count that follows is a number)."""
    assert found("84 消毒水（138 瓶）") == [("84", 84.0, "model"), ("138", 138.0, "number")]


def test_latin_unit_is_a_number():
    """5kg is the number 5, not a model name."""
    assert found("5kg") == [("5", 5.0, "number")]


def test_percent():
    """12.5%, 12 ％ and 百分之五十 are percents with the printed value."""
    assert found("12.5%") == [("12.5%", 12.5, "percent")]
    assert one("12 ％").value == 12.0
    assert found("百分之五十") == [("百分之五十", 50.0, "percent")]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("超支约三成", [("约三成", 30.0, "percent")]),
        ("九成以上", [("九成", 90.0, "percent")]),
        ("两成", [("两成", 20.0, "percent")]),
        ("3成", [("3成", 30.0, "percent")]),
        ("一成半", [("一成半", 15.0, "percent")]),
        ("死亡率 5‰", [("5‰", 0.5, "percent")]),
        ("千分之五", [("千分之五", 0.5, "percent")]),
        ("是原来的 3 倍", [("3", 3.0, "ratio")]),
        ("增长了两倍", [("两", 2.0, "ratio")]),
        ("完成项目书目标的148%", [("148%", 148.0, "percent")]),
    ],
)
def test_shares_and_multiples(text, expected):
    """成 (三成 = 30 %), ‰ and 千分之 are percents in percent; 倍 is a ratio with the printed multiple."""
    assert found(text) == expected


def test_fractions_are_ratios():
    """三分之一 and 3分之2 are ratios (1/3, 2/3); 百分之 stays a percent."""
    ((text, value, kind),) = found("约三分之一的家庭")
    assert (text, kind) == ("约三分之一", "ratio") and value == pytest.approx(1 / 3)
    ((_, value, kind),) = found("3分之2")
    assert kind == "ratio" and value == pytest.approx(2 / 3)
    assert found("百分之二十") == [("百分之二十", 20.0, "percent")]


@pytest.mark.parametrize("text", ["一成不变", "三五成群", "成澜市", "组成", "第三成员", "统一成立", "逐一成为", "新成立", "三成功"])
def test_cheng_words_that_are_no_share(text):
    """Idioms and words with 成 (一成不变, 三五成群, 成澜, 成员) give no share."""
    assert [k for _, _, k in found(text) if k == "percent"] == []


# --- Chinese numerals ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, mention, value",
    [
        ("遍及九个省", "九", 9.0),
        ("石桥两个社区", "两", 2.0),
        ("西塘三个区", "三", 3.0),
        ("成澜五个主城区", "五", 5.0),
        ("一万件面包", "一万", 10000.0),
        ("十五个", "十五", 15.0),
        ("一百零五人", "一百零五", 105.0),
        ("三个方面", "三", 3.0),
    ],
)
def test_chinese_numeral_before_a_measure_word(text, mention, value):
    """A Chinese numeral followed by a measure word is a number mention."""
    m = one(text)
    assert (m.text, m.value, m.kind) == (mention, value, "number")


def test_chinese_numeral_with_qualifiers():
    """十多个 is approximate 10; 约两万人 includes 约."""
    m = one("十多个")
    assert (m.text, m.value, m.is_approximate) == ("十多", 10.0, True)
    m = one("约两万人")
    assert (m.text, m.value, m.is_approximate) == ("约两万", 20000.0, True)


def test_province_count_and_city_count():
    """九个省、12 个城市 gives 9 and 12."""
    assert found("遍及九个省、12 个城市") == [("九", 9.0, "number"), ("12", 12.0, "number")]


def test_chinese_numeral_without_measure_word_is_no_mention():
    """Names and words (四川, 九维, 三一书社, 一是, 壹心会, 队伍) hold no mention."""
    assert found("四川省、成澜九维文化、北京三一书社、一是采用、深圳壹心会、援助队伍") == []


@pytest.mark.parametrize(
    "phrase",
    [
        "一次性医用口罩",
        "为一线疫情防控",
        "一方面协助",
        "另一方面积极",
        "“一人一册”走访记录",
        "一定程度上",
        "一系列的宣传",
        "捐赠一批生活物资",
        "一起",
        "万一",
        "千头万绪",
        "一体",
        "统一指挥",
        "进一步",
        "第一负责人",
        "第一个",
        "任何一个小区住户",
        "作为一个社会组织",
        "千家万户",
        "一些变动",
    ],
)
def test_idioms_produce_nothing(phrase):
    """Idioms and fixed phrases with a Chinese numeral are no mention."""
    assert found(phrase) == []


def test_stoplist_entries_all_yield_nothing():
    """Every stoplist entry, even followed by a measure word, yields no mention."""
    for word in STOPLIST:
        assert found(word + "个") == [], word


def test_title_numerals_are_other():
    """A numeral inside 《…》 (《六步洗手法》) is kind other: part of a name."""
    assert found("转发《六步洗手法》《居家消毒指南》") == [("六", 6.0, "other")]


def test_counted_noun_without_measure_word():
    """三层医用口罩 and “四原则” state counts (3 layers, 4 principles)."""
    assert found("三层医用口罩") == [("三", 3.0, "number")]
    assert found("制定探访工作“四原则”") == [("四", 4.0, "number")]


# --- the frame -----------------------------------------------------------------------------------------


def test_columns_and_types():
    """The frame has the documented columns, in order, with int offsets and float values."""
    m = extract_mentions("一、甲\n入户 61837 户")
    assert list(m.columns) == COLUMNS
    assert str(m["start"].dtype) == "int64" and str(m["value"].dtype) == "float64"
    assert str(m["is_approximate"].dtype) == "bool"
    assert m.iloc[1][["line", "section"]].tolist() == [2, "一"]


def test_empty_text():
    """A text without numbers gives an empty frame with the same columns."""
    m = extract_mentions("没有数字的文本")
    assert m.empty and list(m.columns) == COLUMNS


def test_context_replaces_newlines():
    """The context holds about 15 characters either side, newlines replaced by spaces."""
    m = one("第一行\n入户 61837 户\n第三行")
    assert "\n" not in m.context and "61837" in m.context and m.context.startswith("第一行 ")


# --- parse_number --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "s, value",
    [
        ("635.914073 万", 6359140.73),
        ("30,000", 30000.0),
        ("-1316.5", -1316.5),
        ("１２３４", 1234.0),
        ("３０，０００", 30000.0),
        ("20万", 200000.0),
        ("3万", 30000.0),
        ("一万", 10000.0),
        ("十五", 15.0),
        ("两", 2.0),
        ("零", 0.0),
        ("二十三", 23.0),
        ("一百零五", 105.0),
        ("三千万", 3e7),
        ("一万五", 15000.0),
        ("叁万", 30000.0),
        (" 48 ", 48.0),
        ("0", 0.0),
    ],
)
def test_parse_number(s, value):
    """parse_number reads every printed form of a single number."""
    assert parse_number(s) == value


@pytest.mark.parametrize("s", ["", "约 48", "abc", "1,5", "12.5%", "N95", "一二十", "十十", "3万万", None])
def test_parse_number_rejects(s):
    """Anything that is not one number raises ValueError naming the input."""
    with pytest.raises(ValueError, match="not a number"):
        parse_number(s)


# --- the seed text -------------------------------------------------------------------------------------


def test_seed_mention_count_is_stable(seed_mentions):
    """The seed yields the reviewed number of mentions, by kind."""
    assert len(seed_mentions) == SEED_MENTIONS
    assert seed_mentions["kind"].value_counts().to_dict() == SEED_KINDS


def test_seed_mentions_do_not_overlap_and_are_in_order(seed_mentions):
    """Mentions are in text order and no mention overlaps another."""
    starts, ends = seed_mentions["start"].tolist(), seed_mentions["end"].tolist()
    assert starts == sorted(starts)
    assert all(end <= next_start for end, next_start in zip(ends, starts[1:], strict=False))


def test_seed_mention_text_is_the_span(seed, seed_mentions):
    """text equals text[start:end] and line counts newlines before start."""
    for r in seed_mentions.itertuples():
        assert r.text == seed[r.start : r.end]
        assert r.line == seed.count("\n", 0, r.start) + 1


def test_seed_every_arabic_digit_is_in_a_mention(seed, seed_mentions):
    """No Arabic digit of the seed is left outside a mention."""
    covered = {i for r in seed_mentions.itertuples() for i in range(r.start, r.end)}
    assert [seed[i - 5 : i + 5] for i, c in enumerate(seed) if c.isdigit() and i not in covered] == []


@pytest.mark.parametrize(
    "section, text, value, kind",
    [
        ("header", "3万", 30000.0, "number"),
        ("一", "772.280552 万", 7722805.52, "number"),
        ("一", "N95", 95.0, "model"),
        ("一", "52444", 52444.0, "number"),
        ("一", "8-10", 8.0, "number"),
        ("三", "20多", 20.0, "number"),
        ("四", "20万", 200000.0, "number"),
        ("四", "约 48", 48.0, "number"),
        ("六", "一万", 10000.0, "number"),
        ("六", "过 100 万", 1000000.0, "number"),
        ("六", "24:00", None, "time"),
        ("七", "-1687.5", -1687.5, "number"),
        ("七", "30,049.5", 30049.5, "number"),
    ],
)
def test_seed_known_mentions(seed_mentions, section, text, value, kind):
    """Known mentions of the seed are found in the right section with the right value and kind."""
    rows = seed_mentions[(seed_mentions["section"] == section) & (seed_mentions["text"] == text)]
    assert len(rows) == 1
    row = rows.iloc[0]
    assert row["kind"] == kind
    assert math.isnan(row["value"]) if value is None else row["value"] == value


def test_seed_idioms_are_not_mentions(seed, seed_mentions):
    """一批, 一次性, 千头万绪, 一人一册 and 任何一个 of the seed produce no mention."""
    for phrase in ("一批", "一次性", "千头万绪", "一人一册", "任何一个", "作为一个"):
        at = seed.index(phrase)
        assert not ((seed_mentions["start"] < at + len(phrase)) & (seed_mentions["end"] > at)).any(), phrase


def test_seed_section_headings_are_enumerations(seed_mentions):
    """The headings 一、 … 七、 are enumerations valued 1 … 7."""
    heads = seed_mentions[
        (seed_mentions["kind"] == "enumeration") & seed_mentions["text"].isin(list("一二三四五六七"))
    ]
    assert heads["value"].tolist() == [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]
    assert heads["section"].tolist() == list("一二三四五六七")


# --- account_for ---------------------------------------------------------------------------------------

TEXT = "一、入户 61837 户，购买 N95 口罩，预计支持 6-9 家\n二、入户 61837 户\n三、剩余\t-1316.5\n"


def transcribed(*rows) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=["ref", "section", "quote", "value"])


def exclusions(*rows) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=["section", "text", "quote", "reason"])


def accounted(trans: pd.DataFrame, excl: pd.DataFrame) -> dict[tuple[str, str], tuple]:
    """(section, text) -> (covered_by, how) for every mention of TEXT."""
    out = account_for(TEXT, extract_mentions(TEXT), trans, excl)
    return {(r.section, r.text): (r.covered_by, r.how) for r in out.itertuples()}


def test_account_for_adds_two_columns():
    """account_for returns the mentions with covered_by and how, None when nothing covers a mention."""
    mentions = extract_mentions(TEXT)
    out = account_for(TEXT, mentions, transcribed(), exclusions())
    assert list(out.columns) == COLUMNS + ["covered_by", "how"]
    assert out["covered_by"].isna().all() and out["how"].isna().all()
    assert "covered_by" not in mentions.columns


def test_transcribed_row_covers_in_its_section_only():
    """A row covers the mention inside its quote in its own section, not the same words elsewhere."""
    got = accounted(transcribed(("figures:F001", "一.1", "入户 61837 户", 61837.0)), exclusions())
    assert got[("一", "61837")] == ("figures:F001", "value")
    assert got[("二", "61837")] == (None, None)


def test_transcribed_row_needs_an_equal_value():
    """A quote that contains the mention but carries another value does not cover it."""
    got = accounted(transcribed(("figures:F001", "一", "入户 61837 户", 61838.0)), exclusions())
    assert got[("一", "61837")] == (None, None)


def test_relative_tolerance():
    """Values equal within 1e-9 relative count as equal."""
    got = accounted(transcribed(("figures:F001", "一", "入户 61837 户", 61837.0 * (1 + 1e-12))), exclusions())
    assert got[("一", "61837")][0] == "figures:F001"


def test_absolute_value_and_value_max():
    """A negative printed value matches its absolute value; a range is covered by its upper end too."""
    got = accounted(
        transcribed(
            ("budget:masks", "三", "剩余\t-1316.5", 1316.5), ("figures:F002", "一", "预计支持 6-9 家", 9.0)
        ),
        exclusions(),
    )
    assert got[("三", "-1316.5")] == ("budget:masks", "abs(value)")
    assert got[("一", "6-9")] == ("figures:F002", "value_max")


def test_exclusion_covers_by_text():
    """An exclusion covers the mention whose stripped text equals its text, inside its quote and section."""
    got = accounted(
        transcribed(),
        exclusions(
            ("一", " N95 ", "N95 口罩", "name"),
            ("一", "一", "一、入户", "section_number"),
            ("二", "N95", "入户", "name"),
        ),
    )
    assert got[("一", "N95")] == ("exclusions:name", "exclusion")
    assert got[("一", "一")] == ("exclusions:section_number", "exclusion")
    assert got[("二", "二")] == (None, None)


def test_exclusion_text_must_match():
    """An exclusion whose text differs from the mention does not cover it."""
    got = accounted(transcribed(), exclusions(("一", "N90", "N95 口罩", "name")))
    assert got[("一", "N95")] == (None, None)


def test_transcribed_rows_win_over_exclusions():
    """When a transcribed row and an exclusion both cover a mention, the transcribed row is reported."""
    got = accounted(
        transcribed(("figures:F001", "一", "入户 61837 户", 61837.0)),
        exclusions(("一", "61837", "61837", "duplicate_of_figure")),
    )
    assert got[("一", "61837")] == ("figures:F001", "value")


def test_unknown_section_raises():
    """A row naming a section the text does not have raises KeyError."""
    with pytest.raises(KeyError):
        account_for(
            TEXT, extract_mentions(TEXT), transcribed(("figures:F001", "九", "入户", 1.0)), exclusions()
        )
