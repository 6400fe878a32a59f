"""When DuckDB compacts a file's tables at a checkpoint: only once deleted rows have piled up.

A daily run deletes and writes again rows of many tables (the changed hours of the raw tables, the
recomputed dates, periods and targets, the serving file's recomputed periods). At every checkpoint,
DuckDB's vacuum looks through every table of the file, touched in that session or not, for row groups
thinned by deletes that it could merge into fewer. Looking costs each checkpoint seconds at M, and the
run checkpoints the warehouse three times (the load, dbt, the notification tick) and the serving file
once. Measured at M after one more day, on one saved warehouse, alternating:

- dbt's closing checkpoint took ~4 s with the vacuum and ~1.5 s without (the eleventh session);
- skipped there, the vacuum ran instead when the notification tick closed the warehouse after recording
  a few hundred rows: that close took 3.7-4.3 s, against 0.9-1.2 s with the vacuum off too;
- the serving file's publication took 6.0-6.7 s with it and 4.7-5.0 s without.

So a checkpoint vacuums only when a large table of the file has a quarter of its stored rows deleted
(about where DuckDB's own vacuum first merges), and skips it otherwise:

- every connection `orchestration.warehouse.connect` opens for writing skips it (the load, the tick, the
  PostgreSQL extract);
- the dbt command decides by the warehouse's shares (`vacuum_tasks`, passed to the dbt profile as
  QUOTAS_DUCKDB_VACUUM_TASKS; unset, as when dbt runs by hand, DuckDB's default applies). Its vacuum
  covers every table of the warehouse, the raw ones the load writes included;
- the serving copy decides by the serving file's own shares (`vacuum_tasks_in`).

The deleted rows grow slowly, since a day mostly deletes what the day before wrote.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from orchestration.sql_identifiers import quote_identifier, quote_string
from orchestration.warehouse import connect

VACUUM_VARIABLE = "QUOTAS_DUCKDB_VACUUM_TASKS"
VACUUM_TASKS = 100
"""DuckDB's default `max_vacuum_tasks`."""
NO_VACUUM = 0
DELETED_SHARE_TO_VACUUM = 0.25
LARGE_TABLE_ROWS = 100_000
"""Smaller tables are left out: their deleted rows cost little, and most are rewritten whole."""


def deleted_row_shares_in(
    con: duckdb.DuckDBPyConnection, database: str, large_table_rows: int = LARGE_TABLE_ROWS
) -> dict[str, float]:
    """Each large table's deleted rows as a share of the rows it stores, for one attached database
    (DuckDB's `estimated_size` counts the deleted rows not yet vacuumed; `count(*)` only the others)."""
    shares: dict[str, float] = {}
    # literals, not bound parameters: those make DuckDB's Python client import pandas
    tables = con.execute(
        "select schema_name, table_name, estimated_size from duckdb_tables() "
        f"where database_name = {quote_string(database)} and not internal and not temporary "
        f"and estimated_size >= {int(large_table_rows)}"
    ).fetchall()
    for schema, table, stored in tables:
        name = ".".join(quote_identifier(part) for part in (database, schema, table))
        (live,) = con.execute(f"select count(*) from {name}").fetchone()  # type: ignore[misc]
        shares[f"{schema}.{table}"] = 1 - live / stored
    return shares


def tasks_for(shares: dict[str, float]) -> int:
    """DuckDB's `max_vacuum_tasks` for a file with these deleted shares."""
    return VACUUM_TASKS if any(share >= DELETED_SHARE_TO_VACUUM for share in shares.values()) else NO_VACUUM


def deleted_row_shares(warehouse: Path, large_table_rows: int = LARGE_TABLE_ROWS) -> dict[str, float]:
    """`deleted_row_shares_in` for a DuckDB file, opened read-only."""
    with connect(warehouse, read_only=True) as con:
        (database,) = con.execute("select current_database()").fetchone()  # type: ignore[misc]
        return deleted_row_shares_in(con, database, large_table_rows)


def vacuum_tasks(warehouse: Path, large_table_rows: int = LARGE_TABLE_ROWS) -> int:
    """DuckDB's `max_vacuum_tasks` for the next dbt command on `warehouse` (a new warehouse has nothing
    to compact). Reading the shares (a count of each large table's rows) takes ~0.2 s at M."""
    if not warehouse.exists():
        return NO_VACUUM
    return tasks_for(deleted_row_shares(warehouse, large_table_rows))


def vacuum_tasks_in(con: duckdb.DuckDBPyConnection, database: str) -> int:
    """`vacuum_tasks` for a database attached to `con`."""
    return tasks_for(deleted_row_shares_in(con, database))


def set_vacuum_tasks(con: duckdb.DuckDBPyConnection, tasks: int) -> None:
    """The vacuum of `con`'s checkpoints from now on, in every file it has attached (a global setting)."""
    con.execute(f"set max_vacuum_tasks = {int(tasks)}")
