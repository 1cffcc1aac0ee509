"""Running the jobs: one notebook with papermill on a warm kernel (:func:`run_job`), and the local process pool.

A new executor is a function that takes the jobs and returns ``{job.name: JobResult}`` by calling
:func:`run_job` for each, wherever it runs.
"""

from __future__ import annotations

import concurrent.futures as cf
import errno
import json
import multiprocessing
import os
import re
import sys
import threading
import time
from pathlib import Path

from analysis.build.plan import ROOT, Job, JobResult, _public
from analysis.build.render import _leaks, _one_line, render_html, scrub_text
from analysis.errors import describe_os_error

KERNEL_NAME = "closeout-analysis"
ATTEMPTS = 3
CELL_TIMEOUT = 600

# The papermill engine: one warm kernel per worker, reset between notebooks (analysis/engine.py, imported
# when the first notebook runs: it imports papermill, which `closeout --help` does not need).
ENGINE = "closeout-warm"

# Imported once per kernel (the notebooks import them); the ones under FRESH_MODULES are imported afresh by
# every notebook, so no module-level state of the package (caches, globals) passes from one page to the next.
WARM_IMPORTS = (
    "pandas",
    "numpy",
    "matplotlib",
    "matplotlib.figure",
    "pandera.pandas",
    "IPython.display",
    "analysis.checks",
    "analysis.load",
    "analysis.parameters",
    "analysis.metrics",
    "analysis.plots",
    "analysis.present",
    "analysis.assessment",
)
FRESH_MODULES = ("analysis",)

# Failures of a kernel *start* that papermill/jupyter_client hit when several kernels start at once.
_KERNEL_START_FAILURES = re.compile(
    r"Kernel died before replying to kernel_info|Address already in use|ZMQError|Kernel didn't respond|"
    r"kernel_info|Kernel died|DeadKernelError|Timeout waiting for|connection file|KernelStartError",
    re.IGNORECASE,
)


def _is_kernel_start_failure(exc: BaseException) -> bool:
    return bool(_KERNEL_START_FAILURES.search(f"{type(exc).__name__}: {exc}"))


#: OS errors that stop the whole build (every other page would hit them too): the build reports one line.
FATAL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS})


def _fatal(exc: BaseException) -> str:
    """One line for an OS error that stops the build, else ''."""
    if isinstance(exc, OSError) and exc.errno in FATAL_ERRNOS:
        return describe_os_error(exc, "write")
    return ""


def run_job(job: Job, out_dir: str, scratch: str, kernel_name: str = KERNEL_NAME) -> JobResult:
    """Execute one notebook with papermill (retrying a failed kernel start) and render its HTML page.

    A disk that is full or read-only fails the page with ``fatal`` set: the build then stops with one line."""
    try:
        return _run_job(job, out_dir, scratch, kernel_name)
    except OSError as exc:
        if not _fatal(exc):
            raise
        return JobResult(job.name, "failed", f"{type(exc).__name__}: {_one_line(exc)}", "-", fatal=_fatal(exc))


def _run_job(job: Job, out_dir: str, scratch: str, kernel_name: str) -> JobResult:
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    from analysis import engine

    started = time.monotonic()
    out = Path(out_dir)
    executed = out / job.executed
    executed.parent.mkdir(parents=True, exist_ok=True)
    result = JobResult(job.name, "ok")
    engine.register()  # the entry point registers it too; this also covers a source tree not reinstalled
    stats = dict(engine.STATS)
    for attempt in range(1, ATTEMPTS + 1):
        result.attempts = attempt
        try:
            pm.execute_notebook(
                job.notebook,
                str(executed),
                parameters=job.parameters,
                engine_name=ENGINE,
                kernel_name=kernel_name,
                language="python",
                progress_bar=False,
                log_output=False,
                request_save_on_cell_execute=False,
                cwd=scratch,
                start_timeout=120,
                execution_timeout=CELL_TIMEOUT,
                warm_imports=WARM_IMPORTS,
                fresh_modules=FRESH_MODULES,
            )
            break
        except PapermillExecutionError as exc:
            first = next((line for line in str(exc.source).splitlines() if line.strip()), "")
            result.status, result.cell = "failed", f"cell In [{exc.exec_count}] ({first.strip()[:60]})"
            result.error = f"{exc.ename}: {_one_line(exc.evalue)}"
            break
        except Exception as exc:  # noqa: BLE001 - any failure of one page must not stop the others
            if _is_kernel_start_failure(exc) and attempt < ATTEMPTS:
                result.notes.append(
                    f"attempt {attempt}: kernel start failed ({type(exc).__name__}: "
                    f"{_one_line(str(exc))}); retrying"
                )
                time.sleep(0.5 * attempt)
                continue
            result.status, result.cell = "failed", "kernel start" if _is_kernel_start_failure(exc) else "-"
            result.error = f"{type(exc).__name__}: {_one_line(str(exc))}"
            result.fatal = _fatal(exc)
            break
    for key, note in (
        ("starts", "warm kernel started"),
        ("restarts", "warm kernel replaced (the previous one failed, died or was dirty)"),
        ("reset_failures", "warm kernel reset failed; kernel replaced"),
    ):
        if engine.STATS[key] > stats[key]:
            result.notes.append(f"{note} ({engine.STATS[key] - stats[key]}x)")
    report_dir = str(job.parameters.get("report_dir", ""))
    machine = {
        report_dir: f"<{Path(report_dir).name}>",
        str(ROOT): "<repository>",
        out_dir: "<out>",
        scratch: "<scratch>",
        sys.prefix: "<python>",
        str(Path.home()): "~",
    }
    result.error = scrub_text(result.error, machine)
    if executed.is_file():
        executed.write_text(scrub_text(executed.read_text(encoding="utf-8"), machine, json_escaped=True),
                            encoding="utf-8")
    if result.status == "ok":
        try:
            page, notes = render_html(executed, job.title, job.lang)
            result.notes += notes
            problem = _leaks(page, [out_dir, scratch, job.parameters.get("report_dir", ""), str(Path.home())])
            if problem:
                raise ValueError(problem)
            (out / job.html).write_text(page, encoding="utf-8")
        except Exception as exc:  # noqa: BLE001
            result.status, result.cell, result.error = (
                "failed",
                "html",
                f"{type(exc).__name__}: {_one_line(str(exc))}",
            )
            result.fatal = _fatal(exc)
    result.seconds = time.monotonic() - started
    return result


