"""Goals and their milestones: a few dozen hand-sized targets for people, teams and the company.

Goals are month-, quarter- or half-year-long, in 2024 and 2025, on the non-custom metrics (the contract
has no metric_field on goals). Like quotas, each target is sized from what its scope actually did over
the goal's range, divided by a planned attainment of 60-140%, so some goals are achieved and some missed.
Revenue goals are in the reporting currency (USD). Milestones sit at 25/50/75(/90)% of the target, dated
at the same fractions of the goal's range.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pyarrow as pa

from orchestration.fiscal_calendar import FiscalPeriod
from orchestration.sample_crm.actuals import Actuals
from orchestration.sample_crm.org import MEAN_RATE_TO_USD, Org
from orchestration.sample_crm.schemas import SCHEMAS
from orchestration.sample_crm.timebase import SPAN_START, day_number

GOAL_METRICS: tuple[str, ...] = ("revenue", "deals", "leads", "calls", "meetings", "emails")
METRIC_UNITS: dict[str, str] = {
    "revenue": "USD of won revenue", "deals": "won deals", "leads": "new leads", "calls": "calls",
    "meetings": "meetings", "emails": "emails",
}  # fmt: skip
MILESTONE_FRACTIONS: dict[int, tuple[float, ...]] = {
    2: (0.5, 0.75),
    3: (0.25, 0.5, 0.75),
    4: (0.25, 0.5, 0.75, 0.9),
}
MINIMUM_COUNT_TARGET = 4
"""Count goals are at least this big, so their milestones are distinct whole numbers."""


@dataclass(frozen=True)
class GoalRange:
    label: str
    start: date
    end: date


def goal_ranges(periods: list[FiscalPeriod]) -> dict[str, list[GoalRange]]:
    """Candidate ranges by length: the months and quarters of 2024-2025, and two half-years."""
    recent = [period for period in periods if period.fiscal_year >= 2024]
    months = [period for period in recent if period.period_type == "month"]
    quarters = [period for period in recent if period.period_type == "quarter"]
    return {
        "month": [GoalRange(_month_label(p), p.start_date, p.end_date) for p in months],
        "quarter": [GoalRange(p.name, p.start_date, p.end_date) for p in quarters],
        "half": [
            GoalRange("H2 2024", date(2024, 7, 1), date(2024, 12, 31)),
            GoalRange("H1 2025", date(2025, 1, 1), date(2025, 6, 30)),
        ],
    }


def _month_label(period: FiscalPeriod) -> str:
    """'Jan 2025' from the fiscal month's name 'FY2025 M01 (Jan 2025)' (strftime would follow the locale)."""
    return period.name.rsplit("(", 1)[-1].rstrip(")")


def _span_month(day: date) -> int:
    return (day.year - SPAN_START.year) * 12 + day.month - SPAN_START.month


def _round_target(value: float, metric: str) -> float:
    if metric == "revenue":
        return max(round(value / 100.0) * 100.0, 100.0)
    return float(max(round(value), MINIMUM_COUNT_TARGET))


def build_goals(
    rng: np.random.Generator, org: Org, actuals: Actuals, periods: list[FiscalPeriod], count: int
) -> tuple[pa.Table, pa.Table]:
    """`count` goals (about 45% individual, 35% team, 20% company) and their 2-4 milestones each."""
    ranges = goal_ranges(periods)
    individual = round(count * 0.45)
    team = round(count * 0.35)
    goal_types = ["individual"] * individual + ["team"] * team + ["company"] * (count - individual - team)
    leaf_teams = np.flatnonzero(~org.team_is_region)
    regions = np.flatnonzero(org.team_is_region)
    to_usd = MEAN_RATE_TO_USD[org.rep_currency]

    goals: list[dict[str, object]] = []
    milestones: list[dict[str, object]] = []
    for goal_id, goal_type in enumerate(goal_types, start=1):
        metric = GOAL_METRICS[int(rng.integers(len(GOAL_METRICS)))]
        length = str(rng.choice(["month", "quarter", "half"], p=[0.4, 0.5, 0.1]))
        goal_range = ranges[length][int(rng.integers(len(ranges[length])))]
        done = actuals.over_months(metric, _span_month(goal_range.start), _span_month(goal_range.end))
        if metric == "revenue":
            done = done * to_usd
        user_id: int | None = None
        team_id: int | None = None
        if goal_type == "individual":
            employed = np.flatnonzero(
                (org.rep_hire_day < day_number(goal_range.start)) & (org.rep_leave_day > day_number(goal_range.end) + 1)
            )
            rep = int(rng.choice(employed))
            user_id, scope_name, achieved = int(org.rep_user_ids[rep]), org.rep_names[rep], done[rep]
        elif goal_type == "team":
            team = int(rng.choice(leaf_teams)) if rng.random() < 0.8 else int(rng.choice(regions))
            in_scope = org.rep_team == team if not org.team_is_region[team] else org.rep_region == team
            team_id, scope_name, achieved = (
                int(org.team_ids[team]),
                org.team_names[team],
                done[in_scope].sum(),
            )
        else:
            scope_name, achieved = "Company", done.sum()
        target = _round_target(max(float(achieved), 1.0) / rng.uniform(0.6, 1.4), metric)
        goals.append(
            {
                "id": goal_id,
                "name": f"{goal_range.label} {metric} goal: {scope_name}",
                "description": (
                    f"{scope_name} aims for {target:,.0f} {METRIC_UNITS[metric]} "
                    f"from {goal_range.start.isoformat()} to {goal_range.end.isoformat()}."
                ),
                "goal_type": goal_type,
                "user_id": user_id,
                "team_id": team_id,
                "metric_type": metric,
                "target_value": target,
                "start_date": goal_range.start,
                "end_date": goal_range.end,
                "weight": 1.5 if rng.random() < 0.1 else 1.0,
            }
        )
        milestones.extend(_milestones(rng, goal_id, metric, target, goal_range, len(milestones) + 1))

    goals_table = pa.table(
        {name: [goal[name] for goal in goals] for name in SCHEMAS["goals"].names}, schema=SCHEMAS["goals"]
    )
    milestones_table = pa.table(
        {name: [row[name] for row in milestones] for name in SCHEMAS["goal_milestones"].names},
        schema=SCHEMAS["goal_milestones"],
    )
    return goals_table, milestones_table


def _milestones(
    rng: np.random.Generator, goal_id: int, metric: str, target: float, goal_range: GoalRange, first_id: int
) -> list[dict[str, object]]:
    """2-4 milestones at increasing fractions of the target, dated at those fractions of the range."""
    fractions = MILESTONE_FRACTIONS[int(rng.integers(2, 5))]
    days = (goal_range.end - goal_range.start).days
    rows: list[dict[str, object]] = []
    for order, fraction in enumerate(fractions, start=1):
        value = round(target * fraction, 2) if metric == "revenue" else float(math.ceil(target * fraction))
        rows.append(
            {
                "id": first_id + order - 1,
                "goal_id": goal_id,
                "name": f"{round(fraction * 100)}% of target",
                "target_value": value,
                "target_date": goal_range.start + timedelta(days=round(days * fraction)),
                "display_order": order,
            }
        )
    return rows
