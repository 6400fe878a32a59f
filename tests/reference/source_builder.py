"""Writing small hand-made sources in the SPEC section 1 contract, for the reference and warehouse tests.

    write_source(tmp_path / "crm", teams=[{"id": "t1", "name": "East"}], users=[...], deals=[...])

Each given table becomes `<table>.csv` with every contract column in the header (a column a row leaves
out is empty) followed by any extra columns the rows carry (custom fields of deals). Required tables that
are not given are written header-only, optional ones are left out, exactly as a CRM without them would be.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

from orchestration.source_contract import ALL_TABLES, TABLES_BY_NAME


def csv_text(value: Any) -> str:
    """How a value is written: null empty, booleans true/false, dates and timestamps ISO 8601."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)


def write_table(directory: Path, table: str, rows: Iterable[Mapping[str, Any]]) -> Path:
    """One contract table as CSV: contract columns first, then extra columns in order of appearance."""
    rows = list(rows)
    header = list(TABLES_BY_NAME[table].column_names)
    for row in rows:
        header.extend(name for name in row if name not in header)
    path = directory / f"{table}.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in rows:
            writer.writerow([csv_text(row.get(name)) for name in header])
    return path


def write_source(directory: Path, **tables: Iterable[Mapping[str, Any]]) -> Path:
    """Write a source directory; returns it. Unknown table names are an error (a typo is not a table)."""
    unknown = set(tables) - set(TABLES_BY_NAME)
    if unknown:
        raise ValueError(f"not contract tables: {sorted(unknown)}")
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    for contract in ALL_TABLES:
        if contract.name in tables:
            write_table(directory, contract.name, tables[contract.name])
        elif contract.required:
            write_table(directory, contract.name, [])
    return directory


# ---------------------------------------------------------------------------------------------------------
# Row factories for hand-made cases: the columns a case does not care about get harmless values
# ---------------------------------------------------------------------------------------------------------

Row = dict[str, Any]


def period(period_id: str, start: str, end: str, period_type: str = "quarter", name: str | None = None) -> Row:
    return {
        "id": period_id,
        "name": name or period_id,
        "period_type": period_type,
        "start_date": start,
        "end_date": end,
        "is_active": True,
    }


def team(team_id: str, parent: str | None = None, name: str | None = None) -> Row:
    return {"id": team_id, "name": name or f"Team {team_id}", "parent_team_id": parent}


def user(user_id: str, team_id: str | None = None, name: str | None = None, manager_id: str | None = None) -> Row:
    name = name or f"User {user_id}"
    return {
        "id": user_id,
        "name": name,
        "email": f"{user_id}@example.com",
        "team_id": team_id,
        "manager_id": manager_id,
        "is_active": True,
        "hired_at": "2020-01-01",
    }


def membership(
    user_id: str, team_id: str, valid_from: str, valid_to: str | None = None, weight: float | None = None
) -> Row:
    return {
        "user_id": user_id,
        "team_id": team_id,
        "valid_from": valid_from,
        "valid_to": valid_to,
        "weight": weight,
    }


def deal(
    deal_id: str,
    owner_id: str,
    amount: Any,
    closed_at: str | None,
    status: str = "won",
    currency: str = "USD",
    updated_at: str | None = None,
    **extra: Any,
) -> Row:
    """A deal; created and last updated at its close (or on 2020-01-01 when it has none)."""
    stamp = closed_at or "2020-01-01T00:00:00Z"
    return {
        "id": deal_id,
        "owner_id": owner_id,
        "name": f"Deal {deal_id}",
        "amount": amount,
        "currency": currency,
        "stage": status,
        "status": status,
        "created_at": stamp,
        "closed_at": closed_at,
        "updated_at": updated_at or stamp,
        **extra,
    }


def quota(
    quota_id: str,
    period_id: str,
    metric_type: str,
    target: Any,
    user_id: str | None = None,
    team_id: str | None = None,
    currency: str | None = "USD",
    weight: Any = None,
    metric_field: str | None = None,
) -> Row:
    return {
        "id": quota_id,
        "period_id": period_id,
        "user_id": user_id,
        "team_id": team_id,
        "metric_type": metric_type,
        "metric_field": metric_field,
        "target_value": target,
        "currency": currency,
        "weight": weight,
    }


def goal(
    goal_id: str,
    goal_type: str,
    metric_type: str,
    target: Any,
    start: str,
    end: str,
    user_id: str | None = None,
    team_id: str | None = None,
    weight: Any = None,
    name: str | None = None,
) -> Row:
    return {
        "id": goal_id,
        "name": name or goal_id,
        "description": f"Goal {goal_id}",
        "goal_type": goal_type,
        "user_id": user_id,
        "team_id": team_id,
        "metric_type": metric_type,
        "target_value": target,
        "start_date": start,
        "end_date": end,
        "weight": weight,
    }


def milestone(
    milestone_id: str,
    goal_id: str,
    target: Any,
    target_date: str | None,
    display_order: int = 1,
    name: str | None = None,
) -> Row:
    return {
        "id": milestone_id,
        "goal_id": goal_id,
        "name": name or milestone_id,
        "target_value": target,
        "target_date": target_date,
        "display_order": display_order,
    }
