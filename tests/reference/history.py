"""Quota history: daily snapshots and past periods' results (SPEC sections 4, 5, 6 and 8).

- quota_snapshots: one row per valid quota per day S of its period, the value and attainment as of S,
  exactly what quota_progress reports with as_of = S. Each quota's values are computed once, split by
  credit date (`Calculator.scope_daily`), then cumulated day by day: a credit's team, weights and currency
  conversion depend only on the credit's own date, so the value as of S is the sum of the days <= S.
- quota_history: "how did I do last quarter / last year": one row per valid individual quota whose period
  has started by D, with its value as of min(D, end), ranked within (period, metric_type, metric_field).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

from .dates import ONE_DAY
from .keys import MetricKey, id_sort_key
from .marts import Calculator, Context, QuotaFigures, quota_currency, ranks, scope_of
from .rounding import percent_of

ZERO = Decimal(0)

Row = dict[str, Any]


def _days(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += ONE_DAY


def snapshot_rows(calculator: Calculator, contexts: list[Context], start: date, end: date) -> list[Row]:
    """quota_snapshots for every day S in [start, end]: one row per valid quota whose period holds S.

    Rows come per quota (lowest id first), then by day.
    """
    per_quota: list[tuple[str, list[Row]]] = []
    for ctx in contexts:
        period = ctx.period
        first_day, last_day = max(start, period.start), min(end, period.end)
        if first_day > last_day:
            continue
        series: dict[tuple[Any, str], dict[date, Decimal]] = {}
        for quota in ctx.quotas:
            scope = scope_of(quota)
            currency = quota_currency(quota, ctx.reporting_currency)
            if (scope, currency) not in series:
                series[(scope, currency)] = calculator.scope_daily(ctx, scope, currency, period.start, last_day)
            by_day = series[(scope, currency)]
            target: Decimal = quota["target_value"]
            value = sum((amount for day, amount in by_day.items() if day < first_day), ZERO)
            attainment = percent_of(value, target)
            rows: list[Row] = []
            for day in _days(first_day, last_day):
                amount = by_day.get(day)
                if amount is not None:
                    value += amount
                    attainment = percent_of(value, target)
                rows.append(
                    {
                        "quota_id": quota["id"],
                        "snapshot_date": day,
                        "current_value": value,
                        "target_value": target,
                        "attainment_percent": attainment,
                    }
                )
            per_quota.append((quota["id"], rows))
    per_quota.sort(key=lambda item: id_sort_key(item[0]))
    return [row for _, rows in per_quota for row in rows]


def snapshots_of_the_day(figures: list[QuotaFigures], as_of: date) -> list[Row]:
    """The snapshot rows a daily run as of D writes: every quota whose period holds D, valued as of D."""
    return [
        {
            "quota_id": figure.quota["id"],
            "snapshot_date": as_of,
            "current_value": figure.current_value,
            "target_value": figure.quota["target_value"],
            "attainment_percent": figure.attainment_percent,
        }
        for figure in figures
        if figure.context.period.start <= as_of <= figure.context.period.end
    ]


def _display_order(entry: Row) -> tuple[Any, ...]:
    return (entry["rank"], -entry["final_value"], id_sort_key(entry["user_id"]), id_sort_key(entry["quota_id"]))


def quota_history_mart(figures: list[QuotaFigures], as_of: date) -> list[Row]:
    """One row per valid individual quota whose period started on or before D: its final value (as of
    min(D, end)), target, attainment and rank within (period, metric_type, metric_field): attainment
    rounded to 2 decimals, descending, ties share a rank and the next skips (1, 2, 2, 4). is_final once
    the period has ended (end_date < D). Rows in rank order inside each group, then value descending,
    then user id."""
    groups: dict[tuple[str, MetricKey], list[QuotaFigures]] = defaultdict(list)
    for figure in figures:
        if scope_of(figure.quota)[0] == "individual" and figure.context.period.start <= as_of:
            groups[(figure.context.period.id, figure.context.metric)].append(figure)
    rows: list[Row] = []
    for (period_id, metric), members in sorted(
        groups.items(), key=lambda item: (id_sort_key(item[0][0]), item[0][1][0], item[0][1][1] or "")
    ):
        entries = [
            {
                "quota_id": figure.quota["id"],
                "period_id": period_id,
                "metric_type": metric[0],
                "metric_field": metric[1],
                "user_id": figure.quota["user_id"],
                "final_value": figure.current_value,
                "target_value": figure.quota["target_value"],
                "attainment_percent": figure.attainment_percent,
                "rank": 0,
                "is_final": figure.context.period.end < as_of,
            }
            for figure in members
        ]
        for entry, rank in zip(entries, ranks([e["attainment_percent"] for e in entries]), strict=True):
            entry["rank"] = rank
        entries.sort(key=_display_order)
        rows.extend(entries)
    return rows
