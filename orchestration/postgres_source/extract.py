"""Extract the contract tables from PostgreSQL into the warehouse's `raw` schema, incrementally.

- Tables with an id and an `updated_at` timestamp (deals, leads, activities) keep a watermark: the latest
  `updated_at` seen. A run pulls every row whose id has a version updated since `watermark - overlap` (the
  overlap catches transactions that committed late with an earlier timestamp; `>=` keeps ties), deletes
  those ids from `raw` and inserts what it pulled. Pulling by id, not by row, brings every duplicate of a
  changed id along, so duplicates resolve exactly as in a full extract.
- Deleted rows cannot be seen by a watermark. When the server's deletion counter for the table moved since
  the last run (`changes.py`), the row counts of source and `raw` are compared after merging; when they
  differ, and in any case every `key_check_every` runs, the ids (with their number of copies) are compared
  in full: ids gone from the source are removed, ids `raw` lacks or holds a different number of times are
  pulled again.
- Tables without `updated_at` (teams, users, memberships, splits, rates, the configuration) are pulled
  whole when their fingerprint, computed on the server, differs from the last run's (`changes.py`), and
  in any case every `key_check_every` runs.
- A table is re-extracted whole on the first run, after a change of source or of its columns, and when
  asked (`full=True`).

Rows stream as Arrow record batches from the server (ADBC, binary COPY) into DuckDB, which reads them as
they arrive: memory stays bounded whatever the table's size, and no row passes through Python. Everything
is read in one REPEATABLE READ snapshot and written in one DuckDB transaction: a failed extract leaves
the warehouse as it was.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb

from orchestration.postgres_source.catalog import CATALOG_QUERY, UNIQUE_ID_QUERY, TablePlan, plan_tables
from orchestration.postgres_source.changes import TableMarks, fingerprint, read_marks
from orchestration.postgres_source.connection import (
    Parameters,
    begin_snapshot,
    snapshot_connection,
    source_connection,
)
from orchestration.postgres_url import PostgresUrl
from orchestration.raw_changes import forget_change_keys
from orchestration.raw_versions import new_raw_version, record_raw_versions, stored_raw_versions
from orchestration.source_contract import ALL_TABLES, TableContract
from orchestration.source_loading import (
    SourceError,
    SourceTable,
    build_contract_select,
    build_load_sql,
    forget_contract_results,
)
from orchestration.sql_identifiers import quote_identifier

DEFAULT_OVERLAP_MINUTES = 10
DEFAULT_KEY_CHECK_EVERY = 7
STATE_TABLE = "_ingest.extract_state"
STREAM = "_postgres_stream"

BatchValidator = Callable[[duckdb.DuckDBPyConnection, dict[str, str]], None]


@dataclass(frozen=True)
class ExtractOptions:
    full: bool = False
    overlap_minutes: int = DEFAULT_OVERLAP_MINUTES
    key_check_every: int = DEFAULT_KEY_CHECK_EVERY

    @classmethod
    def from_environment(cls, full: bool = False) -> ExtractOptions:
        return cls(
            full=full,
            overlap_minutes=int(os.environ.get("QUOTAS_EXTRACT_OVERLAP_MINUTES", DEFAULT_OVERLAP_MINUTES)),
            key_check_every=int(os.environ.get("QUOTAS_KEY_CHECK_EVERY", DEFAULT_KEY_CHECK_EVERY)),
        )


@dataclass
class TableExtract:
    """What one table's extraction did."""

    table: str
    mode: str  # full | incremental | unchanged | absent
    rows_pulled: int = 0
    rows_deleted: int = 0
    rows_in_raw: int = 0
    key_check: bool = False
    seconds: float = 0.0

    def line(self) -> str:
        text = f"raw.{self.table}: {self.mode}, {self.rows_pulled:,} rows pulled"
        if self.seconds >= 0.5:
            text += f" in {self.seconds:.1f} s ({self.rows_pulled / self.seconds:,.0f} rows/s)"
        if self.key_check:
            text += f", ids compared in full ({self.rows_deleted:,} deleted rows removed)"
        return text + f"; {self.rows_in_raw:,} rows in raw"


@dataclass
class ExtractReport:
    tables: list[TableExtract] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {extract.table: extract.rows_in_raw for extract in self.tables}

    @property
    def rows_pulled(self) -> int:
        return sum(extract.rows_pulled for extract in self.tables)


