"""Writing one sample table to disk, in chunks: CSV for the tiny scale, Parquet for the big ones.

Both writers take Arrow tables with the table's schema, so a generator never cares about the format. Each
file is written under a temporary name and renamed when complete, so a crashed run never leaves a file
that looks whole. CSV is written by hand (not by pyarrow) to control exactly what a person sees: the
contract's header, ISO 8601 instants with a `Z` offset, `true`/`false`, and empty fields for nulls.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol

import pyarrow as pa
import pyarrow.parquet as pq

PARQUET_ROW_GROUP_ROWS = 1_000_000


class TableWriter(Protocol):
    """Accepts the chunks of one table and publishes the file on close."""

    rows: int

    def write(self, chunk: pa.Table) -> None: ...

    def close(self) -> None: ...


def _format_csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return str(value)


class CsvTableWriter:
    """Writes a CSV with the schema's column names as header; instants are UTC with a `Z` suffix."""

    def __init__(self, path: Path, schema: pa.Schema) -> None:
        for field in schema:
            if pa.types.is_timestamp(field.type) and field.type.tz != "UTC":
                raise ValueError(f"{path.name}: column {field.name} must be a UTC timestamp")
        self._path = path
        self._temporary = path.with_name(path.name + ".tmp")
        self._schema = schema
        self._file = self._temporary.open("w", newline="", encoding="utf-8")
        self._csv = csv.writer(self._file, lineterminator="\n")
        self._csv.writerow(schema.names)
        self.rows = 0

    def write(self, chunk: pa.Table) -> None:
        chunk = chunk.select(self._schema.names).cast(self._schema)
        columns = [[_format_csv_value(value) for value in column.to_pylist()] for column in chunk.columns]
        self._csv.writerows(zip(*columns, strict=True))
        self.rows += chunk.num_rows

    def close(self) -> None:
        self._file.close()
        os.replace(self._temporary, self._path)


class ParquetTableWriter:
    """Appends each chunk as row groups of one Parquet file, so no table is ever held whole in memory."""

    def __init__(self, path: Path, schema: pa.Schema) -> None:
        self._path = path
        self._temporary = path.with_name(path.name + ".tmp")
        self._schema = schema
        self._writer = pq.ParquetWriter(self._temporary, schema, compression="zstd")
        self.rows = 0

    def write(self, chunk: pa.Table) -> None:
        chunk = chunk.select(self._schema.names).cast(self._schema)
        self._writer.write_table(chunk, row_group_size=PARQUET_ROW_GROUP_ROWS)
        self.rows += chunk.num_rows

    def close(self) -> None:
        self._writer.close()
        os.replace(self._temporary, self._path)


WRITERS: dict[str, Callable[[Path, pa.Schema], TableWriter]] = {
    "csv": CsvTableWriter,
    "parquet": ParquetTableWriter,
}
SUFFIXES: dict[str, str] = {"csv": ".csv", "parquet": ".parquet"}


def open_writer(out_dir: Path, table_name: str, schema: pa.Schema, file_format: str) -> TableWriter:
    """A writer for `<out_dir>/<table_name>.<csv|parquet>`; removes that table's file in the other format.

    A source directory holding both `deals.csv` and `deals.parquet` would be ambiguous, so regenerating a
    directory in another format must not leave the old file behind.
    """
    for other_format, suffix in SUFFIXES.items():
        if other_format != file_format:
            (out_dir / f"{table_name}{suffix}").unlink(missing_ok=True)
    return WRITERS[file_format](out_dir / f"{table_name}{SUFFIXES[file_format]}", schema)
