"""Quota periods and quotas: the configuration the sales-operations team would load into the app.

Periods are the fiscal calendar's months, quarters and years of FY2023..FY2025. Every rep employed during
a period gets an individual quota there for each metric; every team and region gets a team quota, and the
company one quota per period and metric.

Targets are set the way a sales-ops analyst would: from what an average rep does in the days the rep was
employed, blended with the rep's own track record (the tally in `Actuals`), divided by a planned
attainment that differs per rep (some reps are sandbagged, some stretched). The result is attainment
spread roughly from 40% to 160%. Team targets are their members' targets summed and then deliberately
over- or under-assigned by 3-10%, as managers do, so that a rollup can never pass by reading the sum.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from orchestration.fiscal_calendar import FiscalPeriod
from orchestration.sample_crm.actuals import Actuals
from orchestration.sample_crm.org import CURRENCIES, MEAN_RATE_TO_USD, USD, Org
from orchestration.sample_crm.schemas import SCHEMAS
from orchestration.sample_crm.timebase import SPAN_START, day_number, month_first_days
from orchestration.source_contract import METRIC_TYPES

AMOUNT_METRICS: frozenset[str] = frozenset({"revenue", "custom"})
CUSTOM_METRIC_FIELD = "margin"
INDIVIDUAL_REWEIGHTED_SHARE = 0.02
TEAM_REWEIGHTED_SHARE = 0.05
REWEIGHTS = np.array([0.5, 1.5])


def quota_periods_table(periods: list[FiscalPeriod]) -> pa.Table:
    """One active quota period per fiscal period, keyed by the calendar's stable text ids."""
    return pa.table(
        {
            "id": [period.id for period in periods],
            "name": [period.name for period in periods],
            "period_type": [period.period_type for period in periods],
            "start_date": [period.start_date for period in periods],
            "end_date": [period.end_date for period in periods],
            "is_active": [True] * len(periods),
        },
        schema=SCHEMAS["quota_periods"],
    )


def round_targets(values: np.ndarray, metric: str) -> np.ndarray:
    """Targets as people write them: amounts to the nearest 100 (at least 100), counts to whole numbers."""
    if metric in AMOUNT_METRICS:
        return np.maximum(np.round(values / 100.0) * 100.0, 100.0)
    return np.maximum(np.round(values), 1.0)


def _target_unit(metric: str) -> float:
    return 100.0 if metric in AMOUNT_METRICS else 1.0


def _span_month(day: np.ndarray) -> np.ndarray:
    months = day.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    return months - ((SPAN_START.year - 1970) * 12 + SPAN_START.month - 1)


def _reassign(rng: np.random.Generator, sums: np.ndarray, metric: str) -> np.ndarray:
    """A scope's own target from its members' weighted sum: 3-10% over or under, never equal to it."""
    factor = rng.uniform(1.03, 1.10, sums.shape) ** rng.choice([-1.0, 1.0], sums.shape)
    fallback = np.median(sums[sums > 0]) if (sums > 0).any() else _target_unit(metric) * 10
    targets = round_targets(np.where(sums > 0, sums, fallback) * factor, metric)
    return np.where(np.isclose(targets, sums), targets + _target_unit(metric), targets)


def build_quotas(rng: np.random.Generator, org: Org, actuals: Actuals, periods: list[FiscalPeriod]) -> pa.Table:
    """Individual, team, region and company quotas for every period and metric."""
    metrics = METRIC_TYPES
    start_day = np.array([day_number(period.start_date) for period in periods])
    end_day = np.array([day_number(period.end_date) for period in periods])
    first_month, last_month = _span_month(start_day), _span_month(end_day)

    # What an average rep would have done in the days each rep was employed, blended with the rep's own.
    month_days = month_first_days()
    employed_days = np.clip(
        np.minimum(org.rep_leave_day[:, None], month_days[None, 1:])
        - np.maximum(org.rep_hire_day[:, None], month_days[None, :-1]),
        0,
        None,
    )
    per_rep_day = actuals.values.sum(axis=1) / np.maximum(employed_days.sum(axis=0), 1)
    expected = per_rep_day[:, None, :] * employed_days[None, :, :]
    blended = np.cumsum(0.5 * actuals.values + 0.5 * expected, axis=2)
    blended = np.concatenate([np.zeros((*blended.shape[:2], 1)), blended], axis=2)
    base = blended[:, :, last_month + 1] - blended[:, :, first_month]
    employed = (org.rep_hire_day[:, None] <= end_day[None, :]) & (org.rep_leave_day[:, None] > start_day[None, :])

    rep_level = rng.normal(1.0, 0.2, org.rep_count)
    planned = np.clip(rep_level[None, :, None] * rng.normal(1.0, 0.1, base.shape), 0.45, 1.55)
    rep_target = np.stack([round_targets(base[m] / planned[m], metric) for m, metric in enumerate(metrics)])
    rep_weight = np.where(rng.random(base.shape) < INDIVIDUAL_REWEIGHTED_SHARE, rng.choice(REWEIGHTS, base.shape), 1.0)

    # Members of a team for a period: memberships in force on the rep's first employed day in it.
    reference_day = np.maximum(start_day[None, :], org.rep_hire_day[org.membership_rep][:, None])
    in_force = (
        (org.membership_from_day[:, None] <= reference_day)
        & (reference_day < org.membership_to_day[:, None])
        & employed[org.membership_rep]
    )
    contribution = (
        rep_target[:, org.membership_rep, :]
        * rep_weight[:, org.membership_rep, :]
        * org.membership_weight[None, :, None]
        * in_force[None, :, :]
    )
    team_count = len(org.team_ids)
    member_sum = np.zeros((len(metrics), team_count, len(periods)))
    np.add.at(member_sum, (slice(None), org.membership_team), contribution)

    leaf = ~org.team_is_region
    team_target = np.zeros_like(member_sum)
    team_weight = np.ones_like(member_sum)
    for m, metric in enumerate(metrics):
        team_target[m, leaf] = _reassign(rng, member_sum[m, leaf], metric)
    reweighted = rng.random(team_weight.shape) < TEAM_REWEIGHTED_SHARE
    team_weight = np.where(reweighted & leaf[None, :, None], rng.choice(REWEIGHTS, team_weight.shape), 1.0)
    regions = np.flatnonzero(org.team_is_region)
    leaf_teams = np.flatnonzero(leaf)
    for m, metric in enumerate(metrics):
        region_sum = np.zeros((len(regions), len(periods)))
        np.add.at(
            region_sum,
            org.team_region[leaf_teams],
            team_target[m, leaf_teams] * team_weight[m, leaf_teams],
        )
        team_target[m, regions] = _reassign(rng, region_sum, metric)
    company_target = np.zeros((len(metrics), len(periods)))
    for m, metric in enumerate(metrics):
        to_usd = MEAN_RATE_TO_USD[org.team_currency[regions]] if metric == "revenue" else 1.0
        in_usd = (team_target[m, regions] * np.atleast_1d(to_usd)[:, None]).sum(axis=0)
        company_target[m] = _reassign(rng, in_usd, metric)

    return _quota_rows(org, periods, rep_target, rep_weight, employed, team_target, team_weight, company_target)


