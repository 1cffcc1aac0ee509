"""The warm-kernel papermill engine: registered, isolating, recovering from failures, leaving nothing behind.

The build-level proof of isolation is here too: a place built alone and the same place built after others in
the same warm kernel give byte-identical pages.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import nbformat
import papermill as pm
import psutil
import pytest
from papermill.exceptions import PapermillExecutionError

from analysis import build, engine
from conftest import ROOT, SEED_REPORT

KERNEL = "python3"


#: A notebook that prints what a previous notebook may have changed (run with CWD, the expected directory) …
PROBE = (
    "import os, sys, warnings, matplotlib, pandas as pd\n"
    "from analysis import present\n"
    "ip = get_ipython()\n"
    "print(sorted(k for k in dir() if k.startswith('poison')),\n"
    "      os.environ.get('CLOSEOUT_POISON'), os.getcwd() == CWD, '/poison' in sys.path,\n"
    "      any(f[1] is not None and f[1].pattern == 'poison' for f in warnings.filters),\n"
    "      matplotlib.rcParams['font.size'],\n"
    "      pd.get_option('display.max_rows'), int in ip.display_formatter.formatters['text/html'].type_printers,\n"
    "      present.HTML_LANG.get('poison'))")
#: … what it prints in a clean session …
CLEAN = "[] None True False False 10.0 60 False None"
#: … and a notebook that changes all of it.
POISON = (
    "import os, sys, warnings, matplotlib, pandas as pd\n"
    "from analysis import present\n"
    "poison_value = 1\n"
    "os.environ['CLOSEOUT_POISON'] = '1'\n"
    "os.chdir('/')\n"
    "sys.path.append('/poison')\n"
    "warnings.filterwarnings('error', message='poison')\n"
    "matplotlib.rcParams['font.size'] = 31\n"
    "pd.set_option('display.max_rows', 3)\n"
    "get_ipython().display_formatter.formatters['text/html'].for_type(int, lambda v: '<b>int</b>')\n"
    "present.HTML_LANG['poison'] = 'x'\n")


def write_notebook(path: Path, sources, params=()) -> Path:
    """A notebook of code cells (``sources``) on the python3 kernel, with a parameters cell defaulting each of
    ``params`` to None when there are any, written to ``path``."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": KERNEL, "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    if params:
        defaults = "".join(f"{name} = None\n" for name in params)
        nb.cells.insert(0, nbformat.v4.new_code_cell(defaults, metadata={"tags": ["parameters"]}))
    nbformat.write(nb, path)
    return path


@pytest.fixture
def warm(tmp_path, monkeypatch):
    """Run notebooks in this process's warm kernel (in ``tmp_path``); the kernel is stopped afterwards."""
    monkeypatch.chdir(tmp_path)
    engine.register()
    engine.shutdown()
    counter = iter(range(1000))

    def run(*sources: str, fresh=("analysis",), imports=("pandas", "matplotlib"), recycle_after=0, **params):
        path = write_notebook(tmp_path / f"nb{next(counter)}.ipynb", sources, params)
        return pm.execute_notebook(
            str(path),
            str(path.with_suffix(".out.ipynb")),
            parameters=params or None,
            engine_name=engine.ENGINE_NAME,
            kernel_name=KERNEL,
            progress_bar=False,
            request_save_on_cell_execute=False,
            start_timeout=60,
            execution_timeout=60,
            warm_imports=imports,
            fresh_modules=fresh,
            recycle_after=recycle_after,
        )

    yield run
    engine.shutdown()


def outputs(nb) -> list[str]:
    """The text each code cell printed or returned."""
    texts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream":
                texts.append(out["text"].strip())
            elif "data" in out:
                texts.append(out["data"].get("text/plain", ""))
    return texts


def kernel_pid(warm_run) -> int:
    return int(outputs(warm_run("import os; print(os.getpid())"))[0])


def test_engine_is_registered_through_the_entry_point():
    """pyproject declares the engine under papermill.engine, and papermill finds it by name on import."""
    from papermill.engines import papermill_engines

    points = {ep.name: ep.value for ep in metadata.entry_points(group="papermill.engine")}
    assert points.get("closeout-warm") == "analysis.engine:WarmKernelEngine"
    assert papermill_engines.get_engine("closeout-warm") is engine.WarmKernelEngine
    assert build.ENGINE == engine.ENGINE_NAME


