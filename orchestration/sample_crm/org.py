"""The sample organisation: regions, teams, managers, executives, reps and their team memberships.

Everything here is small (at most a few thousand users), so it is built row by row for readability. What
the later generators need about reps (hire and leave days, time zone, productivity) is kept as numpy
arrays indexed by rep, so the big tables can look it up with fancy indexing.

The shapes the pipeline must cope with are planted on purpose: reps hired during the span (no events
before their hire day), reps who left (inactive, no events after their last membership day), about one
rep in ten moving team once (two contiguous rows), and a few overlay reps who belong to two teams at
weight 0.5 each for one quarter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pyarrow as pa

from orchestration.sample_crm.names import FIRST_NAMES, LAST_NAMES, TEAM_NICKNAMES
from orchestration.sample_crm.scales import Scale
from orchestration.sample_crm.schemas import SCHEMAS
from orchestration.sample_crm.timebase import SECONDS_PER_DAY, SPAN_END_DAY, SPAN_START_DAY, day_number

CURRENCIES: tuple[str, ...] = ("USD", "EUR", "GBP", "CAD")
USD, EUR, GBP, CAD = range(4)
MEAN_RATE_TO_USD: np.ndarray = np.array([1.0, 1.08, 1.27, 0.74])
"""Typical USD value of one unit of each currency; the FX random walk hovers around these levels."""

NO_LEAVE_DAY = SPAN_END_DAY + 10_000
"""The leave day of a rep who is still employed: far beyond every date the generators produce."""

FIRST_USER_ID = 1001
HIRED_AT_SECOND_OF_DAY = 8 * 3600
MOVER_SHARE = 0.10
LEAVER_SHARE = 0.12
HIRED_DURING_SPAN_SHARE = 0.35
OVERLAY_QUARTERS: tuple[tuple[date, date], ...] = (
    (date(2024, 4, 1), date(2024, 7, 1)),
    (date(2024, 10, 1), date(2025, 1, 1)),
    (date(2025, 4, 1), date(2025, 7, 1)),
)
"""[from, to) spans during which an overlay rep belongs to two teams at weight 0.5 each."""


@dataclass(frozen=True)
class Area:
    """Where a region sits: its name, its (standard) UTC offset and its selling currency."""

    name: str
    utc_offset_hours: int
    currency: int


EMEA = Area("EMEA", 1, EUR)
OTHER_AREAS: tuple[Area, ...] = (
    Area("Americas West", -8, USD),
    Area("Americas East", -5, USD),
    Area("APAC", 10, USD),
    Area("Americas Central", -6, USD),
)


@dataclass(frozen=True)
class Org:
    """The organisation's tables, plus per-team and per-rep arrays for the event generators."""

    teams: pa.Table
    users: pa.Table
    memberships: pa.Table
    team_ids: np.ndarray
    team_names: tuple[str, ...]
    team_region: np.ndarray
    team_is_region: np.ndarray
    team_currency: np.ndarray
    rep_user_ids: np.ndarray
    rep_names: tuple[str, ...]
    rep_team: np.ndarray
    rep_region: np.ndarray
    rep_currency: np.ndarray
    rep_hire_day: np.ndarray
    rep_leave_day: np.ndarray
    rep_first_event_day: np.ndarray
    rep_last_event_day: np.ndarray
    rep_utc_offset_seconds: np.ndarray
    rep_productivity: np.ndarray
    rep_win_factor: np.ndarray
    membership_rep: np.ndarray
    membership_team: np.ndarray
    membership_from_day: np.ndarray
    membership_to_day: np.ndarray
    membership_weight: np.ndarray

    @property
    def rep_count(self) -> int:
        return len(self.rep_user_ids)


def _allocate(rng: np.random.Generator, total: int, parts: int, minimum: int, spread: float) -> np.ndarray:
    """Split `total` into `parts` uneven sizes of at least `minimum` (largest-remainder rounding)."""
    weights = rng.uniform(1 - spread, 1 + spread, parts)
    raw = minimum + (total - minimum * parts) * weights / weights.sum()
    sizes = np.floor(raw).astype(np.int64)
    order = np.argsort(-(raw - sizes), kind="stable")
    sizes[order[: total - sizes.sum()]] += 1
    return sizes


def _region_areas(regions: int) -> list[tuple[str, Area]]:
    areas: list[tuple[str, Area]] = [(EMEA.name, EMEA)]
    repeats = (regions - 1 + len(OTHER_AREAS) - 1) // len(OTHER_AREAS)
    for index in range(regions - 1):
        area = OTHER_AREAS[index % len(OTHER_AREAS)]
        number = index // len(OTHER_AREAS) + 1
        areas.append((area.name if repeats <= 1 else f"{area.name} {number}", area))
    return areas


def _person_name(rng: np.random.Generator) -> tuple[str, str]:
    return str(rng.choice(FIRST_NAMES)), str(rng.choice(LAST_NAMES))


def _email(first: str, last: str, user_id: int) -> str:
    return f"{first.lower()}.{last.lower()}.{user_id}@example.com"


