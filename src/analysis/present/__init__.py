"""Display helpers for the notebooks, split by job:

- :mod:`~analysis.present.labels`: UI strings (``t``), localized columns, section and place names, checks of
  the notebook parameters (language, place, profile, report folder);
- :mod:`~analysis.present.formats`: numbers, percentages, dates, values with 约 / ≈, unit words;
- :mod:`~analysis.present.render`: the Jinja2 section templates (templates/closeout/sections, autoescape),
  tables, charts, ``show``;
- :mod:`~analysis.present.blocks`: page blocks of the figures (targets, budget, cost, districts …);
- :mod:`~analysis.present.issues`: the assessment on the page (summary, issue cards, questions).

This package never imports ``analysis.plots`` (a chart renders itself), so plots can use it freely.
The names below are the ones notebooks, build and tests use.
"""

from analysis.present.blocks import (
    attainment_table,
    budget_block,
    budget_facts,
    budget_lines,
    budget_table,
    cell_name,
    completeness_table,
    cost_table,
    district_headline,
    district_intro,
    district_links,
    figure_sections,
    figures_table,
    footer,
    intensity_table,
    mentions,
    named_in_source,
    nav,
    not_reported_list,
    page_caveats,
    places_table,
    plain,
    quote_sections,
    reach_table,
    reported_districts,
    share_table,
    silent_districts,
    silent_districts_line,
    timeline_table,
    title_block,
    toc,
    units_differ,
)
from analysis.present.formats import (
    MISSING,
    _amount,
    _unit,
    approx,
    attainment_ratio,
    esc,
    fmt_date,
    fmt_number,
    fmt_pct,
    fmt_value,
    is_missing,
    row_is_approximate,
    split_ids,
    split_texts,
    unit_word,
)
from analysis.present.issues import (
    findings_for,
    findings_html,
    headline,
    issue_cards,
    issues_for,
    questions_list,
    summary,
    targets_met,
)
from analysis.present.labels import (
    DEFAULT_PROFILE,
    DISTRICT_LEVELS,
    ENV_PLACE,
    ENV_REPORT,
    HTML_LANG,
    LANGS,
    check_lang,
    check_place,
    check_profile,
    default_place,
    default_report_dir,
    district_ids,
    has_label,
    labels,
    localized,
    localized_value,
    place_name,
    place_subtree,
    profile_label,
    profile_names,
    profile_title,
    resolve_report_dir,
    section_key,
    section_name,
    section_number,
    section_sort_key,
    t,
    team_labels,
)
from analysis.present.render import chart, para, render, section, show, source_text, table, tag, tech_details

__all__ = [
    "DEFAULT_PROFILE", "DISTRICT_LEVELS", "ENV_PLACE", "ENV_REPORT", "HTML_LANG", "LANGS", "MISSING", "_amount",
    "_unit", "approx", "attainment_ratio", "attainment_table", "budget_block", "budget_facts", "budget_lines",
    "budget_table", "cell_name", "chart", "check_lang", "check_place", "check_profile", "completeness_table",
    "cost_table", "default_place", "default_report_dir", "district_ids", "district_headline", "district_intro", "district_links", "reported_districts", "esc",
    "figure_sections", "figures_table", "findings_for", "findings_html", "fmt_date", "fmt_number", "fmt_pct",
    "fmt_value", "footer", "has_label", "headline", "intensity_table", "is_missing", "issue_cards", "issues_for",
    "labels", "localized", "localized_value", "mentions", "named_in_source", "nav", "not_reported_list",
    "page_caveats", "para", "place_name", "place_subtree", "places_table", "plain", "profile_label",
    "profile_names", "profile_title", "questions_list", "quote_sections", "reach_table", "render",
    "resolve_report_dir", "row_is_approximate", "section", "section_key", "section_name", "section_number",
    "section_sort_key", "share_table", "show", "silent_districts", "silent_districts_line", "source_text",
    "split_ids", "split_texts", "summary", "t", "table", "tag", "targets_met", "team_labels", "tech_details",
    "timeline_table", "title_block", "toc", "unit_word", "units_differ",
]
