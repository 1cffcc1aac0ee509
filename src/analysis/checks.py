"""Consistency checks of a report: budget arithmetic, repeated figures, parts and wholes, lists and rules."""

from __future__ import annotations

import argparse
import math
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis import snapshot
from analysis.load import Report, parse_expression
from analysis.metrics import (
    WHOLE_SCOPES,
    budget_lines,
    budget_variance,
    figures,
    fmt_number,
    join_ids,
    latest,
    metric_series,
    places,
    profile_rules,
    reports_of_work,
    topmost,
)

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
CHECK_COLUMNS = [
    "check_id",
    "kind",
    "severity",
    "message_zh",
    "message_en",
    "figure_ids",
    "quotes",
    "place_ids",
    "explanation_zh",
    "explanation_en",
    "rule_ids",
]
#: Two amounts in yuan are equal when they differ by less than half a fen.
CENT = 0.005
_COLUMN_ZH = {"budget_yuan": "预算额度", "actual_yuan": "实际开支", "remaining_yuan": "剩余金额"}
_COLUMN_EN = {"budget_yuan": "budget", "actual_yuan": "actual spending", "remaining_yuan": "remaining amount"}
_EDIT_RANK = {"transposition": 0, "change": 1, "drop": 2, "insert": 3}


def finding(
    check_id: str,
    severity: str,
    message_zh: str,
    message_en: str,
    *,
    figure_ids=(),
    quotes=(),
    place_ids=(),
    explanation_zh: str = "",
    explanation_en: str = "",
    rule_ids=(),
) -> dict:
    """One row of the findings table; ``kind`` is the part of ``check_id`` before the first ':'."""
    return {
        "check_id": check_id,
        "kind": check_id.split(":", 1)[0],
        "severity": severity,
        "message_zh": message_zh,
        "message_en": message_en,
        "figure_ids": join_ids(dict.fromkeys(figure_ids)),
        "quotes": " | ".join(dict.fromkeys(q for q in quotes if isinstance(q, str) and q)),
        "place_ids": join_ids(dict.fromkeys(place_ids)),
        "explanation_zh": explanation_zh,
        "explanation_en": explanation_en,
        "rule_ids": join_ids(rule_ids),
    }


# ----------------------------------------------------------------------------------------------------
# Values: figures as intervals, budget cells as numbers
# ----------------------------------------------------------------------------------------------------


@dataclass
class Values:
    """What the terms of an identity or rule stand for: figure ids → (lo, hi), budget cells → their number."""

    figures: pd.DataFrame
    cells: dict[str, float]
    cell_quotes: dict[str, str] = field(default_factory=dict)

    def interval(self, term: str) -> tuple[float, float]:
        if term.startswith("budget."):
            v = self.cells.get(term, math.nan)
            return v, v
        if term in self.figures.index:
            f = self.figures.loc[term]
            return float(f["lo"]), float(f["hi"])
        v = float(term)
        return v, v

    def text(self, term: str, lang: str) -> str:
        """How a term reads in a message: a cell's number, a figure's number with 多/约 as printed."""
        if term.startswith("budget.") or term not in self.figures.index:
            return fmt_number(self.interval(term)[0])
        f = self.figures.loc[term]
        if not bool(f["is_approximate"]) and pd.isna(f["value_max"]) and f["qualifier"] != "lower_bound":
            return fmt_number(f["value"])
        lo, hi = float(f["lo"]), float(f["hi"])
        span = f"{fmt_number(lo)}–{fmt_number(hi)}" if math.isfinite(hi) else f"≥{fmt_number(lo)}"
        return f"{fmt_number(f['value'])}（{span}）" if lang == "zh" else f"{fmt_number(f['value'])} ({span})"

    def quote(self, term: str) -> str | None:
        if term.startswith("budget."):
            return self.cell_quotes.get(term)
        if term in self.figures.index:
            return self.figures.loc[term, "quote"]
        return None


def budget_cells(report: Report) -> tuple[dict[str, float], dict[str, str]]:
    """Every number of the budget table as ``budget.<line>.<column>`` → value, and each cell's row quote."""
    cells, quotes = {}, {}
    for row in report.budget.itertuples():
        for column in ("budget_yuan", "actual_yuan", "remaining_yuan"):
            value = getattr(row, column)
            if not pd.isna(value):
                cells[f"budget.{row.line_id}.{column}"] = float(value)
                quotes[f"budget.{row.line_id}.{column}"] = row.quote
    return cells, quotes


def sum_interval(terms: list[tuple[float, str]], values: Values) -> tuple[float, float]:
    """The interval of Σ coef × term (interval arithmetic)."""
    lo = hi = 0.0
    for coef, term in terms:
        a, b = values.interval(term)
        lo, hi = lo + min(coef * a, coef * b), hi + max(coef * a, coef * b)
    return lo, hi


