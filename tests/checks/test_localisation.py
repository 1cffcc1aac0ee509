"""Error localisation worded in both languages for every kind of slip: transposition, a changed digit, a dropped
digit, an added digit, a sign."""

from __future__ import annotations

import pytest

from analysis import checks as c
from engine_data import line, make_report, total


def table(masks_actual: float, masks_remaining: float = -1678.5) -> list[dict]:
    """Masks 18000 budget, 19678.5 spent; disinfectant 12000 / 11000; totals as they should be."""
    return [
        line("masks", 18000, masks_actual, masks_remaining),
        line("disinfectant", 12000, 11000, 1000),
        total(30000, 30678.5, -678.5),
    ]


def localised(rows: list[dict]):
    out = c.run_checks(make_report([], budget=rows))
    (i,) = out.index[out["check_id"] == "localise:budget"]
    return out.loc[i]


@pytest.mark.parametrize(
    ("printed", "remaining", "zh", "en"),
    [
        (19687.5, -1678.5, "8 与 7 两位数字颠倒", "digits 8 and 7 transposed"),
        (19638.5, -1678.5, "数字 7 误为 3", "a 7 printed as 3"),
        (119678.5, -1678.5, "多打了数字 1", "an extra digit 1"),
        (1968.5, -1678.5, "少打了数字 7", "a digit 7 left out"),
        (19678.5, 1678.5, "漏印了负号", "a minus sign left out"),
    ],
    ids=["transposition", "change", "drop", "insert", "sign"],
)
def test_each_kind_of_slip_is_worded_right_in_both_languages(printed, remaining, zh, en):
    """The single correction is found and the slip described the right way round in Chinese and English."""
    row = localised(table(printed, remaining))
    assert f"（{zh}）" in row["message_zh"], row["message_zh"]
    assert f"({en})" in row["message_en"], row["message_en"]
    corrected = "-1678.5" if remaining > 0 else "19678.5"
    assert f"应为 {corrected} 而非" in row["message_zh"] and f"should read {corrected}, not" in row["message_en"]


def test_a_three_printed_as_eight():
    """The issue's case: a 3 printed as 8 reads 「数字 3 误为 8」 (not the other way round) and 'a 3 printed as 8'."""
    rows = [
        line("kits", 5000, 4800, 200),
        line("hotline", 3000, 3000, 0),
        total(8000, 7300, 700),  # the kits actual 4300 printed 4800
    ]
    rows[0]["remaining_yuan"] = 700
    row = localised(rows)
    assert "数字 3 误为 8" in row["message_zh"] and "a 3 printed as 8" in row["message_en"]


def test_sign_edits_are_offered_last():
    """digit_edits offers the opposite sign as the last, least likely kind."""
    edits = {v: k for v, k, _ in c.digit_edits(-1687.5)}
    assert edits[1687.5] == "sign" and edits[-1678.5] == "transposition"