@dataclass(frozen=True)
class _State:
    source: str
    signature: str
    watermark: datetime | None
    runs_since_key_check: int
    change_mark: str | None = None
    """A table pulled by watermark: its deletion mark; one pulled whole: its fingerprint (`changes.py`)."""


def check_postgres_source(url: PostgresUrl, tables: tuple[TableContract, ...] = ALL_TABLES) -> None:
    """Connect and check the contract tables' columns, without extracting anything."""
    with snapshot_connection(url) as source:
        _plans(source, url, tables)


def _plans(source: Any, url: PostgresUrl, tables: tuple[TableContract, ...]) -> dict[str, TablePlan | None]:
    names = [table.name for table in tables]
    with source.cursor() as cursor:
        cursor.execute(CATALOG_QUERY, (url.schema, names))
        rows = cursor.fetchall()
        cursor.execute(UNIQUE_ID_QUERY, (url.schema, names))
        unique = frozenset(str(name) for (name,) in cursor.fetchall())
    return plan_tables(url.schema, tables, [(str(a), str(b), str(c)) for a, b, c in rows], unique)


def _read_states(con: duckdb.DuckDBPyConnection) -> dict[str, _State]:
    con.execute(
        f"""create table if not exists {STATE_TABLE} (
            table_name varchar primary key, source varchar, signature varchar, watermark timestamptz,
            runs_since_key_check integer, extracted_at timestamptz)"""
    )
    con.execute(f"alter table {STATE_TABLE} add column if not exists change_mark varchar")
    rows = con.execute(
        f"select table_name, source, signature, watermark, runs_since_key_check, change_mark from {STATE_TABLE}"
    ).fetchall()
    return {
        str(name): _State(str(src), str(sig), wm, int(runs or 0), None if mark is None else str(mark))
        for name, src, sig, wm, runs, mark in rows
    }


def _literal(value: str | int | datetime | None) -> str:
    """A DuckDB literal. Statements here take no Python parameters: DuckDB imports pandas, numpy and
    pyarrow to inspect the first one (0.3 s and more, see `connection.py`)."""
    if value is None:
        return "null"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime):
        return f"cast({_literal(value.isoformat())} as timestamptz)"
    return "'" + value.replace("'", "''") + "'"


def _write_states(con: duckdb.DuckDBPyConnection, states: dict[str, _State]) -> None:
    if not states:
        return
    rows = ", ".join(
        "("
        + ", ".join(
            _literal(value)
            for value in (table, state.source, state.signature, state.watermark, state.runs_since_key_check)
        )
        + f", now(), {_literal(state.change_mark)})"
        for table, state in states.items()
    )
    con.execute(
        f"""insert or replace into {STATE_TABLE}
            (table_name, source, signature, watermark, runs_since_key_check, extracted_at, change_mark)
            values {rows}"""
    )


def _raw_tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute("select table_name from duckdb_tables() where schema_name = 'raw'").fetchall()
    return {str(name) for (name,) in rows}


def _count(con: duckdb.DuckDBPyConnection, relation: str) -> int:
    row = con.execute(f"select count(*) from {relation}").fetchone()
    return int(row[0]) if row else 0


def _stream_into(
    con: duckdb.DuckDBPyConnection, source: Any, plan: TablePlan, where: str, params: Parameters, statement: str
) -> None:
    """Run `statement` (which reads the contract select of the stream) while the server streams the rows."""
    with source.cursor() as cursor:
        cursor.execute(f"select {plan.select_list} from {plan.qualified_name} {where}", params)
        con.register(STREAM, cursor.fetch_record_batch())
        try:
            table = SourceTable(plan.contract, None, plan.arriving_types, relation=STREAM)
            con.execute(statement.format(select=build_contract_select(con, table)))
        finally:
            con.unregister(STREAM)


def _extract_full(con: duckdb.DuckDBPyConnection, source: Any, plan: TablePlan) -> None:
    raw = f"raw.{quote_identifier(plan.contract.name)}"
    _stream_into(con, source, plan, "", (), f"create or replace table {raw} as {{select}}")


