"""A papermill engine that keeps one warm kernel per process and resets it between notebooks.

papermill still parameterises, executes and records every notebook (the engine is registered under the
``papermill.engine`` entry point as ``closeout-warm``; ``papermill in.ipynb out.ipynb --engine closeout-warm``
works too). What changes is where the notebook runs: instead of starting a kernel per notebook (a second or
more, plus the imports of pandas and matplotlib), the engine starts one kernel per process and thread, imports
the modules the notebooks use once (``warm_imports``), and before every notebook resets the kernel to the state
right after that warm-up:

- a new IPython session: empty user namespace, history and output cache, execution count 1;
- the modules named by ``fresh_modules`` (the project's own package: its module-level caches and globals)
  removed from ``sys.modules``, so each notebook imports them afresh;
- ``os.environ``, the working directory, ``sys.path``, the warning filters (and the once-only registry),
  matplotlib's rcParams, pandas' options and IPython's display formatters restored; pyplot figures closed;
  garbage collected.

A notebook that fails (a cell error, a timeout, a dead kernel) or a reset that fails marks the kernel dirty: it
is shut down and a new one is started for the next notebook, so one failure never reaches the next notebook.
State a notebook can leave outside the list above (threads it starts, files it leaves open, third-party
modules it imports for the first time, their globals) survives the reset; ``tests/test_engine.py`` proves that
the notebooks of this project give byte-identical pages alone and inside a batch.

The kernel lives until :func:`shutdown` (``closeout build`` calls it at the end of the build, and in each worker
process as it exits) or the process ends. Kernels talk to the process over IPC sockets on POSIX (no TCP ports,
so no port races when several workers start kernels at the same moment).
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import sys
import tempfile
import threading
import time
from collections.abc import Iterable

# papermill is imported inside the functions only: importing papermill loads the ``papermill.engine`` entry
# points, i.e. this module, so a module-level ``import papermill`` here would be circular when this module is
# imported first.
logger = logging.getLogger("papermill")

ENGINE_NAME = "closeout-warm"
# Options of this engine (passed to papermill.execute_notebook like any engine keyword argument).
ENGINE_OPTIONS = ("warm_imports", "fresh_modules", "recycle_after", "transport")

# The code that runs inside the kernel: installed once per kernel as the module ``_closeout_warm``.
KERNEL_SIDE = r'''
import gc
import importlib
import os
import sys
import warnings

_state = {}


def _purge(prefixes):
    for name in list(sys.modules):
        if any(name == p or name.startswith(p + ".") for p in prefixes):
            del sys.modules[name]


def warm(imports, fresh):
    """Import the notebooks' modules once, forget the fresh ones, and remember the state to reset to."""
    from IPython import get_ipython

    for name in imports:
        try:
            importlib.import_module(name)
        except Exception:  # the notebook imports it again and fails visibly
            pass
    _purge(fresh)
    formatters = get_ipython().display_formatter.formatters
    _state.update(
        fresh=tuple(fresh),
        environ=dict(os.environ),
        path=list(sys.path),
        filters=list(warnings.filters),
        formatters={k: (dict(f.type_printers), dict(f.deferred_printers)) for k, f in formatters.items()},
    )
    if "matplotlib" in sys.modules:
        import matplotlib

        _state["rc"] = dict(matplotlib.rcParams.copy())
    # the warm-up's objects are never collected: later collections are cheaper. Only the young generations are
    # collected first: what the imports left is long-lived (a full collection here found nothing to free and
    # cost some 50 ms of CPU in every warm process)
    gc.collect(1)
    gc.freeze()


