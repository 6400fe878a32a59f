"""The real PostgreSQL on 127.0.0.1:5432 for tests: a CRM loaded into a schema of its own, per test.

In CI the server must be there (the tests fail rather than skip); on a developer's machine without it,
the tests that need it are skipped with the reason.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import psycopg
import pytest

from orchestration.source_contract import ALL_TABLES
from orchestration.source_loading import load_source_into_raw
from orchestration.warehouse import connect

SERVER_URL = os.environ.get("QUOTAS_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")


def require_postgres() -> None:
    try:
        with psycopg.connect(SERVER_URL, connect_timeout=3):
            pass
    except psycopg.OperationalError as error:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip(f"PostgreSQL is not reachable at {SERVER_URL}: {error}")


@contextmanager
def fresh_schema(prefix: str = "crm") -> Iterator[str]:
    """A new, empty schema that is dropped afterwards."""
    schema = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(SERVER_URL, autocommit=True) as conn:
        conn.execute(f'create schema "{schema}"')
    try:
        yield schema
    finally:
        with psycopg.connect(SERVER_URL, autocommit=True) as conn:
            conn.execute(f'drop schema if exists "{schema}" cascade')


def source_url(schema: str) -> str:
    return f"{SERVER_URL}?schema={schema}"


def load_crm_into_postgres(source_dir: Path, schema: str, work_dir: Path) -> None:
    """Copy a CSV/Parquet CRM into `schema` with proper column types (ids text, timestamps timestamptz)."""
    import adbc_driver_postgresql.dbapi as adbc

    typed = work_dir / "typed_source.duckdb"
    load_source_into_raw(typed, source_dir)
    with connect(typed, read_only=True) as con, adbc.connect(SERVER_URL) as pg:
        for contract in ALL_TABLES:
            table = con.execute(f'select * exclude (_malformed) from raw."{contract.name}"').arrow()
            if isinstance(table, duckdb.DuckDBPyRelation):  # pragma: no cover - older duckdb
                table = table.arrow()
            with pg.cursor() as cursor:
                cursor.adbc_ingest(contract.name, table, mode="create", db_schema_name=schema)
        pg.commit()


def execute(sql: str, params: tuple | list | None = None) -> None:
    with psycopg.connect(SERVER_URL, autocommit=True) as conn:
        conn.execute(sql, params)  # type: ignore[arg-type]
