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
from orchestration.sql_identifiers import inline_parameters, values_list

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


def record_rows(
    con: duckdb.DuckDBPyConnection,
    rows_sql: str,
    channels: tuple[str, ...],
    now: datetime,
    announce_since: date | None = None,
) -> int:
    """Record the notifications of the events `rows_sql` selects, in one statement; return how many rows
    were new.

    `rows_sql`, a finished statement (its values written as literals), gives one row per event and
    recipient: event_key, kind, subject_id, threshold, recipient (null: the event has nobody to tell, and
    only the log records it), subject, body, reached_on. Each becomes one notification per channel, keyed
    event | recipient | channel; events recorded before are left out. The log channel's rows are the log
    itself: they are recorded as sent. Events reached before `announce_since` (old history seen for the
    first time) are recorded as skipped: never sent, and never due again.
    """
    ensure_outbox(con)
    before = _row_count(con)
    template = inline_parameters(
        f"""
        insert or ignore into marts.notifications ({", ".join(_RECORD_COLUMNS)})
        with event_rows as ({EVENT_ROWS_MARK}),
        new_rows as (
            select
                event_rows.*,
                coalesce(event_rows.recipient, $nobody) as addressee,
                channels.channel,
                $announce_since is not null and event_rows.reached_on < $announce_since as history
            from event_rows
            cross join (select unnest($channels::varchar[]) as channel) as channels
            where (event_rows.recipient is not null or channels.channel = 'log')
                and not exists (
                    select 1 from marts.notifications as known where known.event_key = event_rows.event_key
                )
        )
        select
            event_key || '|' || addressee || '|' || channel,
            event_key,
            kind,
            subject_id,
            threshold,
            addressee,
            channel,
            case when history then 'skipped' when channel = 'log' then 'sent' else 'pending' end,
            case when not history and channel = 'log' then 1 else 0 end,
            $now,
            case when not history and channel = 'log' then $now end,
            case when not history and channel <> 'log' then $now end,
            subject,
            body
        from new_rows
        """,
        {"nobody": NOBODY, "announce_since": announce_since, "channels": list(channels), "now": now},
    )
    # The event rows go in after the template's parameters: their literals hold names and text from the
    # configuration, where a `$word` is text, not a parameter.
    con.execute(template.replace(EVENT_ROWS_MARK, rows_sql))
    return _row_count(con) - before


def _row_count(con: duckdb.DuckDBPyConnection) -> int:
    row = con.execute("select count(*) from marts.notifications").fetchone()
    return int(row[0]) if row else 0


EVENT_ROWS_MARK = "/* event rows */"
_EVENT_COLUMNS = (
    ("event_key", "varchar"),
    ("kind", "varchar"),
    ("subject_id", "varchar"),
    ("threshold", "double"),
    ("recipient", "varchar"),
    ("subject", "varchar"),
    ("body", "varchar"),
    ("reached_on", "date"),
)
"""The columns of `record_rows`'s event rows, and their types."""


def record(
    con: duckdb.DuckDBPyConnection,
    events: list[Event],
    channels: tuple[str, ...],
    now: datetime,
    announce_since: date | None = None,
) -> int:
    """Record the notifications of events built in Python (goals and milestones), as `record_rows` does."""
    rows = [
        (
            event.event_key,
            event.kind,
            event.subject_id,
            event.threshold,
            recipient,
            event.subject,
            event.body,
            event.reached_on,
        )
        for event in events
        for recipient in event.recipients or (None,)
    ]
    if not rows:
        return 0
    # The rows as literals (a goal's and a milestone's events are a few hundred at most): a registered
    # Arrow table or parameters would make DuckDB import pandas, ~0.6 s of a run that needs nothing else of it.
    values = values_list(rows)
    typed = ", ".join(f"cast({name} as {kind}) as {name}" for name, kind in _EVENT_COLUMNS)
    names = ", ".join(name for name, _ in _EVENT_COLUMNS)
    rows_sql = f"select {typed} from (values {values}) as python_events ({names})"
    return record_rows(con, rows_sql, channels, now, announce_since)


def due_for_delivery(con: duckdb.DuckDBPyConnection, now: datetime) -> list[OutboxRow]:
    ensure_outbox(con)
    return due_for_delivery_read_only(con, now)


def due_for_delivery_read_only(con: duckdb.DuckDBPyConnection, now: datetime) -> list[OutboxRow]:
    """The same rows as `due_for_delivery`, for a read-only connection (the table must exist)."""
    rows = con.execute(
        inline_parameters(
            "select key, kind, recipient, channel, attempts, subject, body from marts.notifications "
            "where status = 'pending' and next_attempt_at <= $now order by created_at, key",
            {"now": now},
        )
    ).fetchall()
    return [OutboxRow(*row) for row in rows]


def mark_sent(con: duckdb.DuckDBPyConnection, key: str, now: datetime) -> None:
    con.execute(
        inline_parameters(
            "update marts.notifications set status = 'sent', sent_at = $now, attempts = attempts + 1, "
            "next_attempt_at = null, last_error = null where key = $key",
            {"now": now, "key": key},
        )
    )


def mark_attempt_failed(
    con: duckdb.DuckDBPyConnection, row: OutboxRow, error: str, now: datetime, max_attempts: int, delay: float
) -> bool:
    """Count a failed attempt; after `max_attempts` the row is failed for good. Returns True when failed."""
    attempts = row.attempts + 1
    failed = attempts >= max_attempts
    con.execute(
        inline_parameters(
            "update marts.notifications set attempts = $attempts, last_error = $error, status = $status, "
            "next_attempt_at = $next_attempt_at where key = $key",
            {
                "attempts": attempts,
                "error": error[:500],
                "status": "failed" if failed else "pending",
                "next_attempt_at": None if failed else now + timedelta(seconds=delay),
                "key": row.key,
            },
        )
    )
    return failed
