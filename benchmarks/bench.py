"""Benchmark `closeout build` against the naive papermill + nbconvert loop and the compute floor.

    .venv/bin/python benchmarks/bench.py                       # N = 10 50 200, 3 runs each (long: see README)
    .venv/bin/python benchmarks/bench.py --places 10 50 --repeat 3 --json bench.json

For each N a synthetic report with N district-level places is generated (benchmarks/synth.py; it passes
`closeout validate`). Then, in one run, alternating the order of the methods from one repetition to the next:

- naive   the `papermill` command, then `jupyter nbconvert --to html --no-input`, per page (overview + N places)
- build1  `closeout build --workers 1`
- build   `closeout build` with the default number of workers (the CPU count)
- floor   the same analysis and charts in one plain Python process, no kernel (benchmarks/floor.py)

Each method runs as its own process tree; its wall time and peak memory (the largest sum of the RSS of every
process of the tree, sampled every 50 ms) are recorded. The summary gives medians, naive ÷ build, the
per-place marginal cost (the slope between consecutive N) against the floor's, the growth from N = 50 to
N = 200, and the targets of the issue.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(HERE))

import synth  # noqa: E402

METHODS = ("naive", "build1", "build", "floor")
LABELS = {
    "naive": "naive loop (papermill + nbconvert CLIs)",
    "build1": "closeout build --workers 1",
    "build": "closeout build (default workers)",
    "floor": "compute floor (plain Python)",
}


class PeakMemory:
    """The peak of the summed RSS of a process and all its descendants, sampled in a thread."""

    def __init__(self, interval: float = 0.05):
        self.interval, self.peak, self._pids = interval, 0, set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def watch(self, pid: int) -> None:
        self._pids.add(pid)

    def _run(self) -> None:
        while not self._stop.is_set():
            total = 0
            for pid in list(self._pids):
                try:
                    proc = psutil.Process(pid)
                    procs = [proc, *proc.children(recursive=True)]
                except psutil.Error:
                    continue
                for p in procs:
                    try:
                        total += p.memory_info().rss
                    except psutil.Error:
                        pass
            self.peak = max(self.peak, total)
            self._stop.wait(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def run(cmd: list[str], mem: PeakMemory, log) -> None:
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=_env())
    mem.watch(proc.pid)
    if proc.wait() != 0:
        raise RuntimeError(f"failed ({proc.returncode}): {' '.join(cmd)}")


def _env() -> dict:
    env = dict(os.environ)
    env.pop("JUPYTER_PATH", None)
    return env


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def run_method(method: str, report: Path, out: Path, places: list[str], log) -> dict:
    """One timed run of one method; the output folder is emptied first."""
    shutil.rmtree(out, ignore_errors=True)
    (out / "executed").mkdir(parents=True)
    pages = [("overview", "notebooks/overview.ipynb", [])] + [
        (p, "notebooks/district.ipynb", ["-p", "place_id", p]) for p in places
    ]
    started = time.perf_counter()
    with PeakMemory() as mem:
        if method == "naive":
            for name, notebook, extra in pages:
                executed = out / "executed" / f"{name}.ipynb"
                run(
                    [str(BIN / "papermill"), notebook, str(executed), "-k", "python3", "--no-progress-bar",
                     "-p", "report_dir", str(report), "-p", "lang", "zh", "-p", "profile", "default", *extra],
                    mem,
                    log,
                )
                run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", "--output-dir", str(out),
                     str(executed)], mem, log)
        elif method in ("build1", "build"):
            cmd = [str(BIN / "closeout"), "build", str(report), "--out", str(out)]
            run(cmd + (["--workers", "1"] if method == "build1" else []), mem, log)
        elif method == "floor":
            run([sys.executable, str(HERE / "floor.py"), str(report), "--out", str(out)], mem, log)
        else:
            raise ValueError(method)
    return {"seconds": time.perf_counter() - started, "peak_mb": mem.peak / 2**20, "output_mb": folder_size(out) / 2**20}


def machine() -> dict:
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": model,
        "cpus": os.cpu_count(),
        "ram_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else None,
    }


def median(values):
    return statistics.median(values) if values else None


def summarise(results: dict, places: list[int]) -> dict:
    """Medians, ratios, marginal costs and linearity from the raw runs."""
    med = {n: {m: median([r["seconds"] for r in runs]) for m, runs in by.items() if runs} for n, by in results.items()}
    mem = {n: {m: median([r["peak_mb"] for r in runs]) for m, runs in by.items() if runs} for n, by in results.items()}
    out = {"median_seconds": med, "median_peak_mb": mem, "ratio_naive": {}, "marginal": {}, "growth_50_200": {}}
    for n in places:
        for m in ("build1", "build"):
            if med[n].get("naive") and med[n].get(m):
                out["ratio_naive"].setdefault(str(n), {})[m] = med[n]["naive"] / med[n][m]
    for a, b in zip(places, places[1:]):
        key = f"{a}->{b}"
        for m in METHODS:
            if med[a].get(m) is not None and med[b].get(m) is not None:
                out["marginal"].setdefault(key, {})[m] = (med[b][m] - med[a][m]) / (b - a)
    if 50 in med and 200 in med:
        for m in METHODS:
            if med[50].get(m) and med[200].get(m):
                out["growth_50_200"][m] = med[200][m] / med[50][m]
    return out


def table(results: dict, summary: dict, places: list[int], info: dict) -> str:
    med, mem = summary["median_seconds"], summary["median_peak_mb"]
    lines = [
        f"Measured {info['date']} on {info['cpu']}, {info['cpus']} CPUs, {info['ram_gb']} GB RAM, {info['os']}, "
        f"Python {info['python']} (load average at start {info['load_average_at_start']}); "
        f"median of {info['repeat']} alternating runs per method.",
        "",
        "| places | method | wall time (s) | runs (s) | peak memory (MB) | output (MB) | naive ÷ this |",
        "|---:|---|---:|---|---:|---:|---:|",
    ]
    for n in places:
        for m in METHODS:
            runs = results[n].get(m) or []
            if not runs:
                continue
            ratio = med[n]["naive"] / med[n][m] if med[n].get("naive") and m != "naive" else None
            each = ", ".join(f"{r['seconds']:.1f}" for r in runs)
            lines.append(
                f"| {n} | {LABELS[m]} | {med[n][m]:.1f} | {each} | "
                f"{mem[n][m]:.0f} | {median([r['output_mb'] for r in runs]):.1f} | "
                f"{'' if ratio is None else f'{ratio:.1f}×'} |"
            )
    lines += ["", "| per-place marginal cost (s/place) | " + " | ".join(LABELS[m] for m in METHODS) + " |",
              "|---|" + "---:|" * len(METHODS)]
    for key, by in summary["marginal"].items():
        lines.append(f"| N {key} | " + " | ".join(f"{by[m]:.2f}" if m in by else "—" for m in METHODS) + " |")
    if summary["growth_50_200"]:
        lines += ["", "Growth from 50 to 200 places (cost at 200 ÷ cost at 50; linear would be ≤ 4.4): "
                  + ", ".join(f"{LABELS[m]} {v:.2f}×" for m, v in summary["growth_50_200"].items())]
    return "\n".join(lines)


def targets(summary: dict, places: list[int]) -> list[str]:
    med, out = summary["median_seconds"], []
    if 50 in med and med[50].get("naive") and med[50].get("build"):
        r = med[50]["naive"] / med[50]["build"]
        out.append(f"{'PASS' if r >= 5 else 'FAIL'}  closeout build ≥ 5× faster than the naive loop at N = 50: {r:.1f}×")
    last = list(summary["marginal"].items())[-1:] if summary["marginal"] else []
    for key, by in last:
        for m in ("build1", "build"):
            if m in by and by.get("floor"):
                r = by[m] / by["floor"]
                out.append(f"{'PASS' if r <= 1.5 else 'FAIL'}  per-place marginal cost ({LABELS[m]}, N {key}) ≤ 1.5× the "
                           f"compute floor's: {by[m]:.2f} s vs {by['floor']:.2f} s = {r:.2f}×")
    for m in ("build1", "build"):
        g = summary["growth_50_200"].get(m)
        if g is not None:
            out.append(f"{'PASS' if g <= 4.4 else 'FAIL'}  200 places cost ≤ 4.4× 50 places ({LABELS[m]}): {g:.2f}× "
                       f"(the floor itself: {summary['growth_50_200'].get('floor', float('nan')):.2f}×)")
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--places", type=int, nargs="+", default=[10, 50, 200])
    p.add_argument("--repeat", type=int, default=3, help="runs of each method per N (median; default 3)")
    p.add_argument("--methods", default=",".join(METHODS), help=f"comma-separated subset of {','.join(METHODS)}")
    p.add_argument("--naive-max", type=int, default=None,
                   help="skip the naive loop above this N (it takes ~7 s a page)")
    p.add_argument("--workdir", type=Path, default=None, help="where reports and outputs go (default: a temp dir)")
    p.add_argument("--json", type=Path, default=None, help="also write every run and the summary here")
    args = p.parse_args(argv)
    methods = [m for m in args.methods.split(",") if m]
    unknown = set(methods) - set(METHODS)
    if unknown:
        p.error(f"unknown method(s): {', '.join(sorted(unknown))}")
    work = args.workdir or Path(tempfile.mkdtemp(prefix="closeout-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    info = {**machine(), "repeat": args.repeat, "workers_default": os.cpu_count()}
    print(f"# workdir {work}; {info['cpus']} CPUs; log in {work / 'bench.log'}", flush=True)
    results: dict[int, dict[str, list[dict]]] = {}
    with open(work / "bench.log", "ab") as log:
        for n in args.places:
            report = synth.generate(work, n)
            subprocess.run([str(BIN / "closeout"), "validate", str(report)], check=True, stdout=subprocess.DEVNULL)
            from analysis import present
            from analysis.load import load_report

            places = present.district_ids(load_report(report))
            wanted = [m for m in methods if not (m == "naive" and args.naive_max is not None and n > args.naive_max)]
            results[n] = {m: [] for m in wanted}
            for r in range(args.repeat):
                order = wanted[r % len(wanted):] + wanted[: r % len(wanted)]
                for m in order:
                    res = run_method(m, report, work / "out" / m, places, log)
                    results[n][m].append(res)
                    print(f"N={n} run {r + 1}/{args.repeat} {m}: {res['seconds']:.1f} s, peak {res['peak_mb']:.0f} MB",
                          flush=True)
    summary = summarise(results, args.places)
    print()
    print(table(results, summary, args.places, info))
    print()
    for line in targets(summary, args.places):
        print(line)
    if args.json:
        args.json.write_text(json.dumps({"machine": info, "runs": results, "summary": summary}, indent=1,
                                        ensure_ascii=False, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
