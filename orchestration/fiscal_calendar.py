"""The fiscal calendar: which dates make up each fiscal month, quarter and year.

Quota periods are generated from this calendar, and the sample CRM uses it too, so a period's boundaries
are computed in exactly one place. A fiscal year is labelled by the calendar year in which it ends (the
usual convention: with a February start, FY2026 runs from 2025-02-01 to 2026-01-31), and period ids are
stable text (`FY2026`, `FY2026-Q1`, `FY2026-M01`) so that regenerating the calendar never renumbers a
period that quotas already point at.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

PERIOD_TYPES: tuple[str, ...] = ("month", "quarter", "year")
_MONTH_ABBREVIATIONS: tuple[str, ...] = (
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
)  # fmt: skip


@dataclass(frozen=True)
class FiscalPeriod:
    """One fiscal month, quarter or year; `end_date` is inclusive, like `quota_periods.end_date`."""

    id: str
    name: str
    period_type: str
    start_date: date
    end_date: date
    fiscal_year: int


def _check_start_month(fiscal_year_start_month: int) -> None:
    if not 1 <= fiscal_year_start_month <= 12:
        raise ValueError(f"fiscal_year_start_month must be 1..12, got {fiscal_year_start_month}")


def _add_months(year: int, month: int, months: int) -> date:
    """The first day of the month `months` after (year, month); the arithmetic every boundary uses."""
    index = year * 12 + (month - 1) + months
    return date(index // 12, index % 12 + 1, 1)


def fiscal_year_start(fiscal_year: int, fiscal_year_start_month: int) -> date:
    """The first day of `fiscal_year`, which ends in the calendar year `fiscal_year`."""
    _check_start_month(fiscal_year_start_month)
    first_calendar_year = fiscal_year if fiscal_year_start_month == 1 else fiscal_year - 1
    return date(first_calendar_year, fiscal_year_start_month, 1)


def _month(fiscal_year: int, fiscal_year_start_month: int, month_number: int) -> FiscalPeriod:
    first_day = fiscal_year_start(fiscal_year, fiscal_year_start_month)
    start = _add_months(first_day.year, first_day.month, month_number - 1)
    end = _add_months(start.year, start.month, 1) - timedelta(days=1)
    label = f"{_MONTH_ABBREVIATIONS[start.month - 1]} {start.year}"
    return FiscalPeriod(
        id=f"FY{fiscal_year}-M{month_number:02d}",
        name=f"FY{fiscal_year} M{month_number:02d} ({label})",
        period_type="month",
        start_date=start,
        end_date=end,
        fiscal_year=fiscal_year,
    )


def _quarter(fiscal_year: int, fiscal_year_start_month: int, quarter_number: int) -> FiscalPeriod:
    first_month = _month(fiscal_year, fiscal_year_start_month, 3 * quarter_number - 2)
    last_month = _month(fiscal_year, fiscal_year_start_month, 3 * quarter_number)
    return FiscalPeriod(
        id=f"FY{fiscal_year}-Q{quarter_number}",
        name=f"FY{fiscal_year} Q{quarter_number}",
        period_type="quarter",
        start_date=first_month.start_date,
        end_date=last_month.end_date,
        fiscal_year=fiscal_year,
    )


def _year(fiscal_year: int, fiscal_year_start_month: int) -> FiscalPeriod:
    start = fiscal_year_start(fiscal_year, fiscal_year_start_month)
    end = fiscal_year_start(fiscal_year + 1, fiscal_year_start_month) - timedelta(days=1)
    return FiscalPeriod(
        id=f"FY{fiscal_year}",
        name=f"FY{fiscal_year}",
        period_type="year",
        start_date=start,
        end_date=end,
        fiscal_year=fiscal_year,
    )


def fiscal_periods(fiscal_year_start_month: int, first_fiscal_year: int, last_fiscal_year: int) -> list[FiscalPeriod]:
    """Every year, quarter and month of the fiscal years first..last (inclusive), year by year.

    Within a fiscal year the order is: the year, its four quarters, its twelve months.
    """
    _check_start_month(fiscal_year_start_month)
    if last_fiscal_year < first_fiscal_year:
        raise ValueError(f"last_fiscal_year {last_fiscal_year} precedes first_fiscal_year {first_fiscal_year}")
    periods: list[FiscalPeriod] = []
    for fiscal_year in range(first_fiscal_year, last_fiscal_year + 1):
        periods.append(_year(fiscal_year, fiscal_year_start_month))
        periods.extend(_quarter(fiscal_year, fiscal_year_start_month, q) for q in range(1, 5))
        periods.extend(_month(fiscal_year, fiscal_year_start_month, m) for m in range(1, 13))
    return periods


def fiscal_year_of(day: date, fiscal_year_start_month: int) -> int:
    """The fiscal year `day` falls in: the calendar year in which that fiscal year ends."""
    _check_start_month(fiscal_year_start_month)
    if fiscal_year_start_month == 1:
        return day.year
    return day.year + 1 if day.month >= fiscal_year_start_month else day.year


def fiscal_period_containing(day: date, period_type: str, fiscal_year_start_month: int) -> FiscalPeriod:
    """The fiscal month, quarter or year that contains `day`."""
    if period_type not in PERIOD_TYPES:
        raise ValueError(f"period_type must be one of {PERIOD_TYPES}, got {period_type!r}")
    fiscal_year = fiscal_year_of(day, fiscal_year_start_month)
    if period_type == "year":
        return _year(fiscal_year, fiscal_year_start_month)
    month_number = (day.month - fiscal_year_start_month) % 12 + 1
    if period_type == "month":
        return _month(fiscal_year, fiscal_year_start_month, month_number)
    return _quarter(fiscal_year, fiscal_year_start_month, (month_number - 1) // 3 + 1)
