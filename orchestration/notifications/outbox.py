"""The notification outbox, `marts.notifications`: every notification is recorded here before it is sent.

The key (event | recipient | channel) is the table's primary key, so a notification can be recorded only
once, whatever reruns, backfills or restarts happen. Delivery then works from the table: pending rows are
sent, failures are retried with backoff, and a process that dies between recording and sending leaves
rows pending for the next tick. The table is written by this module only; dbt does not manage it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import duckdb

from orchestration.notifications.detection import Event

CREATE_TABLE = """
create table if not exists marts.notifications (
    key varchar primary key,
    event_key varchar not null,
    kind varchar not null,
    subject_id varchar not null,
    threshold double,
    recipient varchar not null,
    channel varchar not null,
    status varchar not null,
    attempts integer not null default 0,
    created_at timestamptz not null,
    sent_at timestamptz,
    next_attempt_at timestamptz,
    last_error varchar,
    subject varchar not null,
    body varchar not null
)
"""

NOBODY = "(no recipient)"
_RECORD_COLUMNS = (
    "key",
    "event_key",
    "kind",
    "subject_id",
    "threshold",
    "recipient",
    "channel",
    "status",
    "attempts",
    "created_at",
    "sent_at",
    "next_attempt_at",
    "subject",
    "body",
)


@dataclass(frozen=True)
class OutboxRow:
    key: str
    kind: str
    recipient: str
    channel: str
    attempts: int
    subject: str
    body: str


def ensure_outbox(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create schema if not exists marts")
    con.execute(CREATE_TABLE)


def notification_key(event: Event, recipient: str, channel: str) -> str:
    return f"{event.event_key}|{recipient}|{channel}"


def recorded_event_keys(con: duckdb.DuckDBPyConnection) -> set[str]:
    exists = con.execute(
        "select count(*) from duckdb_tables() where schema_name = 'marts' and table_name = 'notifications'"
    ).fetchone()
    if not exists or not exists[0]:
        return set()
    return {key for (key,) in con.execute("select distinct event_key from marts.notifications").fetchall()}


def record(
    con: duckdb.DuckDBPyConnection,
    events: list[Event],
    channels: tuple[str, ...],
    now: datetime,
    announce_since: date | None = None,
) -> int:
    """Record the notifications of events not recorded before, in one statement; return how many rows.

    The log channel's rows are the log itself: they are recorded as sent. Events reached before
    `announce_since` (old history seen for the first time) are recorded as skipped: never sent, and
    never due again.
    """
    ensure_outbox(con)
    known = recorded_event_keys(con)
    rows = []
    for event in events:
        if event.event_key in known:
            continue
        for recipient in event.recipients or (NOBODY,):
            for channel in channels:
                if recipient == NOBODY and channel != "log":
                    continue
                delivered = channel == "log"
                status = "sent" if delivered else "pending"
                if announce_since is not None and event.reached_on < announce_since:
                    status, delivered = "skipped", False
                rows.append(
                    (
                        notification_key(event, recipient, channel),
                        event.event_key,
                        event.kind,
                        event.subject_id,
                        event.threshold,
                        recipient,
                        channel,
                        status,
                        1 if delivered else 0,
                        now,
                        now if delivered else None,
                        now if status == "pending" else None,
                        event.subject,
                        event.body,
                    )
                )
    if rows:
        import pyarrow as pa  # only when there is something to record (~0.25 s to import)

        new_rows = pa.Table.from_pylist([dict(zip(_RECORD_COLUMNS, row, strict=True)) for row in rows])
        con.register("new_notifications", new_rows)
        try:
            con.execute(
                f"insert or ignore into marts.notifications ({', '.join(_RECORD_COLUMNS)}) "
                f"select {', '.join(_RECORD_COLUMNS)} from new_notifications"
            )
        finally:
            con.unregister("new_notifications")
    return len(rows)


def due_for_delivery(con: duckdb.DuckDBPyConnection, now: datetime) -> list[OutboxRow]:
    ensure_outbox(con)
    return due_for_delivery_read_only(con, now)


def due_for_delivery_read_only(con: duckdb.DuckDBPyConnection, now: datetime) -> list[OutboxRow]:
    """The same rows as `due_for_delivery`, for a read-only connection (the table must exist)."""
    rows = con.execute(
        "select key, kind, recipient, channel, attempts, subject, body from marts.notifications "
        "where status = 'pending' and next_attempt_at <= ? order by created_at, key",
        [now],
    ).fetchall()
    return [OutboxRow(*row) for row in rows]


def mark_sent(con: duckdb.DuckDBPyConnection, key: str, now: datetime) -> None:
    con.execute(
        "update marts.notifications set status = 'sent', sent_at = ?, attempts = attempts + 1, "
        "next_attempt_at = null, last_error = null where key = ?",
        [now, key],
    )


def mark_attempt_failed(
    con: duckdb.DuckDBPyConnection, row: OutboxRow, error: str, now: datetime, max_attempts: int, delay: float
) -> bool:
    """Count a failed attempt; after `max_attempts` the row is failed for good. Returns True when failed."""
    attempts = row.attempts + 1
    failed = attempts >= max_attempts
    con.execute(
        "update marts.notifications set attempts = ?, last_error = ?, status = ?, next_attempt_at = ? where key = ?",
        [
            attempts,
            error[:500],
            "failed" if failed else "pending",
            None if failed else now + timedelta(seconds=delay),
            row.key,
        ],
    )
    return failed
