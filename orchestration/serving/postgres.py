"""Publish the application's tables into a schema of its PostgreSQL database, all at once.

The application reads a consistent set: leaderboard, quota_progress, quotas, quota_rollups, goals,
goal_milestones and a one-row `publication` (as-of date, published-at) appear in one commit.

- When the published schema already has exactly these tables with exactly these columns and types (every
  daily run after the first), the tables are emptied with DELETE and refilled with COPY inside one
  transaction. That is MVCC-safe: a reader at any isolation level sees the old rows until the commit and
  the new rows after it; a REPEATABLE READ transaction that began before keeps seeing the old set to its
  end. Readers and the publisher take only compatible locks, so neither waits for the other.
- Otherwise (the first publication, or the marts' columns changed), the tables are created and filled
  with COPY in `<schema>__staging`; the same transaction renames `<schema>` to `<schema>__old` and the
  staging schema to `<schema>`, then drops the old tables one by one, never with CASCADE (a view of the
  application's on them makes the swap fail rather than vanish). Dropping needs exclusive locks, so the
  transaction runs with a lock timeout and is retried a few times with a clear message, never waiting
  forever on a reader. A catalog change is not MVCC: a REPEATABLE READ transaction that began before the
  swap and touches a table only after it finds the new tables empty. That happens only when the shape of
  the tables changes, e.g. after a deploy.

Nothing outside `<schema>`, `<schema>__staging` and `<schema>__old` is touched. Identifiers are
validated and quoted. The password, from the URL or PGPASSWORD, never appears in a message.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from orchestration.postgres_url import PostgresUrl, mask_url
from orchestration.sql_identifiers import UnsafeIdentifierError, quote_identifier
from orchestration.warehouse import connect

DEFAULT_SCHEMA = "quota_marts"
APPLICATION_TABLES = (
    "quotas",
    "quota_progress",
    "quota_rollups",
    "leaderboard",
    "goals",
    "goal_milestones",
    "publication",
)
BATCH_ROWS = 100_000
LOCK_TIMEOUT_MS = 5_000
SWAP_ATTEMPTS = 4


class PublishError(Exception):
    """A publication that did not happen; one line, the password masked. Nothing published changed."""


@dataclass(frozen=True)
class PublishTarget:
    """Where to publish: the application database's URL and the schema's name (`?schema=`, a flag, or
    `quota_marts`)."""

    url: PostgresUrl

    @classmethod
    def parse(cls, url: str, schema: str | None = None) -> PublishTarget:
        try:
            parsed = PostgresUrl.parse(url, default_schema=DEFAULT_SCHEMA)
            if schema:
                quote_identifier(schema)
                parsed = replace(parsed, schema=schema)
        except UnsafeIdentifierError as error:
            raise PublishError(f"publish schema: {error}") from None
        except ValueError as error:
            raise PublishError(f"publish URL {error}; expected postgresql://user@host:port/database") from None
        if len(parsed.schema) > 63 - len("__staging"):
            raise PublishError(f"publish schema {parsed.schema!r}: at most {63 - len('__staging')} characters")
        return cls(parsed)

    @property
    def conninfo(self) -> str:
        return self.url.driver_uri

    @property
    def schema(self) -> str:
        return self.url.schema

    @property
    def masked_url(self) -> str:
        return mask_url(self.url.driver_uri)

    def scrub(self, text: str) -> str:
        """One line of an error, with the password (if any) masked wherever it may appear."""
        return self.url.mask((text.strip().splitlines() or ["unknown error"])[0])


_TYPES = {
    "VARCHAR": "text",
    "BIGINT": "bigint",
    "INTEGER": "integer",
    "SMALLINT": "smallint",
    "TINYINT": "smallint",
    "HUGEINT": "numeric(38,0)",
    "UBIGINT": "numeric(20,0)",
    "UINTEGER": "bigint",
    "DOUBLE": "double precision",
    "FLOAT": "real",
    "DATE": "date",
    "TIMESTAMP": "timestamp without time zone",
    "TIMESTAMP WITH TIME ZONE": "timestamp with time zone",
    "BOOLEAN": "boolean",
}


def postgres_type(duckdb_type: str) -> str:
    """PostgreSQL's spelling (as `format_type` prints it) of a DuckDB column type; text for anything else."""
    if duckdb_type.startswith("DECIMAL("):
        return "numeric" + duckdb_type[len("DECIMAL") :].replace(" ", "")
    return _TYPES.get(duckdb_type, "text")


@dataclass(frozen=True)
class TableShape:
    name: str
    columns: tuple[tuple[str, str], ...]  # (name, PostgreSQL type)


def _shapes_in_duckdb(con) -> list[TableShape]:
    shapes = []
    for table in APPLICATION_TABLES:
        rows = con.execute(
            "select column_name, data_type from information_schema.columns "
            "where table_schema = 'marts' and table_name = ? order by ordinal_position",
            [table],
        ).fetchall()
        if not rows:
            raise PublishError(f"the serving copy has no table marts.{table}; was the run complete?")
        shapes.append(TableShape(table, tuple((str(name), postgres_type(str(kind))) for name, kind in rows)))
    return shapes


def _shapes_in_postgres(cursor, schema: str) -> dict[str, tuple[tuple[str, str], ...]]:
    cursor.execute(
        """
        select c.relname, a.attname, format_type(a.atttypid, a.atttypmod)
        from pg_class c
        join pg_namespace n on n.oid = c.relnamespace
        join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
        where n.nspname = %s and c.relkind = 'r'
        order by c.relname, a.attnum
        """,
        [schema],
    )
    shapes: dict[str, list[tuple[str, str]]] = {}
    for table, column, kind in cursor.fetchall():
        shapes.setdefault(table, []).append((column, kind))
    return {table: tuple(columns) for table, columns in shapes.items()}


