"""Publish a run's marts to the serving directory: a read-only DuckDB file and Parquet files.

The DuckDB copy is written as `quotas.duckdb.tmp-<version>` and renamed over `quotas.duckdb`: a reader that
opened the old file keeps reading the old file (its inode), a reader that opens the path afterwards gets
the new one. The copies are tables, never views: dbt-duckdb views name the warehouse's catalog, which
does not exist in another file. The Parquet files of a version are written into a hidden directory that
is renamed into place, then `parquet/current` is swapped to it.

Which as-of date a publication holds is read from the marts themselves (`quota_progress.as_of_date`), so
a snapshot backfill that republishes the previous run's marts says so truthfully.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from orchestration.serving.paths import ServingPaths, publish_version, staging_directory
from orchestration.sql_identifiers import quote_identifier, quote_string
from orchestration.warehouse import connect

MANIFEST = "published.json"
PUBLICATION_TABLE = "publication"


@dataclass(frozen=True)
class Publication:
    version: str
    as_of_date: date | None
    published_at: datetime
    row_counts: dict[str, int] = field(default_factory=dict)

    def manifest(self) -> dict:
        return {
            "version": self.version,
            "as_of_date": self.as_of_date.isoformat() if self.as_of_date else None,
            "published_at": self.published_at.isoformat(),
            "row_counts": self.row_counts,
        }


def new_version(published_at: datetime, as_of: date | None) -> str:
    """Sortable and unique enough for one warehouse (runs on one warehouse never overlap)."""
    return f"{published_at:%Y%m%dT%H%M%S%fZ}_asof_{as_of.isoformat() if as_of else 'none'}"


# The notification outbox is the notifier's working table, not a result of the run: it is written after
# the run and changed by every tick (retries, deliveries), so a copy would always be a tick behind, and
# on the first run it would not exist yet. `quotas notifications` reads it from the warehouse.
NOT_SERVED = ("notifications",)


def mart_tables(con, catalog: str) -> list[str]:
    """Every table of the catalog's `marts` schema but the outbox (all marts are tables; views would not
    travel to another file)."""
    rows = con.execute(
        "select table_name from duckdb_tables() where database_name = ? and schema_name = 'marts' order by 1",
        [catalog],
    ).fetchall()
    return [str(name) for (name,) in rows if name not in NOT_SERVED]


def publish_serving_copy(warehouse: Path, serving: ServingPaths, progress=None) -> Publication:
    """Copy every mart table of `warehouse` to the serving directory and swap the copies into place."""
    serving.root.mkdir(parents=True, exist_ok=True)
    for leftover in serving.root.glob(f"{serving.database.name}.tmp-*"):
        leftover.unlink(missing_ok=True)  # an interrupted publication; a run on this warehouse is not running
    published_at = datetime.now(UTC)
    staged_file = serving.root / f"{serving.database.name}.tmp-{published_at:%Y%m%dT%H%M%S%f}"
    with connect(Path(":memory:")) as con:
        con.execute(f"attach {quote_string(str(warehouse))} as build (read_only)")
        con.execute(f"attach {quote_string(str(staged_file))} as serving")
        tables = mart_tables(con, "build")
        as_of = None
        if "quota_progress" in tables:
            as_of = con.execute("select max(as_of_date) from build.marts.quota_progress").fetchone()[0]  # type: ignore[index]
        version = new_version(published_at, as_of)
        con.execute("create schema serving.marts")
        counts = {}
        for table in tables:
            name = quote_identifier(table)
            con.execute(f"create table serving.marts.{name} as select * from build.marts.{name}")
            counts[table] = int(con.execute(f"select count(*) from serving.marts.{name}").fetchone()[0])  # type: ignore[index]
        con.execute(
            f"create table serving.marts.{PUBLICATION_TABLE} as "
            "select ?::date as as_of_date, ?::timestamptz as published_at, ? as version",
            [as_of, published_at, version],
        )
        publication = Publication(version, as_of, published_at, counts)
        staged = staging_directory(serving.parquet, version)
        for table in tables:
            target = quote_string(str(staged / f"{table}.parquet"))
            con.execute(f"copy serving.marts.{quote_identifier(table)} to {target} (format parquet)")
        (staged / MANIFEST).write_text(json.dumps(publication.manifest(), indent=2) + "\n")
        con.execute("detach build")
        con.execute("detach serving")  # checkpoints: the file is complete and has no write-ahead log
    staged_file.replace(serving.database)
    publish_version(serving.parquet, staged, version)
    if progress:
        progress(f"published {len(tables)} marts as of {as_of} to {serving.root} (version {version})")
    return publication


def read_manifest(serving: ServingPaths) -> dict | None:
    """The manifest of the Parquet version `current` points to, or None before the first publication."""
    current = serving.current(serving.parquet)
    return json.loads((current / MANIFEST).read_text()) if (current / MANIFEST).exists() else None
