"""The notebooks: stored clean, parameterised, thin (no computing), runnable as stored; helpers escape."""

from __future__ import annotations

import ast
import io
import json

import nbformat
import pandas as pd
import pytest
from nbclient import NotebookClient

from analysis import metrics, present
from analysis.build import DISTRICT_NOTEBOOK, NOTEBOOKS, OVERVIEW_NOTEBOOK
from analysis.load import load_report
from conftest import ROOT, SEED_REPORT

NAMES = [DISTRICT_NOTEBOOK, OVERVIEW_NOTEBOOK]


def read(name: str):
    return nbformat.read(NOTEBOOKS / name, as_version=4)


def parameters_of(nb) -> dict:
    """The assignments of the cell tagged ``parameters``, evaluated as literals."""
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    values = {}
    for node in ast.parse(cell.source).body:
        assert isinstance(node, ast.Assign), f"the parameters cell only assigns literals: {ast.dump(node)}"
        values[node.targets[0].id] = ast.literal_eval(node.value)
    return values


@pytest.mark.parametrize("name", NAMES)
def test_notebooks_are_stored_without_outputs(name):
    """Stored notebooks have no outputs, no execution counts and no papermill/run metadata."""
    raw = json.loads((NOTEBOOKS / name).read_text(encoding="utf-8"))
    nbformat.validate(nbformat.from_dict(raw))
    for cell in raw["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [], f"{name}: a cell has stored outputs"
            assert cell["execution_count"] is None, f"{name}: a cell has an execution count"
        assert set(cell["metadata"]) <= {"tags"}, f"{name}: cell metadata {cell['metadata']}"
    assert "papermill" not in raw["metadata"]
    assert raw["metadata"]["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("name", NAMES)
def test_notebooks_have_a_parameters_cell_with_working_defaults(name):
    """One cell is tagged parameters; its defaults name no report or place (they resolve from the data: the
    first report under data/, its first district with figures), Chinese, the default profile."""
    nb = read(name)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    params = parameters_of(nb)
    assert params["report_dir"] == ""
    assert present.resolve_report_dir(params["report_dir"]) == SEED_REPORT.resolve()
    assert params["lang"] == "zh"
    assert params["profile"] == "default"
    if name == DISTRICT_NOTEBOOK:
        assert params["place_id"] == ""
        report = load_report(SEED_REPORT)
        first = present.default_place(report, params["place_id"])
        assert first in present.district_ids(report) and len(metrics.district_figures(report, first))


def test_defaults_follow_the_environment(mini_report, monkeypatch):
    """CLOSEOUT_REPORT / CLOSEOUT_PLACE choose the report and place a notebook opens with empty parameters,
    so a second report runs in JupyterLab without editing the notebook."""
    monkeypatch.setenv(present.ENV_REPORT, str(mini_report))
    assert present.resolve_report_dir("") == mini_report.resolve()
    report = load_report(mini_report)
    assert present.default_place(report, "") == present.district_ids(report)[0]
    monkeypatch.setenv(present.ENV_PLACE, "elsewhere")
    assert present.default_place(report, "") == "elsewhere"
    assert present.default_place(report, "given") == "given"


def test_no_seed_name_in_shared_labels_or_code():
    """labels.csv and the present/plots code name none of the seed's places, numbers or wording."""
    report = load_report(SEED_REPORT)
    names = set(report.places["name_zh"]) | {"安心", "爱有戏", "五个主城区", "20多", "40多", "第七部分", "30049", "jinjiang"}
    files = [ROOT / "src" / "analysis" / "resources" / "labels.csv"]
    files += sorted((ROOT / "src" / "analysis" / "plots").glob("*.py"))
    files += sorted((ROOT / "src" / "analysis" / "present").glob("*.py"))
    files += sorted((ROOT / "src" / "analysis" / "templates" / "closeout").rglob("*.j2"))
    for path in files:
        text = path.read_text(encoding="utf-8")
        found = [n for n in names if n in text]
        assert not found, f"{path.name} names {found}"


@pytest.mark.parametrize("name", NAMES)
def test_notebooks_compute_no_metric(name):
    """Notebook code only calls into analysis: no pandas/numpy import, no arithmetic, no aggregation."""
    for cell in read(name).cells:
        if cell.cell_type != "code":
            continue
        tree = ast.parse(cell.source)
        for node in ast.walk(tree):
            assert not isinstance(node, (ast.BinOp, ast.AugAssign)), f"{name}: arithmetic in {cell.source!r}"
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                module = node.module if isinstance(node, ast.ImportFrom) else node.names[0].name
                assert module.startswith("analysis"), f"{name}: imports {module}"
            if isinstance(node, ast.Attribute):
                assert node.attr not in {"sum", "mean", "groupby", "agg", "div", "count", "pivot_table"}, (
                    f"{name}: .{node.attr} in {cell.source!r}"
                )


@pytest.mark.parametrize("name", NAMES)
def test_notebooks_run_top_to_bottom_as_stored(name):
    """Run as stored (defaults, from notebooks/ as JupyterLab does), every cell succeeds and shows HTML."""
    nb = read(name)
    NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}}
    ).execute()
    html = [
        o for c in nb.cells if c.cell_type == "code" for o in c.outputs if "text/html" in o.get("data", {})
    ]
    assert len(html) >= 5
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors


