"""The compiled templates kept between processes (analysis/jinja_cache.py)."""

from __future__ import annotations

import importlib
import os

import jinja2
import pytest

from analysis import jinja_cache


@pytest.fixture
def fresh(monkeypatch):
    """bytecode_cache() computed again for this test's environment (it is computed once per process)."""
    jinja_cache.bytecode_cache.cache_clear()
    yield monkeypatch
    jinja_cache.bytecode_cache.cache_clear()


def _env(tmp_path, cache):
    if not (tmp_path / "t").exists():
        (tmp_path / "t").mkdir()
        (tmp_path / "t" / "page.j2").write_text("{% for x in xs %}<p>{{ x }}</p>{% endfor %}", encoding="utf-8")
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(tmp_path / "t")), bytecode_cache=cache)


def test_a_template_compiled_once_is_loaded_from_the_cache(fresh, tmp_path):
    """The first process compiles a template and keeps its code; the next one loads that code (no compile) and
    renders the same text."""
    fresh.setenv(jinja_cache.ENV_CACHE_DIR, str(tmp_path / "cache"))
    cache = jinja_cache.bytecode_cache()
    first = _env(tmp_path, cache).get_template("page.j2").render(xs=[1, "<b>"])
    assert list((tmp_path / "cache" / "jinja2").iterdir())
    compiled = []
    second_env = _env(tmp_path, cache)
    second_env.compile = lambda *a, **k: compiled.append(a) or jinja2.Environment.compile(second_env, *a, **k)
    assert second_env.get_template("page.j2").render(xs=[1, "<b>"]) == first
    assert compiled == []


def test_a_changed_template_is_compiled_again(fresh, tmp_path):
    """An entry is keyed by the template's source: editing the template never shows the old page."""
    fresh.setenv(jinja_cache.ENV_CACHE_DIR, str(tmp_path / "cache"))
    _env(tmp_path, jinja_cache.bytecode_cache()).get_template("page.j2").render(xs=[1])
    (tmp_path / "t" / "page.j2").write_text("<i>{{ xs|length }}</i>", encoding="utf-8")
    assert _env(tmp_path, jinja_cache.bytecode_cache()).get_template("page.j2").render(xs=[1]) == "<i>1</i>"


def test_a_damaged_cache_entry_is_compiled_again(fresh, tmp_path):
    """A cache file cut short or overwritten (a crash, another program) does not fail the render."""
    fresh.setenv(jinja_cache.ENV_CACHE_DIR, str(tmp_path / "cache"))
    expected = _env(tmp_path, jinja_cache.bytecode_cache()).get_template("page.j2").render(xs=[2])
    for entry in (tmp_path / "cache" / "jinja2").iterdir():
        entry.write_bytes(entry.read_bytes()[:9] + b"\x00garbage")
    assert _env(tmp_path, jinja_cache.bytecode_cache()).get_template("page.j2").render(xs=[2]) == expected


@pytest.mark.parametrize("problem", ["a file in the way", "empty variable", "writable by others"])
def test_no_usable_cache_folder_means_no_cache(fresh, tmp_path, problem):
    """A cache folder that cannot be made, a cache turned off (``CLOSEOUT_CACHE_DIR=``), or one that another
    user could write (its code is executed) is not used; templates then compile as without a cache."""
    if problem == "a file in the way":
        (tmp_path / "blocked").write_text("", encoding="utf-8")
        fresh.setenv(jinja_cache.ENV_CACHE_DIR, str(tmp_path / "blocked"))
    elif problem == "empty variable":
        fresh.setenv(jinja_cache.ENV_CACHE_DIR, "")
    else:
        (tmp_path / "shared" / "jinja2").mkdir(parents=True)
        os.chmod(tmp_path / "shared" / "jinja2", 0o777)
        fresh.setenv(jinja_cache.ENV_CACHE_DIR, str(tmp_path / "shared"))
    assert jinja_cache.bytecode_cache() is None
    assert _env(tmp_path, None).get_template("page.j2").render(xs=[3]) == "<p>3</p>"


def test_an_unwritable_cache_does_not_fail_a_render(fresh, tmp_path):
    """An entry that cannot be written (the folder vanished, a full disk) is not kept; the page renders."""
    fresh.setenv(jinja_cache.ENV_CACHE_DIR, str(tmp_path / "cache"))
    cache = jinja_cache.bytecode_cache()
    (tmp_path / "cache" / "jinja2").rmdir()
    assert _env(tmp_path, cache).get_template("page.j2").render(xs=[4]) == "<p>4</p>"


def test_the_default_folder_is_the_users_cache(fresh, tmp_path):
    """Without CLOSEOUT_CACHE_DIR: $XDG_CACHE_HOME/closeout-analysis, else ~/.cache/closeout-analysis."""
    fresh.delenv(jinja_cache.ENV_CACHE_DIR, raising=False)
    fresh.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert jinja_cache.cache_dir() == tmp_path / "closeout-analysis"
    fresh.setenv("XDG_CACHE_HOME", "relative/path")  # not absolute: ignored, as the XDG specification says
    fresh.setenv("HOME", str(tmp_path / "home"))
    assert jinja_cache.cache_dir() == tmp_path / "home" / ".cache" / "closeout-analysis"


def test_pages_are_the_same_with_and_without_the_cache(fresh, tmp_path):
    """The page sections render to the same markup from compiled code as from a fresh compile."""
    render = importlib.import_module("analysis.present.render")  # (analysis.present.render is also a function)
    fresh.setenv(jinja_cache.ENV_CACHE_DIR, str(tmp_path / "cache"))
    render.environment.cache_clear()
    try:
        first = str(render.para("示例 <1>")) + str(render.tag("h2", "Title"))
        render.environment.cache_clear()
        again = str(render.para("示例 <1>")) + str(render.tag("h2", "Title"))
        fresh.setenv(jinja_cache.ENV_CACHE_DIR, "")
        jinja_cache.bytecode_cache.cache_clear()
        render.environment.cache_clear()
        uncached = str(render.para("示例 <1>")) + str(render.tag("h2", "Title"))
    finally:
        render.environment.cache_clear()
    assert first == again == uncached
    assert list((tmp_path / "cache" / "jinja2").iterdir())
