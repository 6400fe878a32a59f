"""Reading a source directory into typed rows (SPEC section 1), without deciding anything about them.

Every table of the contract is read from `<table>.csv` or `<table>.parquet`. Each field keeps its text
(for quarantine ids) and its parsed value; a field whose text does not parse as its contract type is
recorded as malformed, so the quarantine can reject its row ("malformed value") instead of guessing.
A source that is unreadable (a required table or a required column missing) raises `SourceError`
naming the table and column, as SPEC section 7 asks.

polars/pyarrow are used here only to read Parquet files; everything after this module is plain Python.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from orchestration.source_contract import ALL_TABLES, ColumnType, TableContract

# Text forms a boolean column accepts, case-insensitively.
_TRUE_TEXTS = frozenset({"true", "t", "1", "yes", "y"})
_FALSE_TEXTS = frozenset({"false", "f", "0", "no", "n"})


class SourceError(Exception):
    """The source cannot be read at all (SPEC section 7: fail at once, naming the table and column)."""


class Malformed(ValueError):
    """A field whose text does not parse as its contract type."""


@dataclass
class SourceRow:
    """One input row: every field's text (None for null) and parsed value (None for null or malformed)."""

    text: dict[str, str | None]
    values: dict[str, Any]
    malformed: tuple[str, ...] = ()

    def __getitem__(self, column: str) -> Any:
        return self.values.get(column)


@dataclass
class SourceTable:
    """A table as read: its rows and, for deals, which extra columns are numeric (custom fields)."""

    name: str
    rows: list[SourceRow]
    extra_numeric_columns: frozenset[str] = field(default_factory=frozenset)


# ---------------------------------------------------------------------------------------------------------
# Parsing one field
# ---------------------------------------------------------------------------------------------------------


def parse_number(value: Any) -> Decimal:
    """A finite number; CSV text like '1054' or '1e3', or a Parquet int/float/decimal."""
    if isinstance(value, bool):
        raise Malformed(value)
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int | float):
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    else:
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation as error:
            raise Malformed(value) from error
    if not number.is_finite():
        raise Malformed(value)
    return number


def parse_integer(value: Any) -> int:
    """A whole number written without a fraction ('3', not '3.5' or 'three')."""
    if isinstance(value, bool):
        raise Malformed(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    try:
        return int(str(value).strip())
    except ValueError as error:
        raise Malformed(value) from error


def parse_boolean(value: Any) -> bool:
    """true/false (also t/f, 1/0, yes/no), any case."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE_TEXTS:
        return True
    if text in _FALSE_TEXTS:
        return False
    raise Malformed(value)


def parse_date(value: Any) -> date:
    """A calendar date written YYYY-MM-DD (or a Parquet date)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError as error:
        raise Malformed(value) from error


def parse_timestamp(value: Any) -> datetime:
    """An instant. SPEC 10.1: a timestamp without an offset is UTC; a bare date is midnight UTC."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    else:
        text = str(value).strip()
        try:
            moment = datetime.fromisoformat(text)
        except ValueError as error:
            raise Malformed(value) from error
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def parse_text(value: Any) -> str:
    """Text; identifiers that a Parquet file stores as integers become their decimal text."""
    return value if isinstance(value, str) else str(value)


_PARSERS = {
    ColumnType.TEXT: parse_text,
    ColumnType.NUMBER: parse_number,
    ColumnType.INTEGER: parse_integer,
    ColumnType.BOOLEAN: parse_boolean,
    ColumnType.DATE: parse_date,
    ColumnType.TIMESTAMP: parse_timestamp,
}


def as_text(value: Any) -> str | None:
    """A field's text form, used for quarantine ids: CSV text as written, Parquet values as ISO/decimal."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)


# ---------------------------------------------------------------------------------------------------------
# Reading one table
# ---------------------------------------------------------------------------------------------------------


def _read_csv(path: Path) -> tuple[list[str], list[dict[str, Any]]]:
    """CSV with a header row; an empty field is null."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        header = list(reader.fieldnames or [])
        rows = [{name: (value if value != "" else None) for name, value in row.items()} for row in reader]
    return header, rows


def _read_parquet(path: Path) -> tuple[list[str], list[dict[str, Any]], set[str]]:
    """Parquet rows as Python values, plus the names of its numeric columns."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    numeric = {
        column.name
        for column in table.schema
        if pa.types.is_integer(column.type) or pa.types.is_floating(column.type) or pa.types.is_decimal(column.type)
    }
    rows = table.to_pylist()
    for row in rows:
        for name, value in row.items():
            if isinstance(value, float) and math.isnan(value):
                row[name] = None
    return list(table.column_names), rows, numeric


def _is_numeric_text_column(values: Iterable[Any]) -> bool:
    """An extra CSV column is numeric when it has values and every one of them parses as a number."""
    present = [value for value in values if value is not None]
    if not present:
        return False
    try:
        for value in present:
            parse_number(value)
    except Malformed:
        return False
    return True


def read_table(source_dir: Path, contract: TableContract) -> SourceTable:
    """Read one table; an absent optional table is empty (SPEC section 1 says what its absence means)."""
    csv_path = source_dir / f"{contract.name}.csv"
    parquet_path = source_dir / f"{contract.name}.parquet"
    numeric_in_file: set[str] | None = None
    if csv_path.exists():
        header, records = _read_csv(csv_path)
    elif parquet_path.exists():
        header, records, numeric_in_file = _read_parquet(parquet_path)
    elif contract.required:
        raise SourceError(f"{contract.name}: required table is missing from {source_dir}")
    else:
        return SourceTable(contract.name, [])

    for column in contract.columns:
        if column.required and column.name not in header:
            raise SourceError(f"{contract.name}.{column.name}: required column is missing")

    extra_numeric: frozenset[str] = frozenset()
    if contract.keeps_extra_columns:
        extras = [name for name in header if name not in contract.column_names]
        if numeric_in_file is not None:
            extra_numeric = frozenset(name for name in extras if name in numeric_in_file)
        else:
            extra_numeric = frozenset(
                name for name in extras if _is_numeric_text_column(record.get(name) for record in records)
            )

    rows = [_parse_record(contract, record, extra_numeric) for record in records]
    return SourceTable(contract.name, rows, extra_numeric)


def _parse_record(contract: TableContract, record: dict[str, Any], extra_numeric: frozenset[str]) -> SourceRow:
    text: dict[str, str | None] = {}
    values: dict[str, Any] = {}
    malformed: list[str] = []
    for name, raw in record.items():
        if name is None:  # a CSV row with more fields than the header
            continue
        text[name] = as_text(raw)
        if name in contract.column_names:
            parser = _PARSERS[contract.column(name).type]
        elif name in extra_numeric:
            parser = parse_number
        else:
            values[name] = raw
            continue
        if raw is None:
            values[name] = None
            continue
        try:
            values[name] = parser(raw)
        except Malformed:
            values[name] = None
            malformed.append(name)
    for column in contract.columns:  # optional columns the file leaves out are null
        text.setdefault(column.name, None)
        values.setdefault(column.name, None)
    return SourceRow(text, values, tuple(malformed))


def read_source(source_dir: Path) -> dict[str, SourceTable]:
    """Every contract table of a source directory, by name."""
    source_dir = Path(source_dir)
    if not source_dir.is_dir():
        raise SourceError(f"source directory {source_dir} does not exist")
    return {contract.name: read_table(source_dir, contract) for contract in ALL_TABLES}
