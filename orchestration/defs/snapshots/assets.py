"""The daily quota snapshots: the dbt models materialised incrementally, one partition per day.

A run of any number of partitions is one dbt invocation over the whole window (single-run backfill
policy): a year of history is written by one run, not 365.
"""

from datetime import date

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from orchestration.dbt_invocation import dbt_snapshot_args
from orchestration.defs.snapshots.partitions import daily_snapshot_partitions
from orchestration.defs.transform.assets import TRANSLATOR, dbt_target_path, point_dbt_at_warehouse
from orchestration.defs.transform.project import ensure_manifest, quota_dbt_project
from orchestration.resources import PipelineSettings

INCREMENTAL_MODELS = "config.materialized:incremental"


@dbt_assets(
    manifest=ensure_manifest(),
    project=quota_dbt_project,
    dagster_dbt_translator=TRANSLATOR,
    select=INCREMENTAL_MODELS,
    partitions_def=daily_snapshot_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    name="quota_snapshot_models",
)
def quota_snapshot_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, pipeline: PipelineSettings):
    """Write every active quota's value and attainment for each day of the run's partition window."""
    point_dbt_at_warehouse(pipeline)
    keys = context.partition_key_range
    first_day, last_day = date.fromisoformat(keys.start), date.fromisoformat(keys.end)
    context.log.info(f"writing quota snapshots for {first_day} .. {last_day}")
    args = dbt_snapshot_args(first_day, last_day, pipeline.company)
    target = dbt_target_path(pipeline, "quota_snapshot_models")
    yield from dbt.cli(args, context=context, target_path=target).stream()
