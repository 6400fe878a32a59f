"""Building a warehouse for a test, and reading its marts back as plain rows.

Hand-made cases go through the same loader and the same dbt project as a real run, but skip Dagster's
start-up: dbt runs as a plain subprocess (in-process dbt would keep the DuckDB file open and lock the
test out of reading it). The end-to-end tests use the real `quotas` command.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from orchestration.dbt_invocation import CODE_VERSION_VARIABLE, dbt_snapshot_args, dbt_vars
from orchestration.defs.transform.project import DBT_PROJECT_DIR, code_version, dbt_executable, ensure_manifest
from orchestration.mart_queries import MARTS
from orchestration.settings import CompanySettings
from orchestration.source_loading import load_source_into_raw
from orchestration.warehouse import connect


class DbtFailed(AssertionError):
    pass


def reusable_models() -> dict[str, dict[str, Any]]:
    """The dbt models materialized as `reusable_table`, by unique id (from the project's manifest)."""
    manifest = json.loads(ensure_manifest().read_text())
    return {
        unique_id: node
        for unique_id, node in manifest["nodes"].items()
        if node["resource_type"] == "model" and node["config"]["materialized"] == "reusable_table"
    }


def run_dbt(warehouse: Path, args: list[str], target_dir: Path, reuse_tables: bool = True) -> str:
    """Run one dbt command on `warehouse`; return its output, or fail the test with dbt's own output.

    As in a pipeline run, dbt is told the code version, so unchanged reusable tables are reused; without
    it (`reuse_tables=False`, like dbt by hand) every table is rebuilt."""
    environment = {**os.environ, "QUOTAS_WAREHOUSE": str(warehouse), "DO_NOT_TRACK": "1"}
    environment.pop(CODE_VERSION_VARIABLE, None)
    if reuse_tables:
        environment[CODE_VERSION_VARIABLE] = code_version()
    completed = subprocess.run(
        [
            dbt_executable(),
            *args,
            "--project-dir",
            str(DBT_PROJECT_DIR),
            "--profiles-dir",
            str(DBT_PROJECT_DIR),
            "--target-path",
            str(target_dir),
        ],
        capture_output=True,
        text=True,
        env=environment,
        cwd=DBT_PROJECT_DIR,
        check=False,
    )
    if completed.returncode != 0:
        raise DbtFailed(f"dbt {args[0]} failed:\n{completed.stdout[-4000:]}\n{completed.stderr[-2000:]}")
    return completed.stdout


def build_warehouse(
    source_dir: Path,
    warehouse: Path,
    as_of: date,
    timezone: str = "UTC",
    currency: str = "USD",
) -> Path:
    """Load `source_dir` and build every model and data test as of `as_of`; returns the warehouse path."""
    settings = CompanySettings(timezone=timezone, reporting_currency=currency)
    load_source_into_raw(warehouse, source_dir)
    variables = json.dumps(dbt_vars(as_of, settings))
    run_dbt(
        warehouse,
        ["build", "--vars", variables, "--exclude-resource-type", "unit_test"],
        warehouse.parent / "dbt_target",
    )
    return warehouse


def write_snapshots(
    warehouse: Path, first_day: date, last_day: date, timezone: str = "UTC", currency: str = "USD"
) -> None:
    """Write the snapshot days [first_day, last_day] with the same dbt command a partitioned run uses."""
    args = dbt_snapshot_args(first_day, last_day, CompanySettings(timezone=timezone, reporting_currency=currency))
    run_dbt(warehouse, [*args, "--select", "tag:snapshot_history"], warehouse.parent / "dbt_target")


def reload_source(
    warehouse: Path, source_dir: Path, as_of: date, timezone: str = "UTC", reuse_tables: bool = True
) -> None:
    """Load a changed source and rebuild every model but the snapshot history (as a daily run would)."""
    settings = CompanySettings(timezone=timezone)
    load_source_into_raw(warehouse, source_dir)
    run_dbt(
        warehouse,
        [
            "build",
            "--vars",
            json.dumps(dbt_vars(as_of, settings)),
            "--exclude-resource-type",
            "unit_test",
            "--exclude",
            "tag:snapshot_history",
        ],
        warehouse.parent / "dbt_target",
        reuse_tables,
    )


def reused_tables(warehouse: Path) -> set[str]:
    """The tables the last dbt invocation on `warehouse` reused (its run_results.json says REUSED)."""
    results = json.loads((warehouse.parent / "dbt_target" / "run_results.json").read_text())
    manifest = json.loads(ensure_manifest().read_text())
    return {
        f"{manifest['nodes'][result['unique_id']]['schema']}.{manifest['nodes'][result['unique_id']]['alias']}"
        for result in results["results"]
        if result.get("adapter_response", {}).get("_message") == "REUSED"
    }


def _plain(value: Any) -> Any:
    return float(value) if isinstance(value, Decimal) else value


def read_mart(warehouse: Path, name: str, where: str = "true") -> list[dict[str, Any]]:
    with connect(warehouse, read_only=True) as con:
        cursor = con.execute(f"select * from marts.{name} where {where}")
        columns = [column[0] for column in cursor.description]
        return [dict(zip(columns, map(_plain, row), strict=True)) for row in cursor.fetchall()]


RESULT_MARTS = tuple(mart for mart in MARTS if mart != "quarantine")
"""The marts that hold results: every number the product shows (the quarantine and the outbox aside)."""


def differing_rows(left: Path, right: Path, relations: Iterable[str]) -> dict[str, tuple[int, int]]:
    """For each relation whose rows differ between two warehouses: (rows only in left, rows only in right).

    Compared as multisets of whole rows, so an empty dict means the relations are equal, row for row."""
    found: dict[str, tuple[int, int]] = {}
    with connect(left, read_only=True) as con:
        con.execute(f"attach '{right}' as other (read_only)")
        for relation in relations:
            only_left = con.execute(f"select count(*) from (from {relation} except all from other.{relation})")
            left_count = int(only_left.fetchone()[0])  # type: ignore[index]
            only_right = con.execute(f"select count(*) from (from other.{relation} except all from {relation})")
            right_count = int(only_right.fetchone()[0])  # type: ignore[index]
            if left_count or right_count:
                found[relation] = (left_count, right_count)
    return found
