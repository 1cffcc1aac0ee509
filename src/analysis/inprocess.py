"""A papermill engine that runs notebooks inside this process, with no kernel, reset between notebooks.

Registered as ``closeout-inprocess`` (the ``papermill.engine`` entry point, and :func:`register`). papermill
still parameterises, executes and records every notebook; the cells run in one IPython ``InteractiveShell``
of this process, the outputs recorded as a kernel would send them (``display_data`` with the same MIME bundle,
``execute_result``, ``stream``, ``error``), so the pages rendered from them are the same bytes as from
:mod:`analysis.engine`'s warm kernel (``tests/test_engine.py`` compares them). There is no kernel to start,
no messages to exchange and no second copy of pandas and matplotlib in memory: ``--workers 1`` and
``closeout watch --place`` run in the build process itself, and a pool worker runs its pages without a kernel
beside it.

Between notebooks the same reset as the warm kernel's (:data:`analysis.engine.KERNEL_SIDE`): a new session,
the ``fresh_modules`` imported afresh (``closeout build`` names none), the environment, working directory,
``sys.path``, warning filters, rcParams, pandas options and display formatters put back as they were before the
notebook. The isolation is that of one Python process: a notebook that crashes the interpreter takes the process
with it (the build then re-runs the pages it lost on warm kernels). papermill's ``execution_timeout`` is enforced
in every cell (:func:`_time_limit`: a timer signal in the main thread on POSIX, a timer thread elsewhere: a Dask
worker's task thread, Windows); only on a Python other than CPython do cells run without a time limit.

``closeout build`` uses it in its pool workers, in ``closeout watch``, for a small build in the build process
itself, and for the one warm-up page the build process runs before it forks its workers
(:func:`analysis.build.executors.warm_up`). No page depends on the process's string hashing
(``tests/test_isolation.py``), so the build process need not hash as the kernels do (``PYTHONHASHSEED=0``).
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import signal
import sys
import threading
import time
import traceback as tb
from collections.abc import Iterable

from analysis.engine import PapermillEngineInterface

logger = logging.getLogger("papermill")

ENGINE_NAME = "closeout-inprocess"
# Modules of the build itself: never purged (the build is running them); the notebooks do not import them.
KEEP = ("analysis.build", "analysis.engine", "analysis.inprocess")

# No input history: IPython would otherwise store every cell of every page in the user's own history
# database (~/.ipython/profile_default/history.sqlite), at a few milliseconds of SQLite writes a page.
SHELL_CONFIG = {"HistoryManager": {"enabled": False}}

_lock = threading.Lock()
_shell = None
_warm: dict = {}
STATS = {"starts": 0, "runs": 0}


def _shell_class():
    from IPython.core.displayhook import DisplayHook
    from IPython.core.displaypub import DisplayPublisher
    from IPython.core.interactiveshell import InteractiveShell

    class Publisher(DisplayPublisher):
        def publish(self, data, metadata=None, source=None, *, transient=None, update=False, **kwargs):
            self.shell.collect("display_data", data=data, metadata=metadata or {})

        def clear_output(self, wait=False):
            self.shell.outputs.clear()

    class Hook(DisplayHook):
        def __call__(self, result=None):
            if result is None:
                return
            self.check_for_underscore()
            self.update_user_ns(result)
            data, metadata = self.shell.display_formatter.format(result)
            if data:
                self.shell.collect("execute_result", data=data, metadata=metadata or {},
                                   execution_count=self.shell.execution_count)

    class Shell(InteractiveShell):
        """An InteractiveShell that records outputs the way a kernel reports them to nbclient."""

        def __init__(self):
            # no output cache (_1, Out …: no notebook of a build reads them): IPython's reset then skips its
            # own garbage collection, and the engine's reset collects once per page
            from traitlets.config import Config

            super().__init__(display_pub_class=Publisher, displayhook_class=Hook, colors="nocolor", cache_size=0,
                             config=Config(SHELL_CONFIG))
            self.outputs: list = []

        def collect(self, output_type, **content):
            import nbformat

            self.outputs.append(nbformat.v4.new_output(output_type, **content))

        def enable_gui(self, gui=None):
            pass

    return Shell


class _Stream(io.TextIOBase):
    """sys.stdout / sys.stderr during a cell: text becomes ``stream`` outputs (consecutive writes joined)."""

    def __init__(self, shell, name: str):
        self.shell, self.name = shell, name

    def writable(self) -> bool:
        return True

    def write(self, text) -> int:
        import nbformat

        text = str(text)
        if not text:
            return 0
        last = self.shell.outputs[-1] if self.shell.outputs else None
        if last is not None and last.get("output_type") == "stream" and last.get("name") == self.name:
            last["text"] += text
        else:
            self.shell.outputs.append(nbformat.v4.new_output("stream", name=self.name, text=text))
        return len(text)

    @property
    def encoding(self):
        return "utf-8"


def _warm_code():
    """The warm kernel's own warm()/reset() code, installed as a module of this process."""
    import types

    from analysis import engine

    module = types.ModuleType("_closeout_warm")
    exec(engine.KERNEL_SIDE, module.__dict__)  # noqa: S102 - our own code, shared with the kernel
    return module


