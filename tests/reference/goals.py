"""Goals and their milestones, as of a date D (SPEC sections 3, 6, 8 and 10.3, 10.8, 10.10).

A goal is valued like a quota over its own date range [start_date, end_date], with three differences:

- its weights come from goals, not quotas: a child's weight is the weight of the child's own goal with the
  same metric_type, start_date and end_date (default 1), times the membership weight for a user, and
  weights multiply along the path exactly like quotas' (SPEC 10.3). `GoalContext` is that weighting;
  `marts.Calculator` does the rest, the same code that values quotas;
- goals are in the reporting currency: each revenue credit is converted into it with the rate in force on
  the credit's date (SPEC 10.4);
- a goal's type says whose value it is: `individual` the user's own credits (unweighted), `team` the
  team's weighted rollup, `company` the company's.

A goal is achieved on the first day d (start <= d <= min(D, end)) on which its cumulative value, the credits
dated start..d, reached the target (value >= target x (1 - 1e-9)); a milestone on the first such day for the
milestone's target_value. Nothing depends on the day the job noticed it (SPEC section 6).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from .keys import MetricKey, id_sort_key, metric_key
from .marts import COMPANY, Calculator, Scope
from .quarantine import Record
from .rounding import percent_of, reached

ONE = Decimal(1)
ZERO = Decimal(0)

Row = dict[str, Any]


def goal_scope(goal: Record) -> Scope | None:
    """Whose value a goal is, by its goal_type; None for an individual goal without user_id or a team goal
    without team_id (valid rows, but there is no one to credit: their value stays 0)."""
    goal_type = goal["goal_type"]
    if goal_type == "individual":
        return ("individual", goal["user_id"]) if goal["user_id"] is not None else None
    if goal_type == "team":
        return ("team", goal["team_id"]) if goal["team_id"] is not None else None
    return COMPANY


def goal_weight(goal: Record) -> Decimal:
    return goal["weight"] if goal["weight"] is not None else ONE


@dataclass
class GoalContext:
    """The goals sharing a metric_type, start_date and end_date: a scope's own goal there (its lowest-id
    one, as for quotas) gives its weight, default 1 (SPEC 10.3)."""

    metric: MetricKey
    start: date
    end: date
    own: dict[Scope, Record] = field(default_factory=dict)

    def weight(self, scope: Scope) -> Decimal:
        goal = self.own.get(scope)
        return goal_weight(goal) if goal is not None else ONE


def build_goal_contexts(goals: dict[str, Record]) -> dict[str, GoalContext]:
    """Each valid goal's context, by goal id."""
    contexts: dict[tuple[str, date, date], GoalContext] = {}
    context_of: dict[str, GoalContext] = {}
    for goal_id, goal in sorted(goals.items(), key=lambda item: id_sort_key(item[0])):
        key = (goal["metric_type"], goal["start_date"], goal["end_date"])
        if key not in contexts:
            contexts[key] = GoalContext(metric_key(goal["metric_type"], None), goal["start_date"], goal["end_date"])
        context = contexts[key]
        scope = goal_scope(goal)
        if scope is not None:
            context.own.setdefault(scope, goal)
        context_of[goal_id] = context
    return context_of


@dataclass
class GoalCurve:
    """A goal's cumulative value day by day, from its start to min(D, end): only the days with credits."""

    days: list[date]
    cumulative: list[Decimal]

    @property
    def value(self) -> Decimal:
        return self.cumulative[-1] if self.cumulative else ZERO

    def first_day_reaching(self, target: Decimal) -> date | None:
        """The first day the cumulative value reached `target` (relative tolerance 1e-9), or None."""
        for day, value in zip(self.days, self.cumulative, strict=True):
            if reached(value, target):
                return day
        return None


def goal_curve(calculator: Calculator, context: GoalContext, goal: Record, currency: str, as_of: date) -> GoalCurve:
    """The goal's value from the credits dated in [start_date, min(D, end_date)]; empty before the start."""
    scope = goal_scope(goal)
    last = min(as_of, goal["end_date"])
    if scope is None or last < goal["start_date"]:
        return GoalCurve([], [])
    by_day = calculator.scope_daily(context, scope, currency, goal["start_date"], last)
    days = sorted(by_day)
    cumulative: list[Decimal] = []
    running = ZERO
    for day in days:
        running += by_day[day]
        cumulative.append(running)
    return GoalCurve(days, cumulative)


def goal_status(goal: Record, achieved_at: date | None, as_of: date) -> str:
    """SPEC 10.8: achieved when achieved_at <= D; missed when end_date < D and not achieved; else
    in_progress (also before the start)."""
    if achieved_at is not None and achieved_at <= as_of:
        return "achieved"
    if goal["end_date"] < as_of:
        return "missed"
    return "in_progress"


def goal_marts(
    calculator: Calculator,
    goals: dict[str, Record],
    milestones: dict[str, Record],
    reporting_currency: str,
    as_of: date,
) -> tuple[list[Row], list[Row]]:
    """marts.goals and marts.goal_milestones as of D."""
    contexts = build_goal_contexts(goals)
    curves: dict[str, GoalCurve] = {}
    goal_rows: list[Row] = []
    for goal_id, goal in sorted(goals.items(), key=lambda item: id_sort_key(item[0])):
        curve = curves[goal_id] = goal_curve(calculator, contexts[goal_id], goal, reporting_currency, as_of)
        achieved_at = curve.first_day_reaching(goal["target_value"])
        goal_rows.append(
            {
                "id": goal_id,
                "name": goal["name"],
                "description": goal["description"],
                "goal_type": goal["goal_type"],
                "user_id": goal["user_id"],
                "team_id": goal["team_id"],
                "metric_type": goal["metric_type"],
                "target_value": goal["target_value"],
                "start_date": goal["start_date"],
                "end_date": goal["end_date"],
                "weight": goal_weight(goal),
                "current_value": curve.value,
                "attainment_percent": percent_of(curve.value, goal["target_value"]),
                "status": goal_status(goal, achieved_at, as_of),
                "achieved_at": achieved_at,
            }
        )
    milestone_rows: list[Row] = []
    for milestone_id, milestone in sorted(milestones.items(), key=lambda item: id_sort_key(item[0])):
        achieved_at = curves[milestone["goal_id"]].first_day_reaching(milestone["target_value"])
        target_date: date | None = milestone["target_date"]
        overdue = target_date is not None and (
            (achieved_at is not None and achieved_at > target_date) or (achieved_at is None and target_date < as_of)
        )
        milestone_rows.append(
            {
                "id": milestone_id,
                "goal_id": milestone["goal_id"],
                "name": milestone["name"],
                "target_value": milestone["target_value"],
                "target_date": target_date,
                "display_order": milestone["display_order"],
                "is_achieved": achieved_at is not None,
                "achieved_at": achieved_at,
                "is_overdue": overdue,
            }
        )
    return goal_rows, milestone_rows
