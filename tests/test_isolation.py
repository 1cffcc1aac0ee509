"""Pages do not depend on the pages a process ran before them, nor on the process's string hashing.

The notebooks of a build share their process (the in-process engine, one worker here) and keep the project's
modules imported between pages; each page unpickles its own copy of the report. Whatever order the pages run
in, every page is byte-identical. The pool's workers are forked from the build process and hash strings with
its (random) hash seed: every page is the same bytes under two seeds.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from analysis import build
from analysis.load import load_report
from conftest import SEED_REPORT

SECOND = Path(__file__).resolve().parent / "reports" / "qinghe-warm-winter-2022"


def _built(report: Path, out: Path, monkeypatch, reverse: bool) -> dict[str, bytes]:
    planned = build.plan
    with monkeypatch.context() as m:
        if reverse:
            m.setattr(build, "plan", lambda *a, **k: list(reversed(planned(*a, **k))))
        folder = build.build(report, out=out, workers=1)
    pages = [job.html for job in planned(load_report(report), report, None, "zh", None)]
    return {name: (folder / name).read_bytes() for name in pages}


@pytest.mark.parametrize("report", [SEED_REPORT, SECOND], ids=["seed", "second"])
def test_pages_are_the_same_in_any_order_in_one_process(report, tmp_path, monkeypatch):
    """Every page of a report built forwards and backwards in one in-process worker is byte-identical (the
    index and the one-file copy list the pages in the order built, so they are not compared)."""
    forwards = _built(report, tmp_path / "forwards", monkeypatch, reverse=False)
    backwards = _built(report, tmp_path / "backwards", monkeypatch, reverse=True)
    assert len(forwards) >= 3
    assert forwards.keys() == backwards.keys()
    for name in forwards:
        assert forwards[name] == backwards[name], name


@pytest.mark.parametrize("report", [SEED_REPORT, SECOND], ids=["seed", "second"])
def test_pages_do_not_depend_on_the_hash_seed(report, tmp_path):
    """Every page, the index and the CSVs of a report built by `closeout build --workers 2` (workers forked
    from it) are byte-identical under PYTHONHASHSEED=1 and PYTHONHASHSEED=2."""
    built = {}
    for seed in ("1", "2"):
        out = tmp_path / seed
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run([sys.executable, "-m", "analysis", "build", str(report), "--out", str(out),
                               "--workers", "2"], env=env, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr
        folder = next(p for p in out.iterdir() if p.is_dir())
        built[seed] = {p.relative_to(folder): p.read_bytes() for p in folder.glob("*.*")
                       if p.name not in ("build-log.txt",)}
    assert len(built["1"]) >= 6
    assert built["1"].keys() == built["2"].keys()
    for name in built["1"]:
        assert built["1"][name] == built["2"][name], name
