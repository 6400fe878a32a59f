"""Dagster's entry point: every domain's definitions from `defs/`, with the shared resources."""

import dagster as dg

from orchestration.defs.ingest.assets import raw_source_tables
from orchestration.defs.notify.jobs import notify_job
from orchestration.defs.notify.sensors import notification_sensor
from orchestration.defs.pipeline.jobs import quota_pipeline, snapshot_backfill, snapshot_write
from orchestration.defs.report.assets import executive_report
from orchestration.defs.report.jobs import executive_report_job
from orchestration.defs.report.schedules import weekly_executive_report
from orchestration.defs.serving.assets import application_tables, docs_site, serving_copy
from orchestration.defs.snapshots.assets import quota_snapshot_models
from orchestration.defs.snapshots.schedules import nightly_quota_run
from orchestration.defs.transform.assets import quota_dbt_models
from orchestration.defs.transform.dbt_resource import DbtResource
from orchestration.defs.transform.project import DBT_PROJECT_DIR
from orchestration.resources import PipelineSettings

defs = dg.Definitions(
    assets=[
        raw_source_tables,
        quota_dbt_models,
        quota_snapshot_models,
        serving_copy,
        docs_site,
        application_tables,
        executive_report,
    ],
    jobs=[quota_pipeline, snapshot_backfill, snapshot_write, notify_job, executive_report_job],
    schedules=[nightly_quota_run, weekly_executive_report],
    sensors=[notification_sensor],
    resources={
        "pipeline": PipelineSettings.from_environment(),
        "dbt": DbtResource(project_dir=str(DBT_PROJECT_DIR)),
    },
)