# ----------------------------------------------------------------------------------------------------
# Budget identities
# ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Identity:
    """Σ coef × term = 0 for the budget table; ``terms`` are budget cells or figure ids."""

    check_id: str
    terms: tuple[tuple[float, str], ...]
    what: str  # 'remaining' | 'sum' | 'remaining_from_lines' | 'grant'
    line_id: str = ""
    column: str = ""

    def residual(self, values: Values) -> tuple[float, float]:
        return sum_interval(list(self.terms), values)

    def holds(self, values: Values) -> bool:
        lo, hi = self.residual(values)
        if math.isnan(lo) or math.isnan(hi):
            return True  # a cell that is not printed cannot disagree
        return lo - CENT <= 0 <= hi + CENT

    def form(self) -> dict[str, float]:
        return canonical(self.terms)


def canonical(terms) -> dict[str, float]:
    """Σ coef × term as {term: coef}, numbers collected under '#', zero coefficients dropped."""
    out: dict[str, float] = {}
    for coef, term in terms:
        key = term if not _is_number(term) else "#"
        out[key] = out.get(key, 0.0) + (coef * float(term) if key == "#" else coef)
    return {k: round(v, 9) for k, v in out.items() if abs(v) > 1e-12}


def _is_number(term: str) -> bool:
    return not term.startswith("budget.") and not term.startswith("F")


def budget_identities(report: Report) -> list[Identity]:
    """The arithmetic a budget table owes: per row budget − actual = remaining; per column the lines add up to
    the total row; the total's remaining = the lines' budgets − the lines' actual spending; the total budget =
    the grant figure of report.toml."""
    budget = report.budget
    lines = budget_lines(report)
    totals = budget[budget["row_type"] == "total"]
    ids = []
    for row in budget.itertuples():
        if not pd.isna(row.remaining_yuan):
            b, a, r = (f"budget.{row.line_id}.{c}" for c in ("budget_yuan", "actual_yuan", "remaining_yuan"))
            ids.append(
                Identity(
                    f"budget_remaining:{row.line_id}", ((1, b), (-1, a), (-1, r)), "remaining", row.line_id
                )
            )
    categories = set(lines["category_zh"].dropna())
    grand = None
    for row in totals.itertuples():
        sub = isinstance(row.category_zh, str) and row.category_zh in categories
        members = lines[lines["category_zh"] == row.category_zh] if sub else lines
        prefix = f"budget_sum:{row.line_id}." if sub else "budget_sum:"
        grand = grand or (None if sub else row)
        for column in ("budget_yuan", "actual_yuan", "remaining_yuan"):
            if pd.isna(getattr(row, column)) or members[column].isna().any():
                continue
            terms = tuple((1, f"budget.{m}.{column}") for m in members["line_id"])
            ids.append(
                Identity(
                    f"{prefix}{column}",
                    (*terms, (-1, f"budget.{row.line_id}.{column}")),
                    "sum",
                    row.line_id,
                    column,
                )
            )
    if grand is not None and not pd.isna(grand.remaining_yuan) and len(lines):
        terms = tuple((1, f"budget.{m}.budget_yuan") for m in lines["line_id"])
        terms += tuple((-1, f"budget.{m}.actual_yuan") for m in lines["line_id"])
        ids.append(
            Identity(
                "budget_sum:remaining_from_lines",
                (*terms, (-1, f"budget.{grand.line_id}.remaining_yuan")),
                "remaining_from_lines",
                grand.line_id,
            )
        )
    grant = report.meta.get("grant_figure_id")
    if grant and grant in set(report.figures["figure_id"]) and len(lines):
        if grand is not None:
            terms = ((1, grant), (-1, f"budget.{grand.line_id}.budget_yuan"))
        else:
            terms = ((1, grant), *tuple((-1, f"budget.{m}.budget_yuan") for m in lines["line_id"]))
        ids.append(Identity("budget_grant", terms, "grant", getattr(grand, "line_id", "")))
    return ids


def _line_names(report: Report) -> dict[str, tuple[str, str]]:
    names = {}
    for row in report.budget.itertuples():
        zh = row.line_zh if isinstance(row.line_zh, str) else (row.category_zh or row.line_id)
        en = row.line_en if isinstance(row.line_en, str) else (row.category_en or row.line_id)
        names[row.line_id] = (str(zh), str(en))
    return names


