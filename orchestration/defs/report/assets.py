"""The executive report as an asset: the HTML page and its charts, written from the marts every week.

It reads the warehouse read-only and writes into `$QUOTAS_REPORT_DIR/<as-of date>/` (default
`data/reports`), so each week's report stays beside the last. When SMTP and `executive_emails` are
configured, the report is also emailed to the executives.
"""

import os
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg

from orchestration.notifications.settings import load_notification_settings
from orchestration.report.build import build_report
from orchestration.resources import PipelineSettings

DEFAULT_REPORT_DIR = "data/reports"
REPORT_MARTS = ("quota_rollups", "leaderboard", "quota_progress", "quota_snapshots", "goals", "goal_milestones")


def report_dir() -> Path:
    return Path(os.environ.get("QUOTAS_REPORT_DIR", DEFAULT_REPORT_DIR))


def last_complete_day(now: datetime, timezone: str) -> date:
    """The day before `now` in the company time zone: the latest day whose figures are final."""
    return (now.astimezone(ZoneInfo(timezone)) - timedelta(days=1)).date()


class ReportConfig(dg.Config):
    as_of_date: str = ""  # default: the last complete day in the company time zone
    metric: str = "revenue"


@dg.asset(
    group_name="reports",
    deps=[dg.AssetKey(["marts", name]) for name in REPORT_MARTS]
    + [dg.AssetKey(["raw", "teams"]), dg.AssetKey(["raw", "users"])],
    kinds={"html"},
    description="The executive report (HTML with its charts embedded, and the charts as PNG files).",
)
def executive_report(
    context: dg.AssetExecutionContext, config: ReportConfig, pipeline: PipelineSettings
) -> dg.MaterializeResult:
    as_of = (
        date.fromisoformat(config.as_of_date)
        if config.as_of_date
        else last_complete_day(datetime.now(ZoneInfo(pipeline.timezone)), pipeline.timezone)
    )
    built = build_report(pipeline.warehouse_path, report_dir() / as_of.isoformat(), as_of, config.metric)
    context.log.info(f"wrote {built.html_path}: {built.subject}")
    notifications = load_notification_settings()
    emailed = ""
    if notifications.smtp and notifications.executive_emails:
        from orchestration.report.mail import email_report

        email_report(built, notifications.smtp, notifications.executive_emails)
        emailed = ", ".join(notifications.executive_emails)
        context.log.info(f"emailed the report to {emailed}")
    company = built.data.company
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(built.html_path.resolve())),
            "as_of": dg.MetadataValue.text(as_of.isoformat()),
            "period": dg.MetadataValue.text(built.data.period.name),
            "company_attainment_percent": dg.MetadataValue.float(company.attainment_percent or 0.0),
            "emailed_to": dg.MetadataValue.text(emailed or "nobody"),
        }
    )
