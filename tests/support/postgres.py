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

import psycopg
import pytest

from orchestration.postgres_source.seed import copy_source_into_postgres
from orchestration.postgres_url import PostgresUrl

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


def load_crm_into_postgres(source_dir: Path, schema: str) -> None:
    """Copy a CSV/Parquet CRM into `schema` with the contract's column types."""
    copy_source_into_postgres(source_dir, PostgresUrl.parse(source_url(schema)))


def execute(sql: str, params: tuple | list | None = None) -> None:
    with psycopg.connect(SERVER_URL, autocommit=True) as conn:
        conn.execute(sql, params)  # type: ignore[arg-type]