def _identity_message(ident: Identity, values: Values, names: dict[str, tuple[str, str]]) -> tuple[str, str]:
    cell = values.cells.get
    lo = ident.residual(values)[0]
    if ident.what == "remaining":
        line = ident.line_id
        b, a, r = (cell(f"budget.{line}.{c}") for c in ("budget_yuan", "actual_yuan", "remaining_yuan"))
        zh_name, en_name = names[line]
        return (
            (
                f"预算表「{zh_name}」行：预算额度 {fmt_number(b)} − 实际开支 {fmt_number(a)} = "
                f"{fmt_number(b - a)}，但剩余金额印为 {fmt_number(r)}（相差 {fmt_number(abs(lo))}）。"
            ),
            (
                f"Budget table, line {zh_name} ({en_name}): budget {fmt_number(b)} − actual spending "
                f"{fmt_number(a)} = {fmt_number(b - a)}, but the remaining amount is printed as "
                f"{fmt_number(r)} (a difference of {fmt_number(abs(lo))})."
            ),
        )
    if ident.what == "sum":
        col = ident.column
        parts = [t for c, t in ident.terms if c > 0]
        total = cell(f"budget.{ident.line_id}.{col}")
        lines_sum = sum(cell(t) for t in parts)
        return (
            (
                f"预算表：各行{_COLUMN_ZH[col]}相加为 {fmt_number(lines_sum)}，"
                f"但「{names[ident.line_id][0]}」行印为 {fmt_number(total)}（相差 {fmt_number(abs(lo))}）。"
            ),
            (
                f"Budget table: the lines' {_COLUMN_EN[col]} add up to {fmt_number(lines_sum)}, but the "
                f"{names[ident.line_id][1]} row prints {fmt_number(total)} "
                f"(a difference of {fmt_number(abs(lo))})."
            ),
        )
    if ident.what == "remaining_from_lines":
        budgets = sum(cell(t) for c, t in ident.terms if c > 0)
        actuals = sum(cell(t) for c, t in ident.terms if c < 0 and t.endswith("actual_yuan"))
        printed = cell(f"budget.{ident.line_id}.remaining_yuan")
        return (
            (
                f"预算表：各行预算额度合计 {fmt_number(budgets)} − 各行实际开支合计 {fmt_number(actuals)} = "
                f"{fmt_number(budgets - actuals)}，但合计的剩余金额印为 {fmt_number(printed)}。"
            ),
            (
                f"Budget table: the lines' budgets ({fmt_number(budgets)}) minus their actual spending "
                f"({fmt_number(actuals)}) leave {fmt_number(budgets - actuals)}, but the total remaining "
                f"amount is printed as {fmt_number(printed)}."
            ),
        )
    grant = ident.terms[0][1]
    table = -sum(cell(t) for c, t in ident.terms[1:])
    return (
        (
            f"报告开头的项目预算（{grant}：{values.text(grant, 'zh')} 元）"
            f"与预算表的预算合计 {fmt_number(table)} 元不一致。"
        ),
        (
            f"The grant stated in the report ({grant}: {values.text(grant, 'en')} yuan) differs from the "
            f"budget table's total budget of {fmt_number(table)} yuan."
        ),
    )


# ----------------------------------------------------------------------------------------------------
# Error localisation: one mistyped cell that explains every failing identity
# ----------------------------------------------------------------------------------------------------


def digit_edits(value: float) -> list[tuple[float, str, str]]:
    """Every number one typing slip away from ``value`` as printed: two adjacent digits swapped, one digit
    changed, one dropped or one added. Returns (new value, kind, description), the likeliest kind kept.

    >>> [e for e in digit_edits(19678.5) if e[0] == 19687.5]
    [(19687.5, 'transposition', 'digits 7 and 8 swapped')]
    >>> len({e[0] for e in digit_edits(12)}) == len(digit_edits(12))
    True
    """
    sign, body = ("-", fmt_number(-value)) if value < 0 else ("", fmt_number(value))
    found: dict[float, tuple[str, str]] = {}

    def add(text: str, kind: str, how: str) -> None:
        if (
            not text
            or text[0] == "."
            or text[-1] == "."
            or (len(text) > 1 and text[0] == "0" and text[1] != ".")
        ):
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
            candidates.append(
                (position, Candidate(cell, values.cells[cell], new, kind, how, explains, breaks))
            )
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
    if c.kind == "change":
        return f"数字 {parts[1]} 误为 {parts[4]}"
    return f"少打了数字 {parts[1]}" if c.kind == "insert" else f"多打了数字 {parts[1]}"


def _how_en(c: Candidate) -> str:
    # the edit turns the printed value into the corrected one; say what went wrong in print
    parts = c.how.split()
    if c.kind == "transposition":
        return f"digits {parts[1]} and {parts[3]} transposed"
    if c.kind == "change":
        return f"a {parts[4]} printed as {parts[1]}"
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
            zh = (
                f"以下任一单元格的改动都能让全部 {n} 项不平的预算关系成立："
                + "；".join(t[0] for t in texts)
                + "。"
            )
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


