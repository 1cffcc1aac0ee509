"""The assessment of a small hand-made report (not the seed): a one-digit typo that is not a transposition, a
correct narrative claim, a count one less than its list, a legitimate revision, and a contradiction that flips a
target's verdict."""

from __future__ import annotations

import re

import pytest

SOURCE = """社区互助项目结项报告

项目预算：2万

一、项目执行情况

1. 计划培训志愿者 50 人。本期培训志愿者 40 人，开展入户探访。截至 2 月 10 日，探访服务 300 人次。

2. 与 5 个合作伙伴共同推进：阳光社工、绿叶基金、友邻中心、晨光义工队、安康诊所、春风协会。

二、项目变更

项目按计划执行。交通费节省了 200 元。

三、项目成果

截至 3 月 20 日，累计探访服务 900 人次。共培训志愿者 60 人。

四、财务报告

主要活动\t预算明细\t预算额度\t实际开支\t剩余金额
物资\t防护用品\t15000.00\t14350\t150
\t交通费\t5000.00\t4800\t200
合计\t\t20,000\t19,650\t350
"""

TABLES = {
    "report.toml": """id = "huzhu"
source = "../raw/huzhu.txt"
title_zh = "社区互助项目"
title_en = "Community mutual aid"
organisation_zh = "互助中心"
organisation_en = "Mutual Aid Centre"
period_start = 2020-02-01
period_end = 2020-03-31
grant_figure_id = "F001"
""",
    "places.csv": "place_id,level,name_zh,name_en,parent_id,note\ncity,city,某市,A city,,\n",
    "metrics.csv": """metric,label_zh,label_en,is_cumulative
grant_budget_yuan,项目预算,Grant budget,false
target_volunteers_trained,计划培训志愿者,Volunteers to train,false
volunteers_trained,培训志愿者,Volunteers trained,true
visits_person_times,探访服务人次,Home visits,true
partners_count,合作伙伴,Partners,false
transport_saving_yuan,交通费节省,Transport saving,false
""",
    "figures.csv": """figure_id,section,metric,label_zh,value,value_max,unit,unit_zh,qualifier,is_approximate,cutoff_date,scope,place_id,quote,note
F001,header,grant_budget_yuan,项目预算,20000,,yuan,万,exact,false,,project,,项目预算：2万,
F002,一.1,target_volunteers_trained,计划培训志愿者,50,,persons,人,target,false,,project,,计划培训志愿者 50 人,
F003,一.1,volunteers_trained,培训志愿者,40,,persons,人,exact,false,,project,,本期培训志愿者 40 人,
F004,一.1,visits_person_times,探访服务,300,,person_times,人次,exact,false,2020-02-10,project,,探访服务 300 人次,
F005,一.2,partners_count,合作伙伴,5,,partners,个,exact,false,,project,,与 5 个合作伙伴,
F006,二,transport_saving_yuan,交通费节省了,200,,yuan,元,exact,false,,project,,交通费节省了 200 元,
F007,三,visits_person_times,累计探访服务,900,,person_times,人次,exact,false,2020-03-20,project,,累计探访服务 900 人次,
F008,三,volunteers_trained,共培训志愿者,60,,persons,人,exact,false,,project,,共培训志愿者 60 人,
""",
    "targets.csv": """target_id,section,label_zh,label_en,target_figure_id
volunteers,一.1,培训志愿者 50 人,Train 50 volunteers,F002
""",
    "target_achievements.csv": """target_id,figure_id,combine,note_zh,note_en
volunteers,F003,alternative,,
volunteers,F008,alternative,,
""",
    "lists.csv": """list_id,section,label_zh,label_en,count_figure_id
partners,一.2,合作伙伴,Partners,F005
""",
    "list_items.csv": """list_id,item_no,item_zh,quote
partners,1,阳光社工,阳光社工
partners,2,绿叶基金,绿叶基金
partners,3,友邻中心,友邻中心
partners,4,晨光义工队,晨光义工队
partners,5,安康诊所,安康诊所
partners,6,春风协会,春风协会
""",
    "budget.csv": """line_id,row_type,category_zh,category_en,line_zh,line_en,budget_yuan,actual_yuan,remaining_yuan,remark_zh,quote
supplies,line,物资,Supplies,防护用品,Protective supplies,15000,14350,150,,"防护用品\t15000.00\t14350\t150"
transport,line,物资,Supplies,交通费,Transport,5000,4800,200,,"交通费\t5000.00\t4800\t200"
total,total,合计,Total,,,20000,19650,350,,"合计\t\t20,000\t19,650\t350"
""",
    "rules.csv": """rule_id,left,operator,right,tolerance_pct,severity,message_zh,message_en
transport_saving,budget.transport.budget_yuan - budget.transport.actual_yuan,==,F006,,warning,第二部分说交通费节省了200元，应与预算表一致。,Section 2 says 200 yuan of transport was saved; the budget table should agree.
""",
}


