"""Load a source directory (one CSV or Parquet file per table) into the warehouse's `raw` schema.

The whole source is checked before anything is written, and every table is then replaced inside one
transaction: a source with a missing table or column, or a column of the wrong type, fails with a
one-line message naming them and leaves the warehouse exactly as it was.

Values are cast to the contract's types inside DuckDB (no per-row Python). A CSV value that does not
parse as its column's type is not dropped: the row keeps a `_malformed` note (`amount='abc'`) so the
dbt models can set it aside in the quarantine with a reason a person can act on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from orchestration.raw_versions import record_raw_versions
from orchestration.source_contract import ALL_TABLES, Column, ColumnType, TableContract
from orchestration.sql_identifiers import quote_identifier, quote_string

SUPPORTED_SUFFIXES = (".parquet", ".csv")

_NUMERIC_TYPES = (
    "TINYINT",
    "SMALLINT",
    "INTEGER",
    "BIGINT",
    "HUGEINT",
    "UTINYINT",
    "USMALLINT",
    "UINTEGER",
    "UBIGINT",
    "UHUGEINT",
    "FLOAT",
    "DOUBLE",
    "REAL",
)
_INTEGER_TYPES = _NUMERIC_TYPES[:10]
_TEMPORAL_TYPES = (
    "DATE",
    "TIMESTAMP",
    "TIMESTAMP WITH TIME ZONE",
    "TIMESTAMP_S",
    "TIMESTAMP_MS",
    "TIMESTAMP_NS",
)


CONTRACT_RESULTS = "_ingest.contract_results"


def forget_contract_results(con: duckdb.DuckDBPyConnection) -> None:
    """Inside a load's transaction: the previous load's contract results no longer describe `raw` (a load
    that validates writes its own; one that does not must not leave old ones looking current)."""
    con.execute(f"drop table if exists {CONTRACT_RESULTS}")


class SourceError(Exception):
    """The source cannot be read as the contract says; the message is one line naming the problem."""


@dataclass(frozen=True)
class SourceTable:
    """One table found in the source: its file and the columns (name -> DuckDB type) the file holds."""

    contract: TableContract
    path: Path | None
    file_columns: dict[str, str]
    relation: str | None = None
    """A relation already in the DuckDB connection to read instead of a file (a PostgreSQL extract)."""

    @property
    def is_csv(self) -> bool:
        return self.path is not None and self.path.suffix == ".csv"

    @property
    def is_absent(self) -> bool:
        return self.path is None and self.relation is None

    def location_sql(self) -> str | None:
        """The file's path as the SQL literal `reader_sql` holds."""
        return quote_string(str(self.path)) if self.path is not None else None

    def reader_sql(self) -> str:
        if self.relation is not None:
            return self.relation
        location = self.location_sql()
        if location is None:
            raise SourceError(f"table {self.contract.name}: no file")
        if self.is_csv:
            # Quoted the standard way (RFC 4180: double quotes, doubled inside a field). Left to guess the
            # quoting, DuckDB's sniffer tries every rule on its sample when a file quotes nothing (0.4 s for
            # the tiny CRM's leads, at each read); the delimiter and line ends are still detected.
            return (
                f"read_csv({location}, header = true, all_varchar = true, auto_detect = true, "
                """quote = '"', escape = '"')"""
            )
        return f"read_parquet({location})"


def find_table_file(source_dir: Path, table: str) -> Path | None:
    for suffix in SUPPORTED_SUFFIXES:
        candidate = source_dir / f"{table}{suffix}"
        if candidate.exists():
            return candidate
    return None


# A file's columns by (reader, path, size, modification time): a run checks the source before Dagster
# starts, then loads it in the same process; describing a CSV means sniffing it (~0.05 s a file).
_described: dict[tuple[str, str, int, int], dict[str, str]] = {}


def _describe(con: duckdb.DuckDBPyConnection, reader_sql: str, path: Path) -> dict[str, str]:
    status = path.stat()
    key = (reader_sql, str(path), status.st_size, status.st_mtime_ns)
    if key in _described:
        return dict(_described[key])
    try:
        rows = con.execute(f"describe select * from {reader_sql}").fetchall()
    except duckdb.Error as error:
        first_line = str(error).strip().splitlines()[0]
        raise SourceError(f"{path.name}: cannot be read ({first_line})") from error
    _described[key] = {str(name): str(type_) for name, type_, *_ in rows}
    return dict(_described[key])


