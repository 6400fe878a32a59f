"""Mart-by-mart comparison of a built warehouse with the reference computation of the same input.

Every number is compared: values within a relative 1e-9, rounded percentages exactly, ranks and ids
exactly, and the set of rows on both sides (a missing or extra row fails, not only a wrong one).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from tests.reference.quota_math import ExpectedMarts
from tests.support.warehouse import read_mart

Row = dict[str, Any]


def same_number(actual: Any, expected: Any) -> bool:
    if actual is None or expected is None:
        return actual is None and expected is None
    return math.isclose(float(actual), float(expected), rel_tol=1e-9, abs_tol=1e-6)


def _index(rows: Iterable[Row], key: Callable[[Row], tuple]) -> dict[tuple, Row]:
    indexed: dict[tuple, Row] = {}
    for row in rows:
        assert key(row) not in indexed, f"duplicate row for {key(row)}"
        indexed[key(row)] = row
    return indexed


def compare_rows(
    mart: str,
    actual_rows: list[Row],
    expected_rows: list[Row],
    key: Callable[[Row], tuple],
    numbers: tuple[str, ...] = (),
    exact: tuple[str, ...] = (),
) -> list[str]:
    """Differences between two row sets, as readable lines (empty when they agree)."""
    actual, expected = _index(actual_rows, key), _index(expected_rows, key)
    problems = [f"{mart}: missing row {k}" for k in expected.keys() - actual.keys()]
    problems += [f"{mart}: unexpected row {k}" for k in actual.keys() - expected.keys()]
    for k in expected.keys() & actual.keys():
        for column in numbers:
            if not same_number(actual[k][column], expected[k][column]):
                problems.append(f"{mart} {k}: {column} = {actual[k][column]}, expected {expected[k][column]}")
        for column in exact:
            if actual[k][column] != expected[k][column]:
                problems.append(f"{mart} {k}: {column} = {actual[k][column]!r}, expected {expected[k][column]!r}")
    return problems


def _metric_key(row: Row) -> tuple:
    field = row.get("metric_field") if row.get("metric_type") == "custom" else None
    return (row["period_id"], row["metric_type"], field)


def _literals(values: list[str]) -> str:
    return ", ".join(f"'{value}'" for value in values) or "null"


def differences(warehouse: Path, expected: ExpectedMarts) -> list[str]:
    problems = compare_rows(
        "quotas",
        read_mart(warehouse, "quotas"),
        expected.quotas,
        key=lambda row: (row["id"],),
        numbers=("current_value", "attainment_percent", "target_value"),
        exact=("period_id", "scope_type", "metric_type"),
    )
    problems += compare_rows(
        "quota_progress",
        read_mart(warehouse, "quota_progress"),
        expected.quota_progress,
        key=lambda row: (row["quota_id"],),
        numbers=(
            "current_value",
            "target_value",
            "attainment_percent",
            "week_delta",
            "required_daily_pace",
            "projected_value",
        ),
        exact=("as_of_date", "days_total", "days_elapsed", "days_remaining", "pace_status"),
    )
    problems += compare_rows(
        "quota_rollups",
        read_mart(warehouse, "quota_rollups"),
        expected.quota_rollups,
        key=lambda row: (row["scope_type"], row["team_id"], *_metric_key(row)),
        numbers=(
            "current_value",
            "target_value",
            "attainment_percent",
            "member_target_sum",
            "over_assignment_percent",
        ),
    )
    problems += compare_rows(
        "leaderboard",
        read_mart(warehouse, "leaderboard"),
        expected.leaderboard,
        key=lambda row: (*_metric_key(row), row["user_id"]),
        numbers=("current_value", "target_value", "attainment_percent", "vs_quota"),
        exact=("rank", "team_rank", "team_id", "user_name"),
    )
    snapshot_days = sorted({str(row["snapshot_date"]) for row in expected.quota_snapshots})
    problems += compare_rows(
        "quota_snapshots",
        read_mart(warehouse, "quota_snapshots", f"cast(snapshot_date as varchar) in ({_literals(snapshot_days)})"),
        expected.quota_snapshots,
        key=lambda row: (row["quota_id"], str(row["snapshot_date"])),
        numbers=("current_value", "attainment_percent", "target_value"),
    )
    actual_quarantine = {(row["source_table"], row["source_id"]) for row in read_mart(warehouse, "quarantine")}
    expected_quarantine = expected.quarantined()
    problems += [f"quarantine: missing {pair}" for pair in sorted(expected_quarantine - actual_quarantine, key=str)]
    problems += [f"quarantine: unexpected {pair}" for pair in sorted(actual_quarantine - expected_quarantine, key=str)]
    return problems


def assert_marts_match_reference(warehouse: Path, expected: ExpectedMarts, limit: int = 30) -> None:
    problems = differences(warehouse, expected)
    assert not problems, f"{len(problems)} differences:\n" + "\n".join(problems[:limit])
