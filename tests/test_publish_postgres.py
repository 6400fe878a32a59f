"""Publishing the application's tables to the real PostgreSQL at 127.0.0.1:5432 (database `test`)."""

from __future__ import annotations

import hashlib
import shutil
import socket
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import psycopg
import pytest

from orchestration.postgres_url import mask_url
from orchestration.serving.paths import ServingPaths
from orchestration.serving.postgres import (
    APPLICATION_TABLES,
    PublishError,
    PublishTarget,
    publish_to_postgres,
)
from tests.conftest import run_quotas

URL = "postgresql://postgres@127.0.0.1:5432/test"


@pytest.fixture
def schema() -> Iterator[str]:
    """A schema name of this test's own; it and its staging/old names are dropped at the end."""
    name = f"test_publish_{uuid.uuid4().hex[:10]}"
    yield name
    with psycopg.connect(URL, autocommit=True) as con:
        for suffix in ("", "__staging", "__old"):
            con.execute(f'drop schema if exists "{name}{suffix}" cascade')


@pytest.fixture
def served(tiny_warehouse: Path) -> Path:
    """The tiny warehouse's serving copy (published by its `quotas run`)."""
    return ServingPaths.for_warehouse(tiny_warehouse).database


def _normal(value: object) -> object:
    if isinstance(value, (Decimal, float)):
        return round(float(value), 6)
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).isoformat()
    return value


def _checksum(rows: list[tuple]) -> tuple[int, str]:
    lines = sorted(repr(tuple(_normal(value) for value in row)) for row in rows)
    return len(lines), hashlib.sha256("\n".join(lines).encode()).hexdigest()


def _in_duckdb(database: Path, table: str) -> tuple[int, str]:
    with duckdb.connect(str(database), read_only=True) as con:
        return _checksum(con.execute(f"select * from marts.{table}").fetchall())


def _in_postgres(cursor: psycopg.Cursor, schema: str, table: str) -> tuple[int, str]:
    cursor.execute(f'select * from "{schema}"."{table}"')
    return _checksum(cursor.fetchall())


def _changed_copy(database: Path, tmp_path: Path, as_of: date) -> Path:
    """A serving copy whose numbers differ (the publisher copies whatever the serving file holds)."""
    changed = Path(shutil.copy(database, tmp_path / "changed.duckdb"))
    with duckdb.connect(str(changed)) as con:
        con.execute("update marts.publication set as_of_date = ?", [as_of])
        for table in ("leaderboard", "quota_progress", "quota_rollups", "quotas"):
            con.execute(f"update marts.{table} set current_value = current_value + 1")
    return changed


def test_the_published_tables_equal_the_marts(served: Path, schema: str) -> None:
    counts = publish_to_postgres(served, PublishTarget.parse(f"{URL}?schema={schema}"))
    assert set(counts) == set(APPLICATION_TABLES)
    with psycopg.connect(URL) as pg, pg.cursor() as cursor:
        for table in APPLICATION_TABLES:
            assert _in_postgres(cursor, schema, table) == _in_duckdb(served, table), table
            assert counts[table] == _in_duckdb(served, table)[0]
        cursor.execute(f'select count(*) from "{schema}".leaderboard where team_id is null or metric_field is null')
        assert cursor.fetchone()[0] > 0  # type: ignore[index]  # nulls stay nulls (not empty strings)
        cursor.execute(f"select nspname from pg_namespace where nspname like '{schema}%'")
        assert [name for (name,) in cursor.fetchall()] == [schema]


def test_a_reader_in_a_transaction_sees_all_old_or_all_new(served: Path, schema: str, tmp_path: Path) -> None:
    target = PublishTarget.parse(URL, schema)
    publish_to_postgres(served, target)
    old_sum = _sum_of_values(served)
    changed = _changed_copy(served, tmp_path, date(2030, 1, 1))
    with psycopg.connect(URL) as reader:
        reader.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        first = _read_set(reader, schema)  # begins the reader's transaction
        publish_to_postgres(changed, target)  # same tables, same columns: refilled in one transaction
        during = _read_set(reader, schema)
        reader.commit()
        after = _read_set(reader, schema)
    assert first == during == (str(served_as_of(served)), old_sum, old_sum)
    new_sum = _sum_of_values(changed)
    assert after == ("2030-01-01", new_sum, new_sum)


