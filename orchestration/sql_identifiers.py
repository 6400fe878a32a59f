"""Identifiers that reach SQL: validated against a strict pattern, then double-quoted (and text values,
quoted as string literals).

Column names come from source files and configuration, so they are data, not code. Only names made of
letters, digits and underscores (not starting with a digit) are accepted; anything else is refused
before it can reach a statement.
"""

from __future__ import annotations

import re

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class UnsafeIdentifierError(ValueError):
    """A name that is not a plain identifier and so must never be put into SQL."""


def is_plain_identifier(name: str) -> bool:
    return bool(_IDENTIFIER.match(name))


def quote_string(text: str) -> str:
    """A text value as a SQL string literal (paths, names and digests written into DuckDB statements)."""
    return "'" + text.replace("'", "''") + "'"


def quote_identifier(name: str) -> str:
    if not is_plain_identifier(name):
        raise UnsafeIdentifierError(f"{name!r} is not a plain identifier (letters, digits, underscores)")
    return f'"{name}"'
