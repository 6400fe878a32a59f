"""Every Monday at 07:00 in the company time zone, the report of the last complete day (Sunday).

The nightly run has built Sunday's marts at 01:30, so the report reads figures that are final.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

import dagster as dg

from orchestration.defs.report.assets import last_complete_day
from orchestration.defs.report.jobs import executive_report_job
from orchestration.settings import load_company_settings

COMPANY_TIMEZONE = load_company_settings().timezone


@dg.schedule(job=executive_report_job, cron_schedule="0 7 * * 1", execution_timezone=COMPANY_TIMEZONE)
def weekly_executive_report(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    scheduled = context.scheduled_execution_time or datetime.now(ZoneInfo(COMPANY_TIMEZONE))
    as_of = last_complete_day(scheduled, COMPANY_TIMEZONE).isoformat()
    return dg.RunRequest(
        run_key=f"report-{as_of}",
        run_config={"ops": {"executive_report": {"config": {"as_of_date": as_of}}}},
    )
