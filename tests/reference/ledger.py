"""The credits ledger: every qualifying event credits users with a value on a date (SPEC section 2).

| metric                    | event                   | date        | value                                  |
|---------------------------|-------------------------|-------------|----------------------------------------|
| revenue                   | deal with status `won`  | closed_at   | amount (converted later) x split share |
| deals                     | deal with status `won`  | closed_at   | 1 x split share                        |
| leads                     | lead (any status)       | created_at  | 1                                      |
| calls / meetings / emails | activity of that type   | occurred_at | 1                                      |
| custom                    | deal with status `won`  | closed_at   | the named deal column x split share    |

Revenue credits keep the deal's currency: SPEC 10.4 converts each credit into the currency of the scope
it counts for, so the conversion happens when a scope asks for a total (`Ledger.total`).
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from zoneinfo import ZoneInfo

from .dates import local_date
from .fx import FxRates
from .keys import MetricKey
from .quarantine import Record, ValidSource

HUNDRED = Decimal(100)
ONE = Decimal(1)
ACTIVITY_METRICS = {"call": "calls", "meeting": "meetings", "email": "emails"}


@dataclass(frozen=True)
class Credit:
    """One user's credit of one metric on one local date; `currency` is set for revenue credits only."""

    user_id: str
    day: date
    value: Decimal
    currency: str | None = None


def deal_shares(valid: ValidSource) -> dict[str, list[tuple[str, Decimal]]]:
    """Who a deal credits, and with which share: each valid split user percent / 100; otherwise the owner
    gets 100% (SPEC section 1 and 10.9). The owner need not be among the split users."""
    splits: dict[str, list[tuple[str, Decimal]]] = defaultdict(list)
    for split in valid.deal_splits:
        splits[split["deal_id"]].append((split["user_id"], split["percent"] / HUNDRED))
    return {deal_id: splits.get(deal_id) or [(deal["owner_id"], ONE)] for deal_id, deal in valid.deals.items()}


def _won_deal_credits(
    deal: Record, shares: list[tuple[str, Decimal]], zone: ZoneInfo, custom_fields: set[str]
) -> dict[MetricKey, list[Credit]]:
    """revenue, deals and custom credits of one won deal, dated on its local close date."""
    day = local_date(deal["closed_at"], zone)
    credits: dict[MetricKey, list[Credit]] = defaultdict(list)
    for user_id, share in shares:
        credits[("revenue", None)].append(Credit(user_id, day, deal["amount"] * share, deal["currency"]))
        credits[("deals", None)].append(Credit(user_id, day, share))
        for column in custom_fields:
            if deal.get(column) is not None:
                credits[("custom", column)].append(Credit(user_id, day, deal[column] * share))
    return credits


def build_credits(valid: ValidSource, zone: ZoneInfo, custom_fields: set[str]) -> dict[MetricKey, list[Credit]]:
    """The whole ledger, from the valid rows only (a rejected row counts for nothing)."""
    ledger: dict[MetricKey, list[Credit]] = defaultdict(list)
    shares = deal_shares(valid)
    for deal_id, deal in valid.deals.items():
        if deal["status"] == "won":
            for key, credits in _won_deal_credits(deal, shares[deal_id], zone, custom_fields).items():
                ledger[key].extend(credits)
    for lead in valid.leads:
        ledger[("leads", None)].append(Credit(lead["owner_id"], local_date(lead["created_at"], zone), ONE))
    for activity in valid.activities:
        metric = ACTIVITY_METRICS[activity["type"]]
        ledger[(metric, None)].append(Credit(activity["owner_id"], local_date(activity["occurred_at"], zone), ONE))
    return ledger


@dataclass
class _DailyTotals:
    """One user's credits summed per day, with running totals for range sums."""

    days: list[date] = field(default_factory=list)
    amounts: list[Decimal] = field(default_factory=list)
    running: list[Decimal] = field(default_factory=lambda: [Decimal(0)])

    def between(self, first: date, last: date) -> Decimal:
        if first > last:
            return Decimal(0)
        upto_last = self.running[bisect.bisect_right(self.days, last)]
        before_first = self.running[bisect.bisect_left(self.days, first)]
        return upto_last - before_first

    def each_day(self, first: date, last: date) -> list[tuple[date, Decimal]]:
        """The (day, sum of that day's credits) of the days in [first, last] that have credits."""
        low, high = bisect.bisect_left(self.days, first), bisect.bisect_right(self.days, last)
        return list(zip(self.days[low:high], self.amounts[low:high], strict=True))


class Ledger:
    """Sums of one user's credits of a metric over a date range, revenue converted into a currency."""

    def __init__(self, credits: dict[MetricKey, list[Credit]], fx: FxRates) -> None:
        self._credits = credits
        self._fx = fx
        self._index: dict[tuple[MetricKey, str | None], dict[str, _DailyTotals]] = {}

    def _value_in(self, credit: Credit, currency: str | None) -> Decimal | None:
        """SPEC 10.4: a revenue credit converted into the scope's currency on the credit's date.
        Counts and custom values are never converted. None when the scope's currency has no rate."""
        if credit.currency is None or currency is None:
            return credit.value
        return self._fx.convert(credit.value, credit.currency, currency, credit.day)

    def _totals(self, metric: MetricKey, currency: str | None) -> dict[str, _DailyTotals]:
        currency = currency if metric[0] == "revenue" else None
        key = (metric, currency)
        if key not in self._index:
            per_user_day: dict[str, dict[date, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
            for credit in self._credits.get(metric, []):
                value = self._value_in(credit, currency)
                if value is not None:
                    per_user_day[credit.user_id][credit.day] += value
            index: dict[str, _DailyTotals] = {}
            for user_id, by_day in per_user_day.items():
                totals = _DailyTotals()
                for day in sorted(by_day):
                    totals.days.append(day)
                    totals.amounts.append(by_day[day])
                    totals.running.append(totals.running[-1] + by_day[day])
                index[user_id] = totals
            self._index[key] = index
        return self._index[key]

    def total(self, metric: MetricKey, user_id: str, currency: str | None, first: date, last: date) -> Decimal:
        """The user's credits of `metric` dated in [first, last], in `currency` for revenue."""
        totals = self._totals(metric, currency).get(user_id)
        return totals.between(first, last) if totals is not None else Decimal(0)

    def daily(
        self, metric: MetricKey, user_id: str, currency: str | None, first: date, last: date
    ) -> list[tuple[date, Decimal]]:
        """The user's credits of `metric` summed per day, for the days in [first, last] that have any;
        their sum is `total(...)` over the same range."""
        totals = self._totals(metric, currency).get(user_id)
        return totals.each_day(first, last) if totals is not None else []
