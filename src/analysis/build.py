"""``closeout build``: run the notebooks with papermill and render offline HTML pages, index and manifest."""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import csv
import dataclasses
import hashlib
import json
import multiprocessing
import os
import platform
import re
import shutil
import signal
import sys
import tempfile
import threading
import time
from importlib import metadata, resources
from pathlib import Path

import pandas as pd

from analysis import present, snapshot
from analysis.errors import BuildError, UsageError

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
DISTRICT_NOTEBOOK = "district.ipynb"
OVERVIEW_NOTEBOOK = "overview.ipynb"
DEFAULT_REPORT = Path("data") / "anxin-plan-2020"
DEFAULT_OUT = Path("outputs")
KERNEL_NAME = "closeout-analysis"
TEMPLATE_NAME = "closeout"
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
    "analysis.metrics",
    "analysis.plots",
    "analysis.present",
)
FRESH_MODULES = ("analysis",)
REMOVE_TAGS = frozenset(
    {"injected-parameters", "parameters", "remove-cell", "remove_cell", "papermill-error-cell-tag"}
)
VERSIONED = (
    "closeout-analysis",
    "pandas",
    "numpy",
    "matplotlib",
    "pandera",
    "papermill",
    "nbconvert",
    "nbclient",
    "nbformat",
    "ipykernel",
    "jupyter_client",
    "jinja2",
    "mistune",
    "beautifulsoup4",
    "tqdm",
)
# Failures of a kernel *start* that papermill/jupyter_client hit when several kernels start at once.
_KERNEL_START_FAILURES = re.compile(
    r"Kernel died before replying to kernel_info|Address already in use|ZMQError|Kernel didn't respond|"
    r"kernel_info|Kernel died|DeadKernelError|Timeout waiting for|connection file|KernelStartError",
    re.IGNORECASE,
)


class NotebookFailures(BuildError):
    """Some notebooks failed; the others were built. One line per failure: page, cell, error."""

    def __init__(self, failures: list[str]):
        self.failures = list(failures)
        super().__init__(f"{len(self.failures)} notebook(s) failed: " + "; ".join(self.failures))

    def lines(self) -> list[str]:
        return [f"{len(self.failures)} notebook(s) failed (the other pages were built):", *self.failures]


@dataclasses.dataclass(frozen=True)
class Job:
    """One notebook run: which notebook, with which parameters, and where its outputs go (relative names)."""

    name: str  # 'overview' or the place id
    kind: str  # 'overview' or 'district'
    notebook: str  # absolute path of the source notebook
    parameters: dict
    lang: str
    title: str
    html: str  # file name inside the report's output folder
    executed: str  # path inside the output folder


@dataclasses.dataclass
class JobResult:
    """What happened to one job (durations and warnings go to build-log.txt, not into the pages)."""

    name: str
    status: str  # 'ok' or 'failed'
    error: str = ""
    cell: str = ""
    attempts: int = 1
    seconds: float = 0.0
    notes: list[str] = dataclasses.field(default_factory=list)


# --- parameters


def notebook_parameters(
    job_kind: str, report_dir: Path, place_id: str | None, lang: str, profile: str | None
) -> dict:
    """The papermill parameters of one notebook run (tests monkeypatch this to make one page fail)."""
    params = {"report_dir": str(report_dir), "lang": lang, "profile": profile}
    if job_kind == "district":
        params["place_id"] = place_id
    return params


