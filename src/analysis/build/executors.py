"""Running the jobs: one notebook with papermill on a warm kernel (:func:`run_job`), and the local process pool.

A new executor is a function that takes the jobs and returns ``{job.name: JobResult}`` by calling
:func:`run_job` for each, wherever it runs.
"""

from __future__ import annotations

import concurrent.futures as cf
import dataclasses
import errno
import importlib
import json
import multiprocessing
import os
import re
import signal
import sys
import threading
import time
from multiprocessing import forkserver
from pathlib import Path

from analysis.build.plan import ROOT, Job, JobResult, _public
from analysis.build.render import _leaks, _one_line, render_html, scrub_text
from analysis.errors import describe_os_error
from analysis.startup import skip_unused_imports

KERNEL_NAME = "closeout-analysis"
ATTEMPTS = 3
CELL_TIMEOUT = 600

# The papermill engine: one warm kernel per worker, reset between notebooks (analysis/engine.py, imported
# when the first notebook runs: it imports papermill, which `closeout --help` does not need).
ENGINE = "closeout-warm"
# The in-process engine (analysis/inprocess.py): no kernel; used where the process runs only notebooks.
INPROCESS = "closeout-inprocess"

# Imported once per kernel or in-process shell (the notebooks import them). Modules under FRESH_MODULES would
# be imported afresh by every notebook; none are: re-importing the package cost ~20 % of a page's CPU. What a
# page could change and pass on is its data, and every page unpickles its own copy of the report
# (analysis.snapshot); the package keeps no mutable state between calls but pure caches, and the order of pages
# does not change a byte of any page (tests/test_build.py, test_isolation.py).
WARM_IMPORTS = (
    "pandas",
    "numpy",
    "matplotlib",
    "matplotlib.figure",
    "pandera.pandas",
    "IPython.display",
    "analysis.assessment",
    "analysis.checks",
    "analysis.load",
    "analysis.parameters",
    "analysis.metrics",
    "analysis.plots",
    "analysis.present",
    "analysis.assessment",
)
FRESH_MODULES: tuple[str, ...] = ()

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


def run_job(
    job: Job,
    out_dir: str,
    scratch: str,
    kernel_name: str = KERNEL_NAME,
    engine_name: str | None = None,
    env: dict[str, str] | None = None,
) -> JobResult:
    """Execute one notebook with papermill (retrying a failed kernel start) and render its HTML page.

    ``engine_name``: :data:`ENGINE` (a warm kernel per process, the default) or :data:`INPROCESS` (the cells
    run in this process, :mod:`analysis.inprocess`; the same pages). ``env``: environment variables set while
    the notebook runs (the build's snapshot file: one per report in a batch).

    A disk that is full or read-only fails the page with ``fatal`` set: the build then stops with one line."""
    saved_env = {key: os.environ.get(key) for key in env or {}}
    os.environ.update(env or {})
    try:
        return _run_job(job, out_dir, scratch, kernel_name, engine_name or ENGINE)
    except OSError as exc:
        if not _fatal(exc):
            raise
        return JobResult(job.name, "failed", f"{type(exc).__name__}: {_one_line(exc)}", "-", fatal=_fatal(exc))
    finally:
        for key, value in saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _run_job(job: Job, out_dir: str, scratch: str, kernel_name: str, engine_name: str) -> JobResult:
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    from analysis import engine, inprocess


    started = time.monotonic()
    out = Path(out_dir)
    executed = out / job.executed
    executed.parent.mkdir(parents=True, exist_ok=True)
    result = JobResult(job.name, "ok")
    engine.register()  # the entry point registers it too; this also covers a source tree not reinstalled
    inprocess.register()
    stats = dict(engine.STATS)
    for attempt in range(1, ATTEMPTS + 1):
        result.attempts = attempt
        try:
            pm.execute_notebook(
                job.notebook,
                str(executed),
                parameters=job.parameters,
                engine_name=engine_name,
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
    if executed.is_file() and not result.fatal:
        try:
            text = executed.read_text(encoding="utf-8")
        except UnicodeDecodeError:  # cut short by a failed write (a full disk): the page has failed
            text = None
            if result.status == "ok":
                result.status, result.cell, result.error = "failed", "-", "the executed notebook is incomplete"
        if text is not None:
            executed.write_text(scrub_text(text, machine, json_escaped=True), encoding="utf-8")
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
                    "--HistoryManager.enabled=False",  # the pages' cells are not the user's history
                ],
                "display_name": "closeout-analysis (build)",
                "language": "python",
                "env": {"PYTHONHASHSEED": "0", "MPLBACKEND": "agg"},
            },
            indent=1,
        ),
        encoding="utf-8",
    )


