"""Whether DuckDB compacts the warehouse's tables as dbt closes it: only once deleted rows have piled up.

A daily run deletes and writes again rows of many tables (the recomputed dates, periods and targets).
When dbt closes the warehouse, DuckDB checkpoints it, and its vacuum looks for row groups thinned by
deletes that could be merged into fewer. DuckDB merges only once the deleted rows leave room for it (a
table whose row groups lose a tenth of their rows a day was compacted on the third day), yet looking
costs every run: at M the checkpoint after one more day took ~4 s with the vacuum and ~1.5 s without it
(pairs of runs, alternating: the run 39.0-39.1 s against 36.4-36.7 s; in a slower hour its models step
30.9-31.9 s against 28.0-28.2 s), and the tables' storage came out the same, row group for row group.

So the vacuum runs when some large table's deleted rows reach a quarter of its stored rows (about where
DuckDB's own vacuum would first merge), and is skipped otherwise. The deleted rows grow slowly, since a
day mostly deletes what the day before wrote: at M the largest share was 12.1% after one day and after
two, 16.4% after three. The dbt profile reads the choice from
QUOTAS_DUCKDB_VACUUM_TASKS (DuckDB's `max_vacuum_tasks`: 0 skips it); unset, as when dbt runs by hand,
DuckDB's default applies. The run sets it before each dbt command, whatever it held: reading the shares
(a count of each large table's rows) takes ~0.2 s at M.
"""

from __future__ import annotations

from pathlib import Path

from orchestration.sql_identifiers import quote_identifier
from orchestration.warehouse import connect

VACUUM_VARIABLE = "QUOTAS_DUCKDB_VACUUM_TASKS"
VACUUM_TASKS = 100
"""DuckDB's default `max_vacuum_tasks`."""
DELETED_SHARE_TO_VACUUM = 0.25
LARGE_TABLE_ROWS = 100_000
"""Smaller tables are left out: their deleted rows cost little, and most are rewritten whole."""


def deleted_row_shares(warehouse: Path, large_table_rows: int = LARGE_TABLE_ROWS) -> dict[str, float]:
    """Each large table's deleted rows as a share of the rows it stores (DuckDB's `estimated_size` counts
    the deleted rows not yet vacuumed; `count(*)` only the others)."""
    shares: dict[str, float] = {}
    with connect(warehouse, read_only=True) as con:
        # the size as a literal: bound parameters make DuckDB's Python client import pandas
        tables = con.execute(
            "select schema_name, table_name, estimated_size from duckdb_tables() "
            f"where not internal and not temporary and estimated_size >= {int(large_table_rows)}"
        ).fetchall()
        for schema, table, stored in tables:
            name = f"{quote_identifier(schema)}.{quote_identifier(table)}"
            (live,) = con.execute(f"select count(*) from {name}").fetchone()  # type: ignore[misc]
            shares[f"{schema}.{table}"] = 1 - live / stored
    return shares


def vacuum_tasks(warehouse: Path, large_table_rows: int = LARGE_TABLE_ROWS) -> int:
    """DuckDB's `max_vacuum_tasks` for the next dbt command on `warehouse`: the default when a large table's
    deleted rows reach DELETED_SHARE_TO_VACUUM of it, else 0 (a new warehouse has nothing to compact)."""
    if not warehouse.exists():
        return 0
    shares = deleted_row_shares(warehouse, large_table_rows)
    return VACUUM_TASKS if any(share >= DELETED_SHARE_TO_VACUUM for share in shares.values()) else 0
