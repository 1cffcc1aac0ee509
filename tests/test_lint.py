"""The code passes the linter the README names (ruff, configured in ruff.toml)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT


def test_ruff_check_is_clean():
    """`ruff check src tests benchmarks` reports nothing."""
    ruff = Path(sys.executable).with_name("ruff")
    ruff = str(ruff) if ruff.exists() else shutil.which("ruff")
    assert ruff, "ruff is pinned in requirements.lock; run `make setup`"
    targets = [p for p in ("src", "tests", "benchmarks") if (ROOT / p).exists()]
    done = subprocess.run([ruff, "check", *targets], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
