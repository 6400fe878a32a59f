"""The contract of each source table as a Great Expectations suite.

Written from the source contract (`source_contract.py`) and SPEC section 7: keys present and unique,
accepted values, references to known users, teams, periods and goals, non-negative amounts, known
currencies. A split's deal is left to the quarantine, which joins: as an expectation it would carry every
deal id in its configuration. The reference sets come from the warehouse after the extract, so a deal may
name a user that arrived in the same batch.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from orchestration.source_contract import (
    ACTIVITY_TYPES,
    DEAL_STATUSES,
    GOAL_TYPES,
    METRIC_TYPES,
    PERIOD_TYPES,
)


@dataclass(frozen=True)
class ReferenceSets:
    """The ids a batch's foreign keys may point at, and the known currency codes."""

    user_ids: list[str]
    team_ids: list[str]
    period_ids: list[str]
    goal_ids: list[str]
    currencies: list[str]


def _rules(table: str, refs: ReferenceSets) -> list[tuple[str, dict[str, Any]]]:
    """(expectation class name, its arguments) for one table."""
    keys = [("ExpectColumnValuesToNotBeNull", {"column": "id"}), ("ExpectColumnValuesToBeUnique", {"column": "id"})]
    owner = ("ExpectColumnValuesToBeInSet", {"column": "owner_id", "value_set": refs.user_ids})
    positive = lambda column: ("ExpectColumnValuesToBeBetween", {"column": column, "min_value": 0, "strict_min": True})  # noqa: E731
    in_set = lambda column, values: ("ExpectColumnValuesToBeInSet", {"column": column, "value_set": list(values)})  # noqa: E731
    rules: dict[str, list[tuple[str, dict[str, Any]]]] = {
        "teams": [*keys, in_set("parent_team_id", refs.team_ids)],
        "users": [*keys, in_set("team_id", refs.team_ids)],
        "team_memberships": [
            ("ExpectColumnValuesToNotBeNull", {"column": "user_id"}),
            in_set("user_id", refs.user_ids),
            in_set("team_id", refs.team_ids),
            positive("weight"),
        ],
        "deals": [
            *keys,
            owner,
            in_set("status", DEAL_STATUSES),
            ("ExpectColumnValuesToBeBetween", {"column": "amount", "min_value": 0}),
            in_set("currency", refs.currencies),
        ],
        "deal_splits": [
            ("ExpectColumnValuesToNotBeNull", {"column": "deal_id"}),
            in_set("user_id", refs.user_ids),
            (
                "ExpectColumnValuesToBeBetween",
                {"column": "percent", "min_value": 0, "max_value": 100, "strict_min": True},
            ),
        ],
        "leads": [*keys, owner],
        "activities": [*keys, owner, in_set("type", ACTIVITY_TYPES)],
        "fx_rates": [
            ("ExpectColumnValuesToNotBeNull", {"column": "rate_date"}),
            in_set("currency", refs.currencies),
            positive("rate_to_usd"),
        ],
        "quota_periods": [*keys, in_set("period_type", PERIOD_TYPES)],
        "quotas": [
            *keys,
            in_set("period_id", refs.period_ids),
            in_set("user_id", refs.user_ids),
            in_set("team_id", refs.team_ids),
            in_set("metric_type", METRIC_TYPES),
            positive("target_value"),
        ],
        "goals": [
            *keys,
            in_set("goal_type", GOAL_TYPES),
            in_set("metric_type", METRIC_TYPES),
            in_set("user_id", refs.user_ids),
            in_set("team_id", refs.team_ids),
            positive("target_value"),
        ],
        "goal_milestones": [*keys, in_set("goal_id", refs.goal_ids), positive("target_value")],
    }
    return rules.get(table, [])


def build_suite(table: str, refs: ReferenceSets) -> Any:
    """The Great Expectations suite of one table (imported here: the library takes seconds to import)."""
    import great_expectations as gx
    import great_expectations.expectations as gxe

    suite = gx.ExpectationSuite(name=f"{table}_contract")
    for class_name, arguments in _rules(table, refs):
        suite.add_expectation(getattr(gxe, class_name)(**arguments))
    return suite
