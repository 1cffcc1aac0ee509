"""The unit of a drafted figure: the measure word printed after the number, and the data model's unit for it."""

from __future__ import annotations

import re

# Measure words, longest first where one starts another (人次 before 人, 元/张 before 元).
MEASURE_WORDS = tuple(
    "方面 原则 元/张 元/人 元/户 元/次 元/份 人次 户次 车次 场次 批次 架次 "
    "公斤 千克 公里 小时 分钟 平方米 立方米 毫升 kg KG Kg ml mL L 元 "
    "户 人 名 位 个 家 件 张 份 条 幅 双 副 对 块 瓶 包 箱 盒 袋 桶 罐 次 "
    "套 辆 台 所 项 类 种 批 场 轮 期 组 队 支 只 本 册 篇 部 首 处 座 栋 "
    "间 省 市 区 县 镇 乡 村 天 周 斤 吨 升 米 遍 趟 餐 顿 例 笔 起 节 课 "
    "堂"
    .split()
)
_SPACES = re.compile(r"[ \u3000\xa0]*")

#: measure word -> the unit when nothing in the label says otherwise.
DEFAULT_UNIT = {
    "人次": "person_times", "户次": "household_times", "车次": "vehicle_times", "场次": "sessions", "户": "households",
    "人": "persons", "名": "persons", "位": "persons", "个": "pieces", "家": "organisations", "件": "items",
    "张": "sheets", "份": "copies", "条": "items", "幅": "banners", "双": "pairs", "副": "pairs", "对": "pairs",
    "块": "pieces", "只": "pieces", "支": "pieces", "瓶": "bottles", "包": "items", "袋": "items", "桶": "items",
    "罐": "items", "箱": "boxes", "盒": "boxes", "次": "times", "遍": "times", "趟": "times", "套": "items",
    "元": "yuan", "公斤": "kg", "千克": "kg", "kg": "kg", "KG": "kg", "Kg": "kg", "斤": "jin", "升": "litres",
    "L": "litres", "省": "provinces", "市": "cities", "区": "districts", "县": "districts", "村": "villages",
    "场": "sessions", "期": "sessions", "节": "sessions", "课": "sessions", "堂": "sessions", "轮": "sessions",
    "餐": "meals", "顿": "meals", "例": "cases", "首": "songs", "篇": "guides", "元/张": "yuan_per_card",
    "项": "items", "方面": "aspects", "原则": "principles", "类": "items_types", "种": "items_types",
    "批": "items", "所": "institutions",
}
# (words in the label or the noun after the unit, unit) for the measure words that count many kinds of thing.
_BY_NOUN = {
    "个": (("社区", "communities"), ("院落", "courtyards"), ("小区", "courtyards"), ("省", "provinces"),
          ("城市", "cities"), ("市", "cities"), ("伙伴", "partners"), ("组织", "organisations"),
          ("单位", "organisations"), ("部门", "organisations"), ("机构", "institutions"), ("中心", "institutions"),
          ("村", "villages"), ("区", "districts"), ("县", "districts"), ("方面", "aspects"), ("原则", "principles"),
          ("案例", "cases"), ("个案", "cases"), ("场所", "places"), ("点位", "places"), ("企业", "enterprises"),
          ("视频", "videos"), ("项目", "items"), ("家庭", "households")),
    "家": (("企业", "enterprises"), ("商户", "enterprises"), ("公司", "enterprises"), ("养老院", "institutions"),
          ("医院", "institutions"), ("学校", "institutions"), ("机构", "institutions"), ("中心", "institutions"),
          ("单位", "organisations"), ("组织", "organisations"), ("户", "households"), ("家庭", "households")),
    "名": (("社工", "workers"), ("社会工作者", "workers"), ("工作人员", "workers"), ("工作者", "workers"),
          ("志愿者", "workers"), ("人才", "workers"), ("员工", "workers"), ("咨询师", "workers"), ("督导", "workers"),
          ("骨干", "workers")),
    "人次": (("社工", "worker_times"), ("社会工作者", "worker_times"), ("志愿者", "worker_times")),
    "次": (("直播", "sessions"), ("培训", "sessions"), ("讲座", "sessions"), ("活动", "sessions"), ("会议", "sessions"),
          ("课程", "sessions"), ("小组", "sessions")),
    "份": (("盒饭", "meals"), ("餐", "meals"), ("饭", "meals")),
    "张": (("卡", "cards"), ("证", "cards"), ("券", "cards")),
    "条": (("横幅", "banners"), ("标语", "banners")),
    "盒": (("饭", "meals"), ("餐", "meals")),
    "套": (("房", "flats"), ("屋", "flats"), ("住宅", "flats")),
    "部": (("视频", "videos"), ("短片", "videos"), ("影片", "videos")),
}
_BY_NOUN["人"] = _BY_NOUN["名"]
_BY_NOUN["位"] = _BY_NOUN["名"]
_MONEY = ("元", "款", "资金", "经费", "预算", "募捐", "捐赠", "拨付", "金额", "费", "资助", "善款", "筹款")


def measure_word(text: str, end: int) -> tuple[str, int]:
    """The measure word printed after ``text[:end]`` (spaces allowed between) and where it ends; ('', end) if none.

    >>> measure_word("探访 320 户，", 6), measure_word("服务 1250 人次。", 7), measure_word("12 元/张", 2)
    (('户', 8), ('人次', 10), ('元/张', 6))
    """
    at = _SPACES.match(text, end).end()
    for word in MEASURE_WORDS:
        if text.startswith(word, at):
            return word, at + len(word)
    return "", end


def multiplier(mention: str) -> str:
    """The 万/千/亿 printed with an Arabic number (``8.5 万`` -> 万), '' for Chinese numerals and plain digits.

    >>> multiplier("8.5 万"), multiplier("12万"), multiplier("一万"), multiplier("400 余"), multiplier("3")
    ('万', '万', '', '', '')
    """
    core = re.sub(r"[ \u3000]*[余多]$", "", mention.strip())
    m = re.search(r"[0-9][ \u3000]*([十百千万亿]+)$", core)
    return m[1] if m else ""


def unit_for(unit_zh: str, label: str, after: str = "") -> str:
    """The data model's unit for a printed unit, the figure's label and the text printed after the unit.

    >>> unit_for("户", "入户"), unit_for("个", "", "社区"), unit_for("名", "专业社会工作者")
    ('households', 'communities', 'workers')
    >>> unit_for("万元", "筹款"), unit_for("万", "项目预算"), unit_for("万", "点击量"), unit_for("家", "养老院")
    ('yuan', 'yuan', 'views', 'institutions')
    """
    word = unit_zh.lstrip("十百千万亿") or unit_zh
    if unit_zh and set(unit_zh) <= set("十百千万亿"):
        words = label + after
        if any(w in words for w in _MONEY):
            return "yuan"
        if any(w in words for w in ("点击", "浏览", "阅读", "观看", "播放")):
            return "views"
        return "items"
    nouns = _BY_NOUN.get(word, ())
    head = re.split(r"[，。；：,;:\n0-9]", after, maxsplit=1)[0][:16]
    in_after = [(head.rfind(noun) + len(noun), len(noun), unit) for noun, unit in nouns if noun in head]
    if in_after:  # the head noun of 个学校、医院和社会组织 is the last one
        return max(in_after)[2]
    for noun, unit in nouns:
        if noun in label:
            return unit
    return DEFAULT_UNIT.get(word, "items")
