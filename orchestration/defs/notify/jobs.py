"""The notification run: record what is newly due in the outbox, then deliver what is pending."""

import dagster as dg

from orchestration.notifications.settings import load_notification_settings
from orchestration.notifications.tick import run_tick
from orchestration.resources import PipelineSettings


@dg.op(description="Record newly reached thresholds, goals and milestones; deliver pending notifications.")
def send_notifications(context: dg.OpExecutionContext, pipeline: PipelineSettings) -> None:
    summary = run_tick(pipeline.warehouse_path, load_notification_settings())
    for line in summary.lines():
        context.log.info(line)
    if summary.failed:
        context.log.warning(f"{len(summary.failed)} notification(s) failed for good")


@dg.job(description="Deliver achievement notifications (requested by the notification sensor).")
def notify_job() -> None:
    send_notifications()
