"""Notebook parameters: a misspelt parameter fails, under papermill's own command line too."""

from __future__ import annotations

import subprocess
import sys

import pytest

from analysis.errors import UsageError
from analysis.parameters import check_parameters, unknown_parameters
from conftest import ROOT


def test_kernel_names_modules_and_functions_are_not_parameters():
    """Only plain values count: IPython's own names, modules, functions and _-names are ignored."""
    namespace = {"In": [], "Out": {}, "get_ipython": print, "_i1": "x", "sys": sys, "f": len, "lang": "zh"}
    assert unknown_parameters(namespace, ["lang"]) == []


def test_unknown_parameter_names_the_closest_valid_one_and_all_valid_ones():
    """The error names the unknown parameter, its closest valid name and every valid name."""
    with pytest.raises(UsageError) as exc:
        check_parameters({"plce_id": "xitang", "lang": "zh"}, ["report_dir", "place_id", "lang", "profile"])
    assert str(exc.value) == (
        "unknown notebook parameter 'plce_id' (did you mean place_id?); "
        "this notebook takes: report_dir, place_id, lang, profile"
    )


def test_several_unknown_parameters_are_all_named():
    """Every unknown parameter is named in one message."""
    with pytest.raises(UsageError, match=r"parameters 'colour', 'lnag' \(did you mean lang\?\)"):
        check_parameters({"lnag": "en", "colour": "red"}, ["lang"])


@pytest.mark.parametrize("notebook", ["district.ipynb", "overview.ipynb"])
def test_every_notebook_checks_its_parameters_right_after_them(notebook):
    """The first code cell after the parameters cell calls check_parameters with the parameters cell's names."""
    import ast

    import nbformat

    nb = nbformat.read(ROOT / "notebooks" / notebook, as_version=4)
    cells = [c for c in nb.cells if c.cell_type == "code"]
    at = next(i for i, c in enumerate(cells) if "parameters" in c.metadata.get("tags", []))
    names = [n.targets[0].id for n in ast.parse(cells[at].source).body]
    call = next(
        n for n in ast.walk(ast.parse(cells[at + 1].source))
        if isinstance(n, ast.Call) and getattr(n.func, "id", "") == "check_parameters"
    )
    assert ast.literal_eval(call.args[1]) == tuple(names)


def test_papermill_cli_fails_on_a_misspelt_parameter(tmp_path):
    """`papermill overview.ipynb out.ipynb -p lnag en` exits non-zero and says which parameter is unknown
    (papermill itself would run the defaults and say nothing: papermill issue #667)."""
    papermill = [sys.executable, "-m", "papermill"]
    done = subprocess.run(
        [*papermill, str(ROOT / "notebooks" / "overview.ipynb"), str(tmp_path / "out.ipynb"), "-p", "lnag", "en",
         "-k", "python3", "--cwd", str(ROOT / "notebooks")],
        capture_output=True, text=True, timeout=300,
    )
    assert done.returncode != 0
    assert "unknown notebook parameter 'lnag' (did you mean lang?)" in done.stdout + done.stderr
