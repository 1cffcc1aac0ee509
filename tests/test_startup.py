"""analysis.startup: the optional imports a build process skips, and what stays importable."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def _run(code: str) -> str:
    """Run ``code`` in a fresh interpreter (the marks are process-wide) and return its stdout."""
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_hypothesis_stays_importable_after_the_skip():
    """Hypothesis is missing only while pandera's built-in checks are imported: pandera then has no
    strategies, and anything else in the process (a test runner) can still import Hypothesis."""
    out = _run(
        """
        import sys
        from analysis.startup import skip_unused_imports
        assert "hypothesis" in skip_unused_imports()
        from pandera.strategies import pandas_strategies
        print(pandas_strategies.HAS_HYPOTHESIS, "hypothesis" in sys.modules)
        import hypothesis
        print(hypothesis.__name__)
        """
    )
    assert out.splitlines() == ["False False", "hypothesis"]


def test_a_module_already_imported_is_left_alone():
    """A process that imported Hypothesis before the skip keeps it, and pandera gets its strategies."""
    out = _run(
        """
        import hypothesis
        from analysis.startup import skip_unused_imports
        assert "hypothesis" not in skip_unused_imports()
        from pandera.strategies import pandas_strategies
        print(pandas_strategies.HAS_HYPOTHESIS)
        """
    )
    assert out == "True"


def test_notebooks_still_validate_without_the_format_checkers():
    """With jsonschema's optional format checkers marked missing, nbformat still validates a notebook (its
    schemas name no string format) and jsonschema simply has no checker for those formats."""
    out = _run(
        """
        from analysis.startup import skip_unused_imports, UNUSED_OPTIONAL_MODULES
        skip_unused_imports()
        import jsonschema, nbformat
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
        nbformat.validate(nb)
        checkers = jsonschema.FormatChecker().checkers
        print(sorted({"iri", "duration", "color", "uri", "json-pointer"} & set(checkers)))
        """
    )
    assert out == "[]"
