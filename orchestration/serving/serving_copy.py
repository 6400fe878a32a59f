"""Publish a run's marts to the serving directory: a read-only DuckDB file and Parquet files.

The DuckDB copy is written as `quotas.duckdb.tmp-<version>` and renamed over `quotas.duckdb`: a reader that
opened the old file keeps reading the old file (its inode), a reader that opens the path afterwards gets
the new one. The copies are tables, never views: a reader of the serving file finds every mart whole
in it, whatever the warehouse keeps behind its marts. The Parquet files of a version are written into a
hidden directory that is renamed into place, then `parquet/current` is swapped to it.

Which as-of date a publication holds is read from the marts themselves (`quota_progress.as_of_date`), so
a snapshot backfill that republishes the previous run's marts says so truthfully.

Two kinds of mart are not copied whole: the new file starts as a copy of the last one, and only the
snapshot days that changed are copied into it (orchestration/serving/snapshot_history.py), and of the
marts kept by period only the periods recomputed since (orchestration/serving/kept_marts.py).
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from orchestration.serving.kept_marts import KEPT_MARTS, drop_unpublished_stamps, sync_kept_mart
from orchestration.serving.kept_parquet import kept_parquet_path, write_kept_mart_parquet
from orchestration.serving.paths import ServingPaths, publish_version, staging_directory
from orchestration.serving.snapshot_history import SNAPSHOTS, SnapshotSync, sync_snapshots, write_snapshot_months
from orchestration.sql_identifiers import quote_identifier, quote_string, sql_literal
from orchestration.vacuum_policy import set_vacuum_tasks, vacuum_tasks_in
from orchestration.warehouse import connect

MANIFEST = "published.json"
PUBLICATION_TABLE = "publication"


@dataclass(frozen=True)
class Publication:
    version: str
    as_of_date: date | None
    published_at: datetime
    row_counts: dict[str, int] = field(default_factory=dict)
    # the snapshot days copied from the warehouse; None when the whole history was
    copied_snapshot_days: frozenset[date] | None = None
    # per mart kept by period: how many periods were copied, or "all"
    copied_periods: dict[str, int | str] = field(default_factory=dict)

    def manifest(self) -> dict:
        copied = self.copied_snapshot_days
        return {
            "version": self.version,
            "as_of_date": self.as_of_date.isoformat() if self.as_of_date else None,
            "published_at": self.published_at.isoformat(),
            "row_counts": self.row_counts,
            "snapshot_days_copied": "all" if copied is None else len(copied),
            "periods_copied": self.copied_periods,
        }


def new_version(published_at: datetime, as_of: date | None) -> str:
    """Sortable and unique enough for one warehouse (runs on one warehouse never overlap)."""
    return f"{published_at:%Y%m%dT%H%M%S%fZ}_asof_{as_of.isoformat() if as_of else 'none'}"


# The notification outbox is the notifier's working table, not a result of the run: it is written after
# the run and changed by every tick (retries, deliveries), so a copy would always be a tick behind, and
# on the first run it would not exist yet. `quotas notifications` reads it from the warehouse.
NOT_SERVED = ("notifications",)


def mart_tables(con, catalog: str) -> list[str]:
    """Every table and view of the catalog's `marts` schema but the outbox. Some marts are views in the
    warehouse (kept rows plus the as-of date); every copy is a table."""
    name = quote_string(catalog)
    rows = con.execute(
        f"select table_name from duckdb_tables() where database_name = {name} and schema_name = 'marts' "
        "union all "
        f"select view_name from duckdb_views() where database_name = {name} and schema_name = 'marts' "
        "order by 1"
    ).fetchall()
    return [str(name) for (name,) in rows if name not in NOT_SERVED]


def parquet_path(table: str) -> str:
    """Where a mart lives inside a Parquet version (the manifest's `paths` says the same to readers): a
    file; for the snapshot history a file per month; for a mart kept by period a file per period under
    its as-of date (kept_parquet.py)."""
    if table == SNAPSHOTS:
        return f"{table}/*.parquet"
    return kept_parquet_path(table) if table in KEPT_MARTS else f"{table}.parquet"


def _previous_version(serving: ServingPaths) -> str | None:
    """The version of the serving file readers open now, or None when there is none (or it is unreadable)."""
    if not serving.database.exists():
        return None
    try:
        with connect(serving.database, read_only=True) as con:
            row = con.execute(f"select version from marts.{PUBLICATION_TABLE}").fetchone()
    except duckdb.Error:
        return None
    return str(row[0]) if row else None


def _previous_parquet(serving: ServingPaths, version: str | None, table: str) -> Path | None:
    """A mart's directory (the snapshot history's months, a kept mart's periods) in the Parquet version
    published with the serving file `version`, laid out as this code lays it out. Both are swapped in by
    the same publication; after an interrupted one they may differ, and then nothing is linked."""
    manifest = read_manifest(serving)
    if version is None or manifest is None or manifest.get("version") != version:
        return None
    if manifest.get("paths", {}).get(table) != parquet_path(table):
        return None
    directory = Path(os.path.realpath(serving.current(serving.parquet))) / table
    return directory if directory.is_dir() else None


def publish_serving_copy(warehouse: Path, serving: ServingPaths, progress=None) -> Publication:
    """Copy every mart table of `warehouse` to the serving directory and swap the copies into place."""
    serving.root.mkdir(parents=True, exist_ok=True)
    for leftover in serving.root.glob(f"{serving.database.name}.tmp-*"):
        leftover.unlink(missing_ok=True)  # an interrupted publication; a run on this warehouse is not running
    published_at = datetime.now(UTC)
    staged_file = serving.root / f"{serving.database.name}.tmp-{published_at:%Y%m%dT%H%M%S%f}"
    previous = _previous_version(serving)
    if previous is not None:
        shutil.copyfile(serving.database, staged_file)  # never written after its rename: a consistent copy
    with connect(Path(":memory:")) as con:
        # One checkpoint, when the file is detached, instead of one each time the log passes 16 MB: the
        # kept marts' deletes and as-of updates otherwise rewrote row groups several times (at M ~1.2 s).
        con.execute("set checkpoint_threshold = '64GB'")
        # Parquet files written by both threads; a mart's rows have no order to keep (~0.4 s at M)
        con.execute("set preserve_insertion_order = false")
        con.execute(f"attach {quote_string(str(warehouse))} as build (read_only)")
        con.execute(f"attach {quote_string(str(staged_file))} as serving")
        # the serving file's checkpoints vacuum only once its deleted rows have piled up
        set_vacuum_tasks(con, vacuum_tasks_in(con, "serving"))
        tables = mart_tables(con, "build")
        as_of = None
        if "quota_progress" in tables:
            as_of = con.execute("select max(as_of_date) from build.marts.quota_progress").fetchone()[0]  # type: ignore[index]
        version = new_version(published_at, as_of)
        con.execute("create schema if not exists serving.marts")
        kept = {table for table in tables if table in KEPT_MARTS}
        for (stale,) in con.execute(
            "select table_name from duckdb_tables() where database_name = 'serving' and schema_name = 'marts'"
        ).fetchall():
            if stale != SNAPSHOTS and stale not in kept:
                con.execute(f"drop table serving.marts.{quote_identifier(stale)}")
        drop_unpublished_stamps(con, kept)
        con.execute("checkpoint serving")  # the dropped tables' blocks are reused, the file does not grow
        counts = {}
        history = SnapshotSync(None, 0)
        copied_periods: dict[str, int | str] = {}
        changed_kept_periods: dict[str, frozenset[str] | None] = {}
        for table in tables:
            name = quote_identifier(table)
            if table == SNAPSHOTS:
                history = sync_snapshots(con, from_previous=previous is not None)
                counts[table] = history.rows
                continue
            if table in kept:
                synced = sync_kept_mart(con, table, from_previous=previous is not None)
                counts[table] = synced.rows
                changed = synced.changed_periods
                changed_kept_periods[table] = changed
                copied_periods[table] = "all" if changed is None else len(changed)
                continue
            con.execute(f"create table serving.marts.{name} as select * from build.marts.{name}")
            counts[table] = int(con.execute(f"select count(*) from serving.marts.{name}").fetchone()[0])  # type: ignore[index]
        if SNAPSHOTS not in tables:
            con.execute(f"drop table if exists serving.marts.{SNAPSHOTS}")
        con.execute(
            f"create table serving.marts.{PUBLICATION_TABLE} as "
            f"select cast({sql_literal(as_of)} as date) as as_of_date, {sql_literal(published_at)} as published_at, "
            f"{sql_literal(version)} as version"
        )
        publication = Publication(version, as_of, published_at, counts, history.changed_days, copied_periods)
        staged = staging_directory(serving.parquet, version)
        for table in tables:
            if table == SNAPSHOTS:
                write_snapshot_months(con, staged / SNAPSHOTS, history, _previous_parquet(serving, previous, SNAPSHOTS))
                continue
            if table in kept:
                write_kept_mart_parquet(
                    con,
                    table,
                    staged / table,
                    as_of,
                    changed_kept_periods.get(table),
                    _previous_parquet(serving, previous, table),
                )
                continue
            target = quote_string(str(staged / parquet_path(table)))
            con.execute(f"copy serving.marts.{quote_identifier(table)} to {target} (format parquet)")
        manifest = publication.manifest() | {"paths": {table: parquet_path(table) for table in tables}}
        (staged / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
        con.execute("detach build")
        con.execute("detach serving")  # checkpoints: the file is complete and has no write-ahead log
    staged_file.replace(serving.database)
    publish_version(serving.parquet, staged, version)
    if progress:
        days = "all" if history.changed_days is None else f"{len(history.changed_days)}"
        periods = ", ".join(f"{mart} {copied}" for mart, copied in copied_periods.items())
        progress(
            f"published {len(tables)} marts as of {as_of} to {serving.root} (version {version}; "
            f"snapshot days copied: {days}; periods copied: {periods or 'none kept'})"
        )
    return publication


def read_manifest(serving: ServingPaths) -> dict | None:
    """The manifest of the Parquet version `current` points to, or None before the first publication."""
    current = serving.current(serving.parquet)
    return json.loads((current / MANIFEST).read_text()) if (current / MANIFEST).exists() else None
