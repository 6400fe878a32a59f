"""Which source tables changed since the warehouse last loaded them, so unchanged ones are not reloaded.

A daily run reads the same source directory as yesterday's, and most of its tables have not changed (the
quota configuration, the organisation, often the activity file too). Reloading 100M activities costs most
of a minute at M; recognising the same file costs a `stat`. A table's fingerprint is the file's size and
modification time (plus a hash of the content for files up to 64 MiB, so a small file rewritten within
the same instant is still noticed) and a hash of the SQL that loads it (a new loader or contract reloads
everything). The fingerprints are stored in `_ingest.source_fingerprints`, written in the load's own
transaction: a table is skipped only when the warehouse holds exactly what loading it again would give.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb

from orchestration.sql_identifiers import values_list

FINGERPRINTS = "_ingest.source_fingerprints"
_HASHED_UP_TO = 64 * 2**20


def table_fingerprint(path: Path | None, load_sql: str) -> str:
    digest = hashlib.sha256(load_sql.encode())
    if path is None:
        digest.update(b"no file")
        return digest.hexdigest()
    stat = path.stat()
    digest.update(f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}".encode())
    if stat.st_size <= _HASHED_UP_TO:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def stored_fingerprints(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """The fingerprint of each raw table as last loaded (only for raw tables that still exist)."""
    exists = con.execute(
        "select count(*) from duckdb_tables() where schema_name = '_ingest' and table_name = 'source_fingerprints'"
    ).fetchone()
    if not exists or not exists[0]:
        return {}
    rows = con.execute(
        f"select f.table_name, f.fingerprint from {FINGERPRINTS} as f "
        "inner join duckdb_tables() as t on t.schema_name = 'raw' and t.table_name = f.table_name"
    ).fetchall()
    return {str(name): str(fingerprint) for name, fingerprint in rows}


def store_fingerprints(con: duckdb.DuckDBPyConnection, fingerprints: dict[str, str]) -> None:
    con.execute("create schema if not exists _ingest")
    con.execute(f"create or replace table {FINGERPRINTS} (table_name varchar primary key, fingerprint varchar)")
    if fingerprints:  # literals, not parameters: see sql_identifiers.py
        con.execute(f"insert into {FINGERPRINTS} values {values_list(sorted(fingerprints.items()))}")
