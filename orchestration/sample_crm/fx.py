"""Daily FX rates to USD for the sample's foreign currencies: a mean-reverting random walk per currency.

One row per business day from a month before the span starts (so an event on the span's first days
already has a rate in force) to the span's last day. USD has no rows: its rate is 1.0 by definition.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pyarrow as pa

from orchestration.sample_crm.org import CURRENCIES, MEAN_RATE_TO_USD, USD
from orchestration.sample_crm.schemas import SCHEMAS
from orchestration.sample_crm.timebase import SPAN_END_DAY, day_number

FIRST_RATE_DAY = day_number(date(2022, 12, 1))
DAILY_VOLATILITY = 0.004
MEAN_REVERSION = 0.01


def generate_fx_rates(rng: np.random.Generator) -> pa.Table:
    """Rates for every non-USD currency on every weekday, rounded to 6 decimals."""
    days = np.arange(FIRST_RATE_DAY, SPAN_END_DAY + 1)
    days = days[(days + 3) % 7 < 5]
    currencies: list[str] = []
    dates: list[np.ndarray] = []
    rates: list[np.ndarray] = []
    for index, currency in enumerate(CURRENCIES):
        if index == USD:
            continue
        level = np.log(MEAN_RATE_TO_USD[index])
        shocks = rng.normal(0.0, DAILY_VOLATILITY, len(days))
        log_rate = np.empty(len(days))
        current = level + rng.normal(0.0, 0.02)
        for step, shock in enumerate(shocks):
            current += MEAN_REVERSION * (level - current) + shock
            log_rate[step] = current
        currencies.extend([currency] * len(days))
        dates.append(days)
        rates.append(np.round(np.exp(log_rate), 6))
    return pa.table(
        {
            "currency": currencies,
            "rate_date": pa.array(np.concatenate(dates).astype(np.int32)).cast(pa.date32()),
            "rate_to_usd": np.concatenate(rates),
        },
        schema=SCHEMAS["fx_rates"],
    )
