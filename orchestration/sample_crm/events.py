"""Vectorised building blocks for event tables: who owns an event, on which day, at what instant.

An event belongs to a rep, falls on a local business day inside that rep's employment, at a local time of
day typical for its kind, and is stored as a UTC instant. Because reps sit in regions from UTC-8 to UTC+10,
many evening events land on the next UTC day, which is exactly what the pipeline's time-zone handling
must get right.
"""

from __future__ import annotations

import numpy as np

from orchestration.sample_crm.org import Org
from orchestration.sample_crm.timebase import SECONDS_PER_DAY

WEEKEND_REDRAWS = 2
"""Each weekend day is redrawn this many times, leaving a small share of weekend events (~2%)."""


def owner_weights(org: Org) -> np.ndarray:
    """How likely each rep is to own an event: productivity times the length of their event window."""
    window = np.maximum(org.rep_last_event_day - org.rep_first_event_day + 1, 1)
    weights = org.rep_productivity * window
    return weights / weights.sum()


def draw_owners(rng: np.random.Generator, weights: np.ndarray, count: int) -> np.ndarray:
    """Rep indices drawn with the given probabilities (inverse-CDF sampling, one array operation)."""
    cumulative = np.cumsum(weights)
    cumulative /= cumulative[-1]
    return np.searchsorted(cumulative, rng.random(count), side="right").clip(0, len(weights) - 1)


def _is_weekend(days: np.ndarray) -> np.ndarray:
    # 1970-01-01 was a Thursday, so (day + 3) % 7 counts Monday as 0.
    return (days + 3) % 7 >= 5


def draw_days(
    rng: np.random.Generator, first: np.ndarray, last: np.ndarray, redraws: int = WEEKEND_REDRAWS
) -> np.ndarray:
    """A day in [first, last] per row, uniform over the range, mostly on weekdays."""
    span = np.maximum(last - first + 1, 1)
    days = first + (rng.random(len(first)) * span).astype(np.int64)
    for _ in range(redraws):
        weekend = np.flatnonzero(_is_weekend(days))
        if len(weekend) == 0:
            break
        days[weekend] = first[weekend] + (rng.random(len(weekend)) * span[weekend]).astype(np.int64)
    return days


def business_hours(rng: np.random.Generator, count: int) -> np.ndarray:
    """Local seconds of the day between 08:00 and 18:00, peaking around lunch."""
    return (8 * 3600 + rng.beta(2.0, 2.0, count) * 10 * 3600).astype(np.int64)


def closing_hours(rng: np.random.Generator, count: int) -> np.ndarray:
    """Local seconds of the day between 09:00 and 23:30, skewed late: deals close at the end of the day."""
    return (9 * 3600 + rng.beta(2.5, 1.4, count) * 14.5 * 3600).astype(np.int64)


def any_hour(rng: np.random.Generator, count: int) -> np.ndarray:
    """Local seconds of the day, two thirds in business hours and the rest at any time (web forms)."""
    anytime = rng.integers(0, SECONDS_PER_DAY, count)
    return np.where(rng.random(count) < 2 / 3, business_hours(rng, count), anytime)


def local_instants(days: np.ndarray, seconds_of_day: np.ndarray, utc_offset_seconds: np.ndarray) -> np.ndarray:
    """UTC epoch seconds of local (day, time of day) at the given fixed UTC offsets."""
    return days * SECONDS_PER_DAY + seconds_of_day - utc_offset_seconds
