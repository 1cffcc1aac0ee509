"""Benchmark `closeout build` against the naive loop, the embedded-engine pool (the peer) and the compute floor.

    .venv/bin/python benchmarks/bench.py                       # the seed, N = 50 200, 3 runs each (long)
    .venv/bin/python benchmarks/bench.py --places seed 50 --repeat 3 --json bench.json
    .venv/bin/python benchmarks/bench.py --places seed --methods build,peer,one --repeat 5

For each size a report is taken: ``seed`` is data/anxin-plan-2020, a number N a synthetic report with N
district-level places (benchmarks/synth.py; it passes `closeout validate`). Then, in one run, alternating the
order of the methods from one repetition to the next:

- naive   the `papermill` command, then `jupyter nbconvert --to html --no-input`, per page (overview + N places)
- peer    papermill with ploomber-engine's in-process ``embedded`` engine in a 2-process pool, nbconvert
          in-process (benchmarks/peer.py): the best simple alternative a skilled user would write
- build1  `closeout build --workers 1`
- build   `closeout build` with the default number of workers (the CPU count)
- one     `closeout build --place ID` for the first place (a one-page rebuild)
- floor   the same analysis and charts in one plain Python process, no kernel (benchmarks/floor.py)

Each method runs as its own process tree; its wall time and peak memory (the largest sum of the RSS of every
process of the tree, sampled every 50 ms) and CPU time (user + system of the whole tree, from the kernel's
accounting of waited-for children; this process adopts and waits for orphaned descendants, such as the workers
of a fork server, so none is missed) are recorded. The summary gives medians, every ratio (naive ÷ build,
peer ÷ build, CPU per page ÷ the floor's), the per-place marginal cost (the slope between consecutive N)
against the floor's, the growth from N = 50 to N = 200, and the targets of the issue. The machine may be
shared: the load average at the start is printed, and alternating the methods spreads other work over all.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
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

METHODS = ("naive", "peer", "base", "base_one", "kernel", "build1", "build", "one", "floor")
LABELS = {
    "naive": "naive loop (papermill + nbconvert CLIs)",
    "peer": "embedded-engine pool (2 processes)",
    "build1": "closeout build --workers 1",
    "build": "closeout build (default workers)",
    "base": "baseline closeout build (--baseline tree)",
    "base_one": "baseline closeout build --place ID",
    "kernel": "closeout build --engine kernel",
    "one": "closeout build --place ID (one page)",
    "floor": "compute floor (plain Python)",
}
SEED = ROOT / "data" / "anxin-plan-2020"
BASELINE: Path | None = None  # --baseline: the source tree of the commit to compare with
# ploomber's telemetry and version check: off (the benchmark runs without network)
QUIET = {"PLOOMBER_STATS_ENABLED": "false", "PLOOMBER_VERSION_CHECK_DISABLED": "true"}


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


def become_subreaper() -> bool:
    """Adopt this process's orphaned descendants (Linux ``PR_SET_CHILD_SUBREAPER``).

    A process whose parent ends first (a fork server and the workers it forked outlive the build process by a
    moment) is then reparented to this process instead of init, and :func:`reap_orphans` waits for it, so its
    CPU time is counted in ``RUSAGE_CHILDREN`` like everyone else's. False where the call is not available.
    """
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(36, 1, 0, 0, 0) == 0  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        return False


def reap_orphans(timeout: float = 60.0) -> int:
    """Wait for every adopted descendant to end (at most ``timeout`` s); the number still running after it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return 0
        if pid == 0:
            time.sleep(0.02)
    return len(psutil.Process().children())


#: Where `make bench-setup` installs requirements-bench.lock (the peer's packages): beside the project's
#: environment, on the path of the peer's processes only, so that every other method runs in the environment
#: `make setup` makes (papermill would load the peer's engine, and its imports, in every build).
PEER_SITE = Path(sys.prefix) / "bench-site"


