"""What a pool's workers need imported before they are forked: papermill, nbconvert, pandas, matplotlib, IPython
and this package.

``closeout build`` on Linux imports this module in the build process itself and forks its workers from it; elsewhere
(or from inside a Jupyter kernel) a fork server imports it, then forks a worker whenever the pool needs one
(:func:`analysis.build.executors._context`). Each worker starts with those modules already imported, instead of
spending about 1.5 s of CPU importing them again. Importing this module is the preload: it is named by
:data:`analysis.build.executors.PRELOAD` and has no other use.
"""

from __future__ import annotations

import importlib

from analysis.startup import skip_unused_imports

skip_unused_imports()  # before nbformat (through papermill) imports jsonschema

from analysis.build import executors  # noqa: E402 - after the line above, on purpose

for _name in ("papermill", "nbconvert", "nbformat", "analysis.inprocess", "analysis.build.render",
              *executors.WARM_IMPORTS):
    try:
        importlib.import_module(_name)
    except Exception:  # noqa: BLE001, S112 - the worker imports it again and reports what fails
        continue
