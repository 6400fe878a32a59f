"""Connections to the DuckDB warehouse, configured the same way everywhere.

Extensions are never downloaded (the machine has no internet and a run must not depend on one), and the
session time zone is UTC so that a timestamp without an offset reads as UTC, as the contract says.
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
    return con
