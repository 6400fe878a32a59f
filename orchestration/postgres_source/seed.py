"""Copy a CRM directory (CSV/Parquet) into a PostgreSQL schema: to try the PostgreSQL source, and for the
tests and benchmarks that need a CRM database.

Columns get the contract's types (ids text, timestamps timestamptz); rows go in with binary COPY through
ADBC, one Arrow batch at a time, so a CRM of any size copies in bounded memory. Like the application's own
tables, each gets a primary key on `id` (a plain index when the file's ids are not unique, as a messy
export's may not be) and an index on `updated_at`, which the incremental extract relies on.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from orchestration.postgres_url import PostgresUrl
from orchestration.source_contract import ALL_TABLES
from orchestration.source_loading import load_source_into_raw
from orchestration.sql_identifiers import quote_identifier
from orchestration.warehouse import connect

BATCH_ROWS = 500_000


def copy_source_into_postgres(source_dir: Path, url: PostgresUrl) -> dict[str, int]:
    """Create the contract tables in `url.schema` (replacing any there) from `source_dir`; return row counts."""
    import adbc_driver_postgresql.dbapi as adbc

    counts: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as scratch:
        typed = Path(scratch) / "typed.duckdb"
        load_source_into_raw(typed, source_dir)
        with connect(typed, read_only=True) as con, adbc.connect(url.driver_uri) as pg:
            with pg.cursor() as cursor:
                cursor.execute(f"create schema if not exists {quote_identifier(url.schema)}")
            for contract in ALL_TABLES:
                table = quote_identifier(contract.name)
                reader = con.execute(f"select * exclude (_malformed) from raw.{table}").to_arrow_reader(BATCH_ROWS)
                qualified = f"{quote_identifier(url.schema)}.{table}"
                with pg.cursor() as cursor:
                    cursor.execute(f"drop table if exists {qualified}")
                    counts[contract.name] = cursor.adbc_ingest(
                        contract.name, reader, mode="create", db_schema_name=url.schema
                    )
                    # the indexes a CRM application's tables have, which the incremental extract relies on
                    if "id" in contract.column_names:
                        cursor.execute(f"select count(distinct id) = count(*) from {qualified}")
                        row = cursor.fetchone()
                        unique = bool(row and row[0])
                        cursor.execute(
                            f"alter table {qualified} add primary key (id)"
                            if unique
                            else f"create index on {qualified} (id)"
                        )
                    if "updated_at" in contract.column_names:
                        cursor.execute(f"create index on {qualified} (updated_at)")
                    cursor.execute(f"analyze {qualified}")
            pg.commit()
    return counts
