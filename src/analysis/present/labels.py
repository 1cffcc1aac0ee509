"""Words a page shows: UI strings (resources/labels.csv), localized columns, section names, place and
profile names, and the checks of the notebook parameters (language, place, profile, report folder)."""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType

import pandas as pd

from analysis.errors import UsageError

LANGS = ("zh", "en")
HTML_LANG = {"zh": "zh-CN", "en": "en"}
DISTRICT_LEVELS = ("district", "county", "new_area")
DEFAULT_PROFILE = "default"
ENV_REPORT = "CLOSEOUT_REPORT"
ENV_PLACE = "CLOSEOUT_PLACE"
_NUMERALS = {"零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


@cache
def labels() -> Mapping[str, Mapping[str, str]]:
    """UI strings from resources/labels.csv: key → {'zh': …, 'en': …} (read-only: the pages of a build share it).

    >>> labels()["status.not_reported"]["en"]
    'not reported'
    """
    text = resources.files("analysis").joinpath("resources/labels.csv").read_text(encoding="utf-8")
    return MappingProxyType({
        row["key"]: MappingProxyType({"zh": row["zh"], "en": row["en"]}) for row in csv.DictReader(io.StringIO(text))
    })


def check_lang(lang: str) -> str:
    """``lang`` if it is one of LANGS, else a UsageError naming the valid values."""
    if lang not in LANGS:
        raise UsageError(f"unknown language {lang!r}; valid: {', '.join(LANGS)}")
    return lang


def t(label_key: str, lang: str, /, **values) -> str:
    """The UI string ``label_key`` in ``lang``, with ``{name}`` fields filled from ``values``.

    >>> t("status.not_reported", "zh"), t("status.not_reported", "en")
    ('未报告', 'not reported')
    """
    entry = labels().get(label_key)
    if entry is None:
        raise KeyError(f"no label {label_key!r} in resources/labels.csv")
    text = entry[check_lang(lang)] or entry["en"]
    return text.format(**values) if values else text


def has_label(label_key: str) -> bool:
    """Whether labels.csv has ``label_key``."""
    return label_key in labels()


def localized(frame: pd.DataFrame, base: str, lang: str) -> pd.Series:
    """The ``{base}_{lang}`` column, falling back to the other language (then to ``base``) where empty."""
    other = "en" if lang == "zh" else "zh"
    out = pd.Series([None] * len(frame), index=frame.index, dtype="object")
    for name in (f"{base}_{lang}", f"{base}_{other}", base):
        if name in frame:
            col = frame[name].astype("object")
            out = out.where(out.notna(), col.where(col.notna() & (col.astype(str).str.strip() != ""), None))
    return out


def localized_value(row, base: str, lang: str):
    """One row's ``{base}_{lang}`` (falling back to the other language); None when both are empty."""
    other = "en" if lang == "zh" else "zh"
    for name in (f"{base}_{lang}", f"{base}_{other}", base):
        value = row.get(name) if hasattr(row, "get") else None
        if isinstance(value, str) and value.strip():
            return value
    return None


# --- sections


def chinese_number(text: str) -> int | None:
    """A Chinese numeral up to 99 as an int (一 → 1, 十二 → 12, 二十 → 20); None if it is not one.

    >>> [chinese_number(x) for x in ("六", "十", "十二", "二十三", "3")]
    [6, 10, 12, 23, None]
    """
    if not text or any(c not in _NUMERALS and c != "十" for c in text):
        return None
    if "十" not in text:
        return _NUMERALS[text] if len(text) == 1 else None
    tens, _, units = text.partition("十")
    if len(tens) > 1 or len(units) > 1:
        return None
    return (_NUMERALS[tens] if tens else 1) * 10 + (_NUMERALS[units] if units else 0)


def section_key(section: str) -> str:
    """The top-level part of a section cell (``四.3.2)`` → ``四``).

    >>> section_key("四.3.2)"), section_key("header")
    ('四', 'header')
    """
    return str(section).strip().split(".", 1)[0]


def section_number(section: str) -> str:
    """A section path with its top level in Arabic digits, as an English reader writes it.

    >>> section_number("六.1"), section_number("四.3.2)"), section_number("七")
    ('6.1', '4.3.2', '7')
    """
    parts = str(section).strip().split(".")
    top = chinese_number(parts[0])
    if top is not None:
        parts[0] = str(top)
    return ".".join(p.strip(")）(（ ") for p in parts if p.strip(")）(（ "))


def section_name(key: str, lang: str) -> str:
    """A section as a reader names it: 第三部分 / Section 3 (a sub-path: 第六部分 6.1 / Section 6.1).

    >>> section_name("三", "zh"), section_name("六.1", "en"), section_name("header", "en")
    ('第三部分', 'Section 6.1', 'the opening of the report')
    """
    key = str(key).strip()
    if key == "header":
        return t("section.header", lang)
    if lang == "en":
        return t("section.numbered", lang, key=section_number(key))
    top = section_key(key)
    rest = key[len(top) :].strip(".")
    return t("section.numbered", lang, key=top) + (f" {section_number(key)}" if rest else "")


def section_sort_key(section: str) -> tuple:
    """Sort sections in reading order (header, 一, 二 …), then by their sub-path."""
    top = section_key(section)
    if top == "header":
        return (0, str(section))
    number = chinese_number(top)
    return (number if number is not None else 100, str(section))


# --- parameters


def repository_root() -> Path:
    """The folder holding ``data/`` (the repository, for the notebooks' defaults)."""
    return Path(__file__).resolve().parents[3]


def default_report_dir() -> Path:
    """The report a notebook opens with no parameter: ``$CLOSEOUT_REPORT``, else the first folder of
    ``data/`` (in name order) that holds a report.toml (:func:`analysis.locate.default_report_dir`)."""
    from analysis.locate import default_report_dir as locate

    return locate()


def resolve_report_dir(report_dir: str | Path | None) -> Path:
    """The report folder (or workbook) a notebook parameter names: as given if it exists (absolute or relative
    to the working directory), else relative to the repository root; None or "" is :func:`default_report_dir`."""
    wanted = Path(report_dir) if report_dir not in (None, "") else default_report_dir()

    def is_report(path: Path) -> bool:  # a folder, or a workbook (analysis.workbook)
        return path.is_dir() or (path.suffix.lower() == ".xlsx" and path.is_file())

    if is_report(wanted):
        return wanted.resolve()
    bases = [Path.cwd(), *Path.cwd().parents, repository_root()]
    for base in bases:
        for candidate in (base / wanted, base / Path(*[p for p in wanted.parts if p != ".."])):
            if is_report(candidate):
                return candidate.resolve()
    raise UsageError(
        f"report folder {str(report_dir)!r} not found (looked in the working directory and the "
        "repository root)"
    )


def district_ids(report) -> list[str]:
    """The places that get a district report: every place of level district, county or new_area."""
    places = report.places
    return places.loc[places["level"].isin(DISTRICT_LEVELS), "place_id"].astype(str).tolist()


def default_place(report, place_id: str | None = None) -> str:
    """``place_id`` if given, else ``$CLOSEOUT_PLACE``, else the first district of the report with a figure
    (else its first district)."""
    if place_id not in (None, ""):
        return str(place_id)
    env = os.environ.get(ENV_PLACE, "").strip()
    if env:
        return env
    ids = district_ids(report)
    if not ids:
        raise UsageError(f"report {report.id} has no district, county or new area in places.csv")
    from analysis import metrics

    for pid in ids:
        if len(metrics.district_figures(report, pid)):
            return pid
    return ids[0]


def check_place(report, place_id: str) -> str:
    """``place_id`` if it is a district-level place of the report, else a UsageError listing the valid ids."""
    valid = district_ids(report)
    if place_id not in valid:
        raise UsageError(f"unknown place id {place_id!r} for report {report.id}; valid: {', '.join(valid)}")
    return place_id


def profile_names() -> list[str]:
    """The threshold profiles ``metrics.threshold_profiles()`` offers, by name."""
    from analysis import metrics

    return [str(x) for x in metrics.threshold_profiles()["profile"].drop_duplicates()]


def check_profile(profile: str | None) -> str:
    """``profile`` (None means the default one) if it is a known profile name, else a UsageError."""
    profile = DEFAULT_PROFILE if profile in (None, "") else profile
    names = profile_names()
    if profile not in names:
        raise UsageError(f"unknown threshold profile {profile!r}; valid: {', '.join(names)}")
    return profile


def profile_label(profile: str, lang: str) -> str:
    """What the threshold profile asks, in ``lang`` (its rows' labels joined)."""
    from analysis import metrics

    table = metrics.threshold_profiles()
    rows = table[table["profile"] == profile]
    return t("alt.sep", lang).join(localized(rows, "label", lang).dropna().astype(str))


def profile_title(profile: str, lang: str) -> str:
    """The profile's name as a reader reads it (``profile.<name>`` of labels.csv, else its rule)."""
    key = f"profile.{profile}"
    return t(key, lang) if has_label(key) else (profile_label(profile, lang) or profile)


def place_name(report, place_id: str, lang: str) -> str:
    """The place's name in ``lang`` (the id when the place is unknown)."""
    places = report.places.set_index("place_id")
    if place_id not in places.index:
        return place_id
    row = places.loc[place_id]
    name = row.get(f"name_{lang}")
    return str(name if isinstance(name, str) and name else row["name_zh"])


def place_subtree(report, place_id: str) -> list[str]:
    """``place_id`` and every place below it (streets, communities …), in places.csv order."""
    parents = dict(zip(report.places["place_id"], report.places["parent_id"]))
    found = []
    for pid in report.places["place_id"]:
        cur, seen = pid, set()
        while isinstance(cur, str) and cur not in seen:
            if cur == place_id:
                found.append(pid)
                break
            seen.add(cur)
            cur = parents.get(cur)
    return found


def team_labels(report, frame: pd.DataFrame, lang: str) -> pd.Series:
    """The team names of ``frame['team_id']`` in ``lang`` (from workforce.csv; the id when unknown)."""
    if "team_id" not in frame:
        return pd.Series([None] * len(frame), index=frame.index, dtype="object")
    if report is None or "workforce" not in report.tables:
        return frame["team_id"].astype("object")
    teams = report.workforce.set_index("team_id")
    names = localized(teams, "label", lang)
    return frame["team_id"].map(names).fillna(frame["team_id"]).astype("object")


def han_phrases(text: str, min_len: int = 3) -> list[str]:
    """The runs of Chinese characters in ``text`` (at least ``min_len`` long), e.g. from an English note.

    >>> han_phrases("named collectively as 某市三个城区; see 第一部分")
    ['某市三个城区', '第一部分']
    """
    return [
        m
        for m in re.findall(r"[\u3400-\u9fff\uf900-\ufaff]+", "" if not isinstance(text, str) else text)
        if len(m) >= min_len
    ]