def budget_findings(
    report: Report, values: Values, forms: dict[str, dict[str, float]]
) -> tuple[list[dict], dict[str, float]]:
    """Failing budget identities (errors), the localisation finding, and the single likeliest correction."""
    identities = budget_identities(report)
    names = _line_names(report)
    found, explanations, correction = localisation_findings(report, identities, values)
    for ident in identities:
        if ident.holds(values):
            continue
        zh, en = _identity_message(ident, values, names)
        ex_zh, ex_en = explanations.get(ident.check_id, ("", ""))
        terms = [t for _, t in ident.terms]
        found.append(
            finding(
                ident.check_id,
                "error",
                zh,
                en,
                figure_ids=terms,
                quotes=[values.quote(t) for t in terms],
                explanation_zh=ex_zh,
                explanation_en=ex_en,
                rule_ids=_same_form(ident.form(), forms),
            )
        )
    return found, correction


def _same_form(form: dict[str, float], rule_forms: dict[str, dict[str, float]]) -> list[str]:
    negated = {k: -v for k, v in form.items()}
    return [rid for rid, f in rule_forms.items() if f in (form, negated)]


# ----------------------------------------------------------------------------------------------------
# Thresholds
# ----------------------------------------------------------------------------------------------------


def threshold_findings(report: Report, profile: str) -> list[dict]:
    """Budget rows whose variance the funder's threshold profile wants explained (warning; info when the row
    has a remark in the table)."""
    variance = budget_variance(report, profile)
    remarks = dict(zip(report.budget["line_id"], report.budget["remark_zh"], strict=True))
    found = []
    for r in variance[variance["needs_explanation"]].itertuples():
        name_zh = r.line_zh if r.level == "line" else r.category_zh
        name_en = r.line_en if r.level == "line" else r.category_en
        direction_zh = "超支" if r.variance_yuan > 0 else "结余"
        direction_en = "over" if r.variance_yuan > 0 else "under"
        pct = "" if pd.isna(r.variance_pct) else f"{abs(r.variance_pct):.1f} %"
        remark = remarks.get(r.line_id)
        cells = r.budget_cells.split(";") + r.actual_cells.split(";")
        found.append(
            finding(
                f"threshold:{r.line_id}",
                "info" if isinstance(remark, str) and remark else "warning",
                (
                    f"预算表「{name_zh}」：预算 {fmt_number(r.budget_yuan)} 元，"
                    f"实际开支 {fmt_number(r.actual_yuan)} 元，"
                    f"{direction_zh} {fmt_number(abs(r.variance_yuan))} 元"
                    f"（{pct or '无预算'}），超出资助方（{profile}）要求说明的幅度。"
                ),
                (
                    f"Budget table, {name_en} ({name_zh}): {fmt_number(r.actual_yuan)} yuan spent against a "
                    f"budget of {fmt_number(r.budget_yuan)}, {fmt_number(abs(r.variance_yuan))} yuan "
                    f"{direction_en} budget ({pct or 'no budget'}); the {profile} profile asks for an "
                    f"explanation ({r.threshold_note})."
                ),
                figure_ids=cells,
                quotes=[report.budget.set_index("line_id")["quote"].get(c.split(".")[1]) for c in cells],
            )
        )
    return found


# ----------------------------------------------------------------------------------------------------
# The same metric reported more than once
# ----------------------------------------------------------------------------------------------------


def _overlap(a: pd.Series, b: pd.Series) -> bool:
    return a["lo"] <= b["hi"] + 1e-9 and b["lo"] <= a["hi"] + 1e-9


def _tolerance(value) -> float:
    return 0.0 if value is None or pd.isna(value) else float(value)


def _unit_zh(f: pd.Series) -> str:
    """The printed unit without a leading 万/千 (the value is already converted)."""
    return str(f["unit_zh"]).lstrip("万千")


def _described(values: Values, fid: str, lang: str) -> str:
    """A figure as a message lists it: number, unit, id, section and date."""
    f = values.figures.loc[fid]
    date = f["cutoff_date"]
    if lang == "zh":
        when = f"截至 {date.date()}" if pd.notna(date) else "无截止日期"
        return f"{values.text(fid, 'zh')}{_unit_zh(f)}（{fid}，第{f['section']}部分，{when}）"
    when = f"as of {date.date()}" if pd.notna(date) else "no cut-off date"
    return f"{values.text(fid, 'en')} {f['unit'].replace('_', '-')} [{fid}, section {f['section']}, {when}]"


