"""Values, targets, attainment, rollups, progress and leaderboards (SPEC sections 3, 4, 5 and 10).

Everything is computed as of a date D from the credits dated on or before D. Numbers stay exact
(Decimal with ample precision) until `quota_math` turns them into floats.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any, Protocol

from .dates import days_inclusive
from .fx import FxRates
from .keys import MetricKey, id_sort_key, metric_key
from .ledger import Ledger
from .org import Organisation
from .quarantine import Record
from .rounding import percent_of, reached

ONE = Decimal(1)
ZERO = Decimal(0)
AT_RISK_SHARE = Fraction(9, 10)

Scope = tuple[str, str | None]
"""('individual', user_id), ('team', team_id) or ('company', None)."""

COMPANY: Scope = ("company", None)

Span = tuple[Decimal, str, date, date]
"""(factor, user_id, first, last): the user's credits dated in [first, last], counted x factor."""


class Weighting(Protocol):
    """What a value needs besides the organisation: the metric, and each scope's own weight (SPEC 10.3).
    A quota `Context` is one; so is a goal's (goals.GoalContext)."""

    metric: MetricKey

    def weight(self, scope: Scope) -> Decimal: ...


def scope_of(quota: Record) -> Scope:
    """SPEC section 1 and 10.10: a quota with user_id is individual (even with a team_id too); with only
    team_id it is a team quota; with neither it is the company quota."""
    if quota["user_id"] is not None:
        return ("individual", quota["user_id"])
    if quota["team_id"] is not None:
        return ("team", quota["team_id"])
    return COMPANY


@dataclass(frozen=True)
class Period:
    """The closed date range [start, end] of a quota period, in the company time zone."""

    id: str
    start: date
    end: date

    @classmethod
    def of(cls, record: Record) -> Period:
        return cls(record["id"], record["start_date"], record["end_date"])

    def last_counted_day(self, as_of: date) -> date:
        """Credits count up to min(D, end): nothing after D is known yet."""
        return min(self.end, as_of)

    def reference_day(self, as_of: date) -> date:
        """SPEC 10.5: R = min(max(D, start), end), the day whose organisation a period reports."""
        return min(max(as_of, self.start), self.end)


@dataclass
class Context:
    """A (period, metric_type, metric_field) with at least one valid quota at any level.

    In a context, a scope's own quota is its lowest-id quota there: it gives the scope's weight (default
    1), target and currency (default: the reporting currency).
    """

    period: Period
    metric: MetricKey
    quotas: list[Record]
    reporting_currency: str
    own: dict[Scope, Record] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.quotas.sort(key=lambda quota: id_sort_key(quota["id"]))
        for quota in self.quotas:
            self.own.setdefault(scope_of(quota), quota)

    def weight(self, scope: Scope) -> Decimal:
        """SPEC 10.3: a child's weight is that of its own quota with the same period and metric, else 1."""
        quota = self.own.get(scope)
        return quota_weight(quota) if quota is not None else ONE

    def currency(self, scope: Scope) -> str:
        quota = self.own.get(scope)
        if quota is None:
            return self.reporting_currency
        return quota_currency(quota, self.reporting_currency)


def quota_weight(quota: Record) -> Decimal:
    return quota["weight"] if quota["weight"] is not None else ONE


def quota_currency(quota: Record, reporting_currency: str) -> str:
    """A quota without a currency is in the reporting currency."""
    return quota["currency"] if quota["currency"] is not None else reporting_currency


def build_contexts(quotas: dict[str, Record], periods: dict[str, Record], reporting_currency: str) -> list[Context]:
    """Group the valid quotas by (period, metric key); metric_field only matters for `custom`."""
    grouped: dict[tuple[str, MetricKey], list[Record]] = defaultdict(list)
    for quota in quotas.values():
        grouped[(quota["period_id"], metric_key(quota["metric_type"], quota["metric_field"]))].append(quota)
    contexts = [
        Context(Period.of(periods[period_id]), metric, members, reporting_currency)
        for (period_id, metric), members in grouped.items()
    ]
    contexts.sort(key=lambda ctx: (id_sort_key(ctx.period.id), ctx.metric[0], ctx.metric[1] or ""))
    return contexts


