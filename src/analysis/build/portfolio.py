"""The portfolio index of a batch build (``closeout build DIR [DIR …]``): one row per grant, linking each
report's pages, written as ``OUT/index.html`` from the Jinja2 template ``closeout/portfolio.html.j2``.

Per grant: the period, the grant as the report prints it (its ``grant_figure_id`` figure), the targets met,
the budget execution (:func:`analysis.metrics.budget_variance`, the total row, as the report's own index
shows it), and the open issues by severity. When :mod:`analysis.assessment` is installed, targets met are its
``is_met`` verdicts (approximate figures and unit caveats weighed; unknown ones counted apart, never as met)
and the issues its open and queried issues (high / medium / low); otherwise the targets come from
:func:`analysis.metrics.target_attainment` (attainment ≥ 100 %) and the issues are the consistency findings
of :func:`analysis.checks.run_checks` by severity (:func:`open_issues` is the one hook to change). A report that
failed is listed with its one-line error and no numbers.
"""

from __future__ import annotations

import importlib.util
from importlib import resources
from pathlib import Path

import pandas as pd

from analysis import present
from analysis.files import write_atomic

#: The generator tag of the portfolio page: a later batch replaces OUT/index.html only when it carries it.
GENERATOR = "closeout-analysis portfolio"
FILE = "index.html"

LABELS = {
    "zh": {
        "title": "项目组合：{n} 份结项报告",
        "intro": "每行一个资助项目，数字来自各自的结项报告；点击链接查看各报告的页面。",
        "col.grant": "项目",
        "col.period": "执行期",
        "col.size": "资助金额（元）",
        "col.targets": "目标达成",
        "col.execution": "预算执行率",
        "col.issues": "待处理问题",
        "col.pages": "页面",
        "targets": "{met}/{total} 个目标达成",
        "targets.uncomparable": "（{n} 个无法比较）",
        "issues.none": "无",
        "overview": "总览",
        "index": "目录",
        "failed": "生成失败（原因见构建命令的输出）",
        "partial": "部分页面生成失败",
        "severity.high": "高",
        "severity.medium": "中",
        "severity.low": "低",
        "severity.error": "错误",
        "severity.warning": "警告",
        "severity.info": "提示",
        "issues.source.assessment": "问题按严重程度（评估）",
        "issues.source.findings": "一致性检查发现按严重程度",
        "not_reported": "未报告",
    },
    "en": {
        "title": "Portfolio: {n} completion reports",
        "intro": "One row per grant; the figures come from each completion report. Follow the links to each "
        "report's pages.",
        "col.grant": "Grant",
        "col.period": "Period",
        "col.size": "Grant (yuan)",
        "col.targets": "Targets met",
        "col.execution": "Budget execution",
        "col.issues": "Open issues",
        "col.pages": "Pages",
        "targets": "{met} of {total} targets met",
        "targets.uncomparable": " ({n} cannot be compared)",
        "issues.none": "none",
        "overview": "Overview",
        "index": "Index",
        "failed": "build failed (the build command's output says why)",
        "partial": "some pages failed",
        "severity.high": "high",
        "severity.medium": "medium",
        "severity.low": "low",
        "severity.error": "errors",
        "severity.warning": "warnings",
        "severity.info": "notes",
        "issues.source.assessment": "issues by severity (assessment)",
        "issues.source.findings": "consistency findings by severity",
        "not_reported": "not reported",
    },
}
SEVERITIES = {"assessment": ("high", "medium", "low"), "findings": ("error", "warning", "info")}


def label(key: str, lang: str, **values) -> str:
    """A portfolio string in ``lang``.

    >>> label("targets", "en", met=2, total=3)
    '2 of 3 targets met'
    """
    text = LABELS[present.check_lang(lang)][key]
    return text.format(**values) if values else text


def _assessment(report, profile: str):
    """``analysis.assessment.assess(report, profile)`` when that package is installed, else None."""
    if importlib.util.find_spec("analysis.assessment") is None:
        return None
    from analysis.assessment import assess

    return assess(report, profile=profile)