@dataclasses.dataclass(frozen=True)
class Task:
    """One job of one report, with where its outputs go and the environment its notebook needs."""

    job: Job
    out_dir: str
    scratch: str
    env: tuple[tuple[str, str], ...] = ()


def _run_task(task: Task, engine_name: str) -> JobResult:
    return _public("run_job")(task.job, task.out_dir, task.scratch, engine_name=engine_name, env=dict(task.env))


def inprocess_possible() -> bool:
    """Whether notebooks can run in this process (not when an IPython shell already runs in it)."""
    if "IPython" not in sys.modules:
        return True
    from IPython.core.interactiveshell import InteractiveShell

    from analysis import inprocess

    return not InteractiveShell.initialized() or InteractiveShell.instance() is inprocess._shell


class Executor:
    """Where the notebooks run. ``start()`` begins the warm-up (before the reports are validated),
    ``run(tasks)`` returns one JobResult per task (in order), ``close()`` stops what ``start()`` started."""

    name = "executor"
    workers = 1
    in_this_process = False  # whether notebooks run inside this process (nothing else may run beside them)

    def start(self) -> None:
        pass

    def run(self, tasks: list[Task], label: str) -> list[JobResult]:
        raise NotImplementedError

    def close(self) -> None:
        pass

    def describe(self) -> str:
        return f"{self.name}, workers {self.workers}"

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _bar(total: int, label: str):
    from tqdm import tqdm

    # a progress bar on a terminal only: a log file or a CI log gets no carriage-return updates
    return tqdm(total=total, desc=label, unit="page", file=sys.stderr, leave=False, dynamic_ncols=True, disable=None)


class InlineExecutor(Executor):
    """The notebooks one after the other in this process: in-process (no kernel) when possible, else on this
    process's warm kernel. No worker to start: ``--workers 1``, and a small build in a process that stays warm
    between builds (``closeout watch``)."""

    name = "inline"

    def __init__(self, engine_name: str | None = None):
        if engine_name in (None, INPROCESS) and not inprocess_possible():
            engine_name = ENGINE
        self.engine_name = engine_name or INPROCESS
        self.in_this_process = self.engine_name == INPROCESS

    def describe(self) -> str:
        return f"this process ({'in-process' if self.engine_name == INPROCESS else 'warm kernel'})"

    def run(self, tasks: list[Task], label: str) -> list[JobResult]:
        results, bar = [], _bar(len(tasks), label)
        try:
            for task in tasks:
                results.append(_run_task(task, self.engine_name))
                bar.set_postfix_str(task.job.name)
                bar.update()
        finally:
            bar.close()
        return results

    def close(self) -> None:
        _shutdown_kernels()  # this process's warm kernel lives as long as the executor


