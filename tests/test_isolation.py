"""Pages do not depend on the pages a process ran before them.

The notebooks of a build share their process (the in-process engine, one worker here) and keep the project's
modules imported between pages; each page unpickles its own copy of the report. Whatever order the pages run
in, every page is byte-identical.
"""

from __future__ import annotations

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