def plan(report, report_dir: Path, places: list[str] | None, lang: str, profile: str | None) -> list[Job]:
    """Check the parameters and list the notebook runs; raises UsageError before anything runs."""
    present.check_lang(lang)
    profile = present.check_profile(profile)
    valid = present.district_ids(report)
    wanted = list(dict.fromkeys(places)) if places else valid
    unknown = [p for p in wanted if p not in valid]
    if unknown:
        levels = dict(zip(report.places["place_id"], report.places["level"], strict=True))
        named = ", ".join(f"{p} (a {levels[p]}, not a district)" if p in levels else p for p in unknown)
        raise UsageError(f"unknown place id(s) {named} for report {report.id}; valid: {', '.join(valid)}")
    for name in (DISTRICT_NOTEBOOK, OVERVIEW_NOTEBOOK):
        if not (NOTEBOOKS / name).is_file():
            raise UsageError(
                f"notebook {NOTEBOOKS / name} not found (run closeout from a clone of the repository)"
            )
    project = report.meta.get(f"title_{lang}") or report.meta["title_zh"]
    jobs = [
        Job(
            "overview",
            "overview",
            str(NOTEBOOKS / OVERVIEW_NOTEBOOK),
            notebook_parameters("overview", report_dir, None, lang, profile),
            lang,
            present.t("page.overview.title", lang, project=project),
            "overview.html",
            "executed/overview.ipynb",
        )
    ]
    for place_id in sorted(wanted, key=valid.index):
        name = present.place_name(report, place_id, lang)
        jobs.append(
            Job(
                place_id,
                "district",
                str(NOTEBOOKS / DISTRICT_NOTEBOOK),
                notebook_parameters("district", report_dir, place_id, lang, profile),
                lang,
                present.t("page.district.title", lang, place=name, project=project),
                f"{place_id}.html",
                f"executed/{place_id}.ipynb",
            )
        )
    return jobs


# --- one notebook


def _is_kernel_start_failure(exc: BaseException) -> bool:
    return bool(_KERNEL_START_FAILURES.search(f"{type(exc).__name__}: {exc}"))


def run_job(job: Job, out_dir: str, scratch: str, kernel_name: str = KERNEL_NAME) -> JobResult:
    """Execute one notebook with papermill (retrying a failed kernel start) and render its HTML page."""
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
    result.seconds = time.monotonic() - started
    return result


def scrub_text(text: str, replacements: dict[str, str], json_escaped: bool = False) -> str:
    """``text`` with the build machine's paths replaced (longest first; as JSON escapes them if asked).

    >>> scrub_text("/home/u/data/x and /home/u", {"/home/u": "~", "/home/u/data/x": "<x>"})
    '<x> and ~'
    """
    for old in sorted((k for k in replacements if k and len(k) > 1), key=len, reverse=True):
        text = text.replace(json.dumps(old)[1:-1] if json_escaped else old, replacements[old])
    return text


def _one_line(text) -> str:
    text = re.sub(r"\x1b\[[0-9;]*m", "", str(text))
    return " ".join(text.split())[:300]


def _leaks(page: str, paths: list[str]) -> str | None:
    """A reason the page must not be published: an external URL or a path of the build machine."""
    page = re.sub(r"base64,[A-Za-z0-9+/=]+", "base64,", page)  # image data may spell anything
    m = re.search(r"(?:https?|ftp)://[^\s\"'<>]*", page)
    if m:
        return f"external URL in the page: {m.group(0)[:80]}"
    for path in paths:
        if path and len(path) > 3 and str(path) in page:
            return "a path of the build machine appears in the page"
    return None


# --- HTML


def clean_notebook(nb):
    """A copy of an executed notebook ready for a deterministic page: parameters and helper cells removed,
    execution counts, cell ids, per-cell and papermill metadata normalised, stderr dropped (and returned)."""
    import nbformat

    nb = nbformat.from_dict(json.loads(json.dumps(nb)))
    notes, cells = [], []
    for cell in nb.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & REMOVE_TAGS:
            continue
        if cell.cell_type == "code":
            cell.execution_count = None
            outputs = []
            for output in cell.get("outputs", []):
                if output.get("output_type") == "stream" and output.get("name") == "stderr":
                    notes.append(f"stderr: {_one_line(output.get('text', ''))}")
                    continue
                if "execution_count" in output:
                    output["execution_count"] = None
                output["metadata"] = {}
                outputs.append(output)
            cell.outputs = outputs
        cell.metadata = {}
        cells.append(cell)
    for i, cell in enumerate(cells, start=1):
        cell["id"] = f"c{i:03d}"
    nb.cells = cells
    nb.metadata = {"language_info": {"name": "python"}}
    return nb, notes


_EXPORTERS: dict[int, object] = {}


