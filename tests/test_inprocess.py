"""The in-process papermill engine: the same outputs as a kernel, reset between notebooks, the process intact."""

from __future__ import annotations

import os
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import papermill as pm
import pytest
from papermill.exceptions import PapermillExecutionError

from analysis import build, inprocess
from conftest import SEED_REPORT
from test_engine import CLEAN, POISON, PROBE, outputs, write_notebook

KERNEL = "python3"


@pytest.fixture
def run(tmp_path, monkeypatch):
    """Run notebooks in this process with the in-process engine (in ``tmp_path``)."""
    monkeypatch.chdir(tmp_path)
    inprocess.register()
    counter = iter(range(1000))

    def execute(*sources: str, fresh=("analysis",), imports=("pandas", "matplotlib"), **params):
        path = write_notebook(tmp_path / f"nb{next(counter)}.ipynb", sources, params)
        return pm.execute_notebook(
            str(path),
            str(path.with_suffix(".out.ipynb")),
            parameters=params or None,
            engine_name=inprocess.ENGINE_NAME,
            kernel_name=KERNEL,
            progress_bar=False,
            request_save_on_cell_execute=False,
            warm_imports=imports,
            fresh_modules=fresh,
        )

    return execute


def test_engine_is_registered_through_the_entry_point():
    """pyproject declares the in-process engine under papermill.engine beside the warm-kernel one."""
    points = {ep.name: ep.value for ep in metadata.entry_points(group="papermill.engine")}
    assert points.get("closeout-inprocess") == "analysis.inprocess:InProcessEngine"
    assert build.INPROCESS == inprocess.ENGINE_NAME


def test_outputs_are_recorded_as_a_kernel_reports_them(run):
    """print → one stream output (writes joined), display → display_data, last expression → execute_result."""
    nb = run("print('a'); print('b')", "from IPython.display import HTML, display; display(HTML('<b>x</b>'))",
             "1 + 1")
    first, second, third = (c.outputs for c in nb.cells)
    assert [(o.output_type, o.name, o.text) for o in first] == [("stream", "stdout", "a\nb\n")]
    assert second[0].output_type == "display_data"
    assert second[0].data == {"text/html": "<b>x</b>", "text/plain": "<IPython.core.display.HTML object>"}
    assert third[0].output_type == "execute_result" and third[0].data == {"text/plain": "2"}
    assert [c.execution_count for c in nb.cells] == [1, 2, 3]


def test_each_notebook_starts_clean_and_the_process_is_left_as_it_was(run, tmp_path):
    """Globals, env vars, cwd, sys.path, warning filters, rcParams, pandas options, display formatters and the
    project's module-level caches changed by one notebook do not reach the next one, nor the process."""
    clean = outputs(run(PROBE, CWD=str(tmp_path)))
    main, stdout, path = sys.modules["__main__"], sys.stdout, list(sys.path)
    run(POISON)
    assert outputs(run(PROBE, CWD=str(tmp_path))) == clean
    assert clean == [CLEAN]
    assert sys.modules["__main__"] is main and sys.stdout is stdout and sys.path == path
    assert "CLOSEOUT_POISON" not in __import__("os").environ


def test_rcparams_are_put_back_when_matplotlib_came_after_the_shell(tmp_path):
    """A shell warmed before matplotlib was imported (no warm imports) still puts matplotlib's rcParams back
    between notebooks: a notebook that changes the font size does not change the next one's (checked in a fresh
    process, where nothing has imported matplotlib yet)."""
    code = f"""
import sys
import papermill as pm
from analysis import inprocess
from test_engine import KERNEL, outputs, write_notebook
assert "matplotlib" not in sys.modules
inprocess.register()
def run(name, source):
    path = write_notebook(tmp / f"{{name}}.ipynb", [source])
    return outputs(pm.execute_notebook(str(path), str(tmp / f"{{name}}.out.ipynb"), engine_name=inprocess.ENGINE_NAME,
                                       kernel_name=KERNEL, progress_bar=False, request_save_on_cell_execute=False,
                                       warm_imports=(), fresh_modules=()))
import pathlib
tmp = pathlib.Path({str(tmp_path)!r})
run("a", "print(1)")
run("b", "import matplotlib; matplotlib.rcParams['font.size'] = 31")
print(run("c", "import matplotlib; print(matplotlib.rcParams['font.size'])")[0].strip())
"""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(Path(__file__).parent), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "10.0"