def _kernel_spec(folder: Path) -> None:
    """A kernel spec for this interpreter (the one with ``analysis`` installed), found via JUPYTER_PATH."""
    spec = folder / "kernels" / KERNEL_NAME
    spec.mkdir(parents=True, exist_ok=True)
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [
                    sys.executable,
                    "-m",
                    "ipykernel_launcher",
                    "-f",
                    "{connection_file}",
                    "--IPKernelApp.log_level=CRITICAL",
                ],
                "display_name": "closeout-analysis (build)",
                "language": "python",
                "env": {"PYTHONHASHSEED": "0", "MPLBACKEND": "agg"},
            },
            indent=1,
        ),
        encoding="utf-8",
    )


def _run_all(
    jobs: list[Job], out_dir: Path, scratch: Path, workers: int, report_id: str
) -> dict[str, JobResult]:
    from tqdm import tqdm

    run_job = _public("run_job")
    results: dict[str, JobResult] = {}
    bar = tqdm(
        total=len(jobs),
        desc=f"closeout build {report_id}",
        unit="page",
        file=sys.stderr,
        leave=False,
        dynamic_ncols=True,
    )
    try:
        if workers <= 1 or len(jobs) <= 1:
            try:
                for job in jobs:
                    results[job.name] = run_job(job, str(out_dir), str(scratch))
                    bar.set_postfix_str(job.name)
                    bar.update()
            finally:
                _shutdown_kernels()  # this process's warm kernel lives as long as the build
        else:
            ctx = multiprocessing.get_context("spawn")
            pool = cf.ProcessPoolExecutor(
                max_workers=min(workers, len(jobs)),
                mp_context=ctx,
                initializer=_worker_started,
                initargs=(os.getpid(),),
            )
            try:
                futures = {pool.submit(run_job, job, str(out_dir), str(scratch)): job for job in jobs}
                for future in cf.as_completed(futures):
                    job = futures[future]
                    try:
                        results[job.name] = future.result()
                    except Exception as exc:  # noqa: BLE001 - a crashed worker fails only its page
                        results[job.name] = JobResult(
                            job.name, "failed", f"{type(exc).__name__}: {_one_line(exc)}", "worker"
                        )
                    bar.set_postfix_str(job.name)
                    bar.update()
            except BaseException:
                pool.shutdown(wait=True, cancel_futures=True)
                raise
            pool.shutdown(wait=True)
    finally:
        bar.close()
    return results


def _worker_started(parent: int) -> None:
    """In each worker process: stop its warm kernel when the pool shuts the worker down (multiprocessing runs
    these finalizers, not atexit, in its children), and exit with it if the build process dies (a killed build
    leaves no worker, and so no kernel, behind)."""
    from multiprocessing import util

    util.Finalize(None, _shutdown_kernels, exitpriority=100)
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True, name="closeout-watch").start()


def _shutdown_kernels() -> None:
    if "analysis.engine" in sys.modules:
        sys.modules["analysis.engine"].shutdown()


def _exit_with_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    if "analysis.engine" in sys.modules:
        sys.modules["analysis.engine"].kill()
    os._exit(1)
