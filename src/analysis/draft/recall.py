"""How much of a hand-made report folder a draft gets right, field by field (``benchmarks/draft_recall.py``).

A reference figure is *found* when a drafted figure has its top-level section, its value (or value_max) and a
quote that overlaps the reference's quote in the source. Over the found figures: the unit as printed
(``unit_zh``) and the data model's unit, the cut-off date (over the reference figures that have one), the
qualifier (target / approximate / exact, and the exact enum), the place (over the district-, street- and
community-scope figures; places compared by name), and the pairs of reference figures in different sections
that share a metric and whose drafts share one too. Budget rows match on row type and the three amounts; a
list with a stated count matches when a drafted list's count figure is the reference's count figure and it has
as many items.
"""

from __future__ import annotations

from itertools import combinations

import pandas as pd

from analysis.sections import find_quote, section_key, split_sections


def _spans(text, sections, frame: pd.DataFrame) -> list[list[tuple[int, int]]]:
    out = []
    for row in frame.itertuples(index=False):
        try:
            hits = find_quote(text, sections, row.section, row.quote)
        except (KeyError, ValueError):
            hits = []
        out.append([(h, h + len(row.quote)) for h in hits])
    return out


def _same(a, b) -> bool:
    return pd.notna(a) and pd.notna(b) and abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(a)))


def match_figures(text: str, reference: pd.DataFrame, draft: pd.DataFrame) -> dict[str, str | None]:
    """{reference figure id: the drafted figure id that transcribes the same mention, or None}."""
    sections = split_sections(text)
    ref_spans, draft_spans = _spans(text, sections, reference), _spans(text, sections, draft)
    out: dict[str, str | None] = {}
    used: set[str] = set()
    for i, r in enumerate(reference.itertuples(index=False)):
        out[r.figure_id] = None
        for j, d in enumerate(draft.itertuples(index=False)):
            if d.figure_id in used or section_key(d.section) != section_key(r.section):
                continue
            if not (_same(d.value, r.value) or _same(d.value_max, r.value) or _same(d.value, r.value_max)):
                continue
            if any(a < f and c < b for a, b in ref_spans[i] for c, f in draft_spans[j]):
                out[r.figure_id] = d.figure_id
                used.add(d.figure_id)
                break
    return out


def _qualifier_class(q: str, approx) -> str:
    if q == "target":
        return "target"
    return "approximate" if str(approx).lower() == "true" or q == "approximate" else "exact"


def _pct(hit: int, total: int) -> dict:
    return {"hit": hit, "total": total, "pct": round(100.0 * hit / total, 1) if total else None}


