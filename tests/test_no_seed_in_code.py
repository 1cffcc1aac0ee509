"""No shared label, default or test helper outside data/anxin-plan-2020 and its tests names the seed's places,
numbers or wording.

The seed (data/anxin-plan-2020) is a real organisation's report; the code (src/), the notebooks, the benchmarks,
the scripts, the Makefile and what every test shares (conftest.py, engine_data.py, the *_fixtures.py modules, any
other tests/ module not named test_*, the second report under tests/reports) must work for any report, so they
may not carry its places, budget lines, distinctive numbers or phrases: a fictional report stands in for it where
an example is needed (conftest.MINI_SOURCE, engine_data.PLACES). Tests about the seed itself (test_*.py files that
load it) may name it; the documentation describes it.

The tokens are read from the seed's own tables at test time, so this file names none of them:

* places: every ``name_zh`` of places.csv, its stem without the level suffix (the 区 of a district, the 街道 of a
  street …) when two characters or more are left, and every ``place_id`` (matched as a whole word in any case, so
  an English name spelt like the id is caught too);
* budget lines: every run of two or more Chinese characters in ``category_zh`` and ``line_zh`` of the line rows
  of budget.csv (the total row's 合计 is a generic word);
* numbers: every value of figures.csv and budget.csv with four or more significant digits or a fractional part
  (not 100, 2020 or 30000, which any report may print), each also with thousands separators, and every number
  the seed's quotes print with a decimal point (as 1234.00); a number matches only as a whole number, not as
  part of a longer one;
* wording: the organisation's name (whole, and without the place it starts with or a generic 中心 suffix), the
  project's name (a quoted name in ``title_zh``, and every run of six or more Chinese characters of it), and every
  run of six or more Chinese characters of the targets' ``label_zh`` (the proposal's commitments).
"""

from __future__ import annotations

import csv
import re
import tomllib
from decimal import Decimal
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "anxin-plan-2020"

CJK = r"[\u3400-\u4dbf\u4e00-\u9fff]"
LEVEL_SUFFIXES = ("街道", "社区", "新区", "区", "市", "县", "镇", "村")
ORGANISATION_SUFFIXES = ("社区发展中心", "社会工作服务中心", "发展中心", "服务中心", "中心")
NUMBER_COLUMNS = {"figures.csv": ("value", "value_max"), "budget.csv": ("budget_yuan", "actual_yuan", "remaining_yuan")}

# (file, a piece of the line) -> why the seed tokens on that line may stay. Keyed by the line, not the token, so
# that this file names no token. Keep it short; an entry whose line no longer has a token fails the last test.
ALLOWED: dict[tuple[str, str], str] = {
    ("src/analysis/extract.py", "#   cheng "): "the tokenizer's note on 成: the 成 that starts a city's name is not "
    "成 = tenths; a fact of the language the rule handles, not the seed's data",
}


