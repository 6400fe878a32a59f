"""Building a warehouse for a test, and reading its marts back as plain rows.

Hand-made cases go through the same loader and the same dbt project as a real run, but skip Dagster's
start-up: dbt runs in a fork of the test's process, as in a run (dbt_server.py). The end-to-end tests use
the real `quotas` command.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from orchestration.dbt_invocation import CODE_VERSION_VARIABLE, dbt_pipeline_build_args, dbt_settings_environment
from orchestration.defs.transform.dbt_server import DbtInvocation, DbtInvocationError
from orchestration.defs.transform.project import DBT_PROJECT_DIR, code_version, ensure_manifest
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


@contextlib.contextmanager
def _environment(values: dict[str, str | None]) -> Iterator[None]:
    """Set (or, for None, remove) environment variables for the duration of a block."""
    saved = {name: os.environ.get(name) for name in values}
    try:
        for name, value in values.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def run_dbt(
    warehouse: Path,
    args: list[str],
    target_dir: Path,
    reuse_tables: bool = True,
    settings: dict[str, str] | None = None,
) -> str:
    """Run one dbt command on `warehouse`, in a fork of this process as a pipeline run does; return dbt's
    output, or fail the test with it.

    `settings` are the run's DBT_QUOTAS_* environment variables (the pipeline's way; `--vars` in `args`
    work too, and win). As in a pipeline run, dbt is told the code version, so unchanged reusable tables
    are reused; without it (`reuse_tables=False`, like dbt by hand) every table is rebuilt."""
    environment: dict[str, str | None] = {
        **(settings or {}),
        "DO_NOT_TRACK": "1",
        CODE_VERSION_VARIABLE: code_version() if reuse_tables else None,
    }
    output = io.StringIO()
    invocation = DbtInvocation(args, DBT_PROJECT_DIR, target_dir, warehouse)
    with _environment(environment), contextlib.redirect_stdout(output):
        try:
            for _ in invocation.events():
                pass
        except DbtInvocationError as error:
            raise DbtFailed(f"dbt {args[0]} failed: {error}\n{output.getvalue()[-4000:]}") from None
    return output.getvalue()


def build_warehouse(
    source_dir: Path,
    warehouse: Path,
    as_of: date,
    timezone: str = "UTC",
    currency: str = "USD",
) -> Path:
    """Load `source_dir` and build every model and data test as of `as_of`; returns the warehouse path."""
    company = CompanySettings(timezone=timezone, reporting_currency=currency)
    load_source_into_raw(warehouse, source_dir)
    run_dbt(
        warehouse,
        dbt_pipeline_build_args(),
        warehouse.parent / "dbt_target",
        settings=dbt_settings_environment(as_of, company),
    )
    return warehouse


def write_snapshots(
    warehouse: Path, first_day: date, last_day: date, timezone: str = "UTC", currency: str = "USD"
) -> None:
    """Write the snapshot days [first_day, last_day] with the same dbt command a partitioned run uses."""
    company = CompanySettings(timezone=timezone, reporting_currency=currency)
    run_dbt(
        warehouse,
        dbt_pipeline_build_args(["tag:snapshot_history"]),
        warehouse.parent / "dbt_target",
        settings=dbt_settings_environment(last_day, company, (first_day, last_day)),
    )


def reload_source(
    warehouse: Path, source_dir: Path, as_of: date, timezone: str = "UTC", reuse_tables: bool = True
) -> None:
    """Load a changed source and rebuild every model but the snapshot history (as a daily run would)."""
    load_source_into_raw(warehouse, source_dir)
    run_dbt(
        warehouse,
        dbt_pipeline_build_args(exclude="tag:snapshot_history"),
        warehouse.parent / "dbt_target",
        reuse_tables,
        settings=dbt_settings_environment(as_of, CompanySettings(timezone=timezone)),
    )


def copy_warehouse(warehouse: Path, directory: Path) -> Path:
    """A copy of `warehouse` in `directory`, under the same file name: dbt's views name the catalog by it,
    so a copy under another name would read nothing through them."""
    directory.mkdir(parents=True, exist_ok=True)
    copy = directory / warehouse.name
    shutil.copy(warehouse, copy)
    return copy


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
