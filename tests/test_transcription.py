"""Transcription completeness of the seed report: every numeric mention is a figure or a reasoned exclusion."""

from __future__ import annotations

from analysis.cli import main
from analysis.load import load_report, validate_report
from analysis.transcription import account_report, unaccounted, unused_exclusions, values_not_in_quotes
from conftest import SEED_REPORT


def test_every_numeric_mention_is_accounted_for():
    """100 % of the numeric mentions `closeout extract` finds are transcribed or listed in exclusions.csv."""
    report = load_report(SEED_REPORT)
    missing = unaccounted(report)
    assert missing.empty, "\n" + missing[["line", "section", "text", "context"]].to_string()
    assert len(account_report(report)) >= 200


def test_every_transcribed_value_is_printed_in_its_quote():
    """Each figure and budget value equals a number printed inside its own quote (no typo in the data)."""
    wrong = values_not_in_quotes(load_report(SEED_REPORT))
    assert wrong.empty, "\n" + wrong.to_string()


def test_every_exclusion_is_used():
    """Every row of exclusions.csv names a mention printed inside its quote (no stale exclusions)."""
    stale = unused_exclusions(load_report(SEED_REPORT))
    assert stale.empty, "\n" + stale.to_string()


def test_a_wrong_value_is_caught(seed_copy):
    """Changing a figure's value so it no longer matches its quote is a validation error naming the row, the
    value and what the quote prints (and the mention it no longer covers is not reported a second time)."""
    path = seed_copy / "figures.csv"
    text = path.read_text(encoding="utf-8")
    assert ",52444," in text
    path.write_text(text.replace(",52444,", ",52445,", 1), encoding="utf-8")
    row = text[: text.index(",52444,")].count("\n") + 1
    report, problems = validate_report(seed_copy, completeness=True)
    assert report is None
    quote = next(line.split(",")[13] for line in text.splitlines() if ",52444," in line)
    assert [str(p) for p in problems] == [
        f"data/anxin-plan-2020/figures.csv, row {row}, column value: expected a number printed in the row's quote "
        f"(or is_derived true with a note saying how it was derived), found 52445, but the quote {quote!r} prints 52444"
    ]


def test_cli_unaccounted_lists_nothing_for_the_seed(capsys, monkeypatch):
    """`closeout extract --report DIR --unaccounted --format csv` prints only the header for the seed."""
    monkeypatch.chdir(SEED_REPORT.parents[1])
    assert main(["extract", "--report", "data/anxin-plan-2020", "--unaccounted", "--format", "csv"]) == 0
    assert capsys.readouterr().out.strip().count("\n") == 0


def test_a_stale_exclusion_is_caught(seed_copy):
    """An exclusion whose text is not a mention inside its quote is reported as stale."""
    path = seed_copy / "exclusions.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.append("header,99,项目预算,date,a mistake on purpose")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    stale = unused_exclusions(load_report(seed_copy))
    assert list(stale["text"]) == ["99"]
