"""Reload only the hours of an event file whose rows changed, not the whole file.

The CRM's evening export rewrites `activities.parquet` whole, yet a day changes about 0.1% of its rows.
Reading and fingerprinting 100M rows of Parquet takes about 2 s at M; writing them into the warehouse again
(ids as text, compressed) takes about 30 s. So for the event tables (deals, leads, activities) the load
keeps, beside the raw table, a fingerprint per change key: a sum of row hashes and a row count per UTC hour
of the instant the ledger dates the row by (`TableContract.change_instant`), and per bucket of ids (2^20 of
them) for rows without one. A changed file is read once to fingerprint it; only the keys whose fingerprint
differs are deleted from the raw table and inserted again from the file. Every other key holds the same
multiset of rows in the file as in the table, so the table ends up equal to a full reload, row for row.

The fingerprints are only trusted when they were written by the same loading SQL (same file path, columns,
casts) and DuckDB version, in the same transaction as the rows they describe; otherwise, or when most of
the table changed, the table is reloaded whole and fingerprinted afresh. A PostgreSQL extract, which
writes `raw` its own way, drops them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import duckdb

from orchestration.source_contract import TableContract
from orchestration.sql_identifiers import quote_identifier

CHANGE_KEYS = "_ingest.raw_change_keys"
UNDATED_BUCKETS = 2**20
RELOAD_WHOLE_ABOVE = 0.5
"""Above this share of the file's rows in changed keys, deleting and inserting costs more than a reload."""


@dataclass(frozen=True)
class RawLoad:
    """How one table was written: whole, or by its changed keys (with how many rows those held)."""

    whole: bool
    changed_keys: int = 0
    rows_replaced: int = 0

    def note(self) -> str:
        if self.whole:
            return ""
        return f" ({self.changed_keys:,} changed hours or id buckets, {self.rows_replaced:,} rows replaced)"


def loads_by_change_key(contract: TableContract) -> bool:
    return contract.change_instant is not None


def change_key_sql(contract: TableContract) -> str:
    """A row's change key: its instant's UTC hour (as hours since 1970), or for a row without one a
    negative bucket of its id, so both kinds share one bigint column."""
    if contract.change_instant is None:
        raise ValueError(f"table {contract.name} has no change instant")
    instant = quote_identifier(contract.change_instant)
    return (
        f"coalesce(cast(floor(epoch_ms({instant}) / 3600000) as bigint), "
        f"-1 - cast(hash(id) % {UNDATED_BUCKETS} as bigint))"
    )


def loader_digest(load_select: str) -> str:
    """What the stored fingerprints are only valid for: this loading SQL on this DuckDB version."""
    return hashlib.sha256(f"{duckdb.__version__}|{load_select}".encode()).hexdigest()


def _ensure_table(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create schema if not exists _ingest")
    con.execute(
        f"create table if not exists {CHANGE_KEYS} (table_name varchar, loader_digest varchar, "
        "change_key bigint, fingerprint hugeint, row_count bigint)"
    )


def _fingerprints_select(contract: TableContract, relation_sql: str) -> str:
    return (
        f"select {change_key_sql(contract)} as change_key, sum(cast(hash(event_row) as hugeint)) as fingerprint, "
        f"count(*) as row_count from {relation_sql} as event_row group by all"
    )


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _store(con: duckdb.DuckDBPyConnection, contract: TableContract, digest: str, fingerprints_sql: str) -> None:
    _ensure_table(con)
    name = _literal(contract.name)
    con.execute(f"delete from {CHANGE_KEYS} where table_name = {name}")
    con.execute(
        f"insert into {CHANGE_KEYS} select {name}, {_literal(digest)}, change_key, fingerprint, row_count "
        f"from ({fingerprints_sql})"
    )


def _has_fingerprints(con: duckdb.DuckDBPyConnection, contract: TableContract, digest: str) -> bool:
    _ensure_table(con)
    row = con.execute(
        f"select count(*) filter (where loader_digest = {_literal(digest)}), count(*) from {CHANGE_KEYS} "
        f"where table_name = {_literal(contract.name)}"
    ).fetchone()
    raw_exists = con.execute(
        "select count(*) from duckdb_tables() where schema_name = 'raw' and table_name = ?", [contract.name]
    ).fetchone()
    return bool(row and raw_exists and raw_exists[0] and row[1] and row[0] == row[1])


def load_whole(con: duckdb.DuckDBPyConnection, contract: TableContract, load_select: str) -> RawLoad:
    """Replace the raw table with the file's rows; fingerprint them when the table loads by change key."""
    table = f"raw.{quote_identifier(contract.name)}"
    con.execute(f"create or replace table {table} as {load_select}")
    if loads_by_change_key(contract):
        _store(con, contract, loader_digest(load_select), _fingerprints_select(contract, table))
    return RawLoad(whole=True)


def load_changed_keys(con: duckdb.DuckDBPyConnection, contract: TableContract, load_select: str) -> RawLoad:
    """Bring the raw table to the file's rows by replacing only the change keys that differ (inside the
    caller's transaction); reload it whole when that is not possible or not cheaper."""
    digest = loader_digest(load_select)
    if not loads_by_change_key(contract) or not _has_fingerprints(con, contract, digest):
        return load_whole(con, contract, load_select)
    table = f"raw.{quote_identifier(contract.name)}"
    key = change_key_sql(contract)
    con.execute(
        "create or replace temp table _file_change_keys as " + _fingerprints_select(contract, f"({load_select})")
    )
    con.execute(
        "create or replace temp table _changed_keys as "
        "select coalesce(new.change_key, old.change_key) as change_key, "
        "coalesce(new.row_count, 0) as new_rows, coalesce(old.row_count, 0) as old_rows "
        "from _file_change_keys as new "
        f"full outer join (select * from {CHANGE_KEYS} where table_name = {_literal(contract.name)}) as old "
        "on old.change_key = new.change_key "
        "where new.fingerprint is distinct from old.fingerprint or new.row_count is distinct from old.row_count"
    )
    changed_keys, new_rows, file_rows = con.execute(
        "select (select count(*) from _changed_keys), (select coalesce(sum(new_rows), 0) from _changed_keys), "
        "(select coalesce(sum(row_count), 0) from _file_change_keys)"
    ).fetchone() or (0, 0, 0)
    if new_rows > RELOAD_WHOLE_ABOVE * file_rows:
        con.execute("drop table _file_change_keys")
        con.execute("drop table _changed_keys")
        return load_whole(con, contract, load_select)
    if changed_keys:
        con.execute(f"delete from {table} where {key} in (select change_key from _changed_keys)")
        con.execute(
            f"insert into {table} by name select * from ({load_select}) "
            f"where {key} in (select change_key from _changed_keys)"
        )
        _store(con, contract, digest, "select * from _file_change_keys")
    con.execute("drop table _file_change_keys")
    con.execute("drop table _changed_keys")
    return RawLoad(whole=False, changed_keys=int(changed_keys), rows_replaced=int(new_rows))


def forget_change_keys(con: duckdb.DuckDBPyConnection) -> None:
    """Whoever writes `raw` otherwise (the PostgreSQL extract) makes the next file load reload whole."""
    con.execute(f"drop table if exists {CHANGE_KEYS}")