class Calculator:
    """Values of every scope of a context over a date range (SPEC section 3, 10.2-10.5)."""

    def __init__(self, org: Organisation, ledger: Ledger, fx: FxRates) -> None:
        self.org = org
        self.ledger = ledger
        self.fx = fx

    # --- values --------------------------------------------------------------------------------------

    def spans(self, weights: Weighting, scope: Scope, first: date, last: date) -> Iterator[Span]:
        """What a scope's value is made of: (factor, user, first day, last day) ranges of one user's credits,
        each counted x factor. The scope's value is the sum over its spans of factor x the user's credits
        dated in the range (SPEC section 3, 10.2 and 10.3):

        - an individual's value is the user's own credits, unweighted (weights apply to what a child passes
          up, not to the child's own number);
        - a team's value: the credits of a member (on the credit's date) of any team in its subtree, x user
          weight x membership weight x the weights of the teams from the member's team up to, not including,
          this team. A user in several teams on a day contributes once per membership row;
        - the company's: the same with the path running through the top-level team, plus the credits of
          users with no team on the credit's day (user weight only).
        """
        kind, scope_id = scope
        if kind == "individual":
            assert scope_id is not None
            yield (ONE, scope_id, first, last)
            return
        for user_id, memberships in self.org.memberships.items():
            for membership in memberships:
                path = self.org.path_to_top(membership.team_id)
                if kind == "team":
                    if scope_id not in path:
                        continue
                    path = path[: path.index(scope_id)]
                span = membership.clip(first, last)
                if span is None:
                    continue
                factor = weights.weight(("individual", user_id)) * membership.weight * self._path_weight(weights, path)
                yield (factor, user_id, *span)
        if kind == "company":
            for user_id in self.org.users:
                user_weight = weights.weight(("individual", user_id))
                for gap_first, gap_last in self.org.days_without_team(user_id, first, last):
                    yield (user_weight, user_id, gap_first, gap_last)

    def _path_weight(self, weights: Weighting, path: Iterable[str]) -> Decimal:
        weight = ONE
        for team_id in path:
            weight *= weights.weight(("team", team_id))
        return weight

    def scope_value(self, weights: Weighting, scope: Scope, currency: str, first: date, last: date) -> Decimal:
        """The scope's value from the credits dated in [first, last], revenue in `currency`."""
        total = ZERO
        for factor, user_id, span_first, span_last in self.spans(weights, scope, first, last):
            total += factor * self.ledger.total(weights.metric, user_id, currency, span_first, span_last)
        return total

    def scope_daily(
        self, weights: Weighting, scope: Scope, currency: str, first: date, last: date
    ) -> dict[date, Decimal]:
        """The same value split by credit date: {day: what the day's credits add}, days without credits left
        out. Summed over [first, d] it is the scope's value of [first, d], for every d <= last."""
        by_day: dict[date, Decimal] = defaultdict(Decimal)
        for factor, user_id, span_first, span_last in self.spans(weights, scope, first, last):
            for day, amount in self.ledger.daily(weights.metric, user_id, currency, span_first, span_last):
                by_day[day] += factor * amount
        return dict(by_day)

    def value_as_of(self, ctx: Context, scope: Scope, currency: str, as_of: date) -> Decimal:
        """The scope's value from the period's start to min(D, end)."""
        return self.scope_value(ctx, scope, currency, ctx.period.start, ctx.period.last_counted_day(as_of))

    def week_delta(self, ctx: Context, scope: Scope, currency: str, as_of: date) -> Decimal:
        """Credits dated in (D - 7, D] inside the period (SPEC 10.7: both values limited to the period)."""
        first = max(ctx.period.start, as_of - timedelta(days=6))
        return self.scope_value(ctx, scope, currency, first, ctx.period.last_counted_day(as_of))

    # --- targets -------------------------------------------------------------------------------------

    def _target_in(self, ctx: Context, quota: Record, currency: str, day: date) -> Decimal | None:
        """A child's target converted into the parent's currency on day R (revenue only)."""
        target: Decimal = quota["target_value"]
        if ctx.metric[0] != "revenue":
            return target
        return self.fx.convert(target, quota_currency(quota, ctx.reporting_currency), currency, day)

    def member_target_sum(self, ctx: Context, scope: Scope, currency: str, as_of: date) -> Decimal | None:
        """SPEC 10.5: the direct children with a quota in the context, on R: each sub-team's target x its
        weight; each member user's target x its quota weight x membership weight (once per membership row
        in force on R); converted into the scope's currency on R. None when no direct child has a quota.
        The company's direct children are the top-level teams and the users with no team on R."""
        day = ctx.period.reference_day(as_of)
        parts: list[Decimal | None] = []
        parent_id = scope[1]
        for team_id in self.org.child_teams(parent_id):
            quota = ctx.own.get(("team", team_id))
            if quota is not None:
                target = self._target_in(ctx, quota, currency, day)
                parts.append(None if target is None else target * quota_weight(quota))
        for user_id in self.org.users:
            quota = ctx.own.get(("individual", user_id))
            if quota is None:
                continue
            in_force = self.org.memberships_in_force(user_id, day)
            if scope == COMPANY:
                membership_weights = [] if in_force else [ONE]
            else:
                membership_weights = [m.weight for m in in_force if m.team_id == parent_id]
            for membership_weight in membership_weights:
                target = self._target_in(ctx, quota, currency, day)
                parts.append(None if target is None else target * quota_weight(quota) * membership_weight)
        if not parts:
            return None
        return sum((part for part in parts if part is not None), ZERO)


