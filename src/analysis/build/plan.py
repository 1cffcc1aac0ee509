"""What a build runs: one :class:`Job` per notebook (the overview, one per district), checked before anything runs."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

from analysis import present
from analysis.errors import UsageError

ROOT = Path(__file__).resolve().parents[3]
NOTEBOOKS = ROOT / "notebooks"
DISTRICT_NOTEBOOK = "district.ipynb"
OVERVIEW_NOTEBOOK = "overview.ipynb"
DEFAULT_OUT = Path("outputs")


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
    fatal: str = ""  # an OS error that stops the whole build (disk full, read-only …), as one line


def notebook_parameters(
    job_kind: str, report_dir: Path, place_id: str | None, lang: str, profile: str | None
) -> dict:
    """The papermill parameters of one notebook run (tests monkeypatch this to make one page fail)."""
    params = {"report_dir": str(report_dir), "lang": lang, "profile": profile}
    if job_kind == "district":
        params["place_id"] = place_id
    return params


def generated_names(report) -> tuple[str, ...]:
    """File stems the build writes itself beside the district pages: a place id may not be one of them
    (validation refuses them too: :data:`analysis.model.RESERVED_PAGE_NAMES` and the report's own id)."""
    from analysis.model import RESERVED_PAGE_NAMES

    return (*RESERVED_PAGE_NAMES, report.id)


def plan(report, report_dir: Path, places: list[str] | None, lang: str, profile: str | None) -> list[Job]:
    """Check the parameters and list the notebook runs; raises UsageError before anything runs."""
    present.check_lang(lang)
    profile = present.check_profile(profile)
    valid = present.district_ids(report)
    # a district the report gives no figure for gets no page of empty sections (the index and the overview
    # name it in one line); asked for by --place, it is built
    wanted = list(dict.fromkeys(places)) if places else present.reported_districts(report)
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
    taken = [p for p in wanted if p in generated_names(report)]
    if taken:
        raise UsageError(
            f"place id(s) {', '.join(taken)} would overwrite a generated page ({', '.join(generated_names(report))}"
            "); rename the place in places.csv"
        )
    project = report.meta.get(f"title_{lang}") or report.meta["title_zh"]
    notebook_parameters = _public("notebook_parameters")
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


def _public(name: str):
    """``analysis.build.<name>``: the package's name, so that replacing it there (a test, a caller) takes
    effect here too, as it did when the build was one module."""
    package = sys.modules.get("analysis.build")
    return getattr(package, name, None) or globals()[name]


def __getattr__(name: str):
    """``DEFAULT_REPORT``: the default report folder, found in the data when asked (:mod:`analysis.locate`)."""
    if name == "DEFAULT_REPORT":
        from analysis.locate import default_report_dir

        return default_report_dir(strict=False)
    raise AttributeError(name)
