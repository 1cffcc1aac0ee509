"""``python -m analysis`` is the ``closeout`` command."""

from analysis.cli import main

raise SystemExit(main())
