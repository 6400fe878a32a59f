"""Deals and their splits, generated a chunk at a time with numpy and pyarrow.

About 35% of deals are won, 35% lost and 30% open (open ones were created recently and have no
closed_at). Amounts are log-normal, in the rep's region currency with some GBP and CAD; each deal has a
numeric custom column `margin`. A few won deals are planted at 23:30 Los Angeles time on quarter ends,
which is the next day in UTC, so a pipeline that dates credits in UTC puts them in the wrong quarter.
About 5% of won deals are split between the owner and one or two teammates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from orchestration.fiscal_calendar import fiscal_periods
from orchestration.sample_crm.actuals import Actuals
from orchestration.sample_crm.events import (
    business_hours,
    closing_hours,
    draw_days,
    draw_owners,
    local_instants,
)
from orchestration.sample_crm.names import COMPANY_PREFIXES, COMPANY_SUFFIXES, DEAL_PRODUCTS
from orchestration.sample_crm.org import CURRENCIES, EUR, MEAN_RATE_TO_USD, Org
from orchestration.sample_crm.schemas import SCHEMAS, TIMESTAMP_TYPE
from orchestration.sample_crm.timebase import (
    FIRST_FISCAL_YEAR,
    FISCAL_YEAR_START_MONTH,
    LAST_FISCAL_YEAR,
    SECONDS_PER_DAY,
    SPAN_LAST_SECOND,
    day_number,
    instant_of,
)

WON, LOST, OPEN = 0, 1, 2
STATUSES: tuple[str, ...] = ("won", "lost", "open")
WON_SHARE, LOST_SHARE = 0.35, 0.35
STAGES: tuple[str, ...] = (
    "closed_won",
    "closed_lost",
    "prospecting",
    "qualification",
    "proposal",
    "negotiation",
)
OPEN_STAGE_SHARES = np.array([0.30, 0.25, 0.25, 0.20])
OPEN_DEAL_MAX_AGE_DAYS = 270
CURRENCY_MIX_EUR_REGION = np.array([0.03, 0.85, 0.12, 0.0])
CURRENCY_MIX_OTHER_REGIONS = np.array([0.92, 0.0, 0.02, 0.06])
"""Shares of USD, EUR, GBP, CAD (the order of org.CURRENCIES) among a region's deals."""

SPLIT_ATTEMPT_SHARE = 0.065
"""Share of won deals a split is tried for; a quarter fail (teammate not employed then), leaving ~5%."""
TWO_WAY_SPLITS = np.array([[50, 50], [60, 40], [70, 30], [75, 25]], dtype=np.float64)
THREE_WAY_SPLITS = np.array([[40, 30, 30], [50, 25, 25], [34, 33, 33], [50, 30, 20]], dtype=np.float64)
THREE_WAY_SHARE = 0.35

LATE_CLOSE_ZONE = ZoneInfo("America/Los_Angeles")
LATE_CLOSE_TIME = time(23, 30)
_COMPANIES = pa.array([f"{prefix} {suffix}" for prefix in COMPANY_PREFIXES for suffix in COMPANY_SUFFIXES])
_PRODUCTS = pa.array(DEAL_PRODUCTS)


def quarter_end_late_closes() -> list[tuple[int, int]]:
    """(day number of the quarter's last day, UTC instant of 23:30 Los Angeles time that day).

    Only quarter ends whose instant falls inside the span are kept (2025-12-31 23:30 in Los Angeles is
    already 2026 in UTC).
    """
    closes: list[tuple[int, int]] = []
    for period in fiscal_periods(FISCAL_YEAR_START_MONTH, FIRST_FISCAL_YEAR, LAST_FISCAL_YEAR):
        if period.period_type != "quarter":
            continue
        moment = datetime.combine(period.end_date, LATE_CLOSE_TIME, tzinfo=LATE_CLOSE_ZONE)
        if instant_of(moment) <= SPAN_LAST_SECOND:
            closes.append((day_number(period.end_date), instant_of(moment)))
    return closes