class PoolExecutor(Executor):
    """A pool of worker processes, started as soon as the build begins so that their warm-up (the exporter,
    the in-process shell or a kernel) overlaps the validation of the reports: forked from this process once it
    has imported what a page needs, where that is safe, else forked from a fork server that imports it in the
    background (POSIX), else spawned (:func:`_context`). Each worker keeps
    its warm state for every page it runs. A worker that dies loses only its pages' first try:
    they are run again on warm kernels (isolated) in the build process."""

    name = "local pool"

    def __init__(self, workers: int, engine_name: str | None = None):
        self.workers = workers
        self.engine_name = engine_name or INPROCESS
        self.pool = None
        self._starting: threading.Thread | None = None
        # waited on instead of joining the thread: a join() cut short by Ctrl-C marks the thread stopped
        # while it still runs (Python 3.11), and the pool it was starting would be torn down half-born
        self._start_done = threading.Event()
        self._start_error: BaseException | None = None
        self._processes: list = []  # the workers (multiprocessing children) this pool started
        self._used = False  # whether a page was handed to the workers

    def describe(self) -> str:
        how = "in-process" if self.engine_name == INPROCESS else "warm kernels"
        return f"local pool, workers {self.workers} ({how})"

    def start(self) -> None:
        """Start the workers: forked from this process at once, after it has imported what a page needs
        (:func:`_context`: where that is safe), else in the background, while the fork server imports it
        (and the build validates its reports meanwhile)."""
        if self.pool is not None or self._starting is not None:
            return
        ctx = _context()
        if ctx.get_start_method() == "fork":
            # no thread but this one may run while the workers are forked: they are forked here and now, from
            # this process once warm (the workers inherit the imports, the in-process shell, the exporter) —
            # or, for a single worker (nothing to share), at once: it imports and warms up while this process
            # validates, checks and assesses the report
            if self.workers > 1:
                importlib.import_module(PRELOAD)
                warm_up(self.engine_name)
            self._start_done.clear()
            self._starting = threading.current_thread()
            self._start_pool(ctx, {**os.environ, **WORKER_ENV})
            return
        # the workers hash strings as the kernels do (the kernel spec's PYTHONHASHSEED): the fork server is
        # started now (it forks every worker of this process) with that environment; each worker then takes
        # this process's environment as it is now, as a spawned one would
        env = {**os.environ, **WORKER_ENV}
        if ctx.get_start_method() == "forkserver":
            saved = dict(os.environ)
            os.environ.update(WORKER_ENV)
            try:
                forkserver.ensure_running()
            finally:
                os.environ.clear()
                os.environ.update(saved)
        self._start_done.clear()
        self._starting = threading.Thread(target=self._start_pool, args=(ctx, env), daemon=True,
                                          name="closeout-pool-start")
        self._starting.start()

    def _start_pool(self, ctx, env: dict) -> None:
        before = set(multiprocessing.active_children())
        try:
            pool = cf.ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=ctx,
                initializer=_pool_worker_started,
                initargs=(os.getpid(), self.engine_name, env),
            )
            for _ in range(self.workers):  # starts every worker now: each warms up in its initializer
                pool.submit(_ready)
            self._processes = [p for p in multiprocessing.active_children() if p not in before]
            self.pool = pool
        except BaseException as exc:  # noqa: BLE001 - raised by run() in the build's own thread
            self._start_error = exc
        finally:
            self._start_done.set()

    def _started(self) -> None:
        """Wait for start() to have started every worker; raise what stopped it."""
        if self._starting is None:
            self.start()
        self._start_done.wait()
        if self._start_error is not None:  # raised once; the next run() tries to start the workers again
            error, self._start_error, self._starting = self._start_error, None, None
            raise error

    def run(self, tasks: list[Task], label: str) -> list[JobResult]:
        self._started()
        results: list[JobResult | None] = [None] * len(tasks)
        lost: list[int] = []
        self._used = True
        bar = _bar(len(tasks), label)
        try:
            futures: dict = {}
            for i, task in enumerate(tasks):
                try:
                    futures[self.pool.submit(_run_task, task, self.engine_name)] = i
                except cf.BrokenExecutor:  # a worker died before this page was handed out
                    lost.append(i)
            for future in cf.as_completed(futures):
                i = futures[future]
                try:
                    results[i] = future.result()
                except cf.BrokenExecutor:
                    lost.append(i)
                except Exception as exc:  # noqa: BLE001 - a failed task fails only its page
                    results[i] = JobResult(
                        tasks[i].job.name, "failed", f"{type(exc).__name__}: {_one_line(exc)}", "worker"
                    )
                bar.set_postfix_str(tasks[i].job.name)
                bar.update()
        except BaseException:
            self.close(cancel=True)
            raise
        finally:
            bar.close()
        if lost:
            self.close(cancel=True)
            try:
                for i in sorted(lost):
                    result = _run_task(tasks[i], ENGINE)
                    result.notes.insert(0, "a worker process died; page run again on a warm kernel")
                    results[i] = result
            finally:
                _shutdown_kernels()
        return results

    def close(self, cancel: bool = False) -> None:
        """Stop the workers. ``cancel``: the build stopped (an error, Ctrl-C); workers that never got a page
        are killed rather than waited for (one forked at once may still be importing what a page needs)."""
        starting, self._starting = self._starting, None
        if starting is not None:
            self._start_done.wait()  # never tear down while a worker is being started (it would fail half-born)
        pool, self.pool = self.pool, None
        processes, self._processes = self._processes, []
        if pool is not None:
            if cancel and not self._used:
                for process in processes:
                    process.kill()
            pool.shutdown(wait=True, cancel_futures=cancel)

    def __exit__(self, exc_type, *exc) -> None:
        self.close(cancel=exc_type is not None)


