"""What the executive report shows, read from the marts of a built warehouse (read-only), as typed rows.

Every number comes from a mart (`quota_rollups`, `leaderboard`, `quota_progress`, `quota_snapshots`,
`goals`, `goal_milestones`); only names (teams, users) come from the raw source tables. Nothing is
recomputed here, so the report says exactly what the marts say.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from orchestration.mart_queries import MilestoneLine
from orchestration.warehouse import connect

LEADERBOARD_SIZE = 10
BEHIND_PACE_SIZE = 15
GOALS_SIZE = 8
GOAL_LOOKBACK_DAYS = 365
# The period of the report: the quarter containing the as-of date, else the year, else the month.
PERIOD_PREFERENCE = ("quarter", "year", "month")


class ReportError(Exception):
    """The report cannot be made from this warehouse; the message says why in one line."""


@dataclass(frozen=True)
class ReportPeriod:
    id: str
    name: str
    period_type: str
    start_date: date
    end_date: date

    @property
    def days_total(self) -> int:
        return (self.end_date - self.start_date).days + 1

    def days_elapsed(self, as_of: date) -> int:
        """Days from the start to min(as_of, end), inclusive; 0 before the start (as quota_progress counts)."""
        if as_of < self.start_date:
            return 0
        return (min(as_of, self.end_date) - self.start_date).days + 1

    def expected_percent(self, as_of: date) -> float:
        """Where a straight-line pace to 100% stands on the as-of date."""
        return 100.0 * self.days_elapsed(as_of) / self.days_total


@dataclass(frozen=True)
class MetricScore:
    """The company's figures for one metric of the period (its `quota_rollups` row, with its pace)."""

    metric_type: str
    metric_field: str | None
    currency: str | None
    current_value: float
    target_value: float | None
    attainment_percent: float | None
    week_delta: float | None
    projected_value: float | None
    pace_status: str | None

    @property
    def label(self) -> str:
        return self.metric_field or self.metric_type


@dataclass(frozen=True)
class TeamRollup:
    team_id: str
    team_name: str
    depth: int
    currency: str | None
    current_value: float
    target_value: float | None
    attainment_percent: float | None
    member_target_sum: float | None
    over_assignment_percent: float | None
    week_delta: float | None
    pace_status: str | None


@dataclass(frozen=True)
class LeaderboardRow:
    rank: int
    team_rank: int | None
    user_id: str
    user_name: str
    team_name: str | None
    currency: str
    current_value: float
    target_value: float
    attainment_percent: float
    vs_quota: float


@dataclass(frozen=True)
class TrendSeries:
    """One scope's attainment on each snapshot day of the period, up to the as-of date."""

    label: str
    is_company: bool
    points: tuple[tuple[date, float], ...]


@dataclass(frozen=True)
class BehindPace:
    quota_id: str
    user_name: str
    team_name: str | None
    currency: str
    current_value: float
    target_value: float
    attainment_percent: float
    projected_value: float | None
    required_daily_pace: float | None
    pace_status: str

    @property
    def projected_percent(self) -> float | None:
        return None if self.projected_value is None else 100.0 * self.projected_value / self.target_value


@dataclass(frozen=True)
class Goal:
    id: str
    name: str
    goal_type: str
    owner: str
    metric_type: str
    currency: str
    target_value: float
    current_value: float
    attainment_percent: float
    status: str
    achieved_at: date | None
    start_date: date
    end_date: date
    milestones: tuple[MilestoneLine, ...]


@dataclass(frozen=True)
class ReportData:
    as_of: date
    period: ReportPeriod
    metric_type: str
    company: MetricScore
    scorecard: tuple[MetricScore, ...]
    teams: tuple[TeamRollup, ...]
    leaderboard: tuple[LeaderboardRow, ...]
    leaderboard_size: int
    trend: tuple[TrendSeries, ...]
    pace_counts: dict[str, int]
    behind: tuple[BehindPace, ...]
    behind_total: int
    goals: tuple[Goal, ...]


