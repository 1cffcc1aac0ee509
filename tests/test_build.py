"""closeout build: every page offline and deterministic, failures isolated, bad input refused, atomic."""

from __future__ import annotations

import itertools
import json
import re
import shutil
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup

from analysis import build, metrics, present
from analysis.cli import main
from analysis.errors import UsageError
from analysis.load import load_report
from conftest import ROOT, SEED_REPORT

SUBSET = ["jinjiang", "qingyang"]
_BASE64 = re.compile(r"base64,[A-Za-z0-9+/=]+")


@pytest.fixture(scope="module")
def seed():
    return load_report(SEED_REPORT)


@pytest.fixture(scope="module")
def seed_build(tmp_path_factory) -> Path:
    """The seed report built once with the defaults (every district) and two workers."""
    return build.build(SEED_REPORT, out=tmp_path_factory.mktemp("seed-build"), workers=2)


@pytest.fixture(scope="module")
def subset_builds(tmp_path_factory) -> list[Path]:
    """The same two places built three times: once with one worker, twice with two."""
    return [
        build.build(SEED_REPORT, places=SUBSET, out=tmp_path_factory.mktemp(f"subset-{i}"), workers=workers)
        for i, workers in enumerate((1, 2, 2))
    ]


def html_pages(folder: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.html"))}


def published(folder: Path) -> dict[str, bytes]:
    """Every file of a build that must not vary between builds (not the log, not the executed notebooks)."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != "build-log.txt" and "executed" not in p.parts
    }


def visible_text(html: str) -> str:
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["style", "script"]):
        tag.decompose()
    return soup.get_text(" ", strip=True)


def test_build_produces_every_district_page_and_the_index(seed_build, seed):
    """The default build writes index, overview, a page per district the report gives figures for (the
    others are named in one line, with no page), CSVs with a BOM, the workbook, the one file to share,
    manifest, log, run notebooks; the index links pages and downloads, not the manifest."""
    assert seed_build.name == seed.id
    districts = present.reported_districts(seed)
    assert len(districts) >= 1
    silent = [r["place_id"] for r in present.silent_districts(seed)]
    for name in [
        "index.html",
        "overview.html",
        "metrics.csv",
        "findings.csv",
        "manifest.json",
        "build-log.txt",
        f"{seed.id}.html",
        f"{seed.id}.xlsx",
        "executed/overview.ipynb",
        *[f"{d}.html" for d in districts],
        *[f"executed/{d}.ipynb" for d in districts],
    ]:
        assert (seed_build / name).is_file(), name
    for place_id in silent:
        assert not (seed_build / f"{place_id}.html").exists(), place_id
    for name in ("metrics.csv", "findings.csv"):
        assert (seed_build / name).read_bytes()[:3] == b"\xef\xbb\xbf", f"{name} has no BOM"
    manifest = json.loads((seed_build / "manifest.json").read_text(encoding="utf-8"))
    assert {p["name"]: p["status"] for p in manifest["pages"]} == {n: "ok" for n in ["overview", *districts]}
    assert len(manifest["data_sha256"]) == 64 and manifest["versions"]["papermill"]
    index = BeautifulSoup((seed_build / "index.html").read_text(encoding="utf-8"), "html.parser")
    links = [a["href"] for a in index.find_all("a")]
    for name in ["overview.html", *[f"{d}.html" for d in districts], "metrics.csv", "findings.csv", f"{seed.id}.xlsx"]:
        assert name in links, f"index does not link {name}"
    assert "manifest.json" not in links and "build-log.txt" not in links
    assert all(not re.match(r"^[a-z]+:|^/", href) for href in links), "index links must be relative"
    text = index.get_text(" ", strip=True)
    assert "成功" not in text  # a build status only for a page that failed
    for row in present.silent_districts(seed):
        assert row["name_zh"] in text


def test_district_pages_show_name_a_figure_and_a_chart(seed_build, seed):
    """Each district page names the district, shows a number of its data and, where the report gives a
    share or a team, a chart (inline SVG with its text alternative); it links back to index and overview."""
    for place_id in present.reported_districts(seed):
        html = (seed_build / f"{place_id}.html").read_text(encoding="utf-8")
        text = visible_text(html)
        name = present.place_name(seed, place_id, "zh")
        assert name in text, place_id
        figures = metrics.district_figures(seed, place_id)
        assert any(present.fmt_number(v) in text for v in figures["value"]), f"{place_id}: no figure value"
        soup = BeautifulSoup(html, "html.parser")
        hrefs = [a["href"] for a in soup.select("nav.back a")]
        assert "index.html" in hrefs and "overview.html" in hrefs, place_id
        for chart in soup.select("figure.chart"):
            assert chart.get("aria-label", "").strip() and chart.find("svg"), place_id


def test_overview_shows_every_section_and_finding(seed_build, seed):
    """The overview has the summary, targets, intensity, budget flags, cost, figures over time, supplies, and
    every issue of the assessment (the flat list of findings is replaced by issues)."""
    from analysis.assessment import assess

    html = (seed_build / "overview.html").read_text(encoding="utf-8")
    text = visible_text(html)
    assert BeautifulSoup(html, "html.parser").find(id="summary")
    for key in (
        "summary.title",
        "overview.targets.title",
        "overview.intensity.title",
        "overview.budget.title",
        "overview.cost.title",
        "overview.timeline.title",
        "overview.supplies.title",
        "overview.fundraising.title",
        "overview.issues.title",
        "overview.questions.title",
    ):
        assert present.t(key, "zh") in text, key
    issues = assess(seed, profile="default").issues
    assert len(issues)
    for title in issues["title_zh"]:
        assert present.plain(title, "zh") in text
    assert "需说明" in text
    assert "单位不同：目标以人次计，完成数以名计" in text  # a target's caveat, in Chinese on the Chinese page


def test_pages_have_no_code_or_input(seed_build):
    """No page shows code, input prompts or the injected parameters."""
    for name, html in html_pages(seed_build).items():
        body = str(BeautifulSoup(html, "html.parser").body)
        for marker in (
            "jp-InputArea",
            "jp-InputPrompt",
            "In&nbsp;[",
            "highlight",
            "from analysis",
            "show(",
            "report_dir",
            "injected-parameters",
            "Traceback",
            "<pre",
        ):
            assert marker not in body, f"{name}: {marker}"


def test_no_external_url_in_any_built_file(seed_build):
    """No built file (pages, CSV, manifest, executed notebooks) contains an http:// or https:// URL."""
    for path in seed_build.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert b"http://" not in data and b"https://" not in data, path.name


def test_no_machine_path_in_html(seed_build):
    """No page contains a path of the build machine (output folder, home, repository, report folder)."""
    paths = {str(seed_build.parent), str(Path.home()), str(ROOT), str(SEED_REPORT.resolve()), "/tmp/"}
    for name, html in html_pages(seed_build).items():
        text = _BASE64.sub("base64,", html)
        for path in paths:
            assert path not in text, f"{name} contains {path}"


def test_pages_are_self_contained_and_fit_a_phone(seed_build):
    """One h1, lang zh-CN, a viewport, tables scrolling in their own box, images fit the width, no scripts, no
    <img> (charts are inline SVG: the page exporter adds no placeholder alt text) and no focusable output."""
    for name, html in html_pages(seed_build).items():
        soup = BeautifulSoup(html, "html.parser")
        assert len(soup.find_all("h1")) == 1, name
        assert soup.html["lang"] == "zh-CN", name
        assert soup.find("meta", attrs={"name": "viewport"}), name
        css = "".join(s.get_text() for s in soup.find_all("style"))
        assert "overflow-x: auto" in css and "max-width: 100%" in css, name
        assert not soup.find_all(["script", "link", "iframe"]), name
        assert not soup.find_all("img"), name
        assert not soup.find_all(attrs={"tabindex": True}), name
        assert "anchor-link" not in html and "¶" not in html, name
        assert all("table-wrap" in t.parent.get("class", []) for t in soup.find_all("table")), name


def test_deterministic_rebuild(seed_build, subset_builds):
    """Building the same data again (one or two workers) gives byte-identical pages, index, CSVs, manifest."""
    first = published(subset_builds[0])
    for other in subset_builds[1:]:
        assert published(other) == first
    for name in ("overview.html", "jinjiang.html"):
        assert first[name] == (seed_build / name).read_bytes(), name


def test_two_workers_build_repeatedly_without_failure(subset_builds):
    """--workers 2 builds (three builds of this module) all finish with every page ok."""
    for folder in subset_builds:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        assert [p["status"] for p in manifest["pages"]] == ["ok"] * (1 + len(SUBSET))


def test_unknown_place_fails_before_running(tmp_path, monkeypatch, capsys):
    """An unknown place id fails before any notebook runs, listing the valid ids (API and command line)."""
    monkeypatch.setattr(build, "run_job", lambda *a, **k: pytest.fail("a notebook ran"))
    with pytest.raises(UsageError, match=r"nowhere.*valid: jinjiang, qingyang"):
        build.build(SEED_REPORT, places=["jinjiang", "nowhere"], out=tmp_path / "out")
    assert not (tmp_path / "out").exists()
    assert main(["build", str(SEED_REPORT), "--place", "nowhere", "--out", str(tmp_path / "out")]) == 2
    assert "valid: jinjiang" in capsys.readouterr().err


@pytest.mark.parametrize(
    "kwargs, message",
    [({"lang": "fr"}, "zh, en"), ({"profile": "lenient"}, "default"), ({"workers": 0}, "at least 1")],
)
def test_bad_parameters_fail_before_running(tmp_path, monkeypatch, kwargs, message):
    """A bad language, threshold profile or worker count is a UsageError before any notebook runs."""
    monkeypatch.setattr(build, "run_job", lambda *a, **k: pytest.fail("a notebook ran"))
    with pytest.raises(UsageError, match=message):
        build.build(SEED_REPORT, out=tmp_path / "out", **kwargs)


def break_place(monkeypatch, place: str) -> None:
    """Make the notebook of ``place`` fail in its first analysis cell (an unknown place id is passed)."""
    real = build.notebook_parameters

    def broken(kind, report_dir, place_id, lang, profile):
        params = real(kind, report_dir, place_id, lang, profile)
        if place_id == place:
            params["place_id"] = "no_such_place"
        return params

    monkeypatch.setattr(build, "notebook_parameters", broken)


def test_failing_place_is_isolated(tmp_path, monkeypatch, capsys):
    """A failing place does not stop the others: marked failed, its notebook kept, exit status 3."""
    break_place(monkeypatch, "qingyang")
    code = main(
        ["build", str(SEED_REPORT), "--place", *SUBSET, "--out", str(tmp_path / "out"), "--workers", "2"]
    )
    assert code == 3
    lines = [line for line in capsys.readouterr().err.splitlines() if line.startswith("error: ")]
    assert (
        len(lines) == 2
        and lines[1].startswith("error: place qingyang: cell In [")
        and "no_such_place" in lines[1]
    )
    folder = tmp_path / "out" / "anxin-plan-2020"
    assert (folder / "jinjiang.html").is_file() and (folder / "overview.html").is_file()
    assert not (folder / "qingyang.html").exists()
    assert (folder / "executed" / "qingyang.ipynb").is_file()
    index = BeautifulSoup((folder / "index.html").read_text(encoding="utf-8"), "html.parser")
    failed = index.find(class_="page-failed")
    assert failed and "失败" in failed.get_text() and failed.find("a")["href"] == "executed/qingyang.ipynb"
    index_text = (folder / "index.html").read_text(encoding="utf-8")
    for leak in ("no_such_place", "UsageError", "Traceback", "cell In ["):
        assert leak not in index_text, f"error details on the shared index page: {leak}"
    assert "no_such_place" in (folder / "build-log.txt").read_text(encoding="utf-8")
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert {p["name"]: p["status"] for p in manifest["pages"]} == {
        "overview": "ok",
        "jinjiang": "ok",
        "qingyang": "failed",
    }


@pytest.mark.parametrize("engine", ["kernel", "inprocess"])
def test_failed_page_does_not_poison_the_next_one_in_the_same_kernel(tmp_path, monkeypatch, subset_builds, engine):
    """One worker: the place after a failing one runs in a new kernel (or a reset in-process shell) and its page
    is byte-identical."""
    break_place(monkeypatch, "jinjiang")
    with pytest.raises(build.NotebookFailures, match="place jinjiang"):
        build.build(SEED_REPORT, places=SUBSET, out=tmp_path, workers=1, engine=engine)
    folder = tmp_path / "anxin-plan-2020"
    assert (folder / "qingyang.html").read_bytes() == (subset_builds[0] / "qingyang.html").read_bytes()
    log = (folder / "build-log.txt").read_text(encoding="utf-8")
    qingyang = log.split("\nqingyang\t", 1)[1].split("\n")
    notes = list(itertools.takewhile(lambda line: line.startswith("  "), qingyang[1:]))
    if engine == "kernel":
        assert any("warm kernel replaced" in note for note in notes), log
    assert (folder / "executed" / "jinjiang.ipynb").is_file() and not (folder / "jinjiang.html").exists()


def test_interrupted_build_keeps_previous_output(tmp_path, monkeypatch, seed_build):
    """A build interrupted half-way leaves the previous output byte for byte and no temporary folder."""
    out = tmp_path / "out"
    shutil.copytree(seed_build, out / seed_build.name)
    before = {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
    real, calls = build.run_job, []

    def interrupted(job, *args, **kwargs):
        calls.append(job.name)
        if len(calls) > 1:
            raise KeyboardInterrupt
        return real(job, *args, **kwargs)

    monkeypatch.setattr(build, "run_job", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build.build(SEED_REPORT, places=SUBSET, out=out, workers=1)
    after = {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
    assert after == before
    assert [p.name for p in out.iterdir()] == [seed_build.name]


def test_kernel_start_failure_is_retried(tmp_path, monkeypatch):
    """A kernel that dies before replying (a known parallel failure) is started again; the page is built."""
    import papermill

    attempts = []

    def flaky(input_path, output_path, **kwargs):
        attempts.append(kwargs["kernel_name"])
        if len(attempts) == 1:
            raise RuntimeError("Kernel died before replying to kernel_info")
        nb = nbformat.v4.new_notebook()
        nb.cells = [
            nbformat.v4.new_code_cell(
                "x",
                outputs=[
                    nbformat.v4.new_output(
                        "display_data", data={"text/html": "<h1>页</h1>", "text/plain": "页"}
                    )
                ],
            )
        ]
        nbformat.write(nb, output_path)

    monkeypatch.setattr(papermill, "execute_notebook", flaky)
    job = build.Job(
        "nanhu",
        "district",
        str(build.NOTEBOOKS / build.DISTRICT_NOTEBOOK),
        {"place_id": "nanhu"},
        "zh",
        "南湖区",
        "nanhu.html",
        "executed/nanhu.ipynb",
    )
    result = build.run_job(job, str(tmp_path), str(tmp_path))
    assert result.status == "ok" and result.attempts == 2 and len(attempts) == 2
    assert "<h1>页</h1>" in (tmp_path / "nanhu.html").read_text(encoding="utf-8")


def test_another_report_builds_and_its_strings_are_escaped(mini_report, tmp_path):
    """A second report folder builds with no code change, and markup in its data shows as escaped text."""
    places = mini_report / "places.csv"
    places.write_text(
        places.read_text(encoding="utf-8").replace(
            "南湖区,Nanhu District", '"南湖区<script>x()</script>&",Nanhu District'
        ),
        encoding="utf-8",
    )
    metrics_csv = mini_report / "metrics.csv"
    metrics_csv.write_text(
        metrics_csv.read_text(encoding="utf-8").replace(
            "入户,Households visited", '入户<img src=x onerror="alert(1)">,Households <img src=x onerror=alert(1)>'
        ),
        encoding="utf-8",
    )
    figures_csv = mini_report / "figures.csv"
    figures_csv.write_text(
        figures_csv.read_text(encoding="utf-8").replace(
            "households_visited,入户,12000", 'households_visited,"[点我](javascript:alert(1)) **粗体**",12000'
        ),
        encoding="utf-8",
    )
    folder = build.build(mini_report, out=tmp_path / "out", workers=2)
    html = (folder / "nanhu.html").read_text(encoding="utf-8")
    assert "<script>x()" not in html and "南湖区&lt;script&gt;x()&lt;/script&gt;&amp;" in html
    assert (folder / "overview.html").is_file() and (folder / "index.html").is_file()
    index = (folder / "index.html").read_text(encoding="utf-8")
    assert "<script>" not in index and "&lt;script&gt;" in index
    for page in ("index.html", "overview.html", "nanhu.html"):
        text = (folder / page).read_text(encoding="utf-8")
        soup = BeautifulSoup(text, "html.parser")
        assert not soup.find_all(attrs={"onerror": True}), f"{page}: an element with onerror"
        assert not soup.find_all("a", href=re.compile(r"^javascript:", re.I)), f"{page}: a javascript: link"
        assert "<strong>粗体</strong>" not in text, f"{page}: markdown from data was rendered"
    assert "&lt;img src=x onerror" in (folder / "overview.html").read_text(encoding="utf-8")


def test_build_is_a_closeout_subcommand(capsys):
    """`closeout build --help` lists the options of the issue."""
    with pytest.raises(SystemExit):
        main(["build", "--help"])
    help_text = capsys.readouterr().out
    for option in ("--place", "--out", "--workers", "--lang", "--profile"):
        assert option in help_text


def test_no_warning_or_glyph_message_in_any_executed_notebook(seed_build):
    """No executed notebook has stderr output or an error: no 'Glyph … missing', no warning, no traceback."""
    for path in sorted((seed_build / "executed").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            for output in cell.get("outputs", []):
                text = output.get("text", "") if output.get("output_type") == "stream" else ""
                assert output.get("output_type") != "error", f"{path.name}: {output.get('ename')}"
                assert output.get("name") != "stderr", f"{path.name}: stderr output {text[:200]!r}"
                assert "Glyph" not in text and "Warning" not in text, f"{path.name}: {text[:200]!r}"
