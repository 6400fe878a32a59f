"""Setting bad rows aside (SPEC section 7 and 10.9; metric_definitions.md "Quarantine").

Each table runs its checks in the documented order. A row is rejected with the first check it fails, and
each check only sees the rows that passed the earlier ones (so a malformed row is not also someone's
duplicate). Tables are screened parents first, so rejection cascades: a deal owned by a rejected user has
an unknown owner, a split of a rejected deal has an unknown deal, a quota of a rejected period has an
unknown period, and so on. What survives is a `ValidSource`, the only input the computation reads.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from orchestration.source_contract import (
    ACTIVITY_TYPES,
    DEAL_STATUSES,
    GOAL_TYPES,
    METRIC_TYPES,
    PERIOD_TYPES,
)

from .currencies import is_active_currency
from .dates import local_date
from .fx import FxRates
from .inputs import SourceRow, SourceTable

Record = dict[str, Any]
SPLIT_TOTAL = Decimal(100)
SPLIT_TOLERANCE = Decimal("1e-7")  # 1e-9 relative to the 100 a deal's split rows must sum to


@dataclass(frozen=True)
class Rejection:
    """One row of marts.quarantine."""

    source_table: str
    source_id: str | None
    reason: str


@dataclass
class ValidSource:
    """The rows that passed every check, as plain dicts of parsed values keyed by contract column."""

    teams: dict[str, Record]
    users: dict[str, Record]
    memberships: list[Record]
    deals: dict[str, Record]
    deal_numeric_columns: frozenset[str]
    deal_splits: list[Record]
    leads: list[Record]
    activities: list[Record]
    fx: FxRates
    periods: dict[str, Record]
    quotas: dict[str, Record]
    goals: dict[str, Record]
    goal_milestones: dict[str, Record]
    rejections: list[Rejection]


# ---------------------------------------------------------------------------------------------------------
# The screening machinery
# ---------------------------------------------------------------------------------------------------------


def _id_of(row: SourceRow) -> str | None:
    return row.text.get("id")


def _joined_id(*columns: str) -> Callable[[SourceRow], str]:
    """source_id of a table without an id: its identifying fields joined with '|' (null as empty)."""

    def source_id(row: SourceRow) -> str:
        return "|".join(row.text.get(column) or "" for column in columns)

    return source_id


class Screen:
    """One table's checks, run in order; each check sees only the rows that passed the earlier ones."""

    def __init__(self, table: SourceTable, source_id: Callable[[SourceRow], str | None] = _id_of) -> None:
        self.table_name = table.name
        self.kept: list[SourceRow] = list(table.rows)
        self.rejections: list[Rejection] = []
        self._source_id = source_id

    def _set_aside(self, rejected: list[SourceRow], reason: Callable[[SourceRow], str]) -> None:
        rejected_ids = {id(row) for row in rejected}
        self.kept = [row for row in self.kept if id(row) not in rejected_ids]
        self.rejections.extend(Rejection(self.table_name, self._source_id(row), reason(row)) for row in rejected)

    def reject(self, reason: str | Callable[[SourceRow], str], fails: Callable[[SourceRow], bool]) -> None:
        """Reject every remaining row for which `fails` holds."""
        explain = reason if callable(reason) else (lambda _row: reason)
        self._set_aside([row for row in self.kept if fails(row)], explain)

    def reject_missing_id(self) -> None:
        """'missing id': a row without an id cannot be referred to."""
        self.reject("missing id", lambda row: row["id"] is None)

    def reject_malformed(self) -> None:
        """'malformed value': a field that does not parse as its contract type (e.g. amount 'abc')."""
        self.reject(
            lambda row: f"malformed value in {', '.join(row.malformed)}",
            lambda row: bool(row.malformed),
        )

    def reject_duplicates(self, key: Callable[[SourceRow], Hashable], updated_at: str | None) -> None:
        """SPEC 10.9 'duplicate id': among rows sharing a key, the one with the latest updated_at is kept
        and the others rejected; when the latest is shared, all are rejected. Tables without updated_at
        reject every copy. A missing updated_at is older than any timestamp."""
        groups: dict[Hashable, list[SourceRow]] = defaultdict(list)
        for row in self.kept:
            groups[key(row)].append(row)
        rejected: list[SourceRow] = []
        for rows in groups.values():
            if len(rows) < 2:
                continue
            if updated_at is None:
                rejected.extend(rows)
                continue
            stamps = [row[updated_at] for row in rows]
            latest = max((stamp for stamp in stamps if stamp is not None), default=None)
            winners = [row for row, stamp in zip(rows, stamps, strict=True) if stamp == latest]
            keep = winners[0] if len(winners) == 1 else None
            rejected.extend(row for row in rows if row is not keep)
        self._set_aside(rejected, lambda _row: "duplicate id")

    def reject_groups(
        self,
        key: Callable[[SourceRow], Hashable],
        group_problem: Callable[[list[SourceRow]], str | None],
    ) -> None:
        """Reject all rows of a group when `group_problem` names a problem with it."""
        groups: dict[Hashable, list[SourceRow]] = defaultdict(list)
        for row in self.kept:
            groups[key(row)].append(row)
        rejected: list[SourceRow] = []
        reasons: dict[int, str] = {}
        for rows in groups.values():
            problem = group_problem(rows)
            if problem is not None:
                rejected.extend(rows)
                reasons.update({id(row): problem for row in rows})
        self._set_aside(rejected, lambda row: reasons[id(row)])

    def records(self) -> list[Record]:
        return [row.values for row in self.kept]

    def records_by_id(self) -> dict[str, Record]:
        return {row["id"]: row.values for row in self.kept}


