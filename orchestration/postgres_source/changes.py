"""Cheap signs that a source table changed, so an incremental run reads only what it must.

- A table pulled whole (no `updated_at`: users, quotas, ...) gets a fingerprint computed on the server
  inside the snapshot: its row count and the sum of a 64-bit hash of every row's text. The sum does not
  depend on row order and counts every copy of a duplicate, so it is a fingerprint of the table's
  multiset of rows; equal fingerprints mean the table is unchanged and is not pulled again. Computing it
  reads the table once on the server, about a fifth of the time pulling it through Arrow into DuckDB takes.
- A table pulled by watermark cannot show a deleted row. Comparing row counts every run would scan it on
  the server; the server's own statistics count deleted rows (`pg_stat_get_tuples_deleted`), so the
  counts are compared only when that counter, the table's storage (a TRUNCATE or rewrite changes it) or
  the statistics' reset time moved since the last run. The counter is read before the snapshot begins:
  a deletion it has counted was committed, so the snapshot sees it. One committed so recently that the
  counter does not hold it yet moves the counter by the next run. The periodic full comparison of ids
  remains the backstop for what no counter shows (statistics lost in a crash, a deletion hidden by an
  insert). A server that keeps no statistics (`track_counts` off), and a view, get no mark: their counts
  are compared every run, as before.
"""

from __future__ import annotations

from typing import Any

from orchestration.postgres_source.catalog import TablePlan

# The counters, per table of the schema; read in autocommit, before the snapshot's transaction begins.
DELETION_MARKS_QUERY = """
select c.relname::text,
       case when c.relkind = 'r' and current_setting('track_counts')::boolean then
           concat_ws(':', pg_relation_filenode(c.oid), pg_stat_get_tuples_deleted(c.oid),
                     (select stats_reset from pg_stat_database where datname = current_database()))
       end
from pg_class as c
join pg_namespace as n on n.oid = c.relnamespace
where n.nspname = $1 and c.relname = any($2::text[])
"""


def deletion_marks(source: Any, schema: str, tables: list[str]) -> dict[str, str | None]:
    """Per table, a text that changes whenever rows may have been deleted; None when there is none."""
    with source.cursor() as cursor:
        cursor.execute(DELETION_MARKS_QUERY, (schema, tables))
        rows = cursor.fetchall()
    return {str(name): (None if mark is None else str(mark)) for name, mark in rows}


def fingerprint(source: Any, plan: TablePlan) -> str:
    """The row count and the sum of every row's 64-bit hash, computed by the server within the snapshot."""
    with source.cursor() as cursor:
        cursor.execute(
            "select count(*)::text || ':' || coalesce(sum(hashtextextended(row(_row.*)::text, 0)), 0)::text "
            f"from {plan.qualified_name} as _row"
        )
        row = cursor.fetchone()
    return str(row[0]) if row else ""
