"""Start-up of the processes that build pages (the ``closeout`` command, its pool and Dask workers).

papermill and nbconvert import nbformat, which imports jsonschema, whose format checkers import
``rfc3987_syntax`` when it is installed (jupyter-events pulls it in through ``jsonschema[format-nongpl]``).
That module compiles some 38 Lark grammars when it is imported: about a second of CPU in every process, more
than the rest of a page's work (python-jsonschema/jsonschema#1428). It serves only the ``iri`` and
``iri-reference`` formats, which no notebook schema uses.

:func:`skip_unused_imports` tells Python not to import it, so jsonschema registers no checker for those two
formats (its documented behaviour when the optional package is missing). It is called by the processes this
package starts, never on ``import analysis``: a JupyterLab kernel that imports the package is left alone.
"""

from __future__ import annotations

import sys

#: Optional modules that third-party imports load eagerly and that no page, notebook or build uses.
UNUSED_OPTIONAL_MODULES = ("rfc3987_syntax",)


def skip_unused_imports() -> list[str]:
    """Mark :data:`UNUSED_OPTIONAL_MODULES` as missing in this process, unless already imported.

    Returns the names it marked. A module already imported (or already marked) is left as it is.

    >>> import sys
    >>> saved = sys.modules.pop("rfc3987_syntax", "absent")
    >>> skip_unused_imports()
    ['rfc3987_syntax']
    >>> skip_unused_imports()
    []
    >>> _ = sys.modules.pop("rfc3987_syntax") if saved == "absent" else sys.modules.update(rfc3987_syntax=saved)
    """
    marked = []
    for name in UNUSED_OPTIONAL_MODULES:
        if name not in sys.modules:
            sys.modules[name] = None  # `import name` now raises ImportError, which jsonschema expects
            marked.append(name)
    return marked