# ---------------------------------------------------------------------------------------------------------
# The marts
# ---------------------------------------------------------------------------------------------------------


@dataclass
class QuotaFigures:
    """One quota's numbers as of D, shared by marts.quotas, quota_progress and the leaderboard."""

    quota: Record
    context: Context
    current_value: Decimal
    week_delta: Decimal
    attainment_percent: Decimal | None


def quota_figures(calculator: Calculator, contexts: list[Context], as_of: date) -> list[QuotaFigures]:
    """Every valid quota's value, in its own currency. Team and company quotas report their scope's
    rollup value (SPEC 10.10)."""
    figures: list[QuotaFigures] = []
    for ctx in contexts:
        for quota in ctx.quotas:
            scope = scope_of(quota)
            currency = quota_currency(quota, ctx.reporting_currency)
            value = calculator.value_as_of(ctx, scope, currency, as_of)
            delta = calculator.week_delta(ctx, scope, currency, as_of)
            figures.append(QuotaFigures(quota, ctx, value, delta, percent_of(value, quota["target_value"])))
    figures.sort(key=lambda figure: id_sort_key(figure.quota["id"]))
    return figures


def quotas_mart(figures: list[QuotaFigures]) -> list[dict[str, Any]]:
    """marts.quotas: the seed's columns with current_value, attainment_percent and scope_type."""
    rows = []
    for figure in figures:
        quota = figure.quota
        rows.append(
            {
                "id": quota["id"],
                "period_id": quota["period_id"],
                "user_id": quota["user_id"],
                "team_id": quota["team_id"],
                "metric_type": quota["metric_type"],
                "metric_field": quota["metric_field"],
                "target_value": quota["target_value"],
                "currency": quota["currency"],
                "weight": quota_weight(quota),
                "current_value": figure.current_value,
                "attainment_percent": figure.attainment_percent,
                "scope_type": scope_of(quota)[0],
            }
        )
    return rows


def pace_status(period: Period, as_of: date, value: Decimal, target: Decimal, projected: Decimal | None) -> str:
    """SPEC section 4, first matching rule: not_started, achieved, missed, on_track, at_risk, behind."""
    if as_of < period.start:
        return "not_started"
    if reached(value, target):
        return "achieved"
    if as_of > period.end:
        return "missed"
    assert projected is not None  # days_elapsed > 0 once the period has started
    if reached(projected, target):
        return "on_track"
    if Fraction(projected) >= Fraction(target) * AT_RISK_SHARE * (1 - Fraction(1, 10**9)):
        return "at_risk"
    return "behind"