def classify_pair(earlier: pd.Series, later: pd.Series, cumulative: bool) -> tuple[str, str] | None:
    """How two reports of the same count relate, ``earlier`` before ``later`` in time order. Returns
    (severity, verdict) or None when they agree (equal, or within the rounding of 余/多/约).

    Both undated, or dated the same day, with different values: a contradiction (warning). Otherwise they are
    ordered (by date; an undated figure by its place in the report): a later, larger value of a cumulative
    count is a revision (info); a later, smaller one is a contradiction (warning); a change of a
    non-cumulative count is info. Different scopes (project vs organisation-wide) are at most info.
    """
    if _overlap(earlier, later):
        return None
    d1, d2 = earlier["cutoff_date"], later["cutoff_date"]
    scopes_differ = earlier["scope"] != later["scope"]
    if (pd.isna(d1) and pd.isna(d2)) or (pd.notna(d1) and pd.notna(d2) and d1 == d2):
        verdict, severity = ("undated" if pd.isna(d1) else "same_date"), "warning"
    elif cumulative and later["lo"] > earlier["hi"]:
        verdict, severity = "revision", "info"
    elif cumulative:
        verdict, severity = "decrease", "warning"
    else:
        verdict, severity = "changed", "info"
    if scopes_differ and severity == "warning":
        verdict, severity = "scope", "info"
    return severity, verdict


_VERDICT_EN = {
    "undated": "neither has a cut-off date, so a later update cannot be told from a contradiction",
    "same_date": "both are as of the same date, so they contradict each other",
    "revision": "the later figure is larger: a running total that grew (a revision, not a contradiction)",
    "decrease": "a running total cannot shrink, so the later, smaller figure contradicts the earlier one",
    "changed": "the count changed between the two reports",
    "scope": "one figure is organisation-wide, the other for the project, so they need not agree",
}
_VERDICT_ZH = {
    "undated": "两者都没有截止日期，无法判断是后来更新还是相互矛盾",
    "same_date": "两者截止日期相同，数字却不同，相互矛盾",
    "revision": "后一个数字更大：累计数随时间增长（属于更新，不是矛盾）",
    "decrease": "累计数不会减少，后一个较小的数字与前一个矛盾",
    "changed": "两次报告之间该数字有变化",
    "scope": "一个是机构整体数字，一个是本项目数字，二者不必一致",
}


def same_metric_findings(report: Report, fig: pd.DataFrame) -> list[dict]:
    """One finding per metric reported more than once (same place, same unit) whose figures disagree beyond
    rounding; its severity is the worst of its pairs (every pair is compared, in time order)."""
    cumulative = dict(zip(report.metrics["metric"], report.metrics["is_cumulative"], strict=True))
    multi_unit = reports_of_work(fig).groupby("metric")["unit"].nunique()
    pl = places(report)
    found = []
    for ids in metric_series(fig):
        group = fig.loc[ids]
        first = group.iloc[0]
        verdicts = []
        for i in range(len(ids)):
            for j in range(i + 1, len(ids)):
                result = classify_pair(
                    group.iloc[i], group.iloc[j], bool(cumulative.get(first["metric"], False))
                )
                if result:
                    verdicts.append((result[0], result[1], ids[i], ids[j]))
        if not verdicts:
            continue
        severity = min((v[0] for v in verdicts), key=SEVERITY_ORDER.__getitem__)
        place = first["place_id"] if isinstance(first["place_id"], str) else None
        check_id = f"same_metric:{first['metric']}" + (f":{place}" if place else "")
        check_id += f":{first['unit']}" if multi_unit.get(first["metric"], 1) > 1 else ""
        where_zh = f"（{pl.loc[place, 'name_zh']}）" if place else ""
        where_en = f" for {pl.loc[place, 'name_en']}" if place else ""
        values = Values(fig, {})
        listing_zh = "；".join(_described(values, f, "zh") for f in ids)
        listing_en = "; ".join(_described(values, f, "en") for f in ids)
        pairs_zh = "；".join(f"{a} 与 {b}：{_VERDICT_ZH[v]}" for _, v, a, b in verdicts)
        pairs_en = "; ".join(f"{a} vs {b}: {_VERDICT_EN[v]}" for _, v, a, b in verdicts)
        found.append(
            finding(
                check_id,
                severity,
                f"「{first['metric_zh']}」{where_zh}被报告了 {len(ids)} 次：{listing_zh}。{pairs_zh}。",
                f"{first['metric_en']}{where_en} is reported {len(ids)} times: {listing_en}. {pairs_en}.",
                figure_ids=ids,
                quotes=list(group["quote"]),
                place_ids=[place] if place else [],
            )
        )
    return found


# ----------------------------------------------------------------------------------------------------
# Parts and wholes
# ----------------------------------------------------------------------------------------------------


