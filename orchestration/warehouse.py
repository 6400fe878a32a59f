"""Connections to the DuckDB warehouse, configured the same way everywhere.

Extensions are never downloaded (the machine has no internet and a run must not depend on one), and the
session time zone is UTC so that a timestamp without an offset reads as UTC, as the contract says.

A connection that writes never vacuums at its checkpoints: DuckDB's vacuum would look through every
table of the file for row groups to merge each time, seconds at M for a few hundred rows written. Only
the dbt command and the serving copy vacuum, once deleted rows have piled up (vacuum_policy.py).
"""

from __future__ import annotations

from pathlib import Path

import duckdb


def connect(path: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(
        str(path),
        read_only=read_only,
        config={"autoinstall_known_extensions": False, "autoload_known_extensions": True},
    )
    con.execute("set TimeZone = 'UTC'")
    if not read_only:
        con.execute("set max_vacuum_tasks = 0")
    return con
