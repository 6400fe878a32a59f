"""DuckDB compacts a file's tables at a checkpoint only once a large table's deleted rows have piled up.

orchestration/vacuum_policy.py reads each large table's deleted rows from DuckDB's catalogue and turns the
vacuum of dbt's closing checkpoint, and of the serving file's, on or off; the dbt profile passes the choice
to DuckDB. Every other connection that writes (orchestration/warehouse.py) never vacuums.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from orchestration.serving.paths import ServingPaths
from orchestration.serving.serving_copy import publish_serving_copy
from orchestration.vacuum_policy import (
    VACUUM_TASKS,
    VACUUM_VARIABLE,
    deleted_row_shares,
    deleted_row_shares_in,
    vacuum_tasks,
    vacuum_tasks_in,
)
from orchestration.warehouse import connect
from tests.support.warehouse import copy_warehouse, run_dbt


def _warehouse_with_deletes(path: Path, deleted_every: int | None) -> Path:
    """A large table of 300,000 rows (three row groups) with every n-th row deleted, and a small one with half
    deleted; written by a connection that does not vacuum, so the deleted rows stay stored."""
    with connect(path) as con:
        con.execute("create schema intermediate")
        con.execute("create table intermediate.large as select range as i from range(300000)")
        con.execute("create table intermediate.small as select range as i from range(1000)")
        con.execute("delete from intermediate.small where i % 2 = 0")
        if deleted_every:
            con.execute(f"delete from intermediate.large where i % {deleted_every} = 0")
    return path


@pytest.mark.parametrize(
    ("deleted_every", "share", "tasks"),
    [(None, 0.0, 0), (10, 0.1, 0), (4, 0.25, VACUUM_TASKS), (2, 0.5, VACUUM_TASKS)],
)
def test_the_vacuum_runs_once_a_large_tables_deleted_rows_reach_a_quarter_of_it(
    tmp_path: Path, deleted_every: int | None, share: float, tasks: int
) -> None:
    warehouse = _warehouse_with_deletes(tmp_path / "warehouse.duckdb", deleted_every)

    shares = deleted_row_shares(warehouse)

    # the small table's half is left out: it is below the size that counts
    assert set(shares) == {"intermediate.large"}
    assert shares["intermediate.large"] == pytest.approx(share)
    assert vacuum_tasks(warehouse) == tasks
    # counted at any size, the small table alone asks for it
    assert deleted_row_shares(warehouse, large_table_rows=1)["intermediate.small"] == pytest.approx(0.5)
    assert vacuum_tasks(warehouse, large_table_rows=1) == VACUUM_TASKS


def test_the_shares_of_an_attached_file_are_its_own(tmp_path: Path) -> None:
    attached = _warehouse_with_deletes(tmp_path / "attached.duckdb", deleted_every=2)
    with duckdb.connect() as con:
        con.execute("create table large as select range as i from range(200000)")  # in memory: nothing deleted
        con.execute(f"attach '{attached}' as attached (read_only)")

        assert deleted_row_shares_in(con, "attached") == {"intermediate.large": pytest.approx(0.5)}
        assert vacuum_tasks_in(con, "attached") == VACUUM_TASKS
        assert vacuum_tasks_in(con, "memory") == 0


def _stored_rows(path: Path, table: str) -> int:
    """The rows `table` stores, its deleted rows not yet vacuumed included."""
    with duckdb.connect(str(path), read_only=True) as con:
        query = f"select estimated_size from duckdb_tables() where schema_name || '.' || table_name = '{table}'"
        return con.execute(query).fetchone()[0]  # type: ignore[index]


def _write_one_row(con: duckdb.DuckDBPyConnection) -> None:
    """A small write, as a notification tick makes: the connection checkpoints as it closes."""
    con.execute("create table if not exists intermediate.outbox (i integer)")
    con.execute("insert into intermediate.outbox values (1)")


def test_a_connection_that_writes_never_vacuums_when_it_closes(tmp_path: Path) -> None:
    """Half of a large table deleted by an earlier session: DuckDB's default vacuum would compact it at
    the next checkpoint of any connection, whatever that connection wrote (seconds at M)."""
    ours = _warehouse_with_deletes(tmp_path / "ours.duckdb", deleted_every=2)
    default = Path(shutil.copy(ours, tmp_path / "default.duckdb"))

    with connect(ours) as con:
        _write_one_row(con)
    with duckdb.connect(str(default)) as con:
        _write_one_row(con)

    assert _stored_rows(ours, "intermediate.large") == 300_000
    assert _stored_rows(default, "intermediate.large") < 300_000


def test_a_publication_compacts_the_serving_file_once_its_deleted_rows_pile_up(
    tiny_warehouse: Path, tmp_path: Path
) -> None:
    warehouse = copy_warehouse(tiny_warehouse, tmp_path)
    serving = ServingPaths(tmp_path / "serving")
    publish_serving_copy(warehouse, serving)
    with connect(serving.database) as con:  # a large table of the serving file loses half its rows
        con.execute("create schema if not exists intermediate")
        con.execute("create table intermediate.large as select range as i from range(300000)")
    with connect(serving.database) as con:
        con.execute("delete from intermediate.large where i % 2 = 0")
    assert _stored_rows(serving.database, "intermediate.large") == 300_000

    publish_serving_copy(warehouse, serving)

    assert _stored_rows(serving.database, "intermediate.large") < 300_000
    with duckdb.connect(str(serving.database), read_only=True) as con:
        assert con.execute("select count(*) from intermediate.large").fetchone() == (150_000,)


def test_a_new_warehouse_has_nothing_to_compact(tmp_path: Path) -> None:
    assert vacuum_tasks(tmp_path / "missing.duckdb") == 0


def test_dbt_opens_the_warehouse_with_the_runs_choice_and_duckdbs_default_without_one(
    tiny_dbt_warehouse: Path, tmp_path: Path
) -> None:
    warehouse = copy_warehouse(tiny_dbt_warehouse, tmp_path)
    show = ["show", "--inline", "select current_setting('max_vacuum_tasks') as vacuum_tasks_setting"]

    chosen = run_dbt(warehouse, show, tmp_path / "dbt_target", settings={VACUUM_VARIABLE: "0"})
    default = run_dbt(warehouse, show, tmp_path / "dbt_target", settings={VACUUM_VARIABLE: None})

    assert _shown_value(chosen) == "0"
    assert _shown_value(default) == str(VACUUM_TASKS)


def _shown_value(output: str) -> str:
    """The one value of `dbt show`'s table."""
    rows = [line for line in output.splitlines() if line.strip().startswith("|")]
    header, *values = rows
    assert "vacuum_tasks_setting" in header
    return values[-1].strip(" |")
