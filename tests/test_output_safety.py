"""Nothing lost: a build never deletes or overwrites data, and an OS error is one line with the output intact.

Faults are real where the machine allows it (a small tmpfs that fills up, one remounted read-only: root in a
container usually may mount), simulated otherwise (the write raises the same OSError).
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from analysis import cli
from analysis.build import outdir
from analysis.errors import EXIT_INPUT, EXIT_PAGES_FAILED, EXIT_SYSTEM
from test_build import break_place

BUILD = ["build", "--workers", "1", "--lang", "zh"]


def tree_digest(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (hidden ones too) with its SHA-256."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def run(args: list[str], capsys) -> tuple[int, str]:
    """Exit status and standard error of ``closeout ARGS``, without the progress bar's lines."""
    code = cli.main(args)
    err = capsys.readouterr().err
    return code, "".join(f"{line}\n" for line in re.split(r"[\r\n]", err)
                         if line.strip() and not line.startswith("closeout build "))


@pytest.fixture
def built(mini_report, tmp_path, capsys):
    """The mini report built once into tmp/out; returns (report folder, out folder)."""
    out = tmp_path / "out"
    code, err = run([*BUILD, str(mini_report), "--out", str(out)], capsys)
    assert code == 0, err
    return mini_report, out


def _mount_tmpfs(path: Path, size: str) -> bool:
    path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True)
    return done.returncode == 0


def _umount(path: Path) -> None:
    subprocess.run(["umount", "-l", str(path)], capture_output=True)


# --- --out that would touch data


@pytest.mark.parametrize(
    "out, relation",
    [
        ("data", "is the data folder that holds the report"),
        ("data/mini", "is the report folder"),
        ("data/mini/pages", "lies inside the report folder"),
        (".", "contains the data folder that holds the report"),
        ("data/raw", "lies inside the data folder that holds the report"),
    ],
)
def test_out_that_is_contains_or_lies_inside_the_data_is_refused(mini_report, tmp_path, capsys, out, relation):
    """`--out data` (and the report folder, a folder inside it, one containing it) is refused with one line
    before anything runs, and the data folder is byte-identical afterwards."""
    before = tree_digest(tmp_path / "data")
    code, err = run([*BUILD, str(mini_report), "--out", out], capsys)
    assert code == EXIT_INPUT
    assert err.count("\n") == 1 and err.startswith(f"error: --out {out} {relation}")
    assert "Traceback" not in err
    assert tree_digest(tmp_path / "data") == before


@pytest.mark.parametrize("name", ["src", "notebooks", "data"])
def test_out_in_the_repository_code_folders_is_refused(mini_report, capsys, name):
    """The repository's src/, notebooks/ and data/ are never an output folder."""
    from analysis.build import ROOT

    code, err = run([*BUILD, str(mini_report), "--out", str(ROOT / name / "x")], capsys)
    assert code == EXIT_INPUT
    assert f"lies inside the repository's {name}/ folder" in err


def test_out_inside_another_report_folder_is_refused(mini_report, tmp_path, capsys):
    """Any folder holding a report.toml is a report folder: an output never goes inside one."""
    other = tmp_path / "elsewhere" / "report"
    other.mkdir(parents=True)
    (other / "report.toml").write_text('id = "other"\n', encoding="utf-8")
    code, err = run([*BUILD, str(mini_report), "--out", str(other / "out")], capsys)
    assert code == EXIT_INPUT
    assert "lies inside the report folder" in err
    assert sorted(p.name for p in other.iterdir()) == ["report.toml"]


def test_out_that_is_a_file_is_one_line_and_the_file_is_kept(mini_report, tmp_path, capsys):
    """`--out` naming an existing file: one line, the OS-error exit status, the file untouched."""
    target = tmp_path / "notes.txt"
    target.write_text("mine", encoding="utf-8")
    code, err = run([*BUILD, str(mini_report), "--out", str(target)], capsys)
    assert code == EXIT_SYSTEM
    assert err == f"error: --out {target} is a file, not a folder; choose a folder (it is created if missing)\n"
    assert target.read_text(encoding="utf-8") == "mine"