def compare(text: str, ref: dict[str, pd.DataFrame], draft: dict[str, pd.DataFrame]) -> dict[str, dict]:
    """Per field: {"hit", "total", "pct"} (see the module docstring). Frames hold the CSV text of each table."""
    rf, df = ref["figures"], draft["figures"]
    matched = match_figures(text, rf, df)
    by_id = df.set_index("figure_id")
    found = {r: d for r, d in matched.items() if d}
    rows = rf.set_index("figure_id")
    result = {"figures found": _pct(len(found), len(rf))}

    def field(name, ids, same):
        hit = sum(1 for r in ids if same(rows.loc[r], by_id.loc[found[r]]))
        result[name] = _pct(hit, len(ids))

    ids = list(found)
    field("unit as printed (unit_zh)", ids, lambda r, d: r["unit_zh"] == d["unit_zh"])
    field("unit (data model)", ids, lambda r, d: r["unit"] == d["unit"])
    dated = [r for r in ids if str(rows.loc[r, "cutoff_date"] or "").strip() not in ("", "nan")]
    field("cut-off date (dated figures)", dated, lambda r, d: str(r["cutoff_date"]) == str(d["cutoff_date"]))
    undated = [r for r in ids if r not in dated]
    field("no cut-off where none (undated figures)", undated,
          lambda r, d: str(d["cutoff_date"] or "").strip() in ("", "nan", "None"))
    field("qualifier (target / approximate / exact)", ids,
          lambda r, d: _qualifier_class(r["qualifier"], r["is_approximate"])
          == _qualifier_class(d["qualifier"], d["is_approximate"]))
    field("qualifier (exact enum)", ids, lambda r, d: r["qualifier"] == d["qualifier"])
    ref_names = dict(zip(ref["places"]["place_id"], ref["places"]["name_zh"]))
    draft_names = dict(zip(draft["places"]["place_id"], draft["places"]["name_zh"])) if "places" in draft else {}
    local = [r for r in ids if rows.loc[r, "scope"] in ("district", "street", "community")]
    field("place (district/street/community-scope figures)", local,
          lambda r, d: ref_names.get(r["place_id"]) is not None
          and ref_names.get(r["place_id"]) == draft_names.get(d["place_id"]))
    pairs = [(a, b) for a, b in combinations(rf["figure_id"], 2)
             if rows.loc[a, "metric"] == rows.loc[b, "metric"]
             and section_key(rows.loc[a, "section"]) != section_key(rows.loc[b, "section"])]
    shared = [(a, b) for a, b in pairs if a in found and b in found]
    hit = sum(1 for a, b in shared if by_id.loc[found[a], "metric"] == by_id.loc[found[b], "metric"])
    result["shared metric id (pairs in different sections)"] = _pct(hit, len(pairs))
    back = {d: r for r, d in found.items()}
    draft_pairs = [(a, b) for a, b in combinations([d for d in df["figure_id"] if d in back], 2)
                   if by_id.loc[a, "metric"] == by_id.loc[b, "metric"]
                   and section_key(by_id.loc[a, "section"]) != section_key(by_id.loc[b, "section"])]
    result["precision: shared metric ids that the reference shares"] = _pct(
        sum(1 for a, b in draft_pairs if rows.loc[back[a], "metric"] == rows.loc[back[b], "metric"]), len(draft_pairs))
    placed = [r for r in ids if str(by_id.loc[found[r], "place_id"] or "").strip() not in ("", "nan")]
    result["precision: drafted places that the reference gives"] = _pct(
        sum(1 for r in placed
            if ref_names.get(rows.loc[r, "place_id"]) == draft_names.get(by_id.loc[found[r], "place_id"])),
        len(placed))
    result["places named (by name)"] = _pct(len(set(ref_names.values()) & set(draft_names.values())),
                                            len(ref_names))
    rb, db = ref.get("budget"), draft.get("budget")
    if rb is not None and len(rb):
        def key(row):
            return (row["row_type"], *(round(float(row[c]), 6) if str(row[c]).strip() not in ("", "nan") else None
                                       for c in ("budget_yuan", "actual_yuan", "remaining_yuan")))
        draft_keys = [key(r) for _, r in db.iterrows()] if db is not None else []
        result["budget lines and totals"] = _pct(sum(1 for _, r in rb.iterrows() if key(r) in draft_keys), len(rb))
    rl = ref.get("lists")
    if rl is not None and len(rl):
        counted = rl[rl["count_figure_id"].fillna("").astype(str).str.strip() != ""]
        ref_items = ref["list_items"].groupby("list_id").size()
        dl = draft.get("lists", pd.DataFrame(columns=["list_id", "count_figure_id"]))
        d_items = draft["list_items"].groupby("list_id").size() if "list_items" in draft else pd.Series(dtype=int)
        hit = 0
        for row in counted.itertuples(index=False):
            want = found.get(row.count_figure_id)
            mine = dl[dl["count_figure_id"] == want] if want else dl.iloc[0:0]
            if any(d_items.get(x, 0) == ref_items.get(row.list_id, -1) for x in mine["list_id"]):
                hit += 1
        result["lists with their stated counts"] = _pct(hit, len(counted))
    return result


def findings_overlap(reference, draft) -> dict[str, dict]:
    """``closeout check`` on the reference report and on the confirmed draft: per kind of finding, how many
    of the reference's findings the draft also gives, the figures of a finding compared by their values."""
    from analysis.checks import run_checks

    def keyed(report) -> dict[str, set]:
        values = dict(zip(report.figures["figure_id"], report.figures["value"]))
        for row in report.budget.itertuples(index=False):
            for col in ("budget_yuan", "actual_yuan", "remaining_yuan"):
                if pd.notna(getattr(row, col)):
                    values[f"budget.{row.line_id}.{col}"] = getattr(row, col)
        out: dict[str, set] = {}
        for row in run_checks(report).itertuples(index=False):
            ids = [i for i in str(row.figure_ids).split(";") if i in values]
            key = frozenset(round(float(values[i]), 6) for i in ids) or row.check_id
            out.setdefault(row.kind, set()).add(key)
        return out

    ref, mine = keyed(reference), keyed(draft)
    return {f"findings: {kind}": {**_pct(len(ref[kind] & mine.get(kind, set())), len(ref[kind])),
                                  "drafted": len(mine.get(kind, set()))} for kind in sorted(ref)}
