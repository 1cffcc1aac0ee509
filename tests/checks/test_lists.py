"""Lists: a stated count against the items listed."""

from __future__ import annotations

from checks_fixtures import ids, one

from analysis import checks as c
from engine_data import fig, make_report


def list_report(count: float, n_items: int, quote: str, approximate: bool = False) -> object:
    return make_report(
        [
            fig(
                "F001",
                "donors",
                count,
                unit="organisations",
                quote=quote,
                is_approximate=approximate,
                qualifier="approximate" if approximate else "exact",
            )
        ],
        lists=[
            {
                "list_id": "donors",
                "section": "六.1",
                "label_zh": "捐赠方",
                "label_en": "Donors",
                "count_figure_id": "F001",
            }
        ],
        list_items=[
            {"list_id": "donors", "item_no": i, "item_zh": f"单位{i}", "quote": f"单位{i}"}
            for i in range(1, n_items + 1)
        ],
    )


def test_stated_count_against_listed_items():
    """A stated count must match the items listed, except 等 (partial) and rounding (20多)."""
    out = c.run_checks(list_report(19, 21, "19 家单位"))
    assert ids(out) == {"list_count:donors": "warning"}
    assert "but lists 21" in one(out, "list_count:donors")["message_en"]
    assert c.run_checks(list_report(9, 9, "九个省")).empty
    assert c.run_checks(list_report(48, 3, "等 48 个部门")).empty
    assert c.run_checks(list_report(20, 25, "20多家", approximate=True)).empty
