"""report.toml: read it against its schema (:data:`analysis.model.REPORT_META`) and locate its source text.

Every problem is one line naming the key: a value of the wrong TOML type, an unknown key (with the closest valid
name), a key that is missing, a period that ends before it starts, a source outside the data folder that holds
the report. Only the values that passed are returned, so later checks never see a wrongly typed value.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import tomllib
from pathlib import Path

import pandas as pd

from analysis import model
from analysis.errors import Problem

_EXPECTED = {
    "str": "a text in double quotes (a TOML string)",
    "date": "a TOML date such as 2020-01-25 (without quotes)",
}


def toml_type(value) -> str:
    """What a TOML value is, in plain words.

    >>> toml_type(42), toml_type(["a"]), toml_type(dt.datetime(2020, 1, 25, 8)), toml_type({"a": 1})
    ('a number', 'a list', 'a date with a time', 'a table')
    """
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, dt.datetime):
        return "a date with a time"
    if isinstance(value, dt.date):
        return "a date"
    if isinstance(value, dt.time):
        return "a time of day"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return "a text"


def _shown(value) -> str:
    text = repr(value) if not isinstance(value, dt.date) else value.isoformat()
    return text if len(text) <= 80 else text[:77] + "…"


def _typed(field: model.Field, value) -> bool:
    if field.kind == "str":
        return isinstance(value, str)
    if field.kind == "date":
        return isinstance(value, dt.date) and not isinstance(value, dt.datetime)
    raise ValueError(f"report.toml cannot hold a {field.kind} field")  # pragma: no cover - a model mistake


def parse_toml(raw: bytes) -> dict:
    """Decode and parse report.toml, raising ValueError with a message in plain words.

    >>> parse_toml(b'id = "x"')
    {'id': 'x'}
    >>> parse_toml(b'id = "\\xff"')
    Traceback (most recent call last):
    ValueError: bytes that are not UTF-8 text at byte 6 (save report.toml as UTF-8)
    >>> parse_toml(b'id = "x')
    Traceback (most recent call last):
    ValueError: a TOML syntax error at the end of the file: a text whose closing double quote is missing
    >>> parse_toml(b'id = x')  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ValueError: a TOML syntax error at line 1, column 6: a value that is not TOML (a text needs double quotes, ...)
    """
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"bytes that are not UTF-8 text at byte {exc.start} (save report.toml as UTF-8)") from None
    if "\x00" in text:
        raise ValueError(f"a NUL byte at byte {raw.index(0)} (is this a binary file?)")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(_plain_toml_error(str(exc), text)) from None


_PLAIN = {
    "Illegal character '\\n'": "a line break inside a text (its closing double quote is missing)",
    "Unterminated string": "a text whose closing double quote is missing",
    "Invalid value": "a value that is not TOML (a text needs double quotes, a date is written 2020-01-25)",
    "Cannot overwrite a value": "a key given twice",
    "Cannot declare": "a key given twice",
}


def _plain_toml_error(message: str, text: str) -> str:
    """tomllib's message as a sentence with its line: '... (at line 3, column 5)' -> 'at line 3, column 5: ...'."""
    m = re.search(r"\(at (?:line (\d+), column (\d+)|end of document)\)$", message)
    what = message[: m.start()].strip() if m else message.strip()
    where = f"line {m.group(1)}, column {m.group(2)}" if m and m.group(1) else "the end of the file"
    what = next((plain for prefix, plain in _PLAIN.items() if what.startswith(prefix)),
                what[:1].lower() + what[1:] or "invalid TOML")
    return f"a TOML syntax error at {where}: {what}"


