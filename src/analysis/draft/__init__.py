"""``closeout draft``: a first draft of a report folder from a completion report (.txt, .docx or PDF).

``readers`` turns the document into plain text (tables as tab-separated lines), ``propose`` proposes every
table of the data model from that text, and ``write`` writes the draft folder (or workbook). Every proposed
row carries ``status = draft`` so that ``closeout validate`` lists exactly what is left to confirm.
"""

from __future__ import annotations


def register_cli(subparsers) -> None:
    """Add the ``draft`` subcommand."""
    from analysis.draft.write import register

    register(subparsers)
