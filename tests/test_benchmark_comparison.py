"""The benchmark's proof that one more day equals a full build: `mart_differences` counts, per mart, the
rows two warehouses do not share, on warehouses made here with known differences."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from tests.support.benchmark_script import benchmark_script

AS_OF = date(2025, 11, 14)


def _warehouse(path: Path, progress: list[tuple], snapshots: list[tuple], outbox: list[tuple]) -> Path:
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts")
        con.execute("create table marts.kept_rows (quota_id varchar, current_value decimal(38, 9))")
        con.executemany("insert into marts.kept_rows values (?, ?)", progress)
        con.execute(f"create view marts.quota_progress as select *, date '{AS_OF}' as as_of_date from marts.kept_rows")
        con.execute("create table marts.quota_snapshots (quota_id varchar, snapshot_date date, current_value int)")
        con.executemany("insert into marts.quota_snapshots values (?, ?, ?)", snapshots)
        con.execute("create table marts.notifications (key varchar, created_at timestamptz)")
        con.executemany("insert into marts.notifications values (?, ?)", outbox)
    return path


def test_marts_differ_by_the_rows_either_warehouse_lacks_copies_included_and_the_outbox_left_out(
    tmp_path: Path,
) -> None:
    day_before = date(2025, 11, 13)
    incremental = _warehouse(
        tmp_path / "incremental.duckdb",
        progress=[("q1", 10), ("q2", 5), ("q2", 5)],  # q2 twice: one copy too many
        snapshots=[("q1", day_before, 7), ("q1", AS_OF, 10)],  # the evening before's snapshot, as written then
        outbox=[("n1", "2025-11-14 20:00:00+00")],
    )
    rebuilt = _warehouse(
        tmp_path / "rebuilt.duckdb",
        progress=[("q1", 10), ("q2", 5), ("q3", 1)],
        snapshots=[("q1", AS_OF, 10)],
        outbox=[("n1", "2025-11-15 09:00:00+00")],
    )
    differences = benchmark_script().mart_differences(incremental, rebuilt, AS_OF)
    # quota_progress: the extra copy of q2 on one side, q3 on the other; the snapshots of the day agree;
    # the outbox, a log of when messages went out, is not compared
    assert differences == {"kept_rows": 2, "quota_progress": 2, "quota_snapshots": 0}
    assert benchmark_script().mart_differences(rebuilt, rebuilt, AS_OF) == dict.fromkeys(differences, 0)
