"""``closeout watch``: rebuild a report's pages whenever its data changes, on workers kept warm between builds.

The report folder (every file in it) and its source text are polled every ``interval`` seconds; when any of
them changes (size or modification time), and stays unchanged for one more poll, the report is built again
with :func:`analysis.build.build` on the same executor: the same workers, their imports, exporter and
in-process shell (or warm kernel) already warm, so a rebuild costs the validation, the checks and the pages
themselves. With ``--place ID`` (the page an evaluator is looking at) the rebuild runs in this process, with
no worker at all. Bad data between two edits is reported in one line and the previous output stays; the
watch goes on until interrupted (Ctrl-C) or, for scripts and tests, ``--max-builds`` / ``--seconds``.
"""

from __future__ import annotations

import sys
import time
import tomllib
from collections.abc import Callable
from pathlib import Path

from analysis.errors import CloseoutError


def watched_files(report_dir: Path) -> list[Path]:
    """Every file of the report folder and the source text its report.toml names."""
    folder = Path(report_dir)
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    try:
        meta = tomllib.loads((folder / "report.toml").read_text(encoding="utf-8"))
        source = (folder / str(meta.get("source", ""))).resolve()
        if meta.get("source") and source.is_file():
            files.append(source)
    except (OSError, ValueError):
        pass
    return files


def fingerprint(report_dir: Path) -> tuple:
    """What decides whether the data changed: each watched file's path, size and modification time."""
    out = []
    for path in watched_files(report_dir):
        try:
            st = path.stat()
        except OSError:
            continue
        out.append((str(path), st.st_size, st.st_mtime_ns))
    return tuple(out)


def watch(
    report_dir: str | Path,
    *,
    places: list[str] | None = None,
    out: str | Path,
    workers: int | None = None,
    lang: str = "zh",
    profile: str | None = None,
    engine: str | None = None,
    interval: float = 0.5,
    max_builds: int | None = None,
    seconds: float | None = None,
    on_build: Callable[[Path | None, float, str], None] | None = None,
) -> int:
    """Build now and after every change of the data, until ``max_builds`` builds or ``seconds`` elapsed
    (both optional); returns the number of builds. ``on_build(folder or None, seconds, message)`` after each."""
    from analysis import build as package

    workers = package._check_workers(workers)
    pages = len(places) + 1 if places else None
    report_dir = Path(report_dir)
    deadline = None if seconds is None else time.monotonic() + seconds
    builds, last = 0, None
    with package.make_executor("local", workers, engine, pages=pages, reuse=True) as runner:
        while True:
            current = fingerprint(report_dir)
            if current != last:
                if last is not None:
                    time.sleep(interval)  # let an editor finish writing
                    if fingerprint(report_dir) != current:
                        continue
                last = current
                started = time.monotonic()
                folder = None
                try:
                    folder = package.build(
                        report_dir, places=places, out=out, lang=lang, profile=profile, runner=runner
                    )
                    message = f"built {folder / 'index.html'}"
                except CloseoutError as exc:
                    message = "; ".join(exc.lines())
                took = time.monotonic() - started
                builds += 1
                if on_build is not None:
                    on_build(folder, took, message)
                else:
                    print(f"{time.strftime('%H:%M:%S')} {message} ({took:.1f} s)", file=sys.stderr, flush=True)
                if max_builds is not None and builds >= max_builds:
                    break
            if deadline is not None and time.monotonic() >= deadline:
                break
            time.sleep(interval)
    return builds


def cmd_watch(args) -> int:
    watch(
        args.report,
        places=args.places,
        out=args.out,
        workers=args.workers,
        lang=args.lang,
        profile=args.profile,
        engine=args.engine,
        interval=args.interval,
        max_builds=args.max_builds,
        seconds=args.seconds,
    )
    return 0


def register_cli(subparsers, defaults: dict) -> None:
    """Add ``closeout watch`` to the command line."""
    p = subparsers.add_parser(
        "watch",
        help="build a report, then rebuild it whenever its data changes (warm workers kept between builds)",
        description=__doc__.splitlines()[0].split(": ", 1)[1],
    )
    p.add_argument("report", nargs="?", type=Path, default=defaults["report"],
                   help="report folder (default: %(default)s)")
    p.add_argument("--place", dest="places", nargs="+", action="extend", metavar="ID",
                   help="only these places (a one-page rebuild runs in this process, no worker)")
    p.add_argument("--out", type=Path, default=defaults["out"], help="output folder (default: %(default)s)")
    p.add_argument("--workers", type=int, default=defaults["workers"],
                   help="notebooks run in parallel (default: %(default)s)")
    p.add_argument("--lang", default="zh", help="page language: zh or en (default: %(default)s)")
    p.add_argument("--profile", default=None, help="threshold profile for findings")
    p.add_argument("--engine", choices=("inprocess", "kernel"), default=None,
                   help="how each worker runs a notebook (default: inprocess)")
    p.add_argument("--interval", type=float, default=0.5, help="seconds between polls (default: %(default)s)")
    p.add_argument("--max-builds", type=int, default=None, help="stop after this many builds")
    p.add_argument("--seconds", type=float, default=None, help="stop after this many seconds")
    p.set_defaults(func=cmd_watch)
