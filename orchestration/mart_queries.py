"""Read the marts for the command line: the numbers it prints come from the marts, never recomputed."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb

from orchestration.warehouse import connect


@dataclass(frozen=True)
class LeaderboardEntry:
    rank: int
    team_rank: int | None
    user_name: str
    team_name: str | None
    current_value: float
    target_value: float
    attainment_percent: float
    vs_quota: float
    currency: str


@dataclass(frozen=True)
class ProgressCard:
    user_name: str
    period_name: str
    metric_type: str
    currency: str
    current_value: float
    target_value: float
    attainment_percent: float
    week_delta: float
    days_remaining: int
    required_daily_pace: float | None
    pace_status: str


@dataclass(frozen=True)
class GoalLine:
    id: str
    name: str
    goal_type: str
    metric_type: str
    target_value: float
    current_value: float
    attainment_percent: float
    status: str
    achieved_at: date | None
    start_date: date
    end_date: date
    currency: str


@dataclass(frozen=True)
class MilestoneLine:
    id: str
    name: str
    target_value: float
    target_date: date | None
    is_achieved: bool
    achieved_at: date | None
    is_overdue: bool


@dataclass(frozen=True)
class RunSummary:
    rows_loaded: dict[str, int]
    quarantined: list[tuple[str, str, int]]
    mart_rows: dict[str, int]
    contract_tables: int = 0
    """Tables whose batch was validated against its contract in the last run (0: not validated)."""
    broken_expectations: list[tuple[str, str, str, int]] = field(default_factory=list)
    """(table, expectation, column, rows) for every expectation the last run's batches broke."""


MARTS = (
    "quota_periods",
    "quotas",
    "quota_progress",
    "quota_rollups",
    "leaderboard",
    "quota_snapshots",
    "goals",
    "goal_milestones",
    "quota_history",
    "quarantine",
)


def period_containing(warehouse: Path, day: date, period_type: str) -> tuple[str, str] | None:
    """The (id, name) of the period of that type that contains `day`, if any."""
    with connect(warehouse, read_only=True) as con:
        row = con.execute(
            """
            select id, name from marts.quota_periods
            where period_type = ? and ? between start_date and end_date
            order by start_date desc limit 1
            """,
            [period_type, day],
        ).fetchone()
    return (str(row[0]), str(row[1])) if row else None


def leaderboard(warehouse: Path, period_id: str, metric_type: str, limit: int = 10) -> list[LeaderboardEntry]:
    with connect(warehouse, read_only=True) as con:
        rows = con.execute(
            """
            select rank, team_rank, user_name, team_name, cast(current_value as double), target_value,
                   cast(attainment_percent as double), cast(vs_quota as double), currency
            from marts.leaderboard
            where period_id = ? and metric_type = ? and metric_field is null
            order by display_order
            limit ?
            """,
            [period_id, metric_type, limit],
        ).fetchall()
    return [LeaderboardEntry(*row) for row in rows]


def progress_card(warehouse: Path, period_id: str, metric_type: str, rank: int = 1) -> ProgressCard | None:
    """The progress card of the rep at `display_order = rank` on that leaderboard."""
    with connect(warehouse, read_only=True) as con:
        row = con.execute(
            """
            select board.user_name, periods.name, progress.metric_type, progress.currency,
                   cast(progress.current_value as double), progress.target_value,
                   cast(progress.attainment_percent as double), cast(progress.week_delta as double),
                   progress.days_remaining, cast(progress.required_daily_pace as double), progress.pace_status
            from marts.leaderboard as board
            inner join marts.quota_progress as progress on progress.quota_id = board.quota_id
            inner join marts.quota_periods as periods on periods.id = progress.period_id
            where board.period_id = ? and board.metric_type = ? and board.metric_field is null
                and board.display_order = ?
            """,
            [period_id, metric_type, rank],
        ).fetchone()
    return ProgressCard(*row) if row else None