def _extract_changes(con: duckdb.DuckDBPyConnection, source: Any, plan: TablePlan, since: datetime) -> str:
    """Pull every version of the ids changed since `since` into a batch table and merge it into raw."""
    name = plan.contract.name
    raw, batch = f"raw.{quote_identifier(name)}", quote_identifier(f"_batch_{name}")
    changed = "(updated_at >= $1::timestamptz or updated_at is null)"
    if plan.unique_id:
        # each changed row is the only row of its id: read the rows themselves, through the updated_at index
        where = f"where {changed} and id is not null"
    else:
        # `id = any(array(...))`: the changed ids are collected first (through the index on updated_at), then
        # looked up in sorted order through the index on id; `id in (select ...)` lets the planner choose a
        # nested loop of random lookups or a scan of the whole table, several times slower for 1% of rows.
        where = f"where id = any(array(select id from {plan.qualified_name} where {changed}))"
    # Rows without an id are a branch of their own (with `id is null or ...` no index could be used); all of
    # them are pulled, as all of them are deleted from raw.
    where += f" union all select {plan.select_list} from {plan.qualified_name} where id is null"
    _stream_into(con, source, plan, where, (since.isoformat(),), f"create or replace temp table {batch} as {{select}}")
    con.execute(f"delete from {raw} where id is null or id in (select id from {batch} where id is not null)")
    con.execute(f"insert into {raw} by name select * from {batch}")
    return batch


def _reconcile_ids(con: duckdb.DuckDBPyConnection, source: Any, plan: TablePlan) -> int:
    """Compare ids in full, both ways: drop from raw the ids the source no longer holds, pull the ids raw
    lacks (a row committed later than the overlap window allows for). Returns the rows removed."""
    raw = f"raw.{quote_identifier(plan.contract.name)}"
    with source.cursor() as cursor:
        cursor.execute(
            f"select id::text as id, count(*) as n from {plan.qualified_name} where id is not null group by id"
        )
        con.register(STREAM, cursor.fetch_record_batch())
        try:
            con.execute(f"create or replace temp table _source_ids as select id, n from {STREAM}")
        finally:
            con.unregister(STREAM)
    before = _count(con, raw)
    con.execute(f"delete from {raw} where id is not null and id not in (select id from _source_ids)")
    removed = before - _count(con, raw)
    con.execute(
        f"""create or replace temp table _differing_ids as select _source_ids.id from _source_ids
            left join (select id, count(*) as n from {raw} where id is not null group by id) as here using (id)
            where here.n is distinct from _source_ids.n"""
    )
    if _count(con, "_differing_ids"):
        con.execute(f"delete from {raw} where id in (select id from _differing_ids)")
        ids = con.sql("select list(id) as ids from _differing_ids")  # bound as the server's $1
        statement = f"insert into {raw} by name {{select}}"
        _stream_into(con, source, plan, "where id::text = any($1::text[])", ids, statement)
    return removed


def _source_count(source: Any, plan: TablePlan) -> int:
    with source.cursor() as cursor:
        cursor.execute(f"select count(*) from {plan.qualified_name}")
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def _extract_table(
    con: duckdb.DuckDBPyConnection,
    source: Any,
    plan: TablePlan,
    state: _State | None,
    source_name: str,
    options: ExtractOptions,
    marks: TableMarks | None,
    raw_exists: bool,
) -> tuple[TableExtract, _State, str]:
    """Extract one table; return what it did, its new state and the relation holding this run's batch
    (the whole raw table when it was pulled whole, or left as it was)."""
    name = plan.contract.name
    raw = f"raw.{quote_identifier(name)}"
    started = time.monotonic()
    previous = (
        state
        if not options.full
        and state is not None
        and state.source == source_name
        and state.signature == plan.signature
        and raw_exists
        else None
    )
    runs_since_key_check = 0
    if not plan.is_incremental:
        mark = fingerprint(source, plan, marks.kind if marks else "")
        runs_since_key_check = previous.runs_since_key_check + 1 if previous else 0
        if previous is not None and previous.change_mark == mark and runs_since_key_check < options.key_check_every:
            result = TableExtract(name, "unchanged")
            result.rows_in_raw = _count(con, raw)
        else:
            _extract_full(con, source, plan)
            result = TableExtract(name, "full")
            result.rows_pulled = result.rows_in_raw = _count(con, raw)
            runs_since_key_check = 0
        result.seconds = time.monotonic() - started
        return result, _State(source_name, plan.signature, None, runs_since_key_check, mark), raw
    deletion_mark = marks.deletions if marks else None
    if previous is None or previous.watermark is None:
        _extract_full(con, source, plan)
        batch, result = raw, TableExtract(name, "full")
    else:
        since = previous.watermark - timedelta(minutes=options.overlap_minutes)
        batch = _extract_changes(con, source, plan, since)
        result = TableExtract(name, "incremental")
        runs_since_key_check = previous.runs_since_key_check + 1
        # rows can only have gone when the server counted deletions since the last run (or keeps no count)
        maybe_deleted = deletion_mark is None or deletion_mark != previous.change_mark
        if runs_since_key_check >= options.key_check_every or (
            maybe_deleted and _source_count(source, plan) != _count(con, raw)
        ):
            result.key_check = True
            result.rows_deleted = _reconcile_ids(con, source, plan)
            runs_since_key_check = 0
    result.rows_pulled = _count(con, batch)
    result.rows_in_raw = result.rows_pulled if batch == raw else _count(con, raw)
    row = con.execute(f"select max(updated_at) from {batch}").fetchone()
    seen = [value for value in (row[0] if row else None, previous.watermark if previous else None) if value]
    watermark = max(seen) if seen else None
    result.seconds = time.monotonic() - started
    return (
        result,
        _State(source_name, plan.signature, watermark, runs_since_key_check, deletion_mark),
        batch,
    )