def _copy_table(cursor, duck, schema: str, shape: TableShape) -> int:
    """Stream one mart from DuckDB into PostgreSQL with COPY (CSV text), in Arrow record batches.

    pyarrow is imported here, by the publications that use it: at the module's top it cost every run's
    start-up ~0.3 s, though most runs publish nothing to PostgreSQL."""
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    names = ", ".join(quote_identifier(column) for column, _ in shape.columns)
    target = f"{quote_identifier(schema)}.{quote_identifier(shape.name)}"
    reader = duck.execute(f"select {names} from marts.{quote_identifier(shape.name)}").to_arrow_reader(BATCH_ROWS)
    rows = 0
    options = pa_csv.WriteOptions(include_header=False)
    with cursor.copy(f"copy {target} ({names}) from stdin (format csv)") as copy:
        for batch in reader:
            buffer = io.BytesIO()
            pa_csv.write_csv(pa.Table.from_batches([batch]), buffer, options)
            copy.write(buffer.getbuffer())
            rows += batch.num_rows
    return rows


def _create_tables(cursor, schema: str, shapes: list[TableShape]) -> None:
    for shape in shapes:
        columns = ", ".join(f"{quote_identifier(name)} {kind}" for name, kind in shape.columns)
        cursor.execute(f"create table {quote_identifier(schema)}.{quote_identifier(shape.name)} ({columns})")


def _connect(target: PublishTarget):
    import psycopg

    try:
        return psycopg.connect(target.conninfo, connect_timeout=10, application_name="quotas publish")
    except psycopg.Error as error:
        raise PublishError(f"cannot connect to {target.masked_url}: {target.scrub(str(error))}") from None


def check_connection(target: PublishTarget) -> None:
    """Connect and disconnect: a wrong host, port or password fails before a run spends minutes."""
    _connect(target).close()


def publish_to_postgres(
    serving_database: Path,
    target: PublishTarget,
    progress: Callable[[str], None] | None = None,
    lock_timeout_ms: int = LOCK_TIMEOUT_MS,
    attempts: int = SWAP_ATTEMPTS,
) -> dict[str, int]:
    """Publish the application's tables from the serving DuckDB copy; return the rows per table."""
    import psycopg

    say = progress or (lambda message: None)
    pg = _connect(target)
    schema = target.schema
    staging, old = f"{schema}__staging", f"{schema}__old"
    try:
        with pg, connect(serving_database, read_only=True) as duck:
            shapes = _shapes_in_duckdb(duck)
            with pg.cursor() as cursor:
                live = _shapes_in_postgres(cursor, schema)
            pg.commit()
            same_shape = bool(live) and live == {shape.name: shape.columns for shape in shapes}
            for attempt in range(1, attempts + 1):
                try:
                    with pg.transaction(), pg.cursor() as cursor:
                        cursor.execute(f"set local lock_timeout = {int(lock_timeout_ms)}")
                        if same_shape:
                            counts = _refill_in_place(cursor, duck, schema, shapes)
                        else:
                            counts = _build_and_swap(cursor, duck, schema, staging, old, shapes)
                    break
                except psycopg.errors.LockNotAvailable as error:
                    if attempt == attempts:
                        raise PublishError(
                            f"publishing to schema {schema} at {target.masked_url}: readers held locks on its "
                            f"tables for longer than {lock_timeout_ms} ms, {attempts} times; nothing changed "
                            "(end long transactions on those tables, then publish again)"
                        ) from error
                    say(f"schema {schema} is locked by a reader; retrying ({attempt}/{attempts})")
                    time.sleep(min(2.0 * attempt, 10.0))
    except PublishError:
        raise
    except psycopg.Error as error:
        raise PublishError(f"publishing to {target.masked_url} failed: {target.scrub(str(error))}") from None
    finally:
        pg.close()
    how = "refilled in place" if same_shape else "swapped in"
    say(f"published {sum(counts.values()):,} rows in {len(counts)} tables to {schema} ({how}) at {target.masked_url}")
    return counts


def _refill_in_place(cursor, duck, schema: str, shapes: list[TableShape]) -> dict[str, int]:
    counts = {}
    for shape in shapes:
        cursor.execute(f"delete from {quote_identifier(schema)}.{quote_identifier(shape.name)}")
        counts[shape.name] = _copy_table(cursor, duck, schema, shape)
    return counts


def _build_and_swap(cursor, duck, schema: str, staging: str, old: str, shapes: list[TableShape]) -> dict[str, int]:
    _drop_schema(cursor, staging)
    _drop_schema(cursor, old)
    cursor.execute(f"create schema {quote_identifier(staging)}")
    _create_tables(cursor, staging, shapes)
    counts = {shape.name: _copy_table(cursor, duck, staging, shape) for shape in shapes}
    cursor.execute("select 1 from pg_namespace where nspname = %s", [schema])
    if cursor.fetchone():
        cursor.execute(f"alter schema {quote_identifier(schema)} rename to {quote_identifier(old)}")
    cursor.execute(f"alter schema {quote_identifier(staging)} rename to {quote_identifier(schema)}")
    _drop_schema(cursor, old)
    return counts


def _drop_schema(cursor, schema: str) -> None:
    """Drop one of our schemas and its tables, without CASCADE: an object of the application's that
    depends on them (a view in another schema) makes the publication fail and roll back rather than
    disappear with them."""
    cursor.execute("select tablename from pg_tables where schemaname = %s", [schema])
    for (table,) in cursor.fetchall():
        cursor.execute(f"drop table {quote_identifier(schema)}.{quote_identifier(table)}")
    cursor.execute(f"drop schema if exists {quote_identifier(schema)}")
