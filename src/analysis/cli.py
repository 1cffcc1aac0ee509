"""The ``closeout`` command: validate, extract (and the subcommands later modules add)."""

from __future__ import annotations

import argparse
import atexit
import importlib
import os
import sys
import threading
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from analysis import __version__
from analysis.errors import (
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_SYSTEM,
    CloseoutError,
    Problem,
    UsageError,
    ValidationError,
    describe_os_error,
)
from analysis.startup import skip_unused_imports

if TYPE_CHECKING:  # pandas is imported where a frame is printed: `import analysis.cli` stays light, so that
    import pandas as pd  # a Ctrl-C right after the command starts is handled by main(), not a traceback


def __getattr__(name: str):
    """``DEFAULT_REPORT``: the default report folder, found in the data when asked (:mod:`analysis.locate`)."""
    if name == "DEFAULT_REPORT":
        from analysis.locate import default_report_dir

        return default_report_dir(strict=False)
    raise AttributeError(name)

FORMATS = ("table", "csv", "json")


def emit(frame: pd.DataFrame, fmt: str, out=None) -> None:
    """Write a frame to stdout as an aligned table, CSV or JSON records (UTF-8, Chinese left readable)."""
    out = out or sys.stdout
    if fmt == "csv":
        frame.to_csv(out, index=False, lineterminator="\n")
    elif fmt == "json":
        out.write(frame.to_json(orient="records", force_ascii=False, indent=2, date_format="iso"))
        out.write("\n")
    else:
        out.write(format_table(frame) + "\n")


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cell(value, limit: int = 60) -> str:
    import pandas as pd

    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    text = f"{value:.6g}" if isinstance(value, float) else str(value)
    text = " ".join(text.split())
    while _width(text) > limit:
        text = text[:-2] + "…"
    return text


def format_table(frame: pd.DataFrame) -> str:
    """An aligned plain-text table: text left, numbers right, wide (CJK) characters counted as two columns.

    >>> import pandas as pd
    >>> print(format_table(pd.DataFrame({"id": ["F1", "F22"], "名称": ["入户", "电话核查"], "value": [1.5, 20.0]})))
    id   名称      value
    F1   入户        1.5
    F22  电话核查     20
    """
    import pandas as pd

    cells = [[_cell(v) for v in row] for row in frame.itertuples(index=False)]
    numeric = [pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c])
               for c in frame.columns]
    widths = [max([_width(str(c))] + [_width(r[i]) for r in cells]) for i, c in enumerate(frame.columns)]

    def line(values):
        parts = []
        for value, width, right in zip(values, widths, numeric):
            pad = " " * (width - _width(value))
            parts.append(pad + value if right else value + pad)
        return "  ".join(parts).rstrip()

    return "\n".join([line([str(c) for c in frame.columns])] + [line(r) for r in cells])


def cmd_validate(args: argparse.Namespace) -> int:
    from analysis.load import validate_report

    report, problems = validate_report(args.report, completeness=not args.no_completeness,
                                       limit=None if args.all_problems else 20)
    if problems:
        raise ValidationError(problems)
    counts = ", ".join(f"{len(frame)} {name}" for name, frame in report.tables.items() if len(frame))
    complete = "" if args.no_completeness else "; every numeric mention of the source transcribed or excluded"
    print(f"{args.report}: valid ({counts}); every quote found once in its section of the source, every value "
          f"printed in its quote{complete}")
    from analysis.reviews import stale_reviews

    for problem in stale_reviews(report):
        print(f"warning: stale review: {problem}", file=sys.stderr)
    return 0


