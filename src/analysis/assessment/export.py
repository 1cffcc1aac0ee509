"""The questions for the grantee and the evaluator's review sheet as an .xlsx workbook (openpyxl).

Two sheets, headers in Chinese or English: the open questions in rank order with a blank column for the
grantee's answer, and every issue with its status, note, reviewer and date. The file is written atomically and
is byte-identical for the same assessment (the workbook's timestamps and the zip entries' dates are fixed).
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from analysis.files import write_atomic, xlsx_bytes

SEVERITY = {"zh": {"high": "高", "medium": "中", "low": "低"}, "en": {"high": "High", "medium": "Medium", "low": "Low"}}
STATUS = {
    "zh": {"open": "待处理", "queried": "已询问", "accepted": "已接受", "resolved": "已解决", "dismissed": "不予采纳"},
    "en": {
        "open": "Open",
        "queried": "Queried",
        "accepted": "Accepted",
        "resolved": "Resolved",
        "dismissed": "Dismissed",
    },
}
HEADERS = {
    "zh": {
        "questions": "问题清单",
        "review": "审阅记录",
        "q": ["序号", "重要性", "问题", "事项", "可能的原因", "状态", "审阅意见", "机构答复"],
        "r": ["序号", "事项编号", "重要性", "事项", "重要性依据", "状态", "审阅意见", "审阅人", "日期"],
    },
    "en": {
        "questions": "Questions",
        "review": "Review",
        "q": [
            "No.",
            "Severity",
            "Question",
            "Issue",
            "Likely explanation",
            "Status",
            "Evaluator's note",
            "Grantee's answer",
        ],
        "r": [
            "No.",
            "Issue id",
            "Severity",
            "Issue",
            "How materiality was measured",
            "Status",
            "Note",
            "Reviewer",
            "Date",
        ],
    },
}
_WIDTHS = {"q": [6, 8, 60, 50, 50, 10, 30, 40], "r": [6, 20, 8, 60, 50, 10, 30, 14, 12]}


def workbook(a, lang: str = "zh") -> Workbook:
    """The workbook of an :class:`~analysis.assessment.Assessment` in ``lang`` ('zh' | 'en')."""
    h = HEADERS[lang]
    wb = Workbook()
    qs = wb.active
    qs.title = h["questions"]
    issues = a.issues.set_index("issue_id")
    qs.append(h["q"])
    for q in a.questions.itertuples():
        i = issues.loc[q.issue_id]
        qs.append(
            [
                int(q.rank),
                SEVERITY[lang][q.severity],
                getattr(q, f"question_{lang}"),
                i[f"title_{lang}"],
                i[f"explanation_{lang}"],
                STATUS[lang][q.status],
                i["note"],
                "",
            ]
        )
    rs = wb.create_sheet(h["review"])
    rs.append(h["r"])
    for i in a.issues.itertuples():
        rs.append(
            [
                int(i.rank),
                i.issue_id,
                SEVERITY[lang][i.severity],
                getattr(i, f"title_{lang}"),
                getattr(i, f"materiality_{lang}"),
                STATUS[lang][i.status],
                i.note,
                i.reviewer,
                i.review_date,
            ]
        )
    for sheet, key in ((qs, "q"), (rs, "r")):
        for col, width in enumerate(_WIDTHS[key], start=1):
            sheet.column_dimensions[get_column_letter(col)].width = width
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.freeze_panes = "A2"
    return wb


def workbook_bytes(a, lang: str = "zh") -> bytes:
    """The .xlsx file as bytes, with fixed timestamps (the same assessment gives the same bytes)."""
    return xlsx_bytes(workbook(a, lang))


def write_workbook(a, path: str | Path, lang: str = "zh") -> Path:
    """Write the questions and review sheet of assessment ``a`` to ``path`` (.xlsx) atomically; return the path."""
    if lang not in HEADERS:
        from analysis.errors import UsageError

        raise UsageError(f"unknown language {lang!r}; valid languages: {', '.join(HEADERS)}")
    return write_atomic(path, workbook_bytes(a, lang))