# The environment of pool workers (as the kernel spec's): the same string hashing as the kernels.
WORKER_ENV = {"PYTHONHASHSEED": "0", "MPLBACKEND": "agg"}


#: Environment variable naming the workers' start method (``fork``, ``forkserver`` or ``spawn``; by default the
#: first of these that is safe here, :func:`_context`): for measuring one against another.
ENV_START_METHOD = "CLOSEOUT_START_METHOD"

#: The module the fork server imports before it forks workers (analysis/build/preload.py).
PRELOAD = "analysis.build.preload"


def _context():
    """The start method of the pool's workers. Forked from this process (which imports what a page needs,
    :mod:`analysis.build.preload`, first) where that is safe: on Linux, in a process where no other thread runs
    and no IPython shell (a Jupyter kernel, IPython): the ``closeout`` command. Else forked from a fork server
    that imports it (POSIX), else spawned (each worker imports it).

    The workers forked from this process hash strings with its hash seed, not the kernels' (PYTHONHASHSEED=0):
    the pages do not depend on it (tests/test_isolation.py builds them under two seeds)."""
    wanted = os.environ.get(ENV_START_METHOD, "")
    if wanted == "spawn":
        return multiprocessing.get_context("spawn")
    if wanted in ("", "fork") and _fork_safe():
        return multiprocessing.get_context("fork")
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload([PRELOAD])
        return ctx
    return multiprocessing.get_context("spawn")


def _fork_safe() -> bool:
    """Whether worker processes may be forked from this one: Linux (fork is not safe with macOS's system
    libraries), no other thread (it could hold a lock the children would inherit locked) and no IPython shell
    but the in-process engine's own (a kernel's sockets and event loop must not be copied)."""
    return sys.platform.startswith("linux") and threading.active_count() == 1 and not _foreign_shell()


def _foreign_shell() -> bool:
    """Whether an IPython shell other than the in-process engine's runs in this process (IPython, a kernel):
    exactly when notebooks cannot run in-process here (:func:`inprocess_possible`)."""
    return not inprocess_possible()


def _ready() -> int:
    return os.getpid()


def _pool_worker_started(parent: int, engine_name: str, env: dict | None = None) -> None:
    """A pool worker's initializer: take the build's environment, exit with the build, then warm up (a failed
    warm-up is no error: the first page then pays for it, and reports it)."""
    if env is not None and os.environ != env:
        os.environ.clear()
        os.environ.update(env)
    if signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:  # forked from the build: not its handler
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _worker_started(parent)
    warm_up(engine_name)


def warm_up(engine_name: str) -> None:
    """Import what a page needs and prepare the engine, before the first page arrives: with the in-process
    engine, also run a warm-up page (:func:`_warm_page`). Done once per process; processes forked from a warm
    one are warm."""
    skip_unused_imports()
    try:
        import papermill  # noqa: F401

        from analysis.build import render

        render._shared_exporter()
        if engine_name == INPROCESS:
            from analysis import inprocess

            inprocess.shell(WARM_IMPORTS, FRESH_MODULES)
            _warm_page()
    except Exception:  # noqa: BLE001 - a failed warm-up is no error: the first page pays for it
        pass


#: The code of the warm-up page: a section title, a paragraph and a chart with CJK text, as the pages show them.
WARM_PAGE = """\
from analysis import plots, present
present.show(present.section("overview.targets.title", lang), present.para("示例 Example 1,234"),
             present.chart(plots.described_hbar_chart(["示例社区", "Example"], [1.0, 2.5], title="示例 title",
                                                      xlabel="户", source="", lang=lang, value_texts=["1", "2.5"])))
"""
_warm = {"page": False}