def reset(cwd):
    """Back to the state right after warm(): a new session, fresh project modules, restored globals."""
    from IPython import get_ipython

    ip = get_ipython()
    ip.reset(new_session=True)
    _purge(_state["fresh"])
    os.chdir(cwd)
    if dict(os.environ) != _state["environ"]:
        os.environ.clear()
        os.environ.update(_state["environ"])
    sys.path[:] = _state["path"]
    warnings.filters[:] = _state["filters"]
    warnings.onceregistry.clear()
    warnings._filters_mutated()
    for key, f in ip.display_formatter.formatters.items():
        printers, deferred = _state["formatters"].get(key, ({}, {}))
        f.type_printers.clear()
        f.type_printers.update(printers)
        f.deferred_printers.clear()
        f.deferred_printers.update(deferred)
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")
    if "matplotlib" in sys.modules:
        import matplotlib

        # the rcParams of warm(); matplotlib's as loaded, when it was imported only after warm() (no warm import)
        dict.update(matplotlib.rcParams, _state.setdefault("rc", dict(matplotlib.rcParamsOrig)))
    if "pandas" in sys.modules:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sys.modules["pandas"].reset_option("all")
    gc.collect()
'''


class KernelResetError(RuntimeError):
    """The warm kernel could not be prepared for the next notebook (it is restarted)."""


class KernelStartError(RuntimeError):
    """No warm kernel could be started and prepared (``closeout build`` retries the page)."""


class WarmKernel:
    """One started kernel with its client, its warm-up done; not thread-safe (one per thread)."""

    def __init__(self, kernel_name: str, key: tuple, transport: str):
        self.kernel_name = kernel_name
        self.key = key
        self.transport = transport
        self.km = None
        self.kc = None
        self.runs = 0
        self.dirty = False
        self._ipc_dir: str | None = None

    # --- life cycle

    def start(self, timeout: float, imports: Iterable[str], fresh: Iterable[str]) -> None:
        from jupyter_client.manager import AsyncKernelManager
        from nbclient.util import run_sync

        km = AsyncKernelManager(kernel_name=self.kernel_name)
        km.shutdown_wait_time = 3.0
        if self.transport == "ipc":
            self._ipc_dir = tempfile.mkdtemp(prefix="closeout-kernel-")
            km.transport = "ipc"
            km.ip = os.path.join(self._ipc_dir, "k")
        self.km = km
        try:
            # no SQLite history file: several kernels at once must not share (and lock) one
            run_sync(km.start_kernel)(extra_arguments=["--HistoryManager.hist_file=:memory:"], cwd=os.getcwd())
            kc = km.client()
            kc.start_channels()
            self.kc = kc
            run_sync(kc.wait_for_ready)(timeout=timeout)
            kc.allow_stdin = False
            self.run_code(
                _install_code() + f"__import__('_closeout_warm').warm({list(imports)!r}, {list(fresh)!r})",
                timeout=max(timeout, 120),
            )
        except KernelResetError as exc:
            self.shutdown(now=True)
            raise KernelStartError(f"kernel start failed: warm-up: {exc}") from exc
        except BaseException:
            self.shutdown(now=True)
            raise

    def alive(self) -> bool:
        from nbclient.util import run_sync

        if self.km is None or self.kc is None:
            return False
        try:
            return bool(run_sync(self.km.is_alive)())
        except Exception:  # noqa: BLE001
            return False

    def reset(self, cwd: str, timeout: float) -> None:
        self.run_code(f"__import__('_closeout_warm').reset({cwd!r})", timeout=timeout)

    def shutdown(self, now: bool = False) -> None:
        """Stop the channels and the kernel, and remove its connection file and sockets (never raises)."""
        from nbclient.util import run_sync

        kc, km, self.kc, self.km = self.kc, self.km, None, None
        if kc is not None:
            with contextlib.suppress(Exception):
                kc.stop_channels()
        if km is not None:
            try:
                if km.has_kernel:
                    run_sync(km.shutdown_kernel)(now=now)
            except Exception:  # noqa: BLE001 - already dead, or refuses: kill it
                with contextlib.suppress(Exception):
                    run_sync(km.shutdown_kernel)(now=True)
            with contextlib.suppress(Exception):
                run_sync(km.cleanup_resources)()
        if self._ipc_dir:
            import shutil

            shutil.rmtree(self._ipc_dir, ignore_errors=True)
            self._ipc_dir = None

    def kill(self) -> None:
        """SIGKILL the kernel process and remove its sockets (no messages: safe from another thread)."""
        km = self.km
        process = getattr(getattr(km, "provisioner", None), "process", None)
        if process is not None:
            with contextlib.suppress(Exception):
                process.kill()
        if self._ipc_dir:
            import shutil

            shutil.rmtree(self._ipc_dir, ignore_errors=True)
        with contextlib.suppress(Exception):
            if km is not None and km.connection_file:
                os.remove(km.connection_file)

    # --- talking to the kernel outside a notebook (nothing is recorded in any notebook)

    def run_code(self, code: str, timeout: float) -> dict:
        """Execute ``code`` silently; raise KernelResetError unless it succeeds. Waits for the kernel to be
        idle again, so that no message of this request is left for the notebook's client."""
        from nbclient.util import run_sync

        return run_sync(self._run_code)(code, timeout)

    async def _run_code(self, code: str, timeout: float):
        from queue import Empty

        kc = self.kc
        msg_id = kc.execute(code, silent=True, store_history=False, allow_stdin=False)
        deadline = time.monotonic() + timeout
        reply = None
        while reply is None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise KernelResetError(f"no reply from the kernel within {timeout:.0f} s")
            try:
                msg = await kc.get_shell_msg(timeout=min(remaining, 1.0))
            except Empty:
                if not await _maybe_async(self.km.is_alive()):
                    raise KernelResetError("the kernel died") from None
                continue
            if msg["parent_header"].get("msg_id") == msg_id:
                reply = msg
        while True:  # drain this request's messages (status busy/idle, warnings printed during warm-up)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise KernelResetError(f"the kernel did not become idle within {timeout:.0f} s")
            try:
                msg = await kc.get_iopub_msg(timeout=min(remaining, 1.0))
            except Empty:
                continue
            if (
                msg["parent_header"].get("msg_id") == msg_id
                and msg["msg_type"] == "status"
                and msg["content"].get("execution_state") == "idle"
            ):
                break
        content = reply["content"]
        if content.get("status") != "ok":
            raise KernelResetError(f"{content.get('ename')}: {content.get('evalue')}")
        return content


async def _maybe_async(value):
    if hasattr(value, "__await__"):
        return await value
    return value


def _install_code() -> str:
    return (
        "import sys as _s, types as _t\n"
        "_m = _t.ModuleType('_closeout_warm')\n"
        f"exec({KERNEL_SIDE!r}, _m.__dict__)\n"
        "_s.modules['_closeout_warm'] = _m\n"
        "del _s, _t, _m\n"
    )


# --- one warm kernel per process and thread

_local = threading.local()
_all: list[WarmKernel] = []
_all_lock = threading.Lock()
STATS = {"starts": 0, "restarts": 0, "runs": 0, "reset_failures": 0}


def _default_transport() -> str:
    return "ipc" if os.name == "posix" else "tcp"


def current() -> WarmKernel | None:
    """The warm kernel of this thread, if one is running."""
    return getattr(_local, "kernel", None)


def _forget(kernel: WarmKernel) -> None:
    with _all_lock:
        if kernel in _all:
            _all.remove(kernel)
    if current() is kernel:
        _local.kernel = None


def acquire(
    kernel_name: str,
    *,
    cwd: str,
    start_timeout: float,
    warm_imports: Iterable[str] = (),
    fresh_modules: Iterable[str] = (),
    recycle_after: int = 0,
    transport: str | None = None,
) -> WarmKernel:
    """This thread's warm kernel, reset for the next notebook; started (or restarted) when needed."""
    imports, fresh = tuple(warm_imports), tuple(fresh_modules)
    transport = transport or _default_transport()
    # a kernel keeps the environment it started with: a different build (its snapshot) needs a new one
    key = (
        kernel_name,
        os.environ.get("JUPYTER_PATH", ""),
        os.environ.get("CLOSEOUT_SNAPSHOT", ""),
        imports,
        fresh,
        transport,
    )
    kernel = current()
    if kernel is not None and (
        kernel.dirty
        or kernel.key != key
        or (recycle_after and kernel.runs >= recycle_after)
        or not kernel.alive()
    ):
        logger.info("restarting the warm kernel")
        kernel.shutdown(now=True)
        _forget(kernel)
        STATS["restarts"] += 1
        kernel = None
    for attempt in (1, 2):
        if kernel is None:
            kernel = WarmKernel(kernel_name, key, transport)
            kernel.start(start_timeout, imports, fresh)  # a start failure propagates (the caller retries)
            STATS["starts"] += 1
            _local.kernel = kernel
            with _all_lock:
                _all.append(kernel)
        try:
            kernel.reset(cwd, timeout=start_timeout)
            return kernel
        except KernelResetError as exc:
            STATS["reset_failures"] += 1
            kernel.shutdown(now=True)
            _forget(kernel)
            kernel = None
            if attempt == 2:
                raise KernelStartError(f"kernel start failed: reset: {exc}") from exc
    raise AssertionError("unreachable")


def shutdown() -> None:
    """Stop every warm kernel this process started (safe to call more than once)."""
    with _all_lock:
        kernels = list(_all)
        _all.clear()
    for kernel in kernels:
        kernel.shutdown()
    _local.kernel = None


def kill() -> None:
    """Kill every warm kernel of this process at once, from any thread (when the process must exit now)."""
    with _all_lock:
        kernels = list(_all)
    for kernel in kernels:
        kernel.kill()


atexit.register(shutdown)


class PapermillEngineInterface:
    """papermill's engine interface (``papermill.engines.Engine``: execute_notebook, nb_kernel_name, nb_language)
    delegated to papermill's own code, without subclassing it at import time (see the note on imports above).
    An engine adds ``execute_managed_notebook``."""

    @classmethod
    def execute_notebook(cls, nb, kernel_name, **kwargs):
        """papermill's Engine.execute_notebook: a NotebookExecutionManager around execute_managed_notebook."""
        from papermill.engines import Engine

        return Engine.execute_notebook.__func__(cls, nb, kernel_name, **kwargs)

    @classmethod
    def nb_kernel_name(cls, nb, name=None):
        from papermill.utils import nb_kernel_name

        return nb_kernel_name(nb, name)

    @classmethod
    def nb_language(cls, nb, language=None):
        from papermill.utils import nb_language

        return nb_language(nb, language)


class WarmKernelEngine(PapermillEngineInterface):
    """papermill's nbclient engine, executing in this process's warm kernel (see the module docstring)."""

    @classmethod
    def execute_managed_notebook(
        cls,
        nb_man,
        kernel_name,
        log_output=False,
        stdout_file=None,
        stderr_file=None,
        start_timeout=60,
        execution_timeout=None,
        **kwargs,
    ):
        from papermill.clientwrap import PapermillNotebookClient
        from papermill.utils import merge_kwargs, remove_args

        options = {k: kwargs.pop(k) for k in ENGINE_OPTIONS if k in kwargs}
        kwargs = remove_args(["input_path", "cwd"], **kwargs)
        safe_kwargs = remove_args(["timeout", "startup_timeout"], **kwargs)
        kernel = acquire(kernel_name, cwd=os.getcwd(), start_timeout=start_timeout, **options)
        final_kwargs = merge_kwargs(
            safe_kwargs,
            timeout=execution_timeout if execution_timeout else kwargs.get("timeout"),
            startup_timeout=start_timeout,
            kernel_name=kernel_name,
            log=logger,
            log_output=log_output,
            stdout_file=stdout_file,
            stderr_file=stderr_file,
        )
        client = PapermillNotebookClient(nb_man, km=kernel.km, **final_kwargs)
        client.kc = kernel.kc  # the client neither starts nor stops the kernel (it does not own km)
        kernel.runs += 1
        STATS["runs"] += 1
        try:
            result = client.execute()
        except BaseException:
            kernel.dirty = True  # timeout, dead kernel, interrupt: the next notebook gets a new kernel
            raise
        if nb_man.nb.metadata.get("papermill", {}).get("exception"):
            kernel.dirty = True  # a cell failed: whatever it left half done must not reach the next notebook
        return result


def register() -> None:
    """Make the engine known to papermill in this process (the entry point does it for installed copies)."""
    from papermill.engines import papermill_engines

    if papermill_engines._engines.get(ENGINE_NAME) is not WarmKernelEngine:
        papermill_engines.register(ENGINE_NAME, WarmKernelEngine)


if __name__ == "__main__":  # pragma: no cover
    sys.exit("analysis.engine is a papermill engine: papermill IN OUT --engine closeout-warm")
