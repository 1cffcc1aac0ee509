"""`closeout build DIR [DIR …]`: several reports in one run on one pool, a portfolio page, failures isolated."""

from __future__ import annotations

import shutil

import pytest
from bs4 import BeautifulSoup

from analysis import build
from analysis.build import portfolio
from analysis.cli import main
from conftest import write_mini_report


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """Two valid reports (mini and a copy with another id and title) and one broken folder, built as a batch,
    plus mini built on its own."""
    root = tmp_path_factory.mktemp("batch")
    mini = write_mini_report(root)
    other = root / "data" / "other"
    shutil.copytree(mini, other)
    toml = (other / "report.toml").read_text(encoding="utf-8")
    (other / "report.toml").write_text(toml.replace('id = "mini"', 'id = "other"').replace("测试项目", "另一个项目"),
                                       encoding="utf-8")
    broken = root / "data" / "broken"
    broken.mkdir()
    (broken / "report.toml").write_text('id = "broken"\n', encoding="utf-8")
    code = main(["build", str(root / "data" / "*"), "--out", str(root / "out"), "--workers", "2"])
    alone = build.build(mini, out=root / "alone", workers=1)
    return root, code, alone


def test_every_valid_report_is_built_and_the_broken_one_does_not_stop_them(batch):
    """A glob names the three folders; the two valid ones are built, the broken one fails alone: exit 3."""
    root, code, _ = batch
    assert code == 3
    for report_id in ("mini", "other"):
        folder = root / "out" / report_id
        assert (folder / "index.html").is_file() and (folder / "overview.html").is_file(), report_id
        assert (folder / "nanhu.html").is_file()
    assert not (root / "out" / "broken").exists()


def test_a_report_in_a_batch_is_byte_identical_to_the_report_built_alone(batch):
    """Sharing the pool with other reports changes no byte of a report's pages, CSVs or manifest."""
    root, _, alone = batch
    in_batch = root / "out" / "mini"
    names = sorted(p.name for p in alone.iterdir() if p.is_file() and p.name != "build-log.txt")
    assert names == sorted(p.name for p in in_batch.iterdir() if p.is_file() and p.name != "build-log.txt")
    for name in names:
        assert (alone / name).read_bytes() == (in_batch / name).read_bytes(), name


def test_portfolio_lists_each_grant_with_its_numbers_and_links(batch):
    """One row per report: period, grant, targets met, budget execution, issues by severity, relative links
    to each built page; the failed report is marked failed with no numbers and no error details."""
    root, _, _ = batch
    html = (root / "out" / "index.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    rows = {tr.find("th").get_text(strip=True): tr for tr in soup.find("tbody").find_all("tr")}
    assert set(rows) == {"测试项目", "另一个项目", "broken"}
    mini = rows["测试项目"]
    text = mini.get_text(" ", strip=True)
    assert "2020-01-25 – 2020-03-31" in text and "个目标达成" in text and "%" in text
    hrefs = [a["href"] for a in mini.find_all("a")]
    assert hrefs[:2] == ["mini/index.html", "mini/overview.html"] and "mini/nanhu.html" in hrefs
    assert all(not h.startswith(("/", "http")) for a in soup.find_all("a") for h in [a["href"]])
    assert "生成失败" in rows["broken"].get_text() and "report.toml" not in html
    assert f'content="{portfolio.GENERATOR}"' in html and "://" not in html


def test_a_portfolio_page_of_someone_else_is_left_alone(tmp_path):
    """OUT/index.html written by a person is never replaced: the batch says so and leaves it."""
    mini = write_mini_report(tmp_path)
    other = tmp_path / "data" / "other"
    shutil.copytree(mini, other)
    toml = (other / "report.toml").read_text(encoding="utf-8")
    (other / "report.toml").write_text(toml.replace('id = "mini"', 'id = "other"'), encoding="utf-8")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "index.html").write_text("mine", encoding="utf-8")
    batch = build.build_many([mini, other], out=tmp_path / "out", workers=1)
    assert (tmp_path / "out" / "index.html").read_text(encoding="utf-8") == "mine"
    assert batch.portfolio is None and "portfolio" in batch.failed
    assert set(batch.built) == {str(mini), str(other)}


def test_place_with_several_reports_is_refused(tmp_path):
    """--place names places of one report: with two report folders it is a usage error (exit 2)."""
    mini = write_mini_report(tmp_path)
    assert main(["build", str(mini), str(mini), "--place", "nanhu", "--out", str(tmp_path / "out")]) == 2
