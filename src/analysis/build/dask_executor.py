"""``closeout build --executor dask [--scheduler ADDRESS]``: the pages run on a dask.distributed cluster.

With an address the build connects to that scheduler; without one it starts a ``LocalCluster`` of
``--workers`` worker processes (``processes=True``, one thread each) for the build. Every page is one Dask
task (:func:`run_page`): the worker runs the notebook with the same engine and renders the page with the same
exporter as the local executor, in a scratch folder of its own, and sends back the page and the executed
notebook as bytes, which the build writes into its temporary output folder, so the pages are the same bytes
as a local build's (``tests/test_dask.py`` compares them) and the workers need no shared output folder.

Each worker keeps its warm state between tasks and between builds: the in-process shell with the notebooks'
imports done, papermill and the nbconvert exporter (or, with ``--engine kernel``, its warm kernel), held by
the worker process (:mod:`analysis.inprocess`, :mod:`analysis.engine`), warmed up by one task per worker as
the build starts. The report's snapshot (its data and findings, validated once) is sent to the workers once
per report and cached by each worker process; the notebook files travel with the tasks.

What each worker needs (README, "Dask"): this package installed with the same versions (``pip install
closeout-analysis[dask]``), a CJK font, and the report folder at the same path as on the machine that runs
``closeout build`` (a shared file system or a copy: the notebooks check that the folder exists, then read the
snapshot's copy of the data). Start the workers with ``PYTHONHASHSEED=0`` as the kernels are.
"""

from __future__ import annotations

import atexit
import dataclasses
import hashlib
import logging
import os
import shutil
import tempfile
from pathlib import Path

from analysis import snapshot
from analysis.build.executors import (
    INPROCESS,
    WORKER_ENV,
    Executor,
    JobResult,
    Task,
    _bar,
    _kernel_spec,
    _one_line,
    run_job,
    scrub_text,
    warm_up,
)
from analysis.build.plan import ROOT
from analysis.errors import UsageError
from analysis.files import write_atomic

_worker_dir: dict[str, Path] = {}  # per worker process: its scratch folder (kernel spec, snapshots)


def _scratch() -> Path:
    """This worker process's scratch folder (removed when the process exits)."""
    if "dir" not in _worker_dir:
        folder = Path(tempfile.mkdtemp(prefix="closeout-dask-worker-"))
        _kernel_spec(folder / "jupyter")
        _worker_dir["dir"] = folder
        atexit.register(shutil.rmtree, folder, True)
    return _worker_dir["dir"]


def _snapshot_file(data: bytes) -> Path:
    """The snapshot bytes as a file of this worker process (written once per snapshot)."""
    path = _scratch() / f"snapshot-{hashlib.sha256(data).hexdigest()[:16]}.pickle"
    if not path.is_file():
        write_atomic(path, data)
    return path


def warm_worker(engine_name: str) -> int:
    """A Dask task: warm this worker up (imports, exporter, in-process shell) in the thread that runs pages."""
    os.environ.update({k: v for k, v in WORKER_ENV.items() if k != "PYTHONHASHSEED"})
    warm_up(engine_name)
    return os.getpid()


def run_page(task: Task, engine_name: str, notebook: str, data: bytes | None) -> tuple[JobResult, dict]:
    """A Dask task: one page, run in this worker's scratch; returns its result and its files as bytes
    (the page and the executed notebook, by their paths relative to the report's output folder)."""
    os.environ.update({k: v for k, v in WORKER_ENV.items() if k != "PYTHONHASHSEED"})
    scratch = _scratch()
    with tempfile.TemporaryDirectory(prefix="page-", dir=scratch) as tmp:
        work = Path(tmp)
        (work / "out").mkdir()
        (work / "cwd").mkdir()
        nb_path = work / Path(task.job.notebook).name
        nb_path.write_text(notebook, encoding="utf-8")
        job = dataclasses.replace(task.job, notebook=str(nb_path))
        env = {"JUPYTER_PATH": str(scratch / "jupyter")}
        if data is not None:
            env[snapshot.ENV] = str(_snapshot_file(data))
        result = run_job(job, str(work / "out"), str(work / "cwd"), engine_name=engine_name, env=env)
        files = {
            rel: (work / "out" / rel).read_bytes()
            for rel in (task.job.executed, task.job.html)
            if (work / "out" / rel).is_file()
        }
        if task.job.executed in files:  # the notebook's path as a local build records it
            text = files[task.job.executed].decode("utf-8")
            text = scrub_text(text, {str(nb_path): scrub_text(task.job.notebook, {str(ROOT): "<repository>"})},
                              json_escaped=True)
            files[task.job.executed] = text.encode("utf-8")
    return result, files


