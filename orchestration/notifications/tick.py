"""One notification tick: record what is newly due, then deliver everything pending that is due.

Used by the Dagster notification job (which the sensor requests) and by the command line after a run.
"""

from __future__ import annotations

import os
import signal
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb

from orchestration.notifications import outbox
from orchestration.notifications.channels import Channel, EmailChannel, WebhookChannel
from orchestration.notifications.detection import goal_events, marts_ready, quota_threshold_rows_sql
from orchestration.notifications.settings import NotificationSettings
from orchestration.warehouse import connect

# A test failpoint: the process is killed right after recording, before anything is sent.
FAILPOINT = "QUOTAS_FAILPOINT"


@dataclass
class TickSummary:
    recorded: int = 0
    sent: int = 0
    retrying: int = 0
    failed: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        lines = [f"notifications: {self.recorded} recorded, {self.sent} sent, {self.retrying} to retry"]
        lines += [f"notification failed for good: {failure}" for failure in self.failed]
        return lines


def build_channels(settings: NotificationSettings) -> dict[str, Channel]:
    channels: dict[str, Channel] = {}
    if settings.smtp:
        channels["email"] = EmailChannel(settings.smtp)
    if settings.webhook_url:
        channels["webhook"] = WebhookChannel(settings.webhook_url)
    return channels


def _announce_since(con: duckdb.DuckDBPyConnection, settings: NotificationSettings) -> date | None:
    """Events reached more than `window_days` before the marts' as-of date are history, not news."""
    row = con.execute("select max(as_of_date) from marts.quota_progress").fetchone()
    return row[0] - timedelta(days=settings.window_days) if row and row[0] else None


def run_tick(warehouse: Path, settings: NotificationSettings, now: datetime | None = None) -> TickSummary:
    now = now or datetime.now(UTC)
    summary = TickSummary()
    channels = build_channels(settings)
    with connect(warehouse) as con:
        if marts_ready(con):  # a snapshot-only backfill builds no marts: nothing new, but deliveries go on
            since = _announce_since(con, settings)
            quota_rows = quota_threshold_rows_sql(con, settings)
            summary.recorded += outbox.record_rows(con, quota_rows, settings.channels, now, since)
            summary.recorded += outbox.record(con, goal_events(con, settings), settings.channels, now, since)
        if os.environ.get(FAILPOINT) == "after_record":
            os.kill(os.getpid(), signal.SIGKILL)
        for row in outbox.due_for_delivery(con, now):
            channel = channels.get(row.channel)
            try:
                if channel is None:
                    raise RuntimeError(f"channel {row.channel} is not configured")
                channel.send(row)
            except Exception as error:
                reason = f"{type(error).__name__}: {error}"
                failed = outbox.mark_attempt_failed(
                    con, row, reason, now, settings.max_attempts, settings.retry_delay(row.attempts + 1)
                )
                if failed:
                    summary.failed.append(f"{row.key} after {row.attempts + 1} attempts ({reason})")
                else:
                    summary.retrying += 1
            else:
                outbox.mark_sent(con, row.key, now)
                summary.sent += 1
    return summary
