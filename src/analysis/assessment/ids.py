"""Stable issue ids: a short hash of what the issue is about, independent of the order of any CSV's rows."""

from __future__ import annotations

import hashlib

#: How an issue id starts, per kind of issue (ids stay readable in a review log).
PREFIX = {
    "budget_arithmetic": "budget",
    "conflict": "conflict",
    "scope": "scope",
    "revision": "revision",
    "change": "change",
    "part_whole": "part",
    "list_count": "count",
    "narrative": "narrative",
    "threshold": "variance",
    "rule": "rule",
}


def issue_id(kind: str, terms) -> str:
    """The id of an issue of ``kind`` about ``terms`` (figure ids and budget.<line>.<column> cells): the kind's
    prefix and 8 hex digits of the SHA-256 of the kind and the sorted, de-duplicated terms.

    >>> issue_id("conflict", ["F063", "F034"]) == issue_id("conflict", ["F034", "F063", "F034"])
    True
    >>> issue_id("conflict", ["F034", "F063"]).startswith("conflict-")
    True
    """
    key = kind + "\n" + "\n".join(sorted({str(t) for t in terms if str(t)}))
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:8]
    return f"{PREFIX.get(kind, 'issue')}-{digest}"


def unique_ids(kinds_terms: list[tuple[str, list[str]]]) -> list[str]:
    """Ids for several issues; two issues with the same content (which grouping never makes) get a suffix.

    >>> unique_ids([("rule", ["F001"]), ("rule", ["F001"])])[1].endswith("-2")
    True
    """
    seen: dict[str, int] = {}
    out = []
    for kind, terms in kinds_terms:
        base = issue_id(kind, terms)
        seen[base] = seen.get(base, 0) + 1
        out.append(base if seen[base] == 1 else f"{base}-{seen[base]}")
    return out
