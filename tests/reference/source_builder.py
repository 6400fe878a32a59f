"""Writing small hand-made sources in the SPEC section 1 contract, for the reference and warehouse tests.

    write_source(tmp_path / "crm", teams=[{"id": "t1", "name": "East"}], users=[...], deals=[...])

Each given table becomes `<table>.csv` with every contract column in the header (a column a row leaves
out is empty) followed by any extra columns the rows carry (custom fields of deals). Required tables that
are not given are written header-only, optional ones are left out, exactly as a CRM without them would be.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

from orchestration.source_contract import ALL_TABLES, TABLES_BY_NAME


def csv_text(value: Any) -> str:
    """How a value is written: null empty, booleans true/false, dates and timestamps ISO 8601."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)


def write_table(directory: Path, table: str, rows: Iterable[Mapping[str, Any]]) -> Path:
    """One contract table as CSV: contract columns first, then extra columns in order of appearance."""
    rows = list(rows)
    header = list(TABLES_BY_NAME[table].column_names)
    for row in rows:
        header.extend(name for name in row if name not in header)
    path = directory / f"{table}.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in rows:
            writer.writerow([csv_text(row.get(name)) for name in header])
    return path


def write_source(directory: Path, **tables: Iterable[Mapping[str, Any]]) -> Path:
    """Write a source directory; returns it. Unknown table names are an error (a typo is not a table)."""
    unknown = set(tables) - set(TABLES_BY_NAME)
    if unknown:
        raise ValueError(f"not contract tables: {sorted(unknown)}")
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    for contract in ALL_TABLES:
        if contract.name in tables:
            write_table(directory, contract.name, tables[contract.name])
        elif contract.required:
            write_table(directory, contract.name, [])
    return directory
