"""A completion report as plain text: .txt (UTF-8 or GB18030), .docx (python-docx) or PDF with a text layer (pypdf).

Tables become tab-separated lines, one per row, as the data model's budget quotes expect
(``餐费\\t助餐补贴\\t30000.00\\t31200\\t-1200\\t``); a cell merged down from the row above is empty, as it is
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
    numbering = _Numbering(doc)
    for block in doc.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = Paragraph(block, doc)
            lines.append(numbering.marker(paragraph) + paragraph.text)
        elif tag == "tbl":
            lines.extend(_table_lines(Table(block, doc)))
    return "\n".join(lines) + "\n"


_CN = "零一二三四五六七八九"
_CHINESE_FORMATS = {"chineseCounting", "chineseCountingThousand", "chineseLegalSimplified", "japaneseCounting",
                    "taiwaneseCounting", "taiwaneseCountingThousand", "ideographDigital", "koreanCounting"}


def _chinese_numeral(n: int) -> str:
    """1..99 as 一 … 九十九 (Word's chineseCounting).

    >>> [_chinese_numeral(n) for n in (1, 10, 12, 20, 35)]
    ['一', '十', '十二', '二十', '三十五']
    """
    if n < 10:
        return _CN[n]
    tens, units = divmod(n, 10)
    return ("" if tens == 1 else _CN[tens]) + "十" + (_CN[units] if units else "")


def _format_number(n: int, fmt: str) -> str:
    if fmt in _CHINESE_FORMATS and 0 < n < 100:
        return _chinese_numeral(n)
    if fmt.startswith("decimalEnclosedCircle") and 0 < n <= 20:
        return chr(0x2460 + n - 1)
    if fmt in ("lowerLetter", "upperLetter") and 0 < n <= 26:
        return chr((0x61 if fmt == "lowerLetter" else 0x41) + n - 1)
    if fmt in ("lowerRoman", "upperRoman"):
        return str(n)
    return str(n)


class _Numbering:
    """Word's automatic numbering (1. 2. … or 一、 二、 … from numbering.xml), printed before a paragraph as a
    reader sees it; without it, sections numbered by Word would have no 一、 in the text."""

    def __init__(self, doc):
        from docx.oxml.ns import qn

        self.qn = qn
        self.nums: dict[str, dict[int, tuple[str, str, int]]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        try:
            root = doc.part.numbering_part.element
        except (NotImplementedError, KeyError, AttributeError):
            return
        abstract = {}
        for an in root.findall(qn("w:abstractNum")):
            levels = {}
            for lvl in an.findall(qn("w:lvl")):
                fmt, text, start = (lvl.find(qn(f"w:{k}")) for k in ("numFmt", "lvlText", "start"))
                levels[int(lvl.get(qn("w:ilvl")))] = (
                    fmt.get(qn("w:val")) if fmt is not None else "decimal",
                    text.get(qn("w:val")) if text is not None else "",
                    int(start.get(qn("w:val"))) if start is not None else 1,
                )
            abstract[an.get(qn("w:abstractNumId"))] = levels
        for num in root.findall(qn("w:num")):
            ref = num.find(qn("w:abstractNumId"))
            if ref is not None:
                self.nums[num.get(qn("w:numId"))] = abstract.get(ref.get(qn("w:val")), {})

    def _num_pr(self, paragraph):
        qn = self.qn
        pr = paragraph._p.pPr
        num_pr = pr.find(qn("w:numPr")) if pr is not None else None
        style = paragraph.style
        while num_pr is None and style is not None:
            spr = style.element.pPr
            num_pr = spr.find(qn("w:numPr")) if spr is not None else None
            style = style.base_style
        if num_pr is None:
            return None
        num_id, ilvl = num_pr.find(qn("w:numId")), num_pr.find(qn("w:ilvl"))
        if num_id is None:
            return None
        return num_id.get(qn("w:val")), int(ilvl.get(qn("w:val"))) if ilvl is not None else 0

    def marker(self, paragraph) -> str:
        found = self._num_pr(paragraph) if self.nums else None
        if not found or found[0] not in self.nums or found[1] not in self.nums[found[0]]:
            return ""
        num_id, ilvl = found
        levels = self.nums[num_id]
        counters = self.counters.setdefault(num_id, {})
        counters[ilvl] = counters.get(ilvl, levels[ilvl][2] - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        fmt, text, _ = levels[ilvl]
        if fmt in ("bullet", "none") or not text:
            return ""
        for k in range(9):
            if f"%{k + 1}" in text:
                level_fmt = levels.get(k, ("decimal", "", 1))[0]
                value = counters.get(k, levels.get(k, ("", "", 1))[2])
                text = text.replace(f"%{k + 1}", _format_number(value, level_fmt))
        return text if text.endswith(("、", "）", "．")) else text + " "


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
