"""The key tables a funder reads (stacked cards on a phone): targets with 约 and †, the budget with printed and
recomputed totals, the sign convention and the grantee's explanations, cost per output, output per worker,
reach and figures over time; codes (figure ids, cells) folded into technical details."""

from __future__ import annotations

import pandas as pd
from markupsafe import Markup

from analysis.present.formats import (
    MISSING,
    _amount,
    _missing,
    _printed,
    approx,
    attainment_ratio,
    fmt_number,
    fmt_pct,
    row_is_approximate,
)
from analysis.present.labels import (
    has_label,
    localized,
    localized_value,
    t,
    team_labels,
)
from analysis.present.render import para, render, table
from analysis.present.words import plain


def intensity_table(
    intensity: pd.DataFrame, lang: str, report=None, empty_key: str = "intensity.none"
) -> Markup:
    """Output per worker (and per worker-day) for each team and output (team names from workforce.csv);
    ≈ on every ratio of an approximate figure."""
    approx_rows = intensity.get("is_approximate", pd.Series(False, index=intensity.index)).fillna(False)
    frame = intensity.assign(
        _label=localized(intensity, "label", lang),
        _team=team_labels(report, intensity, lang),
        _days_basis=localized(intensity, "days_basis", lang),
        _output=[
            _amount(v, u, lang, z, a, e)
            for v, u, z, a, e in zip(
                intensity["output_value"],
                intensity["output_unit"],
                _printed(intensity, "output_unit_zh"),
                approx_rows,
                _printed(intensity, "output_unit_en"),
            )
        ],
        _workers=[
            _amount(v, u, lang, z, unit_en=e)
            for v, u, z, e in zip(
                intensity["workers"],
                intensity["workers_unit"],
                _printed(intensity, "workers_unit_zh"),
                _printed(intensity, "workers_unit_en"),
            )
        ],
        _per=[
            approx(fmt_number(v, lang, 1), lang, a)
            for v, a in zip(intensity["output_per_worker"], approx_rows)
        ],
        _per_day=[
            approx(fmt_number(v, lang, 2), lang, a)
            for v, a in zip(intensity["output_per_worker_day"], approx_rows)
        ],
    )
    return table(
        frame,
        [
            ("_team", "col.team", "text"),
            ("_label", "col.intensity", "text"),
            ("_output", "col.output_value", "text_num"),
            ("_workers", "col.workers", "text_num"),
            ("_per", "col.output_per_worker", "text_num"),
            ("days", "col.days", "number"),
            ("_days_basis", "col.days_basis", "text"),
            ("_per_day", "col.output_per_worker_day", "text_num"),
            ("output_figure_id", "col.figure_ids", "ids"),
        ],
        lang,
        empty_key=empty_key,
        cards=True,
    )


def units_differ(row) -> bool:
    """Whether a target and its achievement are counted in different units (人次 vs 名 …)."""
    achieved = str(row.get("achieved_unit") or "").split(";")[0]
    return bool(achieved) and not _missing(row.get("unit")) and achieved != str(row.get("unit"))


