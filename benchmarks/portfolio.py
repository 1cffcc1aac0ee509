"""Pages per second per core on a synthetic portfolio: one batch build of many reports, local and on Dask.

    .venv/bin/python benchmarks/portfolio.py                       # 20 reports x 10 places, 2 runs each
    .venv/bin/python benchmarks/portfolio.py --reports 20 --places 10 --repeat 3 --json portfolio.json

The portfolio is benchmarks/synth.py's (``synth-<N>-g01`` …, each report its own seed; every one passes
`closeout validate`). Methods, alternating from one repetition to the next:

- local   `closeout build DIR …` (one local pool of the CPU count's workers for every report)
- dask    `closeout build DIR … --executor dask` (a LocalCluster of 2 worker processes, started by the build)
- floor   benchmarks/floor.py per report: the notebooks' code in one plain process; its page time only (the
          imports and start-up of each process excluded), so the floor is the cheapest the pages can be

Pages per second per core = pages ÷ (wall seconds × cores used): the CPU count for local and dask, 1 for the
floor. The machine may be shared with other work: the load average is printed at the start and the end.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(HERE))

import synth  # noqa: E402

ENV = {**os.environ, "PLOOMBER_STATS_ENABLED": "false"}


def run_build(reports: list[Path], out: Path, extra: list[str]) -> float:
    shutil.rmtree(out, ignore_errors=True)
    started = time.perf_counter()
    done = subprocess.run([str(BIN / "closeout"), "build", *map(str, reports), "--out", str(out), *extra],
                          cwd=ROOT, env=ENV, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    return seconds


def run_floor(reports: list[Path], out: Path) -> float:
    """The floor's page time summed over the reports (each report in its own process)."""
    total = 0.0
    for report in reports:
        shutil.rmtree(out, ignore_errors=True)
        done = subprocess.run([sys.executable, str(HERE / "floor.py"), str(report), "--out", str(out)],
                              cwd=ROOT, env=ENV, capture_output=True, text=True, check=True)
        total += float(re.search(r"pages ([0-9.]+) s\)", done.stderr).group(1))
    return total


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--reports", type=int, default=20)
    p.add_argument("--places", type=int, default=10)
    p.add_argument("--repeat", type=int, default=2)
    p.add_argument("--methods", default="local,dask,floor")
    p.add_argument("--workdir", type=Path, default=None)
    p.add_argument("--json", type=Path, default=None)
    args = p.parse_args(argv)
    work = args.workdir or Path(tempfile.mkdtemp(prefix="closeout-portfolio-"))
    reports = synth.portfolio(work, args.reports, args.places)
    pages = args.reports * (args.places + 1)
    cores = os.cpu_count() or 1
    methods = [m for m in args.methods.split(",") if m]
    load_start = os.getloadavg()
    print(f"# {args.reports} reports x {args.places} places = {pages} pages; {cores} CPUs; load {load_start}",
          flush=True)
    runs: dict[str, list[float]] = {m: [] for m in methods}
    for r in range(args.repeat):
        for m in methods[r % len(methods):] + methods[: r % len(methods)]:
            out = work / "out" / m
            if m == "local":
                seconds = run_build(reports, out, [])
            elif m == "dask":
                seconds = run_build(reports, out, ["--executor", "dask", "--workers", "2"])
            else:
                seconds = run_floor(reports, out)
            runs[m].append(seconds)
            print(f"run {r + 1}/{args.repeat} {m}: {seconds:.1f} s", flush=True)
    if "local" in runs and "dask" in runs:
        a, b = work / "out" / "local", work / "out" / "dask"
        same = all((a / f.relative_to(b)).read_bytes() == f.read_bytes()
                   for f in b.rglob("*.html") if "executed" not in f.parts)
        print(f"local and dask outputs byte-identical (every page and index): {same}")
    used = {"local": cores, "dask": min(2, cores), "floor": 1}
    print(f"\nload average at the end {os.getloadavg()}\n")
    print("| method | wall time (s) | runs (s) | pages/s | pages/s per core | ÷ floor per core |")
    print("|---|---:|---|---:|---:|---:|")
    rate = {m: pages / statistics.median(v) / used[m] for m, v in runs.items() if v}
    for m, v in runs.items():
        med = statistics.median(v)
        vs = f"{rate[m] / rate['floor']:.2f}" if "floor" in rate else ""
        print(f"| {m} | {med:.1f} | {', '.join(f'{x:.1f}' for x in v)} | {pages / med:.2f} | {rate[m]:.2f} | {vs} |")
    if args.json:
        args.json.write_text(json.dumps({"runs": runs, "pages": pages, "cores": cores, "rate": rate,
                                         "load": [load_start, os.getloadavg()]}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