def _is_unknown(reference: str | None, known: dict[str, Any] | set[str]) -> bool:
    """A reference that is given but names nothing valid (a null reference is not unknown)."""
    return reference is not None and reference not in known


def _not_positive(number: Decimal | None) -> bool:
    """target <= 0 / rate <= 0; a missing number is not positive either."""
    return number is None or number <= 0


# ---------------------------------------------------------------------------------------------------------
# One function per table, checks in the order metric_definitions.md lists them
# ---------------------------------------------------------------------------------------------------------


def screen_teams(table: SourceTable) -> Screen:
    """teams: missing id; malformed value; duplicate id; unknown parent team.

    A team whose parent is rejected, or whose parent chain loops, never reaches the top: unknown parent.
    """
    screen = Screen(table)
    screen.reject_missing_id()
    screen.reject_malformed()
    screen.reject_duplicates(lambda row: row["id"], updated_at=None)
    known: set[str] = set()
    changed = True
    while changed:
        changed = False
        for row in screen.kept:
            if row["id"] not in known and (row["parent_team_id"] is None or row["parent_team_id"] in known):
                known.add(row["id"])
                changed = True
    screen.reject("unknown parent team", lambda row: row["id"] not in known)
    return screen


def screen_users(table: SourceTable, teams: dict[str, Record]) -> Screen:
    """users: missing id; malformed value; duplicate id; unknown team."""
    screen = Screen(table)
    screen.reject_missing_id()
    screen.reject_malformed()
    screen.reject_duplicates(lambda row: row["id"], updated_at=None)
    screen.reject("unknown team", lambda row: _is_unknown(row["team_id"], teams))
    return screen


def screen_memberships(table: SourceTable, users: dict[str, Record], teams: dict[str, Record]) -> Screen:
    """team_memberships: malformed value; unknown user; unknown team; valid_to not after valid_from;
    weight <= 0. A row without valid_from is set aside too (the contract gives no open start)."""
    screen = Screen(table, _joined_id("user_id", "team_id", "valid_from"))
    screen.reject_malformed()
    screen.reject("unknown user", lambda row: row["user_id"] not in users)
    screen.reject("unknown team", lambda row: row["team_id"] not in teams)
    screen.reject("missing valid_from", lambda row: row["valid_from"] is None)
    screen.reject(
        "valid_to not after valid_from",
        lambda row: row["valid_to"] is not None and row["valid_to"] <= row["valid_from"],
    )
    screen.reject("weight <= 0", lambda row: row["weight"] is not None and row["weight"] <= 0)
    return screen


def screen_fx_rates(table: SourceTable) -> Screen:
    """fx_rates: malformed value; missing currency or date; rate <= 0; duplicate (currency, rate_date)."""
    screen = Screen(table, _joined_id("currency", "rate_date"))
    screen.reject_malformed()
    screen.reject("missing currency or date", lambda row: row["currency"] is None or row["rate_date"] is None)
    screen.reject("rate <= 0", lambda row: _not_positive(row["rate_to_usd"]))
    screen.reject_duplicates(lambda row: (row["currency"], row["rate_date"]), updated_at=None)
    return screen


