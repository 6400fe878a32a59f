"""DuckDB compacts the warehouse as dbt closes it only once a large table's deleted rows have piled up.

orchestration/defs/transform/dbt_vacuum.py reads each large table's deleted rows from DuckDB's catalogue
and turns the vacuum of dbt's closing checkpoint on or off; the dbt profile passes the choice to DuckDB.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from orchestration.defs.transform.dbt_vacuum import VACUUM_TASKS, VACUUM_VARIABLE, deleted_row_shares, vacuum_tasks
from tests.support.warehouse import copy_warehouse, run_dbt


def _warehouse_with_deletes(path: Path, deleted_every: int | None) -> Path:
    """A large table of 200,000 rows with every n-th row deleted, and a small one with half deleted."""
    with duckdb.connect(str(path)) as con:
        con.execute("create schema intermediate")
        con.execute("create table intermediate.large as select range as i from range(200000)")
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
