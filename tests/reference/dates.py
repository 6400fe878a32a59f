"""Dates in the company time zone (SPEC section 2: an event's date is its local date)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo


def local_date(moment: datetime, zone: ZoneInfo) -> date:
    """The event's timestamp converted to the company time zone, then truncated to a date.

    A deal closed 2025-03-31 23:30 in Los Angeles is dated March 31 there, though it is April 1 in UTC.
    """
    return moment.astimezone(zone).date()


def days_inclusive(start: date, end: date) -> int:
    """Number of days in [start, end]; 0 when the range is empty."""
    return max((end - start).days + 1, 0)


ONE_DAY = timedelta(days=1)