def _raw_versions(report: ExtractReport, previous: dict[str, str]) -> dict[str, str]:
    """Each extracted table's version: kept when the extract left its rows as they were, new otherwise."""
    versions = {}
    for extract in report.tables:
        untouched = extract.mode == "unchanged" or (
            extract.mode == "incremental" and extract.rows_pulled == 0 and extract.rows_deleted == 0
        )
        if extract.mode == "absent":
            versions[extract.table] = "absent"
        elif untouched and extract.table in previous:
            versions[extract.table] = previous[extract.table]
        else:
            versions[extract.table] = new_raw_version()
    return versions


def extract_into_raw(
    warehouse: Path,
    url: PostgresUrl,
    options: ExtractOptions = ExtractOptions(),
    progress: Callable[[str], None] | None = None,
    validate: BatchValidator | None = None,
    tables: tuple[TableContract, ...] = ALL_TABLES,
) -> ExtractReport:
    """Bring `raw` up to date with the source in one transaction; `validate` sees each table's batch."""
    from orchestration.warehouse import connect

    report = ExtractReport()
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    source_name = url.display
    with source_connection(url) as source, connect(warehouse) as con:
        marks = read_marks(source, url.schema, [table.name for table in tables])  # before the snapshot
        begin_snapshot(source)
        plans = _plans(source, url, tables)
        con.execute("begin transaction")
        try:
            con.execute("create schema if not exists raw")
            con.execute("create schema if not exists _ingest")
            # raw now comes from the database: a later load of files must reload every table
            con.execute("drop table if exists _ingest.source_fingerprints")
            forget_change_keys(con)
            states = _read_states(con)
            raw_tables = _raw_tables(con)
            new_states: dict[str, _State] = {}
            batches: dict[str, str] = {}
            for contract in tables:
                plan = plans[contract.name]
                if plan is None:
                    con.execute(build_load_sql(con, SourceTable(contract, None, {})))
                    con.execute(f"delete from {STATE_TABLE} where table_name = {_literal(contract.name)}")
                    report.tables.append(TableExtract(contract.name, "absent"))
                    continue
                result, new_states[contract.name], batch = _extract_table(
                    con,
                    source,
                    plan,
                    states.get(contract.name),
                    source_name,
                    options,
                    marks.get(contract.name),
                    contract.name in raw_tables,
                )
                batches[contract.name] = batch
                report.tables.append(result)
                if progress:
                    progress(result.line())
            _write_states(con, new_states)
            record_raw_versions(con, _raw_versions(report, stored_raw_versions(con)))
            forget_contract_results(con)
            if validate:
                validate(con, batches)
            con.execute("commit")
        except duckdb.Error as error:
            con.execute("rollback")
            first_line = str(error).strip().splitlines()[0]
            raise SourceError(f"extracting from {url.display} failed: {url.mask(first_line)}") from None
        except BaseException:
            con.execute("rollback")
            raise
    return report
