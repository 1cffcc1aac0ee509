"""``closeout build``: run the notebooks with papermill and render offline HTML pages, index and manifest.

One job per module: :mod:`~analysis.build.plan` (what runs), :mod:`~analysis.build.executors` (where it
runs), :mod:`~analysis.build.render` (notebook to page), :mod:`~analysis.build.publish` (index, CSVs,
manifest, atomic output). This module puts them together (:func:`build`) and adds the command line.
"""

from __future__ import annotations

import argparse
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
    KERNEL_NAME,
    WARM_IMPORTS,
    _exit_with_parent,
    _is_kernel_start_failure,
    _kernel_spec,
    _run_all,
    _shutdown_kernels,
    _worker_started,
    run_job,
)
from analysis.build.plan import (
    DEFAULT_OUT,
    DEFAULT_REPORT,
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
    data_files,
    headlines,
    index_page,
    manifest,
    metrics_frame,
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
from analysis.errors import BuildError, OutputError, UsageError, describe_os_error

__all__ = [
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
    "manifest",
    "metrics_frame",
    "notebook_parameters",
    "plan",
    "recover",
    "register_cli",
    "render_html",
    "report_products",
    "run_checks_once",
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

    def result(self):
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._value


def build(
    report_dir: str | Path = DEFAULT_REPORT,
    *,
    places: list[str] | None = None,
    out: str | Path = DEFAULT_OUT,
    workers: int | None = None,
    lang: str = "zh",
    profile: str | None = None,
    partial: bool = False,
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
    """
    from analysis.load import load_report
    from analysis.plots import cjk_font

    started = time.monotonic()
    workers = (os.cpu_count() or 1) if workers is None else workers
    if workers < 1:
        raise UsageError(f"--workers must be at least 1, not {workers}")
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
    out.mkdir(parents=True, exist_ok=True)
    recover(out, report.id)
    tmp = Path(tempfile.mkdtemp(prefix=f".{report.id}.building-{os.getpid()}-", dir=out))
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o777 & ~umask)  # mkdtemp makes it private; the published folder follows the umask
    # The scratch (kernel spec, snapshot, the kernels' working directory) lives inside the temporary folder:
    # a killed build leaves nothing in the system temp folder, and the next build's recover() removes both.
    scratch = tmp.resolve() / ".scratch"  # absolute: papermill runs each notebook from inside it
    published = final
    old_jupyter_path = os.environ.get("JUPYTER_PATH")
    old_snapshot = os.environ.get(snapshot.ENV)
    old_sigterm = _raise_on_sigterm()
    try:
        _kernel_spec(scratch / "jupyter")
        os.environ["JUPYTER_PATH"] = os.pathsep.join(
            filter(None, [str(scratch / "jupyter"), old_jupyter_path])
        )
        (tmp / "executed").mkdir()
        checked = run_checks_once(report, profile)
        findings = {profile: checked["findings"]} if checked["findings"] is not None else {}
        os.environ[snapshot.ENV] = str(snapshot.write(scratch / "snapshot.pickle", report, findings))
        products = _Background(report_products, report, jobs, lang, profile, checked)
        notebooks_started = time.monotonic()
        results = _run_all(jobs, tmp, scratch, workers, report.id)
        notebooks_seconds = time.monotonic() - notebooks_started
        fatal = next((r.fatal for r in results.values() if r.fatal), "")
        if fatal:
            raise OutputError(fatal)
        waited = time.monotonic()
        made = products.result()
        waited = time.monotonic() - waited
        lines, notes = made["headlines"]
        (tmp / "index.html").write_text(index_page(report, jobs, results, lines, lang), encoding="utf-8")
        write_csv(made["metrics"], tmp / "metrics.csv")
        if made["findings_error"] is not None:
            raise made["findings_error"]
        write_csv(made["findings"], tmp / "findings.csv")
        (tmp / "manifest.json").write_text(
            manifest(
                report,
                jobs,
                results,
                lang,
                profile,
                places,
                files=made["files"],
                package_versions=made["versions"],
            ),
            encoding="utf-8",
        )
        log = [
            (
                f"closeout build {report.id}: {len(jobs)} notebook(s), workers {workers}, "
                f"{time.monotonic() - started:.1f} s (notebooks {notebooks_seconds:.1f} s; index, CSVs and "
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
        shutil.rmtree(scratch, ignore_errors=True)
        outdir.write_marker(tmp, report.id)
        failed = any(r.status != "ok" for r in results.values())
        if failed and not partial and outdir.is_complete(final):
            published = partial_dir  # the last complete output stays where it is
        _replace(tmp, published)
        if published == final and partial_dir.exists():
            shutil.rmtree(partial_dir)  # an older partial output, superseded
    except OSError as exc:  # disk full, read-only …: one line naming the output folder
        shutil.rmtree(tmp, ignore_errors=True)
        if exc.filename is None:
            exc.filename = str(out)
        raise OutputError(describe_os_error(exc, "write")) from exc
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        if old_snapshot is None:
            os.environ.pop(snapshot.ENV, None)
        else:
            os.environ[snapshot.ENV] = old_snapshot
        if old_sigterm is not None:
            signal.signal(signal.SIGTERM, old_sigterm)
        if old_jupyter_path is None:
            os.environ.pop("JUPYTER_PATH", None)
        else:
            os.environ["JUPYTER_PATH"] = old_jupyter_path
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


def _interrupted(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def _raise_on_sigterm():
    """Make SIGTERM (a CI timeout, ``kill``) clean up like Ctrl-C; returns the previous handler to restore."""
    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGTERM, _interrupted)


def cmd_build(args: argparse.Namespace) -> int:
    final = build(
        args.report,
        places=args.places,
        out=args.out,
        workers=args.workers,
        lang=args.lang,
        profile=args.profile,
        partial=args.partial,
    )
    print(f"built {final / 'index.html'}")
    return 0


def register_cli(subparsers) -> None:
    """Add ``closeout build`` to the command line."""
    p = subparsers.add_parser(
        "build",
        help="run the notebooks and render offline HTML pages: index, overview, one per district",
        description="Execute the overview notebook once and the district notebook once per place with "
        "papermill, "
        "and render each to a self-contained HTML page under OUT/<report-id>/.",
    )
    p.add_argument(
        "report", nargs="?", type=Path, default=DEFAULT_REPORT, help="report folder (default: %(default)s)"
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
    p.set_defaults(func=cmd_build)