def _random_day(rng: np.random.Generator, first: date | int, last: date | int) -> int:
    low = first if isinstance(first, int) else day_number(first)
    high = last if isinstance(last, int) else day_number(last)
    return int(rng.integers(low, high + 1))


def build_org(scale: Scale, rng: np.random.Generator) -> Org:
    """Build the organisation of one scale; deterministic for a given generator state."""
    if scale.teams < 2 * scale.regions or scale.reps < 3 * scale.teams:
        raise ValueError(f"scale {scale.name}: needs at least 2 teams per region and 3 reps per team")

    # Teams: regions first (top level), then teams under them.
    areas = _region_areas(scale.regions)
    teams_per_region = _allocate(rng, scale.teams, scale.regions, 2, 0.4)
    team_ids = np.arange(1, scale.regions + scale.teams + 1, dtype=np.int64)
    team_region = np.concatenate([np.arange(scale.regions), np.repeat(np.arange(scale.regions), teams_per_region)])
    team_is_region = np.arange(len(team_ids)) < scale.regions
    team_currency = np.array([areas[region][1].currency for region in team_region], dtype=np.int64)
    team_names: list[str] = [name for name, _ in areas]
    team_parent: list[int | None] = [None] * scale.regions
    name_uses: dict[str, int] = {}
    for region in team_region[scale.regions :]:
        name = f"{areas[region][0]} {TEAM_NICKNAMES[int(rng.integers(len(TEAM_NICKNAMES)))]}"
        name_uses[name] = name_uses.get(name, 0) + 1
        team_names.append(name if name_uses[name] == 1 else f"{name} {name_uses[name]}")
        team_parent.append(int(team_ids[region]))
    leaf_teams = np.arange(scale.regions, len(team_ids))

    # Users: executives, one director per region, one manager per team, then reps.
    users: list[dict[str, object]] = []
    memberships: list[dict[str, object]] = []
    next_user_id = FIRST_USER_ID

    def add_user(team: int | None, manager_id: int | None, hire_day: int, is_active: bool = True) -> int:
        nonlocal next_user_id
        user_id = next_user_id
        next_user_id += 1
        first, last = _person_name(rng)
        users.append(
            {
                "id": user_id,
                "name": f"{first} {last}",
                "email": _email(first, last, user_id),
                "team_id": None if team is None else int(team_ids[team]),
                "manager_id": manager_id,
                "is_active": is_active,
                "hired_at": hire_day * SECONDS_PER_DAY + HIRED_AT_SECOND_OF_DAY,
            }
        )
        return user_id

    def add_membership(user_id: int, team: int, from_day: int, to_day: int, weight: float = 1.0) -> None:
        memberships.append(
            {
                "user_id": user_id,
                "team_id": int(team_ids[team]),
                "valid_from": from_day,
                "valid_to": None if to_day >= NO_LEAVE_DAY else to_day,
                "weight": weight,
            }
        )

    executives = [
        add_user(None, None, _random_day(rng, date(2012, 1, 1), date(2018, 12, 31))) for _ in range(scale.executives)
    ]
    manager_of_team: dict[int, int] = {}
    for region in range(scale.regions):
        hire_day = _random_day(rng, date(2014, 1, 1), date(2020, 12, 31))
        manager_of_team[region] = add_user(region, executives[0], hire_day)
        add_membership(manager_of_team[region], region, hire_day, NO_LEAVE_DAY)
    for team in leaf_teams:
        hire_day = _random_day(rng, date(2015, 1, 1), date(2021, 12, 31))
        director = manager_of_team[int(team_region[team])]
        manager_of_team[int(team)] = add_user(int(team), director, hire_day)
        add_membership(manager_of_team[int(team)], int(team), hire_day, NO_LEAVE_DAY)

    # Reps: team sizes, hire and leave days, productivity.
    reps_per_team = _allocate(rng, scale.reps, scale.teams, 3, 0.3)
    first_team = rng.permutation(np.repeat(leaf_teams, reps_per_team))
    hired_during_span = rng.random(scale.reps) < HIRED_DURING_SPAN_SHARE
    hire_day = np.where(
        hired_during_span,
        rng.integers(day_number(date(2023, 1, 15)), day_number(date(2025, 9, 30)) + 1, scale.reps),
        rng.integers(day_number(date(2018, 1, 1)), day_number(date(2022, 12, 31)) + 1, scale.reps),
    )
    last_leave_day = day_number(date(2025, 11, 30))
    earliest_leave = np.maximum(hire_day + 120, day_number(date(2023, 3, 1)))
    leaves = (rng.random(scale.reps) < LEAVER_SHARE) & (earliest_leave < last_leave_day)
    leave_day = np.where(
        leaves,
        earliest_leave + (rng.random(scale.reps) * (last_leave_day - earliest_leave)).astype(np.int64),
        NO_LEAVE_DAY,
    )
    # Events fall on local days strictly inside the employment, so that in any time zone they lie
    # after the hire instant and before the leave day, and inside the span.
    first_event_day = np.maximum(hire_day + 1, SPAN_START_DAY + 1)
    last_event_day = np.minimum(leave_day - 2, SPAN_END_DAY - 1)
    productivity = rng.lognormal(0.0, 0.3, scale.reps)
    win_factor = rng.lognormal(0.0, 0.2, scale.reps)
    win_factor /= win_factor.mean()

    # Team history per rep: movers (two contiguous rows), overlays (a quarter in two teams), the rest.
    region_teams = {region: leaf_teams[team_region[leaf_teams] == region].tolist() for region in range(scale.regions)}
    employed_from = np.maximum(hire_day, SPAN_START_DAY)
    employed_to = np.minimum(leave_day, SPAN_END_DAY)
    overlay_reps: dict[int, tuple[int, int]] = {}
    for index in range(scale.overlay_reps):
        start, end = (day_number(day) for day in OVERLAY_QUARTERS[index % len(OVERLAY_QUARTERS)])
        candidates = np.flatnonzero((hire_day < start - 30) & (leave_day > end + 30))
        candidates = np.array([rep for rep in candidates if rep not in overlay_reps], dtype=np.int64)
        overlay_reps[int(rng.choice(candidates))] = (start, end)
    can_move = (employed_to - employed_from) >= 240
    movers = set(
        np.flatnonzero(can_move & (rng.random(scale.reps) < MOVER_SHARE / max(can_move.mean(), 0.01))).tolist()
    ) - set(overlay_reps)

    rep_user_ids = np.zeros(scale.reps, dtype=np.int64)
    rep_team = first_team.copy()
    rep_names: list[str] = []
    membership_rows: list[tuple[int, int, int, int, float]] = []
    for rep in range(scale.reps):
        team = int(first_team[rep])
        siblings = [other for other in region_teams[int(team_region[team])] if other != team]
        hired, left = int(hire_day[rep]), int(leave_day[rep])
        rows: list[tuple[int, int, int, float]] = []
        if rep in movers:
            move_day = int(rng.integers(employed_from[rep] + 90, employed_to[rep] - 90 + 1))
            new_team = int(rng.choice(siblings))
            rows = [(team, hired, move_day, 1.0), (new_team, move_day, left, 1.0)]
            rep_team[rep] = new_team
        elif rep in overlay_reps:
            start, end = overlay_reps[rep]
            second_team = int(rng.choice(siblings))
            rows = [
                (team, hired, start, 1.0),
                (team, start, end, 0.5),
                (second_team, start, end, 0.5),
                (team, end, left, 1.0),
            ]
        else:
            rows = [(team, hired, left, 1.0)]
        user_id = add_user(
            int(rep_team[rep]),
            manager_of_team[int(rep_team[rep])],
            hired,
            is_active=left >= NO_LEAVE_DAY,
        )
        rep_user_ids[rep] = user_id
        rep_names.append(str(users[-1]["name"]))
        for row_team, from_day, to_day, weight in rows:
            add_membership(user_id, row_team, from_day, to_day, weight)
            membership_rows.append((rep, row_team, from_day, to_day, weight))

    rep_region = team_region[rep_team]
    offsets = np.array([areas[region][1].utc_offset_hours for region in range(scale.regions)])
    membership_array = np.array(membership_rows, dtype=np.float64)
    return Org(
        teams=pa.table({"id": team_ids, "name": team_names, "parent_team_id": team_parent}, schema=SCHEMAS["teams"]),
        users=_users_table(users),
        memberships=_memberships_table(memberships),
        team_ids=team_ids,
        team_names=tuple(team_names),
        team_region=team_region,
        team_is_region=team_is_region,
        team_currency=team_currency,
        rep_user_ids=rep_user_ids,
        rep_names=tuple(rep_names),
        rep_team=rep_team,
        rep_region=rep_region,
        rep_currency=team_currency[rep_team],
        rep_hire_day=hire_day,
        rep_leave_day=leave_day,
        rep_first_event_day=first_event_day,
        rep_last_event_day=last_event_day,
        rep_utc_offset_seconds=offsets[rep_region] * 3600,
        rep_productivity=productivity,
        rep_win_factor=win_factor,
        membership_rep=membership_array[:, 0].astype(np.int64),
        membership_team=membership_array[:, 1].astype(np.int64),
        membership_from_day=membership_array[:, 2].astype(np.int64),
        membership_to_day=membership_array[:, 3].astype(np.int64),
        membership_weight=membership_array[:, 4],
    )


def _users_table(users: list[dict[str, object]]) -> pa.Table:
    columns = {name: [user[name] for user in users] for name in SCHEMAS["users"].names}
    hired_at = np.array(columns["hired_at"], dtype=np.int64) * 1_000_000
    columns["hired_at"] = pa.array(hired_at, type=SCHEMAS["users"].field("hired_at").type)
    return pa.table(columns, schema=SCHEMAS["users"])


def _memberships_table(memberships: list[dict[str, object]]) -> pa.Table:
    columns = {name: [row[name] for row in memberships] for name in SCHEMAS["team_memberships"].names}
    for name in ("valid_from", "valid_to"):
        columns[name] = pa.array(columns[name], type=pa.int32()).cast(pa.date32())
    return pa.table(columns, schema=SCHEMAS["team_memberships"])