def exporter():
    """The nbconvert HTML exporter with the closeout template: no input, no prompts, no anchor links."""
    from nbconvert import HTMLExporter

    templates = resources.files("analysis").joinpath("templates")
    return HTMLExporter(
        template_name=TEMPLATE_NAME,
        extra_template_basedirs=[str(templates)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        exclude_anchor_links=True,
        embed_images=True,
        sanitize_html=False,
    )


def _shared_exporter():
    """One exporter per thread, built on first use (building one loads the templates: ~0.3 s a page)."""
    key = threading.get_ident()
    if key not in _EXPORTERS:
        _EXPORTERS[key] = exporter()
    return _EXPORTERS[key]


def render_html(executed: Path, title: str, lang: str) -> tuple[str, list[str]]:
    """One executed notebook as a self-contained page (the same notebook outputs give the same bytes)."""
    import nbformat

    nb, notes = clean_notebook(nbformat.read(str(executed), as_version=4))
    nb.metadata["title"] = title
    html, _ = _shared_exporter().from_notebook_node(
        nb, resources={"metadata": {"name": title}, "closeout_lang": present.HTML_LANG[lang]}
    )
    return _tidy(html), notes


def _tidy(html: str) -> str:
    """Drop blank lines the templates leave and end with one newline."""
    return "\n".join(line.rstrip() for line in html.splitlines() if line.strip()) + "\n"


def index_page(
    report, jobs: list[Job], results: dict[str, JobResult], headlines: dict[str, str], lang: str
) -> str:
    """The index: every page with its status, headline figures and a relative link."""
    import jinja2

    templates = resources.files("analysis").joinpath("templates")
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates)),
        autoescape=True,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    css = templates.joinpath(f"{TEMPLATE_NAME}/static/closeout.css").read_text(encoding="utf-8")
    project = report.meta.get(f"title_{lang}") or report.meta["title_zh"]
    rows = []
    for job in jobs:
        res = results[job.name]
        ok = res.status == "ok"
        rows.append(
            {
                "title": job.title,
                "href": job.html if ok else job.executed,
                "ok": ok,
                "status": present.t("status.ok" if ok else "status.failed", lang),
                "headline": headlines.get(job.name, "")
                if ok
                else present.t("index.failed", lang, error=f"{res.cell}: {res.error}"),
                "kind": job.kind,
            }
        )
    start, end = report.period
    page = env.get_template(f"{TEMPLATE_NAME}/site_index.html.j2").render(
        lang=present.HTML_LANG[lang],
        css=css,
        rows=rows,
        title=present.t("index.title", lang, project=project),
        intro=present.t("index.intro", lang),
        facts=present.t(
            "page.facts",
            lang,
            project=project,
            organisation=report.meta.get(f"organisation_{lang}") or report.meta["organisation_zh"],
            start=present.fmt_date(start),
            end=present.fmt_date(end),
        ),
        t=lambda key, **kw: present.t(key, lang, **kw),
        report_id=report.id,
    )
    return _tidy(page)


# --- headline figures, CSVs, manifest


def headlines(
    report, jobs: list[Job], lang: str, profile: str | None, findings: pd.DataFrame | None = None
) -> tuple[dict[str, str], list[str]]:
    """A one-line summary per page for the index (computed by metrics/checks, never by the index).

    ``findings`` is ``checks.run_checks(report, profile)`` when the caller has it already."""
    from analysis import checks, metrics

    out, notes = {}, []
    if findings is None:
        try:
            findings = checks.run_checks(report, profile)
        except Exception as exc:  # noqa: BLE001 - the index still lists the pages
            notes.append(f"headlines: run_checks failed: {type(exc).__name__}: {_one_line(exc)}")
            findings = None
    for job in jobs:
        try:
            if job.kind == "overview":
                variance = metrics.budget_variance(report, profile)
                total = variance[variance["level"] == "total"]
                rate = total["execution_rate"].iloc[0] if len(total) else None
                out[job.name] = present.t(
                    "index.headline.overview",
                    lang,
                    n_findings=len(findings) if findings is not None else "—",
                    n_targets=len(report.targets),
                    execution=present.fmt_pct(rate, lang),
                )
            else:
                figures = metrics.district_figures(report, job.name)
                completeness = metrics.district_completeness(report, job.name)
                mine = (
                    present.findings_for(findings, report, job.name, figures["figure_id"])
                    if findings is not None
                    else []
                )
                out[job.name] = present.t(
                    "index.headline.district",
                    lang,
                    n_figures=len(figures),
                    n_reported=int((completeness["status"] == "reported").sum()),
                    n_metrics=len(completeness),
                    n_findings=len(mine),
                )
        except Exception as exc:  # noqa: BLE001
            notes.append(f"headline {job.name}: {type(exc).__name__}: {_one_line(exc)}")
    return out, notes


