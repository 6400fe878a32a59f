"""A version for each raw table, changed whenever a load or an extract may have changed the table's rows.

dbt rebuilds a `reusable_table` model only when something it is made of changed (see
`dbt_project/macros/reusable_table.sql`); the raw tables it reads are part of that, and comparing 100M rows
to find out would cost what rebuilding costs. Whoever writes `raw` says instead: a directory load gives each
table its source fingerprint (equal when the file was not reloaded), a PostgreSQL extract gives a table a new
version whenever it pulled or deleted rows of it. A raw table without a version is never reused from.
"""

from __future__ import annotations

import uuid

import duckdb

from orchestration.sql_identifiers import quote_string

RAW_VERSIONS = "_ingest.raw_versions"


def _ensure_table(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create schema if not exists _ingest")
    con.execute(f"create table if not exists {RAW_VERSIONS} (table_name varchar primary key, version varchar)")


def stored_raw_versions(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    _ensure_table(con)
    rows = con.execute(f"select table_name, version from {RAW_VERSIONS}").fetchall()
    return {str(name): str(version) for name, version in rows}


def record_raw_versions(con: duckdb.DuckDBPyConnection, versions: dict[str, str]) -> None:
    """Set these tables' versions (inside the caller's transaction, with the rows they describe)."""
    _ensure_table(con)
    # literals, not parameters: a parameter makes DuckDB import pandas and pyarrow (the extract avoids them)
    for name, version in sorted(versions.items()):
        con.execute(f"insert or replace into {RAW_VERSIONS} values ({quote_string(name)}, {quote_string(version)})")


def new_raw_version() -> str:
    return uuid.uuid4().hex
