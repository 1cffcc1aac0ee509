"""Where the reports are: the default report folder comes from the data, never from code.

``$CLOSEOUT_REPORT`` when set, else the first folder of ``data/`` (in name order) that holds a report.toml,
looked for from the working directory upwards and then in the repository.
"""

from __future__ import annotations

import os
from pathlib import Path

ENV_REPORT = "CLOSEOUT_REPORT"


def repository_root() -> Path:
    """The checkout this package runs from (src/analysis/ → the repository)."""
    return Path(__file__).resolve().parents[2]


def report_folders(data: Path) -> list[Path]:
    """The report folders directly under ``data`` (each holds a report.toml), in name order."""
    return sorted(p.parent for p in Path(data).glob("*/report.toml"))


def default_report_dir(strict: bool = True) -> Path:
    """``$CLOSEOUT_REPORT``, else the first report folder under a ``data/`` folder of the working directory,
    one of its parents or the repository. With ``strict`` false a missing one gives ``data`` (the command then
    says that it holds no report) instead of raising."""
    from analysis.errors import UsageError

    env = os.environ.get(ENV_REPORT, "").strip()
    if env:
        return Path(env)
    for base in [Path.cwd(), *Path.cwd().parents, repository_root()]:
        found = report_folders(base / "data") if (base / "data").is_dir() else []
        if found:
            try:
                return found[0].relative_to(Path.cwd())
            except ValueError:
                return found[0]
    if not strict:
        return Path("data")
    raise UsageError(f"no report folder (data/<report>/report.toml) found; give one, or set {ENV_REPORT}")
