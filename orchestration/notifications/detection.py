"""Which notifications are due: read from the marts, never computed anew.

An event is a quota crossing an attainment threshold, a goal achieved, or a milestone achieved. Its key
(kind | subject id | threshold) is stable across runs, so an event that was once announced is never due
again, even if the value later drops below the target and crosses it a second time.

Recipients come from `marts.notification_recipients` (the owner, the team's manager, the executives);
a configured list of executive emails replaces the company's. Milestones go to their goal's recipients.

Quota thresholds, hundreds of thousands on a first run over years of history, are found, worded and
addressed in SQL and recorded by one insert (`quota_threshold_rows_sql`); the few goals and milestones are
built in Python (`goal_events`). Their wording follows the same rules (`_amount` and `_sql_amount`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb

from orchestration.console_views import format_amount
from orchestration.notifications.settings import NotificationSettings
from orchestration.sql_identifiers import inline_parameters, values_list


@dataclass(frozen=True)
class Event:
    kind: str
    subject_id: str
    threshold: float | None
    recipients: tuple[str, ...]
    subject: str
    body: str
    reached_on: date

    @property
    def event_key(self) -> str:
        threshold = "" if self.threshold is None else f"{self.threshold:g}"
        return f"{self.kind}|{self.subject_id}|{threshold}"


def recipients_sql(settings: NotificationSettings) -> str:
    """Who hears of a scope's events: `marts.notification_recipients`, except that a configured list of
    executive emails replaces the company's. Columns scope_type, scope_id, email (distinct)."""
    return inline_parameters(
        "select distinct scope_type, scope_id, email from ("
        "select scope_type, scope_id, email from marts.notification_recipients "
        "where not ($override and scope_type = 'company') "
        "union all select 'company', null, unnest($executives::varchar[]))",
        {"override": bool(settings.executive_emails), "executives": list(settings.executive_emails)},
    )


def _recipients(con: duckdb.DuckDBPyConnection, settings: NotificationSettings) -> dict[tuple[str, str | None], tuple]:
    table: dict[tuple[str, str | None], list[str]] = {}
    for scope, scope_id, email in con.execute(recipients_sql(settings)).fetchall():
        table.setdefault((scope, scope_id), []).append(email)
    return {key: tuple(sorted(emails)) for key, emails in table.items()}


def _scope(scope_type: str, user_id: str | None, team_id: str | None) -> tuple[str, str | None]:
    if scope_type == "individual":
        return ("individual", user_id)
    if scope_type == "team":
        return ("team", team_id)
    return ("company", None)


def _amount(value: float, metric_type: str, currency: str) -> str:
    return format_amount(value, metric_type) + (f" {currency}" if metric_type == "revenue" else "")


REQUIRED_MARTS = ("quota_periods", "quota_progress", "goals", "goal_milestones", "notification_recipients")


