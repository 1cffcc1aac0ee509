"""Compiled Jinja2 templates kept between processes (Jinja2's own file-system bytecode cache).

Every process that renders pages compiles the same templates: nbconvert's lab template that the closeout
template extends, and the page sections, index and workbook templates (about 30 files, 0.05–0.1 s of CPU a
process). Jinja2 can keep the compiled code on disk (:class:`jinja2.FileSystemBytecodeCache`); a template is
compiled again when its source changes (each entry carries a checksum of the source and Jinja2's and Python's
versions), so the cache never changes a page.

The cache lives in ``$CLOSEOUT_CACHE_DIR/jinja2`` if that variable is set (set it empty to use no cache), else in
the user's cache folder (``$XDG_CACHE_HOME/closeout-analysis``, ``~/.cache/closeout-analysis``; on Windows
``%LOCALAPPDATA%\\closeout-analysis``). A cache folder that cannot be made, or that someone else could write
(compiled code is executed), is not used; a cache file that cannot be read or written is ignored: the template is
compiled as without a cache. A cache is never a reason for a build to fail.
"""

from __future__ import annotations

import functools
import os
import stat
import sys
from pathlib import Path

import jinja2

#: Environment variable naming the cache folder (empty: no cache).
ENV_CACHE_DIR = "CLOSEOUT_CACHE_DIR"


def cache_dir() -> Path | None:
    """The folder of this package's caches, or None when ``CLOSEOUT_CACHE_DIR`` is set empty.

    >>> import os
    >>> saved = os.environ.get(ENV_CACHE_DIR)
    >>> os.environ[ENV_CACHE_DIR] = "/somewhere/cache"
    >>> cache_dir().as_posix()
    '/somewhere/cache'
    >>> os.environ[ENV_CACHE_DIR] = ""
    >>> cache_dir() is None
    True
    >>> _ = os.environ.pop(ENV_CACHE_DIR) if saved is None else os.environ.update({ENV_CACHE_DIR: saved})
    """
    configured = os.environ.get(ENV_CACHE_DIR)
    if configured is not None:
        return Path(configured) if configured.strip() else None
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "closeout-analysis"
    base = os.environ.get("XDG_CACHE_HOME") or ""
    if os.path.isabs(base):
        return Path(base) / "closeout-analysis"
    try:
        return Path.home() / ".cache" / "closeout-analysis"
    except RuntimeError:  # no home folder to be found
        return None


class QuietBytecodeCache(jinja2.FileSystemBytecodeCache):
    """Jinja2's file-system bytecode cache that never fails a render: an entry that cannot be read (missing,
    cut short, written by another version) is compiled again, and one that cannot be written (a full or
    read-only disk) is not kept."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # noqa: BLE001 - a bad entry: compile the template as without a cache
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


def _private_folder(folder: Path) -> bool:
    """Make ``folder`` (mode 0700) if needed; whether it is a folder only its owner (this user) can write."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = folder.lstat()
    except OSError:
        return False
    if not stat.S_ISDIR(info.st_mode):
        return False
    if hasattr(os, "getuid") and (info.st_uid != os.getuid() or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)):
        return False
    return True


@functools.cache
def bytecode_cache() -> QuietBytecodeCache | None:
    """The bytecode cache for this process's Jinja2 environments, or None (no usable cache folder)."""
    root = cache_dir()
    if root is None:
        return None
    folder = root / "jinja2"
    if not _private_folder(folder):
        return None
    return QuietBytecodeCache(str(folder))
