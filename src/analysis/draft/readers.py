"""A completion report as plain text: .txt (UTF-8 or GB18030), .docx (python-docx) or PDF with a text layer (pypdf).

Tables become tab-separated lines, one per row, as the data model's budget quotes expect
(``防护升级\\t防护口罩\\t18000.00\\t19678.5\\t-1687.5\\t``); a cell merged down from the row above is empty, as it is
printed once.
"""

from __future__ import annotations

from pathlib import Path

from analysis.errors import Problem, UsageError, ValidationError

SUFFIXES = (".txt", ".docx", ".pdf")


def read_source(path: str | Path) -> str:
    """The text of a report file, chosen by its suffix (.docx, .pdf, anything else is read as text)."""
    path = Path(path)
    if not path.is_file():
        raise ValidationError([Problem(str(path), None, None, "a completion report (.txt, .docx or .pdf)",
                                       "no such file")])
    suffix = path.suffix.lower()
    if suffix == ".docx":
        return read_docx(path)
    if suffix == ".pdf":
        return read_pdf(path)
    if suffix in (".doc", ".xls", ".xlsx", ".wps"):
        raise UsageError(f"{path}: {suffix} is not read; save it as .docx (Word) or .txt first")
    return read_text(path)


def read_text(path: Path) -> str:
    """A plain text file, UTF-8 (with or without BOM) or GB18030; line ends normalised to \\n."""
    from analysis.load import decode

    try:
        text = decode(path.read_bytes())[0]
    except UnicodeDecodeError as exc:
        raise ValidationError([Problem(str(path), None, None, "a UTF-8 or GB18030 text", "undecodable bytes")]) \
            from exc
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _table_lines(table) -> list[str]:
    """The rows of a python-docx table as tab-separated lines; merged-down cells empty, spans padded."""
    from docx.oxml.ns import qn

    lines = []
    for tr in table._tbl.tr_lst:
        cells = []
        for tc in tr.tc_lst:
            pr = tc.tcPr
            merge = pr.find(qn("w:vMerge")) if pr is not None else None
            continued = merge is not None and merge.get(qn("w:val")) in (None, "continue")
            text = "" if continued else "\n".join(p.text for p in _paragraphs(tc)).strip().replace("\n", " ")
            cells.append(text)
            span = tc.grid_span if hasattr(tc, "grid_span") else 1
            cells.extend([""] * (int(span) - 1))
        lines.append("\t".join(cells))
    return lines


def _paragraphs(tc):
    from docx.text.paragraph import Paragraph

    return [Paragraph(p, None) for p in tc.p_lst]


def read_docx(path: Path) -> str:
    """A Word document's body in document order: each paragraph a line, each table row a tab-separated line."""
    from docx import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        doc = Document(str(path))
    except Exception as exc:  # python-docx raises several kinds for a file that is not a .docx
        raise ValidationError([Problem(str(path), None, None, "a Word document (.docx)",
                                       f"an unreadable file ({type(exc).__name__})")]) from exc
    lines: list[str] = []
    for block in doc.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(block, doc).text)
        elif tag == "tbl":
            lines.extend(_table_lines(Table(block, doc)))
    return "\n".join(lines) + "\n"


def read_pdf(path: Path) -> str:
    """The text layer of a PDF, page by page: pieces on one baseline form a line; a wide gap becomes a tab.

    A gap wider than twice the font size between two pieces of one line is read as a table column break.
    """
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
        pages = list(reader.pages)
    except (PdfReadError, OSError, ValueError) as exc:
        raise ValidationError([Problem(str(path), None, None, "a PDF with a text layer",
                                       f"an unreadable file ({exc})")]) from exc
    out: list[str] = []
    for page in pages:
        pieces: list[tuple[float, float, float, str]] = []

        def visit(text, cm, tm, font_dict, font_size, pieces=pieces):
            if not text:
                return
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            size = abs(font_size * (tm[3] or 1) * (cm[3] or 1)) or 10.0
            pieces.append((round(y, 1), x, size, text))

        page.extract_text(visitor_text=visit)
        lines: dict[float, list[tuple[float, float, str]]] = {}
        for y, x, size, text in pieces:
            for part in text.split("\n"):
                if part:
                    lines.setdefault(y, []).append((x, size, part))
        for y in sorted(lines, reverse=True):
            row = sorted(lines[y], key=lambda p: p[0])
            line, end = "", None
            for x, size, text in row:
                if end is not None and x - end > 2 * size:
                    line += "\t"
                line += text
                end = x + size * sum(2 if ord(c) > 0x2E7F else 1 for c in text) / 2
            out.append(line)
    if not "".join(out).strip():
        raise ValidationError([Problem(str(path), None, None, "a PDF with a text layer",
                                       "no text (a scanned PDF needs OCR first)")])
    return "\n".join(out) + "\n"