def _cell_text(value):
    if isinstance(value, (list, tuple)) or (hasattr(value, "__array__") and not isinstance(value, str)):
        return "\n".join(str(v) for v in value)
    return value


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """A frame as UTF-8 CSV with \\n line ends; list cells joined one item per line."""
    frame = frame.copy()
    for col in frame.columns:
        if frame[col].dtype == object:
            frame[col] = frame[col].map(_cell_text)
    frame.to_csv(path, index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL, date_format="%Y-%m-%d")


def metrics_frame(all_metrics) -> pd.DataFrame:
    """``metrics.all_metrics`` as one long frame (a dict of frames gets a ``table`` column)."""
    if isinstance(all_metrics, pd.DataFrame):
        return all_metrics
    parts = []
    for name in sorted(all_metrics):
        frame = all_metrics[name]
        if isinstance(frame, pd.DataFrame):
            parts.append(frame.assign(table=name)[["table", *frame.columns]])
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def data_files(report) -> dict[str, str]:
    """SHA-256 of every file of the report folder and of the source text, by display name."""
    folder = Path(report.path)
    files = {
        f"{folder.name}/{p.relative_to(folder).as_posix()}": p
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }
    if folder.is_file():  # a workbook (analysis.workbook): its source is relative to the workbook's folder
        files, folder = {folder.name: folder}, folder.parent
    source = (folder / report.meta["source"]).resolve()
    if source.is_file():
        files[f"source/{source.name}"] = source
    return {name: hashlib.sha256(path.read_bytes()).hexdigest() for name, path in sorted(files.items())}


def versions() -> dict[str, str]:
    """The versions that decide the pages' bytes."""
    out = {"python": platform.python_version()}
    for name in VERSIONED:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    from analysis.plots import cjk_font

    out["cjk_font"] = cjk_font()
    return out


def manifest(
    report,
    jobs: list[Job],
    results: dict[str, JobResult],
    lang: str,
    profile: str | None,
    places: list[str] | None,
    *,
    files: dict[str, str] | None = None,
    package_versions: dict[str, str] | None = None,
) -> str:
    """manifest.json: parameters, data hash, versions and the status of each notebook (no durations).

    ``files`` (:func:`data_files`) and ``package_versions`` (:func:`versions`) when the caller has them."""
    files = data_files(report) if files is None else files
    digest = hashlib.sha256("".join(f"{k}\0{v}\n" for k, v in files.items()).encode()).hexdigest()
    pages = []
    for job in jobs:
        res = results[job.name]
        entry = {
            "name": job.name,
            "kind": job.kind,
            "html": job.html if res.status == "ok" else None,
            "executed": job.executed,
            "status": res.status,
            "parameters": {k: v for k, v in job.parameters.items() if k != "report_dir"},
        }
        if res.status != "ok":
            entry["error"] = {"cell": res.cell, "message": res.error}
        pages.append(entry)
    doc = {
        "report_id": report.id,
        "report_dir": Path(report.path).name,
        "parameters": {"lang": lang, "profile": profile, "places": places or "all"},
        "data_sha256": digest,
        "data_files": files,
        "versions": versions() if package_versions is None else package_versions,
        "pages": pages,
    }
    return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


# --- the build


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


def run_checks_once(report, profile: str) -> dict:
    """The findings of the build's profile, or the error the checks raised (raised again when findings.csv is
    written; the pages then run the checks themselves and fail on it)."""
    from analysis import checks

    try:
        return {"findings": checks.run_checks(report, profile), "findings_error": None}
    except Exception as exc:  # noqa: BLE001
        return {"findings": None, "findings_error": exc}