def test_project_modules_are_imported_afresh_but_the_build_keeps_its_own(run):
    """Modules under fresh_modules are new objects in every notebook; the build's own modules stay put."""
    ids = "import analysis.present, pandas; print(id(analysis.present), id(pandas))"
    a = outputs(run(ids))[0].split()
    b = outputs(run(ids))[0].split()
    assert a[0] != b[0] and a[1] == b[1]
    assert sys.modules["analysis.build"] is build and sys.modules["analysis.inprocess"] is inprocess


def test_a_build_keeps_the_project_modules_and_its_shared_caches_cannot_be_changed(run):
    """A build runs its notebooks with no fresh modules (the package stays imported): the label cache its
    pages share is read-only, so no page can change the words of the next one."""
    ids = "import analysis.present; print(id(analysis.present))"
    assert outputs(run(ids, fresh=build.FRESH_MODULES)) == outputs(run(ids, fresh=build.FRESH_MODULES))
    with pytest.raises(PapermillExecutionError, match="TypeError"):
        run("from analysis import present\npresent.labels()['poison'] = {'zh': 'x', 'en': 'x'}", fresh=())
    with pytest.raises(PapermillExecutionError, match="TypeError"):
        run("from analysis import present\npresent.labels()['status.not_reported']['zh'] = 'x'", fresh=())
    assert outputs(run("from analysis import present\nprint(present.t('status.not_reported', 'zh'))",
                       fresh=())) == ["未报告"]


def test_a_failing_cell_is_recorded_and_the_next_notebook_runs(run):
    """A cell error stops its notebook (papermill raises with the cell); the next notebook runs normally."""
    with pytest.raises(PapermillExecutionError, match="ZeroDivisionError"):
        run("x = 1", "1 / 0", "print('not reached')")
    assert outputs(run("print('after')")) == ["after"]


def test_a_cell_that_runs_too_long_fails_and_the_next_notebook_runs(tmp_path, monkeypatch):
    """papermill's execution_timeout stops a cell of the in-process engine (main thread): the notebook fails at
    that cell with CellTimeoutError, the timer is gone and the next notebook runs normally."""
    import signal
    import time

    monkeypatch.chdir(tmp_path)
    inprocess.register()
    handler = signal.getsignal(signal.SIGALRM)
    path = write_notebook(tmp_path / "slow.ipynb", ["x = 1", "import time\ntime.sleep(30)", "print('not reached')"], {})
    started = time.monotonic()
    with pytest.raises(PapermillExecutionError, match="CellTimeoutError") as caught:
        pm.execute_notebook(str(path), str(tmp_path / "slow.out.ipynb"), engine_name=inprocess.ENGINE_NAME,
                            kernel_name=KERNEL, progress_bar=False, request_save_on_cell_execute=False,
                            execution_timeout=1)
    assert time.monotonic() - started < 15
    assert caught.value.exec_count == 2
    assert signal.getsignal(signal.SIGALRM) is handler and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    path = write_notebook(tmp_path / "next.ipynb", ["import time\ntime.sleep(1.5)", "print('after')"], {})
    done = pm.execute_notebook(str(path), str(tmp_path / "next.out.ipynb"), engine_name=inprocess.ENGINE_NAME,
                               kernel_name=KERNEL, progress_bar=False, request_save_on_cell_execute=False,
                               execution_timeout=5)
    assert outputs(done) == ["after"]


