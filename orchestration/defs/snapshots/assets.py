"""The daily quota snapshots: the dbt models materialised incrementally, one partition per day.

A run of any number of partitions is one dbt invocation over the whole window (single-run backfill
policy): a year of history is written by one run, not 365. When the run's ledger step already built the
window in its own dbt invocation (see defs/transform/snapshot_handoff.py), this step reports those
results and starts no dbt of its own.
"""

from datetime import date

import dagster as dg
from dagster_dbt import dbt_assets

from orchestration.defs.snapshots.partitions import daily_snapshot_partitions
from orchestration.defs.transform.assets import (
    SNAPSHOT_SELECTOR,
    TRANSLATOR,
    DbtSelection,
    dagster_events,
    dbt_target_path,
    selected_dbt_args,
    set_dbt_settings,
)
from orchestration.defs.transform.dbt_resource import DbtResource
from orchestration.defs.transform.project import ensure_manifest, quota_dbt_project
from orchestration.defs.transform.snapshot_handoff import SnapshotHandoff
from orchestration.resources import PipelineSettings


def _report_handoff(context: dg.AssetExecutionContext, note: SnapshotHandoff):
    for key in note.materialized:
        asset_key = dg.AssetKey.from_user_string(key)
        if asset_key in context.selected_asset_keys:
            yield dg.Output(
                None,
                output_name=asset_key.to_python_identifier(),
                metadata={"written_by": "the ledger step's dbt invocation in this run"},
            )
    for check in note.checks:
        asset_key = dg.AssetKey.from_user_string(check["asset_key"])
        if dg.AssetCheckKey(asset_key, check["check_name"]) in context.selected_asset_check_keys:
            yield dg.AssetCheckResult(
                asset_key=asset_key,
                check_name=check["check_name"],
                passed=check["passed"],
                severity=dg.AssetCheckSeverity(check["severity"]),
            )


@dbt_assets(
    manifest=ensure_manifest(),
    project=quota_dbt_project,
    dagster_dbt_translator=TRANSLATOR,
    select=SNAPSHOT_SELECTOR,
    partitions_def=daily_snapshot_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    name="quota_snapshot_models",
)
def quota_snapshot_models(context: dg.AssetExecutionContext, dbt: DbtResource, pipeline: PipelineSettings):
    """Write every active quota's value and attainment for each day of the run's partition window."""
    keys = context.partition_key_range
    first_day, last_day = date.fromisoformat(keys.start), date.fromisoformat(keys.end)
    note = SnapshotHandoff.read(dbt_target_path(pipeline, "quota_dbt_models"), context.run_id, first_day, last_day)
    if note is not None:
        context.log.info(f"quota snapshots for {first_day} .. {last_day} were written by this run's ledger step")
        yield from _report_handoff(context, note)
        return
    context.log.info(f"writing quota snapshots for {first_day} .. {last_day}")
    set_dbt_settings(last_day, pipeline, (first_day, last_day))
    target = dbt_target_path(pipeline, "quota_snapshot_models")
    args = selected_dbt_args(context, False, DbtSelection(select=[SNAPSHOT_SELECTOR]))
    yield from dagster_events(context, dbt.invocation(args, target, pipeline.warehouse_path))