def _rows(name: str) -> list[dict[str, str]]:
    with (SEED / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _runs(text: str, at_least: int) -> list[str]:
    return re.findall(f"{CJK}{{{at_least},}}", text or "")


def _number_forms(text: str) -> set[str]:
    """A number as a report may print it: plain and with thousands separators (sign left off)."""
    value = Decimal(text.strip().lstrip("-−").replace(",", ""))
    whole, _, fraction = f"{value.normalize():f}".partition(".")
    tail = f".{fraction}" if fraction else ""
    return {whole + tail, f"{int(whole):,}" + tail}


def _distinctive(text: str) -> bool:
    digits = Decimal(text.strip().lstrip("-−").replace(",", "")).normalize().as_tuple()
    return len(digits.digits) >= 4 or digits.exponent < 0


@cache
def seed_tokens() -> dict[str, str]:
    """token -> what it is in the seed (for the failure message)."""
    tokens: dict[str, str] = {}
    for place in _rows("places.csv"):
        name = place["name_zh"]
        tokens[name] = f"place name in places.csv ({place['place_id']})"
        stem = next((name[: -len(s)] for s in LEVEL_SUFFIXES if name.endswith(s)), name)
        if len(stem) >= 2:
            tokens.setdefault(stem, f"place name stem of {name} in places.csv")
        tokens[place["place_id"]] = "place_id in places.csv"
    for row in _rows("budget.csv"):
        if row["row_type"] == "line":
            for column in ("category_zh", "line_zh"):
                for run in _runs(row[column], 2):
                    tokens.setdefault(run, f"budget {column} in budget.csv ({row['line_id']})")
    for name, columns in NUMBER_COLUMNS.items():
        for row in _rows(name):
            for column in columns:
                if row[column].strip() and _distinctive(row[column]):
                    for form in _number_forms(row[column]):
                        tokens.setdefault(form, f"{column} in {name}")
            for printed in re.findall(r"\d[\d,]*\.\d+", row.get("quote") or ""):
                tokens.setdefault(printed, f"a number printed in a quote of {name}")
    meta = tomllib.loads((SEED / "report.toml").read_text(encoding="utf-8"))
    organisation = meta["organisation_zh"]
    tokens[organisation] = "organisation_zh in report.toml"
    for place in _rows("places.csv"):
        if organisation.startswith(place["name_zh"]):
            short = organisation[len(place["name_zh"]) :]
            tokens.setdefault(short, "organisation_zh in report.toml")
            for suffix in ORGANISATION_SUFFIXES:
                if short.endswith(suffix) and len(short) - len(suffix) >= 2:
                    tokens.setdefault(short[: -len(suffix)], "organisation_zh in report.toml")
                    break
    for quoted in re.findall(r"[“「《\"](.+?)[”」》\"]", meta["title_zh"]):
        tokens.setdefault(quoted, "the project's name in title_zh of report.toml")
    for run in _runs(meta["title_zh"], 6):
        tokens.setdefault(run, "title_zh in report.toml")
    for target in _rows("targets.csv"):
        for run in _runs(target["label_zh"], 6):
            tokens.setdefault(run, f"label_zh of target {target['target_id']} in targets.csv")
    return tokens


@cache
def _pattern() -> re.Pattern:
    parts = []
    for token in sorted(seed_tokens(), key=len, reverse=True):
        escaped = re.escape(token)
        if re.fullmatch(r"[a-z0-9_]+", token) and not token.isdigit():
            parts.append(rf"(?<![A-Za-z0-9]){escaped}(?![A-Za-z0-9])")
        elif re.fullmatch(r"[\d.,]+", token):
            parts.append(rf"(?<![\d.,]){escaped}(?![\d]|[.,]\d)")
        else:
            parts.append(escaped)
    return re.compile("|".join(parts), re.IGNORECASE)


def guarded_files() -> list[Path]:
    """The code, notebooks, benchmarks, scripts, the Makefile and the shared test helpers: every tests/ module not
    named test_*, and the second report's folder under tests/reports."""
    files: set[Path] = set()
    for suffix in ("py", "j2", "csv", "toml", "md", "json", "css", "txt"):
        files.update((ROOT / "src").rglob(f"*.{suffix}"))
    files.update((ROOT / "notebooks").glob("*.ipynb"))
    files.update(p for p in (ROOT / "benchmarks").rglob("*") if p.is_file())
    files.update(p for p in (ROOT / "scripts").rglob("*") if p.is_file())
    files.add(ROOT / "Makefile")
    files.update(p for p in (ROOT / "tests").rglob("*.py") if not p.name.startswith("test_"))
    files.update(p for p in (ROOT / "tests" / "reports").rglob("*") if p.is_file())  # the second report
    return sorted(p for p in files if "__pycache__" not in p.parts and p.is_file())


def _findings() -> list[str]:
    pattern, tokens = _pattern(), {t.lower(): what for t, what in seed_tokens().items()}
    found = []
    for path in guarded_files():
        rel = path.relative_to(ROOT).as_posix()
        text = path.read_text(encoding="utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), start=1):
            for match in pattern.finditer(line):
                token = match.group(0)
                if any(rel == where and piece in line for where, piece in ALLOWED):
                    continue
                found.append(f"{rel}:{number}: {token!r} ({tokens.get(token.lower(), 'seed token')})")
    return found


def test_the_token_list_is_read_from_the_seed():
    """The guard is not vacuous: places, ids, budget lines, numbers and wording are all read from the data."""
    tokens = seed_tokens()
    kinds = " ".join(tokens.values())
    for kind in ("place name", "place_id", "budget line_zh", "value in figures.csv", "actual_yuan in budget.csv",
                 "a number printed in a quote of budget.csv", "targets.csv", "organisation_zh", "title_zh"):
        assert kind in kinds, kind
    assert not any(t in tokens for t in ("100", "500", "2020", "10000", "30000", "30,000", "合计"))


def test_no_seed_token_in_code_notebooks_benchmarks_scripts_or_test_helpers():
    """None of the seed's tokens occurs in src/, notebooks/, benchmarks/, scripts/, the Makefile or a shared test
    helper (file, line and token of each occurrence)."""
    found = _findings()
    assert not found, "seed tokens outside the seed and its tests:\n" + "\n".join(found)


def test_every_allowed_occurrence_still_occurs():
    """An allowlist entry whose line is gone or no longer holds a seed token is stale: remove it."""
    for (rel, piece), reason in ALLOWED.items():
        assert reason
        lines = [line for line in (ROOT / rel).read_text(encoding="utf-8").splitlines() if piece in line]
        assert any(_pattern().search(line) for line in lines), f"stale allowlist entry {rel}: {piece!r}"


def test_this_file_names_no_seed_token():
    """The guard reads its tokens from the data: its own source (the allowlist included) names none of them."""
    text = Path(__file__).read_text(encoding="utf-8")
    assert not [m.group(0) for m in _pattern().finditer(text)]
