"""The dbt models, from staging to the marts, as Dagster assets (dbt tests become asset checks).

The incremental models (the snapshot history) are partitioned by day and defined in `defs/snapshots`;
everything else is rebuilt by each run as of its date.
"""

import hashlib
import os
from datetime import date
from pathlib import Path

import dagster as dg
from dagster_dbt import DagsterDbtTranslatorSettings, DbtCliResource, dbt_assets

from orchestration.dbt_invocation import dbt_build_args
from orchestration.defs.transform.project import DBT_PROJECT_DIR, ensure_manifest, quota_dbt_project
from orchestration.defs.transform.translator import QuotaDbtTranslator
from orchestration.resources import PipelineSettings

TRANSLATOR = QuotaDbtTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))


def point_dbt_at_warehouse(pipeline: PipelineSettings) -> None:
    """dbt's profile reads the warehouse path from this variable: the same path the ingest assets used."""
    os.environ["QUOTAS_WAREHOUSE"] = str(pipeline.warehouse_path)
    os.environ.setdefault("DO_NOT_TRACK", "1")


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


@dbt_assets(
    manifest=ensure_manifest(),
    project=quota_dbt_project,
    dagster_dbt_translator=TRANSLATOR,
    exclude="config.materialized:incremental",
)
def quota_dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, pipeline: PipelineSettings):
    """Build the ledger and marts as of the run's date, in the company's time zone and currency."""
    point_dbt_at_warehouse(pipeline)
    args = dbt_build_args(run_as_of(context, pipeline), pipeline.company)
    target = dbt_target_path(pipeline, "quota_dbt_models")
    yield from dbt.cli(args, context=context, target_path=target).stream()
