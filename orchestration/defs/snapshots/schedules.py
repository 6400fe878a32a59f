"""Every night, yesterday's partition: the day that has just ended in the company time zone."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import dagster as dg

from orchestration.defs.pipeline.jobs import quota_pipeline
from orchestration.settings import load_company_settings

COMPANY_TIMEZONE = load_company_settings().timezone


@dg.schedule(job=quota_pipeline, cron_schedule="30 1 * * *", execution_timezone=COMPANY_TIMEZONE)
def nightly_quota_run(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    scheduled = context.scheduled_execution_time or datetime.now(ZoneInfo(COMPANY_TIMEZONE))
    yesterday = (scheduled.astimezone(ZoneInfo(COMPANY_TIMEZONE)) - timedelta(days=1)).date().isoformat()
    return dg.RunRequest(run_key=yesterday, partition_key=yesterday)
