"""Values written into statements as literals (orchestration/sql_identifiers.py) give what DuckDB gives for
the same values bound as parameters: the same values, of the same types."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import duckdb
import pytest

from orchestration.sql_identifiers import inline_parameters, sql_literal, values_list

VALUES = [
    "plain",
    "it's -- not a comment; drop table x",
    "",
    None,
    True,
    False,
    0,
    -42,
    2**62,
    12.5,
    -0.1,
    date(2025, 11, 14),
    datetime(2025, 11, 14, 23, 30, 5, 123456, tzinfo=UTC),
    datetime(2025, 11, 14, 23, 30, tzinfo=timezone(timedelta(hours=-8))),
    datetime(2025, 11, 14, 8, 0),
    ["a", "b's"],
    [],
]


@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_a_literal_reads_back_as_the_bound_parameter_would(value: object) -> None:
    with duckdb.connect() as con:
        con.execute("set TimeZone = 'UTC'")
        bound = con.execute("select $v, typeof($v)", {"v": value}).fetchone()
        inlined = con.execute(inline_parameters("select $v, typeof($v)", {"v": value})).fetchone()
    assert inlined == bound


def test_every_named_parameter_is_replaced_and_a_missing_one_is_named() -> None:
    sql = inline_parameters("select $a, $ab, $a || $b", {"a": "x", "ab": 1, "b": None})
    assert sql == "select 'x', 1, 'x' || null"
    with pytest.raises(KeyError, match=r"\$missing"):
        inline_parameters("select $missing", {})
    with pytest.raises(TypeError):
        sql_literal(object())


def test_rows_written_as_a_values_list_read_back_as_inserted_with_parameters() -> None:
    rows = [("a'b", None, date(2025, 11, 14), 1.5), ("", "x", date(2024, 2, 29), -2.0)]
    with duckdb.connect() as con:
        con.execute("create table bound (t varchar, u varchar, d date, x double)")
        con.executemany("insert into bound values (?, ?, ?, ?)", rows)
        con.execute(f"create table inlined as select * from (values {values_list(rows)}) as v (t, u, d, x)")
        assert con.execute("select * from inlined order by d").fetchall() == rows[::-1]
        assert con.execute("select * from inlined except all select * from bound").fetchall() == []