def test_a_folder_not_made_by_a_build_is_never_replaced(mini_report, tmp_path, capsys):
    """OUT/<report-id> that the user made (no marker) is left alone; the build stops with one line."""
    mine = tmp_path / "out" / "mini"
    mine.mkdir(parents=True)
    (mine / "my-notes.txt").write_text("keep me", encoding="utf-8")
    code, err = run([*BUILD, str(mini_report), "--out", str(tmp_path / "out")], capsys)
    assert code == EXIT_INPUT
    assert "was not made by closeout build" in err and err.count("\n") == 1
    assert tree_digest(mine) == {"my-notes.txt": hashlib.sha256(b"keep me").hexdigest()}
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["mini"]


def test_a_build_output_is_marked_and_replaced_by_the_next_build(built, capsys):
    """The published folder carries the marker; a second build replaces it (it is ours)."""
    report, out = built
    assert (out / "mini" / outdir.MARKER).read_text(encoding="utf-8") == "mini\n"
    code, err = run([*BUILD, str(report), "--out", str(out)], capsys)
    assert code == 0, err
    assert sorted(p.name for p in out.iterdir()) == ["mini"]


def test_no_scratch_is_left_in_the_system_temp_folder(built, capsys):
    """The build's scratch (kernel spec, snapshot pickle) lives inside the output's hidden temporary
    folder, so nothing is left in the system temp folder, even by a killed build."""
    report, out = built
    before = set(Path(tempfile.gettempdir()).glob("closeout-build-*"))
    code, _ = run([*BUILD, str(report), "--out", str(out)], capsys)
    assert code == 0
    assert set(Path(tempfile.gettempdir()).glob("closeout-build-*")) == before
    assert not list(out.glob(".*"))


# --- failed pages keep the last good output


def test_a_build_with_failures_keeps_the_last_good_output(built, capsys, monkeypatch):
    """A later build in which a page fails leaves the previous complete output byte-identical and publishes
    the new, partial one beside it, saying where."""
    report, out = built
    before = tree_digest(out / "mini")
    break_place(monkeypatch, "nanhu")
    code, err = run([*BUILD, str(report), "--out", str(out)], capsys)
    assert code == EXIT_PAGES_FAILED
    assert tree_digest(out / "mini") == before
    partial = out / "mini.partial"
    assert (partial / "index.html").is_file() and (partial / "executed" / "nanhu.ipynb").is_file()
    assert f"kept the previous complete output in {out / 'mini'}" in err
    assert str(partial) in err


def test_partial_replaces_the_previous_output_when_asked(built, capsys, monkeypatch):
    """--partial publishes the build with failed pages in place of the previous output."""
    report, out = built
    break_place(monkeypatch, "nanhu")
    code, _ = run([*BUILD, str(report), "--out", str(out), "--partial"], capsys)
    assert code == EXIT_PAGES_FAILED
    assert not (out / "mini" / "nanhu.html").exists()
    assert not (out / "mini.partial").exists()


# --- operating-system errors


def _fill(path: Path, leave: int) -> None:
    """Fill the file system of ``path`` until about ``leave`` bytes are free."""
    stat = os.statvfs(path)
    free = stat.f_bavail * stat.f_frsize
    with open(path / "filler", "wb") as f:
        try:
            f.write(b"\0" * max(0, free - leave))
        except OSError:
            pass


@pytest.fixture
def disk(mini_report, tmp_path, capsys):
    """A small file system of its own (a real tmpfs where root may mount one, else a folder) holding a complete
    build of the mini report in ``out/mini``; yields (its folder, whether it is a real tmpfs, the build's
    digest)."""
    folder = tmp_path / "disk"
    real = _mount_tmpfs(folder, "64m")
    try:
        code, err = run([*BUILD, str(mini_report), "--out", str(folder / "out")], capsys)
        assert code == 0, err
        yield folder, real, tree_digest(folder / "out" / "mini")
    finally:
        if real:
            _umount(folder)


def test_disk_full_is_one_line_and_the_previous_output_is_intact(mini_report, disk, capsys, monkeypatch):
    """A full disk (ENOSPC) mid-build: one line naming the path and what to do, the OS-error exit status,
    the previous output byte-identical and no temporary folder left."""
    folder, real, before = disk
    out = folder / "out"
    if real:
        _fill(folder, 64 * 1024)
    else:  # no mount here: the page write fails as it would on a full disk
        original = Path.write_text

        def full(self, *args, **kwargs):
            if self.name == "index.html":
                raise OSError(errno.ENOSPC, "No space left on device", str(self))
            return original(self, *args, **kwargs)

        monkeypatch.setattr(Path, "write_text", full)
    code, err = run([*BUILD, str(mini_report), "--out", str(out)], capsys)
    assert code == EXIT_SYSTEM, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "no space left on the device (ENOSPC)" in lines[0], err
    assert "Traceback" not in err
    assert tree_digest(out / "mini") == before
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


