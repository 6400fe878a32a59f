"""Attainment rounding and target comparisons (SPEC section 3 and 10.10; metric_definitions.md "Rounding").

The arithmetic is exact (fractions), so the only tolerance is the documented one: half-up rounding adds a
relative 1e-9 before flooring, and "value reached target" means value >= target x (1 - 1e-9).
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

RELATIVE_TOLERANCE = Fraction(1, 10**9)


def round_half_up(number: Decimal | Fraction, places: int = 2) -> Decimal:
    """Half-up (away from zero) to `places` decimals, after nudging the magnitude up by a relative 1e-9,
    so 12.345 becomes 12.35 even when a floating-point sum held 12.34499999..."""
    exact = Fraction(number)
    scale = 10**places
    magnitude = abs(exact) * scale * (1 + RELATIVE_TOLERANCE)
    rounded = math.floor(magnitude + Fraction(1, 2))
    sign = -1 if exact < 0 else 1
    return Decimal(sign * rounded) / Decimal(scale)


def percent_of(value: Decimal, target: Decimal | None) -> Decimal | None:
    """value / target x 100, rounded half-up to 2 decimals and never capped; None without a target."""
    if target is None or target == 0:
        return None
    return round_half_up(Fraction(value) / Fraction(target) * 100)


def reached(value: Decimal, target: Decimal) -> bool:
    """'Value reached target': value >= target x (1 - 1e-9)."""
    return Fraction(value) >= Fraction(target) * (1 - RELATIVE_TOLERANCE)
