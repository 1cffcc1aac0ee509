"""The compute floor of a build: the notebooks' own code, page by page, in one plain Python process.

    python benchmarks/floor.py REPORT_DIR --out DIR

Every page runs exactly what its notebook runs (the parameters cell, the parameters ``closeout build`` would
inject, then every code cell, each page in a fresh namespace), so the analysis and the charts are the same work
as in a build, but there is no kernel, no papermill, no nbconvert and no index: the HTML fragments the notebook
displays are joined into ``DIR/<page>.html``. Python and the modules are started and imported once; the report
is validated, checked and assessed once and each page reads that snapshot, as in a build
(``analysis.snapshot``). The difference between a build and this is what running notebooks costs.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def code_cells(notebook: Path) -> tuple[str, list[str]]:
    """(the parameters cell, the other code cells) of a stored notebook."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    params, cells = "", []
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            params = source
        else:
            cells.append(source)
    return params, cells


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("report", type=Path)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--lang", default="zh")
    p.add_argument("--profile", default=None)
    args = p.parse_args(argv)
    os.environ.setdefault("MPLBACKEND", "agg")
    started = time.perf_counter()

    import IPython.display

    shown: list[str] = []
    IPython.display.display = lambda *objs, **_: shown.extend(getattr(o, "data", str(o)) for o in objs)

    from analysis import build, present, snapshot
    from analysis.load import load_report

    report_dir = args.report.resolve()
    report = load_report(report_dir)
    profile = present.check_profile(args.profile)
    jobs = build.plan(report, report_dir, None, args.lang, profile)
    notebooks = {path: code_cells(Path(path)) for path in {job.notebook for job in jobs}}
    args.out.mkdir(parents=True, exist_ok=True)
    # the data validated and checked once, as `closeout build` does (analysis.snapshot)
    checked = build.run_checks_once(report, profile)
    findings = {profile: checked["findings"]} if checked["findings"] is not None else {}
    assessment, _ = build.assess_once(report, profile, findings.get(profile))
    assessed = {profile: assessment} if assessment is not None else {}
    os.environ[snapshot.ENV] = str(snapshot.write(args.out / "snapshot.pickle", report, findings, assessed))
    ready = time.perf_counter()
    for job in jobs:
        params, cells = notebooks[job.notebook]
        namespace: dict = {"__name__": "__main__"}
        exec(params, namespace)  # noqa: S102 - the notebook's own code
        namespace.update(job.parameters)
        shown.clear()
        for source in cells:
            exec(source, namespace)  # noqa: S102
        (args.out / job.html).write_text("".join(shown), encoding="utf-8")
    done = time.perf_counter()
    print(
        f"{len(jobs)} pages in {done - started:.1f} s (start-up and imports {ready - started:.1f} s, "
        f"pages {done - ready:.1f} s)",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