def test_a_notebook_cut_short_by_a_full_disk_is_one_line(built, capsys, monkeypatch):
    """The disk fills while papermill writes an executed notebook: the file is left cut in the middle of a
    character and papermill raises ENOSPC. One line, the OS-error exit status, the previous output intact."""
    import papermill

    report, out = built
    before = tree_digest(out / "mini")

    def cut_short(notebook, output_path, **kwargs):
        Path(output_path).write_bytes('{"cells": [{"source": "入'.encode()[:-1])
        raise OSError(errno.ENOSPC, "No space left on device", output_path)

    monkeypatch.setattr(papermill, "execute_notebook", cut_short)
    code, err = run([*BUILD, str(report), "--out", str(out)], capsys)
    assert code == EXIT_SYSTEM, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "no space left on the device (ENOSPC)" in lines[0], err
    assert tree_digest(out / "mini") == before
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


def test_read_only_output_is_one_line_and_the_previous_output_is_intact(mini_report, disk, capsys, monkeypatch):
    """A read-only file system (EROFS): one line, the OS-error exit status, the previous output intact."""
    folder, real, before = disk
    out = folder / "out"
    if real:
        real = subprocess.run(["mount", "-o", "remount,ro", str(folder)], capture_output=True).returncode == 0
    if not real:  # no mount here: creating the build's folder fails as on a read-only file system
        original = tempfile.mkdtemp

        def read_only(*args, **kwargs):
            if str(kwargs.get("dir", "")).startswith(str(out)):
                raise OSError(errno.EROFS, "Read-only file system", str(kwargs["dir"]))
            return original(*args, **kwargs)

        monkeypatch.setattr(tempfile, "mkdtemp", read_only)
    code, err = run([*BUILD, str(mini_report), "--out", str(out)], capsys)
    assert code == EXIT_SYSTEM, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "the file system is read-only (EROFS); choose a writable folder" in lines[0]
    assert tree_digest(out / "mini") == before


@pytest.mark.parametrize("place_id", ["index", "overview", "mini"])
def test_a_place_id_that_names_a_generated_page_never_overwrites_it(mini_report, capsys, place_id):
    """A district whose id is a generated page's name (index, overview, the report id) is refused with one
    located line before anything runs; nothing is built."""
    places = mini_report / "places.csv"
    places.write_text(places.read_text(encoding="utf-8").replace("nanhu", place_id), encoding="utf-8")
    for name in ("figures.csv",):
        path = mini_report / name
        path.write_text(path.read_text(encoding="utf-8").replace("nanhu", place_id), encoding="utf-8")
    code, err = run([*BUILD, str(mini_report), "--out", "out"], capsys)
    assert code == EXIT_INPUT
    assert "places.csv, row 3, column place_id" in err and repr(place_id) in err
    assert not Path("out").exists()


def test_workers_that_cannot_start_are_one_line_and_the_previous_output_is_intact(built, capsys, monkeypatch):
    """The pool's processes cannot be started (too many open files): one line, the OS-error exit status, the
    previous output intact; the next build starts its workers again."""
    import concurrent.futures as cf

    report, out = built
    before = tree_digest(out / "mini")
    real = cf.ProcessPoolExecutor

    def no_processes(*args, **kwargs):
        raise OSError(errno.EMFILE, "Too many open files")

    monkeypatch.setattr(cf, "ProcessPoolExecutor", no_processes)
    code, err = run(["build", "--workers", "2", str(report), "--out", str(out)], capsys)
    assert code == EXIT_SYSTEM, err
    assert len(err.strip().splitlines()) == 1 and "EMFILE" in err and "Traceback" not in err, err
    assert tree_digest(out / "mini") == before
    monkeypatch.setattr(cf, "ProcessPoolExecutor", real)
    code, err = run(["build", "--workers", "2", str(report), "--out", str(out)], capsys)
    assert code == 0, err