def test_a_cell_that_runs_too_long_fails_in_a_worker_thread_too(tmp_path, monkeypatch):
    """Outside the main thread (a Dask worker runs its tasks in a thread) the time limit holds as well: the
    cell that loops fails with CellTimeoutError and its message, and the thread runs the next notebook."""
    import threading
    import time

    monkeypatch.chdir(tmp_path)
    inprocess.register()
    looping = write_notebook(tmp_path / "loop.ipynb", ["x = 1", "while True:\n    x += 1", "print('no')"], {})
    after = write_notebook(tmp_path / "after.ipynb", ["print('after')"], {})
    seen: dict = {}

    def pages():
        started = time.monotonic()
        try:
            pm.execute_notebook(str(looping), str(tmp_path / "loop.out.ipynb"), engine_name=inprocess.ENGINE_NAME,
                                kernel_name=KERNEL, progress_bar=False, request_save_on_cell_execute=False,
                                execution_timeout=1)
        except PapermillExecutionError as exc:
            seen["error"], seen["seconds"] = exc, time.monotonic() - started
        done = pm.execute_notebook(str(after), str(tmp_path / "after.out.ipynb"), engine_name=inprocess.ENGINE_NAME,
                                   kernel_name=KERNEL, progress_bar=False, request_save_on_cell_execute=False,
                                   execution_timeout=5)
        seen["after"] = outputs(done)

    thread = threading.Thread(target=pages)
    thread.start()
    thread.join(60)
    assert not thread.is_alive()
    error = seen["error"]
    assert error.ename == "CellTimeoutError" and "more than 1 s" in error.evalue and error.exec_count == 2
    assert seen["seconds"] < 15
    assert seen["after"] == ["after"]


def test_a_thread_time_limit_never_fires_after_its_block():
    """Many short limits in a thread, their blocks ending before or after the limit: the exception is raised
    inside the block or not at all, never in the code that follows (a timer left running would raise there)."""
    import threading
    import time

    escaped, inside = [], []

    def many():
        for i in range(300):
            try:
                with inprocess._time_limit(0.004):  # blocks from 1 to 15 ms: some end before, some after it
                    end = time.perf_counter() + 0.001 * (1 + i % 15)
                    while time.perf_counter() < end:
                        pass
            except inprocess.CellTimeoutError:
                inside.append(1)
            try:
                end = time.perf_counter() + 0.01  # past the timer: a pending exception would surface here
                while time.perf_counter() < end:
                    pass
            except inprocess.CellTimeoutError:
                escaped.append(1)

    thread = threading.Thread(target=many)
    thread.start()
    thread.join(60)
    assert not escaped
    assert inside  # the limit did fire inside some of the blocks


def test_inprocess_pages_equal_warm_kernel_pages(tmp_path):
    """The same places built in this process (in-process engine) and on a warm kernel: the same bytes."""
    places = ["jinjiang", "xinjin"]
    a = build.build(SEED_REPORT, places=places, out=tmp_path / "a", workers=1, engine="inprocess")
    b = build.build(SEED_REPORT, places=places, out=tmp_path / "b", workers=1, engine="kernel")
    for name in ("index.html", "overview.html", "jinjiang.html", "xinjin.html", "metrics.csv", "findings.csv"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    assert "in-process" in (a / "build-log.txt").read_text(encoding="utf-8")
    assert "warm kernel" in (b / "build-log.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("engine", ["inprocess", "kernel"])
def test_a_build_writes_nothing_to_the_users_ipython_history(tmp_path, engine):
    """Neither engine stores the pages' cells in the IPython history database of the user (IPYTHONDIR)."""
    ipython_dir = tmp_path / "ipython"
    env = {**os.environ, "IPYTHONDIR": str(ipython_dir)}
    done = subprocess.run(
        [sys.executable, "-m", "analysis", "build", str(SEED_REPORT), "--place", "jinjiang", "--out",
         str(tmp_path / "out"), "--engine", engine],
        env=env, capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert not list(ipython_dir.rglob("history.sqlite"))
