"""Publish the snapshot history by the day: only the days that changed since the last publication.

Every other mart is a function of the run's as-of date and is copied whole. The snapshot history only
grows: a daily run writes one day, a backfill its range, and every older day stays as it was. Copying all
of it on every publication made a daily run slower each day (at S with a year of history, 5 s of a 15 s
run). So the serving file starts as a copy of the one published last (a file copy costs little; it is
never written after its rename), and its snapshots are brought up to date day by day:

- the warehouse keeps a fingerprint per snapshot day (`_dbt_state.quota_snapshot_days`, written by
  quota_snapshots' post-hook in the model's transaction: its row count and the sum of its rows' hashes);
- the serving file keeps the fingerprints of the days it holds (`_publication.snapshot_days`);
- a day whose fingerprints differ (new, rewritten or gone) is deleted from the copy and inserted again
  from the warehouse; the others are left alone.

The Parquet version holds the history as one file per month (`quota_snapshots/2025-11.parquet`); a month
with no changed day is a hard link to the previous version's file, the others are written again.

Whenever the days cannot be trusted to line up (no previous publication, a warehouse without day
fingerprints, different columns, row counts that disagree), the whole history is copied, as before.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from orchestration.serving.catalog_queries import mart_columns, row_count, table_exists
from orchestration.sql_identifiers import quote_string, values_list

SNAPSHOTS = "quota_snapshots"
WAREHOUSE_DAYS = "_dbt_state.quota_snapshot_days"
PUBLISHED_DAYS_SCHEMA = "_publication"
PUBLISHED_DAYS = f"{PUBLISHED_DAYS_SCHEMA}.snapshot_days"
UNDATED_FILE = "undated.parquet"


@dataclass(frozen=True)
class SnapshotSync:
    """What a publication did with the history: the days it copied (None: all of them) and the rows."""

    changed_days: frozenset[date] | None
    rows: int


def _warehouse_days_usable(con: duckdb.DuckDBPyConnection) -> bool:
    """The warehouse's day fingerprints exist and account for every row of its history."""
    if not table_exists(con, "build", "_dbt_state", "quota_snapshot_days"):
        return False
    recorded = con.execute(f"select coalesce(sum(row_count), 0) from build.{WAREHOUSE_DAYS}").fetchone()[0]  # type: ignore[index]
    return int(recorded) == row_count(con, f"build.marts.{SNAPSHOTS}")


def _copy_whole(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"drop table if exists serving.marts.{SNAPSHOTS}")
    con.execute(f"create table serving.marts.{SNAPSHOTS} as select * from build.marts.{SNAPSHOTS}")


def _changed_days(con: duckdb.DuckDBPyConnection) -> frozenset[date]:
    rows = con.execute(
        f"""
        select coalesce(now.snapshot_date, published.snapshot_date)
        from build.{WAREHOUSE_DAYS} as now
        full outer join serving.{PUBLISHED_DAYS} as published on published.snapshot_date = now.snapshot_date
        where now.row_count is distinct from published.row_count
            or now.fingerprint is distinct from published.fingerprint
        """
    ).fetchall()
    return frozenset(day for (day,) in rows)


def _replace_days(con: duckdb.DuckDBPyConnection, days: frozenset[date]) -> None:
    if not days:
        return
    con.execute("create or replace temp table changed_snapshot_days (snapshot_date date)")
    con.execute(f"insert into changed_snapshot_days values {values_list((day,) for day in sorted(days))}")
    con.execute(
        f"delete from serving.marts.{SNAPSHOTS} "
        "where snapshot_date in (select snapshot_date from changed_snapshot_days)"
    )
    con.execute(
        f"insert into serving.marts.{SNAPSHOTS} by name select * from build.marts.{SNAPSHOTS} "
        "where snapshot_date in (select snapshot_date from changed_snapshot_days)"
    )


def sync_snapshots(con: duckdb.DuckDBPyConnection, from_previous: bool) -> SnapshotSync:
    """Bring `serving.marts.quota_snapshots` up to `build.marts.quota_snapshots` (both attached to `con`).

    `from_previous`: the serving file is a copy of the last publication. Returns which days were copied.
    """
    days_usable = _warehouse_days_usable(con)
    incremental = (
        from_previous
        and days_usable
        and table_exists(con, "serving", PUBLISHED_DAYS_SCHEMA, "snapshot_days")
        and table_exists(con, "serving", "marts", SNAPSHOTS)
        and mart_columns(con, "serving", SNAPSHOTS) == mart_columns(con, "build", SNAPSHOTS)
    )
    changed: frozenset[date] | None = None
    if incremental:
        changed = _changed_days(con)
        _replace_days(con, changed)
        if row_count(con, f"serving.marts.{SNAPSHOTS}") != row_count(con, f"build.marts.{SNAPSHOTS}"):
            changed = None  # the copy disagrees with its own record: start again from the warehouse
    if changed is None:
        _copy_whole(con)
    con.execute(f"create schema if not exists serving.{PUBLISHED_DAYS_SCHEMA}")
    if days_usable:
        con.execute(f"create or replace table serving.{PUBLISHED_DAYS} as select * from build.{WAREHOUSE_DAYS}")
    else:
        con.execute(f"drop table if exists serving.{PUBLISHED_DAYS}")
    return SnapshotSync(changed, row_count(con, f"serving.marts.{SNAPSHOTS}"))


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _next_month(month: date) -> date:
    return month.replace(year=month.year + 1, month=1) if month.month == 12 else month.replace(month=month.month + 1)


def month_file(directory: Path, month: date) -> Path:
    return directory / f"{month:%Y-%m}.parquet"


def write_snapshot_months(
    con: duckdb.DuckDBPyConnection, directory: Path, sync: SnapshotSync, previous: Path | None
) -> None:
    """Write the served history into `directory`, one Parquet file per month.

    `previous`: the previous version's month directory, when it holds what the serving file held before
    this publication; its files of unchanged months are linked, not written.
    """
    directory.mkdir()
    months = [
        _month_start(day)
        for (day,) in con.execute(
            f"select distinct date_trunc('month', snapshot_date)::date from serving.marts.{SNAPSHOTS} "
            "where snapshot_date is not null order by 1"
        ).fetchall()
    ]
    changed_months = {_month_start(day) for day in sync.changed_days or ()}
    for month in months:
        if previous is not None and sync.changed_days is not None and month not in changed_months:
            kept = month_file(previous, month)
            if kept.exists():
                os.link(kept, month_file(directory, month))
                continue
        target = quote_string(str(month_file(directory, month)))
        con.execute(
            f"copy (select * from serving.marts.{SNAPSHOTS} "
            f"where snapshot_date >= date '{month}' and snapshot_date < date '{_next_month(month)}') "
            f"to {target} (format parquet)"
        )
    undated = row_count(con, f"(select 1 from serving.marts.{SNAPSHOTS} where snapshot_date is null)")
    if undated or not months:
        # rows without a day (the not-null test fails such a run first), or no history yet: this file keeps
        # `quota_snapshots/*.parquet` matching something that has the columns
        target = quote_string(str(directory / UNDATED_FILE))
        con.execute(
            f"copy (select * from serving.marts.{SNAPSHOTS} where snapshot_date is null) to {target} (format parquet)"
        )
