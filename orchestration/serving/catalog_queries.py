"""What the publication asks of the attached warehouse (`build`) and serving file (`serving`) catalogs.

Shared by the two kinds of mart published piece by piece (snapshot_history.py, kept_marts.py), which
check that a table exists, that a mart has the same columns on both sides, and count rows.
"""

from __future__ import annotations

import duckdb

from orchestration.sql_identifiers import quote_string


def table_exists(con: duckdb.DuckDBPyConnection, catalog: str, schema: str, table: str) -> bool:
    found = con.execute(
        "select count(*) from duckdb_tables() "
        f"where database_name = {quote_string(catalog)} and schema_name = {quote_string(schema)} "
        f"and table_name = {quote_string(table)}"
    ).fetchone()
    return bool(found and found[0])


def mart_columns(con: duckdb.DuckDBPyConnection, catalog: str, mart: str) -> list[tuple[str, str]]:
    """The names and types of a mart's columns, in order (a table or a view)."""
    return [
        (str(name), str(kind))
        for name, kind in con.execute(
            "select column_name, data_type from duckdb_columns() "
            f"where database_name = {quote_string(catalog)} and schema_name = 'marts' "
            f"and table_name = {quote_string(mart)} order by column_index"
        ).fetchall()
    ]


def row_count(con: duckdb.DuckDBPyConnection, relation: str) -> int:
    return int(con.execute(f"select count(*) from {relation}").fetchone()[0])  # type: ignore[index]
