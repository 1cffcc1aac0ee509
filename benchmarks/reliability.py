"""Run `closeout build --workers 2` many times in a row and count kernel start failures.

    .venv/bin/python benchmarks/reliability.py                  # 100 builds of the default report
    .venv/bin/python benchmarks/reliability.py --builds 20 --workers 2 --report data/anxin-plan-2020

Each build is the `closeout` command in its own process, into a scratch output folder. A kernel start failure is
any failed attempt to start (or warm up) a kernel: the ones `closeout build` retried (a note in build-log.txt)
and the pages that failed on one. Also counted: builds that did not exit 0, failed pages, warm-kernel
replacements and reset failures, and processes left running after a build. Exit status 0 when every count of a
failure is zero.
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
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLOSEOUT = Path(sys.executable).parent / "closeout"


def leftovers(marker: str) -> list[int]:
    """Live processes whose environment carries ``marker`` (Linux /proc; [] elsewhere)."""
    found = []
    proc = Path("/proc")
    if not proc.is_dir():
        return found
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if marker.encode() in (entry / "environ").read_bytes():
                if (entry / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z":
                    found.append(int(entry.name))
        except OSError:
            continue
    return found


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--builds", type=int, default=100)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--report", type=Path, default=ROOT / "data" / "anxin-plan-2020")
    args = p.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="closeout-reliability-"))
    counts = {
        "builds": 0,
        "builds_not_ok": 0,
        "pages": 0,
        "pages_failed": 0,
        "kernel_start_failures": 0,
        "pages_failed_on_kernel_start": 0,
        "kernel_replacements": 0,
        "kernel_reset_failures": 0,
        "builds_leaving_processes": 0,
    }
    seconds, problems = [], []
    try:
        for i in range(1, args.builds + 1):
            marker = f"closeout-reliability-{uuid.uuid4().hex}"
            out = work / "out"
            started = time.monotonic()
            done = subprocess.run(
                [str(CLOSEOUT), "build", str(args.report), "--out", str(out), "--workers", str(args.workers)],
                cwd=ROOT,
                env={**os.environ, "CLOSEOUT_RELIABILITY_MARKER": marker},
                capture_output=True,
                text=True,
            )
            seconds.append(time.monotonic() - started)
            counts["builds"] += 1
            if done.returncode != 0:
                counts["builds_not_ok"] += 1
                problems.append(f"build {i}: exit {done.returncode}: {done.stderr.strip()[-400:]}")
            logs = list(out.glob("*/build-log.txt"))
            log = logs[0].read_text(encoding="utf-8") if logs else ""
            manifest = json.loads(logs[0].with_name("manifest.json").read_text(encoding="utf-8")) if logs else {}
            for page in manifest.get("pages", []):
                counts["pages"] += 1
                if page["status"] != "ok":
                    counts["pages_failed"] += 1
                    problems.append(f"build {i}: page {page['name']}: {page.get('error')}")
                    if page.get("error", {}).get("cell") == "kernel start":
                        counts["pages_failed_on_kernel_start"] += 1
            counts["kernel_start_failures"] += len(re.findall(r"^\s*attempt \d+: kernel start failed", log, re.M))
            counts["kernel_replacements"] += sum(int(n) for n in re.findall(r"warm kernel replaced[^\n]*\((\d+)x\)", log))
            counts["kernel_reset_failures"] += sum(
                int(n) for n in re.findall(r"warm kernel reset failed[^\n]*\((\d+)x\)", log)
            )
            deadline = time.monotonic() + 10
            while (left := leftovers(marker)) and time.monotonic() < deadline:
                time.sleep(0.2)
            if left:
                counts["builds_leaving_processes"] += 1
                problems.append(f"build {i}: processes left running: {left}")
            print(
                f"build {i}/{args.builds}: exit {done.returncode}, {seconds[-1]:.1f} s, "
                f"kernel start failures so far {counts['kernel_start_failures'] + counts['pages_failed_on_kernel_start']}",
                flush=True,
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print()
    for line in problems:
        print(line)
    print(
        f"{counts['builds']} builds of {args.report.name} with --workers {args.workers}: "
        f"{counts['builds_not_ok']} not ok, {counts['pages_failed']} of {counts['pages']} pages failed, "
        f"kernel start failures {counts['kernel_start_failures'] + counts['pages_failed_on_kernel_start']} "
        f"(retried {counts['kernel_start_failures']}, pages lost {counts['pages_failed_on_kernel_start']}), "
        f"warm kernels replaced {counts['kernel_replacements']}, reset failures {counts['kernel_reset_failures']}, "
        f"builds leaving processes {counts['builds_leaving_processes']}; "
        f"build time median {statistics.median(seconds):.1f} s, max {max(seconds):.1f} s"
    )
    failures = sum(v for k, v in counts.items() if k not in ("builds", "pages"))
    return 0 if failures == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
