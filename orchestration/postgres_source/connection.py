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


@contextmanager
def source_connection(url: PostgresUrl) -> Iterator[Any]:
    """An ADBC connection in autocommit mode; `begin_snapshot` starts the transaction every table is read in.

    The two are apart so that what must be read before the snapshot (the server's deletion counters, see
    `changes.py`) can be."""
    import adbc_driver_manager
    import adbc_driver_postgresql.dbapi as adbc

    try:
        connection = adbc.connect(url.driver_uri, autocommit=True)
    except adbc_driver_manager.Error as error:
        raise SourceError(f"source {url.display}: cannot connect: {one_line(error, url)}") from None
    try:
        yield connection
        with connection.cursor() as cursor:
            cursor.execute("commit")
    except adbc_driver_manager.Error as error:
        raise SourceError(f"source {url.display}: {one_line(error, url)}") from None
    finally:
        connection.close()


def begin_snapshot(connection: Any) -> None:
    """Begin one read-only REPEATABLE READ transaction: every table is read as of the same moment, so a
    deal and its owner can never come from two different states of the CRM. (The snapshot is taken by the
    transaction's first statement, the `set_config` here.)"""
    with connection.cursor() as cursor:
        cursor.execute("begin isolation level repeatable read read only")
        cursor.execute("select set_config('TimeZone', 'UTC', true)")
        cursor.fetchall()


@contextmanager
def snapshot_connection(url: PostgresUrl) -> Iterator[Any]:
    """A connection already inside its snapshot."""
    with source_connection(url) as connection:
        begin_snapshot(connection)
        yield connection
