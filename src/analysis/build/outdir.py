"""Where a build may write: it never deletes or replaces a folder it did not make, and never writes into data.

Every folder ``closeout build`` publishes (``OUT/<report-id>/``) carries a marker file, :data:`MARKER`, naming
the report. A later build replaces that folder only when the marker (or, for outputs of versions before the
marker, a ``manifest.json`` of the same report) says it is a build output; anything else at that path is
the user's, and the build stops with one line instead of touching it. ``--out`` itself may not be, contain or
lie inside a report folder, the data folder that holds it, or the repository's ``data/``, ``src/`` and
``notebooks/``.
"""

from __future__ import annotations

import json
from pathlib import Path

from analysis.errors import OutputError, UsageError

#: The marker file of a build output folder; its content is the report id.
MARKER = ".closeout-output"
#: Folders of the repository an output may never touch.
PROTECTED_DIRS = ("data", "src", "notebooks")


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def protected_folders(report_path: Path, root: Path) -> list[tuple[Path, str]]:
    """The folders an output must stay clear of, each with how to name it in a message."""
    report_path = Path(report_path).resolve()
    found = [(report_path, "the report folder"), (report_path.parent, "the data folder that holds the report")]
    for name in PROTECTED_DIRS:
        if (root / name).is_dir():
            found.append(((root / name).resolve(), f"the repository's {name}/ folder"))
    return found


def check_out_dir(out: Path, report_path: Path, root: Path) -> Path:
    """``out`` resolved, or a :class:`UsageError` when it is, contains or lies inside a protected folder
    (:func:`protected_folders`) or any report folder (one with a report.toml), or an :class:`OutputError`
    when it is a file."""
    out = Path(out)
    resolved = out.resolve()
    if resolved.exists() and not resolved.is_dir():
        raise OutputError(f"--out {out} is a file, not a folder; choose a folder (it is created if missing)")
    clashes = []
    for folder, what in protected_folders(report_path, root):
        if resolved == folder:
            clashes.append((0, 0, "is", folder, what))
        elif _inside(resolved, folder):
            clashes.append((1, -len(folder.parts), "lies inside", folder, what))
        elif _inside(folder, resolved):
            clashes.append((2, len(folder.parts), "contains", folder, what))
    if clashes:
        _, _, relation, folder, what = min(clashes, key=lambda c: c[:2])
        raise UsageError(
            f"--out {out} {relation} {what} ({folder}); a build never writes there: choose another folder, "
            "e.g. --out outputs"
        )
    for parent in (resolved, *resolved.parents):
        if (parent / "report.toml").is_file():
            raise UsageError(
                f"--out {out} lies inside the report folder {parent}; a build never writes there: choose "
                "another folder, e.g. --out outputs"
            )
    return resolved


def write_marker(folder: Path, report_id: str) -> None:
    """Mark ``folder`` as the build output of ``report_id``."""
    (Path(folder) / MARKER).write_text(f"{report_id}\n", encoding="utf-8")


def is_build_output(folder: Path, report_id: str) -> bool:
    """Whether ``folder`` was published by ``closeout build`` for ``report_id``: its marker names the report,
    or (an output of a version before the marker) its manifest.json does."""
    folder = Path(folder)
    marker = folder / MARKER
    if marker.is_file():
        return marker.read_text(encoding="utf-8", errors="replace").strip() == report_id
    try:
        doc = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(doc, dict) and doc.get("report_id") == report_id and isinstance(doc.get("pages"), list)


def check_replaceable(final: Path, report_id: str) -> None:
    """A :class:`UsageError` when ``final`` exists but is not a build output of ``report_id``."""
    final = Path(final)
    if not final.exists() and not final.is_symlink():
        return
    if final.is_symlink() or not final.is_dir() or not is_build_output(final, report_id):
        raise UsageError(
            f"{final} already exists and was not made by closeout build for report {report_id} (no {MARKER} "
            "marker); it is left untouched: move it away or choose another --out"
        )


def is_complete(final: Path) -> bool:
    """Whether the output in ``final`` was a complete build: every page of its manifest built."""
    try:
        doc = json.loads((Path(final) / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    pages = doc.get("pages") if isinstance(doc, dict) else None
    return bool(pages) and all(isinstance(p, dict) and p.get("status") == "ok" for p in pages)


def partial_path(out: Path, report_id: str) -> Path:
    """Where a build with failed pages is published when it may not replace a complete previous output."""
    return Path(out) / f"{report_id}.partial"
