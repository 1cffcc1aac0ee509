"""Place mentions: full names, short names only standing alone, never inside an organisation's name."""

from __future__ import annotations

from analysis.metrics import mention_spans, short_name


def test_short_name_inside_an_organisation_or_word_is_no_mention():
    """中原 in 中原福彩 or in a partner's name is no mention of 中原区; 中原区 itself is."""
    text = "感谢中原福彩中心捐赠。项目在中原区开展，中原区慈善协会协助。"
    spans = mention_spans(text, "中原区")
    assert [text[a:b] for a, b in spans] == ["中原区"]
    assert spans == [(text.index("项目在中原区") + 3, text.index("项目在中原区") + 6)]


def test_the_reports_own_organisation_is_masked():
    """The organisation's own name (report.toml organisation_zh) containing the city is no mention."""
    text = "江城市青禾社会工作服务社在江城市开展服务。"
    assert mention_spans(text, "江城市", ("江城市青禾社会工作服务社",)) == [(13, 16)]


def test_short_name_standing_alone_counts():
    """青石、柳岸两个社区 names both communities; 双井由…负责 names 双井社区."""
    text = "青石、柳岸两个社区。双井由社工负责。"
    assert mention_spans(text, "青石社区") == [(0, 2)]
    assert mention_spans(text, "柳岸社区") == [(3, 5)]
    assert mention_spans(text, "双井社区") == [(10, 12)]


def test_government_bodies_are_mentions():
    """A district's own bureau (民政局) is about the district: a mention."""
    assert mention_spans("东湖区民政局指导", "东湖区") == [(0, 3)]


def test_short_names():
    """The short name drops one level suffix, keeping at least two characters."""
    assert [short_name(n) for n in ("中原区", "临湖新区", "青柳街街道", "东区")] == ["中原", "临湖", "青柳街", "东区"]
