"""A cache of the Python code Jinja compiles dbt's templates into, kept on disk from one run to the next.

Why: dbt renders every model, test and macro from its Jinja source with `Environment.from_string`, which
Jinja never caches (its bytecode cache serves only templates read by a loader). Each `quotas run` is a new
process, so it parsed, generated and compiled the same ~400 templates again: about a tenth of dbt's
Python time on the tiny CRM, all of it under the interpreter lock beside dbt's two worker threads.

What is cached: the code object `Environment.compile` returns for a source text, keyed by a hash of the
text, the template's name and file name, and everything of the environment that shapes the generated
code (its class and code generator, extensions, syntax, sandboxing, finalize, the names of its filters and
tests and how they are called). The same key always compiles to the same code, so a hit gives what a
compilation would. The file is named by the versions of Python (the marshal format and bytecode), Jinja
and dbt-common. It is written whole (renamed into place) after each dbt command that compiled something new, and
holds what this process used plus what it found, up to `MAX_ENTRIES`, beyond which it keeps only what
this process used.

Installed in the dbt server's fork only (orchestration/defs/transform/dbt_server.py): the run's own
process never compiles dbt templates.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from types import CodeType
from typing import Any

import jinja2

MAX_ENTRIES = 5_000


class JinjaCodeCache:
    """Compiled templates by key, loaded from and saved to one file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.entries: dict[str, bytes] = _read(path)
        self.used: dict[str, bytes] = {}
        self.added = 0
        """Entries compiled since the last save."""
        self.hits = 0
        """Compilations served from the cache, in all."""
        self.compiled = 0
        """Compilations made, in all."""
        self._lock = threading.Lock()

    def code(self, key: str) -> CodeType | None:
        stored = self.entries.get(key)
        if stored is None:
            return None
        with self._lock:
            self.used[key] = stored
            self.hits += 1
        return marshal.loads(stored)  # type: ignore[no-any-return]

    def add(self, key: str, code: CodeType) -> None:
        stored = marshal.dumps(code)
        with self._lock:
            self.entries[key] = stored
            self.used[key] = stored
            self.added += 1
            self.compiled += 1

    def save(self) -> None:
        """Write the file again if this process compiled anything new (atomically: a reader sees the old
        file or the new one)."""
        with self._lock:
            if not self.added:
                return
            kept = self.entries if len(self.entries) <= MAX_ENTRIES else dict(self.used)
            self.added = 0
        self.path.parent.mkdir(parents=True, exist_ok=True)
        staged = self.path.with_name(f".{self.path.name}.{os.getpid()}")
        staged.write_bytes(marshal.dumps(kept))
        os.replace(staged, self.path)


def _read(path: Path) -> dict[str, bytes]:
    """The stored entries, or none when the file is missing or unreadable (then it is simply rebuilt)."""
    with contextlib.suppress(OSError, EOFError, ValueError, TypeError):
        entries = marshal.loads(path.read_bytes())
        if isinstance(entries, dict):
            return entries
    return {}


def cache_file(directory: Path) -> Path:
    """The cache's file in `directory`, one per version of Python, Jinja and dbt's Jinja environment
    (dbt-common, whose parser subclass shapes the code under the same class names)."""
    from importlib.metadata import version

    python = f"{sys.implementation.name}-{sys.version_info.major}.{sys.version_info.minor}.{sys.version_info.micro}"
    return directory / f"jinja-code-{python}-jinja-{jinja2.__version__}-dbt-common-{version('dbt-common')}.marshal"


def environment_signature(environment: jinja2.Environment) -> str:
    """What of an environment decides the code generated for a source. Computed at every compilation
    (~0.1 ms), as filters and tests may be added to an environment after its first template."""

    def name_of(value: Any) -> str:
        if value is None or isinstance(value, bool | str | int):
            return repr(value)
        return f"{getattr(value, '__module__', '')}.{getattr(value, '__qualname__', type(value).__qualname__)}"

    def callables(functions: dict[str, Any]) -> list[str]:
        return [f"{name}:{getattr(function, 'jinja_pass_arg', None)}" for name, function in sorted(functions.items())]

    parts = [
        name_of(type(environment)),
        name_of(environment.code_generator_class),
        name_of(getattr(environment, "template_class", None)),
        repr(sorted(environment.extensions)),
        repr(
            (
                environment.block_start_string,
                environment.block_end_string,
                environment.variable_start_string,
                environment.variable_end_string,
                environment.comment_start_string,
                environment.comment_end_string,
                environment.line_statement_prefix,
                environment.line_comment_prefix,
                environment.trim_blocks,
                environment.lstrip_blocks,
                environment.newline_sequence,
                environment.keep_trailing_newline,
                environment.optimized,
                environment.is_async,
                environment.sandboxed,
            )
        ),
        name_of(environment.finalize),
        name_of(environment.autoescape),
        repr(sorted(getattr(environment, "intercepted_binops", ()))),
        repr(sorted(getattr(environment, "intercepted_unops", ()))),
        repr(callables(environment.filters)),
        repr(callables(environment.tests)),
    ]
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()


def template_key(environment: jinja2.Environment, source: str, name: str | None, filename: str | None) -> str:
    digest = hashlib.sha256()
    for part in (environment_signature(environment), name or "", filename or "", source):
        digest.update(part.encode())
        digest.update(b"\x00")
    return digest.hexdigest()


Compile = Callable[..., Any]


def compiling_through(cache: JinjaCodeCache, compile_uncached: Compile) -> Compile:
    """`Environment.compile` that looks a source text up in `cache` first, and adds what it compiles.

    Raw Python source, deferred initialisation (Jinja's module templates) and dbt's macro debugging
    (which writes each compiled template to a file of its own) go straight to the compiler."""

    def compile_cached(
        self: jinja2.Environment,
        source: Any,
        name: str | None = None,
        filename: str | None = None,
        raw: bool = False,
        defer_init: bool = False,
    ) -> Any:
        if raw or defer_init or not isinstance(source, str) or os.environ.get("DBT_MACRO_DEBUGGING"):
            return compile_uncached(self, source, name, filename, raw, defer_init)
        key = template_key(self, source, name, filename)
        code = cache.code(key)
        if code is None:
            code = compile_uncached(self, source, name, filename)
            cache.add(key, code)
        return code

    return compile_cached


_installed: JinjaCodeCache | None = None


def install(path: Path) -> JinjaCodeCache:
    """Serve every Jinja environment's compilation of a source text from the cache at `path` (once per
    process: the dbt server's fork)."""
    global _installed
    if _installed is None:
        _installed = JinjaCodeCache(path)
        jinja2.Environment.compile = compiling_through(_installed, jinja2.Environment.compile)  # type: ignore[method-assign]
    return _installed