def write_report(root, source=SOURCE, tables=None, drop=()):
    """Write the fixture report (with some tables replaced or dropped) under ``root`` and return its folder."""
    (root / "data" / "raw").mkdir(parents=True, exist_ok=True)
    (root / "data" / "raw" / "huzhu.txt").write_text(source, encoding="utf-8")
    folder = root / "data" / "huzhu"
    folder.mkdir(exist_ok=True)
    for name, text in {**TABLES, **(tables or {})}.items():
        if name not in drop:
            (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def huzhu(tmp_path, monkeypatch):
    from analysis.load import load_report

    monkeypatch.chdir(tmp_path)
    return load_report(write_report(tmp_path))


@pytest.fixture
def issues(huzhu):
    from analysis.assessment import assess

    return assess(huzhu).issues


def _one(issues, kind):
    rows = issues[issues["kind"] == kind]
    assert len(rows) == 1, f"{len(rows)} issues of kind {kind}: {list(issues['kind'])}"
    return rows.iloc[0]


def test_the_typo_is_one_issue_and_a_changed_digit(issues):
    """The three failed budget sums and their localisation are one issue; the slip is a changed digit
    (3 printed for 8), not a transposition, and the question names both readings."""
    typo = _one(issues, "budget_arithmetic")
    assert len(typo["finding_ids"].split(";")) == 4
    assert "14,350" in typo["title_zh"] and "14,850" in typo["title_zh"]
    assert "数字 8 误为 3" in typo["explanation_zh"] and "颠倒" not in typo["explanation_zh"]
    assert "an 8 printed as 3" in typo["explanation_en"]
    assert "14,350" in typo["question_en"] and "14,850" in typo["question_en"]
    assert typo["materiality"] == pytest.approx(500 / 2000)  # 500 yuan against 10 % of a 20,000 grant
    assert typo["severity"] == "medium"


def test_a_correct_narrative_claim_is_not_an_issue(issues):
    """Section 二's 200 元 transport saving matches the table: no issue mentions it."""
    assert "narrative" not in set(issues["kind"])
    assert not any("F006" in ids.split(";") for ids in issues["figure_ids"])


def test_count_one_less_than_its_list(issues):
    """'5 个合作伙伴' followed by six names: its own, low issue asking 5 or 6."""
    count = _one(issues, "list_count")
    assert count["severity"] == "low"
    assert "5" in count["title_zh"] and "6" in count["title_zh"]
    assert "5" in count["question_en"] and "6" in count["question_en"]


def test_a_revision_is_low_ranked_information(issues):
    """300 visits by 10 February, 900 by 20 March: an update, ranked last, with materiality 0."""
    rev = _one(issues, "revision")
    assert rev["severity"] == "low" and rev["materiality"] == 0
    assert rev["rank"] == issues["rank"].max()
    assert "更新" in rev["title_zh"] and "not a contradiction" in rev["title_en"]


def test_a_contradiction_that_flips_a_target_ranks_first(issues):
    """40 or 60 volunteers against a target of 50: a 1.5× gap, but the target's verdict depends on it → high."""
    conflict = _one(issues, "conflict")
    assert conflict["rank"] == 1 and conflict["severity"] == "high"
    assert "目标" in conflict["impact_zh"] and "no longer met" in conflict["impact_en"]
    assert "40" in conflict["question_zh"] and "60" in conflict["question_zh"]


def test_ranking_and_wording(issues):
    """Severity order high > medium > low; every text in both languages, none with an id or column name."""
    order = {"high": 0, "medium": 1, "low": 2}
    assert list(issues["severity"].map(order)) == sorted(issues["severity"].map(order))
    assert list(issues["kind"]) == ["conflict", "budget_arithmetic", "list_count", "revision"]
    pattern = re.compile(r"\bF\d{3}\b|\b[a-z_]+:[a-z_]+\b|_yuan\b|budget\.[a-z]")
    for row in issues.to_dict("records"):
        for key in ("title", "explanation", "impact", "question"):
            assert row[f"{key}_zh"] and row[f"{key}_en"]
            assert not pattern.search(row[f"{key}_zh"]) and not pattern.search(row[f"{key}_en"]), row[f"{key}_en"]


def test_without_budget_targets_or_lists(tmp_path, monkeypatch):
    """A report with only places, metrics and figures still gets an assessment, worded in both languages."""
    from analysis.assessment import assess
    from analysis.load import load_report

    monkeypatch.chdir(tmp_path)
    optional = ("targets.csv", "target_achievements.csv", "lists.csv", "list_items.csv", "budget.csv", "rules.csv")
    a = assess(load_report(write_report(tmp_path, drop=optional)))
    assert list(a.issues["kind"]) == ["conflict", "revision"]
    assert a.budget["printed_total_yuan"] is None and a.budget["lines_needing_explanation"] == []
    assert a.targets.empty
    assert all(a.issues["question_zh"].str.len() > 0)


def test_an_explained_variance_is_low(tmp_path, monkeypatch):
    """A line over its threshold that the report explains (budget.csv's explanation_quote) is one level less
    severe and quotes the explanation; without the quote it says no explanation was found."""
    from analysis.assessment import assess
    from analysis.load import load_report

    monkeypatch.chdir(tmp_path)
    source = SOURCE.replace("交通费节省了 200 元。", "交通费节省了 200 元。因改为线上活动，交通费只用了一半。").replace(
        "\t交通费\t5000.00\t4800\t200", "\t交通费\t5000.00\t2500\t2500").replace(
        "合计\t\t20,000\t19,650\t350", "合计\t\t20,000\t17,350\t2,650")
    budget = TABLES["budget.csv"].replace(
        "5000,4800,200,,\"交通费\t5000.00\t4800\t200\"", "5000,2500,2500,,\"交通费\t5000.00\t2500\t2500\"").replace(
        "20000,19650,350,,\"合计\t\t20,000\t19,650\t350\"", "20000,17350,2650,,\"合计\t\t20,000\t17,350\t2,650\"")
    tables = {"budget.csv": budget, "rules.csv": "rule_id,left,operator,right,tolerance_pct,severity,message_zh,message_en\n"}
    plain = assess(load_report(write_report(tmp_path, source, tables))).issues
    variance = plain[plain["kind"] == "threshold"].iloc[0]
    assert variance["severity"] == "high" and "没有说明" in variance["title_zh"]  # 2,500 元 ≥ 10 % of 20,000
    explained = "\n".join(
        line + (",explanation_quote" if i == 0 else ",因改为线上活动，交通费只用了一半" if "交通费" in line else ",")
        for i, line in enumerate(budget.strip().split("\n"))) + "\n"
    a = assess(load_report(write_report(tmp_path, source, {**tables, "budget.csv": explained})))
    variance = a.issues[a.issues["kind"] == "threshold"].iloc[0]
    assert variance["severity"] == "medium"
    assert "因改为线上活动" in variance["explanation_zh"] and "第二部分" in variance["title_zh"]
    line = next(x for x in a.budget["lines_needing_explanation"] if x["line_id"] == "transport")
    assert line["explained"] and line["section"] == "二"


def test_an_explanation_quote_must_be_in_the_source(tmp_path, monkeypatch, capsys):
    """explanation_quote is validated like every quote: text that is not in the source is a one-line error."""
    from analysis.cli import main

    monkeypatch.chdir(tmp_path)
    budget = "\n".join(
        line + (",explanation_quote" if i == 0 else ",交通费用得很少" if "交通费" in line else ",")
        for i, line in enumerate(TABLES["budget.csv"].strip().split("\n"))) + "\n"
    folder = write_report(tmp_path, tables={"budget.csv": budget})
    assert main(["validate", str(folder)]) == 2
    err = capsys.readouterr().err
    assert "budget.csv, row 3, column explanation_quote" in err and "交通费用得很少" in err


def test_other_kinds_of_finding(tmp_path, monkeypatch):
    """A non-cumulative count that changed between two dates (information), places that add up to more than
    the project, and a rule that cannot be evaluated (a zero divisor): each its own issue, none dropped, all
    worded, none ranked above the real problems."""
    from analysis import checks
    from analysis.assessment import assess
    from analysis.load import load_report

    monkeypatch.chdir(tmp_path)
    source = SOURCE.replace("探访服务 300 人次。", "探访服务 300 人次。当日在岗志愿者 30 人。").replace(
        "累计探访服务 900 人次。", "累计探访服务 900 人次，其中甲区探访 500 人次，乙区探访 600 人次。月底在岗志愿者 25 人。")
    tables = {
        "places.csv": TABLES["places.csv"] + "jia,district,甲区,Jia District,city,\nyi,district,乙区,Yi District,city,\n",
        "metrics.csv": TABLES["metrics.csv"] + "active_volunteers,在岗志愿者,Volunteers on duty,false\n",
        "figures.csv": TABLES["figures.csv"]
        + "F009,一.1,active_volunteers,在岗志愿者,30,,persons,人,exact,false,2020-02-10,project,,在岗志愿者 30 人,\n"
        + "F010,三,active_volunteers,在岗志愿者,25,,persons,人,exact,false,2020-03-20,project,,在岗志愿者 25 人,\n"
        + "F011,三,visits_person_times,甲区探访,500,,person_times,人次,exact,false,2020-03-20,district,jia,甲区探访 500 人次,\n"
        + "F012,三,visits_person_times,乙区探访,600,,person_times,人次,exact,false,2020-03-20,district,yi,乙区探访 600 人次,\n",
        "rules.csv": TABLES["rules.csv"]
        + "per_volunteer,F007 ÷ (F003 - F003),==,F004,,warning,每名志愿者的探访数。,Visits per volunteer.\n",
    }
    report = load_report(write_report(tmp_path, source, tables))
    a = assess(report)
    findings = checks.run_checks(report)
    assert sorted(f for ids in a.issues["finding_ids"] for f in ids.split(";")) == sorted(findings["check_id"])
    kinds = list(a.issues["kind"])
    assert "change" in kinds and "rule" in kinds and kinds.count("part_whole") >= 1
    assert kinds[0] == "conflict"
    change = a.issues[a.issues["kind"] == "change"].iloc[0]
    assert change["severity"] == "low" and change["materiality"] == 0 and "25" in change["title_zh"]
    places = a.issues[a.issues["title_zh"].str.contains("合计至少")]
    assert len(places) == 1 and "1,100" in places.iloc[0]["title_zh"] and "甲区" in places.iloc[0]["title_zh"]
    rule = a.issues[a.issues["kind"] == "rule"].iloc[0]
    assert rule["severity"] == "low" and rule["materiality"] == 0
    for row in a.issues.to_dict("records"):
        for key in ("title", "explanation", "impact", "question", "materiality"):
            assert row[f"{key}_zh"] and row[f"{key}_en"] and "nan" not in row[f"{key}_en"]


def test_ids_do_not_depend_on_row_or_column_order(tmp_path_factory):
    """Hypothesis: any order of the rows (and of the columns) of every CSV gives the same issue ids, ranks
    and titles."""
    import csv
    import io

    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from analysis.assessment import assess
    from analysis.load import load_report

    base = tmp_path_factory.mktemp("base")
    expected = assess(load_report(write_report(base))).issues[["issue_id", "rank", "title_en"]]

    @settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.randoms(use_true_random=False))
    def check(rng):
        shuffled = {}
        for name, text in TABLES.items():
            if not name.endswith(".csv"):
                continue
            rows = list(csv.reader(io.StringIO(text)))
            body = rows[1:]
            rng.shuffle(body)
            order = list(range(len(rows[0])))
            rng.shuffle(order)
            out = io.StringIO()
            csv.writer(out, lineterminator="\n").writerows([[r[i] for i in order] for r in [rows[0], *body]])
            shuffled[name] = out.getvalue()
        root = tmp_path_factory.mktemp("shuffled")
        got = assess(load_report(write_report(root, tables=shuffled))).issues[["issue_id", "rank", "title_en"]]
        assert got.to_dict("records") == expected.to_dict("records")

    check()


