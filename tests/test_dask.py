"""`closeout build --executor dask`: the pages run on a dask.distributed LocalCluster, byte for byte as locally."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis import build
from analysis.cli import main
from conftest import SEED_REPORT

pytest.importorskip("dask.distributed")

PLACES = ["jinjiang", "qingyang"]


def published(folder: Path) -> dict[str, bytes]:
    """Every file that must not vary between builds (not the log, not the executed notebooks)."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != "build-log.txt" and "executed" not in p.parts
    }


@pytest.fixture(scope="module")
def local_and_dask(tmp_path_factory):
    local = build.build(SEED_REPORT, places=PLACES, out=tmp_path_factory.mktemp("local"), workers=1)
    dask = build.build(
        SEED_REPORT, places=PLACES, out=tmp_path_factory.mktemp("dask"), workers=2, executor="dask"
    )
    return local, dask


def test_dask_build_is_byte_identical_to_the_local_build(local_and_dask):
    """A build on a 2-worker LocalCluster publishes the same bytes (pages, index, CSVs, manifest) as a local one."""
    local, dask = local_and_dask
    mine, theirs = published(local), published(dask)
    assert sorted(mine) == sorted(theirs)
    for name in mine:
        assert mine[name] == theirs[name], name


def test_dask_build_says_where_it_ran_and_keeps_the_executed_notebooks(local_and_dask):
    """The log names the Dask executor and its workers; the executed notebooks come back from the workers."""
    _, dask = local_and_dask
    log = (dask / "build-log.txt").read_text(encoding="utf-8")
    assert "dask (LocalCluster of 2 processes), workers 2" in log
    for name in ("overview", *PLACES):
        assert (dask / "executed" / f"{name}.ipynb").is_file(), name
        text = (dask / "executed" / f"{name}.ipynb").read_text(encoding="utf-8")
        assert "closeout-dask-worker" not in text  # no path of the worker's scratch


def test_scheduler_without_dask_executor_is_refused(tmp_path):
    """--scheduler means nothing without --executor dask: a one-line usage error, exit 2."""
    assert main(["build", str(SEED_REPORT), "--scheduler", "tcp://127.0.0.1:1", "--out", str(tmp_path)]) == 2


def test_unreachable_scheduler_is_a_usage_error(tmp_path, capsys):
    """A scheduler address nobody listens on: one line naming it, no traceback, nothing written."""
    code = main(["build", str(SEED_REPORT), "--executor", "dask", "--scheduler", "tcp://127.0.0.1:9",
                 "--out", str(tmp_path / "out")])
    assert code == 2
    err = capsys.readouterr().err
    assert "tcp://127.0.0.1:9" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_a_cell_that_runs_too_long_fails_on_a_dask_worker(tmp_path):
    """A Dask worker runs its tasks in a thread, where no timer signal can stop a cell: the in-process engine's
    time limit still fails a cell that loops (CellTimeoutError), and the worker runs the next task."""
    import papermill as pm
    from dask.distributed import Client, LocalCluster
    from papermill.exceptions import PapermillExecutionError

    from analysis import inprocess
    from test_engine import KERNEL, write_notebook

    looping = write_notebook(tmp_path / "loop.ipynb", ["x = 1", "while True:\n    x += 1"])
    quick = write_notebook(tmp_path / "quick.ipynb", ["print('after')"])
    options = dict(engine_name=inprocess.ENGINE_NAME, kernel_name=KERNEL, progress_bar=False,
                   request_save_on_cell_execute=False, cwd=str(tmp_path))
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=":0",
                      host="127.0.0.1") as cluster, Client(cluster) as client:
        future = client.submit(pm.execute_notebook, str(looping), str(tmp_path / "loop.out.ipynb"),
                               execution_timeout=1, pure=False, **options)
        with pytest.raises(PapermillExecutionError) as caught:
            future.result(timeout=60)
        after = client.submit(pm.execute_notebook, str(quick), str(tmp_path / "quick.out.ipynb"),
                              execution_timeout=5, pure=False, **options).result(timeout=60)
    assert caught.value.ename == "CellTimeoutError" and caught.value.exec_count == 2
    assert after.cells[0].outputs[0]["text"] == "after\n"