class DaskExecutor(Executor):
    """Pages as tasks of a dask.distributed cluster (see the module docstring)."""

    name = "dask"

    def __init__(self, scheduler: str | None = None, workers: int = 2, engine_name: str | None = None):
        self.scheduler = scheduler
        self.workers = workers
        self.engine_name = engine_name or INPROCESS
        self.client = None
        self.cluster = None
        self._warm = []

    def describe(self) -> str:
        where = f"scheduler {self.scheduler}" if self.scheduler else f"LocalCluster of {self.workers} processes"
        n = len(self.client.scheduler_info().get("workers", {})) if self.client is not None else self.workers
        how = "in-process" if self.engine_name == INPROCESS else "warm kernels"
        return f"dask ({where}), workers {n} ({how})"

    def start(self) -> None:
        try:
            from dask.distributed import Client, LocalCluster
        except ImportError as exc:
            raise UsageError(
                "--executor dask needs the dask extra: pip install 'closeout-analysis[dask]'"
            ) from exc
        if self.scheduler:
            try:
                self.client = Client(self.scheduler, timeout=10)
            except (OSError, TimeoutError) as exc:
                raise UsageError(f"cannot reach the Dask scheduler at {self.scheduler}: {_one_line(exc)}") from exc
        else:
            saved = {key: os.environ.get(key) for key in WORKER_ENV}
            os.environ.update(WORKER_ENV)  # the worker processes hash strings as the kernels do
            try:
                self.cluster = LocalCluster(
                    n_workers=self.workers,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=":0",  # a free port: never clashes with another cluster on 8787
                    host="127.0.0.1",
                    silence_logs=logging.ERROR,
                )
            finally:
                for key, value in saved.items():
                    if value is None:
                        os.environ.pop(key, None)
                    else:
                        os.environ[key] = value
            self.client = Client(self.cluster)
        workers = list(self.client.scheduler_info().get("workers", {}))
        self._warm = [
            self.client.submit(warm_worker, self.engine_name, workers=[w], allow_other_workers=False, pure=False)
            for w in workers
        ]

    def run(self, tasks: list[Task], label: str) -> list[JobResult]:
        from dask.distributed import as_completed

        if self.client is None:
            self.start()
        notebooks = {nb: Path(nb).read_text(encoding="utf-8") for nb in {t.job.notebook for t in tasks}}
        snapshots = {}
        for task in tasks:
            path = dict(task.env).get(snapshot.ENV)
            if path and path not in snapshots:
                data = Path(path).read_bytes() if Path(path).is_file() else None
                snapshots[path] = self.client.scatter(data, broadcast=True) if data is not None else None
        futures = {}
        for i, task in enumerate(tasks):
            data = snapshots.get(dict(task.env).get(snapshot.ENV))
            future = self.client.submit(
                run_page, task, self.engine_name, notebooks[task.job.notebook], data, pure=False,
                key=f"closeout-page-{i}-{task.job.name}-{os.getpid()}-{id(tasks)}",
            )
            futures[future] = i
        results: list[JobResult | None] = [None] * len(tasks)
        bar = _bar(len(tasks), label)
        try:
            for future in as_completed(futures):
                i = futures[future]
                task = tasks[i]
                try:
                    result, files = future.result()
                    for rel, content in files.items():
                        target = Path(task.out_dir) / rel
                        target.parent.mkdir(parents=True, exist_ok=True)
                        target.write_bytes(content)
                except OSError:
                    raise
                except Exception as exc:  # noqa: BLE001 - a lost worker or task fails only its page
                    result = JobResult(task.job.name, "failed", f"{type(exc).__name__}: {_one_line(exc)}", "worker")
                results[i] = result
                bar.set_postfix_str(task.job.name)
                bar.update()
        except BaseException:
            for future in futures:
                future.cancel()
            raise
        finally:
            bar.close()
        return results

    def close(self) -> None:
        client, cluster, self.client, self.cluster = self.client, self.cluster, None, None
        self._warm = []
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()