def inspect_source(
    con: duckdb.DuckDBPyConnection, source_dir: Path, tables: Iterable[TableContract] = ALL_TABLES
) -> list[SourceTable]:
    """Find every contract table in `source_dir` and check its columns, before anything is written."""
    if not source_dir.is_dir():
        raise SourceError(f"source {source_dir}: not a directory")
    found: list[SourceTable] = []
    for contract in tables:
        path = find_table_file(source_dir, contract.name)
        if path is None:
            if contract.required:
                raise SourceError(
                    f"table {contract.name}: required table is missing from {source_dir} "
                    f"(expected {contract.name}.csv or {contract.name}.parquet)"
                )
            found.append(SourceTable(contract, None, {}))
            continue
        table = SourceTable(contract, path, {})
        file_columns = _describe(con, table.reader_sql(), path)
        for column in contract.columns:
            if column.name not in file_columns:
                if column.required:
                    raise SourceError(
                        f"table {contract.name}: required column {column.name!r} is missing in {path.name}"
                    )
                continue
            if not table.is_csv:
                check_column_type(contract.name, column, file_columns[column.name], path.name)
        found.append(SourceTable(contract, path, file_columns))
    return found


def check_column_type(table: str, column: Column, file_type: str, location: str) -> None:
    """Reject a typed column whose type cannot hold the contract's values (a boolean amount, say).

    Text is accepted for dates and timestamps only: a typed source that stores a date as text is common,
    and its malformed values are set aside row by row like a CSV's."""
    base = file_type.split("(")[0].upper()
    accepted = {
        ColumnType.TEXT: None,
        ColumnType.NUMBER: (*_NUMERIC_TYPES, "DECIMAL"),
        ColumnType.INTEGER: _INTEGER_TYPES,
        ColumnType.BOOLEAN: ("BOOLEAN",),
        ColumnType.DATE: (*_TEMPORAL_TYPES, "VARCHAR"),
        ColumnType.TIMESTAMP: (*_TEMPORAL_TYPES, "VARCHAR"),
    }[column.type]
    if accepted is not None and base not in accepted and base != '"NULL"' and base != "NULL":
        raise SourceError(
            f"table {table}: column {column.name!r} in {location} has type {file_type}, expected {column.type.value}"
        )


def _cast_expression(column: Column, file_type: str | None) -> tuple[str, str | None]:
    """The SQL that reads `column` as its contract type (without an alias), and the SQL of its
    malformed-value note."""
    target = column.type.duckdb_type
    if file_type is None:
        return f"cast(null as {target})", None
    name = quote_identifier(column.name)
    if file_type.upper() != "VARCHAR" or column.type is ColumnType.TEXT:
        if column.integers_kept and file_type.upper() in _INTEGER_TYPES:
            return name, None
        if column.type is ColumnType.TEXT and file_type.upper() in _INTEGER_TYPES:
            # an integer's text is never blank nor padded: no trim (at M, 6 s of the 100M activities' load)
            return f"cast({name} as varchar)", None
        if column.type is ColumnType.TEXT:
            return f"nullif(trim(cast({name} as varchar)), '')", None
        return f"cast({name} as {target})", None
    text = f"nullif(trim({name}), '')"
    parsed = f"try_cast({text} as {target})"
    if column.type is ColumnType.DATE:
        parsed = f"coalesce({parsed}, try_cast(try_cast({text} as timestamptz) as date))"
    note = f"case when {text} is not null and {parsed} is null then '{column.name}=' || {text} end"
    return parsed, note


def column_expression(table: SourceTable, column_name: str) -> str:
    """The contract's expression of one column over the table's file columns, without an alias."""
    (column,) = [column for column in table.contract.columns if column.name == column_name]
    return _cast_expression(column, table.file_columns.get(column.name))[0]


def _extra_column_expressions(con: duckdb.DuckDBPyConnection, table: SourceTable) -> list[str]:
    """Keep the source's extra columns. CSV extras that hold only numbers become DOUBLE (custom fields)."""
    extras = [name for name in table.file_columns if name not in table.contract.column_names]
    if not extras or not table.contract.keeps_extra_columns:
        return []
    if not table.is_csv:
        return [quote_identifier(name) for name in extras]
    checks = ", ".join(
        f"count(*) filter (where nullif(trim({quote_identifier(name)}), '') is not null "
        f"and try_cast(trim({quote_identifier(name)}) as double) is null), "
        f"count(nullif(trim({quote_identifier(name)}), ''))"
        for name in extras
    )
    counts = con.execute(f"select {checks} from {table.reader_sql()}").fetchone() or ()
    expressions = []
    for index, name in enumerate(extras):
        not_numeric, non_empty = counts[2 * index], counts[2 * index + 1]
        quoted = quote_identifier(name)
        if non_empty and not not_numeric:
            expressions.append(f"try_cast(nullif(trim({quoted}), '') as double) as {quoted}")
        else:
            expressions.append(f"nullif(trim({quoted}), '') as {quoted}")
    return expressions


def build_contract_select(con: duckdb.DuckDBPyConnection, table: SourceTable) -> str:
    """`select ...` reading one source table as the contract's columns and types, plus `_malformed`."""
    return contract_select(table, contract_expressions(con, table))


