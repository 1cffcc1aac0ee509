"""Error localisation: one mistyped cell that explains every failing budget identity."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from analysis.checks.values import (
    _COLUMN_EN,
    _COLUMN_ZH,
    Values,
    _line_names,
    finding,
)
from analysis.load import Report
from analysis.metrics import (
    fmt_number,
)

if TYPE_CHECKING:
    from analysis.checks.arithmetic import Identity


_EDIT_RANK = {"transposition": 0, "change": 1, "drop": 2, "insert": 3, "sign": 4}


def digit_edits(value: float) -> list[tuple[float, str, str]]:
    """Every number one typing slip away from ``value`` as printed: two adjacent digits swapped, one digit
    changed, one dropped or one added, or the sign flipped. Returns (new value, kind, description), the
    likeliest kind kept (a swap, then a changed digit, a dropped one, an added one, the sign).

    >>> [e for e in digit_edits(3425.5) if e[0] == 3245.5]
    [(3245.5, 'transposition', 'digits 4 and 2 swapped')]
    >>> len({e[0] for e in digit_edits(12)}) == len(digit_edits(12))
    True
    """
    sign, body = ("-", fmt_number(-value)) if value < 0 else ("", fmt_number(value))
    found: dict[float, tuple[str, str]] = {}

    def add(text: str, kind: str, how: str) -> None:
        if not text or text[0] == "." or text[-1] == "." or (len(text) > 1 and text[0] == "0" and text[1] != "."):
            return
        new = float(sign + text)
        if new != value and (new not in found or _EDIT_RANK[kind] < _EDIT_RANK[found[new][0]]):
            found[new] = (kind, how)

    for i, ch in enumerate(body):
        if not ch.isdigit():
            continue
        if i + 1 < len(body) and body[i + 1].isdigit() and body[i + 1] != ch:
            add(
                body[:i] + body[i + 1] + ch + body[i + 2 :],
                "transposition",
                f"digits {ch} and {body[i + 1]} swapped",
            )
        for d in "0123456789":
            if d != ch:
                add(body[:i] + d + body[i + 1 :], "change", f"digit {ch} changed to {d}")
        add(body[:i] + body[i + 1 :], "drop", f"digit {ch} dropped")
    for i in range(len(body) + 1):
        for d in "0123456789":
            add(body[:i] + d + body[i:], "insert", f"digit {d} added")
    if value:
        flipped = -float(value)
        if flipped not in found:
            found[flipped] = ("sign", "minus sign added" if flipped < 0 else "minus sign removed")
    return [(v, k, how) for v, (k, how) in found.items()]


@dataclass(frozen=True)
class Candidate:
    """One single-cell correction and what it does to the identities."""

    cell: str
    old: float
    new: float
    kind: str
    how: str
    explains: tuple[str, ...]
    breaks: tuple[str, ...]


def localise(identities: list[Identity], values: Values) -> tuple[list[str], list[Candidate]]:
    """The failing identities, and every single-cell digit slip in the budget table that makes at least one of
    them hold, best first: those that break no identity that held, then by how many they explain, then by
    kind (a swap is likelier than a changed digit, than a dropped or added one), then in table order."""
    failing = [i for i in identities if not i.holds(values)]
    held = [i for i in identities if i.holds(values)]
    candidates = []
    cells = [c for c in values.cells if c.startswith("budget.")]
    for position, cell in enumerate(cells):
        for new, kind, how in digit_edits(values.cells[cell]):
            trial = Values(values.figures, {**values.cells, cell: new}, values.cell_quotes)
            explains = tuple(i.check_id for i in failing if i.holds(trial))
            if not explains:
                continue
            breaks = tuple(i.check_id for i in held if not i.holds(trial))
            candidates.append((position, Candidate(cell, values.cells[cell], new, kind, how, explains, breaks)))
    candidates.sort(
        key=lambda pc: (len(pc[1].breaks) > 0, -len(pc[1].explains), _EDIT_RANK[pc[1].kind], pc[0], pc[1].new)
    )
    return [i.check_id for i in failing], [c for _, c in candidates]


def _cell_name(cell: str, names: dict[str, tuple[str, str]]) -> tuple[str, str]:
    _, line, column = cell.split(".")
    zh, en = names.get(line, (line, line))
    return (
        f"「{zh}」的{_COLUMN_ZH.get(column, column)}",
        f"the {_COLUMN_EN.get(column, column)} of {en} ({zh})",
    )


def _how_zh(c: Candidate) -> str:
    parts = c.how.split()
    if c.kind == "transposition":
        return f"{parts[1]} 与 {parts[3]} 两位数字颠倒"
    if c.kind == "change":  # the corrected digit (parts[4]) was printed as parts[1]
        return f"数字 {parts[4]} 误为 {parts[1]}"
    if c.kind == "sign":
        return "漏印了负号" if c.new < 0 else "多印了负号"
    return f"少打了数字 {parts[1]}" if c.kind == "insert" else f"多打了数字 {parts[1]}"


def _how_en(c: Candidate) -> str:
    # the edit turns the printed value into the corrected one; say what went wrong in print
    parts = c.how.split()
    if c.kind == "transposition":
        return f"digits {parts[1]} and {parts[3]} transposed"
    if c.kind == "change":
        return f"a {parts[4]} printed as {parts[1]}"
    if c.kind == "sign":
        return "a minus sign left out" if c.new < 0 else "a minus sign printed in error"
    return f"a digit {parts[1]} left out" if c.kind == "insert" else f"an extra digit {parts[1]}"


def localisation_findings(
    report: Report, identities: list[Identity], values: Values
) -> tuple[list[dict], dict[str, tuple[str, str]], dict[str, float]]:
    """The 'localise:budget' finding when two or more budget identities fail, an explanation (zh, en) for
    each failing identity that a single correction explains, and that correction ({cell: value}) when it is
    the only one."""
    failing, candidates = localise(identities, values)
    if len(failing) < 2:
        return [], {}, {}
    names = _line_names(report)
    n = len(failing)
    full = [c for c in candidates if not c.breaks and len(c.explains) == n]
    explanations = {}
    if full:
        texts = []
        for c in full:
            zh_cell, en_cell = _cell_name(c.cell, names)
            texts.append(
                (
                    f"{zh_cell}应为 {fmt_number(c.new)} 而非 {fmt_number(c.old)}（{_how_zh(c)}）",
                    f"{en_cell} should read {fmt_number(c.new)}, not {fmt_number(c.old)} ({_how_en(c)})",
                )
            )
        if len(full) == 1:
            zh = f"只改一个单元格即可让全部 {n} 项不平的预算关系成立：{texts[0][0]}。"
            en = f"A single typo explains all {n} failing budget sums: {texts[0][1]}."
            for ident in failing:
                explanations[ident] = (
                    f"可能是笔误：{texts[0][0]}；改正后这一项及其余 {n - 1} 项不平的预算关系都成立。",
                    (
                        f"Probably a typo: {texts[0][1]}; with that one correction this and the other "
                        f"{n - 1} failing budget sums all hold."
                    ),
                )
        else:
            zh = f"以下任一单元格的改动都能让全部 {n} 项不平的预算关系成立：" + "；".join(t[0] for t in texts) + "。"
            en = (
                f"Any one of these single corrections explains all {n} failing budget sums: "
                + "; ".join(t[1] for t in texts)
                + "."
            )
        cells = [c.cell for c in full]
    else:
        clean = [c for c in candidates if not c.breaks]
        zh = f"没有任何一个单元格的单一改动能让全部 {n} 项不平的预算关系成立：表中可能至少有两处独立的错误。"
        en = (
            f"No single-cell correction explains all {n} failing budget sums: the table probably has at "
            "least two independent errors."
        )
        cells = []
        if candidates:
            best = clean[0] if clean else candidates[0]
            zh_cell, en_cell = _cell_name(best.cell, names)
            zh += f"最接近的一处：{zh_cell}若为 {fmt_number(best.new)}（{_how_zh(best)}），"
            zh += f"可解释其中 {len(best.explains)} 项"
            en += (
                f" The closest: {en_cell} reading {fmt_number(best.new)} ({_how_en(best)}) explains "
                f"{len(best.explains)} of them"
            )
            zh += f"，但会使另外 {len(best.breaks)} 项原本成立的关系不再成立。" if best.breaks else "。"
            en += f" but breaks {len(best.breaks)} that held." if best.breaks else "."
            cells = [best.cell]
    by_id = {i.check_id: i for i in identities}
    involved = cells + [t for ident in failing for _, t in by_id[ident].terms]
    quotes = [values.quote(c) for c in involved]
    row = finding(
        "localise:budget",
        "info",
        zh,
        en,
        figure_ids=involved,
        quotes=quotes,
        explanation_zh=zh if full else "",
        explanation_en=en if full else "",
    )
    correction = {full[0].cell: full[0].new} if len(full) == 1 else {}
    return [row], explanations, correction
