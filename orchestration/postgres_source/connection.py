"""Connecting to the source database, with every failure turned into one masked line."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from orchestration.postgres_url import PostgresUrl
from orchestration.source_loading import SourceError


def one_line(error: BaseException, url: PostgresUrl) -> str:
    """The first meaningful line of a driver error, without the driver's prefixes or any password."""
    text = str(error).strip()
    for prefix in ("IO: ", "INVALID_ARGUMENT: ", "NOT_FOUND: ", "[libpq] "):
        text = text.replace(prefix, "")
    first = next((line.strip() for line in text.splitlines() if line.strip()), type(error).__name__)
    return url.mask(first)


class SourceCursor:
    """One statement on the server: the few DB-API calls the extract makes, on ADBC's low-level API.

    The DB-API layer (`adbc_driver_postgresql.dbapi`) would import polars and its own helpers on top of
    what reading Arrow into DuckDB needs: a tenth of a second or more, paid by every run, however little
    it pulls. Parameters are bound as a one-row Arrow batch, as the DB-API layer binds them."""

    def __init__(self, connection: Any) -> None:
        import adbc_driver_manager

        self._statement = adbc_driver_manager.AdbcStatement(connection)
        self._result: Any = None

    def execute(self, sql: str, params: tuple | list = ()) -> None:
        self._statement.set_sql_query(sql)
        if params:
            import pyarrow

            self._statement.bind(
                pyarrow.record_batch(
                    [pyarrow.array([value]) for value in params], names=[f"p{i}" for i in range(len(params))]
                )
            )
        self._result, _ = self._statement.execute_query()

    def fetch_record_batch(self) -> Any:
        """The result as an Arrow stream, read as DuckDB consumes it; valid while the cursor is open."""
        import pyarrow

        return pyarrow.RecordBatchReader.from_stream(self._result)

    def fetchall(self) -> list[tuple]:
        table = self.fetch_record_batch().read_all()
        return list(zip(*(column.to_pylist() for column in table.columns), strict=True))

    def fetchone(self) -> tuple | None:
        rows = self.fetchall()
        return rows[0] if rows else None

    def __enter__(self) -> SourceCursor:
        return self

    def __exit__(self, *exc: object) -> None:
        self._statement.close()


class SourceConnection:
    def __init__(self, connection: Any) -> None:
        self._connection = connection

    def cursor(self) -> SourceCursor:
        return SourceCursor(self._connection)


@contextmanager
def source_connection(url: PostgresUrl) -> Iterator[SourceConnection]:
    """A connection in autocommit mode; `begin_snapshot` starts the transaction every table is read in.

    The two are apart so that what must be read before the snapshot (the server's deletion counters, see
    `changes.py`) can be."""
    import adbc_driver_manager
    import adbc_driver_postgresql

    database = connection = None
    try:
        try:
            database = adbc_driver_postgresql.connect(url.driver_uri)
            connection = adbc_driver_manager.AdbcConnection(database)
        except adbc_driver_manager.Error as error:
            raise SourceError(f"source {url.display}: cannot connect: {one_line(error, url)}") from None
        try:
            source = SourceConnection(connection)
            yield source
            with source.cursor() as cursor:
                cursor.execute("commit")
        except adbc_driver_manager.Error as error:
            raise SourceError(f"source {url.display}: {one_line(error, url)}") from None
    finally:
        for handle in (connection, database):
            if handle is not None:
                handle.close()


def begin_snapshot(connection: SourceConnection) -> None:
    """Begin one read-only REPEATABLE READ transaction: every table is read as of the same moment, so a
    deal and its owner can never come from two different states of the CRM. (The snapshot is taken by the
    transaction's first statement, the `set_config` here.)"""
    with connection.cursor() as cursor:
        cursor.execute("begin isolation level repeatable read read only")
        cursor.execute("select set_config('TimeZone', 'UTC', true)")
        cursor.fetchall()


@contextmanager
def snapshot_connection(url: PostgresUrl) -> Iterator[SourceConnection]:
    """A connection already inside its snapshot."""
    with source_connection(url) as connection:
        begin_snapshot(connection)
        yield connection