def test_budget_errors_no_single_cell_explains(tmp_path, monkeypatch):
    """A grant of 2.1万 against a table of 20,000 on top of the typo: four failed sums that no single cell
    explains are still one budget issue, worded without ids, asking where the difference comes from."""
    from analysis import checks
    from analysis.assessment import assess
    from analysis.load import load_report

    monkeypatch.chdir(tmp_path)
    source = SOURCE.replace("项目预算：2万", "项目预算：2.1万")
    figures = TABLES["figures.csv"].replace("20000,,yuan,万,exact,false,,project,,项目预算：2万,",
                                            "21000,,yuan,万,exact,false,,project,,项目预算：2.1万,")
    report = load_report(write_report(tmp_path, source, {"figures.csv": figures}))
    findings = checks.run_checks(report)
    arithmetic = findings[findings["kind"].isin(["budget_remaining", "budget_sum", "budget_grant", "localise"])]
    a = assess(report)
    budget = a.issues[a.issues["kind"] == "budget_arithmetic"]
    assert len(budget) == 1 and sorted(budget.iloc[0]["finding_ids"].split(";")) == sorted(arithmetic["check_id"])
    issue = budget.iloc[0]
    assert "无法用单独一格的笔误解释" in issue["title_zh"] and "no single mistyped cell" in issue["title_en"]
    assert len(issue["evidence"]) == len(arithmetic) - 1
    assert a.budget["correction"] is None
    for key in ("title_zh", "title_en", "explanation_zh", "explanation_en", "question_zh", "question_en"):
        assert "F00" not in issue[key] and "（：" not in issue[key] and "_yuan" not in issue[key]
