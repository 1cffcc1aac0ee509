"""analysis.cli.run: the ``closeout`` command's quick exit keeps everything a normal exit guarantees."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from analysis import cli


def _script(code: str, tmp_path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )


def test_output_through_a_pipe_is_complete(mini_report, capsys):
    """What the command prints to a pipe (block-buffered) reaches it in full before the process ends, the same
    text as main() prints."""
    assert cli.main(["metrics", str(mini_report), "--format", "csv"]) == 0
    expected = capsys.readouterr().out
    done = subprocess.run(
        [sys.executable, "-m", "analysis", "metrics", str(mini_report), "--format", "csv"],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == expected
    assert len(expected.splitlines()) > 3


def test_exit_handlers_and_threads_run_and_the_code_is_mains(tmp_path):
    """After main() returns, threads that are not daemons finish and atexit handlers run (the files they write
    exist), and the process exits with main()'s code (2: not a report folder)."""
    done = _script(
        """
        import atexit, pathlib, threading, time
        from analysis import cli
        atexit.register(lambda: pathlib.Path("atexit.txt").write_text("ran"))
        def later():
            time.sleep(0.3)
            pathlib.Path("thread.txt").write_text("ran")
        threading.Thread(target=later).start()
        cli.run(["validate", "no-such-folder"])
        """,
        tmp_path,
    )
    assert done.returncode == 2, done.stderr
    assert "error:" in done.stderr and "Traceback" not in done.stderr
    assert (tmp_path / "atexit.txt").read_text() == "ran"
    assert (tmp_path / "thread.txt").read_text() == "ran"


def test_a_closed_pipe_ends_quietly(tmp_path):
    """A reader that stops early (``| head -1``) while the command still has far more to print than a pipe holds
    gets no traceback and no 'Exception ignored' message, and the exit status is 0."""
    text = tmp_path / "long.txt"
    text.write_text("".join(f"第{i}项：服务{i * 3}户。\n" for i in range(1, 3000)), encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-m", "analysis", "extract", str(text)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    proc.stdout.readline()
    proc.stdout.close()
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 0
    assert err.decode() == ""
