"""Currency conversion (SPEC section 2 "Currency", 10.1 and 10.4; metric_definitions.md "Currency")."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

ONE = Decimal(1)


@dataclass
class FxRates:
    """Rates to USD, each in force from its rate_date until the next row of the same currency."""

    reporting_currency: str
    _dates: dict[str, list[date]] = field(default_factory=dict)
    _rates: dict[str, list[Decimal]] = field(default_factory=dict)

    @classmethod
    def from_rows(cls, rows: list[tuple[str, date, Decimal]], reporting_currency: str) -> FxRates:
        fx = cls(reporting_currency)
        for currency, rate_date, rate in sorted(rows, key=lambda row: (row[0], row[1])):
            fx._dates.setdefault(currency, []).append(rate_date)
            fx._rates.setdefault(currency, []).append(rate)
        return fx

    def rate(self, currency: str, day: date) -> Decimal | None:
        """rate(c, d): the rate_to_usd of the latest row of c with rate_date <= d.

        With no such row, USD and the reporting currency have rate 1.0; any other currency has no rate.
        """
        dates = self._dates.get(currency, [])
        position = bisect.bisect_right(dates, day)
        if position:
            return self._rates[currency][position - 1]
        if currency in ("USD", self.reporting_currency):
            return ONE
        return None

    def has_rate(self, currency: str, day: date) -> bool:
        return self.rate(currency, day) is not None

    def convert(self, amount: Decimal, from_currency: str, to_currency: str, day: date) -> Decimal | None:
        """amount x rate(from, d) / rate(to, d); the same currency needs no rate; None without a rate."""
        if from_currency == to_currency:
            return amount
        from_rate = self.rate(from_currency, day)
        to_rate = self.rate(to_currency, day)
        if from_rate is None or to_rate is None:
            return None
        return amount * from_rate / to_rate