def contract_expressions(con: duckdb.DuckDBPyConnection, table: SourceTable) -> list[str]:
    """The select list of the contract's columns, the kept extra columns and `_malformed`."""
    expressions: list[str] = []
    notes: list[str] = []
    for column in table.contract.columns:
        expression, note = _cast_expression(column, table.file_columns.get(column.name))
        expressions.append(f"{expression} as {quote_identifier(column.name)}")
        if note:
            notes.append(note)
    expressions.extend(_extra_column_expressions(con, table))
    malformed = f"nullif(concat_ws('; ', {', '.join(notes)}), '')" if notes else "cast(null as varchar)"
    expressions.append(f"{malformed} as _malformed")
    return expressions


def contract_select(table: SourceTable, expressions: list[str]) -> str:
    """The contract's select over the table's file."""
    select_list = ",\n    ".join(expressions)
    if table.is_absent:
        return f"select\n    {select_list}\nwhere false"
    return f"select\n    {select_list}\nfrom {table.reader_sql()}"


def build_load_sql(con: duckdb.DuckDBPyConnection, table: SourceTable) -> str:
    """`create or replace table raw.<table> as select ...` for one source table."""
    return _load_sql(table.contract, build_contract_select(con, table))


def _load_sql(contract: TableContract, select_sql: str) -> str:
    return f"create or replace table raw.{quote_identifier(contract.name)} as {select_sql}"


def _load_table(con: duckdb.DuckDBPyConnection, table: SourceTable, expressions: list[str]) -> str:
    """Write one changed source table into raw: an event table by the hours whose rows changed
    (raw_changes.py), any other whole. Returns a note for the progress line."""
    from orchestration.raw_changes import EventFile, load_changed_keys, loads_by_change_key

    select = contract_select(table, expressions)
    if not loads_by_change_key(table.contract) or table.is_absent:
        con.execute(_load_sql(table.contract, select))
        return ""
    instant = column_expression(table, table.contract.change_instant or "")
    event_file = EventFile(
        table.contract, select, table.reader_sql(), instant, column_expression(table, "id"), table.location_sql()
    )
    return load_changed_keys(con, event_file).note()


def load_source_into_raw(
    warehouse: Path,
    source_dir: Path,
    tables: Iterable[TableContract] = ALL_TABLES,
    progress: Callable[[str], None] | None = None,
    validate: Callable[[duckdb.DuckDBPyConnection, dict[str, str]], None] | None = None,
) -> dict[str, int]:
    """Replace the `raw` tables with the source's contents in one transaction; return row counts.

    A table whose file and loading SQL are the same as at the warehouse's last load is left as it is
    (see source_fingerprints.py): a daily run does not reload 100M unchanged activities. A changed file
    of an event table is loaded by the hours whose rows changed (see raw_changes.py). `validate`, when
    given, sees every table that was (re)loaded, by its relation name, before the transaction commits.
    """
    from orchestration.source_fingerprints import store_fingerprints, stored_fingerprints, table_fingerprint
    from orchestration.warehouse import connect

    warehouse.parent.mkdir(parents=True, exist_ok=True)
    with connect(warehouse) as con:
        # raw tables are sets; keeping the files' row order costs memory on every large load
        con.execute("set preserve_insertion_order = false")
        found = inspect_source(con, source_dir, tables)
        selects = [(table, contract_expressions(con, table)) for table in found]
        previous = stored_fingerprints(con)
        fingerprints = {
            table.contract.name: table_fingerprint(table.path, _load_sql(table.contract, contract_select(table, exprs)))
            for table, exprs in selects
        }
        con.execute("begin transaction")
        try:
            con.execute("create schema if not exists raw")
            counts: dict[str, int] = {}
            reloaded: list[str] = []
            for table, exprs in selects:
                name = table.contract.name
                unchanged = previous.get(name) == fingerprints[name]
                note = " (unchanged since the last load)" if unchanged else _load_table(con, table, exprs)
                row = con.execute(f"select count(*) from raw.{quote_identifier(name)}").fetchone()
                counts[name] = int(row[0]) if row else 0
                if progress:
                    progress(f"loaded raw.{name}: {counts[name]:,} rows{note}")
                if not unchanged:
                    reloaded.append(name)
            forget_contract_results(con)
            if validate:
                validate(con, {name: f"raw.{quote_identifier(name)}" for name in reloaded})
            store_fingerprints(con, {**previous, **fingerprints})
            record_raw_versions(con, fingerprints)
            # raw now holds files: a PostgreSQL extract must start afresh next time, not merge onto this
            con.execute("drop table if exists _ingest.extract_state")
            con.execute("commit")
        except duckdb.Error as error:
            con.execute("rollback")
            first_line = str(error).strip().splitlines()[0]
            raise SourceError(f"loading the source failed: {first_line}") from error
    return counts