def run(cmd: list[str], mem: PeakMemory, log, pythonpath: Path | None = None, site: Path | None = None) -> None:
    env = _env()
    if pythonpath is not None:  # another commit's source tree first on the path (its notebooks beside it)
        env["PYTHONPATH"] = str(pythonpath / "src")
    if site is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(site), env.get("PYTHONPATH")]))
    proc = subprocess.Popen(cmd, cwd=pythonpath or ROOT, stdout=log, stderr=subprocess.STDOUT, env=env)
    mem.watch(proc.pid)
    if proc.wait() != 0:
        raise RuntimeError(f"failed ({proc.returncode}): {' '.join(cmd)}")
    left = reap_orphans()
    if left:
        raise RuntimeError(f"{left} process(es) still running 60 s after: {' '.join(cmd)}")


def _env() -> dict:
    env = {**os.environ, **QUIET}
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
    cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
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
        elif method in ("build1", "build", "one"):
            cmd = [str(BIN / "closeout"), "build", str(report), "--out", str(out)]
            extra = {"build1": ["--workers", "1"], "build": [], "one": ["--place", places[0]]}[method]
            run(cmd + extra, mem, log)
        elif method in ("base", "base_one"):
            if BASELINE is None:
                raise SystemExit("methods base/base_one need --baseline SRC (a source tree of another commit)")
            cmd = [sys.executable, "-m", "analysis", "build", str(report), "--out", str(out)]
            run(cmd + (["--place", places[0]] if method == "base_one" else []), mem, log, pythonpath=BASELINE)
        elif method == "kernel":
            run([str(BIN / "closeout"), "build", str(report), "--out", str(out), "--engine", "kernel"], mem, log)
        elif method == "peer":
            run([sys.executable, str(HERE / "peer.py"), str(report), "--out", str(out), "--workers", "2"], mem, log,
                site=PEER_SITE)
        elif method == "floor":
            run([sys.executable, str(HERE / "floor.py"), str(report), "--out", str(out)], mem, log)
        else:
            raise ValueError(method)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_s = (after.ru_utime - cpu.ru_utime) + (after.ru_stime - cpu.ru_stime)
    pages = 2 if method in ("one", "base_one") else len(places) + 1
    return {"seconds": seconds, "cpu_s": cpu_s, "pages": pages, "peak_mb": mem.peak / 2**20,
            "output_mb": folder_size(out) / 2**20}


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


def _per_page(runs: list[dict]) -> float | None:
    return median([r["cpu_s"] / r["pages"] for r in runs]) if runs else None


def summarise(results: dict, sizes: list) -> dict:
    """Medians, every ratio, marginal costs and linearity from the raw runs (keys: the sizes as strings)."""
    med, cpu, mem, ratios = {}, {}, {}, {}
    for n, by in results.items():
        med[n] = {m: median([r["seconds"] for r in runs]) for m, runs in by.items() if runs}
        cpu[n] = {m: _per_page(runs) for m, runs in by.items() if runs}
        mem[n] = {m: median([r["peak_mb"] for r in runs]) for m, runs in by.items() if runs}
        ratio = ratios.setdefault(n, {})
        for m in ("build1", "build"):
            for other in ("naive", "peer"):
                if med[n].get(other) and med[n].get(m):
                    ratio[f"{other} ÷ {m} (wall)"] = med[n][other] / med[n][m]
            if cpu[n].get(m) and cpu[n].get("floor"):
                ratio[f"{m} ÷ floor (CPU per page)"] = cpu[n][m] / cpu[n]["floor"]
        for m, base in (("build", "base"), ("one", "base_one"), ("kernel", "base"), ("build", "kernel")):
            if med[n].get(m) and med[n].get(base):
                ratio[f"{base} ÷ {m} (wall)"] = med[n][base] / med[n][m]
        if cpu[n].get("peer") and cpu[n].get("floor"):
            ratio["peer ÷ floor (CPU per page)"] = cpu[n]["peer"] / cpu[n]["floor"]
    out = {"median_seconds": med, "median_cpu_per_page_s": cpu, "median_peak_mb": mem, "ratios": ratios,
           "marginal": {}, "growth_50_200": {}}
    numeric = [n for n in sizes if str(n).isdigit()]
    for a, b in zip(numeric, numeric[1:]):
        key = f"{a}->{b}"
        for m in METHODS:
            if med[str(a)].get(m) is not None and med[str(b)].get(m) is not None:
                out["marginal"].setdefault(key, {})[m] = (med[str(b)][m] - med[str(a)][m]) / (int(b) - int(a))
    if "50" in med and "200" in med:
        for m in METHODS:
            if med["50"].get(m) and med["200"].get(m):
                out["growth_50_200"][m] = med["200"][m] / med["50"][m]
    return out


