"""The dbt models, from staging to the marts, as Dagster assets (dbt tests become asset checks)."""

import os

import dagster as dg
from dagster_dbt import DagsterDbtTranslatorSettings, DbtCliResource, dbt_assets

from orchestration.dbt_invocation import dbt_build_args
from orchestration.defs.transform.project import ensure_manifest, quota_dbt_project
from orchestration.defs.transform.translator import QuotaDbtTranslator
from orchestration.resources import PipelineSettings

TRANSLATOR = QuotaDbtTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))


@dbt_assets(manifest=ensure_manifest(), project=quota_dbt_project, dagster_dbt_translator=TRANSLATOR)
def quota_dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, pipeline: PipelineSettings):
    """Build the ledger and marts as of the run's date, in the company's time zone and currency."""
    # dbt's profile reads the warehouse path from this variable: the same value the ingest assets used.
    os.environ["QUOTAS_WAREHOUSE"] = str(pipeline.warehouse_path)
    os.environ.setdefault("DO_NOT_TRACK", "1")
    args = dbt_build_args(pipeline.as_of(), pipeline.company)
    yield from dbt.cli(args, context=context).stream()
