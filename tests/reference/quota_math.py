"""The expected marts of a source, as of a date: the spec executed literally, in plain Python.

    source dir -> inputs (typed rows) -> quarantine (valid rows + rejections) -> ledger (credits)
               -> org (who is where, when) -> marts (quotas, progress, rollups, leaderboard)
                                               -> goals (goals, milestones)
                                               -> history (quota_history, quota_snapshots)

Use it in tests as:

    expected = compute_expected_marts(source_dir, date(2025, 3, 31), timezone="America/Los_Angeles")
    expected.quota("q1")["attainment_percent"]
    expected.goal("g1")["achieved_at"]
    snapshots = expected_snapshots(source_dir, date(2025, 1, 1), date(2025, 3, 31))
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, localcontext
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from .fx import FxRates
from .goals import goal_marts
from .history import quota_history_mart, snapshot_rows, snapshots_of_the_day
from .inputs import SourceError, read_source
from .ledger import Ledger, build_credits
from .marts import (
    Calculator,
    Context,
    build_contexts,
    leaderboard_mart,
    progress_row,
    quota_figures,
    quotas_mart,
    rollups_mart,
)
from .org import Organisation
from .quarantine import ValidSource, screen_source

__all__ = ["ExpectedMarts", "SourceError", "compute_expected_marts", "expected_snapshots"]

Row = dict[str, Any]

# Far more digits than a double holds, so the reference's own rounding never matters.
DECIMAL_PRECISION = 50


@dataclass
class ExpectedMarts:
    """The marts the warehouse must publish, as lists of dicts keyed by SPEC section 8 column names."""

    quotas: list[Row] = field(default_factory=list)
    quota_progress: list[Row] = field(default_factory=list)
    quota_rollups: list[Row] = field(default_factory=list)
    leaderboard: list[Row] = field(default_factory=list)
    quarantine: list[Row] = field(default_factory=list)
    goals: list[Row] = field(default_factory=list)
    goal_milestones: list[Row] = field(default_factory=list)
    quota_history: list[Row] = field(default_factory=list)
    quota_snapshots: list[Row] = field(default_factory=list)
    """The snapshot rows a run as of D writes (D's only); `expected_snapshots` gives any range of days."""

    def quota(self, quota_id: str) -> Row:
        """The marts.quotas row of one quota."""
        return _only(row for row in self.quotas if row["id"] == quota_id)

    def progress(self, quota_id: str) -> Row:
        """The marts.quota_progress row of one quota."""
        return _only(row for row in self.quota_progress if row["quota_id"] == quota_id)

    def rollup(
        self, period_id: str, metric_type: str, team_id: str | None = None, metric_field: str | None = None
    ) -> Row:
        """The quota_rollups row of a team (or of the company, with team_id None) in one context."""
        scope_type = "company" if team_id is None else "team"
        return _only(
            row
            for row in self.quota_rollups
            if (row["scope_type"], row["team_id"], row["period_id"], row["metric_type"], row["metric_field"])
            == (scope_type, team_id, period_id, metric_type, metric_field)
        )

    def board(self, period_id: str, metric_type: str, metric_field: str | None = None) -> list[Row]:
        """The leaderboard of one (period, metric), in display order."""
        return [
            row
            for row in self.leaderboard
            if (row["period_id"], row["metric_type"], row["metric_field"]) == (period_id, metric_type, metric_field)
        ]

    def goal(self, goal_id: str) -> Row:
        """The marts.goals row of one goal."""
        return _only(row for row in self.goals if row["id"] == goal_id)

    def milestone(self, milestone_id: str) -> Row:
        """The marts.goal_milestones row of one milestone."""
        return _only(row for row in self.goal_milestones if row["id"] == milestone_id)

    def history(self, period_id: str, metric_type: str, metric_field: str | None = None) -> list[Row]:
        """The quota_history rows of one (period, metric), in rank order."""
        return [
            row
            for row in self.quota_history
            if (row["period_id"], row["metric_type"], row["metric_field"]) == (period_id, metric_type, metric_field)
        ]

    def quarantined(self) -> set[tuple[str, str | None]]:
        """The (source_table, source_id) pairs set aside: what the tests compare."""
        return {(row["source_table"], row["source_id"]) for row in self.quarantine}


def _only(rows: Any) -> Row:
    found = list(rows)
    if len(found) != 1:
        raise LookupError(f"expected exactly one row, found {len(found)}")
    return found[0]


def _plain(value: Any) -> Any:
    """Decimals become floats at the very end; everything else (text, dates, ints, None) is kept."""
    return float(value) if isinstance(value, Decimal) else value


def _plain_rows(rows: list[Row]) -> list[Row]:
    return [{key: _plain(value) for key, value in row.items()} for row in rows]


@dataclass
class _Prepared:
    """What every mart is computed from: the valid rows, the calculator and the quota contexts."""

    valid: ValidSource
    calculator: Calculator
    contexts: list[Context]


def _prepare(source_dir: Path, zone: ZoneInfo, reporting_currency: str) -> _Prepared:
    """Read, screen, build the ledger and the organisation. Call inside a DECIMAL_PRECISION context."""
    valid = screen_source(read_source(Path(source_dir)), zone, reporting_currency)
    custom_fields = {quota["metric_field"] for quota in valid.quotas.values() if quota["metric_type"] == "custom"}
    fx: FxRates = valid.fx
    ledger = Ledger(build_credits(valid, zone, custom_fields), fx)
    calculator = Calculator(Organisation(valid), ledger, fx)
    contexts = build_contexts(valid.quotas, valid.periods, reporting_currency)
    return _Prepared(valid, calculator, contexts)


def compute_expected_marts(
    source_dir: Path, as_of: date, timezone: str = "UTC", reporting_currency: str = "USD"
) -> ExpectedMarts:
    """Every number of marts.quotas, quota_progress, quota_rollups, leaderboard, goals, goal_milestones,
    quota_history, D's quota_snapshots and quarantine, as of D.

    Raises SourceError when the source is unreadable (a required table or column is missing).
    """
    zone = ZoneInfo(timezone)
    with localcontext() as decimal_context:
        decimal_context.prec = DECIMAL_PRECISION
        prepared = _prepare(source_dir, zone, reporting_currency)
        valid, calculator, contexts = prepared.valid, prepared.calculator, prepared.contexts
        figures = quota_figures(calculator, contexts, as_of)
        goals, milestones = goal_marts(calculator, valid.goals, valid.goal_milestones, reporting_currency, as_of)
        return ExpectedMarts(
            quotas=_plain_rows(quotas_mart(figures)),
            quota_progress=_plain_rows([progress_row(figure, as_of) for figure in figures]),
            quota_rollups=_plain_rows(rollups_mart(calculator, contexts, as_of)),
            leaderboard=_plain_rows(leaderboard_mart(calculator, figures, as_of)),
            quarantine=[
                {"source_table": r.source_table, "source_id": r.source_id, "reason": r.reason} for r in valid.rejections
            ],
            goals=_plain_rows(goals),
            goal_milestones=_plain_rows(milestones),
            quota_history=_plain_rows(quota_history_mart(figures, as_of)),
            quota_snapshots=_plain_rows(snapshots_of_the_day(figures, as_of)),
        )


def expected_snapshots(
    source_dir: Path, start: date, end: date, timezone: str = "UTC", reporting_currency: str = "USD"
) -> list[Row]:
    """marts.quota_snapshots for every day S in [start, end] (a backfill): one row per valid quota per day
    S of its period, with the value and attainment quota_progress reports as of S (SPEC section 6).

    Keys: quota_id, snapshot_date, current_value, target_value, attainment_percent. Each quota's values are
    computed once and cumulated day by day, so a quarter of a few thousand quotas takes seconds.
    """
    zone = ZoneInfo(timezone)
    with localcontext() as decimal_context:
        decimal_context.prec = DECIMAL_PRECISION
        prepared = _prepare(source_dir, zone, reporting_currency)
        return _plain_rows(snapshot_rows(prepared.calculator, prepared.contexts, start, end))
