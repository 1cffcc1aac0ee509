"""Error localisation worded in both languages for every kind of slip: transposition, a changed digit, a dropped
digit, an added digit, a sign."""

from __future__ import annotations

import pytest
from checks_fixtures import TRANSPOSED, TWO_ERRORS, budget_report, ids, one

from analysis import checks as c
from engine_data import line, make_report, total


def table(kits_actual: float, kits_remaining: float = -1234.5) -> list[dict]:
    """Kits 15000 budget, 16234.5 spent; hotline 12000 / 11000; totals as they should be."""
    return [
        line("kits", 15000, kits_actual, kits_remaining),
        line("hotline", 12000, 11000, 1000),
        total(27000, 27234.5, -234.5),
    ]


def localised(rows: list[dict]):
    out = c.run_checks(make_report([], budget=rows))
    (i,) = out.index[out["check_id"] == "localise:budget"]
    return out.loc[i]


@pytest.mark.parametrize(
    ("printed", "remaining", "zh", "en"),
    [
        (16243.5, -1234.5, "4 与 3 两位数字颠倒", "digits 4 and 3 transposed"),
        (16284.5, -1234.5, "数字 3 误为 8", "a 3 printed as 8"),
        (162345.5, -1234.5, "多打了数字 5", "an extra digit 5"),
        (1634.5, -1234.5, "少打了数字 2", "a digit 2 left out"),
        (16234.5, 1234.5, "漏印了负号", "a minus sign left out"),
    ],
    ids=["transposition", "change", "drop", "insert", "sign"],
)
def test_each_kind_of_slip_is_worded_right_in_both_languages(printed, remaining, zh, en):
    """The single correction is found and the slip described the right way round in Chinese and English."""
    row = localised(table(printed, remaining))
    assert f"（{zh}）" in row["message_zh"], row["message_zh"]
    assert f"({en})" in row["message_en"], row["message_en"]
    corrected = "-1234.5" if remaining > 0 else "16234.5"
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
    edits = {v: k for v, k, _ in c.digit_edits(-1364.5)}
    assert edits[1364.5] == "sign" and edits[-1346.5] == "transposition"


def test_transposed_digits_are_localised():
    """One swapped digit pair breaks three identities; 25346.5 → 25364.5 explains them all."""
    out = c.run_checks(budget_report(TRANSPOSED))
    assert ids(out) == {
        "budget_remaining:food": "error",
        "budget_sum:actual_yuan": "error",
        "budget_sum:remaining_from_lines": "error",
        "localise:budget": "info",
    }
    loc = one(out, "localise:budget")
    assert "all 3 failing budget sums" in loc["message_en"]
    assert "25364.5, not 25346.5 (digits 4 and 6 transposed)" in loc["message_en"]
    assert loc["figure_ids"].startswith("budget.food.actual_yuan;")
    remaining = one(out, "budget_remaining:food")
    assert "24000 − actual spending 25346.5 = -1346.5" in remaining["message_en"]
    assert "printed as -1364.5" in remaining["message_en"]
    assert "4 与 6 两位数字颠倒" in remaining["explanation_zh"]
    assert remaining["figure_ids"] == "budget.food.budget_yuan;budget.food.actual_yuan;budget.food.remaining_yuan"


def test_two_independent_errors_are_not_explained_by_one_cell():
    """With two independent errors no single cell explains every failing identity, and the finding says so."""
    out = c.run_checks(budget_report(TWO_ERRORS))
    failing = {k for k, v in ids(out).items() if v == "error"}
    assert failing == {
        "budget_remaining:food",
        "budget_sum:remaining_yuan",
        "budget_sum:budget_yuan",
        "budget_remaining:total",
    }
    loc = one(out, "localise:budget")
    assert loc["message_en"].startswith("No single-cell correction explains all 4 failing budget sums")
    assert loc["message_en"].endswith(
        "The closest: the remaining amount of Food (food行) reading -1346.5 (digits 6 and 4 transposed) "
        "explains 2 of them."
    )
    assert (out["explanation_en"] == "").all()


def test_digit_edits_cover_drops_and_additions():
    """A dropped or an added digit is among the candidate corrections, each value once."""
    edits = {value: kind for value, kind, _ in c.digit_edits(1234)}
    assert edits[1243] == "transposition" and edits[1284] == "change"
    assert edits[124] == "drop" and edits[12345] == "insert"
    assert all(not str(int(v)).startswith("0") for v in edits)


def test_seed_budget_localisation(seed):
    """Seed: three budget identities fail; 19678.5 → 19687.5 (7 and 8 transposed) explains all."""
    out = c.run_checks(seed)
    errors = set(out.loc[out["kind"].str.startswith("budget"), "check_id"])
    assert errors == {"budget_remaining:masks", "budget_sum:actual_yuan", "budget_sum:remaining_from_lines"}
    assert "30040.5" in one(out, "budget_sum:actual_yuan")["message_en"]
    assert "leave -40.5" in one(out, "budget_sum:remaining_from_lines")["message_en"]
    loc = one(out, "localise:budget")
    assert "all 3 failing budget sums" in loc["message_en"]
    assert "should read 19687.5, not 19678.5 (digits 7 and 8 transposed)" in loc["message_en"]
