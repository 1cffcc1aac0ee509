"""The project's set-up files agree with each other."""

from __future__ import annotations

import re

import pytest
import yaml

from conftest import ROOT


def pip_pins(lock: str = "requirements.lock") -> dict[str, str]:
    pins = {}
    for line in (ROOT / lock).read_text(encoding="utf-8").splitlines():
        m = re.match(r"^([A-Za-z0-9_.-]+)==([^\s;]+)", line)
        if m:
            pins[m.group(1).lower().replace("_", "-")] = m.group(2)
    return pins


def conda_pins() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    pins = {}
    for dep in env["dependencies"]:
        if isinstance(dep, str) and "=" in dep and not dep.startswith("python="):
            name, version = dep.split("=", 1)
            pins[name.lower()] = version
    return pins


def test_environment_yml_mirrors_requirements_lock():
    """Every version pinned in environment.yml is the version requirements.lock pins for pip."""
    pip, conda = pip_pins(), conda_pins()
    mismatched = {name: (version, pip.get(name)) for name, version in conda.items() if pip.get(name) != version}
    assert not mismatched, f"environment.yml vs requirements.lock: {mismatched}"


def test_benchmark_only_packages_have_their_own_lock():
    """ploomber-engine (the benchmarks' peer) and what only it needs are pinned in requirements-bench.lock, not
    in requirements.lock nor environment.yml: the project's environment does not have it (papermill loads every
    installed engine, and this one imports matplotlib.pyplot: 0.25 s in every build)."""
    import tomllib

    bench, pip, conda = pip_pins("requirements-bench.lock"), pip_pins(), conda_pins()
    extra = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    assert set(extra["bench"]) <= set(bench)
    assert not set(bench) & set(pip), "a package pinned in both lock files"
    assert not set(bench) & set(conda)
    assert "-r requirements-bench.lock" in (ROOT / "Makefile").read_text(encoding="utf-8")  # make bench-setup


def test_user_named_packages_are_pinned_in_both():
    """The packages the user named (and the ones our code imports) are pinned in both files."""
    wanted = {"jupyterlab", "pandas", "matplotlib", "papermill", "nbconvert", "pandera", "ipykernel", "nbclient"}
    assert wanted <= set(pip_pins())
    assert wanted <= set(conda_pins())


def test_seed_source_is_verbatim():
    """data/raw holds the seed report byte for byte as received (when shared/ is beside the clone)."""
    seed = ROOT.parent / "shared" / "seed" / "000_50b9dd043a2a48bc.txt"
    if not seed.is_file():
        pytest.skip("shared/seed is not beside this clone; report.toml's source_sha256 still guards the file")
    assert (ROOT / "data" / "raw" / "000_50b9dd043a2a48bc.txt").read_bytes() == seed.read_bytes()


def test_ci_runs_the_readme_test_command():
    """.ci/run calls the test command the README gives a newcomer."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make test" in readme
    assert re.search(r"^make test\b", (ROOT / ".ci" / "run").read_text(encoding="utf-8"), re.M)


def _dry_run(target: str) -> list[str]:
    import subprocess

    done = subprocess.run(["make", "-n", target, "VENV=.venv-never"], cwd=ROOT, capture_output=True, text=True,
                          timeout=60)
    return done.stdout.splitlines()


def test_make_report_installs_only_what_the_build_needs():
    """`make report` sets up the venv and the CJK font, not Chromium (only the browser tests need it)."""
    lines = _dry_run("report")
    assert any("ensure-fonts" in line for line in lines)
    assert not any("ensure-browser" in line for line in lines)


def test_make_lab_allows_root():
    """`make lab` passes --allow-root when run as root (JupyterLab refuses root otherwise), and only then."""
    import os
    import subprocess

    line = next(line for line in _dry_run("lab") if "jupyter lab" in line)
    expanded = subprocess.run(["sh", "-c", f"echo {line}"], capture_output=True, text=True).stdout
    assert ("--allow-root" in expanded) == (os.geteuid() == 0)