def table(results: dict, summary: dict, sizes: list, info: dict) -> str:
    med, cpu, mem = summary["median_seconds"], summary["median_cpu_per_page_s"], summary["median_peak_mb"]
    lines = [
        f"Measured {info['date']} on {info['cpu']}, {info['cpus']} CPUs, {info['ram_gb']} GB RAM, {info['os']}, "
        f"Python {info['python']} (load average at start {info['load_average_at_start']}, at end "
        f"{info.get('load_average_at_end')}); median of {info['repeat']} alternating runs per method.",
        "",
        "| report | method | wall time (s) | runs (s) | CPU per page (s) | peak memory (MB) | output (MB) "
        "| peer ÷ this | naive ÷ this |",
        "|---|---|---:|---|---:|---:|---:|---:|---:|",
    ]
    for n in map(str, sizes):
        for m in METHODS:
            runs = results[n].get(m) or []
            if not runs:
                continue
            whole = m not in ("peer", "naive", "floor", "one", "base_one")
            peer = med[n]["peer"] / med[n][m] if med[n].get("peer") and whole else None
            naive = med[n]["naive"] / med[n][m] if med[n].get("naive") and whole else None
            each = ", ".join(f"{r['seconds']:.1f}" for r in runs)
            lines.append(
                f"| {'seed' if n == 'seed' else f'synthetic, {n} places'} | {LABELS[m]} | {med[n][m]:.1f} | {each} | "
                f"{cpu[n][m]:.2f} | {mem[n][m]:.0f} | {median([r['output_mb'] for r in runs]):.1f} | "
                f"{'' if peer is None else f'{peer:.2f}×'} | {'' if naive is None else f'{naive:.1f}×'} |"
            )
    lines += ["", "| report | ratio | value |", "|---|---|---:|"]
    for n in map(str, sizes):
        for key, value in summary["ratios"].get(n, {}).items():
            lines.append(f"| {n} | {key} | {value:.2f}× |")
    if summary["marginal"]:
        lines += ["", "| per-place marginal cost (s/place) | " + " | ".join(LABELS[m] for m in METHODS) + " |",
                  "|---|" + "---:|" * len(METHODS)]
        for key, by in summary["marginal"].items():
            lines.append(f"| N {key} | " + " | ".join(f"{by[m]:.2f}" if m in by else "—" for m in METHODS) + " |")
    if summary["growth_50_200"]:
        lines += ["", "Growth from 50 to 200 places (cost at 200 ÷ cost at 50; linear would be ≤ 4.4): "
                  + ", ".join(f"{LABELS[m]} {v:.2f}×" for m, v in summary["growth_50_200"].items())]
    return "\n".join(lines)


def _check(ok: bool, text: str) -> str:
    return f"{'PASS' if ok else 'FAIL'}  {text}"


def targets(summary: dict, sizes: list) -> list[str]:
    """The targets of issue 12 (and the earlier ones) that this run measured."""
    med, cpu, out = summary["median_seconds"], summary["median_cpu_per_page_s"], []
    for n, floor in (("seed", 1.5), ("50", 3.0)):
        if med.get(n, {}).get("peer") and med[n].get("build"):
            r = med[n]["peer"] / med[n]["build"]
            out.append(_check(r >= floor, f"{n}: closeout build ≥ {floor}× faster than the embedded-engine pool: "
                                          f"{med[n]['build']:.1f} s vs {med[n]['peer']:.1f} s = {r:.2f}×"))
    if med.get("50", {}).get("naive") and med["50"].get("build"):
        r = med["50"]["naive"] / med["50"]["build"]
        out.append(_check(r >= 5, f"closeout build ≥ 5× faster than the naive loop at N = 50: {r:.1f}×"))
    for n in map(str, sizes):
        if cpu.get(n, {}).get("build") and cpu[n].get("floor"):
            r = cpu[n]["build"] / cpu[n]["floor"]
            out.append(_check(r <= 1.3, f"{n}: CPU per page ≤ 1.3× the compute floor's: {cpu[n]['build']:.2f} s vs "
                                        f"{cpu[n]['floor']:.2f} s = {r:.2f}×"))
        if med.get(n, {}).get("one"):
            out.append(_check(med[n]["one"] <= 2.0, f"{n}: one-page rebuild (--place ID) ≤ 2 s wall: "
                                                    f"{med[n]['one']:.1f} s"))
    for m in ("build1", "build"):
        g = summary["growth_50_200"].get(m)
        if g is not None:
            out.append(_check(g <= 4.4, f"200 places cost ≤ 4.4× 50 places ({LABELS[m]}): {g:.2f}× "
                                        f"(the floor itself: {summary['growth_50_200'].get('floor', float('nan')):.2f}×)"))
    return out