def shell(imports: Iterable[str] = (), fresh: Iterable[str] = ()):
    """This process's shell, warmed up once (the imports done, the fresh modules forgotten)."""
    global _shell
    if _shell is None:
        from IPython.core.interactiveshell import InteractiveShell

        if InteractiveShell.initialized():
            raise RuntimeError("an IPython shell already runs in this process; use the warm-kernel engine")
        saved = _saved_state()  # IPython makes its user module the process's __main__: put it back after
        with _host_modules(tuple(fresh)):
            _shell = _shell_class().instance()
            module = _warm_code()
            sys.modules["_closeout_warm"] = module
            _warm["module"] = module
            _warm["fresh"] = tuple(fresh)
            try:
                _with_kept(lambda: module.warm(list(imports), list(fresh)))
            finally:
                _restore_state(saved)
        STATS["starts"] += 1
    return _shell


def _with_kept(fn):
    """Run fn with the build's own modules protected from the purge of the fresh modules."""
    kept = {name: mod for name, mod in sys.modules.items() if name.startswith(KEEP)}
    try:
        return fn()
    finally:
        for name, mod in kept.items():
            sys.modules.setdefault(name, mod)


def _is_fresh(name: str, fresh: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in fresh)


@contextlib.contextmanager
def _host_modules(fresh: tuple[str, ...]):
    """The notebook imports the fresh modules afresh; afterwards this process gets its own copies back (and
    loses the notebook's), so classes such as the errors keep their identity for the code that runs here."""
    host = {name: mod for name, mod in sys.modules.items() if _is_fresh(name, fresh)}
    try:
        yield
    finally:
        for name in [n for n in sys.modules if _is_fresh(n, fresh) and n not in host]:
            del sys.modules[name]
        sys.modules.update(host)


def _saved_state() -> dict:
    import warnings

    return {
        "environ": dict(os.environ),
        "cwd": os.getcwd(),
        "path": list(sys.path),
        "filters": list(warnings.filters),
        "stdout": sys.stdout,
        "stderr": sys.stderr,
        "displayhook": sys.displayhook,
        "excepthook": sys.excepthook,
        "main": sys.modules.get("__main__"),
    }


def _restore_state(saved: dict) -> None:
    import warnings

    if dict(os.environ) != saved["environ"]:
        os.environ.clear()
        os.environ.update(saved["environ"])
    with contextlib.suppress(OSError):
        os.chdir(saved["cwd"])
    sys.path[:] = saved["path"]
    warnings.filters[:] = saved["filters"]
    warnings._filters_mutated()
    sys.stdout, sys.stderr = saved["stdout"], saved["stderr"]
    sys.displayhook, sys.excepthook = saved["displayhook"], saved["excepthook"]
    if saved["main"] is not None:
        sys.modules["__main__"] = saved["main"]


def _error_output(shell, exc: BaseException):
    import nbformat

    lines = tb.format_exception(type(exc), exc, exc.__traceback__)
    return nbformat.v4.new_output(
        "error", ename=type(exc).__name__, evalue=str(exc), traceback=[line.rstrip("\n") for line in lines]
    )


class CellTimeoutError(TimeoutError):
    """A cell ran longer than papermill's ``execution_timeout`` (raised inside the cell, which fails)."""


@contextlib.contextmanager
def _time_limit(seconds: float | None):
    """Raise CellTimeoutError in the running code after ``seconds``: a timer signal in the main thread on POSIX;
    elsewhere (another thread, as a Dask worker's tasks run in; Windows) the exception is raised in the running
    thread by a timer thread (CPython's ``PyThreadState_SetAsyncExc``), which takes effect at the cell's next Python
    instruction: a cell stuck inside one long call (a sleep, a blocking read) stops when that call returns.
    Without a limit, or where neither can be used, nothing."""
    if not seconds:
        yield
        return
    message = f"the cell ran for more than {seconds:g} s (the time limit of a cell)"
    if threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer"):

        def expired(signum, frame):
            raise CellTimeoutError(message)

        previous = signal.signal(signal.SIGALRM, expired)
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
        return
    with _thread_time_limit(seconds, message):
        yield


