"""The notification sensor: looks, never acts. It reads the marts read-only, and when something is newly
due (an event not yet in the outbox) or a pending notification's retry time has come, it requests a
notification run. Its cursor is the set of events it has already requested, so a restart requests
nothing twice; the outbox's unique keys make even a repeated request harmless.
"""

import hashlib
import json
from datetime import UTC, datetime

import dagster as dg
import duckdb

from orchestration.defs.notify.jobs import notify_job
from orchestration.notifications import outbox
from orchestration.notifications.detection import due_event_keys, outbox_exists
from orchestration.notifications.settings import load_notification_settings
from orchestration.resources import PipelineSettings
from orchestration.warehouse import connect


def pending_work(pipeline: PipelineSettings) -> tuple[set[str], int]:
    """(events due and not yet recorded, pending deliveries whose time has come), read-only."""
    settings = load_notification_settings()
    with connect(pipeline.warehouse_path, read_only=True) as con:
        new = due_event_keys(con, settings)
        retries = len(outbox.due_for_delivery_read_only(con, datetime.now(UTC))) if outbox_exists(con) else 0
    return new, retries


@dg.sensor(job=notify_job, minimum_interval_seconds=60, default_status=dg.DefaultSensorStatus.RUNNING)
def notification_sensor(context: dg.SensorEvaluationContext, pipeline: PipelineSettings):
    if not pipeline.warehouse_path.exists():
        return dg.SkipReason(f"no warehouse at {pipeline.warehouse_path} yet")
    try:
        new, retries = pending_work(pipeline)
    except duckdb.Error as error:  # a run holds the file for writing, or the marts are not built yet
        return dg.SkipReason(f"warehouse not readable now: {str(error).splitlines()[0]}")
    already_requested = set(json.loads(context.cursor)) if context.cursor else set()
    to_request = new - already_requested
    if not to_request and not retries:
        return dg.SkipReason("nothing new to announce")
    fingerprint = hashlib.sha256(json.dumps(sorted(to_request)).encode()).hexdigest()[:16]
    context.update_cursor(json.dumps(sorted(already_requested | new)))
    run_key = f"events-{fingerprint}" if to_request else f"retry-{datetime.now(UTC):%Y%m%dT%H%M}"
    return dg.RunRequest(run_key=run_key, tags={"quotas/new_events": str(len(to_request))})
