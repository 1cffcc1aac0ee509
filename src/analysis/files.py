"""Writing files: whole or not at all (:func:`write_atomic`), and the same bytes for the same content
(:func:`xlsx_bytes`)."""

from __future__ import annotations

import io
import os
import re
import tempfile
import zipfile
from pathlib import Path

_FIXED_ZIP_DATE = (2020, 1, 1, 0, 0, 0)
_FIXED_XML_DATE = b"2020-01-01T00:00:00Z"


def write_atomic(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file beside it, renamed over it when complete.

    A failure (a full disk, an interrupt) leaves ``path`` as it was and no temporary file behind.

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> write_atomic(folder / "a.txt", "甲".encode()).read_text(encoding="utf-8")
    '甲'
    >>> sorted(p.name for p in folder.iterdir())
    ['a.txt']
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def xlsx_bytes(workbook) -> bytes:
    """An openpyxl workbook as .xlsx bytes with fixed timestamps (in the zip entries and docProps/core.xml), so
    that the same content gives the same bytes (reproducible builds, byte-identical outputs)."""
    raw = io.BytesIO()
    workbook.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw.getvalue())) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                stamp = rb"\g<1>" + _FIXED_XML_DATE + rb"\g<2>"
                data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)", stamp, data)
            fixed = zipfile.ZipInfo(info.filename, date_time=_FIXED_ZIP_DATE)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            dst.writestr(fixed, data)
    return out.getvalue()
