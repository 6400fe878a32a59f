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
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslatorSettings, DbtCliResource, dbt_assets

from orchestration.dbt_invocation import CODE_VERSION_VARIABLE, dbt_pipeline_build_args, dbt_settings_environment
from orchestration.defs.transform.project import DBT_PROJECT_DIR, code_version, ensure_manifest, quota_dbt_project
from orchestration.defs.transform.snapshot_handoff import (
    SnapshotHandoff,
    run_includes_snapshots,
    run_partition_window,
)
from orchestration.defs.transform.translator import QuotaDbtTranslator
from orchestration.resources import PipelineSettings

TRANSLATOR = QuotaDbtTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))


def point_dbt_at_warehouse(pipeline: PipelineSettings) -> None:
    """dbt's profile reads the warehouse path from this variable: the same path the ingest assets used."""
    os.environ["QUOTAS_WAREHOUSE"] = str(pipeline.warehouse_path)
    os.environ.setdefault("DO_NOT_TRACK", "1")


def set_dbt_settings(as_of: date, pipeline: PipelineSettings, snapshot_window: tuple[date, date] | None) -> None:
    """The run's settings, for the dbt process this step starts (it inherits this environment)."""
    os.environ.update(dbt_settings_environment(as_of, pipeline.company, snapshot_window))
    os.environ[CODE_VERSION_VARIABLE] = code_version()


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


def _snapshot_model_names() -> list[str]:
    return sorted(
        node["name"]
        for node in _manifest()["nodes"].values()
        if node["resource_type"] == "model" and "snapshot_history" in node.get("tags", [])
    )


def _build_with_snapshots(
    context: dg.AssetExecutionContext,
    dbt: DbtCliResource,
    target: Path,
    window: tuple[date, date],
    full_refresh: bool,
) -> Iterator[Any]:
    """One `dbt build` of this step's selected models and the snapshot models for `window`.

    dbt's events are turned into this step's outputs and checks; the snapshot models' results are kept
    for the snapshot step (it reports them in the same run) in a note beside the run's artifacts.
    """
    names = _dbt_names_by_asset_key()
    own_keys = set(context.assets_def.keys)
    selected = context.selected_asset_keys
    select = None if selected == own_keys else [names[key] for key in sorted(selected) if key in names]
    if select is not None:
        select += _snapshot_model_names()
    invocation = dbt.cli(
        dbt_pipeline_build_args(select, full_refresh),
        manifest=_manifest(),
        dagster_dbt_translator=TRANSLATOR,
        target_path=target,
    )
    note = SnapshotHandoff(context.run_id, window[0].isoformat(), window[1].isoformat())
    selected_checks = context.selected_asset_check_keys
    for raw_event in invocation.stream_raw_events():
        for event in raw_event.to_default_asset_events(
            manifest=_manifest(), dagster_dbt_translator=TRANSLATOR, context=None, target_path=target
        ):
            if isinstance(event, dg.AssetMaterialization):
                if event.asset_key in selected:
                    yield dg.Output(None, output_name=event.asset_key.to_python_identifier(), metadata=event.metadata)
                elif event.asset_key not in own_keys:
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
                elif event.asset_key not in own_keys:
                    note.checks.append(
                        {
                            "asset_key": event.asset_key.to_user_string(),
                            "check_name": event.check_name,
                            "passed": event.passed,
                            "severity": event.severity.value,
                        }
                    )
    note.write(target)


@dbt_assets(
    manifest=ensure_manifest(),
    project=quota_dbt_project,
    dagster_dbt_translator=TRANSLATOR,
    exclude="tag:snapshot_history",
)
def quota_dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, pipeline: PipelineSettings):
    """Build the ledger and marts as of the run's date, in the company's time zone and currency (and, when
    the run includes them, the snapshots of its partition window)."""
    point_dbt_at_warehouse(pipeline)
    as_of = run_as_of(context, pipeline)
    window = run_partition_window(context) if run_includes_snapshots(context) else None
    set_dbt_settings(as_of, pipeline, window)
    target = dbt_target_path(pipeline, "quota_dbt_models")
    if window is None:
        args = dbt_pipeline_build_args(full_refresh=pipeline.full_refresh)
        yield from dbt.cli(args, context=context, target_path=target).stream()
        return
    context.log.info(f"building the models and the quota snapshots for {window[0]} .. {window[1]} in one dbt run")
    yield from _build_with_snapshots(context, dbt, target, window, pipeline.full_refresh)