def screen_deals(table: SourceTable, users: dict[str, Record], fx: FxRates, zone: ZoneInfo) -> Screen:
    """deals: missing id; malformed value; duplicate id; unknown owner; unknown status; negative amount;
    unknown currency; won without closed_at; won without amount; missing rate.

    SPEC 10.9: a currency without a rate on the (local) close date is a missing rate; USD and the
    reporting currency never miss one. A deal without a currency has an unknown currency.
    """
    screen = Screen(table)
    screen.reject_missing_id()
    screen.reject_malformed()
    screen.reject_duplicates(lambda row: row["id"], updated_at="updated_at")
    screen.reject("unknown owner", lambda row: row["owner_id"] not in users)
    screen.reject("unknown status", lambda row: row["status"] not in DEAL_STATUSES)
    screen.reject("negative amount", lambda row: row["amount"] is not None and row["amount"] < 0)
    screen.reject("unknown currency", lambda row: not is_active_currency(row["currency"]))
    screen.reject("won without closed_at", lambda row: row["status"] == "won" and row["closed_at"] is None)
    screen.reject("won without amount", lambda row: row["status"] == "won" and row["amount"] is None)
    screen.reject(
        "missing rate",
        lambda row: row["status"] == "won" and not fx.has_rate(row["currency"], local_date(row["closed_at"], zone)),
    )
    return screen


def _split_problem(users: dict[str, Record]) -> Callable[[list[SourceRow]], str | None]:
    def problem(rows: list[SourceRow]) -> str | None:
        if any(row["user_id"] not in users for row in rows):
            return "invalid splits: unknown user"
        if any(row["percent"] is None or not 0 < row["percent"] <= SPLIT_TOTAL for row in rows):
            return "invalid splits: percent outside (0, 100]"
        if abs(sum(row["percent"] for row in rows) - SPLIT_TOTAL) > SPLIT_TOLERANCE:
            return "invalid splits: rows do not sum to 100"
        return None

    return problem


def screen_deal_splits(table: SourceTable, deals: dict[str, Record], users: dict[str, Record]) -> Screen:
    """deal_splits: malformed value; unknown deal; then all split rows of a deal when any row has an
    unknown user, a percent outside (0, 100], or the rows do not sum to 100 (SPEC 10.9: the owner then
    keeps 100%)."""
    screen = Screen(table, _joined_id("deal_id", "user_id"))
    screen.reject_malformed()
    screen.reject("unknown deal", lambda row: row["deal_id"] not in deals)
    screen.reject_groups(lambda row: row["deal_id"], _split_problem(users))
    return screen


def screen_leads(table: SourceTable, users: dict[str, Record]) -> Screen:
    """leads: missing id; malformed value; duplicate id; unknown owner; missing created_at."""
    screen = Screen(table)
    screen.reject_missing_id()
    screen.reject_malformed()
    screen.reject_duplicates(lambda row: row["id"], updated_at="updated_at")
    screen.reject("unknown owner", lambda row: row["owner_id"] not in users)
    screen.reject("missing created_at", lambda row: row["created_at"] is None)
    return screen


def screen_activities(table: SourceTable, users: dict[str, Record]) -> Screen:
    """activities: missing id; malformed value; duplicate id; unknown owner; unknown type;
    missing occurred_at."""
    screen = Screen(table)
    screen.reject_missing_id()
    screen.reject_malformed()
    screen.reject_duplicates(lambda row: row["id"], updated_at="updated_at")
    screen.reject("unknown owner", lambda row: row["owner_id"] not in users)
    screen.reject("unknown type", lambda row: row["type"] not in ACTIVITY_TYPES)
    screen.reject("missing occurred_at", lambda row: row["occurred_at"] is None)
    return screen


def _reject_date_range_problems(screen: Screen) -> None:
    """'end before start' (end_date < start_date). A row without both dates has no range at all and is
    set aside just before, as 'missing start_date or end_date'."""
    screen.reject("missing start_date or end_date", lambda row: row["start_date"] is None or row["end_date"] is None)
    screen.reject("end before start", lambda row: row["end_date"] < row["start_date"])


def screen_quota_periods(table: SourceTable) -> Screen:
    """quota_periods: missing id; malformed value; duplicate id; unknown period_type; end before start.
    A period without both dates has no range and is set aside as well."""
    screen = Screen(table)
    screen.reject_missing_id()
    screen.reject_malformed()
    screen.reject_duplicates(lambda row: row["id"], updated_at=None)
    screen.reject("unknown period_type", lambda row: row["period_type"] not in PERIOD_TYPES)
    _reject_date_range_problems(screen)
    return screen


