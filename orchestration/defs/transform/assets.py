"""The dbt models, from staging to the marts, as Dagster assets (dbt tests become asset checks).

The snapshot history (the models tagged `snapshot_history`) is partitioned by day and defined in
`defs/snapshots`; everything else is brought up to date by each run as of its date (the daily values
incrementally, by credit date; see int_ledger_changed_dates). A run that includes the snapshots builds them in
this step's dbt invocation (see snapshot_handoff.py): one dbt start-up per run, not two.
"""

import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslatorSettings, dbt_assets

from orchestration.dbt_invocation import (
    CODE_VERSION_VARIABLE,
    dbt_pipeline_build_args,
    dbt_pipeline_test_args,
    dbt_settings_environment,
)
from orchestration.defs.transform.dbt_resource import DbtResource
from orchestration.defs.transform.dbt_server import DbtInvocation
from orchestration.defs.transform.dbt_threads import dbt_threads_args
from orchestration.defs.transform.project import DBT_PROJECT_DIR, code_version, ensure_manifest, quota_dbt_project
from orchestration.defs.transform.snapshot_handoff import (
    SnapshotHandoff,
    run_includes_snapshots,
    run_partition_window,
)
from orchestration.defs.transform.translator import QuotaDbtTranslator
from orchestration.resources import PipelineSettings
from orchestration.vacuum_policy import VACUUM_VARIABLE, vacuum_tasks

TRANSLATOR = QuotaDbtTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))
SNAPSHOT_TAG = "snapshot_history"
SNAPSHOT_SELECTOR = f"tag:{SNAPSHOT_TAG}"


@dataclass(frozen=True)
class DbtSelection:
    """A dbt definition's own selection: what `dbt build` selects when all of its assets are asked for."""

    select: list[str] | None = None
    exclude: str | None = None
    also: list[str] = field(default_factory=list)
    """Models built beside any subset of the definition's assets (the snapshot window of a run)."""


def set_dbt_settings(as_of: date, pipeline: PipelineSettings, snapshot_window: tuple[date, date] | None) -> None:
    """The run's settings, for the dbt process this step starts (it inherits this environment), and
    whether DuckDB compacts the tables when dbt closes the warehouse (orchestration/vacuum_policy.py)."""
    os.environ.update(dbt_settings_environment(as_of, pipeline.company, snapshot_window))
    os.environ[CODE_VERSION_VARIABLE] = code_version()
    os.environ[VACUUM_VARIABLE] = str(vacuum_tasks(pipeline.warehouse_path))


def dbt_target_path(pipeline: PipelineSettings, definition: str) -> Path:
    """A stable dbt target directory per warehouse and dbt definition.

    By default every invocation gets a new directory (about 7 MB a day, forever). One warehouse is never
    written by two runs at once, so its runs can share a directory, which also lets dbt reuse its parse.
    """
    warehouse_key = hashlib.sha256(str(pipeline.warehouse_path).encode()).hexdigest()[:12]
    return DBT_PROJECT_DIR / "target" / "runs" / warehouse_key / definition


def run_as_of(context: dg.AssetExecutionContext, pipeline: PipelineSettings) -> date:
    """The configured as-of date; else the day of the run's partition (a daily run); else today."""
    if pipeline.as_of_date:
        return pipeline.as_of()
    partition = context.run.tags.get("dagster/partition")
    return date.fromisoformat(partition) if partition else pipeline.as_of()


@cache
def _manifest() -> dict[str, Any]:
    return json.loads(ensure_manifest().read_text())


@cache
def _dbt_names_by_asset_key() -> dict[dg.AssetKey, str]:
    manifest = _manifest()
    return {
        TRANSLATOR.get_asset_spec(manifest, unique_id, quota_dbt_project).key: node["name"]
        for unique_id, node in manifest["nodes"].items()
        if node["resource_type"] in ("model", "seed")
    }


@cache
def _snapshot_asset_keys() -> frozenset[dg.AssetKey]:
    snapshot_names = set(snapshot_model_names())
    return frozenset(key for key, name in _dbt_names_by_asset_key().items() if name in snapshot_names)


def snapshot_model_names() -> list[str]:
    return sorted(
        node["name"]
        for node in _manifest()["nodes"].values()
        if node["resource_type"] == "model" and SNAPSHOT_TAG in node.get("tags", [])
    )


