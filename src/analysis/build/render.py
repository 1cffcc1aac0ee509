"""An executed notebook as a deterministic, self-contained HTML page (nbconvert with the closeout template)."""

from __future__ import annotations

import json
import re
import threading
from importlib import resources
from pathlib import Path

from analysis import present

TEMPLATE_NAME = "closeout"
REMOVE_TAGS = frozenset(
    {"injected-parameters", "parameters", "remove-cell", "remove_cell", "papermill-error-cell-tag"}
)


def scrub_text(text: str, replacements: dict[str, str], json_escaped: bool = False) -> str:
    """``text`` with the build machine's paths replaced (longest first; as JSON escapes them if asked).

    >>> scrub_text("/home/u/data/x and /home/u", {"/home/u": "~", "/home/u/data/x": "<x>"})
    '<x> and ~'
    """
    for old in sorted((k for k in replacements if k and len(k) > 1), key=len, reverse=True):
        text = text.replace(json.dumps(old)[1:-1] if json_escaped else old, replacements[old])
    return text


def _one_line(text) -> str:
    text = re.sub(r"\x1b\[[0-9;]*m", "", str(text))
    return " ".join(text.split())[:300]


def _leaks(page: str, paths: list[str]) -> str | None:
    """A reason the page must not be published: an external URL or a path of the build machine."""
    page = re.sub(r"base64,[A-Za-z0-9+/=]+", "base64,", page)  # image data may spell anything
    m = re.search(r"(?:https?|ftp)://[^\s\"'<>]*", page)
    if m:
        return f"external URL in the page: {m.group(0)[:80]}"
    for path in paths:
        if path and len(path) > 3 and str(path) in page:
            return "a path of the build machine appears in the page"
    return None


def clean_notebook(nb):
    """A copy of an executed notebook ready for a deterministic page: parameters and helper cells removed,
    execution counts, cell ids, per-cell and papermill metadata normalised, stderr dropped (and returned)."""
    import nbformat

    nb = nbformat.from_dict(json.loads(json.dumps(nb)))
    notes, cells = [], []
    for cell in nb.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & REMOVE_TAGS:
            continue
        if cell.cell_type == "code":
            cell.execution_count = None
            outputs = []
            for output in cell.get("outputs", []):
                if output.get("output_type") == "stream" and output.get("name") == "stderr":
                    notes.append(f"stderr: {_one_line(output.get('text', ''))}")
                    continue
                if "execution_count" in output:
                    output["execution_count"] = None
                output["metadata"] = {}
                outputs.append(output)
            cell.outputs = outputs
        cell.metadata = {}
        cells.append(cell)
    for i, cell in enumerate(cells, start=1):
        cell["id"] = f"c{i:03d}"
    nb.cells = cells
    nb.metadata = {"language_info": {"name": "python"}}
    return nb, notes


_EXPORTERS: dict[int, object] = {}


def _page_exporter_class():
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class PageExporter(HTMLExporter):
        """nbconvert's HTML exporter without the pass that re-parses every page with BeautifulSoup (a third of
        the cost of rendering a page) to add ``tabindex="0"`` to the cells' input and output wrappers and a
        placeholder ``alt`` to images without one. A funder's page has no input cells, its outputs are not
        controls (WCAG: focus is for interactive content) and it has no ``<img>`` (charts are inline SVG, and
        tests/test_build.py checks that every page has none). Its compiled templates are kept between
        processes (:mod:`analysis.jinja_cache`)."""

        def from_notebook_node(self, nb, resources=None, **kw):
            langinfo = nb.metadata.get("language_info", {})
            lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
            highlight_code = self.filters.get("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self))
            resources = self._init_resources(resources)
            filter_data_type = WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources
            )
            self.register_filter("highlight_code", highlight_code)
            self.register_filter("filter_data_type", filter_data_type)
            return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

        def _create_environment(self):
            from analysis.jinja_cache import bytecode_cache

            environment = super()._create_environment()
            environment.bytecode_cache = bytecode_cache()  # the templates compiled once (analysis.jinja_cache)
            return environment

    return PageExporter


def exporter():
    """The nbconvert HTML exporter with the closeout template: no input, no prompts, no anchor links."""
    templates = resources.files("analysis").joinpath("templates")
    return _page_exporter_class()(
        template_name=TEMPLATE_NAME,
        extra_template_basedirs=[str(templates)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        exclude_anchor_links=True,
        embed_images=True,
        sanitize_html=False,
        # validate the notebook once, after the preprocessors, not after each of the dozen (most disabled)
        optimistic_validation=True,
    )


def _shared_exporter():
    """One exporter per thread, built on first use (building one loads the templates: ~0.3 s a page)."""
    key = threading.get_ident()
    if key not in _EXPORTERS:
        _EXPORTERS[key] = exporter()
    return _EXPORTERS[key]


def render_html(executed: Path, title: str, lang: str) -> tuple[str, list[str]]:
    """One executed notebook as a self-contained page (the same notebook outputs give the same bytes)."""
    import nbformat

    return render_notebook(nbformat.read(str(executed), as_version=4), title, lang)


def render_notebook(nb, title: str, lang: str) -> tuple[str, list[str]]:
    """An executed notebook (a NotebookNode) as a self-contained page, and the notes of :func:`clean_notebook`."""
    nb, notes = clean_notebook(nb)
    nb.metadata["title"] = title
    html, _ = _shared_exporter().from_notebook_node(
        nb, resources={"metadata": {"name": title}, "closeout_lang": present.HTML_LANG[lang]}
    )
    return _tidy(html), notes


def _tidy(html: str) -> str:
    """Drop blank lines the templates leave and end with one newline."""
    return "\n".join(line.rstrip() for line in html.splitlines() if line.strip()) + "\n"
