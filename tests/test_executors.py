"""How the local pool starts its workers (analysis/build/executors.py)."""

from __future__ import annotations

import threading
import types

import pytest

from analysis.build import executors


@pytest.fixture
def alone(monkeypatch):
    """This process as the `closeout` command sees itself: Linux, one thread, no IPython shell (other tests
    may have left one in the test process)."""
    monkeypatch.setattr(executors.sys, "platform", "linux")
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    monkeypatch.setattr(executors, "_foreign_shell", lambda: False)
    monkeypatch.delenv(executors.ENV_START_METHOD, raising=False)


def test_workers_are_forked_from_a_process_that_runs_alone(alone):
    """On Linux, a build process with no other thread forks its workers itself (no fork server to start)."""
    assert executors._context().get_start_method() == "fork"


def test_no_fork_beside_another_thread(alone, monkeypatch):
    """With another thread running (it could hold a lock), the workers come from the fork server."""
    monkeypatch.setattr(threading, "active_count", lambda: 2)
    assert executors._context().get_start_method() == "forkserver"


def test_no_fork_from_an_ipython_shell(alone, monkeypatch):
    """From inside IPython or a Jupyter kernel (its sockets must not be copied) the fork server is used."""
    monkeypatch.setattr(executors, "_foreign_shell", lambda: True)
    assert executors._context().get_start_method() == "forkserver"


def test_the_engines_own_shell_is_not_a_foreign_one(monkeypatch):
    """The in-process engine's shell (the build process warms up with it before forking) is no reason to use the
    fork server: it is not a kernel. Any other initialized IPython shell is."""
    from IPython.core.interactiveshell import InteractiveShell

    from analysis import inprocess

    if InteractiveShell.initialized():  # left by another test: taken as the engine's, then as a foreign one
        monkeypatch.setattr(inprocess, "_shell", InteractiveShell.instance())
    else:
        inprocess.shell()
    assert not executors._foreign_shell()
    monkeypatch.setattr(inprocess, "_shell", None)
    assert executors._foreign_shell()


def test_no_fork_on_macos(alone, monkeypatch):
    """Not on macOS, where forking a process that loaded the system's libraries is not safe."""
    monkeypatch.setattr(executors.sys, "platform", "darwin")
    assert executors._context().get_start_method() == "forkserver"


@pytest.mark.parametrize("method", ["forkserver", "spawn"])
def test_start_method_can_be_chosen(alone, monkeypatch, method):
    """CLOSEOUT_START_METHOD picks the start method (to measure one against another)."""
    monkeypatch.setenv(executors.ENV_START_METHOD, method)
    assert executors._context().get_start_method() == method


def test_forked_pool_builds_pages_and_workers_drop_the_build_signal_handler(alone, tmp_path):
    """A pool forked from this process runs tasks; its workers have the default SIGTERM handler, not the
    build's (which turns SIGTERM into an interrupt of the build itself)."""
    import signal

    pool = executors.PoolExecutor(2)
    previous = signal.signal(signal.SIGTERM, lambda *a: None)
    try:
        pool.start()
        assert pool.pool is not None  # forked synchronously, not in a background thread
        handlers = {pool.pool.submit(_sigterm_handler).result(timeout=60) for _ in range(4)}
    finally:
        signal.signal(signal.SIGTERM, previous)
        pool.close()
    assert handlers == {"default"}


def _sigterm_handler() -> str:
    import signal

    return "default" if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL else "other"


def test_the_warm_up_page_runs(monkeypatch):
    """The warm-up page (papermill, the in-process engine, the exporter, a CJK chart, the section templates)
    runs without error: warm_up() hides a failure, which would only cost time, so this test shows it."""
    threads = set(threading.enumerate())
    monkeypatch.setitem(executors._warm, "page", False)
    executors._warm_page()
    assert executors._warm["page"] is True
    assert set(threading.enumerate()) <= threads  # it leaves no thread behind (the fork needs none)


def test_no_progress_bar_unless_on_a_terminal(monkeypatch):
    """The page progress bar is drawn on a terminal only: a log file or CI log gets no carriage-return updates."""
    import io

    monkeypatch.setattr(executors.sys, "stderr", io.StringIO())
    bar = executors._bar(3, "closeout build x")
    bar.update()
    bar.close()
    assert bar.disable and executors.sys.stderr.getvalue() == ""


def test_a_small_build_gets_one_worker_forked_at_once(alone, monkeypatch):
    """A one-shot build of at most two pages (``--place ID``) runs on one worker forked at once (it imports and
    warms up while the build validates the report); ``closeout watch`` (reuse), ``--workers 1`` and a host where
    workers are not forked from the build process keep it in this process; larger builds get the whole pool."""
    small = executors.make_executor("local", 2, pages=2)
    assert isinstance(small, executors.PoolExecutor) and small.workers == 1
    assert isinstance(executors.make_executor("local", 2, pages=2, reuse=True), executors.InlineExecutor)
    assert isinstance(executors.make_executor("local", 1, pages=2), executors.InlineExecutor)
    assert executors.make_executor("local", 2, pages=4).workers == 2
    monkeypatch.setattr(executors.sys, "platform", "darwin")
    assert isinstance(executors.make_executor("local", 2, pages=2), executors.InlineExecutor)


def test_a_single_worker_warms_up_itself(alone, monkeypatch):
    """One worker has nobody to share this process's imports with: it is forked before this process imports
    what a page needs, and imports it itself (in its initializer), beside the validation of the report."""
    parent = []
    monkeypatch.setattr(executors, "warm_up", lambda engine: parent.append(engine))
    monkeypatch.setattr(executors, "importlib", types.SimpleNamespace(import_module=parent.append))
    pool = executors.PoolExecutor(1)
    try:
        pool.start()
        assert pool.pool is not None
        assert pool.pool.submit(executors._ready).result(timeout=60) != executors.os.getpid()
    finally:
        pool.close()
    assert parent == []  # nothing imported or warmed up in this process


def _slow_warm_up(engine) -> None:
    import time

    time.sleep(60)


def test_a_worker_that_never_got_a_page_is_killed_when_the_build_stops(alone, monkeypatch):
    """When the build stops before any page runs (bad data, Ctrl-C), a worker still warming up is killed, not
    waited for: the error reaches the user at once and no process is left."""
    import time

    monkeypatch.setattr(executors, "warm_up", _slow_warm_up)  # the forked worker inherits it
    pool = executors.PoolExecutor(1)
    started = time.monotonic()
    with pytest.raises(ValueError, match="bad data"), pool:
        processes = list(pool._processes)
        raise ValueError("bad data")
    assert time.monotonic() - started < 30  # its warm-up would have taken 60 s
    assert processes and not any(p.is_alive() for p in processes)
