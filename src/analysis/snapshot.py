"""One build, one snapshot of the data: the report and its findings, validated once, shared by every page.

``closeout build`` loads and validates the report folder, runs the checks and the assessment once, and
pickles them into its scratch folder; the environment variable ``CLOSEOUT_SNAPSHOT`` names that file for the
build's kernels. In a notebook, :func:`analysis.load.load_report` of the same folder then returns the
snapshot's report, and :func:`analysis.checks.run_checks` and :func:`analysis.assessment.assess` of that report
and profile its findings and assessment, instead of validating, checking and assessing the whole report again
for every page (which made a build's cost grow with the square of its places). The results are the same
objects the notebook would have computed, so pages are unchanged; and every page of a build shows the same data
even if a file is edited while the build runs. Without the variable (JupyterLab, the
papermill CLI) nothing is cached.
"""

from __future__ import annotations

import copy
import os
import pickle
from pathlib import Path

import pandas as pd

ENV = "CLOSEOUT_SNAPSHOT"

_loaded: dict = {}  # path of the snapshot file -> its content, once per kernel session


def write(path: Path, report, findings: dict[str, pd.DataFrame], assessments: dict | None = None) -> Path:
    """Pickle ``report`` (loaded from ``report.path``), its findings and its assessments per profile to
    ``path``."""
    tmp = path.with_name(path.name + ".tmp")
    content = {"folder": str(Path(report.path).resolve()), "report": report, "findings": findings,
               "assessments": assessments or {}}
    with open(tmp, "wb") as f:
        pickle.dump(content, f, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)
    return path


def _content() -> dict | None:
    path = os.environ.get(ENV)
    if not path:
        return None
    if path not in _loaded:
        try:
            with open(path, "rb") as f:
                _loaded[path] = pickle.load(f)
        except OSError:
            return None
    return _loaded[path]


def report_for(folder: str | Path):
    """The snapshot's report when ``folder`` is the folder it was loaded from, else None."""
    content = _content()
    if content is None or str(Path(folder).resolve()) != content["folder"]:
        return None
    return content["report"]


def findings_for(report, profile: str) -> pd.DataFrame | None:
    """A copy of the snapshot's findings when ``report`` is the snapshot's report (the same object), else None."""
    content = _content()
    if content is None or report is not content["report"] or profile not in content["findings"]:
        return None
    return content["findings"][profile].copy()


def assessment_for(report, profile: str):
    """A copy of the snapshot's assessment when ``report`` is the snapshot's report (the same object), else
    None."""
    content = _content()
    if content is None or report is not content["report"] or profile not in content.get("assessments", {}):
        return None
    return copy.deepcopy(content["assessments"][profile])