def report_products(report, jobs: list[Job], lang: str, profile: str | None, checked: dict) -> dict:
    """What the index, CSVs and manifest need from the data alone (no notebook): computed while the
    notebooks run, from the findings of :func:`run_checks_once` (headlines and findings.csv share them)."""
    from analysis import metrics

    started = time.monotonic()
    out: dict = dict(checked)
    out["headlines"] = headlines(report, jobs, lang, profile, findings=out["findings"])
    out["metrics"] = metrics_frame(metrics.all_metrics(report, profile))
    out["files"] = data_files(report)
    out["versions"] = versions()
    out["seconds"] = time.monotonic() - started
    return out


def build(
    report_dir: str | Path = DEFAULT_REPORT,
    *,
    places: list[str] | None = None,
    out: str | Path = DEFAULT_OUT,
    workers: int | None = None,
    lang: str = "zh",
    profile: str | None = None,
) -> Path:
    """Build every page of one report into ``out/<report-id>/`` and return that folder.

    Parameters are checked before any notebook runs (UsageError, ValidationError, FontMissingError). The pages
    are built in a temporary folder beside the output, which replaces the previous output only at the end (an
    interrupted build leaves it intact). Failed pages do not stop the others: the build completes, marks them
    failed in the index and manifest, keeps their executed notebooks, then raises NotebookFailures.
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
    out.mkdir(parents=True, exist_ok=True)
    final = out / report.id
    recover(out, report.id)
    tmp = Path(tempfile.mkdtemp(prefix=f".{report.id}.building-{os.getpid()}-", dir=out))
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o777 & ~umask)  # mkdtemp makes it private; the published folder follows the umask
    scratch = Path(tempfile.mkdtemp(prefix="closeout-build-"))
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
        _replace(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
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
        raise NotebookFailures(failures)
    return final


def _interrupted(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def _raise_on_sigterm():
    """Make SIGTERM (a CI timeout, ``kill``) clean up like Ctrl-C; returns the previous handler to restore."""
    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGTERM, _interrupted)


def _owner_alive(folder: Path) -> bool:
    """Whether the build that made ``.<id>.building-<pid>-…`` / ``.<id>.old-<pid>-…`` is still running."""
    try:
        pid = int(folder.name.rsplit(".", 1)[1].split("-")[1])
    except (IndexError, ValueError):
        return False  # not a name this version writes: a leftover
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return pid != os.getpid()  # our own pid: left by an earlier build in this process


def recover(out: Path, report_id: str) -> list[str]:
    """Tidy what a killed build (SIGKILL, power loss) left in ``out``; returns what it did, for the log.

    A previous output moved aside in the instant of the swap (``.<id>.old-<pid>-…``) is moved back when the
    output itself is missing, and temporary folders of builds that are no longer running are deleted.
    Folders of a build still running (its pid is alive) are left alone.
    """
    done = []
    final = out / report_id
    for folder in sorted(out.glob(f".{report_id}.old-*")):
        if _owner_alive(folder):
            continue
        if not final.exists():
            os.replace(folder, final)
            done.append(f"restored the previous output from {folder.name}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
            done.append(f"removed {folder.name}")
    for folder in sorted(out.glob(f".{report_id}.building-*")):
        if not _owner_alive(folder):
            shutil.rmtree(folder, ignore_errors=True)
            done.append(f"removed {folder.name}, left by a build that was killed")
    return done


def _replace(tmp: Path, final: Path) -> None:
    """Swap the finished build in for the previous output (two renames in the same folder)."""
    old = None
    if final.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{final.name}.old-{os.getpid()}-", dir=final.parent))
        os.rmdir(old)
        os.replace(final, old)
    os.replace(tmp, final)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


# --- command line


def cmd_build(args: argparse.Namespace) -> int:
    final = build(
        args.report,
        places=args.places,
        out=args.out,
        workers=args.workers,
        lang=args.lang,
        profile=args.profile,
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
    p.set_defaults(func=cmd_build)