def read_meta(folder: Path, rel_folder: str) -> tuple[dict, list[Problem]]:
    """report.toml of ``folder`` as a dict holding only the valid values, and one problem per invalid key."""
    path = folder / "report.toml"
    rel = f"{rel_folder}/report.toml"
    try:
        exists = path.is_file()
    except OSError:
        exists = True  # reading it names the error
    if not exists:
        return {}, [Problem(rel, None, None, "a report.toml describing the report", "no such file")]
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return {}, [Problem(rel, None, None, "a readable file", exc.strerror or type(exc).__name__)]
    try:
        meta = parse_toml(raw)
    except ValueError as exc:
        return {}, [Problem(rel, None, None, "valid TOML", str(exc))]
    fields = {f.name: f for f in model.REPORT_META.fields}
    problems, clean = [], {}
    for key, value in meta.items():
        field = fields.get(key)
        if field is None:
            close = difflib.get_close_matches(key, list(fields), n=1, cutoff=0.6)
            hint = f" (did you mean {close[0]}?)" if close else ""
            problems.append(Problem(rel, None, key, f"only the keys {', '.join(fields)}",
                                    f"an unknown key {key!r}{hint}", kind="unknown key"))
        elif not _typed(field, value):
            problems.append(Problem(rel, None, key, _EXPECTED[field.kind], f"{_shown(value)} ({toml_type(value)})"))
        else:
            clean[key] = value
    for f in model.REPORT_META.fields:
        if f.required and f.name not in meta:
            problems.append(Problem(rel, None, f.name, f"a key {f.name}", "nothing"))
    problems += _rules(clean, rel)
    return clean, problems


def _rules(clean: dict, rel: str) -> list[Problem]:
    """The value rules of the schema (patterns, non-empty texts) and the rules between keys. Drops bad values."""
    problems = []
    fields = [f for f in model.REPORT_META.fields if f.name in clean]
    for f in fields:
        value = clean[f.name]
        if f.kind == "date":
            continue
        series = pd.Series([value], dtype="string")
        for check in f.checks:
            if not bool(check(series).check_passed):
                problems.append(Problem(rel, None, f.name, check.error, _shown(value)))
                clean.pop(f.name, None)
                break
    if isinstance(clean.get("id"), str) and len(clean["id"]) > model.MAX_ID_LENGTH:
        problems.append(Problem(rel, None, "id", f"an id of at most {model.MAX_ID_LENGTH} characters (it names "
                                "the output folder)", f"{len(clean.pop('id'))} characters"))
    start, end = clean.get("period_start"), clean.get("period_end")
    if start is not None and end is not None and end < start:
        problems.append(Problem(rel, None, "period_end", f"a date on or after period_start ({start.isoformat()})",
                                end.isoformat()))
        clean.pop("period_end")
    return problems


def resolve_source(folder: Path, meta: dict, rel_folder: str,
                   holder: Path | None = None) -> tuple[Path | None, list[Problem]]:
    """The path of the source text that ``meta['source']`` names, or None with the problem.

    The source must lie inside the data folder that holds the report (the report folder's parent, as ``data/``
    holds ``raw/``; ``holder`` when the report was read from elsewhere, e.g. a workbook's folder), after
    following symbolic links.
    """
    rel = f"{rel_folder}/report.toml"
    name = meta.get("source")
    if name is None:
        return None, []
    data = Path(holder).resolve() if holder is not None else folder.resolve().parent
    try:
        src = (folder / name).resolve()
    except (OSError, RuntimeError, ValueError):
        return None, [Problem(rel, None, "source", "the path of the source text", f"{name!r}, not a usable path")]
    if not src.is_relative_to(data):
        return None, [Problem(rel, None, "source", f"a path inside {_display(data)}/ (the folder that holds the "
                              "report), such as ../raw/<file>.txt", f"{name!r}, which lies outside it")]
    try:
        is_dir, is_file = src.is_dir(), src.is_file()
    except OSError as exc:
        return None, [Problem(rel, None, "source", "a readable source text", f"{name!r} ({exc.strerror})")]
    if is_dir:
        return None, [Problem(rel, None, "source", "the path of the source text", f"{name!r}, which is a folder")]
    if not is_file:
        return None, [Problem(rel, None, "source", "the path of the source text", f"{name!r} which does not exist")]
    return src, []


def _display(path: Path) -> str:
    try:
        return Path(path).resolve().relative_to(Path.cwd()).as_posix()
    except ValueError:
        return Path(path).as_posix()