def screen_quotas(
    table: SourceTable,
    periods: dict[str, Record],
    users: dict[str, Record],
    teams: dict[str, Record],
    deal_numeric_columns: frozenset[str],
) -> Screen:
    """quotas: missing id; malformed value; duplicate id; unknown period; unknown user; unknown team;
    unknown metric_type; target <= 0; custom metric_field that is not a numeric deal column; unknown
    currency. SPEC 2: metric_field is a name matched against the source's columns, never SQL.
    A quota without a currency is in the reporting currency (not an unknown one)."""
    screen = Screen(table)
    screen.reject_missing_id()
    screen.reject_malformed()
    screen.reject_duplicates(lambda row: row["id"], updated_at=None)
    screen.reject("unknown period", lambda row: row["period_id"] not in periods)
    screen.reject("unknown user", lambda row: _is_unknown(row["user_id"], users))
    screen.reject("unknown team", lambda row: _is_unknown(row["team_id"], teams))
    screen.reject("unknown metric_type", lambda row: row["metric_type"] not in METRIC_TYPES)
    screen.reject("target <= 0", lambda row: _not_positive(row["target_value"]))
    screen.reject(
        "custom metric_field is not a numeric deal column",
        lambda row: row["metric_type"] == "custom" and row["metric_field"] not in deal_numeric_columns,
    )
    screen.reject(
        "unknown currency",
        lambda row: row["currency"] is not None and not is_active_currency(row["currency"]),
    )
    return screen


def screen_goals(table: SourceTable, users: dict[str, Record], teams: dict[str, Record]) -> Screen:
    """goals: missing id; malformed value; duplicate id; unknown goal_type; unknown user; unknown team;
    unknown metric_type; custom metric (SPEC 10.8: goals have no metric_field); target <= 0;
    end before start."""
    screen = Screen(table)
    screen.reject_missing_id()
    screen.reject_malformed()
    screen.reject_duplicates(lambda row: row["id"], updated_at=None)
    screen.reject("unknown goal_type", lambda row: row["goal_type"] not in GOAL_TYPES)
    screen.reject("unknown user", lambda row: _is_unknown(row["user_id"], users))
    screen.reject("unknown team", lambda row: _is_unknown(row["team_id"], teams))
    screen.reject("unknown metric_type", lambda row: row["metric_type"] not in METRIC_TYPES)
    screen.reject("custom metric", lambda row: row["metric_type"] == "custom")
    screen.reject("target <= 0", lambda row: _not_positive(row["target_value"]))
    _reject_date_range_problems(screen)
    return screen


def screen_goal_milestones(table: SourceTable, goals: dict[str, Record]) -> Screen:
    """goal_milestones: missing id; malformed value; duplicate id; unknown goal; target <= 0."""
    screen = Screen(table)
    screen.reject_missing_id()
    screen.reject_malformed()
    screen.reject_duplicates(lambda row: row["id"], updated_at=None)
    screen.reject("unknown goal", lambda row: row["goal_id"] not in goals)
    screen.reject("target <= 0", lambda row: _not_positive(row["target_value"]))
    return screen


def screen_source(tables: dict[str, SourceTable], zone: ZoneInfo, reporting_currency: str) -> ValidSource:
    """Run every table's checks, parents before children, and collect the quarantine."""
    screens: list[Screen] = []

    def run(screen: Screen) -> Screen:
        screens.append(screen)
        return screen

    teams = run(screen_teams(tables["teams"])).records_by_id()
    users = run(screen_users(tables["users"], teams)).records_by_id()
    memberships = run(screen_memberships(tables["team_memberships"], users, teams)).records()
    rate_rows = run(screen_fx_rates(tables["fx_rates"])).records()
    fx = FxRates.from_rows(
        [(row["currency"], row["rate_date"], row["rate_to_usd"]) for row in rate_rows], reporting_currency
    )
    deals = run(screen_deals(tables["deals"], users, fx, zone)).records_by_id()
    splits = run(screen_deal_splits(tables["deal_splits"], deals, users)).records()
    leads = run(screen_leads(tables["leads"], users)).records()
    activities = run(screen_activities(tables["activities"], users)).records()
    periods = run(screen_quota_periods(tables["quota_periods"])).records_by_id()
    deal_numeric_columns = frozenset({"amount"}) | tables["deals"].extra_numeric_columns
    quotas = run(screen_quotas(tables["quotas"], periods, users, teams, deal_numeric_columns)).records_by_id()
    goals = run(screen_goals(tables["goals"], users, teams)).records_by_id()
    milestones = run(screen_goal_milestones(tables["goal_milestones"], goals)).records_by_id()

    return ValidSource(
        teams=teams,
        users=users,
        memberships=memberships,
        deals=deals,
        deal_numeric_columns=deal_numeric_columns,
        deal_splits=splits,
        leads=leads,
        activities=activities,
        fx=fx,
        periods=periods,
        quotas=quotas,
        goals=goals,
        goal_milestones=milestones,
        rejections=[rejection for screen in screens for rejection in screen.rejections],
    )