@dataclass(frozen=True)
class _QuotaBlock:
    """Quota rows of one scope level, as parallel arrays; user or team ids are None where not set."""

    level: int
    period: np.ndarray
    metric: np.ndarray
    key: np.ndarray
    user_id: np.ndarray | None
    team_id: np.ndarray | None
    target: np.ndarray
    currency: np.ndarray
    weight: np.ndarray

    def ids_or_zero(self, ids: np.ndarray | None) -> np.ndarray:
        return np.zeros(len(self.period), dtype=np.int64) if ids is None else ids


def _quota_rows(
    org: Org,
    periods: list[FiscalPeriod],
    rep_target: np.ndarray,
    rep_weight: np.ndarray,
    employed: np.ndarray,
    team_target: np.ndarray,
    team_weight: np.ndarray,
    company_target: np.ndarray,
) -> pa.Table:
    """Flatten the target arrays into quota rows: per period, the company, then teams, then reps."""
    rep_m, rep_r, rep_p = np.nonzero(np.broadcast_to(employed[None], rep_target.shape))
    team_m, team_t, team_p = np.nonzero(np.ones(team_target.shape, dtype=bool))
    company_m, company_p = np.nonzero(np.ones(company_target.shape, dtype=bool))
    blocks = (
        _QuotaBlock(
            0, company_p, company_m, np.zeros_like(company_p), None, None,
            company_target[company_m, company_p], np.full(len(company_p), USD), np.ones(len(company_p)),
        ),
        _QuotaBlock(
            1, team_p, team_m, team_t, None, org.team_ids[team_t], team_target[team_m, team_t, team_p],
            org.team_currency[team_t], team_weight[team_m, team_t, team_p],
        ),
        _QuotaBlock(
            2, rep_p, rep_m, rep_r, org.rep_user_ids[rep_r], None, rep_target[rep_m, rep_r, rep_p],
            org.rep_currency[rep_r], rep_weight[rep_m, rep_r, rep_p],
        ),
    )  # fmt: skip

    def column(values: Callable[[_QuotaBlock], np.ndarray]) -> np.ndarray:
        return np.concatenate([values(block) for block in blocks])

    level = column(lambda block: np.full(len(block.period), block.level))
    period, metric, key = column(lambda b: b.period), column(lambda b: b.metric), column(lambda b: b.key)
    order = np.lexsort((key, metric, level, period))
    user_id = column(lambda block: block.ids_or_zero(block.user_id))[order]
    has_user = column(lambda block: np.full(len(block.period), block.user_id is not None))[order]
    team_id = column(lambda block: block.ids_or_zero(block.team_id))[order]
    has_team = column(lambda block: np.full(len(block.period), block.team_id is not None))[order]
    is_custom = np.array([name == "custom" for name in METRIC_TYPES])[metric[order]]
    return pa.table(
        {
            "id": np.arange(1, len(order) + 1, dtype=np.int64),
            "period_id": pa.array([p.id for p in periods]).take(period[order]),
            "user_id": pa.array(user_id, mask=~has_user),
            "team_id": pa.array(team_id, mask=~has_team),
            "metric_type": pa.array(METRIC_TYPES).take(metric[order]),
            "metric_field": pa.array(np.where(is_custom, CUSTOM_METRIC_FIELD, ""), mask=~is_custom),
            "target_value": column(lambda b: b.target)[order],
            "currency": pa.array(CURRENCIES).take(column(lambda b: b.currency)[order]),
            "weight": column(lambda b: b.weight)[order],
        },
        schema=SCHEMAS["quotas"],
    )