@pytest.mark.parametrize("first", ["analysis.engine", "papermill", "analysis.build"])
def test_engine_module_imports_in_any_order(first):
    """Importing papermill loads the entry point (this module): no circular import whichever comes first."""
    code = (
        f"import {first}; import papermill, analysis.engine as e; "
        "from papermill.engines import papermill_engines as p; "
        "assert p.get_engine('closeout-warm') is e.WarmKernelEngine"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_papermill_command_line_runs_a_notebook_with_the_engine(tmp_path):
    """`papermill IN OUT --engine closeout-warm` parameterises, executes and records like the default engine."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": KERNEL, "display_name": "Python 3", "language": "python"}
    nb.cells = [
        nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("print(x * 2)"),
    ]
    nbformat.write(nb, tmp_path / "in.ipynb")
    papermill = Path(sys.executable).parent / "papermill"
    done = subprocess.run(
        [str(papermill), "in.ipynb", "out.ipynb", "-p", "x", "21", "--engine", "closeout-warm", "-k", KERNEL],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    out = nbformat.read(tmp_path / "out.ipynb", as_version=4)
    assert outputs(out) == ["42"]
    assert any("injected-parameters" in c.metadata.get("tags", []) for c in out.cells)
    assert out.metadata["papermill"]["parameters"] == {"x": 21}


def test_one_kernel_serves_many_notebooks_each_starting_clean(warm):
    """Notebooks after the first reuse the kernel; each sees an empty namespace and counts cells from 1."""
    pid = kernel_pid(warm)
    first = warm("leftover = 41", "x = 1", "x")
    assert [c.execution_count for c in first.cells] == [1, 2, 3]
    second = warm("print('leftover' in dir())", "import os; print(os.getpid())")
    assert outputs(second) == ["False", str(pid)]
    assert [c.execution_count for c in second.cells] == [1, 2]
    assert engine.current() is not None and engine.current().runs == 3


def test_reset_undoes_what_a_notebook_changes(warm, tmp_path):
    """Globals, env vars, cwd, sys.path, warning filters, rcParams, pandas options, display formatters and the
    project's module-level caches changed by one notebook do not reach the next one."""
    clean = outputs(warm(PROBE, CWD=str(tmp_path)))
    warm(POISON)
    assert outputs(warm(PROBE, CWD=str(tmp_path))) == clean
    assert clean == [CLEAN]


def test_project_modules_are_imported_afresh_by_each_notebook(warm):
    """Modules under fresh_modules are new objects in every notebook; other modules stay imported (warm)."""
    ids = "import analysis.present, pandas; print(id(analysis.present), id(pandas))"
    a = outputs(warm(ids))[0].split()
    b = outputs(warm(ids))[0].split()
    assert a[0] != b[0] and a[1] == b[1]


def test_a_failing_cell_gets_the_next_notebook_a_new_kernel(warm):
    """A notebook whose cell fails is recorded as failed; the next notebook runs in a newly started kernel."""
    pid = kernel_pid(warm)
    with pytest.raises(PapermillExecutionError, match="ZeroDivisionError"):
        warm("half_done = True", "1 / 0")
    assert engine.current().dirty
    after = warm("print('half_done' in dir())", "import os; print(os.getpid())")
    assert outputs(after)[0] == "False" and int(outputs(after)[1]) != pid


def test_a_kernel_that_dies_is_replaced(warm):
    """A notebook that kills its kernel fails; the next one gets a new kernel and succeeds."""
    pid = kernel_pid(warm)
    with pytest.raises(Exception, match="(?i)dead|died"):
        warm("import os; os._exit(1)")
    assert kernel_pid(warm) != pid


def test_a_kernel_killed_between_notebooks_is_replaced(warm):
    """A warm kernel that died while idle is noticed before the next notebook, which runs in a new one."""
    pid = kernel_pid(warm)
    psutil.Process(pid).kill()
    psutil.Process(pid).wait(10)
    assert kernel_pid(warm) != pid


def test_recycle_after_replaces_the_kernel_every_n_notebooks(warm):
    """With recycle_after=2 the third notebook runs in a new kernel (bounds what a long batch accumulates)."""
    pids = [int(outputs(warm("import os; print(os.getpid())", recycle_after=2))[0]) for _ in range(3)]
    assert pids[0] == pids[1] != pids[2]


def test_shutdown_leaves_no_kernel_process(warm):
    """engine.shutdown stops the kernel process and removes its sockets."""
    pid = kernel_pid(warm)
    kernel = engine.current()
    folder = kernel._ipc_dir
    engine.shutdown()
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    assert engine.current() is None
    assert folder is None or not os.path.exists(folder)


def _kernel_children() -> list[psutil.Process]:
    found = []
    for child in psutil.Process().children(recursive=True):
        try:
            if "ipykernel" in " ".join(child.cmdline()) and child.status() != psutil.STATUS_ZOMBIE:
                found.append(child)
        except psutil.Error:
            continue
    return found


@pytest.fixture(scope="module")
def alone_and_in_batch(tmp_path_factory):
    """xinjin built alone, and after overview, jinjiang and wuhou in the same warm kernel (one worker, the
    warm-kernel engine)."""
    engine.register()
    before = dict(engine.STATS)
    alone = build.build(
        SEED_REPORT, places=["xinjin"], out=tmp_path_factory.mktemp("alone"), workers=1, engine="kernel"
    )
    after_alone = dict(engine.STATS)
    batch = build.build(
        SEED_REPORT,
        places=["jinjiang", "wuhou", "xinjin"],
        out=tmp_path_factory.mktemp("batch"),
        workers=1,
        engine="kernel",
    )
    return alone, batch, before, after_alone, dict(engine.STATS)


def test_a_place_alone_and_after_others_gives_byte_identical_html(alone_and_in_batch):
    """Isolation: the page of a place does not depend on which notebooks ran before it in the kernel."""
    alone, batch, before, after_alone, after_batch = alone_and_in_batch
    assert after_batch["starts"] - after_alone["starts"] == 1, "the batch must run in one warm kernel"
    assert after_batch["runs"] - after_alone["runs"] == 4
    for name in ("xinjin.html", "overview.html"):
        assert (alone / name).read_bytes() == (batch / name).read_bytes(), name
    alone_nb = json.loads((alone / "executed" / "xinjin.ipynb").read_text(encoding="utf-8"))
    batch_nb = json.loads((batch / "executed" / "xinjin.ipynb").read_text(encoding="utf-8"))
    assert [c.get("outputs") for c in alone_nb["cells"]] == [c.get("outputs") for c in batch_nb["cells"]]
    assert [c.get("execution_count") for c in alone_nb["cells"]] == [
        c.get("execution_count") for c in batch_nb["cells"]
    ]


def test_build_stops_its_kernels(alone_and_in_batch):
    """After a build (one worker: the kernel is the build process's child) no kernel process is left."""
    assert engine.current() is None
    assert not _kernel_children()


def test_two_worker_builds_leave_no_kernel_and_match_one_worker(alone_and_in_batch, tmp_path):
    """--workers 2 builds (in-process workers, and warm-kernel workers) stop what they started and publish
    the same page bytes as one worker on a warm kernel."""
    _, batch, *_ = alone_and_in_batch
    two = build.build(SEED_REPORT, places=["jinjiang", "wuhou", "xinjin"], out=tmp_path / "a", workers=2)
    kernels = build.build(
        SEED_REPORT, places=["jinjiang", "wuhou", "xinjin"], out=tmp_path / "b", workers=2, engine="kernel"
    )
    for name in ("overview.html", "jinjiang.html", "wuhou.html", "xinjin.html", "index.html"):
        assert (two / name).read_bytes() == (batch / name).read_bytes(), name
        assert (kernels / name).read_bytes() == (batch / name).read_bytes(), name
    assert not _kernel_children()


def test_warm_imports_name_the_notebooks_imports():
    """WARM_IMPORTS covers the analysis modules the notebooks import (else their first import is not warm)."""
    for name in (build.DISTRICT_NOTEBOOK, build.OVERVIEW_NOTEBOOK):
        nb = nbformat.read(ROOT / "notebooks" / name, as_version=4)
        for cell in nb.cells:
            for line in cell.source.splitlines():
                if line.startswith("from analysis import "):
                    for module in line.removeprefix("from analysis import ").split(","):
                        assert f"analysis.{module.strip()}" in build.WARM_IMPORTS, module
                elif line.startswith("from analysis."):
                    assert line.split()[1] in build.WARM_IMPORTS, line
