"""``closeout summary`` and ``closeout questions``: the assessment on the command line."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pandas as pd

from analysis.assessment.numbers import num, section_text

LANGS = ("zh", "en")

_T = {
    "zh": {
        "head": "{title}：{n} 个事项（高 {high}、中 {medium}、低 {low}），{q} 个待询问的问题",
        "budget": "预算：合计 {budget} 元；实际开支印为 {printed} 元，各行相加为 {recomputed} 元；"
        "执行率 {ep}（印出）/ {er}（各行相加）",
        "correction": "可能的更正：{why}",
        "line": "  「{name}」{var} 元（{pct}）— {ex}",
        "explained": "报告有说明（{section}）：「{quote}」",
        "unexplained": "报告中没有说明",
        "not_needed": "按资助方标准无需说明",
        "targets": "目标：",
        "target": "  {label}：完成 {achieved}，为目标的 {ratio}。{why}",
        "issues": "事项（按重要性排序）：",
        "questions": "待询问机构的问题：",
        "stale": "过期的审阅记录（事项已不存在）：{ids}",
    },
    "en": {
        "head": "{title}: {n} issues ({high} high, {medium} medium, {low} low), {q} open questions",
        "budget": "Budget: {budget} yuan; spending printed as {printed} yuan, the lines add up to {recomputed} yuan; "
        "execution {ep} (printed) / {er} (lines)",
        "correction": "Likely correction: {why}",
        "line": "  {name} {var} yuan ({pct}) — {ex}",
        "explained": "explained in {section}: 「{quote}」",
        "unexplained": "the report gives no explanation",
        "not_needed": "no explanation needed under the profile",
        "targets": "Targets:",
        "target": "  {label}: {achieved} achieved, {ratio}. {why}",
        "issues": "Issues (ranked):",
        "questions": "Questions for the grantee:",
        "stale": "Stale reviews (their issue no longer exists): {ids}",
    },
}


def _pct(x) -> str:
    return "?" if x is None else f"{x * 100:.1f} %"


def summary_text(a, report, lang: str) -> str:
    """The assessment as plain text for a terminal."""

    t = _T[lang]
    counts = a.issues["severity"].value_counts()
    lines = [
        t["head"].format(
            title=report.meta.get(f"title_{lang}", report.id),
            n=len(a.issues),
            high=int(counts.get("high", 0)),
            medium=int(counts.get("medium", 0)),
            low=int(counts.get("low", 0)),
            q=len(a.questions),
        ),
        "",
    ]
    b = a.budget
    if b.get("budget_total_yuan") is not None:
        lines.append(
            t["budget"].format(
                budget=num(b["budget_total_yuan"]),
                printed=num(b["printed_total_yuan"]),
                recomputed=num(b["recomputed_total_yuan"]),
                ep=_pct(b["execution_printed"]),
                er=_pct(b["execution_recomputed"]),
            )
        )
        if b.get("correction"):
            lines.append(t["correction"].format(why=b["correction"][f"why_{lang}"]))
        for line in b["lines_needing_explanation"]:
            if line["explained"]:
                where = section_text(line["section"], lang) if line["section"] else ""
                ex = t["explained"].format(section=where, quote=line["explanation_quote"])
            else:
                ex = t["unexplained"]
            if not line.get("needs_explanation", True):
                ex = t["not_needed"] + ("；" if lang == "zh" else "; ") + ex
            pct = "?" if line["variance_pct"] is None else f"{line['variance_pct']:+.1f} %"
            lines.append(
                t["line"].format(
                    name=line[f"line_{lang}"],
                    var=("+" if line["variance_yuan"] > 0 else "") + num(line["variance_yuan"]),
                    pct=pct,
                    ex=ex,
                )
            )
        lines.append("")
    if len(a.targets):
        lines.append(t["targets"])
        for r in a.targets.itertuples():
            lines.append(
                t["target"].format(
                    label=getattr(r, f"label_{lang}"),
                    achieved=getattr(r, f"achieved_text_{lang}"),
                    ratio=getattr(r, f"attainment_text_{lang}"),
                    why=getattr(r, f"why_{lang}"),
                )
                + _caveat(getattr(r, f"caveat_{lang}"), lang)
            )
        lines.append("")
    lines.append(t["issues"])
    lines += issue_lines(a, lang)
    lines += ["", t["questions"], *question_lines(a, lang)]
    if a.stale_reviews:
        lines += ["", t["stale"].format(ids=", ".join(s["issue_id"] for s in a.stale_reviews))]
    return "\n".join(lines)


def _caveat(note, lang: str) -> str:
    if not isinstance(note, str) or not note.strip():
        return ""
    return f"注意：{note}。" if lang == "zh" else f" Note: {note}."


def _status(status: str, note: str, lang: str) -> str:
    from analysis.assessment.export import STATUS

    text = STATUS[lang][status]
    if note:
        text += f"：{note}" if lang == "zh" else f": {note}"
    return text


def issue_lines(a, lang: str) -> list[str]:
    """Each issue as two lines: rank, severity, status (with the note) and id; then its full title."""
    from analysis.assessment.export import SEVERITY

    out = []
    for i in a.issues.itertuples():
        out.append(f"{i.rank:>2}. [{SEVERITY[lang][i.severity]} · {_status(i.status, i.note, lang)}] {i.issue_id}")
        out.append(f"    {getattr(i, f'title_{lang}')}")
    return out or ["-"]


def question_lines(a, lang: str) -> list[str]:
    """The open questions in rank order, in full, each with the rank of its issue."""
    from analysis.assessment.export import SEVERITY

    out = []
    for q in a.questions.itertuples():
        head = f"{q.rank:>2}. [{SEVERITY[lang][q.severity]} · {_status(q.status, '', lang)}]"
        out.append(f"{head} {getattr(q, f'question_{lang}')}")
    return out or ["-"]


def issues_csv_frame(a) -> pd.DataFrame:
    """The issues as a flat table (quotes joined with ' | ', evidence as JSON text)."""
    out = a.issues.copy()
    out["quotes"] = [" | ".join(q) for q in out["quotes"]]
    out["evidence"] = [json.dumps(e, ensure_ascii=False) if e else "" for e in out["evidence"]]
    return out


def _write_xlsx(a, path: Path, lang: str) -> None:
    from analysis.assessment.export import write_workbook
    from analysis.errors import UsageError

    try:
        write_workbook(a, path, lang)
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from exc
    print(f"wrote {path}", file=sys.stderr)


def cmd_summary(args: argparse.Namespace) -> int:
    """``closeout summary``: the ranked assessment (table, JSON or CSV), optionally the workbook too."""
    from analysis import metrics
    from analysis.assessment import assess
    from analysis.cli import emit
    from analysis.load import load_report

    metrics.profile_rules(args.profile)
    report = load_report(args.report)
    a = assess(report, args.profile)
    if args.xlsx:
        _write_xlsx(a, args.xlsx, args.lang)
    if args.format == "json":
        sys.stdout.write(json.dumps(a.to_dict(), ensure_ascii=False, indent=2) + "\n")
    elif args.format == "csv":
        emit(issues_csv_frame(a), "csv")
    else:
        print(summary_text(a, report, args.lang))
    return 0


def cmd_questions(args: argparse.Namespace) -> int:
    """``closeout questions``: the open questions for the grantee, in rank order; --xlsx writes the workbook."""
    from analysis import metrics
    from analysis.assessment import assess
    from analysis.cli import emit
    from analysis.load import load_report

    metrics.profile_rules(args.profile)
    a = assess(load_report(args.report), args.profile)
    if args.xlsx:
        _write_xlsx(a, args.xlsx, args.lang)
    if args.format == "table":
        print("\n".join(question_lines(a, args.lang)))
    else:
        emit(a.questions, args.format)
    return 0


def register_cli(subparsers) -> None:
    """Add the ``summary`` and ``questions`` subcommands."""
    from analysis.cli import DEFAULT_REPORT, FORMATS

    for name, func, help_text in (
        ("summary", cmd_summary, "the ranked assessment: issues, materiality, targets, budget, questions"),
        ("questions", cmd_questions, "the open questions for the grantee (optionally as an .xlsx workbook)"),
    ):
        p = subparsers.add_parser(name, help=help_text)
        p.add_argument(
            "report", nargs="?", type=Path, default=DEFAULT_REPORT, help="report folder (default: %(default)s)"
        )
        p.add_argument("--profile", default="default", help="budget threshold profile (default: %(default)s)")
        p.add_argument("--lang", choices=LANGS, default="zh", help="language (default: %(default)s)")
        p.add_argument("--format", choices=FORMATS, default="table")
        p.add_argument("--xlsx", type=Path, help="also write the questions and the review sheet to this .xlsx file")
        p.set_defaults(func=func)