def _warm_page() -> None:
    """Run one small page through papermill, the in-process engine and the page exporter, and compile the
    page-section templates: what the first page of a process would otherwise pay for once (papermill's and
    nbformat's first notebook, the schema validator, the engine's first reset, matplotlib's first chart and CJK
    font, the exporter's templates: about 0.3 s). Nothing is written; the pages that follow are the same bytes
    (tests/test_isolation.py)."""
    if _warm["page"]:
        return
    _warm["page"] = True
    import nbformat
    import papermill as pm

    from analysis import engine, inprocess
    from analysis.build import render
    from analysis.present.render import SECTIONS, environment

    engine.register()
    inprocess.register()
    params = nbformat.v4.new_code_cell('lang = "zh"', metadata={"tags": ["parameters"]})
    nb = nbformat.v4.new_notebook(cells=[params, nbformat.v4.new_code_cell(WARM_PAGE)],
                                  metadata={"kernelspec": {"name": KERNEL_NAME, "language": "python",
                                                           "display_name": KERNEL_NAME}})
    done = pm.execute_notebook(nb, None, parameters={"lang": "zh"}, engine_name=INPROCESS, kernel_name=KERNEL_NAME,
                               language="python", progress_bar=False, log_output=False,
                               request_save_on_cell_execute=False, warm_imports=WARM_IMPORTS,
                               fresh_modules=FRESH_MODULES)
    render.render_notebook(done, "warm-up", "zh")
    templates = environment()
    for name in templates.list_templates(extensions=["j2"]):
        if name.startswith(SECTIONS):
            templates.get_template(name)


def make_executor(kind: str = "local", workers: int = 1, engine: str | None = None, scheduler: str | None = None,
                  pages: int | None = None, reuse: bool = False) -> Executor:
    """The executor for ``closeout build --executor KIND``: ``local`` or ``dask`` (a dask.distributed cluster).

    ``local``: this process for one worker; a build of at most two ``pages`` (``--place ID``) on one worker
    forked at once, which imports what a page needs and warms up while this process validates the report
    (where workers are forked from this process, :func:`_context`), else in this process; anything larger on a
    pool of ``workers`` processes. ``reuse``: the executor serves one build after another (``closeout watch``):
    a small build then runs in this process, which stays warm between builds."""
    engine_name = {None: None, "auto": None, "inprocess": INPROCESS, "kernel": ENGINE}[engine]
    if kind == "dask":
        from analysis.build.dask_executor import DaskExecutor

        return DaskExecutor(scheduler=scheduler, workers=workers, engine_name=engine_name)
    if kind != "local":
        raise ValueError(kind)
    if workers <= 1:
        return InlineExecutor(engine_name)
    if pages is not None and pages <= 2:
        if reuse or _context().get_start_method() != "fork":
            return InlineExecutor(engine_name)
        return PoolExecutor(1, engine_name)
    return PoolExecutor(workers, engine_name)


def _run_all(
    jobs: list[Job], out_dir: Path, scratch: Path, workers: int, report_id: str
) -> dict[str, JobResult]:
    """The jobs of one report on the local executor (kept for callers of the one-module build)."""
    with make_executor("local", workers, pages=len(jobs)) as executor:
        results = executor.run([Task(job, str(out_dir), str(scratch)) for job in jobs], f"closeout build {report_id}")
    return {job.name: result for job, result in zip(jobs, results, strict=True)}


def _worker_started(parent: int) -> None:
    """In each worker process: stop its warm kernel when the pool shuts the worker down (multiprocessing runs
    these finalizers, not atexit, in its children), and exit with it if the build process dies (a killed build
    leaves no worker, and so no kernel, behind)."""
    from multiprocessing import util

    util.Finalize(None, _shutdown_kernels, exitpriority=100)
    threading.Thread(target=_exit_with_parent, args=(parent, os.getppid()), daemon=True,
                     name="closeout-watch").start()


def process_alive(pid: int) -> bool:
    """Whether process ``pid`` runs: it exists and has not ended (a killed build process that its own parent
    has not waited for yet is a zombie: ended, though ``kill(pid, 0)`` still finds it)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True  # no /proc here: kill() is all there is
    return state not in ("Z", "X")


def _shutdown_kernels() -> None:
    if "analysis.engine" in sys.modules:
        sys.modules["analysis.engine"].shutdown()


def _exit_with_parent(parent: int, ppid: int | None = None) -> None:
    """Exit when the build process ``parent`` ends. It is this worker's parent (spawned), or the fork server
    ``ppid`` is; the fork server waits for its workers to end before it does (each holds its end of the pipe it
    watches), so the worker watches the build process itself."""
    ppid = parent if ppid is None else ppid
    while os.getppid() == ppid and process_alive(parent):
        time.sleep(0.5)
    if "analysis.engine" in sys.modules:
        sys.modules["analysis.engine"].kill()
    os._exit(1)
