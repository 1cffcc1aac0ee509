"""`closeout watch`: a change of the data rebuilds the pages on the warm executor; bad data keeps the output."""

from __future__ import annotations

import threading
import time

from analysis.build import watch
from conftest import write_mini_report


def _edit_when(path, ready, edit, timeout=240.0):
    """In a thread: wait until ``ready()`` is true, then apply ``edit`` (the watch runs in the main thread)."""

    def run():
        deadline = time.monotonic() + timeout
        while not ready() and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(0.1)
        edit()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def test_watch_rebuilds_a_page_when_its_data_changes(tmp_path, monkeypatch):
    """A short bounded watch: the first build, then an edit of metrics.csv, then a rebuild showing the edit,
    both in this process (one place: no worker), the second one warm."""
    monkeypatch.chdir(tmp_path)
    report = write_mini_report(tmp_path)
    out = tmp_path / "out"
    metrics = report / "metrics.csv"
    builds: list[tuple] = []
    page = out / "mini" / "nanhu.html"

    def edit():
        metrics.write_text(metrics.read_text(encoding="utf-8").replace("入户,", "入户走访,", 1), encoding="utf-8")

    thread = _edit_when(metrics, lambda: len(builds) >= 1, edit)
    n = watch.watch(
        report,
        places=["nanhu"],
        out=out,
        workers=2,
        interval=0.2,
        max_builds=2,
        seconds=300,
        on_build=lambda folder, seconds, message: builds.append((folder, seconds, message, page.read_bytes())),
    )
    thread.join(5)
    assert n == 2 and all(folder is not None for folder, *_ in builds), builds
    first, second = builds[0][3].decode("utf-8"), builds[1][3].decode("utf-8")
    assert "入户走访" not in first and "入户走访" in second
    log = (out / "mini" / "build-log.txt").read_text(encoding="utf-8")
    assert "this process (in-process)" in log


def test_watch_reports_bad_data_and_keeps_the_previous_output(tmp_path, monkeypatch):
    """An edit that breaks the data: one message, no build published, the previous output untouched."""
    monkeypatch.chdir(tmp_path)
    report = write_mini_report(tmp_path)
    out = tmp_path / "out"
    places_csv = report / "places.csv"
    messages: list[str] = []
    snapshot: dict = {}

    def edit():
        snapshot.update({p.name: p.read_bytes() for p in (out / "mini").glob("*.html")})
        places_csv.write_text(places_csv.read_text(encoding="utf-8") + "broken,row\n", encoding="utf-8")

    thread = _edit_when(places_csv, lambda: len(messages) >= 1, edit)
    watch.watch(report, places=["nanhu"], out=out, workers=1, interval=0.2, max_builds=2, seconds=300,
                on_build=lambda folder, seconds, message: messages.append(message))
    thread.join(5)
    assert messages[0].startswith("built ") and not messages[1].startswith("built ")
    assert "places.csv" in messages[1]
    assert {p.name: p.read_bytes() for p in (out / "mini").glob("*.html")} == snapshot
