"""No code, shared label, default or test outside data/anxin-plan-2020 and the tests about it names the seed's
places, numbers or wording.

The seed (data/anxin-plan-2020) is a real organisation's report; the code (src/), the notebooks, the benchmarks,
the scripts, the Makefile and every test that is not about the seed must work for any report, so they may not
carry its places, budget lines, distinctive numbers or phrases: a fictional report stands in for it where an
example is needed (conftest.MINI_SOURCE, engine_data.PLACES, and in a unit test's own literals 安澜市, 南湖区,
桃源街道 ... with made-up numbers). The documentation describes the seed.

Which tests may name the seed is decided by rule, per top-level definition of each tests/**/test_*.py module
(``seed_bound``), not by a list of names:

* a top-level function, class or assignment is *about the seed* when it refers, directly or through another
  definition of the module that is, to the seed: the name ``SEED_REPORT``, a parameter or name ``seed``,
  ``seed_copy`` or ``seed_build`` (the fixtures that load or copy it), or a string naming anxin-plan-2020;
* a helper, fixture or constant that is not itself a test (its name does not start with test_/Test) is about
  the seed too when every definition of the module that uses it is (the seed tests' own helpers, such as the
  places a seed build picks);
* a module whose every test is about the seed is a seed test module: all of it (docstring, imports, helpers)
  may name the seed;
* everything else is scanned: the module docstring, imports and top-level statements of a mixed module, and
  every test that does not touch the seed, which uses fictional literals even beside seed tests. The non-test_*
  modules of tests/ (conftest.py, engine_data.py, the *_fixtures.py modules ...) and the second report under
  tests/reports are scanned whole.

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

import ast
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
SEED_NAMES = frozenset({"SEED_REPORT", "seed", "seed_copy", "seed_build"})
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
    """The code, notebooks, benchmarks, scripts, the Makefile, every tests/ module (test_* modules are scanned
    but for their seed-bound lines, see ``seed_bound``) and the second report's folder under tests/reports."""
    files: set[Path] = set()
    for suffix in ("py", "j2", "csv", "toml", "md", "json", "css", "txt"):
        files.update((ROOT / "src").rglob(f"*.{suffix}"))
    files.update((ROOT / "notebooks").glob("*.ipynb"))
    files.update(p for p in (ROOT / "benchmarks").rglob("*") if p.is_file())
    files.update(p for p in (ROOT / "scripts").rglob("*") if p.is_file())
    files.add(ROOT / "Makefile")
    files.update((ROOT / "tests").rglob("*.py"))
    files.update(p for p in (ROOT / "tests" / "reports").rglob("*") if p.is_file())  # the second report
    return sorted(p for p in files if "__pycache__" not in p.parts and p.is_file())


def _names_used(node: ast.AST) -> set[str]:
    """Every name a definition reads or takes as a parameter; a string naming the seed's folder counts as
    SEED_REPORT."""
    used = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name):
            used.add(sub.id)
        elif isinstance(sub, ast.arg):
            used.add(sub.arg)
        elif isinstance(sub, ast.Constant) and isinstance(sub.value, str) and SEED.name in sub.value:
            used.add("SEED_REPORT")
    return used


def seed_bound(source: str) -> set[int]:
    """The line numbers of a test module that are about the seed and may name it (the rule is in the module
    docstring): every line of a seed test module, else the lines of its seed-bound top-level definitions."""
    tree = ast.parse(source)
    definitions = []  # (names it defines, node, is a test)
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            definitions.append(({node.name}, node, node.name.startswith(("test_", "Test"))))
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
            definitions.append((names, node, False))
    used = [_names_used(node) for _, node, _ in definitions]
    bound_names, bound = set(SEED_NAMES), set()
    changed = True
    while changed:  # through the definitions that refer to the seed
        changed = False
        for i, (names, _, _) in enumerate(definitions):
            if i not in bound and used[i] & bound_names:
                bound.add(i)
                bound_names |= names
                changed = True
    changed = True
    while changed:  # the helpers only seed-bound definitions use
        changed = False
        for i, (names, _, is_test) in enumerate(definitions):
            users = [j for j in range(len(definitions)) if j != i and used[j] & names]
            if i not in bound and not is_test and users and all(j in bound for j in users):
                bound.add(i)
                changed = True
    tests = [i for i, (_, _, is_test) in enumerate(definitions) if is_test]
    if tests and all(i in bound for i in tests):
        return set(range(1, len(source.splitlines()) + 1))
    lines = set()
    for i in bound:
        node = definitions[i][1]
        start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
        lines.update(range(start, node.end_lineno + 1))
    return lines


def _findings() -> list[str]:
    pattern, tokens = _pattern(), {t.lower(): what for t, what in seed_tokens().items()}
    found = []
    for path in guarded_files():
        rel = path.relative_to(ROOT).as_posix()
        text = path.read_text(encoding="utf-8", errors="replace")
        is_test_module = rel.startswith("tests/") and path.name.startswith("test_") and path.suffix == ".py"
        about_the_seed = seed_bound(text) if is_test_module else set()
        for number, line in enumerate(text.splitlines(), start=1):
            if number in about_the_seed:
                continue
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


def test_no_seed_token_in_code_notebooks_benchmarks_scripts_or_tests_not_about_the_seed():
    """None of the seed's tokens occurs in src/, notebooks/, benchmarks/, scripts/, the Makefile, a shared test
    helper or a test that is not about the seed (file, line and token of each occurrence)."""
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


def test_seed_bound_exempts_the_seed_tests_and_their_helpers_only():
    """The rule on a made-up module: a test taking ``seed``, a fixture reading SEED_REPORT, the tests using that
    fixture and a constant only they use are about the seed; the docstring, a helper a unit test shares and the
    unit test are scanned. A module whose every test is about the seed is exempt whole."""
    mixed = '\n'.join([
        '"""Docstring."""',  # 1
        'PLACES = ["nanhu"]',  # 2: used only by the seed fixture
        'SHARED = 3',  # 3: used by a seed test and a unit test
        'import pytest',  # 4
        '@pytest.fixture',  # 5
        'def built():',  # 6
        '    return build(SEED_REPORT, PLACES)',  # 7
        'def test_seed_page(built):',  # 8
        '    assert built and SHARED',  # 9
        'def test_seed_figures(seed):',  # 10
        '    assert seed',  # 11
        'def test_unit():',  # 12
        '    assert SHARED == 3',  # 13
        'def test_folder():',  # 14
        f'    assert load("data/{SEED.name}")',  # 15
    ])
    assert seed_bound(mixed) == {2, 5, 6, 7, 8, 9, 10, 11, 14, 15}
    only_seed = '"""Docstring."""\nX = 1\ndef test_a(seed_copy):\n    assert X\n'
    assert seed_bound(only_seed) == {1, 2, 3, 4}
    assert seed_bound('def test_unit():\n    assert 1\n') == set()