def attainment_table(attainment: pd.DataFrame, lang: str) -> Markup:
    """Each target, what was achieved (in its own unit, 约 when approximate) and the attainment ratio (约
    too), a † where the units or definitions differ, and the note on which figure was chosen and why."""
    if attainment.empty:
        return para(t("table.empty", lang), "empty")
    achieved_units = attainment["achieved_unit"].fillna("").astype(str).str.split(";").str[0]
    achieved_zh = _printed(attainment, "achieved_unit_zh").fillna("").astype(str).str.split(";").str[0]
    achieved_en = _printed(attainment, "achieved_unit_en").fillna("").astype(str).str.split(";").str[0]
    approx_rows = attainment.get("is_approximate", pd.Series(False, index=attainment.index)).fillna(False)
    ratio = attainment_ratio(attainment)
    differ = [units_differ(r) for _, r in attainment.iterrows()]
    notes = localized(attainment, "note", lang)
    why = localized(attainment, "why", lang) if any(c.startswith("why_") for c in attainment) else notes * 0
    frame = attainment.assign(
        _label=localized(attainment, "label", lang),
        _target=[
            _amount(v, u, lang, z, unit_en=e)
            for v, u, z, e in zip(
                attainment["target_value"],
                attainment["unit"],
                _printed(attainment, "unit_zh"),
                _printed(attainment, "unit_en"),
            )
        ],
        _achieved=[
            _amount(v, u, lang, z, a, e)
            for v, u, z, a, e in zip(
                attainment["achieved_value"], achieved_units, achieved_zh, approx_rows, achieved_en
            )
        ],
        _ratio=[
            approx(fmt_pct(r, lang), lang, a) + (" †" if d else "")
            for r, a, d in zip(ratio, approx_rows, differ)
        ],
        _note=[
            t("alt.sep", lang).join(plain(x, lang) for x in (n, w) if isinstance(x, str) and x.strip())
            or MISSING
            for n, w in zip(notes, why if len(why) == len(notes) else notes * 0)
        ],
        _row_cls=["differs" if d else "" for d in differ],
    )
    if any(c.startswith("achieved_text_") for c in attainment):  # the assessment words them, ≈ included
        frame["_achieved"] = [
            plain(x, lang) if isinstance(x, str) and x.strip() else y
            for x, y in zip(localized(attainment, "achieved_text", lang), frame["_achieved"])
        ]
    if any(c.startswith("attainment_text_") for c in attainment):
        frame["_ratio"] = [
            (plain(x, lang) + (" †" if d else "")) if isinstance(x, str) and x.strip() else y
            for x, y, d in zip(localized(attainment, "attainment_text", lang), frame["_ratio"], differ)
        ]
    columns = [
        ("_label", "col.target", "text"),
        ("_target", "col.target_value", "text_num"),
        ("_achieved", "col.achieved_value", "text_num"),
        ("_ratio", "col.attainment", "text_num"),
        ("cutoff_date", "col.cutoff_date", "date"),
        ("_note", "col.note", "text"),
        ("target_figure_id", "col.target_figure", "ids"),
        ("achieved_figure_ids", "col.figure_ids", "ids"),
    ]
    out = table(frame, columns, lang, cards=True, name="targets")
    if any(differ):
        out += para(t("targets.differs_note", lang), "note")
    return out


def budget_lines(variance: pd.DataFrame, budget: dict | None, report, lang: str) -> pd.DataFrame:
    """The budget table's rows: line name, budget, actual, variance (实际 − 预算), %, flag, remaining as
    printed (the report's 剩余 column), and the grantee's explanation for lines needing one (the quote of
    ``assess().budget['lines_needing_explanation']``, else 报告未说明). The total appears twice when the
    printed total differs from the sum of the lines."""
    frame = variance.copy()
    names = localized(frame, "line", lang).fillna(localized(frame, "category", lang))
    frame["_line"] = [t("budget.total", lang) if lv == "total" else n for lv, n in zip(frame["level"], names)]
    remaining = {}
    if report is not None and "remaining_yuan" in report.budget:
        rows = (
            report.budget[report.budget["row_type"].astype(str) == "line"]
            if "row_type" in report.budget
            else report.budget
        )
        remaining = dict(zip(rows["line_id"], rows["remaining_yuan"]))
    frame["_remaining"] = [
        fmt_number(remaining.get(lid), lang) if lv == "line" else MISSING
        for lid, lv in zip(frame["line_id"], frame["level"])
    ]
    needing = {d.get("line_id"): d for d in (budget or {}).get("lines_needing_explanation") or []}
    explanations = []
    for lid, flagged in zip(frame["line_id"], frame["needs_explanation"].fillna(False)):
        item = needing.get(lid)
        if item is None and not bool(flagged):
            explanations.append(None)
        elif item is not None and item.get("explained") and item.get("explanation_quote"):
            explanations.append(render("quote", text=item["explanation_quote"]))
        else:
            explanations.append(render("not_explained", text=t("budget.not_explained", lang)))
    frame["_explanation"] = explanations
    frame["_row_cls"] = [
        "level-" + str(lv) + (" flagged" if bool(f) else "")
        for lv, f in zip(frame["level"], frame["needs_explanation"].fillna(False))
    ]
    if (
        budget
        and not _missing(budget.get("printed_total_yuan"))
        and not _missing(budget.get("recomputed_total_yuan"))
    ):
        printed, recomputed = float(budget["printed_total_yuan"]), float(budget["recomputed_total_yuan"])
        if abs(printed - recomputed) > 0.005:
            total = frame[frame["level"] == "total"]
            if len(total):
                i = total.index[0]
                frame.loc[i, "_line"] = t("budget.total_recomputed", lang)
                row = frame.loc[i].copy()
                row["_line"] = t("budget.total_printed", lang)
                row["actual_yuan"] = printed
                row["variance_yuan"] = printed - float(row["budget_yuan"])
                row["variance_pct"] = (
                    (printed / float(row["budget_yuan"]) - 1) * 100 if row["budget_yuan"] else None
                )
                row["_row_cls"] = "level-total printed"
                frame = pd.concat(
                    [frame.loc[: i - 1] if i else frame.iloc[:0], row.to_frame().T, frame.loc[i:]]
                )
    return frame


