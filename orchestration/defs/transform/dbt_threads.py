"""How many models dbt builds at once: two, or one for a large ledger built from nothing.

Each large model is one DuckDB query that already keeps both cores busy, so two of them at once only
compete for memory and cache; a daily run's models are small, and two at once let one model's query run
while dbt does its own work around the other. Measured at M on two cores: the full build's dbt invocation
took 119.7 s and 124.9 s with one thread against 134.5 s and 141.4 s with two; one more day of events took
26.3 s and 28.4 s with two against 32.0 s and 32.3 s with one. The profile's `threads` (two, or
`QUOTAS_DBT_THREADS`) applies otherwise, and always when that variable is set.
"""

from __future__ import annotations

import os
from pathlib import Path

from orchestration.warehouse import connect

THREADS_VARIABLE = "QUOTAS_DBT_THREADS"
LARGE_LEDGER_EVENTS = 20_000_000
"""Deals, leads and activities above which a ledger built from nothing is built one model at a time (S
has 12M, M 120M)."""
EVENT_TABLES = ("deals", "leads", "activities")
LEDGER_STATE = "int_activity_ledger_state"
"""Written at the end of every complete build (macros/event_ledger.sql): without it the ledger is built whole."""


def dbt_threads_args(warehouse: Path, full_refresh: bool, large_ledger_events: int = LARGE_LEDGER_EVENTS) -> list[str]:
    """`--threads 1` for a large ledger built from nothing (a new warehouse, or a full refresh), else nothing."""
    if os.environ.get(THREADS_VARIABLE) or not warehouse.exists():
        return []
    with connect(warehouse, read_only=True) as con:
        tables = {
            (schema, name)
            for schema, name in con.execute("select schema_name, table_name from duckdb_tables()").fetchall()
        }
        from_nothing = full_refresh or ("intermediate", LEDGER_STATE) not in tables
        if not from_nothing:
            return []
        events = sum(
            int(con.execute(f"select count(*) from raw.{table}").fetchone()[0])  # type: ignore[index]
            for table in EVENT_TABLES
            if ("raw", table) in tables
        )
    return ["--threads", "1"] if events > large_ledger_events else []
