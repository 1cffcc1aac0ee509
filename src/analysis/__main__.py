"""``python -m analysis`` is the ``closeout`` command."""

from analysis.cli import run

run()
