"""The best simple alternative to `closeout build`: papermill with ploomber-engine's in-process ``embedded``
engine in a 2-process pool, nbconvert in-process, over this repository's notebooks.

    python benchmarks/peer.py REPORT_DIR --out DIR [--workers 2]

What a skilled user would write without our engine: every page is ``papermill.execute_notebook(...,
engine_name="embedded")`` (the notebook runs inside the worker process, no kernel), then nbconvert's
``HTMLExporter`` (one per worker, no input cells) writes ``DIR/<page>.html``. Each notebook loads and checks
the report itself, as a notebook run on its own does. ploomber's telemetry and version check are switched off
(the machine has no network).
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import multiprocessing
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QUIET = {"PLOOMBER_STATS_ENABLED": "false", "PLOOMBER_VERSION_CHECK_DISABLED": "true", "MPLBACKEND": "agg"}
_exporter = None


def _quiet() -> None:
    os.environ.update(QUIET)


def page(notebook: str, executed: str, html: str, parameters: dict) -> float:
    """Run one notebook in this process with the embedded engine and export it to HTML; returns seconds."""
    global _exporter
    started = time.perf_counter()
    import papermill as pm
    from nbconvert import HTMLExporter

    pm.execute_notebook(
        notebook, executed, parameters=parameters, engine_name="embedded", progress_bar=False, log_output=False
    )
    if _exporter is None:
        _exporter = HTMLExporter(exclude_input=True)
    body, _ = _exporter.from_filename(executed)
    Path(html).write_text(body, encoding="utf-8")
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("report", type=Path)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--lang", default="zh")
    p.add_argument("--profile", default="default")
    p.add_argument("--place", dest="places", nargs="+", default=None, help="only these places")
    args = p.parse_args(argv)
    _quiet()
    started = time.perf_counter()
    sys.path.insert(0, str(ROOT / "src"))
    from analysis import build, present
    from analysis.load import load_report

    report = args.report.resolve()
    # the pages `closeout build` makes (its plan: the districts it builds a page for)
    jobs = build.plan(load_report(report), report, None, args.lang, present.check_profile(args.profile))
    places = args.places or [job.name for job in jobs if job.kind == "district"]
    (args.out / "executed").mkdir(parents=True, exist_ok=True)
    common = {"report_dir": str(report), "lang": args.lang, "profile": args.profile}
    pages = [("overview", ROOT / "notebooks" / "overview.ipynb", common)] + [
        (place, ROOT / "notebooks" / "district.ipynb", {**common, "place_id": place}) for place in places
    ]
    # the embedded engine runs each notebook as ``__main__`` of the worker: the task must live in a module
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import peer

    ctx = multiprocessing.get_context("spawn")
    with cf.ProcessPoolExecutor(args.workers, mp_context=ctx, initializer=peer._quiet) as pool:
        futures = [
            pool.submit(peer.page, str(nb), str(args.out / "executed" / f"{name}.ipynb"), str(args.out / f"{name}.html"),
                        params)
            for name, nb, params in pages
        ]
        seconds = [f.result() for f in futures]
    print(
        f"{len(pages)} pages in {time.perf_counter() - started:.1f} s with {args.workers} workers "
        f"(pages {min(seconds):.1f}-{max(seconds):.1f} s each)",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