def open_issues(report, profile: str, findings: pd.DataFrame | None, assessment=None) -> tuple[str, dict[str, int]]:
    """(source, counts by severity) of a report's open issues: ``assessment`` (analysis.assessment.assess,
    issues whose status is open or queried) when that package exists, else ``findings`` (the checks)."""
    assessment = _assessment(report, profile) if assessment is None else assessment
    if assessment is not None:
        issues = assessment.issues
        issues = issues[issues["status"].isin(["open", "queried"])]
        counts = issues["severity"].value_counts()
        return "assessment", {s: int(counts.get(s, 0)) for s in SEVERITIES["assessment"]}
    if findings is None:
        from analysis import checks

        findings = checks.run_checks(report, profile)
    counts = findings["severity"].value_counts()
    return "findings", {s: int(counts.get(s, 0)) for s in SEVERITIES["findings"]}


def grant_row(report, profile: str, findings: pd.DataFrame | None, lang: str) -> dict:
    """The numbers of one grant for the portfolio (plain data for the template).

    Keys: period, size, targets, execution, issues (list of (label, count)), issues_source."""
    from analysis import metrics

    start, end = report.period
    figures = report.figures.set_index("figure_id")
    grant_id = report.meta.get("grant_figure_id")
    size = figures.loc[grant_id, "value"] if grant_id in figures.index else None
    assessment = _assessment(report, profile)
    if assessment is not None:  # the assessment's verdict: approximate figures and unit caveats weighed
        attainment = assessment.targets
        verdict = attainment["is_met"]
        met, comparable = int((verdict == True).sum()), verdict.notna()  # noqa: E712 - None is unknown
    else:
        attainment = metrics.target_attainment(report)
        ratio = attainment["attainment_ratio"]
        comparable = ratio.notna()
        met = int((ratio[comparable] >= 1).sum())
    targets = label("targets", lang, met=met, total=len(attainment))
    if (~comparable).any():
        targets += label("targets.uncomparable", lang, n=int((~comparable).sum()))
    variance = metrics.budget_variance(report, profile)
    total = variance[variance["level"] == "total"]
    execution = present.fmt_pct(total["execution_rate"].iloc[0], lang) if len(total) else label("not_reported", lang)
    source, counts = open_issues(report, profile, findings, assessment)
    return {
        "period": f"{present.fmt_date(start, lang)} – {present.fmt_date(end, lang)}",
        "size": present.fmt_number(size, lang) if size is not None else label("not_reported", lang),
        "targets": targets if len(attainment) else label("not_reported", lang),
        "execution": execution,
        "issues": [(label(f"severity.{s}", lang), n) for s, n in counts.items() if n],
        "issues_source": label(f"issues.source.{source}", lang),
    }


def entry(report_id: str, title: str, pages: list[tuple[str, str]], numbers: dict | None, error: str = "",
          partial: bool = False) -> dict:
    """One row: the report id (its folder under OUT), title, (label, relative href) links, its numbers."""
    return {"id": report_id, "title": title, "pages": pages, "numbers": numbers, "error": error, "partial": partial}


def page(entries: list[dict], lang: str) -> str:
    """The portfolio page (self-contained: the closeout stylesheet inline, relative links only)."""
    from analysis.build.render import TEMPLATE_NAME, _tidy
    from analysis.present.render import environment

    templates = resources.files("analysis").joinpath("templates")
    css = templates.joinpath(f"{TEMPLATE_NAME}/static/closeout.css").read_text(encoding="utf-8")
    html = environment().get_template(f"{TEMPLATE_NAME}/portfolio.html.j2").render(
        lang=present.HTML_LANG[lang],
        css=css,
        generator=GENERATOR,
        title=label("title", lang, n=len(entries)),
        intro=label("intro", lang),
        rows=entries,
        label=lambda key, **kw: label(key, lang, **kw),
    )
    return _tidy(html)


def is_ours(path: Path) -> bool:
    """Whether ``path`` is missing or a portfolio page a batch wrote (so it may be replaced)."""
    if not path.exists():
        return True
    try:
        head = path.read_text(encoding="utf-8", errors="replace")[:2000]
    except OSError:
        return False
    return path.is_file() and f'content="{GENERATOR}"' in head


def write(out: Path, html: str) -> Path:
    """Write OUT/index.html atomically (a temporary file renamed over it)."""
    return write_atomic(Path(out) / FILE, html.encode("utf-8"))
