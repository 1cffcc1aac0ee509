"""The evaluator's review log: reviews.csv in the report folder (issue_id, status, note, reviewer, date).

``closeout review ISSUE_ID --status S`` appends a decision (the file is replaced atomically: a temporary file
beside it, then ``os.replace``); the latest decision of an issue (by date, then by row) is its status.
``closeout review --list`` shows the log. A review whose issue no longer exists (the data changed) is *stale*:
``closeout validate`` and ``closeout summary`` report it; it is never dropped.

This module imports :mod:`analysis.assessment` only inside its functions, so the loader never depends on it.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
from pathlib import Path

import pandas as pd

from analysis import model
from analysis.errors import Problem, UsageError, ValidationError
from analysis.files import write_atomic
from analysis.load import Report, decode, load_report

TABLE = model.TABLES_BY_NAME["reviews"]
COLUMNS = TABLE.columns
STATUSES = model.REVIEW_STATUSES


def valid_issue_ids(report: Report) -> list[str]:
    """Every issue id of the report's assessment under any threshold profile (a review made under one profile
    stays valid under another), sorted."""
    from analysis import metrics
    from analysis.assessment import issue_ids

    ids: set[str] = set()
    for profile in dict.fromkeys(metrics.threshold_profiles()["profile"]):
        ids.update(issue_ids(report, profile))
    return sorted(ids)


def stale_reviews(report: Report) -> list[Problem]:
    """One problem per row of reviews.csv whose issue is in no assessment of the report any more."""
    reviews = report.tables.get("reviews")
    if reviews is None or reviews.empty:
        return []
    valid = set(valid_issue_ids(report))
    rel = f"{Path(report.path).as_posix()}/{TABLE.filename}"
    return [
        Problem(
            rel,
            i + 2,
            "issue_id",
            "an issue of the current assessment (the data changed since this review; "
            "keep the row as a record or remove it)",
            repr(issue),
        )
        for i, issue in reviews["issue_id"].items()
        if issue not in valid
    ]


def _read_rows(path: Path) -> list[list[str]]:
    if not path.is_file():
        return []
    text, _ = decode(path.read_bytes())
    rows = [r for r in csv.reader(io.StringIO(text, newline="")) if any(c.strip() for c in r)]
    return rows


def write_rows(path: Path, rows: list[list[str]]) -> None:
    """Write reviews.csv atomically (UTF-8 with a byte-order mark, so Excel shows the Chinese text)."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    write_atomic(path, out.getvalue().encode("utf-8-sig"))


def record_review(
    folder: str | Path,
    issue_id: str,
    status: str,
    note: str = "",
    reviewer: str = "",
    date: dt.date | None = None,
) -> Path:
    """Append one decision to ``folder``/reviews.csv and return the file's path.

    UsageError for an unknown status or an issue id that is not in the report's assessment (listing the valid
    ones). Columns already in the file are kept in their order; missing ones are added.
    """
    if status not in STATUSES:
        raise UsageError(f"unknown status {status!r}; valid statuses: {', '.join(STATUSES)}")
    report = load_report(folder)
    valid = valid_issue_ids(report)
    if issue_id not in valid:
        raise UsageError(f"unknown issue id {issue_id!r}; valid issue ids: {', '.join(valid)}")
    path = Path(folder) / TABLE.filename
    rows = _read_rows(path)
    header = rows[0] if rows else list(COLUMNS)
    header = [h.strip().lstrip("\ufeff") for h in header] + [c for c in COLUMNS if c not in header]
    body = [r + [""] * (len(header) - len(r)) for r in rows[1:]]
    values = {
        "issue_id": issue_id,
        "status": status,
        "note": note or "",
        "reviewer": reviewer or "",
        "date": (date or dt.date.today()).isoformat(),
    }
    body.append([values.get(h, "") for h in header])
    write_rows(path, [header] + body)
    return path


def review_log(report: Report, lang: str = "en") -> pd.DataFrame:
    """reviews.csv with each issue's title in ``lang`` and whether the review is stale.

    Columns: row (spreadsheet row), issue_id, status, note, reviewer, date, title, stale.
    """
    from analysis.assessment import assess

    reviews = report.tables.get("reviews")
    cols = ["row", "issue_id", "status", "note", "reviewer", "date", "title", "stale"]
    if reviews is None or reviews.empty:
        return pd.DataFrame(columns=cols)
    titles: dict[str, str] = {}
    from analysis import metrics

    for profile in dict.fromkeys(metrics.threshold_profiles()["profile"]):
        issues = assess(report, profile).issues
        for i, t in zip(issues["issue_id"], issues[f"title_{lang}"], strict=True):
            titles.setdefault(i, t)
    out = reviews.copy()
    out.insert(0, "row", out.index + 2)
    out["date"] = [d.date().isoformat() if pd.notna(d) else "" for d in pd.to_datetime(out["date"])]
    out["title"] = [titles.get(i, "") for i in out["issue_id"]]
    out["stale"] = [i not in titles for i in out["issue_id"]]
    return out.reindex(columns=cols).fillna("")


def cmd_review(args: argparse.Namespace) -> int:
    """``closeout review``: record a decision, or list the log."""
    from analysis.cli import emit

    if args.list:
        log = review_log(load_report(args.report), args.lang)
        if log.empty:
            print(f"{args.report}: no reviews yet")
            return 0
        emit(log, args.format)
        return 0
    if not args.issue_id or not args.status:
        raise UsageError("give an ISSUE_ID and --status (one of " + ", ".join(STATUSES) + "), or --list")
    date = None
    if args.date:
        try:
            date = dt.date.fromisoformat(args.date)
        except ValueError as exc:
            raise ValidationError([Problem("--date", None, None, "a date as YYYY-MM-DD", repr(args.date))]) from exc
    path = record_review(args.report, args.issue_id, args.status, args.note or "", args.reviewer or "", date)
    print(f"{path}: {args.issue_id} {args.status}" + (f" ({args.note})" if args.note else ""))
    return 0


def register_cli(subparsers) -> None:
    """Add the ``review`` subcommand."""
    from analysis.cli import DEFAULT_REPORT, FORMATS

    p = subparsers.add_parser("review", help="record an evaluator's decision on an issue (reviews.csv), or list them")
    p.add_argument("issue_id", nargs="?", help="an issue id as `closeout summary` shows it")
    p.add_argument("--status", choices=STATUSES, help="the decision")
    p.add_argument("--note", default="", help="why (shown beside the issue on every page)")
    p.add_argument("--reviewer", default="", help="who decided")
    p.add_argument("--date", default="", help="the date of the decision (default: today), YYYY-MM-DD")
    p.add_argument("--report", type=Path, default=DEFAULT_REPORT, help="report folder (default: %(default)s)")
    p.add_argument("--list", action="store_true", help="show the review log")
    p.add_argument("--lang", choices=("zh", "en"), default="en", help="language of the issue titles in --list")
    p.add_argument("--format", choices=FORMATS, default="table")
    p.set_defaults(func=cmd_review)
