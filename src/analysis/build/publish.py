"""What a build publishes beside the pages: the index, headline figures, CSVs, the manifest, and the atomic
swap of the finished folder for the previous output (with the recovery of what a killed build left)."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import platform
import shutil
import tempfile
import time
from importlib import metadata, resources
from pathlib import Path

import pandas as pd

from analysis import present
from analysis.build.executors import process_alive
from analysis.build.plan import Job, JobResult
from analysis.build.render import TEMPLATE_NAME, _one_line, _tidy

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


def index_page(
    report,
    jobs: list[Job],
    results: dict[str, JobResult],
    headlines: dict[str, str],
    lang: str,
    assessment=None,
    downloads: list[tuple[str, str]] | None = None,
) -> str:
    """The funder index (``present.site.index_html``): title, period, grant, the summary headline, each
    district page with its headline facts; a build status only for a page that failed (linking its
    executed notebook); manifest.json and build-log.txt are not linked."""
    from analysis.present.site import index_html

    templates = resources.files("analysis").joinpath("templates")
    css = templates.joinpath(f"{TEMPLATE_NAME}/static/closeout.css").read_text(encoding="utf-8")
    pages = [
        {
            "name": job.name,
            "title": job.title,
            "kind": job.kind,
            "ok": results[job.name].status == "ok",
            "href": job.html if results[job.name].status == "ok" else job.executed,
            "facts": headlines.get(job.name),
        }
        for job in jobs
    ]
    if downloads is None:
        downloads = [
            ("metrics.csv", present.t("index.metrics_csv", lang)),
            ("findings.csv", present.t("index.findings_csv", lang)),
        ]
    return _tidy(index_html(report, pages, assessment, lang, css, downloads))


def assess_once(report, profile: str | None, findings: pd.DataFrame | None = None):
    """``assess(report, profile)`` for the snapshot, the index and the workbook, or (None, note) when it
    fails. ``findings``: the checks' findings of that report and profile, when already computed."""
    try:
        from analysis.assessment import assess, budget

        if findings is not None:  # the assessment starts from the findings: do not run the checks twice
            budget.memo(report, f"findings:{profile}", findings.copy)
        return assess(report, profile=profile), None
    except Exception as exc:  # noqa: BLE001 - the pages still build; the index says less
        return None, f"assessment failed: {type(exc).__name__}: {_one_line(exc)}"


def headlines(
    report,
    jobs: list[Job],
    lang: str,
    profile: str | None,
    findings: pd.DataFrame | None = None,
    assessment=None,
) -> tuple[dict[str, str], list[str]]:
    """A one-line summary per page for the index (from the assessment and metrics, never by the index)."""
    out, notes = {}, []
    if assessment is None:
        assessment, note = assess_once(report, profile)
        notes += [note] if note else []
    for job in jobs:
        try:
            if job.kind == "overview":
                out[job.name] = present.headline(assessment, lang) if assessment is not None else ""
            else:
                issues = assessment.issues if assessment is not None else None
                out[job.name] = present.district_headline(report, job.name, lang, issues)
        except Exception as exc:  # noqa: BLE001
            notes.append(f"headline {job.name}: {type(exc).__name__}: {_one_line(exc)}")
    return out, notes


def _cell_text(value):
    if isinstance(value, (list, tuple)) or (hasattr(value, "__array__") and not isinstance(value, str)):
        return "\n".join(str(v) for v in value)
    return value


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """A frame as UTF-8 CSV with a byte-order mark (so Excel on Chinese Windows reads it as UTF-8) and \\n
    line ends; list cells joined one item per line."""
    frame = frame.copy()
    for col in frame.columns:
        if frame[col].dtype == object:
            frame[col] = frame[col].map(_cell_text)
    frame.to_csv(
        path,
        index=False,
        lineterminator="\n",
        quoting=csv.QUOTE_MINIMAL,
        date_format="%Y-%m-%d",
        encoding="utf-8-sig",
    )


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
    notebooks run, from the findings of :func:`run_checks_once` (headlines and findings.csv share them), and
    the workbook's bytes."""
    from analysis import metrics
    from analysis.present.site import workbook_bytes

    started = time.monotonic()
    out: dict = dict(checked)
    out["assessment"], note = checked["assessment"] if "assessment" in checked else assess_once(report, profile)
    out["headlines"] = headlines(
        report, jobs, lang, profile, findings=out["findings"], assessment=out["assessment"]
    )
    if note:
        out["headlines"][1].append(note)
    out["metrics"] = metrics_frame(metrics.all_metrics(report, profile))
    out["workbook"] = workbook_bytes(out["assessment"], out["metrics"], lang)
    out["files"] = data_files(report)
    out["versions"] = versions()
    out["seconds"] = time.monotonic() - started
    return out


def _owner_alive(folder: Path) -> bool:
    """Whether the build that made ``.<id>.building-<pid>-…`` / ``.<id>.old-<pid>-…`` is still running."""
    try:
        pid = int(folder.name.rsplit(".", 1)[1].split("-")[1])
    except (IndexError, ValueError):
        return False  # not a name this version writes: a leftover
    return pid != os.getpid() and process_alive(pid)  # our own pid: left by an earlier build in this process


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


def publish_site(
    tmp: Path, report, jobs: list[Job], results: dict[str, JobResult], made: dict, lang: str
) -> None:
    """The funder-facing files beside the pages: the Excel workbook (``<report-id>.xlsx``: issues,
    questions, metrics), the single file to share (``<report-id>.html``: index, overview and every district
    page as anchored sections) and the index linking both."""
    from analysis.present.site import single_file

    assessment = made.get("assessment")
    lines, _notes = made["headlines"]
    xlsx = f"{report.id}.xlsx"
    (tmp / xlsx).write_bytes(made["workbook"])
    one = f"{report.id}.html"
    downloads = [
        (one, present.t("index.share", lang)),
        (xlsx, present.t("index.workbook", lang)),
        ("metrics.csv", present.t("index.metrics_csv", lang)),
        ("findings.csv", present.t("index.findings_csv", lang)),
    ]
    index = index_page(report, jobs, results, lines, lang, assessment=assessment, downloads=downloads)
    (tmp / "index.html").write_text(index, encoding="utf-8")
    pages = [("index", index)] + [
        (job.name, (tmp / job.html).read_text(encoding="utf-8"))
        for job in jobs
        if results[job.name].status == "ok" and (tmp / job.html).is_file()
    ]
    templates = resources.files("analysis").joinpath("templates")
    css = templates.joinpath(f"{TEMPLATE_NAME}/static/closeout.css").read_text(encoding="utf-8")
    title = present.t(
        "index.title", lang, project=report.meta.get(f"title_{lang}") or report.meta["title_zh"]
    )
    (tmp / one).write_text(_tidy(single_file(pages, lang, title, css)), encoding="utf-8")
