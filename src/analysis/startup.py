"""Start-up of the processes that build pages (the ``closeout`` command, its pool and Dask workers).

Some of the libraries a build imports load optional packages, when they are installed, that no build uses:

- papermill and nbconvert import nbformat, which imports jsonschema, whose format checkers import the packages
  of ``jsonschema[format-nongpl]`` (jupyter-events pulls them in). ``rfc3987_syntax`` compiles some 38 Lark
  grammars when it is imported: about a second of CPU in every process, more than the rest of a page's work
  (python-jsonschema/jsonschema#1428); the others cost some 25 ms together. They check string formats
  (``iri``, ``duration``, ``uri``, ``color`` …) that no notebook schema uses (nbformat's schemas name no
  ``format``; nbformat validates with fastjsonschema anyway).
- pandera's built-in checks import its data-synthesis strategies, which import Hypothesis (a test
  dependency here): some 50 ms. A build validates data; it never synthesises any.

:func:`skip_unused_imports` tells Python not to import them, so jsonschema registers no checker for those
formats and pandera has no strategies (each library's documented behaviour when the optional package is
missing). It is called by the processes this package starts, never on ``import analysis``: a JupyterLab kernel
that imports the package is left alone.
"""

from __future__ import annotations

import importlib
import sys

#: Optional modules that third-party imports load eagerly and that no page, notebook or build uses: each is
#: marked missing for the whole process.
UNUSED_OPTIONAL_MODULES = (
    "rfc3987_syntax",
    "isoduration",
    "rfc3986_validator",
    "rfc3339_validator",
    "webcolors",
    "uri_template",
    "jsonpointer",
    "fqdn",
)

#: Optional modules that another part of the process may need (the test runner's Hypothesis): missing only
#: while the module that would load them for nothing is imported — {that module: the optional ones}.
SKIPPED_WHILE_IMPORTING = {"pandera.backends.pandas.builtin_checks": ("hypothesis",)}


def skip_unused_imports() -> list[str]:
    """Mark :data:`UNUSED_OPTIONAL_MODULES` as missing in this process, and import the modules of
    :data:`SKIPPED_WHILE_IMPORTING` with their optional modules missing for that import only. A module already
    imported (or already marked) is left as it is.

    Returns the names it marked or skipped.

    >>> import sys
    >>> saved = {name: sys.modules.pop(name, "absent") for name in UNUSED_OPTIONAL_MODULES}
    >>> "rfc3987_syntax" in skip_unused_imports() and sys.modules["rfc3987_syntax"] is None
    True
    >>> skip_unused_imports()
    []
    >>> for name, module in saved.items():  # as it was before
    ...     _ = sys.modules.pop(name) if module == "absent" else sys.modules.update({name: module})
    """
    marked = []
    for name in UNUSED_OPTIONAL_MODULES:
        if name not in sys.modules:
            sys.modules[name] = None  # `import name` now raises ImportError, which the importer expects
            marked.append(name)
    for importer, optional in SKIPPED_WHILE_IMPORTING.items():
        if importer in sys.modules:
            continue
        absent = [name for name in optional if name not in sys.modules]
        sys.modules.update(dict.fromkeys(absent))
        try:
            importlib.import_module(importer)
        except ImportError:  # not installed, or not importable here: whoever needs it reports it
            pass
        finally:
            for name in absent:  # importable again for anyone else in this process
                if name in sys.modules and sys.modules[name] is None:
                    del sys.modules[name]
        marked.extend(absent)
    return marked