def marts_ready(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether a run has built the marts events are read from (a snapshot-only backfill builds none)."""
    present = {
        name
        for (name,) in con.execute(
            "select table_name from duckdb_tables() where schema_name = 'marts' "
            "union all select view_name from duckdb_views() where schema_name = 'marts'"
        ).fetchall()
    }
    return set(REQUIRED_MARTS) <= present


def outbox_exists(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether a tick has created the outbox (`marts.notifications`) in this warehouse."""
    row = con.execute(
        "select count(*) from duckdb_tables() where schema_name = 'marts' and table_name = 'notifications'"
    ).fetchone()
    return bool(row and row[0])


def _sql_amount(value: str) -> str:
    """`_amount` in SQL, to the same text (DuckDB's format() writes numbers as Python's does)."""
    two_places = f"format('{{:,.2f}}', {value})"
    whole = f"format('{{:,.0f}}', {value})"
    return (
        f"(case when progress.metric_type in ('revenue', 'custom') or {value} <> floor({value}) "
        f"then {two_places} else {whole} end"
        " || case when progress.metric_type = 'revenue' then ' ' || coalesce(progress.currency, 'None') else '' end)"
    )


def quota_threshold_rows_sql(con: duckdb.DuckDBPyConnection, settings: NotificationSettings) -> str:
    """The quota-threshold events the outbox has not recorded yet, as SQL: one row per event and recipient
    (recipient null: nobody), with the columns `outbox.record_rows` takes.

    Built, worded and addressed in SQL, never as Python objects: a first run over years of history finds
    about 600,000 quotas past a threshold at M (building each in Python took 13 s of the run); a daily run
    finds a few hundred. The recorded ones are left out in SQL too: they are found again by every tick."""
    thresholds = sorted(set(settings.thresholds))
    values = values_list((threshold, f"{threshold:g}") for threshold in thresholds)
    recipients = recipients_sql(settings)
    not_recorded = (
        "and not exists (select 1 from marts.notifications as known where known.event_key = "
        "'quota_threshold|' || progress.quota_id || '|' || thresholds.label)"
        if outbox_exists(con)
        else ""
    )
    metric_name = (
        "progress.metric_type || case when coalesce(progress.metric_field, '') <> '' "
        "then ' (' || progress.metric_field || ')' else '' end"
    )
    sql = f"""
        with thresholds (threshold, label) as (values {values}),
        recipients as ({recipients}),
        events as (
            select
                'quota_threshold|' || progress.quota_id || '|' || thresholds.label as event_key,
                progress.quota_id as subject_id,
                thresholds.threshold,
                case when progress.scope_type in ('individual', 'team') then progress.scope_type else 'company' end
                    as recipient_scope,
                case progress.scope_type when 'individual' then progress.user_id when 'team' then progress.team_id end
                    as recipient_scope_id,
                thresholds.label || '% of the ' || periods.name || ' ' || {metric_name} || ' quota reached'
                    as subject,
                'The ' || progress.scope_type || ' ' || {metric_name} || ' quota ' || progress.quota_id
                    || ' for ' || periods.name || ' has reached '
                    || format('{{:.2f}}', cast(progress.attainment_percent as double)) || '% of its target: '
                    || {_sql_amount("cast(progress.current_value as double)")} || ' of '
                    || {_sql_amount("progress.target_value")} || ', as of ' || progress.as_of_date || '.' as body,
                least(progress.as_of_date, progress.end_date) as reached_on
            from marts.quota_progress as progress
            inner join marts.quota_periods as periods on periods.id = progress.period_id
            inner join thresholds on cast(progress.attainment_percent as double) + 1e-9 >= thresholds.threshold
            where progress.attainment_percent is not null {not_recorded}
        )
        select
            events.event_key,
            'quota_threshold' as kind,
            events.subject_id,
            events.threshold,
            recipients.email as recipient,
            events.subject,
            events.body,
            events.reached_on
        from events
        left join recipients
            on recipients.scope_type = events.recipient_scope
            and recipients.scope_id is not distinct from events.recipient_scope_id
        """
    return sql


def due_event_keys(con: duckdb.DuckDBPyConnection, settings: NotificationSettings) -> set[str]:
    """The keys of every event due and not yet recorded (read-only): what the sensor asks a tick for."""
    if not marts_ready(con):
        return set()
    sql = quota_threshold_rows_sql(con, settings)
    keys = {key for (key,) in con.execute(f"select distinct event_key from ({sql})").fetchall()}
    goal_keys = {event.event_key for event in goal_events(con, settings)}
    if goal_keys and outbox_exists(con):
        recorded = con.execute(
            inline_parameters(
                "select distinct event_key from marts.notifications where event_key in (select unnest($keys))",
                {"keys": sorted(goal_keys)},
            )
        ).fetchall()
        goal_keys -= {key for (key,) in recorded}
    return keys | goal_keys


def goal_events(con: duckdb.DuckDBPyConnection, settings: NotificationSettings) -> list[Event]:
    """Every goal and milestone the marts show as achieved, with its recipients and message (read-only; a
    few per goal: the outbox leaves out the ones it holds). Quota thresholds: quota_threshold_rows_sql."""
    if not marts_ready(con):
        return []
    recipients = _recipients(con, settings)
    events: list[Event] = []
    goals = con.execute(
        """
        select id, name, goal_type, user_id, team_id, metric_type, cast(current_value as double), target_value,
               currency, achieved_at
        from marts.goals where status = 'achieved'
        """
    ).fetchall()
    goal_recipients: dict[str, tuple[str, ...]] = {}
    for goal_id, name, goal_type, user_id, team_id, metric, value, target, currency, achieved_at in goals:
        who = recipients.get(_scope(goal_type, user_id, team_id), ())
        goal_recipients[goal_id] = who
        events.append(
            Event(
                kind="goal_achieved",
                subject_id=str(goal_id),
                threshold=None,
                recipients=who,
                subject=f"Goal achieved: {name}",
                body=(
                    f"The {goal_type} goal '{name}' was achieved on {achieved_at}: "
                    f"{_amount(value, metric, currency)} against a target of {_amount(target, metric, currency)}."
                ),
                reached_on=achieved_at,
            )
        )
    milestones = con.execute(
        """
        select milestones.id, milestones.name, goals.id, goals.name, goals.goal_type, goals.user_id, goals.team_id,
               goals.metric_type, milestones.target_value, goals.currency, milestones.achieved_at,
               milestones.target_date
        from marts.goal_milestones as milestones
        inner join marts.goals as goals on goals.id = milestones.goal_id
        where milestones.is_achieved
        """
    ).fetchall()
    for row in milestones:
        milestone_id, name, goal_id, goal_name, goal_type, user_id, team_id, metric, target, currency = row[:10]
        achieved_at, target_date = row[10:]
        events.append(
            Event(
                kind="milestone_achieved",
                subject_id=str(milestone_id),
                threshold=None,
                recipients=goal_recipients.get(goal_id) or recipients.get(_scope(goal_type, user_id, team_id), ()),
                subject=f"Milestone reached: {name} ({goal_name})",
                body=(
                    f"The milestone '{name}' of the goal '{goal_name}' was reached on {achieved_at}: "
                    f"{_amount(target, metric, currency)}" + (f", due {target_date}." if target_date else ".")
                ),
                reached_on=achieved_at,
            )
        )
    return events