def budget_table(variance: pd.DataFrame, lang: str, budget: dict | None = None, report=None) -> Markup:
    """Budget lines, category subtotals and the total (printed and recomputed where they differ) with the
    variance, the threshold flag and the grantee's explanation; stacked cards on a phone."""
    frame = budget_lines(variance, budget, report, lang)
    has_expl = frame["_explanation"].notna().any()
    columns = [
        ("_line", "col.budget_line", "text"),
        ("budget_yuan", "col.budget_yuan", "number"),
        ("actual_yuan", "col.actual_yuan", "number"),
        ("variance_yuan", "col.variance_yuan", "number"),
        ("variance_pct", "col.variance_pct", "pct100"),
        ("needs_explanation", "col.needs_explanation", "flag"),
        ("_remaining", "col.remaining_printed", "text_num"),
    ]
    if has_expl:
        columns.append(("_explanation", "col.explanation", "markup"))
    columns += [("budget_cells", "col.cells", "ids"), ("actual_cells", "col.cells_actual", "ids")]
    return table(frame, columns, lang, cards=True, name="budget")


def budget_block(
    variance: pd.DataFrame, budget: dict | None, lang: str, report=None, profile: str | None = None
) -> Markup:
    """The budget as a funder reads it: execution printed and recomputed, the likely correction, the sign
    convention, the rule applied, then the table."""
    parts = [para(t("budget.sign", lang), "note")]
    if budget:
        parts.insert(
            0,
            render(
                "budget_head", lead=t("summary.budget_link", lang), items=budget_facts(budget, lang, variance)
            ),
        )
    if profile:
        from analysis.present.labels import profile_label

        parts.append(para(t("budget.rule", lang, rule=profile_label(profile, lang)), "note"))
    return Markup("").join(parts) + budget_table(variance, lang, budget, report)


def budget_facts(budget: dict, lang: str, variance: pd.DataFrame | None = None) -> list[str]:
    """Sentences: execution as printed and as recomputed (where they differ) and the likely correction."""
    out = []
    printed, recomputed = budget.get("printed_total_yuan"), budget.get("recomputed_total_yuan")
    total = budget.get("budget_total_yuan")
    if not _missing(printed) and not _missing(recomputed) and abs(float(printed) - float(recomputed)) > 0.005:
        out.append(
            t(
                "budget.both",
                lang,
                printed=fmt_number(printed, lang),
                printed_rate=fmt_pct(budget.get("execution_printed"), lang),
                recomputed=fmt_number(recomputed, lang),
                recomputed_rate=fmt_pct(budget.get("execution_recomputed"), lang),
                budget=fmt_number(total, lang),
            )
        )
    else:
        value = printed if not _missing(printed) else recomputed
        rate = (
            budget.get("execution_printed") if not _missing(printed) else budget.get("execution_recomputed")
        )
        out.append(
            t(
                "budget.one",
                lang,
                actual=fmt_number(value, lang),
                rate=fmt_pct(rate, lang),
                budget=fmt_number(total, lang),
            )
        )
    fix = budget.get("correction")
    if fix:
        out.append(
            t(
                "budget.correction",
                lang,
                cell=cell_name(fix.get("cell"), variance, lang),
                printed=fmt_number(fix.get("printed"), lang),
                corrected=fmt_number(fix.get("corrected"), lang),
                why=plain(localized_value(fix, "why", lang) or "", lang),
            ).strip()
        )
    return out