@dataclass(frozen=True)
class TeamRoster:
    """Reps grouped by current team, so a teammate of any rep can be picked with array arithmetic."""

    rep_team: np.ndarray
    sorted_reps: np.ndarray
    team_start: np.ndarray
    team_size: np.ndarray
    rep_position: np.ndarray

    @classmethod
    def of(cls, org: Org) -> TeamRoster:
        sorted_reps = np.argsort(org.rep_team, kind="stable")
        team_size = np.bincount(org.rep_team, minlength=len(org.team_ids))
        team_start = np.concatenate([[0], np.cumsum(team_size)[:-1]])
        rep_position = np.empty(org.rep_count, dtype=np.int64)
        rep_position[sorted_reps] = np.arange(org.rep_count) - team_start[org.rep_team[sorted_reps]]
        return cls(org.rep_team, sorted_reps, team_start, team_size, rep_position)

    def size_of_team(self, reps: np.ndarray) -> np.ndarray:
        return self.team_size[self.rep_team[reps]]

    def teammate(self, reps: np.ndarray, offsets: np.ndarray) -> np.ndarray:
        """The rep `offsets` places after each rep in its team's (circular) roster."""
        team = self.rep_team[reps]
        return self.sorted_reps[self.team_start[team] + (self.rep_position[reps] + offsets) % self.team_size[team]]


@dataclass(frozen=True)
class DealChunk:
    deals: pa.Table
    splits: pa.Table


def _pick(rng: np.random.Generator, shares: np.ndarray, count: int) -> np.ndarray:
    cumulative = np.cumsum(shares) / shares.sum()
    return np.searchsorted(cumulative, rng.random(count), side="right").clip(0, len(shares) - 1)


def generate_deal_chunk(
    rng: np.random.Generator,
    org: Org,
    roster: TeamRoster,
    owner_weights: np.ndarray,
    first_id: int,
    count: int,
    late_closes_per_quarter: int,
    actuals: Actuals,
) -> DealChunk:
    """`count` deals with ids from `first_id`, their split rows, and their tally into `actuals`."""
    owners = draw_owners(rng, owner_weights, count)
    draw = rng.random(count)
    won_share = np.clip(WON_SHARE * org.rep_win_factor[owners], 0.05, 0.65)
    status = np.where(draw < won_share, WON, np.where(draw < WON_SHARE + LOST_SHARE, LOST, OPEN))
    closed = status != OPEN

    first_day = org.rep_first_event_day[owners]
    last_day = org.rep_last_event_day[owners]
    cycle = np.clip(rng.lognormal(np.log(35.0), 0.7, count), 1, 300).astype(np.int64)
    cycle = np.minimum(cycle, np.maximum(last_day - first_day, 1))
    created_day = draw_days(
        rng,
        np.where(closed, first_day, np.maximum(first_day, last_day - OPEN_DEAL_MAX_AGE_DAYS)),
        np.where(closed, last_day - cycle, last_day),
    )
    close_day = created_day + cycle
    weekday = (close_day + 3) % 7
    friday = close_day - np.where(weekday >= 5, weekday - 4, 0)
    close_day = np.where(friday > created_day, friday, close_day)
    offsets = org.rep_utc_offset_seconds[owners]
    created_at = local_instants(created_day, business_hours(rng, count), offsets)
    closed_at = local_instants(close_day, closing_hours(rng, count), offsets)

    for quarter_end_day, instant in quarter_end_late_closes():
        eligible = np.flatnonzero(
            (status == WON)
            & (first_day <= quarter_end_day)
            & (last_day >= quarter_end_day)
            & (created_at < instant - SECONDS_PER_DAY)
        )
        if eligible.size:
            chosen = rng.choice(eligible, size=min(late_closes_per_quarter, eligible.size), replace=False)
            closed_at[chosen] = instant

    open_age = np.minimum(120 * SECONDS_PER_DAY, SPAN_LAST_SECOND - created_at)
    updated_at = np.minimum(
        np.where(
            closed,
            closed_at + rng.integers(0, 3 * SECONDS_PER_DAY, count),
            created_at + (rng.random(count) * open_age).astype(np.int64),
        ),
        SPAN_LAST_SECOND,
    )

    stage = np.where(status == WON, 0, np.where(status == LOST, 1, 2 + _pick(rng, OPEN_STAGE_SHARES, count)))
    in_eur_region = org.rep_currency[owners] == EUR
    currency = np.where(
        in_eur_region,
        _pick(rng, CURRENCY_MIX_EUR_REGION, count),
        _pick(rng, CURRENCY_MIX_OTHER_REGIONS, count),
    )
    amount = np.round(np.clip(rng.lognormal(np.log(12_000.0), 1.0, count), 250.0, 900_000.0), 2)
    margin = np.round(amount * rng.uniform(0.10, 0.60, count), 2)
    names = pc.binary_join_element_wise(
        _COMPANIES.take(rng.integers(0, len(_COMPANIES), count)),
        _PRODUCTS.take(rng.integers(0, len(_PRODUCTS), count)),
        " - ",
    )
    ids = np.arange(first_id, first_id + count, dtype=np.int64)

    won = np.flatnonzero(status == WON)
    in_rep_currency = amount * MEAN_RATE_TO_USD[currency] / MEAN_RATE_TO_USD[org.rep_currency[owners]]
    actuals.add("revenue", owners[won], closed_at[won], in_rep_currency[won])
    actuals.add("deals", owners[won], closed_at[won])
    actuals.add("custom", owners[won], closed_at[won], margin[won])

    deals = pa.table(
        {
            "id": ids,
            "owner_id": org.rep_user_ids[owners],
            "name": names,
            "amount": amount,
            "currency": pa.array(CURRENCIES).take(currency),
            "stage": pa.array(STAGES).take(stage),
            "status": pa.array(STATUSES).take(status),
            "created_at": _timestamps(created_at),
            "closed_at": _timestamps(closed_at, valid=closed),
            "updated_at": _timestamps(updated_at),
            "margin": margin,
        },
        schema=SCHEMAS["deals"],
    )
    splits = _splits(rng, org, roster, won, ids, owners, close_day)
    return DealChunk(deals, splits)