def _size(text: str):
    if text == "seed" or text.isdigit():
        return text
    raise argparse.ArgumentTypeError(f"a size is 'seed' or a number of places, not {text!r}")


def main(argv: list[str] | None = None) -> int:
    if not become_subreaper():
        print("warning: cannot adopt orphaned processes here: CPU time of a fork server's workers may be missed",
              file=sys.stderr)
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--places", type=_size, nargs="+", default=["seed", "50", "200"],
                   help="report sizes: 'seed' (data/anxin-plan-2020) or a number of synthetic places")
    p.add_argument("--repeat", type=int, default=3, help="runs of each method per size (median; default 3)")
    p.add_argument("--methods", default=",".join(METHODS), help=f"comma-separated subset of {','.join(METHODS)}")
    p.add_argument("--naive-max", type=int, default=None,
                   help="skip the naive loop above this N (it takes ~7 s a page)")
    p.add_argument("--peer-max", type=int, default=None, help="skip the embedded-engine pool above this N")
    p.add_argument("--workdir", type=Path, default=None, help="where reports and outputs go (default: a temp dir)")
    p.add_argument("--json", type=Path, default=None, help="also write every run and the summary here")
    p.add_argument("--baseline", type=Path, default=None,
                   help="for methods base/base_one: a source tree of another commit (git archive COMMIT | tar -x)")
    args = p.parse_args(argv)
    global BASELINE
    BASELINE = args.baseline.resolve() if args.baseline else None
    methods = [m for m in args.methods.split(",") if m]
    unknown = set(methods) - set(METHODS)
    if unknown:
        p.error(f"unknown method(s): {', '.join(sorted(unknown))}")
    if "peer" in methods and not (PEER_SITE / "ploomber_engine").is_dir():
        p.error(f"the peer method needs ploomber-engine, a benchmark-only package, in {PEER_SITE}: run "
                "make bench-setup (pip install --no-deps --target ... -r requirements-bench.lock), or leave peer "
                "out of --methods")
    work = args.workdir or Path(tempfile.mkdtemp(prefix="closeout-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    info = {**machine(), "repeat": args.repeat, "workers_default": os.cpu_count()}
    print(f"# workdir {work}; {info['cpus']} CPUs; load {info['load_average_at_start']}; log in {work / 'bench.log'}",
          flush=True)
    results: dict[str, dict[str, list[dict]]] = {}
    limits = {"naive": args.naive_max, "peer": args.peer_max}
    with open(work / "bench.log", "ab") as log:
        for n in args.places:
            report = SEED if n == "seed" else synth.generate(work, int(n))
            subprocess.run([str(BIN / "closeout"), "validate", str(report)], check=True, stdout=subprocess.DEVNULL)
            from analysis import build, present
            from analysis.load import load_report

            # the places `closeout build` makes a page for (its plan), the same for every method
            jobs = build.plan(load_report(report), report.resolve(), None, "zh", present.check_profile(None))
            places = [job.name for job in jobs if job.kind == "district"]
            size = len(places)
            wanted = [m for m in methods if limits.get(m) is None or size <= limits[m]]
            results[n] = {m: [] for m in wanted}
            for r in range(args.repeat):
                order = wanted[r % len(wanted):] + wanted[: r % len(wanted)]
                for m in order:
                    res = run_method(m, report, work / "out" / m, places, log)
                    results[n][m].append(res)
                    print(f"{n} run {r + 1}/{args.repeat} {m}: {res['seconds']:.1f} s, CPU {res['cpu_s']:.1f} s, "
                          f"peak {res['peak_mb']:.0f} MB", flush=True)
    info["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else None
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