def part_whole_findings(report: Report, fig: pd.DataFrame) -> list[dict]:
    """A place's figure above every project-wide figure of the same metric and unit; and the figures of
    non-overlapping places adding up to more than every project-wide figure (warnings)."""
    work = reports_of_work(fig)
    pl = places(report)
    found = []
    whole = work[work["place_id"].isna() & work["scope"].isin(WHOLE_SCOPES)]
    local = work[work["place_id"].notna()]
    for (metric, unit), parts in local.groupby(["metric", "unit"], sort=True):
        wholes = whole[(whole["metric"] == metric) & (whole["unit"] == unit)]
        if wholes.empty:
            continue
        top = wholes.loc[wholes["hi"].idxmax()]
        low = wholes.loc[wholes["hi"].idxmin()]
        label_zh, label_en = top["metric_zh"], top["metric_en"]
        for place, g in parts.groupby("place_id", sort=True):
            big = g.loc[g["lo"].idxmax()]
            if top["hi"] + 1e-9 >= big["lo"] > low["hi"] + 1e-9:
                found.append(
                    finding(
                        f"part_whole:{metric}:{place}",
                        "info",
                        (
                            f"{pl.loc[place, 'name_zh']}一地的「{label_zh}」就有 {fmt_number(big['value'])}"
                            f"{_unit_zh(big)}（{big['figure_id']}，第{big['section']}部分），大于第"
                            f"{low['section']}部分给出的全项目数字 {fmt_number(low['value'])}（{low['figure_id']}），"
                            f"但不超过第{top['section']}部分的 {fmt_number(top['value'])}（{top['figure_id']}）。"
                        ),
                        (
                            f"{pl.loc[place, 'name_en']} alone reports {fmt_number(big['value'])} for {label_en} "
                            f"({big['figure_id']}, section {big['section']}), more than the project total "
                            f"{fmt_number(low['value'])} given in section {low['section']} ({low['figure_id']}) "
                            f"but not more than {fmt_number(top['value'])} in section {top['section']} "
                            f"({top['figure_id']})."
                        ),
                        figure_ids=[big["figure_id"], low["figure_id"], top["figure_id"]],
                        quotes=[big["quote"], low["quote"], top["quote"]],
                        place_ids=[place],
                        explanation_zh=f"第{low['section']}部分的全项目数字可能不完整或统计口径较窄。",
                        explanation_en=f"The project total in section {low['section']} is probably incomplete "
                        "or counted more narrowly.",
                    )
                )
            if big["lo"] > top["hi"] + 1e-9:
                found.append(
                    finding(
                        f"part_whole:{metric}:{place}",
                        "warning",
                        (
                            f"{pl.loc[place, 'name_zh']}的「{label_zh}」为 {fmt_number(big['value'])}"
                            f"{_unit_zh(big)}（{big['figure_id']}，第{big['section']}部分），"
                            f"大于整个项目的 {fmt_number(top['value'])}"
                            f"（{top['figure_id']}，第{top['section']}部分）。"
                        ),
                        (
                            f"{pl.loc[place, 'name_en']} reports {fmt_number(big['value'])} for {label_en} "
                            f"({big['figure_id']}, section {big['section']}), more than the whole project's "
                            f"{fmt_number(top['value'])} ({top['figure_id']}, section {top['section']})."
                        ),
                        figure_ids=[big["figure_id"], top["figure_id"]],
                        quotes=[big["quote"], top["quote"]],
                        place_ids=[place],
                    )
                )
        tops = topmost(report, set(parts["place_id"]))
        if len(tops) < 2:
            continue
        used = [latest(parts[parts["place_id"] == p]) for p in tops]
        total = parts.loc[used, "lo"].sum()
        if total > top["hi"] + 1e-9:
            names_zh = "、".join(pl.loc[p, "name_zh"] for p in tops)
            found.append(
                finding(
                    f"part_whole:{metric}:places",
                    "warning",
                    (
                        f"{names_zh}的「{label_zh}」合计至少 {fmt_number(total)}，"
                        f"大于整个项目的 {fmt_number(top['value'])}（{top['figure_id']}）。"
                    ),
                    (
                        f"The places' figures for {label_en} add up to at least {fmt_number(total)} "
                        f"({', '.join(used)}), more than the whole project's {fmt_number(top['value'])} "
                        f"({top['figure_id']})."
                    ),
                    figure_ids=[*used, top["figure_id"]],
                    quotes=[*parts.loc[used, "quote"], top["quote"]],
                    place_ids=tops,
                )
            )
    return found


# ----------------------------------------------------------------------------------------------------
# Lists
# ----------------------------------------------------------------------------------------------------