def run_summary(warehouse: Path) -> RunSummary:
    with connect(warehouse, read_only=True) as con:
        raw_tables = [
            str(name)
            for (name,) in con.execute(
                "select table_name from duckdb_tables() where schema_name = 'raw' order by table_name"
            ).fetchall()
        ]
        rows_loaded = {
            name: int(con.execute(f'select count(*) from raw."{name}"').fetchone()[0])  # type: ignore[index]
            for name in raw_tables
        }
        quarantined = [
            (str(table), str(reason), int(count))
            for table, reason, count in con.execute(
                """
                select source_table, regexp_replace(reason, '(unknown [a-z_ ]+?) .*', '\\1') as reason,
                       count(*)
                from marts.quarantine group by all order by 1, 3 desc
                """
            ).fetchall()
        ]
        mart_rows = {
            name: int(con.execute(f"select count(*) from marts.{name}").fetchone()[0])  # type: ignore[index]
            for name in MARTS
        }
        contract_tables, broken = _contract_results(con)
    return RunSummary(rows_loaded, quarantined, mart_rows, contract_tables, broken)


def _contract_results(con: duckdb.DuckDBPyConnection) -> tuple[int, list[tuple[str, str, str, int]]]:
    exists = con.execute(
        "select count(*) from duckdb_tables() where schema_name = '_ingest' and table_name = 'contract_results'"
    ).fetchone()
    if not exists or not exists[0]:
        return 0, []
    tables = con.execute("select count(distinct table_name) from _ingest.contract_results").fetchone()
    broken = con.execute(
        """select table_name, expectation, column_name, unexpected_count from _ingest.contract_results
           where unexpected_count > 0 order by table_name, expectation, column_name"""
    ).fetchall()
    return int(tables[0]) if tables else 0, [(str(t), str(e), str(c), int(n)) for t, e, c, n in broken]


def snapshot_days(warehouse: Path, first_day: date, last_day: date) -> dict[date, int]:
    """How many snapshot rows each day of the range holds."""
    with connect(warehouse, read_only=True) as con:
        rows = con.execute(
            "select snapshot_date, count(*) from marts.quota_snapshots where snapshot_date between ? and ? "
            "group by 1 order by 1",
            [first_day, last_day],
        ).fetchall()
    return {day: int(count) for day, count in rows}


_GOAL_COLUMNS = (
    "id, name, goal_type, metric_type, target_value, cast(current_value as double), "
    "cast(attainment_percent as double), "
    "status, achieved_at, start_date, end_date, currency"
)


def goals(warehouse: Path) -> list[GoalLine]:
    with connect(warehouse, read_only=True) as con:
        rows = con.execute(f"select {_GOAL_COLUMNS} from marts.goals order by end_date desc, id").fetchall()
    return [GoalLine(*row) for row in rows]


def goal_timeline(warehouse: Path, goal_id: str) -> tuple[GoalLine, list[MilestoneLine]] | None:
    with connect(warehouse, read_only=True) as con:
        goal = con.execute(f"select {_GOAL_COLUMNS} from marts.goals where id = ?", [goal_id]).fetchone()
        if goal is None:
            return None
        milestones = con.execute(
            """
            select id, name, target_value, target_date, is_achieved, achieved_at, is_overdue
            from marts.goal_milestones where goal_id = ? order by display_order, target_value
            """,
            [goal_id],
        ).fetchall()
    return GoalLine(*goal), [MilestoneLine(*row) for row in milestones]


def recent_notifications(warehouse: Path, limit: int) -> list[tuple]:
    with connect(warehouse, read_only=True) as con:
        exists = con.execute(
            "select count(*) from duckdb_tables() where schema_name = 'marts' and table_name = 'notifications'"
        ).fetchone()
        if not exists or not exists[0]:
            return []
        return con.execute(
            "select created_at, status, attempts, channel, recipient, subject, last_error "
            "from marts.notifications order by created_at desc, key limit ?",
            [limit],
        ).fetchall()
