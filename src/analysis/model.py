"""The tables of a report folder: their columns, types and rules, declared as pandera schemas."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import pandas as pd
import pandera.pandas as pa

from analysis.units import UNIT_KINDS, shipped_unit_ids

ID_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"
FIGURE_ID_PATTERN = r"^F[0-9]{3,}$"
SNAKE_PATTERN = r"^[a-z][a-z0-9_]*$"
SECTION_PATTERN = r"^(header|[一二三四五六七八九十]+)(\..+)?$"

PLACE_LEVELS = ("city", "district", "county", "new_area", "street", "town", "community", "village")
#: Levels that get a district report of their own.
DISTRICT_LEVELS = ("district", "county", "new_area")
QUALIFIERS = ("exact", "approximate", "lower_bound", "target", "estimate")
SCOPES = ("project", "organisation", "district", "street", "community")
#: The shipped units (resources/units.csv); a report adds its own in units.csv (see :mod:`analysis.units`).
UNITS = shipped_unit_ids()
COMBINE = ("alternative", "sum")
#: The levels a stated coverage total may be declared for (coverage_totals.csv): a group (district stands for
#: districts, counties and new areas; street for streets and towns; community for communities and villages) or
#: any place level, counted in its group.
COVERAGE_LEVELS = ("city", "district", "street", "community", "county", "new_area", "town", "village")
ROW_TYPES = ("line", "total")
OPERATORS = ("==", "<=", ">=", "<", ">")
SEVERITIES = ("error", "warning", "info")
#: What an evaluator decided about an issue of the assessment (reviews.csv).
REVIEW_STATUSES = ("open", "queried", "accepted", "resolved", "dismissed")

#: Names the build gives its own pages and files in an output folder (``<name>.html``, ``<name>.csv``,
#: ``<name>.json``, ``<name>.txt``, ``<name>/``). A place id may not be one of them, nor the report's own id,
#: since a district's page is ``<place_id>.html`` beside them.
RESERVED_PAGE_NAMES = ("index", "overview", "metrics", "findings", "manifest", "build-log", "executed")
#: The longest id that is still a safe file name (with ``.html`` or ``.ipynb`` appended) on every file system.
MAX_ID_LENGTH = 100


@dataclass(frozen=True)
class Field:
    """One column: name, kind (str/float/int/bool/date) and the rules on its values."""

    name: str
    kind: str = "str"
    nullable: bool = False
    required: bool = True
    unique: bool = False
    checks: tuple = ()


@dataclass(frozen=True)
class Table:
    """One CSV file of a report folder."""

    name: str
    fields: tuple[Field, ...]
    required: bool = True
    unique_together: tuple[str, ...] = ()
    description: str = ""

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"

    @property
    def columns(self) -> list[str]:
        return [f.name for f in self.fields]

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)


def _id(name: str, pattern: str = ID_PATTERN, **kw) -> Field:
    return Field(name, checks=(pa.Check.str_matches(pattern, error=f"an id matching {pattern}"),), **kw)


def _enum(name: str, values: tuple[str, ...], **kw) -> Field:
    return Field(name, checks=(pa.Check.isin(values, error=f"one of {', '.join(values)}"),), **kw)


def _text(name: str, **kw) -> Field:
    return Field(name, checks=(pa.Check.str_length(min_value=1, error="a non-empty text"),), **kw)


def _note(name: str = "note") -> Field:
    return Field(name, nullable=True, required=False)


def _amount(name: str, *, signed: bool = False, **kw) -> Field:
    checks = (pa.Check(lambda s: s.abs() < 1e15, element_wise=False, error="a finite number below 1e15"),)
    if not signed:
        checks += (pa.Check.ge(0, error="a number >= 0 (counts and amounts cannot be negative)"),)
    return Field(name, kind="float", checks=checks, **kw)


TABLES: tuple[Table, ...] = (
    Table("places", (
        _id("place_id", unique=True), _enum("level", PLACE_LEVELS), _text("name_zh"), _text("name_en"),
        _id("parent_id", nullable=True), _note(),
    ), description="every place the report names"),
    Table("metrics", (
        _id("metric", SNAKE_PATTERN, unique=True), _text("label_zh"), _text("label_en"),
        Field("is_cumulative", kind="bool"),
        _id("topic", SNAKE_PATTERN, nullable=True, required=False),
    ), description="the vocabulary of what is counted"),
    Table("units", (
        _id("id", SNAKE_PATTERN, unique=True), _text("label_zh"), _text("label_en"), _enum("kind", UNIT_KINDS),
    ), required=False, description="the report's own units, added to resources/units.csv"),
    Table("figures", (
        _id("figure_id", FIGURE_ID_PATTERN, unique=True),
        Field("section", checks=(pa.Check.str_matches(SECTION_PATTERN, error="a section such as 一.2 or header"),)),
        _id("metric", SNAKE_PATTERN), _text("label_zh"), _amount("value"), _amount("value_max", nullable=True),
        _id("unit", SNAKE_PATTERN), _text("unit_zh"), _enum("qualifier", QUALIFIERS),
        Field("is_approximate", kind="bool"),
        Field("cutoff_date", kind="date", nullable=True), _enum("scope", SCOPES), _id("place_id", nullable=True),
        _text("quote"), _note(),
        Field("is_derived", kind="bool", nullable=True, required=False),
    ), description="every figure of the report"),
    Table("targets", (
        _id("target_id", unique=True), Field("section", checks=(pa.Check.str_matches(SECTION_PATTERN),)),
        _text("label_zh"), _text("label_en"), _id("target_figure_id", FIGURE_ID_PATTERN),
    ), required=False, description="commitments from the proposal"),
    Table("target_achievements", (
        _id("target_id"), _id("figure_id", FIGURE_ID_PATTERN), _enum("combine", COMBINE), _note("note_zh"),
        _note("note_en"),
    ), required=False, unique_together=("target_id", "figure_id"), description="figures reporting achievement"),
    Table("workforce", (
        _id("team_id", unique=True), Field("section", checks=(pa.Check.str_matches(SECTION_PATTERN),)),
        _text("label_zh"), _text("label_en"), _id("workers_figure_id", FIGURE_ID_PATTERN),
        _id("place_id", nullable=True), _note(),
        Field("start_date", kind="date", nullable=True, required=False),
        Field("end_date", kind="date", nullable=True, required=False),
    ), required=False, description="teams of workers and their size"),
    Table("team_pauses", (
        _id("team_id"), Field("pause_start", kind="date"), Field("pause_end", kind="date"), _note(),
    ), required=False, description="periods in which a team did not work"),
    Table("intensities", (
        _id("intensity_id", unique=True), _id("team_id"), _id("output_figure_id", FIGURE_ID_PATTERN),
        _text("label_zh"), _text("label_en"), _note(),
    ), required=False, description="which output is divided by which team"),
    Table("key_outputs", (
        _id("metric", SNAKE_PATTERN, unique=True), _text("label_zh"), _text("label_en"), _note("why"),
        _note("budget_lines"),  # optional: ';' line ids of budget.csv that paid for the output
    ), required=False, description="the outputs spending is divided by (cost per output)"),
    Table("budget", (
        _id("line_id", unique=True), _enum("row_type", ROW_TYPES),
        Field("category_zh", nullable=True), Field("category_en", nullable=True),
        Field("line_zh", nullable=True), Field("line_en", nullable=True),
        _amount("budget_yuan", signed=True), _amount("actual_yuan", signed=True),
        _amount("remaining_yuan", signed=True, nullable=True), _note("remark_zh"), _text("quote"),
        _note("explanation_quote"),
    ), required=False, description="the budget table as printed"),
    Table("key_output_lines", (
        _id("metric", SNAKE_PATTERN), _id("line_id"), _note(),
    ), required=False, unique_together=("metric", "line_id"),
        description="the budget lines that paid for a key output"),
    Table("coverage_totals", (
        _enum("level", COVERAGE_LEVELS), _id("figure_id", FIGURE_ID_PATTERN),
        _enum("combine", COMBINE, nullable=True, required=False), _note(),
    ), required=False, unique_together=("level", "figure_id"),
        description="which figure states the total of places reached at each level"),
    Table("lists", (
        _id("list_id", unique=True), Field("section", checks=(pa.Check.str_matches(SECTION_PATTERN),)),
        _text("label_zh"), _text("label_en"), _id("count_figure_id", FIGURE_ID_PATTERN, nullable=True),
    ), required=False, description="enumerations the report makes"),
    Table("list_items", (
        _id("list_id"), Field("item_no", kind="int", checks=(pa.Check.ge(1, error="an item number >= 1"),)),
        _text("item_zh"), _text("quote"),
    ), required=False, unique_together=("list_id", "item_no"), description="the items of each list"),
    Table("rules", (
        _id("rule_id", unique=True), _text("left"), _enum("operator", OPERATORS), _text("right"),
        Field("tolerance_pct", kind="float", nullable=True,
              checks=(pa.Check.ge(0, error="a tolerance >= 0"),)),
        _enum("severity", SEVERITIES), _text("message_zh"), _text("message_en"),
    ), required=False, description="consistency rules between figures and budget cells"),
    Table("exclusions", (
        Field("section", checks=(pa.Check.str_matches(SECTION_PATTERN),)), _text("text"), _text("quote"),
        _text("reason"), _note(),
    ), required=False, description="numeric mentions that are not figures, with the reason"),
    Table("reviews", (
        _id("issue_id"), _enum("status", REVIEW_STATUSES), _note("note"), _note("reviewer"),
        Field("date", kind="date", nullable=True, required=False),
    ), required=False, description="the evaluator's decisions on the issues of the assessment"),
)

#: Review state of a row: ``draft`` (proposed by ``closeout draft``, not yet checked) or ``confirmed``.
#: Optional in every table; an empty cell or a missing column means confirmed.
ROW_STATUSES = ("draft", "confirmed")
TABLES = tuple(
    t if "status" in t.columns  # reviews.csv: its status is the evaluator's decision, not a row's review state
    else dataclasses.replace(t, fields=t.fields + (_enum("status", ROW_STATUSES, nullable=True, required=False),))
    for t in TABLES
)

TABLES_BY_NAME = {t.name: t for t in TABLES}

#: The keys of report.toml, typed with the same field library (read by :mod:`analysis.report_toml`).
#: ``str`` keys take a TOML string in quotes, ``date`` keys a bare TOML date (``2020-01-25``).
REPORT_META = Table("report", (
    _id("id"), _text("source"),
    Field("source_sha256", required=False,
          checks=(pa.Check.str_matches(r"^[0-9a-f]{64}$", error="a SHA-256 as 64 lower-case hexadecimal digits"),)),
    _text("title_zh"), _text("title_en"), _text("organisation_zh"), _text("organisation_en"),
    Field("period_start", kind="date"), Field("period_end", kind="date"),
    _id("grant_figure_id", FIGURE_ID_PATTERN),
    _enum("status", ROW_STATUSES, required=False),  # "draft" while closeout draft's proposal is unconfirmed
), description="what the report is and where its source text lies")

_DTYPES = {"str": pd.StringDtype(), "float": "float64", "int": "Int64", "bool": "boolean",
           "date": "datetime64[ns]"}


def empty_frame(table: Table) -> pd.DataFrame:
    """An empty, typed frame for an optional table that a report folder does not have."""
    return pd.DataFrame({f.name: pd.Series(dtype=_DTYPES[f.kind]) for f in table.fields})


def schema(table: Table, foreign: dict[str, tuple] | None = None) -> pa.DataFrameSchema:
    """The pandera schema of ``table``; ``foreign`` maps a column to (referenced file, the ids it may use[, what
    the message says is expected]).

    >>> s = schema(TABLES_BY_NAME["places"], {"parent_id": ("places.csv", {"anlan"})})
    >>> sorted(s.columns)[:3]
    ['level', 'name_en', 'name_zh']
    """
    foreign = foreign or {}
    columns = {}
    for f in table.fields:
        checks = list(f.checks)
        if f.name in foreign:
            target, allowed, *expected = foreign[f.name]  # an optional third item words the expectation
            allowed = frozenset(allowed)  # held in a closure: pandera copies a schema's checks (100,000 ids)
            checks.append(pa.Check(lambda s, allowed=allowed: s.isin(allowed), element_wise=False,
                                   error=expected[0] if expected else f"an id defined in {target}"))
        columns[f.name] = pa.Column(
            _DTYPES[f.kind], checks=checks, nullable=f.nullable, required=f.required, unique=f.unique,
        )
    return pa.DataFrameSchema(
        columns, strict=True, unique=list(table.unique_together) or None, name=table.name,
    )

#: (table, column) -> (referenced table, referenced column). Checked by pandera in ``load``.
FOREIGN_KEYS: dict[tuple[str, str], tuple[str, str]] = {
    ("places", "parent_id"): ("places", "place_id"),
    ("figures", "metric"): ("metrics", "metric"),
    ("figures", "place_id"): ("places", "place_id"),
    ("figures", "unit"): ("units", "id"),  # the shipped units and the report's own (load.py merges them)
    ("key_outputs", "metric"): ("metrics", "metric"),
    ("key_output_lines", "metric"): ("key_outputs", "metric"),
    ("key_output_lines", "line_id"): ("budget", "line_id"),
    ("targets", "target_figure_id"): ("figures", "figure_id"),
    ("target_achievements", "target_id"): ("targets", "target_id"),
    ("target_achievements", "figure_id"): ("figures", "figure_id"),
    ("workforce", "workers_figure_id"): ("figures", "figure_id"),
    ("workforce", "place_id"): ("places", "place_id"),
    ("intensities", "team_id"): ("workforce", "team_id"),
    ("team_pauses", "team_id"): ("workforce", "team_id"),
    ("intensities", "output_figure_id"): ("figures", "figure_id"),
    ("lists", "count_figure_id"): ("figures", "figure_id"),
    ("coverage_totals", "figure_id"): ("figures", "figure_id"),
    ("list_items", "list_id"): ("lists", "list_id"),
}

#: Tables with a ``quote`` column. Where the row has a section (its own, or its list's for list items) the
#: quote must occur exactly once in that top-level section; otherwise exactly once in the whole source.
QUOTED_TABLES = ("figures", "budget", "list_items", "exclusions")
#: Optional columns that quote the source too (anywhere in it, exactly once), e.g. the sentence of the report
#: that explains a budget line's variance.
EXTRA_QUOTES: dict[str, tuple[str, ...]] = {"budget": ("explanation_quote",)}