def list_count_findings(report: Report, fig: pd.DataFrame) -> list[dict]:
    """A stated count that the listed items do not match (warning). A count introduced with 等 ('… and
    others') may exceed the items listed; a count with 余/多/约 is compared with its rounding."""
    counts = report.list_items.groupby("list_id").size()
    found = []
    for lst in report.lists.itertuples():
        if not isinstance(lst.count_figure_id, str):
            continue
        f = fig.loc[lst.count_figure_id]
        n = int(counts.get(lst.list_id, 0))
        partial = "等" in str(f["quote"])
        if f["lo"] - 1e-9 <= n <= f["hi"] + 1e-9 or (partial and n <= f["hi"]):
            continue
        values = Values(fig, {})
        found.append(
            finding(
                f"list_count:{lst.list_id}",
                "warning",
                (
                    f"第{lst.section}部分说「{lst.label_zh}」共 "
                    f"{values.text(f['figure_id'], 'zh')}{_unit_zh(f)}"
                    f"（{f['figure_id']}：「{f['quote']}」），但列出了 {n} 项。"
                ),
                (
                    f"Section {lst.section} counts {values.text(f['figure_id'], 'en')} ({lst.label_en}; "
                    f"{f['figure_id']}: '{f['quote']}') but lists {n} of them."
                ),
                figure_ids=[f["figure_id"]],
                quotes=[f["quote"]],
            )
        )
    return found


# ----------------------------------------------------------------------------------------------------
# rules.csv
# ----------------------------------------------------------------------------------------------------


def _signed(expr: str) -> list[tuple[float, str]]:
    return [(1.0 if sign == "+" else -1.0, term) for sign, term in parse_expression(expr)]


def rule_forms(report: Report) -> dict[str, dict[str, float]]:
    """For each '==' rule, its left − right as {term: coef} (to tell a rule that restates a generic check)."""
    out = {}
    for r in report.rules.itertuples():
        if r.operator == "==":
            out[r.rule_id] = canonical(_signed(r.left) + [(-c, t) for c, t in _signed(r.right)])
    return out


def evaluate_rule(
    operator: str, left: tuple[float, float], right: tuple[float, float], tolerance_pct: float
) -> bool | None:
    """Whether some values within the two intervals satisfy ``left operator right``, with a tolerance of
    ``tolerance_pct`` % of the right side's size. None when a side cannot be computed.

    >>> evaluate_rule("==", (1678.5, 1678.5), (1100, 1200), 0), evaluate_rule("<=", (7, 7), (7, 7), 0)
    (False, True)
    >>> evaluate_rule("==", (105, 105), (100, 100), 5)
    True
    """
    if any(math.isnan(v) for v in (*left, *right)):
        return None
    size = max(abs(right[0]), abs(right[1])) if math.isfinite(right[1]) else abs(right[0])
    tol = size * _tolerance(tolerance_pct) / 100 + 1e-9 * max(1.0, size)
    if operator == "==":
        return left[0] <= right[1] + tol and right[0] <= left[1] + tol
    if operator == "<=":
        return left[0] <= right[1] + tol
    if operator == "<":
        return left[0] < right[1] + tol
    if operator == ">=":
        return left[1] + tol >= right[0]
    return left[1] + tol > right[0]


def _side_text(terms: list[tuple[float, str]], values: Values, lang: str) -> str:
    parts = []
    for k, (coef, term) in enumerate(terms):
        sign = ("−" if coef < 0 else "+") if k else ("−" if coef < 0 else "")
        label = term if _is_number(term) else f"{term} = {values.text(term, lang)}"
        parts.append(f"{sign} {label}".strip() if sign else label)
    if len(terms) == 1:
        return parts[0]
    lo, hi = sum_interval(terms, values)
    total = fmt_number(lo) if abs(hi - lo) < 1e-9 else f"{fmt_number(lo)}–{fmt_number(hi)}"
    return f"{' '.join(parts)} → {total}"


def rule_findings(report: Report, values: Values, skip: set[str], correction: dict[str, float]) -> list[dict]:
    """A finding for each rule of rules.csv that fails (its own severity and message, with the numbers), or
    that cannot be evaluated (info). Rules in ``skip`` restate a generic budget check, reported there."""
    found = []
    for r in report.rules.sort_values("rule_id").itertuples():
        if r.rule_id in skip:
            continue
        left, right = _signed(r.left), _signed(r.right)
        ok = evaluate_rule(
            r.operator, sum_interval(left, values), sum_interval(right, values), _tolerance(r.tolerance_pct)
        )
        if ok:
            continue
        terms = [t for _, t in left + right if not _is_number(t)]
        common = {"figure_ids": terms, "quotes": [values.quote(t) for t in terms]}
        if ok is None:
            found.append(
                finding(
                    f"rule:{r.rule_id}",
                    "info",
                    f"规则无法计算（有空白单元格）：{r.message_zh}",
                    f"The rule cannot be evaluated (a cell is empty): {r.message_en}",
                    **common,
                )
            )
            continue
        zh = f"{r.message_zh}报告中：{_side_text(left, values, 'zh')}；{_side_text(right, values, 'zh')}。"
        en = (
            f"{r.message_en} The report gives {_side_text(left, values, 'en')}, against "
            f"{_side_text(right, values, 'en')}."
        )
        ex_zh = ex_en = ""
        touched = {c: v for c, v in correction.items() if c in terms}
        if touched:
            fixed = Values(values.figures, {**values.cells, **touched}, values.cell_quotes)
            still = evaluate_rule(
                r.operator, sum_interval(left, fixed), sum_interval(right, fixed), _tolerance(r.tolerance_pct)
            )
            shown = ", ".join(f"{c} = {fmt_number(v)}" for c, v in touched.items())
            ex_zh = f"按预算表最可能的更正（{shown}），该规则{'成立' if still else '仍不成立'}。"
            verdict = "holds" if still else "still fails"
            ex_en = f"With the budget table's likeliest correction ({shown}) the rule {verdict}."
        found.append(
            finding(
                f"rule:{r.rule_id}",
                r.severity,
                zh,
                en,
                explanation_zh=ex_zh,
                explanation_en=ex_en,
                rule_ids=[r.rule_id],
                **common,
            )
        )
    return found