def progress_row(figure: QuotaFigures, as_of: date) -> dict[str, Any]:
    """marts.quota_progress for one quota (SPEC section 4 and 10.7)."""
    period = figure.context.period
    target: Decimal = figure.quota["target_value"]
    value = figure.current_value
    days_total = days_inclusive(period.start, period.end)
    days_elapsed = 0 if as_of < period.start else days_inclusive(period.start, min(as_of, period.end))
    days_remaining = days_total if as_of < period.start else max((period.end - as_of).days, 0)
    required = None if days_remaining == 0 else max(target - value, ZERO) / days_remaining
    projected = None if days_elapsed == 0 else value / days_elapsed * days_total
    return {
        "quota_id": figure.quota["id"],
        "as_of_date": as_of,
        "current_value": value,
        "target_value": target,
        "attainment_percent": figure.attainment_percent,
        "days_total": days_total,
        "days_elapsed": days_elapsed,
        "days_remaining": days_remaining,
        "week_delta": figure.week_delta,
        "required_daily_pace": required,
        "projected_value": projected,
        "pace_status": pace_status(period, as_of, value, target, projected),
    }


def rollups_mart(calculator: Calculator, contexts: list[Context], as_of: date) -> list[dict[str, Any]]:
    """marts.quota_rollups: every team and the company, for every context (SPEC section 8 and 10.10)."""
    rows = []
    scopes: list[Scope] = [COMPANY] + [("team", team_id) for team_id in calculator.org.sorted_team_ids()]
    for ctx in contexts:
        for scope in scopes:
            currency = ctx.currency(scope)
            own = ctx.own.get(scope)
            target = own["target_value"] if own is not None else None
            value = calculator.value_as_of(ctx, scope, currency, as_of)
            member_targets = calculator.member_target_sum(ctx, scope, currency, as_of)
            rows.append(
                {
                    "scope_type": scope[0],
                    "team_id": scope[1],
                    "period_id": ctx.period.id,
                    "metric_type": ctx.metric[0],
                    "metric_field": ctx.metric[1],
                    "current_value": value,
                    "target_value": target,
                    "attainment_percent": percent_of(value, target),
                    "member_target_sum": member_targets,
                    "over_assignment_percent": (
                        percent_of(member_targets, target) if member_targets is not None else None
                    ),
                }
            )
    return rows


def ranks(attainments: list[Decimal]) -> list[int]:
    """SPEC section 5: descending; equal (2-decimal) attainment shares the rank, the next rank skips."""
    return [1 + sum(1 for other in attainments if other > mine) for mine in attainments]


def leaderboard_mart(calculator: Calculator, figures: list[QuotaFigures], as_of: date) -> list[dict[str, Any]]:
    """marts.leaderboard: one row per individual quota, ranked per (period, metric_type, metric_field),
    in display order (rank, then value descending, then user name)."""
    groups: dict[tuple[str, MetricKey], list[QuotaFigures]] = defaultdict(list)
    for figure in figures:
        if scope_of(figure.quota)[0] == "individual":
            groups[(figure.context.period.id, figure.context.metric)].append(figure)

    rows: list[dict[str, Any]] = []
    for (period_id, metric), members in sorted(
        groups.items(), key=lambda item: (id_sort_key(item[0][0]), item[0][1][0], item[0][1][1] or "")
    ):
        reference_day = members[0].context.period.reference_day(as_of)
        entries = []
        for figure in members:
            user_id = figure.quota["user_id"]
            entries.append(
                {
                    "period_id": period_id,
                    "metric_type": metric[0],
                    "metric_field": metric[1],
                    "user_id": user_id,
                    "user_name": calculator.org.users[user_id]["name"],
                    "team_id": calculator.org.leaderboard_team(user_id, reference_day),
                    "rank": 0,
                    "team_rank": None,
                    "current_value": figure.current_value,
                    "target_value": figure.quota["target_value"],
                    "attainment_percent": figure.attainment_percent,
                    "vs_quota": figure.current_value - figure.quota["target_value"],
                }
            )
        for entry, rank in zip(entries, ranks([e["attainment_percent"] for e in entries]), strict=True):
            entry["rank"] = rank
        by_team: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for entry in entries:
            if entry["team_id"] is not None:
                by_team[entry["team_id"]].append(entry)
        for team_entries in by_team.values():
            team_ranks = ranks([e["attainment_percent"] for e in team_entries])
            for entry, rank in zip(team_entries, team_ranks, strict=True):
                entry["team_rank"] = rank
        entries.sort(key=lambda e: (e["rank"], -e["current_value"], e["user_name"] or "", id_sort_key(e["user_id"])))
        rows.extend(entries)
    return rows
