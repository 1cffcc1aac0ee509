"""Notebook parameters: a typo in a parameter name fails instead of silently running the defaults.

papermill injects the parameters it is given as plain assignments in a cell after the one tagged
``parameters``, whatever their names (papermill only warns, and only for some notebooks). The first code
cell after it calls :func:`check_parameters`, so ``-p plce_id nanhu`` stops with the unknown name, the closest
valid one and the list of valid ones, under ``closeout build`` and papermill's own command line alike.
"""

from __future__ import annotations

import difflib
import types
from collections.abc import Iterable, Mapping

from analysis.errors import UsageError

#: Names an IPython kernel defines itself (never parameters).
_KERNEL_NAMES = frozenset({"In", "Out", "get_ipython", "exit", "quit", "open"})


def unknown_parameters(namespace: Mapping[str, object], valid: Iterable[str]) -> list[str]:
    """The plain values of ``namespace`` that are not among ``valid`` (sorted): what a notebook was given
    but does not take. Modules, functions, classes and names starting with ``_`` are not parameters.

    >>> unknown_parameters({"place_id": "a", "plce_id": "b", "_": None, "In": [], "os": types}, ["place_id"])
    ['plce_id']
    """
    valid = set(valid)
    out = []
    for name, value in namespace.items():
        if name.startswith("_") or name in _KERNEL_NAMES or name in valid:
            continue
        if isinstance(value, (types.ModuleType, type)) or callable(value):
            continue
        out.append(name)
    return sorted(out)


def check_parameters(namespace: Mapping[str, object], valid: Iterable[str]) -> None:
    """Raise :class:`UsageError` when ``namespace`` (a notebook's ``globals()`` right after its parameter
    cells) holds a parameter the notebook does not take.

    >>> check_parameters({"lang": "zh"}, ["lang", "profile"])
    >>> check_parameters({"lang": "zh", "lnag": "en"}, ["lang", "profile"])
    Traceback (most recent call last):
    ...
    analysis.errors.UsageError: unknown notebook parameter 'lnag' (did you mean lang?); this notebook takes: ...
    """
    valid = list(valid)
    unknown = unknown_parameters(namespace, valid)
    if not unknown:
        return
    parts = []
    for name in unknown:
        close = difflib.get_close_matches(name, valid, n=1)
        parts.append(f"{name!r}" + (f" (did you mean {close[0]}?)" if close else ""))
    noun = "parameter" if len(unknown) == 1 else "parameters"
    raise UsageError(f"unknown notebook {noun} {', '.join(parts)}; this notebook takes: {', '.join(valid)}")
