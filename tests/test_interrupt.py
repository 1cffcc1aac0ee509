"""Interrupting `closeout build` (SIGINT, SIGKILL) at random points never harms the previous output.

Each build runs as a real subprocess of the `closeout` command with a marker in its environment; kernels and
pool workers inherit the environment, so after the interruption the test can find every process the build
started (by scanning /proc) and require that they all exit. The random points come from a fixed seed, printed
on failure, so a failure can be replayed.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import write_mini_report

SEED = 20200125
CLOSEOUT = [sys.executable, "-m", "analysis"]


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def processes_with(marker: str) -> list[int]:
    """Pids of live processes whose environment carries ``marker`` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if marker.encode() in (entry / "environ").read_bytes():
                state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
                if state != "Z":
                    found.append(int(entry.name))
        except OSError:
            continue
    return found


def wait_gone(marker: str, seconds: float) -> list[int]:
    deadline = time.monotonic() + seconds
    while (left := processes_with(marker)) and time.monotonic() < deadline:
        time.sleep(0.2)
    return left


def _default_sigint() -> None:
    # A build started from a background job inherits SIGINT ignored (POSIX shells do that to `cmd &`) and would
    # never see the Ctrl-C this test sends; a user's build in a terminal has the default handler.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start_build(root: Path, marker: str) -> subprocess.Popen:
    env = {**os.environ, "CLOSEOUT_TEST_MARKER": marker}
    return subprocess.Popen(
        [*CLOSEOUT, "build", "data/mini", "--out", "out", "--workers", "2"],
        cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, preexec_fn=_default_sigint,
    )


@dataclass
class Built:
    root: Path  # holds data/mini and a complete build in out/mini
    seconds: float  # how long that build took


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Built:
    """A mini report with one complete build in ``out/mini``, and how long the build took."""
    if not Path("/proc/self/environ").exists():
        pytest.skip("needs Linux /proc to find the build's processes")
    root = tmp_path_factory.mktemp("interrupt")
    write_mini_report(root)
    started = time.monotonic()
    done = subprocess.run([*CLOSEOUT, "build", "data/mini", "--out", "out", "--workers", "2"], cwd=root,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return Built(root, time.monotonic() - started)


@pytest.mark.parametrize("attempt", range(4))
def test_interrupt_at_a_random_point_keeps_previous_output(built, attempt):
    """SIGINT or SIGKILL at a random moment of a running build leaves the previous output byte-identical and
    no stray process. The moment is a random fraction of a build's duration; should the build finish before it
    (a faster run), it is tried again earlier, so the signal always lands while the build runs."""
    rng = random.Random(SEED + attempt)
    sig = (signal.SIGINT, signal.SIGKILL)[attempt % 2]
    fraction = rng.uniform(0.05, 0.7)
    out = built.root / "out" / "mini"
    for earlier in range(4):
        delay = fraction * built.seconds / 2**earlier
        before = snapshot(out)
        marker = f"closeout-test-{uuid.uuid4().hex}"
        proc = start_build(built.root, marker)
        time.sleep(delay)
        if proc.poll() is None:
            break
        proc.communicate(timeout=120)
        wait_gone(marker, 30)
    assert proc.poll() is None, f"every build finished before its signal (last after {delay:.2f} s)"
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=120)
    where = f"(seed {SEED + attempt}: {sig.name} after {delay:.2f} s, exit {proc.returncode})"
    stray = wait_gone(marker, 30)
    assert not stray, f"processes still running {where}: {stray}"
    after = snapshot(out)
    changed = sorted(name for name in before.keys() | after.keys() if before.get(name) != after.get(name))
    assert not changed, f"previous output changed {where}: {changed}"
    if sig == signal.SIGINT and proc.returncode != 0:
        assert b"Traceback" not in err, f"a traceback on Ctrl-C {where}: {err.decode()[-500:]}"
        leftovers = [p.name for p in out.parent.iterdir() if p.name.startswith(f".mini.building-{proc.pid}-")]
        assert not leftovers, f"temporary folder left behind {where}: {leftovers}"


def test_build_after_a_kill_succeeds_and_tidies(built):
    """A build after killed ones completes, publishes a complete output and removes their temporary folders."""
    done = subprocess.run([*CLOSEOUT, "build", "data/mini", "--out", "out", "--workers", "2"], cwd=built.root,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert {"index.html", "overview.html", "nanhu.html"} <= set(snapshot(built.root / "out" / "mini"))
    assert [p.name for p in (built.root / "out").iterdir()] == ["mini"]


def test_recover_restores_an_output_moved_aside_and_keeps_live_builds(tmp_path):
    """A kill between the two renames of the swap loses nothing; folders of running builds are not touched."""
    from analysis.build import recover

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(dead.stdout)
    moved = tmp_path / f".mini.old-{dead_pid}-abc"
    moved.mkdir()
    (moved / "index.html").write_text("previous", encoding="utf-8")
    stale = tmp_path / f".mini.building-{dead_pid}-def"
    stale.mkdir()
    with subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"]) as live:
        running = tmp_path / f".mini.building-{live.pid}-ghi"
        running.mkdir()
        done = recover(tmp_path, "mini")
        live.kill()
    assert (tmp_path / "mini" / "index.html").read_text(encoding="utf-8") == "previous"
    assert not stale.exists() and running.exists()
    assert len(done) == 2