def selected_dbt_args(context: dg.AssetExecutionContext, full_refresh: bool, whole: DbtSelection) -> list[str]:
    """The dbt command for what this step was asked to do.

    All of the definition's assets: `whole` (its own selection). Some: those models by name (dbt runs
    their tests too), and `whole.also`. Checks without their assets: `dbt test` of the checked models, so
    nothing is rebuilt that was not asked for.
    """
    names = _dbt_names_by_asset_key()
    selected = context.selected_asset_keys
    if not context.is_subset:
        return dbt_pipeline_build_args(whole.select, full_refresh, whole.exclude)
    if not selected:
        return dbt_pipeline_test_args(sorted({names[check.asset_key] for check in context.selected_asset_check_keys}))
    return dbt_pipeline_build_args([names[key] for key in sorted(selected)] + whole.also, full_refresh)


def dagster_events(
    context: dg.AssetExecutionContext, invocation: DbtInvocation, note: SnapshotHandoff | None = None
) -> Iterator[Any]:
    """Run `invocation` and turn dbt's results into this step's outputs and check results.

    Results of nodes outside this step's selection are not this step's to report: the snapshot models a
    ledger step builds for its run are written into `note` for the snapshot step, the rest are dropped.
    """
    snapshot_keys = _snapshot_asset_keys() if note is not None else frozenset()
    selected = context.selected_asset_keys
    selected_checks = context.selected_asset_check_keys
    context.log.info(f"Running dbt command: `{invocation.command}` (by the dbt server, a fork of this process)")
    for raw_event in invocation.events():
        for event in raw_event.to_default_asset_events(
            manifest=_manifest(), dagster_dbt_translator=TRANSLATOR, context=None, target_path=invocation.target_path
        ):
            if isinstance(event, dg.AssetMaterialization):
                if event.asset_key in selected:
                    yield dg.Output(None, output_name=event.asset_key.to_python_identifier(), metadata=event.metadata)
                elif event.asset_key in snapshot_keys:
                    note.materialized.append(event.asset_key.to_user_string())
            elif isinstance(event, dg.AssetCheckEvaluation):
                check_key = dg.AssetCheckKey(event.asset_key, event.check_name)
                if check_key in selected_checks:
                    yield dg.AssetCheckResult(
                        asset_key=event.asset_key,
                        check_name=event.check_name,
                        passed=event.passed,
                        severity=event.severity,
                        metadata=event.metadata,
                    )
                elif event.asset_key in snapshot_keys:
                    note.checks.append(
                        {
                            "asset_key": event.asset_key.to_user_string(),
                            "check_name": event.check_name,
                            "passed": event.passed,
                            "severity": event.severity.value,
                        }
                    )
    context.log.info(f"Finished dbt command: `{invocation.command}`")


@dbt_assets(
    manifest=ensure_manifest(),
    project=quota_dbt_project,
    dagster_dbt_translator=TRANSLATOR,
    exclude=SNAPSHOT_SELECTOR,
)
def quota_dbt_models(context: dg.AssetExecutionContext, dbt: DbtResource, pipeline: PipelineSettings):
    """Build the ledger and marts as of the run's date, in the company's time zone and currency (and, when
    the run includes them, the snapshots of its partition window)."""
    as_of = run_as_of(context, pipeline)
    window = run_partition_window(context) if run_includes_snapshots(context) else None
    set_dbt_settings(as_of, pipeline, window)
    target = dbt_target_path(pipeline, "quota_dbt_models")
    if window is None or not context.selected_asset_keys:
        # checks alone build nothing: the snapshot step of this run, if any, builds its window itself
        args = selected_dbt_args(context, pipeline.full_refresh, DbtSelection(exclude=SNAPSHOT_SELECTOR))
        args += dbt_threads_args(pipeline.warehouse_path, pipeline.full_refresh)
        yield from dagster_events(context, dbt.invocation(args, target, pipeline.warehouse_path))
        return
    context.log.info(f"building the models and the quota snapshots for {window[0]} .. {window[1]} in one dbt run")
    note = SnapshotHandoff(context.run_id, window[0].isoformat(), window[1].isoformat())
    args = selected_dbt_args(context, pipeline.full_refresh, DbtSelection(also=snapshot_model_names()))
    args += dbt_threads_args(pipeline.warehouse_path, pipeline.full_refresh)
    yield from dagster_events(context, dbt.invocation(args, target, pipeline.warehouse_path), note)
    note.write(target)