# ----------------------------------------------------------------------------------------------------
# All checks
# ----------------------------------------------------------------------------------------------------


def run_checks(report: Report, profile: str = "default") -> pd.DataFrame:
    """Every consistency check of a report, as one findings table.

    Columns: check_id (stable: 'budget_remaining:<line>', 'budget_sum:<column>',
    'budget_sum:remaining_from_lines', 'budget_grant', 'localise:budget', 'threshold:<line>',
    'same_metric:<metric>[:<place>][:<unit>]', 'part_whole:<metric>:<place>|places', 'list_count:<list>',
    'rule:<rule_id>'), kind, severity ('error' | 'warning' | 'info'), message_zh, message_en, figure_ids
    (figure ids and budget.<line>.<column> cells, ';'), quotes (' | '), place_ids, explanation_zh,
    explanation_en (a suggested explanation, e.g. a digit transposition), rule_ids (rules of rules.csv that
    state the same identity as a generic check; such a rule is not reported twice). Sorted by severity, then
    check_id. Checks that pass produce nothing. Inside ``closeout build`` the findings computed once for the
    build's snapshot of the report are returned (see :mod:`analysis.snapshot`).
    """
    profile_rules(profile)
    cached = snapshot.findings_for(report, profile)
    if cached is not None:
        return cached
    fig = figures(report)
    cells, cell_quotes = budget_cells(report)
    values = Values(fig, cells, cell_quotes)
    forms = rule_forms(report)
    duplicates = {rid for ident in budget_identities(report) for rid in _same_form(ident.form(), forms)}
    budget, correction = budget_findings(report, values, forms)
    found = (
        budget
        + threshold_findings(report, profile)
        + same_metric_findings(report, fig)
        + part_whole_findings(report, fig)
        + list_count_findings(report, fig)
        + rule_findings(report, values, duplicates, correction)
    )
    out = pd.DataFrame(found, columns=CHECK_COLUMNS)
    out["_rank"] = out["severity"].map(SEVERITY_ORDER)
    return out.sort_values(["_rank", "check_id"], kind="stable").drop(columns="_rank").reset_index(drop=True)


# ----------------------------------------------------------------------------------------------------
# Command line
# ----------------------------------------------------------------------------------------------------

FAIL_ON = ("error", "warning", "never")


def exit_code(findings: pd.DataFrame, fail_on: str) -> int:
    """1 when a finding is at least as severe as ``fail_on`` ('never' never fails), else 0.

    >>> warning = pd.DataFrame({"severity": ["warning"]})
    >>> exit_code(warning, "error"), exit_code(warning, "warning"), exit_code(warning, "never")
    (0, 1, 0)
    """
    if fail_on == "never":
        return 0
    return int(bool((findings["severity"].map(SEVERITY_ORDER) <= SEVERITY_ORDER[fail_on]).any()))


def cmd_check(args: argparse.Namespace) -> int:
    """``closeout check``: print the findings; the exit status follows ``--fail-on``."""
    from analysis.cli import emit
    from analysis.load import load_report

    profile_rules(args.profile)
    report = load_report(args.report)
    findings = run_checks(report, args.profile)
    emit(findings, args.format)
    return exit_code(findings, args.fail_on)


def register_cli(subparsers) -> None:
    """Add the ``check`` subcommand."""
    from analysis.cli import DEFAULT_REPORT, FORMATS

    p = subparsers.add_parser(
        "check", help="check a report's figures and budget for contradictions and typos"
    )
    p.add_argument(
        "report", nargs="?", type=Path, default=DEFAULT_REPORT, help="report folder (default: %(default)s)"
    )
    p.add_argument("--format", choices=FORMATS, default="table")
    p.add_argument(
        "--fail-on",
        choices=FAIL_ON,
        default="never",
        help="exit 1 when a finding is at least this severe (default: %(default)s: exit 0 whenever it ran)",
    )
    p.add_argument("--profile", default="default", help="budget threshold profile (default: %(default)s)")
    p.set_defaults(func=cmd_check)
