"""How long a one-page rebuild takes in `closeout watch` (warm) after an edit of the data.

    .venv/bin/python benchmarks/rebuild.py [REPORT_DIR] [--place ID] [--edits 5]

Copies the report (and its source text) to a scratch folder, starts `closeout watch --place ID` in this process
(analysis.build.watch), and after each build touches one CSV of the copy (rewrites it unchanged, so the data
and the pages stay the same and only the modification time changes); prints the seconds of every build: the
first one cold (imports, first notebook), the others warm. The time from the edit to the new page also
includes up to one poll interval (0.2 s here) and the settle poll.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("report", type=Path, nargs="?", default=ROOT / "data" / "anxin-plan-2020")
    p.add_argument("--place", default=None, help="default: the first place of the report")
    p.add_argument("--edits", type=int, default=5)
    args = p.parse_args(argv)
    from analysis import present
    from analysis.build import watch
    from analysis.load import load_report

    work = Path(tempfile.mkdtemp(prefix="closeout-rebuild-"))
    source = args.report.resolve()
    report = load_report(source)
    shutil.copytree(source, work / "data" / source.name)
    src_text = (source / report.meta["source"]).resolve()
    (work / "data" / "raw").mkdir(exist_ok=True)
    shutil.copy(src_text, work / "data" / "raw" / src_text.name)
    folder = work / "data" / source.name
    place = args.place or present.district_ids(report)[0]
    seconds: list[float] = []
    edited: list[float] = []
    seen: list[float] = []

    def on_build(out, took, message):
        seconds.append(took)
        seen.append(time.monotonic())
        print(f"build {len(seconds)}: {took:.2f} s  {message}", flush=True)

    def edit():
        target = folder / "metrics.csv"
        while len(seconds) < args.edits + 1:
            n = len(seconds)
            while len(seconds) == n:
                time.sleep(0.05)
            time.sleep(0.3)
            if len(seconds) >= args.edits + 1:
                break
            edited.append(time.monotonic())
            target.write_bytes(target.read_bytes())

    thread = threading.Thread(target=edit, daemon=True)
    thread.start()
    watch.watch(folder, places=[place], out=work / "out", interval=0.2, max_builds=args.edits + 1,
                seconds=600, on_build=on_build)
    warm = seconds[1:]
    latency = [s - e for e, s in zip(edited, seen[1:], strict=False)]
    print(f"first build (cold) {seconds[0]:.2f} s; warm rebuilds: median {statistics.median(warm):.2f} s "
          f"(min {min(warm):.2f}, max {max(warm):.2f}); edit to page: median {statistics.median(latency):.2f} s",
          file=sys.stderr)
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
