"""The physical (Arrow) schema of each sample table, derived from the source contract.

Column names and order come from `orchestration.source_contract`, never from here. What this module adds is
the physical type a CRM export would use: integer keys (the contract loads every id as text, so writing
them as int64 checks that path), UTC timestamps, and one numeric custom column on deals (`margin`), which
exercises the contract's "extra numeric columns of deals are custom fields".

Quota period ids are the fiscal calendar's stable text ids (`FY2025-Q1`), so they stay text.
"""

from __future__ import annotations

import pyarrow as pa

from orchestration.source_contract import ALL_TABLES, TABLES_BY_NAME, ColumnType

TIMESTAMP_TYPE = pa.timestamp("us", tz="UTC")
DEAL_CUSTOM_FIELDS: tuple[tuple[str, pa.DataType], ...] = (("margin", pa.float64()),)
"""Numeric custom columns written after the contract's deal columns."""

_TEXT_KEYS: frozenset[tuple[str, str]] = frozenset({("quota_periods", "id"), ("quotas", "period_id")})

_ARROW_TYPES: dict[ColumnType, pa.DataType] = {
    ColumnType.TEXT: pa.string(),
    ColumnType.NUMBER: pa.float64(),
    ColumnType.INTEGER: pa.int64(),
    ColumnType.BOOLEAN: pa.bool_(),
    ColumnType.DATE: pa.date32(),
    ColumnType.TIMESTAMP: TIMESTAMP_TYPE,
}


def _is_integer_key(table: str, column: str) -> bool:
    is_key = column == "id" or column.endswith("_id")
    return is_key and (table, column) not in _TEXT_KEYS


def arrow_schema(table_name: str) -> pa.Schema:
    """The Arrow schema a sample table is written with: contract columns, then any custom columns."""
    contract = TABLES_BY_NAME[table_name]
    fields = [
        pa.field(
            column.name,
            pa.int64() if _is_integer_key(table_name, column.name) else _ARROW_TYPES[column.type],
        )
        for column in contract.columns
    ]
    if table_name == "deals":
        fields.extend(pa.field(name, data_type) for name, data_type in DEAL_CUSTOM_FIELDS)
    return pa.schema(fields)


SCHEMAS: dict[str, pa.Schema] = {table.name: arrow_schema(table.name) for table in ALL_TABLES}
