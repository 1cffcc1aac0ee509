"""analysis.files: a file is replaced whole or not at all."""

from __future__ import annotations

import errno
import os

import pytest

from analysis.files import write_atomic


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(tmp_path, monkeypatch):
    """A write that fails (here: the rename, as on a full or read-only disk) keeps the previous content and
    removes its temporary file."""
    target = tmp_path / "reviews.csv"
    write_atomic(target, b"old")

    def fail(*args):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError):
        write_atomic(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["reviews.csv"]
