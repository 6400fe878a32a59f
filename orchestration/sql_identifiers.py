"""Identifiers that reach SQL: validated against a strict pattern, then double-quoted (and text values,
quoted as string literals).

Values go into statements as literals rather than parameters: DuckDB's Python client imports pandas, numpy
and pyarrow for the first statement with parameters (0.6-0.7 s on this machine), which a run otherwise
never needs.

Column names come from source files and configuration, so they are data, not code. Only names made of
letters, digits and underscores (not starting with a digit) are accepted; anything else is refused
before it can reach a statement.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_NAMED_PARAMETER = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


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


def sql_literal(value: object) -> str:
    """A Python value as the SQL literal of the type DuckDB would bind it as: text, a boolean, an integer,
    a double, a date, a timestamp (with time zone when the value has one), null, or a list of those."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return f"cast({quote_string(str(value))} as double)"
        return f"cast({value!r} as double)"
    if isinstance(value, str):
        return quote_string(value)
    if isinstance(value, datetime):
        kind = "timestamp" if value.tzinfo is None else "timestamptz"
        return f"cast({quote_string(value.isoformat())} as {kind})"
    if isinstance(value, date):
        return f"date '{value.isoformat()}'"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(sql_literal(item) for item in value) + "]"
    raise TypeError(f"no SQL literal for a {type(value).__name__}")


def values_list(rows: Iterable[Sequence[object]]) -> str:
    """Rows as the list a `values` clause takes: `(literal, literal), (...)`, each value by `sql_literal`."""
    return ", ".join("(" + ", ".join(sql_literal(value) for value in row) + ")" for row in rows)


def inline_parameters(sql: str, parameters: Mapping[str, object]) -> str:
    """`sql` with each `$name` replaced by its value's literal (`sql_literal`): the statement DuckDB would
    run with those parameters, without importing what its parameter binding imports."""

    def literal(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in parameters:
            raise KeyError(f"no value for the SQL parameter ${name}")
        return sql_literal(parameters[name])

    return _NAMED_PARAMETER.sub(literal, sql)