def test_labels_have_both_languages():
    """Every UI string in resources/labels.csv has a Chinese and an English text, and keys are unique."""
    text = (ROOT / "src" / "analysis" / "resources" / "labels.csv").read_text(encoding="utf-8")
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    assert frame["key"].is_unique
    assert (frame["en"].str.strip() != "").all()
    assert (frame["zh"].str.strip() != "").all()


def test_tables_escape_data():
    """Table cells built from data are HTML-escaped (a label with markup shows as text)."""
    frame = pd.DataFrame({"label_zh": ['<script>alert("x")</script>'], "label_en": ["a & b"], "value": [1.5]})
    html = present.table(
        frame.assign(_label=present.localized(frame, "label", "zh")),
        [("_label", "col.metric", "text"), ("value", "col.value", "number")],
        "zh",
    )
    assert "<script>" not in html and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert '<div class="table-wrap">' in html


def test_attainment_table_shows_the_note_in_the_page_language(seed):
    """A target's caveat (户 vs 户次) is shown on the Chinese page in Chinese and on the English page in English."""
    attainment = metrics.target_attainment(seed)
    zh, en = present.attainment_table(attainment, "zh"), present.attainment_table(attainment, "en")
    assert "完成数以户计，目标以户次计" in zh and "achievement printed in" not in zh
    assert "achievement printed in 户 (households)" in en and "完成数以户计" not in en


def test_findings_escape_quotes_and_messages():
    """Findings: messages, quotes and explanations from data are escaped; ids only in the folded details."""
    findings = pd.DataFrame(
        [
            {
                "check_id": "x",
                "kind": "k",
                "severity": "warning",
                "message_zh": "<b>m</b>",
                "message_en": "m",
                "figure_ids": "F001;F002",
                "quotes": "甲<i> | 乙&",
                "place_ids": "",
                "explanation_zh": "<u>e</u>",
                "explanation_en": "e",
            }
        ]
    )
    html = present.findings_html(findings, "zh")
    assert "<b>m" not in html and "&lt;b&gt;m&lt;/b&gt;" in html
    assert "甲&lt;i&gt;" in html and "乙&amp;" in html and "&lt;u&gt;e&lt;/u&gt;" in html
    assert "F001, F002" in html


def test_unknown_place_and_language_are_usage_errors():
    """A notebook parameter that names no district or language fails with the valid values listed."""
    from analysis.errors import UsageError

    report = load_report(SEED_REPORT)
    with pytest.raises(UsageError, match="valid: jinjiang, "):
        present.check_place(report, "nowhere")
    with pytest.raises(UsageError, match="zh, en"):
        present.check_lang("fr")
    with pytest.raises(UsageError, match="default"):
        present.check_profile("lenient")


