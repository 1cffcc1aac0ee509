"""Measure ``closeout draft`` against a hand-made report folder: recall per field and the time to a valid folder.

    python benchmarks/draft_recall.py [--reference data/anxin-plan-2020] [--source FILE] [--json]

Drafts the reference's source (or ``--source``: the same text as .docx or PDF), writes the draft folder,
confirms every row (sets ``status`` to ``confirmed`` and nothing else), validates it, and compares the draft
with the reference field by field (:mod:`analysis.draft.recall`). Prints the percentages, the number of rows
that fail validation after confirmation alone, and the seconds from the draft to a validated folder.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
import tomllib
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]


def read_tables(folder: Path) -> dict[str, pd.DataFrame]:
    """Every CSV of a folder as text cells."""
    return {p.stem: pd.read_csv(p, dtype=str, keep_default_na=False) for p in sorted(folder.glob("*.csv"))}


def confirm(folder: Path) -> None:
    """Set every row's status to confirmed (what an evaluator does after checking it), nothing else."""
    for path in folder.glob("*.csv"):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        if "status" in frame:
            frame["status"] = "confirmed"
            frame.to_csv(path, index=False, lineterminator="\n")
    toml = folder / "report.toml"
    toml.write_text(re.sub(r'^status = "draft"$', 'status = "confirmed"', toml.read_text(encoding="utf-8"),
                           flags=re.MULTILINE), encoding="utf-8")


def run(reference: Path, source: Path | None = None) -> dict:
    """Draft, confirm, validate and compare; returns the measurements as a dict."""
    from analysis.draft.propose import propose
    from analysis.draft.readers import read_source
    from analysis.draft.recall import compare
    from analysis.draft.write import write_draft
    from analysis.load import decode, validate_report

    meta = tomllib.loads((reference / "report.toml").read_text(encoding="utf-8"))
    ref_source = (reference / meta["source"]).resolve()
    source = source or ref_source
    with tempfile.TemporaryDirectory(prefix="draft-recall-") as tmp:
        started = time.perf_counter()
        text = read_source(source)
        draft = propose(text, "draft", "")
        folder = write_draft(draft, source, Path(tmp))
        drafted = time.perf_counter()
        confirm(folder)
        drafted_report, problems = validate_report(folder)
        validated = time.perf_counter()
        tables = read_tables(folder)
        findings = {}
        if drafted_report is not None:
            from analysis.draft.recall import findings_overlap
            from analysis.load import load_report

            findings = findings_overlap(load_report(reference), drafted_report)
    ref_text = decode(ref_source.read_bytes())[0]
    if text != ref_text:  # a .docx/.pdf gives its own text: compare on it (quotes are located in that text)
        ref_text = text
    fields = compare(ref_text, read_tables(reference), tables)
    failing_rows = {(p.file, p.row) for p in problems}
    return {
        "reference": str(reference), "source": str(source), "fields": fields, "findings": findings,
        "drafted_rows": {name: len(frame) for name, frame in tables.items()},
        "problems_after_confirmation": len(problems), "rows_failing_after_confirmation": len(failing_rows),
        "problems": [str(p) for p in problems[:20]],
        "seconds_to_draft": round(drafted - started, 2), "seconds_draft_to_validated": round(validated - started, 2),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference", type=Path, default=ROOT / "data" / "anxin-plan-2020")
    parser.add_argument("--source", type=Path, help="draft this file instead of the reference's source text")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    result = run(args.reference, args.source)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return 0
    print(f"draft of {result['source']} against {result['reference']}")
    for name, v in result["fields"].items():
        pct = "n/a" if v["pct"] is None else f"{v['pct']:.1f} %"
        print(f"  {name:<52} {pct:>8}  ({v['hit']}/{v['total']})")
    print("  closeout check on the confirmed draft: the reference's findings it also gives (by figure values)")
    for name, v in result["findings"].items():
        print(f"  {name:<52} {v['hit']:>3}/{v['total']:<3} ({v['drafted']} in the draft)")
    print(f"  drafted rows: {', '.join(f'{n} {k}' for k, n in result['drafted_rows'].items())}")
    print(f"  problems after confirmation alone: {result['problems_after_confirmation']}")
    for line in result["problems"]:
        print(f"    {line}")
    print(f"  time: draft {result['seconds_to_draft']} s; draft to validated folder "
          f"{result['seconds_draft_to_validated']} s")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    sys.exit(main())
