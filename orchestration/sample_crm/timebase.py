"""The sample CRM's clock: the span its events cover and the integer encodings the generators share.

Big tables are generated as numpy arrays, so days are integers (days since 1970-01-01) and instants are
integers (seconds since 1970-01-01 UTC); this module converts between those and the calendar.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import numpy as np

SECONDS_PER_DAY = 86_400
SPAN_START = date(2023, 1, 1)
SPAN_END = date(2025, 12, 31)
FIRST_FISCAL_YEAR = 2023
LAST_FISCAL_YEAR = 2025
FISCAL_YEAR_START_MONTH = 1
SPAN_MONTHS = (SPAN_END.year - SPAN_START.year) * 12 + SPAN_END.month - SPAN_START.month + 1


def day_number(day: date) -> int:
    """Days since 1970-01-01: the integer a date is stored as in the generators' arrays."""
    return day.toordinal() - date(1970, 1, 1).toordinal()


def date_of(day: int) -> date:
    return date.fromordinal(int(day) + date(1970, 1, 1).toordinal())


def instant_of(moment: datetime) -> int:
    """Seconds since the epoch of an aware datetime."""
    return int(moment.astimezone(UTC).timestamp())


SPAN_START_DAY = day_number(SPAN_START)
SPAN_END_DAY = day_number(SPAN_END)
SPAN_START_SECOND = SPAN_START_DAY * SECONDS_PER_DAY
SPAN_LAST_SECOND = (SPAN_END_DAY + 1) * SECONDS_PER_DAY - 1
"""Every event instant lies in [SPAN_START_SECOND, SPAN_LAST_SECOND]."""


def span_month_index(seconds: np.ndarray) -> np.ndarray:
    """The month of each UTC instant, counted from the span's first month (0 = January 2023)."""
    months = seconds.astype("datetime64[s]").astype("datetime64[M]").astype(np.int64)
    first = (SPAN_START.year - 1970) * 12 + SPAN_START.month - 1
    return months - first


def month_first_days() -> np.ndarray:
    """Day numbers of the first day of each span month, plus the first day after the span (length+1)."""
    first = np.datetime64(SPAN_START.isoformat(), "M")
    months = first + np.arange(SPAN_MONTHS + 1)
    return months.astype("datetime64[D]").astype(np.int64)
