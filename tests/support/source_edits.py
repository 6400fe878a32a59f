"""Edits of a copied CSV source, as a CRM would change between two runs: text in, text out."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

EVENT_INSTANTS = {"activities": "occurred_at", "leads": "created_at", "deals": "closed_at"}


def copy_source(source: Path, target: Path) -> Path:
    shutil.copytree(source, target)
    return target


def rewrite_csv(path: Path, select_list: str = "*", where: str = "true", extra_rows: str | None = None) -> None:
    """Rewrite a CSV of the source through a query over its text, keeping every value as text.

    `extra_rows` is a query over `rows` (the file's text) whose rows are appended.
    """
    rewritten = path.with_suffix(".new.csv")
    with duckdb.connect() as con:
        con.execute(f"create view rows as select * from read_csv('{path}', header = true, all_varchar = true)")
        query = f"select {select_list} from rows where {where}"
        if extra_rows:
            query = f"({query}) union all by name ({extra_rows})"
        con.sql(query).write_csv(str(rewritten))
    rewritten.replace(path)


def without_events_of_day(source: Path, target: Path, utc_day: str) -> Path:
    """A copy of `source` without the deals, leads and activities whose instant falls on `utc_day`."""
    out = copy_source(source, target)
    for table, column in EVENT_INSTANTS.items():
        rewrite_csv(out / f"{table}.csv", where=f"coalesce({column}, '') not like '{utc_day}%'")
    return out
