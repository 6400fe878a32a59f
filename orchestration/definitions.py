"""Dagster's entry point: every domain's definitions from `defs/`, with the shared resources."""

from __future__ import annotations

import dagster as dg
from dagster_dbt import DbtCliResource

from orchestration.defs.ingest.assets import raw_source_tables
from orchestration.defs.pipeline.jobs import quota_pipeline
from orchestration.defs.transform.assets import quota_dbt_models
from orchestration.defs.transform.project import dbt_executable, quota_dbt_project
from orchestration.resources import PipelineSettings

defs = dg.Definitions(
    assets=[raw_source_tables, quota_dbt_models],
    jobs=[quota_pipeline],
    resources={
        "pipeline": PipelineSettings.from_environment(),
        "dbt": DbtCliResource(project_dir=quota_dbt_project, dbt_executable=dbt_executable()),
    },
)
