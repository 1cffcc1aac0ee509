"""The evaluator's review log: reviews.csv, `closeout review`, and what summary and validate make of it."""

from __future__ import annotations

import json

import pytest

from analysis.cli import main


def _summary_json(capsys, folder, *extra) -> dict:
    capsys.readouterr()
    assert main(["summary", str(folder), "--format", "json", *extra]) == 0
    return json.loads(capsys.readouterr().out)


def test_review_round_trip(seed_copy, capsys):
    """`closeout review` writes reviews.csv; `closeout summary` shows the status and the note; a resolved or
    dismissed issue leaves the open questions, a queried one stays."""
    before = _summary_json(capsys, seed_copy)
    first, second, third = (i["issue_id"] for i in before["issues"][:3])
    assert [q["issue_id"] for q in before["questions"]][:3] == [first, second, third]
    assert main(["review", first, "--status", "resolved", "--note", "期末数字已核实", "--reviewer", "王",
                 "--report", str(seed_copy), "--date", "2020-04-02"]) == 0
    assert main(["review", second, "--status", "queried", "--note", "asked on 2 April", "--report",
                 str(seed_copy)]) == 0
    assert main(["review", third, "--status", "dismissed", "--report", str(seed_copy)]) == 0
    text = (seed_copy / "reviews.csv").read_text(encoding="utf-8-sig")
    assert text.splitlines()[0] == "issue_id,status,note,reviewer,date"
    assert "期末数字已核实" in text
    after = _summary_json(capsys, seed_copy)
    by_id = {i["issue_id"]: i for i in after["issues"]}
    assert by_id[first]["status"] == "resolved" and by_id[first]["note"] == "期末数字已核实"
    assert by_id[first]["reviewer"] == "王" and by_id[first]["review_date"] == "2020-04-02"
    assert by_id[second]["status"] == "queried" and by_id[second]["note"] == "asked on 2 April"
    open_ids = [q["issue_id"] for q in after["questions"]]
    assert first not in open_ids and third not in open_ids and second in open_ids
    assert len(open_ids) == len(before["questions"]) - 2
    capsys.readouterr()
    assert main(["summary", str(seed_copy), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "Resolved: 期末数字已核实" in out and "Queried: asked on 2 April" in out


def test_latest_review_wins(seed_copy, capsys):
    """The log keeps every decision; the latest (by date, then row) is the issue's status."""
    issue = _summary_json(capsys, seed_copy)["issues"][0]["issue_id"]
    main(["review", issue, "--status", "queried", "--report", str(seed_copy), "--date", "2020-04-01"])
    main(["review", issue, "--status", "accepted", "--note", "ok", "--report", str(seed_copy), "--date", "2020-04-03"])
    after = _summary_json(capsys, seed_copy)
    assert after["issues"][0]["status"] == "accepted"
    capsys.readouterr()
    assert main(["review", "--list", "--report", str(seed_copy), "--format", "json"]) == 0
    log = json.loads(capsys.readouterr().out)
    assert [r["status"] for r in log] == ["queried", "accepted"]
    assert all(r["title"] and not r["stale"] for r in log)


def test_unknown_issue_id_fails_listing_the_valid_ids(seed_copy, capsys):
    """A typo in the issue id is a one-line error naming the valid ids; nothing is written."""
    ids = [i["issue_id"] for i in _summary_json(capsys, seed_copy)["issues"]]
    assert main(["review", "conflict-nothere", "--status", "resolved", "--report", str(seed_copy)]) == 2
    err = capsys.readouterr().err
    assert "unknown issue id 'conflict-nothere'" in err and all(i in err for i in ids)
    assert len(err.strip().splitlines()) == 1
    assert not (seed_copy / "reviews.csv").exists()


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_reviews_saved_from_excel_still_load(seed_copy, capsys, encoding):
    """reviews.csv saved by Excel (UTF-8 with a BOM, or GB18030 on Chinese Windows) loads and is applied."""
    issue = _summary_json(capsys, seed_copy)["issues"][0]["issue_id"]
    (seed_copy / "reviews.csv").write_bytes(
        f"issue_id,status,note,reviewer,date\r\n{issue},accepted,已与机构核对,李,2020/4/2\r\n".encode(encoding))
    after = _summary_json(capsys, seed_copy)
    assert after["issues"][0]["status"] == "accepted" and after["issues"][0]["note"] == "已与机构核对"


def test_bad_status_is_a_validation_error(seed_copy, capsys):
    """A status outside open|queried|accepted|resolved|dismissed is reported with file, row and column."""
    (seed_copy / "reviews.csv").write_text("issue_id,status,note,reviewer,date\nbudget-1,done,,,\n", encoding="utf-8")
    assert main(["validate", str(seed_copy)]) == 2
    err = capsys.readouterr().err
    assert "reviews.csv, row 2, column status" in err and "done" in err


def test_stale_review_is_reported_not_dropped(seed_copy, capsys):
    """A review whose issue no longer exists is reported by validate and summary, and kept in the file."""
    (seed_copy / "reviews.csv").write_text("issue_id,status,note,reviewer,date\nbudget-00000000,resolved,x,,\n",
                                           encoding="utf-8")
    assert main(["validate", str(seed_copy)]) == 0
    err = capsys.readouterr().err
    assert "stale review" in err and "reviews.csv, row 2, column issue_id" in err and "budget-00000000" in err
    after = _summary_json(capsys, seed_copy)
    assert [s["issue_id"] for s in after["stale_reviews"]] == ["budget-00000000"]
    assert "budget-00000000" in (seed_copy / "reviews.csv").read_text(encoding="utf-8")


def test_review_write_is_atomic(seed_copy, capsys, monkeypatch):
    """A failure while writing leaves the previous reviews.csv intact and no temporary file behind."""
    import os

    issue = _summary_json(capsys, seed_copy)["issues"][0]["issue_id"]
    main(["review", issue, "--status", "queried", "--report", str(seed_copy)])
    before = (seed_copy / "reviews.csv").read_bytes()

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        from analysis.reviews import record_review

        record_review(seed_copy, issue, "resolved")
    assert (seed_copy / "reviews.csv").read_bytes() == before
    assert [p.name for p in seed_copy.iterdir() if p.name.startswith(".reviews")] == []


def test_questions_workbook(seed_copy, capsys, tmp_path):
    """The question list and the review sheet export as .xlsx with Chinese or English headers, byte-identical
    for the same data."""
    from openpyxl import load_workbook

    for lang, header in (("zh", "问题"), ("en", "Question")):
        path = tmp_path / f"q-{lang}.xlsx"
        assert main(["summary", str(seed_copy), "--lang", lang, "--xlsx", str(path)]) == 0
        wb = load_workbook(path)
        questions, review = wb.worksheets
        assert header in [c.value for c in questions[1]]
        n_open = len(_summary_json(capsys, seed_copy)["questions"])
        assert questions.max_row == n_open + 1
        assert review.max_row == len(_summary_json(capsys, seed_copy)["issues"]) + 1
        again = tmp_path / f"again-{lang}.xlsx"
        assert main(["questions", str(seed_copy), "--lang", lang, "--xlsx", str(again)]) == 0
        assert again.read_bytes() == path.read_bytes()


def test_review_goes_stale_when_the_data_changes(seed_copy, capsys):
    """Reviewing the donors count, then dropping the list's stated count from lists.csv: the issue disappears,
    its review is reported as stale by validate and summary, and the row stays in reviews.csv."""
    issues = _summary_json(capsys, seed_copy)["issues"]
    donors = next(i["issue_id"] for i in issues if i["kind"] == "list_count")
    assert main(["review", donors, "--status", "accepted", "--note", "21 is right", "--report", str(seed_copy)]) == 0
    lists = seed_copy / "lists.csv"
    lists.write_text(lists.read_text(encoding="utf-8").replace("Donors of goods,F109", "Donors of goods,"),
                     encoding="utf-8")
    capsys.readouterr()
    assert main(["validate", str(seed_copy)]) == 0
    assert f"'{donors}'" in capsys.readouterr().err
    after = _summary_json(capsys, seed_copy)
    assert donors not in {i["issue_id"] for i in after["issues"]}
    assert after["stale_reviews"][0]["issue_id"] == donors and after["stale_reviews"][0]["note"] == "21 is right"
    assert donors in (seed_copy / "reviews.csv").read_text(encoding="utf-8-sig")


def test_pages_show_the_review(seed_copy, capsys):
    """After `closeout review`, the issue cards of the pages show the status and the note, and a resolved
    issue's question is gone from the page's question list (the page renders `assess()` of the reloaded
    folder, as a rebuild does)."""
    from analysis.assessment import assess
    from analysis.load import load_report
    from analysis.present.issues import issue_cards, questions_list

    issues = _summary_json(capsys, seed_copy)["issues"]
    queried, resolved = issues[0], issues[1]
    main(["review", queried["issue_id"], "--status", "queried", "--note", "已发函询问截止日期", "--report",
          str(seed_copy)])
    main(["review", resolved["issue_id"], "--status", "resolved", "--note", "机构已更正", "--report", str(seed_copy)])
    a = assess(load_report(seed_copy))
    cards = str(issue_cards(a.issues, "zh"))
    assert "已发函询问截止日期" in cards and "已询问执行机构" in cards
    assert "机构已更正" in cards and "已解决" in cards
    asked = str(questions_list(a.questions, "zh"))
    assert queried["question_zh"][:20] in asked and resolved["question_zh"][:20] not in asked
    english = str(issue_cards(a.issues, "en"))
    assert "queried with the grantee" in english and "已发函询问截止日期" in english


def test_a_review_under_another_profile_is_not_stale(seed_copy, capsys):
    """The transport variance is an issue under the default profile, not under eu (25 % per heading): its review
    is kept and not called stale when the summary runs under eu."""
    issues = _summary_json(capsys, seed_copy)["issues"]
    transport = next(i["issue_id"] for i in issues if i["kind"] == "threshold")
    assert main(["review", transport, "--status", "queried", "--report", str(seed_copy)]) == 0
    eu = _summary_json(capsys, seed_copy, "--profile", "eu")
    assert transport not in {i["issue_id"] for i in eu["issues"]}
    assert eu["stale_reviews"] == []
