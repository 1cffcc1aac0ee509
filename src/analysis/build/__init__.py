"""``closeout build``: run the notebooks with papermill and render offline HTML pages, index and manifest.

One job per module: :mod:`~analysis.build.plan` (what runs), :mod:`~analysis.build.executors` (where it
runs), :mod:`~analysis.build.render` (notebook to page), :mod:`~analysis.build.publish` (index, CSVs,
manifest, atomic output). This module puts them together (:func:`build`) and adds the command line.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import os
import shutil
import signal
import tempfile
import threading
import time
from pathlib import Path

from analysis import present, snapshot
from analysis.build import outdir
from analysis.build.executors import (
    ATTEMPTS,
    CELL_TIMEOUT,
    ENGINE,
    FRESH_MODULES,
    INPROCESS,
    KERNEL_NAME,
    WARM_IMPORTS,
    Executor,
    Task,
    _exit_with_parent,
    _is_kernel_start_failure,
    _kernel_spec,
    _run_all,
    _shutdown_kernels,
    _worker_started,
    make_executor,
    run_job,
)
from analysis.build.plan import (
    DEFAULT_OUT,
    DISTRICT_NOTEBOOK,
    NOTEBOOKS,
    OVERVIEW_NOTEBOOK,
    ROOT,
    Job,
    JobResult,
    notebook_parameters,
    plan,
)
from analysis.build.publish import (
    VERSIONED,
    _owner_alive,
    _replace,
    assess_once,
    data_files,
    headlines,
    index_page,
    manifest,
    metrics_frame,
    publish_site,
    recover,
    report_products,
    run_checks_once,
    versions,
    write_csv,
)
from analysis.build.render import (
    REMOVE_TAGS,
    TEMPLATE_NAME,
    _leaks,
    _one_line,
    _tidy,
    clean_notebook,
    exporter,
    render_html,
    scrub_text,
)
from analysis.errors import BuildError, CloseoutError, OutputError, UsageError, describe_os_error

__all__ = [
    "INPROCESS",
    "Executor",
    "Batch",
    "BatchFailures",
    "Prepared",
    "Task",
    "build_many",
    "expand_reports",
    "finish",
    "make_executor",
    "prepare",
    "ATTEMPTS",
    "CELL_TIMEOUT",
    "DEFAULT_OUT",
    "DEFAULT_REPORT",
    "DISTRICT_NOTEBOOK",
    "ENGINE",
    "FRESH_MODULES",
    "KERNEL_NAME",
    "NOTEBOOKS",
    "OVERVIEW_NOTEBOOK",
    "REMOVE_TAGS",
    "ROOT",
    "TEMPLATE_NAME",
    "VERSIONED",
    "WARM_IMPORTS",
    "Job",
    "JobResult",
    "NotebookFailures",
    "build",
    "clean_notebook",
    "cmd_build",
    "data_files",
    "exporter",
    "headlines",
    "index_page",
    "publish_site",
    "manifest",
    "metrics_frame",
    "notebook_parameters",
    "plan",
    "recover",
    "register_cli",
    "render_html",
    "report_products",
    "run_checks_once",
    "assess_once",
    "run_job",
    "scrub_text",
    "versions",
    "write_csv",
    "_exit_with_parent",
    "_is_kernel_start_failure",
    "_kernel_spec",
    "_leaks",
    "_one_line",
    "_owner_alive",
    "_replace",
    "_run_all",
    "_shutdown_kernels",
    "_tidy",
    "_worker_started",
]

class NotebookFailures(BuildError):
    """Some notebooks failed; the others were built. One line per failure: page, cell, error."""

    def __init__(self, failures: list[str], where: str = ""):
        self.failures = list(failures)
        self.where = where  # where the partial output went, when it did not replace the previous one
        super().__init__(f"{len(self.failures)} notebook(s) failed: " + "; ".join(self.failures))

    def lines(self) -> list[str]:
        head = f"{len(self.failures)} notebook(s) failed (the other pages were built):"
        return [head, *self.failures, *([self.where] if self.where else [])]


class _Background:
    """A function run in a daemon thread (an interrupted build does not wait for it); result() re-raises."""

    def __init__(self, fn, *args):
        self._value, self._error = None, None
        self._thread = threading.Thread(target=self._run, args=(fn, *args), daemon=True, name="closeout-index")
        self._thread.start()

    def _run(self, fn, *args):
        try:
            self._value = fn(*args)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller
            self._error = exc

    def wait(self) -> None:
        self._thread.join()

    def result(self):
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._value


@dataclasses.dataclass
class Prepared:
    """One report checked and ready to run: its jobs, its temporary output folder (with the scratch: kernel
    spec, snapshot) and the index/CSV/manifest products being computed alongside the notebooks."""

    report: object
    report_path: Path
    jobs: list[Job]
    places: list[str] | None
    lang: str
    profile: str
    out: Path
    final: Path
    partial_dir: Path
    tmp: Path
    scratch: Path
    products: _Background
    started: float

    def tasks(self) -> list[Task]:
        """The report's jobs as executor tasks; each notebook reads this report's snapshot."""
        env = (
            (snapshot.ENV, str(self.scratch / "snapshot.pickle")),
            ("JUPYTER_PATH", os.pathsep.join(filter(None, [str(self.scratch / "jupyter"), _JUPYTER_PATH]))),
        )
        return [Task(job, str(self.tmp), str(self.scratch), env) for job in self.jobs]


_JUPYTER_PATH = os.environ.get("JUPYTER_PATH")  # as the process started (each report adds its kernel spec)


def _os_error(exc: OSError, out: Path) -> OutputError:
    if exc.filename is None:
        exc.filename = str(out)
    return OutputError(describe_os_error(exc, "write"))


def prepare(
    report_dir: str | Path, *, places: list[str] | None, out: str | Path, lang: str, profile: str | None
) -> Prepared:
    """Load, validate and plan one report, check its output folder, and make its temporary folder with the
    snapshot of its data and findings; raises (UsageError, ValidationError, FontMissingError, OutputError)
    before anything runs, leaving nothing behind."""
    from analysis.load import load_report
    from analysis.plots import cjk_font

    started = time.monotonic()
    report_path = Path(report_dir).resolve()
    report = load_report(report_path)
    profile = present.check_profile(profile)
    jobs = plan(report, report_path, places, lang, profile)
    cjk_font()  # a missing CJK font fails here, before any kernel starts

    out = Path(out)
    outdir.check_out_dir(out, report_path, ROOT)
    final, partial_dir = out / report.id, outdir.partial_path(out, report.id)
    outdir.check_replaceable(final, report.id)
    outdir.check_replaceable(partial_dir, report.id)
    try:
        out.mkdir(parents=True, exist_ok=True)
        recover(out, report.id)
        tmp = Path(tempfile.mkdtemp(prefix=f".{report.id}.building-{os.getpid()}-", dir=out))
    except OSError as exc:
        raise _os_error(exc, out) from exc
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o777 & ~umask)  # mkdtemp makes it private; the published folder follows the umask
        # The scratch (kernel spec, snapshot, the kernels' working directory) lives inside the temporary
        # folder: a killed build leaves nothing in the system temp folder, and the next build's recover()
        # removes both.
        scratch = tmp.resolve() / ".scratch"  # absolute: papermill runs each notebook from inside it
        _kernel_spec(scratch / "jupyter")
        (tmp / "executed").mkdir()
        checked = run_checks_once(report, profile)
        findings = {profile: checked["findings"]} if checked["findings"] is not None else {}
        checked["assessment"] = assess_once(report, profile, findings.get(profile))
        assessed = {profile: checked["assessment"][0]} if checked["assessment"][0] is not None else {}
        snapshot.write(scratch / "snapshot.pickle", report, findings, assessed)
        products = _Background(report_products, report, jobs, lang, profile, checked)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise _os_error(exc, out) from exc
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return Prepared(report, report_path, jobs, places, lang, profile, out, final, partial_dir, tmp, scratch,
                    products, started)


def finish(
    p: Prepared, results: dict[str, JobResult], *, partial: bool, how: str, notebooks_seconds: float
) -> Path:
    """Write the index, CSVs, manifest and log of a report whose notebooks ran, and publish it atomically;
    returns the published folder. Raises OutputError (a fatal OS error), NotebookFailures (failed pages)."""
    report, jobs, tmp, final = p.report, p.jobs, p.tmp, p.final
    published = final
    try:
        fatal = next((r.fatal for r in results.values() if r.fatal), "")
        if fatal:
            raise OutputError(fatal)
        waited = time.monotonic()
        made = p.products.result()
        waited = time.monotonic() - waited
        lines, notes = made["headlines"]
        publish_site(tmp, report, jobs, results, made, p.lang)
        write_csv(made["metrics"], tmp / "metrics.csv")
        if made["findings_error"] is not None:
            raise made["findings_error"]
        write_csv(made["findings"], tmp / "findings.csv")
        (tmp / "manifest.json").write_text(
            manifest(
                report,
                jobs,
                results,
                p.lang,
                p.profile,
                p.places,
                files=made["files"],
                package_versions=made["versions"],
            ),
            encoding="utf-8",
        )
        log = [
            (
                f"closeout build {report.id}: {len(jobs)} notebook(s), {how}, "
                f"{time.monotonic() - p.started:.1f} s (notebooks {notebooks_seconds:.1f} s; index, CSVs and "
                f"manifest {made['seconds']:.1f} s alongside, {waited:.1f} s waited for after the notebooks)"
            )
        ]
        for job in jobs:
            res = results[job.name]
            log.append(
                f"{job.name}\t{res.status}\t{res.seconds:.1f} s\tattempts {res.attempts}"
                + (f"\t{res.cell}: {res.error}" if res.status != "ok" else "")
            )
            log += [f"  {note}" for note in res.notes]
        log += notes
        (tmp / "build-log.txt").write_text("\n".join(log) + "\n", encoding="utf-8")
        shutil.rmtree(p.scratch, ignore_errors=True)
        outdir.write_marker(tmp, report.id)
        failed = any(r.status != "ok" for r in results.values())
        if failed and not partial and outdir.is_complete(final):
            published = p.partial_dir  # the last complete output stays where it is
        _replace(tmp, published)
        if published == final and p.partial_dir.exists():
            shutil.rmtree(p.partial_dir)  # an older partial output, superseded
    except OSError as exc:  # disk full, read-only …: one line naming the output folder
        shutil.rmtree(tmp, ignore_errors=True)
        raise _os_error(exc, p.out) from exc
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    failures = [
        f"{'overview' if j.kind == 'overview' else 'place ' + j.name}: {results[j.name].cell}: "
        f"{results[j.name].error}"
        for j in jobs
        if results[j.name].status != "ok"
    ]
    if failures:
        where = ""
        if published != final:
            where = (
                f"kept the previous complete output in {final}; the new partial output is in {published} "
                "(build with --partial to publish it in place of the previous one)"
            )
        raise NotebookFailures(failures, where)
    return final


def _check_workers(workers: int | None) -> int:
    workers = (os.cpu_count() or 1) if workers is None else workers
    if workers < 1:
        raise UsageError(f"--workers must be at least 1, not {workers}")
    return workers


def build(
    report_dir: str | Path | None = None,
    *,
    places: list[str] | None = None,
    out: str | Path = DEFAULT_OUT,
    workers: int | None = None,
    lang: str = "zh",
    profile: str | None = None,
    partial: bool = False,
    executor: str = "local",
    scheduler: str | None = None,
    engine: str | None = None,
    runner: Executor | None = None,
) -> Path:
    """Build every page of one report into ``out/<report-id>/`` and return that folder.

    Parameters are checked before any notebook runs (UsageError, ValidationError, FontMissingError), and so is
    the output folder (:mod:`~analysis.build.outdir`): never in or around the data, never replacing a folder
    a build did not make. The pages are built in a temporary folder beside the output (the build's scratch
    inside it), which replaces the previous output only at the end (an interrupted build leaves it intact).
    Failed pages do not stop the others: the build completes, marks them failed in the index and manifest,
    keeps their executed notebooks, then raises NotebookFailures. A build with failed pages does not replace
    a previous complete output unless ``partial`` is true: it is published beside it, in
    ``out/<report-id>.partial/``. An OS error (disk full, read-only file system …) raises OutputError after
    removing the temporary folder.

    ``executor``: ``local`` (this process for one worker; one worker forked at once for a build of one place;
    else a pool of ``workers`` processes: :func:`~analysis.build.executors.make_executor`) or ``dask`` (a
    dask.distributed cluster at ``scheduler``, or a LocalCluster of ``workers`` processes). ``engine``:
    ``inprocess`` (the default: notebooks run inside the worker processes, :mod:`analysis.inprocess`) or
    ``kernel`` (a warm kernel per worker, :mod:`analysis.engine`). The pages are the same bytes whichever
    executor and engine run them. ``runner``: an executor already started (``closeout watch`` keeps one warm
    between builds), used and left running.
    """
    report_dir = _default_report() if report_dir is None else report_dir
    workers = _check_workers(workers)
    pages = len(places) + 1 if places and executor == "local" else None
    old_sigterm = _raise_on_sigterm()
    try:
        with contextlib.nullcontext(runner) if runner is not None else make_executor(
            executor, workers, engine, scheduler, pages=pages
        ) as runner:
            prepared = prepare(report_dir, places=places, out=out, lang=lang, profile=profile)
            try:
                if runner.in_this_process:  # notebooks in this process reset its working directory, environment
                    prepared.products.wait()  # and options: not while the index's products are computed beside
                notebooks_started = time.monotonic()
                results = runner.run(prepared.tasks(), f"closeout build {prepared.report.id}")
            except BaseException:
                shutil.rmtree(prepared.tmp, ignore_errors=True)
                raise
            seconds = time.monotonic() - notebooks_started
            by_name = {job.name: r for job, r in zip(prepared.jobs, results, strict=True)}
            return finish(prepared, by_name, partial=partial, how=runner.describe(), notebooks_seconds=seconds)
    finally:
        if old_sigterm is not None:
            signal.signal(signal.SIGTERM, old_sigterm)


@dataclasses.dataclass
class Batch:
    """What a batch build did: the published folder of each report built, the one-line error of each report
    that failed (by the folder given), and the portfolio page."""

    built: dict[str, Path]
    failed: dict[str, str]
    portfolio: Path | None


_GLOB = set("*?[")


def expand_reports(arguments: list[str | Path]) -> list[Path]:
    """The report folders named by ``arguments``: folders as given, glob patterns expanded (sorted, only the
    folders with a report.toml), duplicates dropped; a pattern that matches no report is a UsageError."""
    import glob

    found: list[Path] = []
    for arg in arguments:
        text = str(arg)
        if _GLOB & set(text):
            matches = [Path(m) for m in sorted(glob.glob(text)) if (Path(m) / "report.toml").is_file()]
            if not matches:
                raise UsageError(f"no report folder (with a report.toml) matches {text}")
            found += matches
        else:
            found.append(Path(text))
    seen, unique = set(), []
    for folder in found:
        key = folder.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(folder)
    return unique


def _error_line(exc: BaseException) -> str:
    """One line for a report that failed in a batch (the first problem, and how many more)."""
    if isinstance(exc, CloseoutError):
        lines = exc.lines()
        if isinstance(exc, NotebookFailures) or len(lines) <= 1:
            return " ".join(lines)
        return f"{lines[0]} (and {len(lines) - 1} more problem(s): closeout validate lists them)"
    return f"{type(exc).__name__}: {_one_line(exc)}"


def build_many(
    report_dirs: list[str | Path],
    *,
    out: str | Path = DEFAULT_OUT,
    workers: int | None = None,
    lang: str = "zh",
    profile: str | None = None,
    partial: bool = False,
    executor: str = "local",
    scheduler: str | None = None,
    engine: str | None = None,
) -> Batch:
    """Build several reports in one run, on one executor (one pool: the pages of every report share the
    warm workers), each into ``out/<report-id>/`` exactly as :func:`build` would, then the portfolio page
    ``out/index.html`` across them (:mod:`~analysis.build.portfolio`). A report that fails (bad data, failed
    pages, an output it may not replace) does not stop the others: it is listed in ``Batch.failed`` and in
    the portfolio as failed."""
    from analysis.build import portfolio

    workers = _check_workers(workers)
    folders = expand_reports(report_dirs)
    out = Path(out)
    built: dict[str, Path] = {}
    failed: dict[str, str] = {}
    rows: dict[str, dict] = {}
    old_sigterm = _raise_on_sigterm()
    prepared: list[tuple[str, Prepared]] = []
    try:
        with make_executor(executor, workers, engine, scheduler) as runner:
            ids: dict[str, str] = {}
            for folder in folders:
                key = str(folder)
                try:
                    p = prepare(folder, places=None, out=out, lang=lang, profile=profile)
                except Exception as exc:  # noqa: BLE001 - one report's failure does not stop the others
                    failed[key] = _error_line(exc)
                    rows[key] = portfolio.entry(Path(folder).name, Path(folder).name, [], None, failed[key])
                    continue
                if p.report.id in ids:
                    shutil.rmtree(p.tmp, ignore_errors=True)
                    failed[key] = f"report id {p.report.id} is also the id of {ids[p.report.id]} in this batch"
                    rows[key] = portfolio.entry(p.report.id, _title(p.report, lang), [], None, failed[key])
                    continue
                ids[p.report.id] = key
                prepared.append((key, p))
            tasks, spans = [], []
            if runner.in_this_process:
                for _, p in prepared:
                    p.products.wait()
            for _, p in prepared:
                spans.append((len(tasks), len(p.jobs)))
                tasks += p.tasks()
            started = time.monotonic()
            results = runner.run(tasks, f"closeout build ({len(prepared)} reports)") if tasks else []
            seconds = time.monotonic() - started
            how = runner.describe() + f", batch of {len(prepared)} reports"
        for (key, p), (first, n) in zip(prepared, spans, strict=True):
            by_name = {job.name: r for job, r in zip(p.jobs, results[first : first + n], strict=True)}
            links = [(portfolio.label("index", lang), f"{p.report.id}/index.html")] + [
                (portfolio.label("overview", lang) if job.kind == "overview" else present.place_name(
                    p.report, job.name, lang), f"{p.report.id}/{job.html}")
                for job in p.jobs
            ]
            error = ""
            try:
                built[key] = finish(p, by_name, partial=partial, how=how, notebooks_seconds=seconds)
            except NotebookFailures as exc:
                error = failed[key] = _error_line(exc)
                built[key] = p.final if not exc.where else p.partial_dir
                links = [(name, href.replace(f"{p.report.id}/", f"{built[key].name}/", 1)) for name, href in links]
            except Exception as exc:  # noqa: BLE001
                failed[key] = _error_line(exc)
                rows[key] = portfolio.entry(p.report.id, _title(p.report, lang), [], None, failed[key])
                continue
            try:
                findings = p.products.result()["findings"]
                numbers = portfolio.grant_row(p.report, p.profile, findings, lang)
            except Exception as exc:  # noqa: BLE001 - the row still links the pages
                numbers = None
                failed.setdefault(key, f"portfolio numbers: {_error_line(exc)}")
            ok = {job.html for job in p.jobs if by_name[job.name].status == "ok"}
            links = [link for link, job in zip(links, [None, *p.jobs], strict=True) if job is None or job.html in ok]
            rows[key] = portfolio.entry(p.report.id, _title(p.report, lang), links, numbers, error, bool(error))
    except BaseException:
        for _, p in prepared:
            shutil.rmtree(p.tmp, ignore_errors=True)
        raise
    finally:
        if old_sigterm is not None:
            signal.signal(signal.SIGTERM, old_sigterm)
    target = out / portfolio.FILE
    page_path = None
    if not portfolio.is_ours(target):
        failed["portfolio"] = f"{target} exists and was not written by closeout build; left untouched"
    else:
        try:
            out.mkdir(parents=True, exist_ok=True)
            page_path = portfolio.write(out, portfolio.page([rows[str(f)] for f in folders if str(f) in rows], lang))
        except OSError as exc:
            failed["portfolio"] = describe_os_error(exc, "write")
    return Batch(built, failed, page_path)


def _title(report, lang: str) -> str:
    return report.meta.get(f"title_{lang}") or report.meta["title_zh"]


def _interrupted(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def _raise_on_sigterm():
    """Make SIGTERM (a CI timeout, ``kill``) clean up like Ctrl-C; returns the previous handler to restore."""
    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGTERM, _interrupted)


class BatchFailures(BuildError):
    """Some reports of a batch failed; the others were built (one line per failed report)."""

    def __init__(self, failed: dict[str, str], n_reports: int):
        self.failed = dict(failed)
        self.n_reports = n_reports
        super().__init__(f"{len(self.failed)} of {n_reports} report(s) failed")

    def lines(self) -> list[str]:
        return [
            f"{len(self.failed)} of {self.n_reports} report(s) failed (the others were built):",
            *(f"{name}: {line}" for name, line in self.failed.items()),
        ]


def cmd_build(args: argparse.Namespace) -> int:
    reports = args.reports or [_default_report()]
    single = len(reports) == 1 and not (_GLOB & set(str(reports[0])))
    if args.scheduler and args.executor != "dask":
        raise UsageError("--scheduler needs --executor dask")
    options = dict(
        out=args.out,
        workers=args.workers,
        lang=args.lang,
        profile=args.profile,
        partial=args.partial,
        executor=args.executor,
        scheduler=args.scheduler,
        engine=args.engine,
    )
    if single:
        final = build(reports[0], places=args.places, **options)
        print(f"built {final / 'index.html'}")
        _print_pdf(args, final)
        return 0
    if args.places:
        raise UsageError("--place needs a single report folder (it names places of one report)")
    batch = build_many(reports, **options)
    for folder in batch.built.values():
        print(f"built {folder / 'index.html'}")
        _print_pdf(args, folder)
    if batch.portfolio is not None:
        print(f"portfolio {batch.portfolio}")
    if batch.failed:
        raise BatchFailures(batch.failed, len(batch.built) + len(batch.failed))
    return 0


def _print_pdf(args: argparse.Namespace, folder: Path) -> None:
    """With ``--pdf``: the overview printed to an A4 PDF beside it (headless Chromium)."""
    if getattr(args, "pdf", False):
        from analysis.present.pdf import print_pdf

        print(f"printed {print_pdf(folder / 'overview.html', folder / 'overview.pdf')}")


def register_cli(subparsers) -> None:
    """Add ``closeout build`` to the command line."""
    p = subparsers.add_parser(
        "build",
        help="run the notebooks and render offline HTML pages: index, overview, one per district",
        description="Execute the overview notebook once and the district notebook once per place with "
        "papermill, and render each to a self-contained HTML page under OUT/<report-id>/. Several report "
        "folders (or glob patterns) build in one run with one pool, plus a portfolio page OUT/index.html.",
    )
    p.add_argument(
        "reports",
        nargs="*",
        metavar="report",
        help=f"report folder(s) or glob pattern(s) (default: {_default_report()})",
    )
    p.add_argument(
        "--place",
        dest="places",
        nargs="+",
        action="extend",
        metavar="ID",
        help="only these places (default: every district, county and new area)",
    )
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default: %(default)s)")
    p.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        help="notebooks run in parallel (default: the number of CPUs, %(default)s)",
    )
    p.add_argument("--lang", default="zh", help="page language: zh or en (default: %(default)s)")
    p.add_argument(
        "--profile", default=None, help="threshold profile for findings (default: the metrics default)"
    )
    p.add_argument(
        "--partial",
        action="store_true",
        help="when pages fail, publish the build in place of a previous complete output anyway (default: keep "
        "the previous output and publish the partial build beside it, in OUT/<report-id>.partial)",
    )
    p.add_argument(
        "--executor",
        choices=("local", "dask"),
        default="local",
        help="where the pages run: local processes, or a dask.distributed cluster (default: %(default)s)",
    )
    p.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        default=None,
        help="with --executor dask: the scheduler to use, e.g. tcp://SCHEDULER-HOST:8786 (default: a LocalCluster "
        "of --workers processes on this machine)",
    )
    p.add_argument(
        "--engine",
        choices=("inprocess", "kernel"),
        default=None,
        help="how each worker runs a notebook: inside the worker process (inprocess, the default) or on a "
        "warm Jupyter kernel beside it (kernel: a crash in a notebook cannot take the worker down)",
    )
    p.add_argument(
        "--pdf",
        action="store_true",
        help="also print the overview to an A4 PDF (OUT/<report-id>/overview.pdf) with headless Chromium",
    )
    p.set_defaults(func=cmd_build)
    from analysis.build import watch

    watch.register_cli(subparsers, {"report": _default_report(), "out": DEFAULT_OUT, "workers": os.cpu_count() or 1})


def _default_report() -> Path:
    from analysis.locate import default_report_dir

    return default_report_dir(strict=False)


def __getattr__(name: str):
    """``DEFAULT_REPORT``: the default report folder, found in the data when asked (:mod:`analysis.locate`)."""
    if name == "DEFAULT_REPORT":
        return _default_report()
    raise AttributeError(name)
