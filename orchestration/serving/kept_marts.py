"""Publish the marts kept by period (quota_progress, quotas, leaderboard, quota_history, quota_rollups) by period.

In the warehouse these marts are views that add the as-of date to rows kept from run to run
(`intermediate.int_*_rows`, macros/kept_by_period.sql): a daily run computes again the current month,
quarter and year and keeps every other period's rows. Copying the four marts whole into the serving file
took about 9 s of a daily run at M (1.4-1.6M rows each of the first four). The serving file starts as a copy of the one
published last (see snapshot_history.py), so each of these marts is brought up to date instead:

- each kept row records the dbt invocation that computed it (`computed_by`); per period, the first and
  last invocation and the row count make the period's stamp, and the serving file keeps the stamps of what
  it holds (`_publication.kept_periods`);
- a period whose stamp differs (recomputed, new or gone) is deleted from the copy and inserted again from
  the warehouse's mart; every other row only gets the new as-of date (one update of one column).

Whenever the periods cannot be trusted to line up (no previous publication, no kept rows or stamps,
different columns, row counts that disagree after the update), the mart is copied whole.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from orchestration.serving.catalog_queries import mart_columns, row_count, table_exists
from orchestration.sql_identifiers import quote_identifier, quote_string, sql_literal, values_list

# each mart and the table its rows are kept in
KEPT_MARTS = {
    "quota_progress": "int_quota_progress_rows",
    "quotas": "int_quotas_rows",
    "leaderboard": "int_leaderboard_rows",
    "quota_history": "int_quota_history_rows",
    "quota_rollups": "int_quota_rollups_rows",
}
PUBLISHED_SCHEMA = "_publication"
PUBLISHED_PERIODS = f"{PUBLISHED_SCHEMA}.kept_periods"


@dataclass(frozen=True)
class KeptMartSync:
    """What a publication did with one kept mart: the periods it copied (None: all of them) and the rows."""

    changed_periods: frozenset[str] | None
    rows: int


def _stamps_query(mart: str) -> str:
    rows = f"build.intermediate.{quote_identifier(KEPT_MARTS[mart])}"
    return (
        f"select '{mart}' as mart, period_id, min(computed_by) as first_computed_by, "
        f"max(computed_by) as last_computed_by, count(*) as row_count from {rows} group by period_id"
    )


def _stamps_usable(con: duckdb.DuckDBPyConnection, mart: str) -> bool:
    """The warehouse keeps this mart's rows, stamped with the invocation that computed them."""
    table = KEPT_MARTS[mart]
    if not table_exists(con, "build", "intermediate", table):
        return False
    found = con.execute(
        "select count(*) from duckdb_columns() where database_name = 'build' "
        f"and schema_name = 'intermediate' and table_name = {quote_string(table)} "
        "and column_name in ('period_id', 'computed_by')"
    ).fetchone()
    return bool(found and found[0] == 2)


def _changed_periods(con: duckdb.DuckDBPyConnection, mart: str) -> frozenset[str]:
    rows = con.execute(
        f"""
        select coalesce(now.period_id, published.period_id)
        from kept_stamps as now
        full outer join (select * from serving.{PUBLISHED_PERIODS} where mart = {quote_string(mart)}) as published
            on published.period_id is not distinct from now.period_id
        where now.row_count is distinct from published.row_count
            or now.first_computed_by is distinct from published.first_computed_by
            or now.last_computed_by is distinct from published.last_computed_by
        """
    ).fetchall()
    return frozenset(period for (period,) in rows)


def _replace_periods(con: duckdb.DuckDBPyConnection, mart: str, periods: frozenset[str]) -> None:
    name = quote_identifier(mart)
    if periods:
        con.execute("create or replace temp table changed_kept_periods (period_id varchar)")
        con.execute(f"insert into changed_kept_periods values {values_list((period,) for period in sorted(periods))}")
        in_changed = "period_id in (select period_id from changed_kept_periods)"
        con.execute(f"delete from serving.marts.{name} where {in_changed}")
        con.execute(f"insert into serving.marts.{name} by name select * from build.marts.{name} where {in_changed}")
    # the mart's own as-of date (every row of a mart view carries the same one)
    as_of = con.execute(f"select max(as_of_date) from build.marts.{name}").fetchone()[0]  # type: ignore[index]
    day = f"cast({sql_literal(as_of)} as date)"
    con.execute(f"update serving.marts.{name} set as_of_date = {day} where as_of_date is distinct from {day}")


def _copy_whole(con: duckdb.DuckDBPyConnection, mart: str) -> None:
    name = quote_identifier(mart)
    con.execute(f"drop table if exists serving.marts.{name}")
    con.execute(f"create table serving.marts.{name} as select * from build.marts.{name}")


def sync_kept_mart(con: duckdb.DuckDBPyConnection, mart: str, from_previous: bool) -> KeptMartSync:
    """Bring `serving.marts.<mart>` up to `build.marts.<mart>` (both attached to `con`).

    `from_previous`: the serving file is a copy of the last publication. Returns which periods were copied.
    """
    usable = _stamps_usable(con, mart)
    if usable:  # read once: compared with the published stamps, then published with the rows
        con.execute(f"create or replace temp table kept_stamps as {_stamps_query(mart)}")
    incremental = (
        from_previous
        and usable
        and table_exists(con, "serving", PUBLISHED_SCHEMA, "kept_periods")
        and table_exists(con, "serving", "marts", mart)
        and mart_columns(con, "serving", mart) == mart_columns(con, "build", mart)
    )
    changed: frozenset[str] | None = None
    if incremental:
        changed = _changed_periods(con, mart)
        _replace_periods(con, mart, changed)
        name = quote_identifier(mart)
        if row_count(con, f"serving.marts.{name}") != row_count(con, f"build.marts.{name}"):
            changed = None  # the copy disagrees with its own record: start again from the warehouse
    if changed is None:
        _copy_whole(con, mart)
    con.execute(f"create schema if not exists serving.{PUBLISHED_SCHEMA}")
    con.execute(
        f"create table if not exists serving.{PUBLISHED_PERIODS} (mart varchar, period_id varchar, "
        "first_computed_by varchar, last_computed_by varchar, row_count bigint)"
    )
    con.execute(f"delete from serving.{PUBLISHED_PERIODS} where mart = {quote_string(mart)}")
    if usable:
        con.execute(f"insert into serving.{PUBLISHED_PERIODS} select * from kept_stamps")
    return KeptMartSync(changed, row_count(con, f"serving.marts.{quote_identifier(mart)}"))


def drop_unpublished_stamps(con: duckdb.DuckDBPyConnection, published: set[str]) -> None:
    """Forget the stamps of kept marts this publication does not hold."""
    if table_exists(con, "serving", PUBLISHED_SCHEMA, "kept_periods"):
        listed = ", ".join(f"'{mart}'" for mart in sorted(published)) or "''"
        con.execute(f"delete from serving.{PUBLISHED_PERIODS} where mart not in ({listed})")