def test_a_changed_shape_is_swapped_in_and_waits_for_readers_with_a_lock_timeout(
    served: Path, schema: str, tmp_path: Path
) -> None:
    target = PublishTarget.parse(URL, schema)
    publish_to_postgres(served, target)
    with psycopg.connect(URL, autocommit=True) as admin:  # an older release's table had another column
        admin.execute(f'alter table "{schema}".publication add column retired_column integer')
    changed = _changed_copy(served, tmp_path, date(2030, 1, 1))
    with psycopg.connect(URL) as reader:
        reader.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        before = _read_set(reader, schema)
        with pytest.raises(PublishError) as refused:
            publish_to_postgres(changed, target, lock_timeout_ms=200, attempts=2)
        assert "readers held locks" in str(refused.value) and "\n" not in str(refused.value)
        assert _read_set(reader, schema) == before  # nothing changed under the reader
        reader.commit()
        publish_to_postgres(changed, target)
        after = _read_set(reader, schema)
    new_sum = _sum_of_values(changed)
    assert after == ("2030-01-01", new_sum, new_sum)
    with psycopg.connect(URL) as pg:
        columns = pg.execute(
            "select column_name from information_schema.columns where table_schema = %s and table_name = %s",
            [schema, "publication"],
        ).fetchall()
        assert ("retired_column",) not in columns


def served_as_of(database: Path) -> date:
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute("select as_of_date from marts.publication").fetchone()[0]  # type: ignore[index]


def _sum_of_values(database: Path) -> float:
    with duckdb.connect(str(database), read_only=True) as con:
        return round(float(con.execute("select sum(current_value) from marts.leaderboard").fetchone()[0]), 4)  # type: ignore[index]


def _read_set(reader: psycopg.Connection, schema: str) -> tuple[str, float, float]:
    """(as-of date, leaderboard total, the same total from quota_progress), read in the reader's transaction."""
    as_of = reader.execute(f'select as_of_date from "{schema}".publication').fetchone()[0]  # type: ignore[index]
    board = reader.execute(f'select sum(current_value) from "{schema}".leaderboard').fetchone()[0]  # type: ignore[index]
    progress = reader.execute(
        f'select sum(current_value) from "{schema}".quota_progress where scope_type = %s', ["individual"]
    ).fetchone()[0]  # type: ignore[index]
    return str(as_of), round(float(board), 4), round(float(progress), 4)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql://postgres:Sup3rSecret@127.0.0.1:{_free_port()}/test",
        "postgresql://no_such_role:Sup3rSecret@127.0.0.1:5432/test",
    ],
    ids=["nothing-listening", "refused-credentials"],
)
def test_a_bad_publish_url_fails_with_one_line_without_the_password(
    tiny_source: Path, tmp_path: Path, url: str
) -> None:
    completed = run_quotas(
        "run",
        "--source",
        str(tiny_source),
        "--warehouse",
        str(tmp_path / "w.duckdb"),
        "--as-of",
        "2025-11-14",
        "--publish",
        url,
    )
    assert completed.returncode == 1
    assert "Sup3rSecret" not in completed.stderr + completed.stdout
    lines = completed.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("quotas run failed: cannot connect to postgresql://"), lines
    assert ":***@127.0.0.1" in lines[0]
    assert not (tmp_path / "w.duckdb").exists()  # checked before the run started


def test_the_password_is_masked_and_the_schema_is_validated() -> None:
    assert mask_url("postgresql://app:p%40ss@db:5432/crm?schema=x") == "postgresql://app:***@db:5432/crm?schema=x"
    assert mask_url("postgresql://app@db/crm") == "postgresql://app@db/crm"
    target = PublishTarget.parse("postgresql://app:pw@db/crm?schema=quota_app&sslmode=require")
    assert (target.schema, target.conninfo) == ("quota_app", "postgresql://app:pw@db/crm?sslmode=require")
    assert PublishTarget.parse("postgresql://app@db/crm").schema == "quota_marts"
    assert PublishTarget.parse("postgresql://app@db/crm?schema=a", "b").schema == "b"
    with pytest.raises(PublishError, match="not a plain identifier"):
        PublishTarget.parse('postgresql://app@db/crm?schema=x";drop schema public;--')
    with pytest.raises(PublishError, match=r"app:\*\*\*@db"):
        PublishTarget.parse("mysql://app:pw@db/crm")


def test_a_swap_never_drops_the_applications_own_objects(served: Path, schema: str, tmp_path: Path) -> None:
    target = PublishTarget.parse(URL, schema)
    publish_to_postgres(served, target)
    application = f"{schema}_app"
    with psycopg.connect(URL, autocommit=True) as admin:
        admin.execute(f'create schema "{application}"')
        admin.execute(f'create view "{application}".top as select * from "{schema}".leaderboard where rank = 1')
        admin.execute(f'alter table "{schema}".publication add column retired_column integer')
    try:
        with pytest.raises(PublishError, match="depend") as refused:
            publish_to_postgres(_changed_copy(served, tmp_path, date(2030, 1, 1)), target)
        assert "\n" not in str(refused.value)
        with psycopg.connect(URL) as pg:
            assert pg.execute(f'select count(*) from "{application}".top').fetchone()[0] > 0  # type: ignore[index]
            as_of = pg.execute(f'select as_of_date from "{schema}".publication').fetchone()[0]  # type: ignore[index]
            assert as_of == served_as_of(served)  # the failed swap changed nothing
    finally:
        with psycopg.connect(URL, autocommit=True) as admin:
            admin.execute(f'drop schema "{application}" cascade')
