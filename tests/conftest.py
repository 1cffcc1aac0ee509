"""Shared fixtures: the seed report folder, and a small synthetic report folder to break on purpose.

The small report is fictional (测试机构's 测试项目 in 安澜市 南湖区 桃源街道, budget lines 米面粮油 and 保暖衣物), so that
no shared helper names the seed's places, numbers or wording (tests/test_no_seed_in_code.py). What it plants: the
米面粮油 row prints its remaining amount as -1364.5 where 24000 − 25346.5 = -1346.5, and the total row 535.5 (the sum
of the printed line remainders) where 40000 − 39446.5 = 553.5; 保暖衣物 is 11.9 % under budget; phone checks fall
from 500 to 400 by the 3 月 1 日 cut-off while households rise from 12000 to 12500 (targets: 8000 户次 and at least
5 communities, the latter met by an approximate 20多个社区 of 南湖区).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEED_REPORT = ROOT / "data" / "anxin-plan-2020"

MINI_SOURCE = """项目结项报告

项目预算：4万

一、请对照项目书分点阐述项目执行情况。

1. 探访困难家庭，至少 5 个社区，8000 户次。社工 20 人次配合社区，入户 12000 户，电话核查 500 户。

二、项目成果

1) 截止 3 月 1 日，该项目入户 12500 户，电话核查 400 户，服务 20多个社区。

三、财务报告

主要活动\t预算明细\t预算额度\t实际开支\t剩余金额\t备注
物资采购\t米面粮油\t24000.00\t25346.5\t-1364.5\t
\t保暖衣物\t16000.00\t14100\t1900\t
合计\t\t40,000\t39,446.5\t535.5\t
"""

MINI_TABLES = {
    "report.toml": """id = "mini"
source = "../raw/mini.txt"
title_zh = "测试项目"
title_en = "Test project"
organisation_zh = "测试机构"
organisation_en = "Test organisation"
period_start = 2020-01-25
period_end = 2020-03-31
grant_figure_id = "F001"
""",
    "places.csv": """place_id,level,name_zh,name_en,parent_id,note
anlan,city,安澜市,Anlan,,
nanhu,district,南湖区,Nanhu District,anlan,
taoyuan,street,桃源街道,Taoyuan Subdistrict,nanhu,
""",
    "metrics.csv": """metric,label_zh,label_en,is_cumulative
grant_budget_yuan,项目预算,Grant budget,false
communities_served,服务社区,Communities served,true
households_visited,入户,Households visited,true
phone_checks_households,电话核查,Households checked by phone,true
worker_deployments,社工人次,Social-worker deployments,true
""",
    "figures.csv": """figure_id,section,metric,label_zh,value,value_max,unit,unit_zh,qualifier,is_approximate,cutoff_date,scope,place_id,quote,note
F001,header,grant_budget_yuan,项目预算,40000,,yuan,万,exact,false,,project,,项目预算：4万,
F002,一.1,communities_served,社区,5,,communities,个,target,false,,project,,至少 5 个社区,
F003,一.1,households_visited,户次,8000,,household_times,户次,target,false,,project,,8000 户次,
F004,一.1,worker_deployments,社工,20,,worker_times,人次,exact,false,,project,,社工 20 人次,
F005,一.1,households_visited,入户,12000,,households,户,exact,false,,project,,入户 12000 户,
F006,一.1,phone_checks_households,电话核查,500,,households,户,exact,false,,project,,电话核查 500 户,
F007,二.1),households_visited,入户,12500,,households,户,exact,false,2020-03-01,project,,入户 12500 户,
F008,二.1),phone_checks_households,电话核查,400,,households,户,exact,false,2020-03-01,project,,电话核查 400 户,
F009,二.1),communities_served,社区,20,,communities,个,approximate,true,2020-03-01,district,nanhu,服务 20多个社区,
""",
    "targets.csv": """target_id,section,label_zh,label_en,target_figure_id
households,一.1,探访 8000 户次,Visit 8000 households,F003
communities,一.1,至少 5 个社区,At least 5 communities,F002
""",
    "target_achievements.csv": """target_id,figure_id,combine,note_zh,note_en
households,F005,alternative,,
households,F007,alternative,,
communities,F009,sum,,
""",
    "workforce.csv": """team_id,section,label_zh,label_en,workers_figure_id,place_id,note
screening,一.1,社工,Social workers,F004,,
""",
    "intensities.csv": """intensity_id,team_id,output_figure_id,label_zh,label_en,note
screening_households,screening,F005,每人次入户,Households per deployment,
""",
    "budget.csv": """line_id,row_type,category_zh,category_en,line_zh,line_en,budget_yuan,actual_yuan,remaining_yuan,remark_zh,quote
food,line,物资采购,Supplies,米面粮油,Food parcels,24000.00,25346.5,-1364.5,,"米面粮油\t24000.00\t25346.5\t-1364.5"
clothing,line,物资采购,Supplies,保暖衣物,Warm clothing,16000.00,14100,1900,,"保暖衣物\t16000.00\t14100\t1900"
total,total,合计,Total,,,40000,39446.5,535.5,,"合计\t\t40,000\t39,446.5\t535.5"
""",
    "rules.csv": """rule_id,left,operator,right,tolerance_pct,severity,message_zh,message_en
grant_equals_budget,F001,==,budget.total.budget_yuan,,error,项目预算应等于预算表合计,The grant should equal the budget table total
""",
    "exclusions.csv": """section,text,quote,reason,note
一,一,一、请对照项目书,section_number,
一,1,1. 探访困难,section_number,
二,二,二、项目成果,section_number,
二,1,1) 截止,section_number,
二,3 月 1 日,截止 3 月 1 日,date,the cut-off date of the figures in 二
三,三,三、财务报告,section_number,
""",
}


def write_mini_report(root: Path) -> Path:
    """Write the small synthetic report under ``root/data`` and return its folder."""
    raw = root / "data" / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    (raw / "mini.txt").write_text(MINI_SOURCE, encoding="utf-8")
    folder = root / "data" / "mini"
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in MINI_TABLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def mini_report(tmp_path, monkeypatch) -> Path:
    """A valid small report folder in a temporary directory (the working directory is that directory)."""
    monkeypatch.chdir(tmp_path)
    return write_mini_report(tmp_path)


@pytest.fixture(scope="session")
def seed():
    """The seed report, loaded once (a test must not modify it; use seed_copy to break data)."""
    from analysis.load import load_report

    return load_report(SEED_REPORT)


@pytest.fixture
def mini(mini_report):
    """The small synthetic report, loaded."""
    from analysis.load import load_report

    return load_report(mini_report)


@pytest.fixture
def seed_copy(tmp_path, monkeypatch) -> Path:
    """A copy of the seed report folder (and its raw source) that a test may break."""
    monkeypatch.chdir(tmp_path)
    shutil.copytree(ROOT / "data" / "raw", tmp_path / "data" / "raw")
    shutil.copytree(SEED_REPORT, tmp_path / "data" / SEED_REPORT.name)
    return tmp_path / "data" / SEED_REPORT.name


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: runs a full closeout build (built once per session)")