@contextlib.contextmanager
def _thread_time_limit(seconds: float, message: str):
    """:func:`_time_limit` by a timer thread, where no timer signal can be used (see there)."""
    import ctypes

    set_async_exc = getattr(getattr(ctypes, "pythonapi", None), "PyThreadState_SetAsyncExc", None)
    if set_async_exc is None:  # not CPython: no way to stop the thread
        yield
        return
    target = ctypes.c_ulong(threading.get_ident())
    # raised as a class (CPython instantiates it with no arguments): the message comes from the class
    expired_error = type("CellTimeoutError", (CellTimeoutError,),
                         {"__init__": lambda self: CellTimeoutError.__init__(self, message), "__module__": __name__})
    state = {"running": True, "fired": False}
    guard = threading.Lock()

    def expire():
        with guard:
            if state["running"]:
                state["fired"] = set_async_exc(target, ctypes.py_object(expired_error)) == 1

    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        with guard:
            state["running"] = False
            fired = state["fired"]
        timer.cancel()
        if fired:  # set but perhaps not yet raised (the cell ended in that instant): never raise it later
            set_async_exc(target, None)


def run_cells(nb_man, cwd: str, imports: Iterable[str], fresh: Iterable[str], timeout: float | None = None) -> None:
    """Execute the code cells of papermill's managed notebook in this process's shell (each cell at most
    ``timeout`` seconds, where :func:`_time_limit` can enforce it)."""
    with _lock:
        sh = shell(imports, fresh)
        saved = _saved_state()
        _warm["fresh"] = tuple(fresh)  # this call's fresh modules, whatever the shell was warmed with
        with _host_modules(_warm["fresh"]), contextlib.ExitStack() as stack:
            stack.callback(_restore_state, saved)
            # reset to *this* call's environment, path and fresh modules (a process runs one build after another)
            _warm["module"]._state.update(environ=dict(os.environ), path=list(sys.path), fresh=_warm["fresh"])
            _with_kept(lambda: _warm["module"].reset(cwd))
            sh.execution_count = 1
            sys.modules["__main__"] = sh.user_module  # as in a kernel, while the notebook runs
            STATS["runs"] += 1
            for index, cell in enumerate(nb_man.nb.cells):
                nb_man.cell_start(cell, index)
                try:
                    if cell.cell_type != "code" or not cell.source.strip():
                        continue
                    if not _run_cell(sh, cell, timeout):
                        nb_man.cell_exception(nb_man.nb.cells[index], cell_index=index, exception=None)
                        break
                finally:
                    nb_man.cell_complete(nb_man.nb.cells[index], cell_index=index)
            # the namespace is cleared by the next notebook's reset, not now: one reset (and one garbage
            # collection) a page


def _run_cell(sh, cell, timeout: float | None = None) -> bool:
    """One cell: its outputs recorded in the cell; False when it raised (or ran out of time)."""
    sh.outputs = []
    cell.outputs = []
    count = sh.execution_count
    cell.execution_count = count
    streams = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _Stream(sh, "stdout"), _Stream(sh, "stderr")
    try:
        with _time_limit(timeout):
            result = sh.run_cell(cell.source, store_history=True, silent=False)
    finally:
        sys.stdout, sys.stderr = streams
    error = result.error_before_exec or result.error_in_exec
    if isinstance(error, KeyboardInterrupt):
        raise error
    if error is not None:
        sh.outputs.append(_error_output(sh, error))
    cell.outputs = list(sh.outputs)
    sh.outputs = []
    return error is None


class InProcessEngine(PapermillEngineInterface):
    """papermill's engine interface (as :class:`analysis.engine.WarmKernelEngine`), cells run in-process."""

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, warm_imports=(), fresh_modules=(), execution_timeout=None,
                                 **kwargs):
        started = time.monotonic()
        run_cells(nb_man, os.getcwd(), warm_imports, fresh_modules, timeout=execution_timeout)
        logger.debug("in-process notebook in %.2f s", time.monotonic() - started)
        return nb_man.nb


def register() -> None:
    """Make the engine known to papermill in this process."""
    from papermill.engines import papermill_engines

    if papermill_engines._engines.get(ENGINE_NAME) is not InProcessEngine:
        papermill_engines.register(ENGINE_NAME, InProcessEngine)
