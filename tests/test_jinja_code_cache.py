"""The dbt server's cache of compiled Jinja templates: a hit renders what a compilation would, environments
that generate different code never share an entry, and a new server process reads what an earlier one
compiled."""

from __future__ import annotations

from pathlib import Path

import jinja2
from jinja2.nativetypes import NativeEnvironment

from orchestration.defs.transform import dbt_server
from orchestration.defs.transform.dbt_server import DbtInvocation, saved_parse
from orchestration.defs.transform.jinja_code_cache import (
    JinjaCodeCache,
    cache_file,
    compiling_through,
    template_key,
)
from orchestration.defs.transform.project import DBT_PROJECT_DIR

TEMPLATE = "{% for rep in reps %}\n  {{ rep | upper }}{% if not loop.last %},{% endif %}\n{% endfor %}"


def _environment_using(cache: JinjaCodeCache, base: type[jinja2.Environment] = jinja2.Environment, **options):
    """An environment of `base`'s kind whose compilation goes through `cache` (the server patches Jinja's
    own class instead; a test must not change every environment of its process)."""
    cached = type(base.__name__, (base,), {"compile": compiling_through(cache, base.compile)})
    return cached(**options)


def test_a_template_compiled_by_an_earlier_process_is_read_from_the_file_and_renders_the_same(tmp_path: Path) -> None:
    path = tmp_path / "cache.marshal"
    first = JinjaCodeCache(path)
    rendered = _environment_using(first).from_string(TEMPLATE).render(reps=["ana", "ben"])
    assert (first.compiled, first.hits) == (1, 0)
    first.save()

    second = JinjaCodeCache(path)
    assert _environment_using(second).from_string(TEMPLATE).render(reps=["ana", "ben"]) == rendered
    assert (second.compiled, second.hits) == (0, 1)
    assert rendered == jinja2.Environment().from_string(TEMPLATE).render(reps=["ana", "ben"])


def test_environments_that_generate_different_code_do_not_share_an_entry(tmp_path: Path) -> None:
    cache = JinjaCodeCache(tmp_path / "cache.marshal")
    plain = _environment_using(cache)
    trimmed = _environment_using(cache, trim_blocks=True)
    native = _environment_using(cache, NativeEnvironment)
    keys = {template_key(environment, TEMPLATE, None, None) for environment in (plain, trimmed, native)}
    assert len(keys) == 3

    for environment, uncached in (
        (plain, jinja2.Environment()),
        (trimmed, jinja2.Environment(trim_blocks=True)),
        (native, NativeEnvironment()),
    ):
        expected = uncached.from_string(TEMPLATE).render(reps=["ana"])
        assert environment.from_string(TEMPLATE).render(reps=["ana"]) == expected
        assert environment.from_string(TEMPLATE).render(reps=["ana"]) == expected, "and again, from the cache"
    assert (cache.compiled, cache.hits) == (3, 3)
    assert template_key(plain, TEMPLATE, "a name", None) != template_key(plain, TEMPLATE, None, None)


def test_an_unreadable_file_is_started_again_and_a_save_without_news_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "cache.marshal"
    path.write_bytes(b"not a marshal file")
    cache = JinjaCodeCache(path)
    assert cache.entries == {}
    cache.save()
    assert path.read_bytes() == b"not a marshal file", "nothing new: the file is left alone"

    _environment_using(cache).from_string(TEMPLATE)
    cache.save()
    assert len(JinjaCodeCache(path).entries) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache.marshal"], "written beside, renamed into place"


def test_a_new_dbt_server_reuses_the_templates_an_earlier_server_compiled(tmp_path: Path) -> None:
    """Two full parses of the project (each a warehouse name with no saved parse), each in a new server
    process: the second compiles nothing."""
    import shutil

    names = [f"j{index}-{tmp_path.name}.duckdb" for index in (1, 2)]
    invocations = []
    try:
        for name in names:
            dbt_server._stop_server()  # the next command starts a new fork, which reads the file afresh
            (tmp_path / name).mkdir()
            invocation = DbtInvocation(["parse"], DBT_PROJECT_DIR, tmp_path / name / "target", tmp_path / name / name)
            for _ in invocation.events():
                pass
            invocations.append(invocation)
    finally:
        for name in names:
            shutil.rmtree(saved_parse(DBT_PROJECT_DIR, name).parent, ignore_errors=True)

    assert cache_file(DBT_PROJECT_DIR / "target").exists()
    assert invocations[1].templates["reused"] > 100, invocations[1].templates
    assert invocations[1].templates["compiled"] == 0, invocations[1].templates
    assert (
        "Unable to do partial parsing because profile has changed"
        in (tmp_path / names[1] / "target" / "dbt.log").read_text()
    ), "the second parse was a whole one, which renders every model"
