"""One build, one snapshot of the data: the report, its findings and its assessment, computed once, shared by
every page.

``closeout build`` loads and validates the report folder, runs the checks and the assessment once, and
pickles them into its scratch folder; the environment variable ``CLOSEOUT_SNAPSHOT`` names that file for the
build's notebooks. In a notebook, :func:`analysis.load.load_report` of the same folder then returns the
snapshot's report, and :func:`analysis.checks.run_checks` and :func:`analysis.assessment.assess` of that report
and profile its findings and assessment, instead of validating, checking and assessing the whole report again
for every page (which made a build's cost grow with the square of its places). The results are the same
objects the notebook would have computed, so pages are unchanged; and every page of a build shows the same data
even if a file is edited while the build runs.

Every :func:`report_for` call unpickles a new report (a few milliseconds): one page that changes its report
changes nothing for the next page run by the same process. The findings and assessments travel inside that
report and are handed out as copies, and only while its tables and source text are the ones it was checked
with. Without the variable (JupyterLab, the papermill CLI) nothing is cached.
"""

from __future__ import annotations

import copy
import os
import pickle
from pathlib import Path

import pandas as pd

from analysis.files import write_atomic

ENV = "CLOSEOUT_SNAPSHOT"
_KEY = "_snapshot"  # where a snapshot's report keeps its findings and assessments (in its __dict__)

_loaded: dict[str, tuple[str, bytes]] = {}  # snapshot file -> (its report folder, the pickled report)
_KEEP = 8  # snapshots kept per process: the reports of a batch share the workers, their pages interleave


def _identity(report) -> tuple:
    """What the findings were computed from: the report's tables and source text (compared by identity)."""
    return (*report.tables.values(), report.source_text)


def write(path: Path, report, findings: dict[str, pd.DataFrame], assessments: dict | None = None) -> Path:
    """Pickle ``report`` (loaded from ``report.path``) with its findings and assessments per profile to
    ``path``. ``report`` itself is left as it was."""
    report.__dict__[_KEY] = {"findings": findings, "assessments": assessments or {}, "of": _identity(report)}
    try:
        payload = pickle.dumps(report, protocol=pickle.HIGHEST_PROTOCOL)
    finally:
        del report.__dict__[_KEY]
    content = {"folder": str(Path(report.path).resolve()), "report": payload}
    return write_atomic(path, pickle.dumps(content, protocol=pickle.HIGHEST_PROTOCOL))


def _content() -> tuple[str, bytes] | None:
    path = os.environ.get(ENV)
    if not path:
        return None
    if path not in _loaded:
        try:
            with open(path, "rb") as f:
                content = pickle.load(f)
        except OSError:
            return None
        while len(_loaded) >= _KEEP:  # the oldest first: a watching process runs one build after another
            _loaded.pop(next(iter(_loaded)))
        _loaded[path] = (content["folder"], content["report"])
    return _loaded[path]


def report_for(folder: str | Path):
    """A new copy of the snapshot's report when ``folder`` is the folder it was loaded from, else None."""
    content = _content()
    if content is None or str(Path(folder).resolve()) != content[0]:
        return None
    return pickle.loads(content[1])  # noqa: S301 - the build's own file, in its private scratch folder


def _computed(report, kind: str, profile: str):
    snap = report.__dict__.get(_KEY)
    if snap is None or profile not in snap[kind]:
        return None
    now = _identity(report)
    if len(now) != len(snap["of"]) or any(a is not b for a, b in zip(now, snap["of"], strict=True)):
        return None  # a table or the source was replaced since: compute afresh
    return snap[kind][profile]


def findings_for(report, profile: str) -> pd.DataFrame | None:
    """A copy of the findings for ``profile`` when ``report`` came from the snapshot (unchanged), else None."""
    found = _computed(report, "findings", profile)
    return None if found is None else found.copy()


def assessment_for(report, profile: str):
    """A copy of the assessment for ``profile`` when ``report`` came from the snapshot (unchanged), else None."""
    found = _computed(report, "assessments", profile)
    return None if found is None else copy.deepcopy(found)