def cell_name(cell, variance: pd.DataFrame | None, lang: str) -> str:
    """A budget cell id (``budget.<line>.<column>``) as words: the line's name and the column's header."""
    parts = str(cell or "").split(".")
    if len(parts) < 3 or variance is None:
        return t("budget.a_cell", lang)
    line_id, column = parts[1], parts[2]
    rows = variance[variance["line_id"] == line_id]
    name = localized_value(rows.iloc[0], "line", lang) if len(rows) else None
    name = name or (t("budget.total", lang) if line_id in ("total", "合计") else t("budget.a_line", lang))
    key = f"col.{column}"
    return f"{name} {t(key, lang) if has_label(key) else ''}".strip()


def cost_table(costs: pd.DataFrame, lang: str) -> Markup:
    """Yuan per unit of output (≈ when the output is approximate), with the spending and the output it
    divides, and the caveat."""
    approx_rows = costs.get("is_approximate", pd.Series(False, index=costs.index)).fillna(False)
    frame = costs.assign(
        _label=localized(costs, "label", lang),
        _caveat=[plain(c, lang) for c in localized(costs, "caveat", lang)],
        _output=[
            _amount(v, u, lang, z, a, e)
            for v, u, z, a, e in zip(
                costs["output_value"],
                costs["unit"],
                _printed(costs, "unit_zh"),
                approx_rows,
                _printed(costs, "unit_en"),
            )
        ],
        _cost=[
            approx(fmt_number(v, lang), lang, a) for v, a in zip(costs["cost_per_output_yuan"], approx_rows)
        ],
    )
    return table(
        frame,
        [
            ("_label", "col.output", "text"),
            ("_output", "col.output_value", "text_num"),
            ("spend_yuan", "col.cost_yuan", "number"),
            ("_cost", "col.cost_per_output", "text_num"),
            ("_caveat", "col.note", "text"),
            ("output_figure_id", "col.figure_ids", "ids"),
        ],
        lang,
        empty_key="cost.none",
        cards=True,
        name="cost",
    )


def timeline_table(over_time: pd.DataFrame, lang: str) -> Markup:
    """Figures of the same metric at successive cut-off dates."""
    frame = over_time.assign(_metric=localized(over_time, "label", lang))
    return table(
        frame,
        [
            ("_metric", "col.metric", "text"),
            ("step", "col.step", "number"),
            ("cutoff_date", "col.cutoff_date", "date"),
            ("value", "col.value", "value"),
            ("section", "col.section", "section"),
            ("quote", "col.quote", "quote"),
            ("figure_id", "col.figure_id", "ids"),
        ],
        lang,
    )


def reach_table(reach: pd.DataFrame, lang: str) -> Markup:
    """Places the report names by level, against the totals it states (``metrics.place_reach``); 约 / ≈ on a
    stated total the report gives as approximate or as a range."""
    stated = []
    for _, row in reach.iterrows():
        lo, hi = row.get("stated_total"), row.get("stated_total_max")
        if _missing(lo):
            stated.append(MISSING)
            continue
        text = fmt_number(lo, lang) + ("" if _missing(hi) or hi == lo else f"–{fmt_number(hi, lang)}")
        stated.append(
            approx(text, lang, row_is_approximate(row) or bool(row.get("stated_is_approximate") or False))
        )
    approx_total = [
        bool(a) if not _missing(a) else False
        for a in reach.get("stated_is_approximate", [False] * len(reach))
    ]
    frame = reach.assign(
        _stated=stated,
        _share=[approx(fmt_pct(v, lang), lang, a) for v, a in zip(reach["named_share"], approx_total)],
    )
    return table(
        frame,
        [
            ("level", "col.level", "reach"),
            ("places_named", "col.places_named", "number"),
            ("names_zh", "col.names", "source"),
            ("in_text", "col.in_text", "number"),
            ("with_figures", "col.with_figures", "number"),
            ("_stated", "col.stated_total", "text_num"),
            ("_share", "col.named_share", "text_num"),
            ("stated_figure_ids", "col.figure_ids", "ids"),
        ],
        lang,
    )