def _optional(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


def built_as_of(con: duckdb.DuckDBPyConnection) -> date:
    row = con.execute("select max(as_of_date) from marts.quota_progress").fetchone()
    if not row or row[0] is None:
        raise ReportError("the marts are empty: run `quotas run` first")
    return row[0]


def report_period(con: duckdb.DuckDBPyConnection, as_of: date) -> ReportPeriod:
    rows = con.execute(
        """
        select id, name, period_type, start_date, end_date from marts.quota_periods
        where ? between start_date and end_date and period_type in ('quarter', 'year', 'month')
        order by start_date desc, id
        """,
        [as_of],
    ).fetchall()
    for period_type in PERIOD_PREFERENCE:
        for row in rows:
            if row[2] == period_type:
                return ReportPeriod(*row)
    raise ReportError(f"no quota period contains {as_of}")


def metric_scores(con: duckdb.DuckDBPyConnection, period_id: str) -> list[MetricScore]:
    """The company rollup of every metric of the period, the primary ones first."""
    rows = con.execute(
        """
        select rollups.metric_type, rollups.metric_field, rollups.currency,
               cast(rollups.current_value as double), rollups.target_value,
               cast(rollups.attainment_percent as double), cast(rollups.week_delta as double),
               progress.projected_value, progress.pace_status
        from marts.quota_rollups as rollups
        left join marts.quota_progress as progress on progress.quota_id = rollups.quota_id
        where rollups.scope_type = 'company' and rollups.period_id = ?
        order by list_position(['revenue', 'deals', 'leads', 'meetings', 'calls', 'emails', 'custom'],
                               rollups.metric_type), rollups.metric_field
        """,
        [period_id],
    ).fetchall()
    return [
        MetricScore(
            metric_type=row[0],
            metric_field=row[1],
            currency=row[2],
            current_value=float(row[3]),
            target_value=_optional(row[4]),
            attainment_percent=_optional(row[5]),
            week_delta=_optional(row[6]),
            projected_value=_optional(row[7]),
            pace_status=row[8],
        )
        for row in rows
    ]


def team_rollups(con: duckdb.DuckDBPyConnection, period_id: str, metric_type: str) -> list[TeamRollup]:
    """Every team's rollup, in tree order: each top-level team followed by its sub-teams."""
    rows = con.execute(
        """
        select rollups.team_id, coalesce(teams.name, rollups.team_id), teams.parent_team_id, rollups.currency,
               cast(rollups.current_value as double), rollups.target_value,
               cast(rollups.attainment_percent as double), cast(rollups.member_target_sum as double),
               cast(rollups.over_assignment_percent as double), cast(rollups.week_delta as double),
               progress.pace_status
        from marts.quota_rollups as rollups
        left join raw.teams as teams on cast(teams.id as varchar) = rollups.team_id
        left join marts.quota_progress as progress on progress.quota_id = rollups.quota_id
        where rollups.scope_type = 'team' and rollups.period_id = ? and rollups.metric_type = ?
            and rollups.metric_field is null
        order by coalesce(teams.name, rollups.team_id)
        """,
        [period_id, metric_type],
    ).fetchall()
    by_id = {str(row[0]): row for row in rows}
    children: dict[str | None, list[str]] = {}
    for team_id, row in by_id.items():
        parent = str(row[2]) if row[2] is not None and str(row[2]) in by_id else None
        children.setdefault(parent, []).append(team_id)
    ordered: list[TeamRollup] = []

    def visit(parent: str | None, depth: int) -> None:
        for team_id in children.get(parent, []):
            row = by_id[team_id]
            ordered.append(
                TeamRollup(
                    team_id=team_id,
                    team_name=str(row[1]),
                    depth=depth,
                    currency=row[3],
                    current_value=float(row[4]),
                    target_value=_optional(row[5]),
                    attainment_percent=_optional(row[6]),
                    member_target_sum=_optional(row[7]),
                    over_assignment_percent=_optional(row[8]),
                    week_delta=_optional(row[9]),
                    pace_status=row[10],
                )
            )
            visit(team_id, depth + 1)

    visit(None, 0)
    return ordered


def leaderboard(
    con: duckdb.DuckDBPyConnection, period_id: str, metric_type: str, limit: int = LEADERBOARD_SIZE
) -> tuple[list[LeaderboardRow], int]:
    """The top of the leaderboard in display order, and how many reps it ranks in all."""
    where = "period_id = ? and metric_type = ? and metric_field is null"
    rows = con.execute(
        f"""
        select rank, team_rank, user_id, user_name, team_name, currency, cast(current_value as double),
               target_value, cast(attainment_percent as double), vs_quota
        from marts.leaderboard where {where}
        order by display_order limit ?
        """,
        [period_id, metric_type, limit],
    ).fetchall()
    total = con.execute(f"select count(*) from marts.leaderboard where {where}", [period_id, metric_type]).fetchone()
    return [LeaderboardRow(*row) for row in rows], int(total[0]) if total else 0


def attainment_trend(
    con: duckdb.DuckDBPyConnection, period_id: str, metric_type: str, as_of: date
) -> list[TrendSeries]:
    """The company's and each top-level team's attainment per snapshot day, from quota_snapshots."""
    rows = con.execute(
        """
        select quotas.scope_type, coalesce(teams.name, quotas.team_id), snapshots.snapshot_date,
               cast(snapshots.attainment_percent as double)
        from marts.quota_snapshots as snapshots
        inner join marts.quotas as quotas on quotas.id = snapshots.quota_id
        left join raw.teams as teams on cast(teams.id as varchar) = quotas.team_id
        where quotas.period_id = ? and quotas.metric_type = ? and quotas.metric_field is null
            and snapshots.snapshot_date <= ?
            and (quotas.scope_type = 'company' or (quotas.scope_type = 'team' and teams.parent_team_id is null))
        order by quotas.scope_type, 2, snapshots.snapshot_date
        """,
        [period_id, metric_type, as_of],
    ).fetchall()
    series: dict[tuple[bool, str], list[tuple[date, float]]] = {}
    for scope_type, team_name, day, attainment in rows:
        is_company = scope_type == "company"
        key = (is_company, "Company" if is_company else str(team_name))
        series.setdefault(key, []).append((day, float(attainment)))
    ordered = sorted(series.items(), key=lambda item: (not item[0][0], item[0][1]))
    return [TrendSeries(label, is_company, tuple(points)) for (is_company, label), points in ordered]


def pace_counts(con: duckdb.DuckDBPyConnection, period_id: str, metric_type: str) -> dict[str, int]:
    rows = con.execute(
        """
        select pace_status, count(*) from marts.quota_progress
        where scope_type = 'individual' and period_id = ? and metric_type = ? and metric_field is null
        group by pace_status
        """,
        [period_id, metric_type],
    ).fetchall()
    return {str(status): int(count) for status, count in rows}


def behind_pace(
    con: duckdb.DuckDBPyConnection, period_id: str, metric_type: str, limit: int = BEHIND_PACE_SIZE
) -> tuple[list[BehindPace], int]:
    """Reps whose run rate will not reach their quota (`behind`, then `at_risk`), furthest behind first."""
    where = """
        progress.scope_type = 'individual' and progress.period_id = ? and progress.metric_type = ?
        and progress.metric_field is null and progress.pace_status in ('behind', 'at_risk')
    """
    rows = con.execute(
        f"""
        select progress.quota_id, coalesce(users.name, progress.user_id), board.team_name, progress.currency,
               cast(progress.current_value as double), progress.target_value,
               cast(progress.attainment_percent as double), progress.projected_value,
               progress.required_daily_pace, progress.pace_status
        from marts.quota_progress as progress
        left join raw.users as users on cast(users.id as varchar) = progress.user_id
        left join marts.leaderboard as board on board.quota_id = progress.quota_id
        where {where}
        order by progress.pace_status = 'at_risk', coalesce(progress.projected_value, 0) / progress.target_value,
                 2, progress.quota_id
        limit ?
        """,
        [period_id, metric_type, limit],
    ).fetchall()
    total = con.execute(
        f"select count(*) from marts.quota_progress as progress where {where}", [period_id, metric_type]
    ).fetchone()
    return [BehindPace(*row) for row in rows], int(total[0]) if total else 0


def recent_goals(con: duckdb.DuckDBPyConnection, as_of: date, limit: int = GOALS_SIZE) -> list[Goal]:
    """Goals still open on the as-of date, then those that ended in the past year, most recent first."""
    rows = con.execute(
        """
        select goals.id, goals.name, goals.goal_type,
               case goals.goal_type when 'company' then 'Company'
                    when 'team' then coalesce(teams.name, goals.team_id)
                    else coalesce(users.name, goals.user_id) end,
               goals.metric_type, goals.currency, goals.target_value, cast(goals.current_value as double),
               cast(goals.attainment_percent as double), goals.status, goals.achieved_at,
               goals.start_date, goals.end_date
        from marts.goals as goals
        left join raw.teams as teams on cast(teams.id as varchar) = goals.team_id
        left join raw.users as users on cast(users.id as varchar) = goals.user_id
        where goals.status = 'in_progress' or goals.end_date >= ? - cast(? as integer)
        order by goals.status <> 'in_progress', goals.end_date desc, goals.id
        limit ?
        """,
        [as_of, GOAL_LOOKBACK_DAYS, limit],
    ).fetchall()
    milestones: dict[str, list[MilestoneLine]] = {}
    if rows:
        for goal_id, *fields in con.execute(
            """
            select goal_id, id, name, target_value, target_date, is_achieved, achieved_at, is_overdue
            from marts.goal_milestones where list_contains(?, goal_id)
            order by goal_id, display_order, target_value
            """,
            [[row[0] for row in rows]],
        ).fetchall():
            milestones.setdefault(goal_id, []).append(MilestoneLine(*fields))
    return [Goal(*row, milestones=tuple(milestones.get(row[0], []))) for row in rows]


def read_report(warehouse: Path, as_of: date | None = None, metric_type: str = "revenue") -> ReportData:
    """Everything the report shows, as of `as_of` (default: the date the warehouse's marts were built for).

    The marts hold one as-of date; a report for another date would mislabel them, so it is refused.
    """
    if not warehouse.exists():
        raise ReportError(f"warehouse {warehouse} does not exist: build it with `quotas run` first")
    try:
        con = connect(warehouse, read_only=True)
    except duckdb.Error as error:
        raise ReportError(f"cannot open {warehouse}: {str(error).splitlines()[0]}") from error
    try:
        with con:
            return _read(con, warehouse, as_of, metric_type)
    except duckdb.CatalogException as error:
        raise ReportError(f"{warehouse} has no marts yet ({str(error).splitlines()[0]})") from error


def _read(con: duckdb.DuckDBPyConnection, warehouse: Path, as_of: date | None, metric_type: str) -> ReportData:
    built = built_as_of(con)
    as_of = as_of or built
    if as_of != built:
        raise ReportError(
            f"the marts of {warehouse} are as of {built}, not {as_of}: run `quotas run --as-of {as_of}` first"
        )
    period = report_period(con, as_of)
    scorecard = metric_scores(con, period.id)
    company = next((score for score in scorecard if score.metric_type == metric_type and not score.metric_field), None)
    if company is None:
        raise ReportError(f"no {metric_type} quotas in {period.name}")
    board, board_size = leaderboard(con, period.id, metric_type)
    behind, behind_total = behind_pace(con, period.id, metric_type)
    return ReportData(
        as_of=as_of,
        period=period,
        metric_type=metric_type,
        company=company,
        scorecard=tuple(scorecard),
        teams=tuple(team_rollups(con, period.id, metric_type)),
        leaderboard=tuple(board),
        leaderboard_size=board_size,
        trend=tuple(attainment_trend(con, period.id, metric_type, as_of)),
        pace_counts=pace_counts(con, period.id, metric_type),
        behind=tuple(behind),
        behind_total=behind_total,
        goals=tuple(recent_goals(con, as_of)),
    )
