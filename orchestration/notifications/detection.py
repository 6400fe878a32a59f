"""Which notifications are due: read from the marts, never computed anew.

An event is a quota crossing an attainment threshold, a goal achieved, or a milestone achieved. Its key
(kind | subject id | threshold) is stable across runs, so an event that was once announced is never due
again, even if the value later drops below the target and crosses it a second time.

Recipients come from `marts.notification_recipients` (the owner, the team's manager, the executives);
a configured list of executive emails replaces the company's. Milestones go to their goal's recipients.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb

from orchestration.console_views import format_amount
from orchestration.notifications.settings import NotificationSettings


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


_RECIPIENTS_SQL = "select scope_type, scope_id, email from marts.notification_recipients"


def _recipients(con: duckdb.DuckDBPyConnection, settings: NotificationSettings) -> dict[tuple[str, str | None], tuple]:
    table: dict[tuple[str, str | None], list[str]] = {}
    for scope, scope_id, email in con.execute(_RECIPIENTS_SQL).fetchall():
        table.setdefault((scope, scope_id), []).append(email)
    if settings.executive_emails:
        table[("company", None)] = list(settings.executive_emails)
    return {key: tuple(sorted(set(emails))) for key, emails in table.items()}


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


def _outbox_exists(con: duckdb.DuckDBPyConnection) -> bool:
    row = con.execute(
        "select count(*) from duckdb_tables() where schema_name = 'marts' and table_name = 'notifications'"
    ).fetchone()
    return bool(row and row[0])


def _quota_threshold_rows(con: duckdb.DuckDBPyConnection, settings: NotificationSettings) -> list[tuple]:
    """One row per quota and threshold it has reached whose event the outbox has not recorded yet.

    Left out in SQL, not in Python: at M about a million quotas are past a threshold, each announced once
    and then found again by every tick; building an event for each took seconds."""
    thresholds = sorted(set(settings.thresholds))
    values = ", ".join("(?, ?)" for _ in thresholds)
    parameters: list[object] = [item for threshold in thresholds for item in (threshold, f"{threshold:g}")]
    not_recorded = (
        "and not exists (select 1 from marts.notifications as known where known.event_key = "
        "'quota_threshold|' || progress.quota_id || '|' || thresholds.label)"
        if _outbox_exists(con)
        else ""
    )
    return con.execute(
        f"""
        with thresholds (threshold, label) as (values {values})
        select progress.quota_id, progress.scope_type, progress.user_id, progress.team_id, progress.metric_type,
               coalesce(progress.metric_field, ''), cast(progress.current_value as double), progress.target_value,
               cast(progress.attainment_percent as double), progress.currency, periods.name, progress.as_of_date,
               progress.end_date, thresholds.threshold
        from marts.quota_progress as progress
        inner join marts.quota_periods as periods on periods.id = progress.period_id
        inner join thresholds on cast(progress.attainment_percent as double) + 1e-9 >= thresholds.threshold
        where progress.attainment_percent is not null {not_recorded}
        """,
        parameters,
    ).fetchall()


def due_events(con: duckdb.DuckDBPyConnection, settings: NotificationSettings) -> list[Event]:
    """Every event the marts show as reached, with its recipients and message (read-only). Quota thresholds
    the outbox already holds are left out here; the outbox leaves out the goals and milestones it holds."""
    if not marts_ready(con):
        return []
    recipients = _recipients(con, settings)
    events: list[Event] = []
    for row in _quota_threshold_rows(con, settings):
        quota_id, scope_type, user_id, team_id, metric, field, value, target, attainment, currency = row[:10]
        period, as_of, end_date, threshold = row[10:]
        metric_name = f"{metric} ({field})" if field else metric
        events.append(
            Event(
                kind="quota_threshold",
                subject_id=str(quota_id),
                threshold=threshold,
                recipients=recipients.get(_scope(scope_type, user_id, team_id), ()),
                subject=f"{threshold:g}% of the {period} {metric_name} quota reached",
                body=(
                    f"The {scope_type} {metric_name} quota {quota_id} for {period} has reached "
                    f"{attainment:.2f}% of its target: {_amount(value, metric, currency)} of "
                    f"{_amount(target, metric, currency)}, as of {as_of}."
                ),
                reached_on=min(as_of, end_date),
            )
        )
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