def _timestamps(seconds: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    mask = None if valid is None else ~valid
    return pa.array(seconds * 1_000_000, type=TIMESTAMP_TYPE, mask=mask)


def _splits(
    rng: np.random.Generator,
    org: Org,
    roster: TeamRoster,
    won: np.ndarray,
    ids: np.ndarray,
    owners: np.ndarray,
    close_day: np.ndarray,
) -> pa.Table:
    """Split rows for ~5% of won deals: the owner plus one or two teammates employed on the close day."""
    deals = won[rng.random(won.size) < SPLIT_ATTEMPT_SHARE]
    owner = owners[deals]
    size = roster.size_of_team(owner)
    three = (rng.random(deals.size) < THREE_WAY_SHARE) & (size >= 3)
    first_offset = 1 + rng.integers(0, np.maximum(size - 1, 1))
    second_offset = 1 + (first_offset + rng.integers(0, np.maximum(size - 2, 1))) % np.maximum(size - 1, 1)
    first_mate = roster.teammate(owner, first_offset)
    second_mate = roster.teammate(owner, second_offset)

    def employed(reps: np.ndarray) -> np.ndarray:
        day = close_day[deals]
        return (org.rep_hire_day[reps] < day) & (day < org.rep_leave_day[reps] - 1)

    keep = (size >= 2) & employed(first_mate) & (~three | employed(second_mate))
    deals, owner, three = deals[keep], owner[keep], three[keep]
    first_mate, second_mate = first_mate[keep], second_mate[keep]

    two = ~three
    two_percent = TWO_WAY_SPLITS[rng.integers(0, len(TWO_WAY_SPLITS), deals.size)][two]
    three_percent = THREE_WAY_SPLITS[rng.integers(0, len(THREE_WAY_SPLITS), deals.size)][three]
    deal_ids = np.concatenate([np.repeat(ids[deals[two]], 2), np.repeat(ids[deals[three]], 3)])
    reps = np.concatenate(
        [
            np.column_stack([owner[two], first_mate[two]]).ravel(),
            np.column_stack([owner[three], first_mate[three], second_mate[three]]).ravel(),
        ]
    )
    percents = np.concatenate([two_percent.ravel(), three_percent.ravel()])
    order = np.argsort(deal_ids, kind="stable")
    return pa.table(
        {"deal_id": deal_ids[order], "user_id": org.rep_user_ids[reps[order]], "percent": percents[order]},
        schema=SCHEMAS["deal_splits"],
    )