def cmd_extract(args: argparse.Namespace) -> int:
    from analysis.extract import extract_mentions
    from analysis.load import decode, load_report

    columns = ["line", "section", "text", "value", "value_max", "is_approximate", "qualifier", "kind", "context"]
    if args.report is not None:
        from analysis.transcription import account_report

        mentions = account_report(load_report(args.report))
        columns += ["covered_by"]
        if args.unaccounted:
            mentions = mentions[mentions["covered_by"].isna()]
    elif args.source is None:
        raise UsageError("give a SOURCE text, or --report REPORT_DIR to check a transcription against its source")
    else:
        path = Path(args.source)
        if not path.is_file():
            raise ValidationError([Problem(str(path), None, None, "a source text file", "no such file")])
        try:
            text = decode(path.read_bytes())[0]
        except UnicodeDecodeError as exc:
            problem = Problem(str(path), None, None, "a UTF-8 or GB18030 text", "undecodable bytes")
            raise ValidationError([problem]) from exc
        mentions = extract_mentions(text)
    emit(mentions[columns], args.format)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="closeout",
        description="Completion reports (结项报告) as traced figures, metrics, findings and HTML reports.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("validate", help="check a report folder: schemas, ids, and every quote against the source")
    p.add_argument("report", nargs="?", type=Path, default=__getattr__("DEFAULT_REPORT"),
                   help="report folder (default: %(default)s)")
    p.add_argument("--no-completeness", action="store_true", help="do not require every numeric mention of the "
                   "source to be transcribed or excluded (nor report stale exclusions)")
    p.add_argument("--all-problems", action="store_true", help="list every problem (default: at most 20 per file "
                   "and kind, then a count of the rest)")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("extract", help="list every numeric mention of a source text with its parsed value")
    p.add_argument("source", type=Path, nargs="?", help="a source text file (UTF-8 or GB18030)")
    p.add_argument("--report", type=Path, help="a report folder: also say which row transcribes or excludes each "
                   "mention of its source")
    p.add_argument("--unaccounted", action="store_true", help="with --report: only the mentions not yet accounted for")
    p.add_argument("--format", choices=FORMATS, default="table")
    p.set_defaults(func=cmd_extract)

    for register in _plugins():
        register(sub)
    return parser


#: Modules that add their own subcommand with ``register_cli(subparsers)``, beside the code they drive.
SUBCOMMAND_MODULES = (
    "analysis.metrics",
    "analysis.checks",
    "analysis.build",
    "analysis.assessment.summary",
    "analysis.reviews",
    "analysis.workbook",
    "analysis.draft",
)


def _plugins():
    """The ``register_cli`` functions of :data:`SUBCOMMAND_MODULES`."""
    return [importlib.import_module(name).register_cli for name in SUBCOMMAND_MODULES]


def main(argv: list[str] | None = None) -> int:
    try:
        skip_unused_imports()  # inside the try: it imports pandera, and Ctrl-C may come meanwhile
        args = build_parser().parse_args(argv)
        return args.func(args)
    except CloseoutError as exc:
        for line in exc.lines():
            print(f"error: {line}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_OK
    except OSError as exc:  # disk full, read-only, permission denied … : one line, never a traceback
        print(f"error: {describe_os_error(exc)}", file=sys.stderr)
        return EXIT_SYSTEM


def run(argv: list[str] | None = None) -> NoReturn:
    """The ``closeout`` command (its console script and ``python -m analysis``): :func:`main`, then a quick exit.

    When :func:`main` returns, everything it made is written and closed. What Python would still do is free,
    one by one, the few hundred thousand objects the imports and the build created: some 0.15 s at the end of a
    one-page build. So this does the rest of a normal exit (waits for the threads that are not daemons, runs the
    ``atexit`` handlers, flushes stdout and stderr) and then ends the process without that teardown, as mypy's
    command does. An exception that escapes :func:`main` (a bug) exits the usual way, with its traceback."""
    code = main(argv)
    for thread in threading.enumerate():
        if thread is not threading.main_thread() and not thread.daemon:
            thread.join()
    atexit._run_exitfuncs()  # noqa: SLF001 - what interpreter exit runs first; the teardown after it is skipped
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe or stream: nothing more can reach it
            pass
    os._exit(code)

