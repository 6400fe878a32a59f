"""The report's colours, shared by the charts (matplotlib) and the HTML around them.

A module of its own so that the HTML, and every run that loads the Dagster definitions, need not import
matplotlib for a few colour names.
"""

from __future__ import annotations

INK = "#1e293b"
MUTED = "#64748b"
GRID = "#e2e8f0"
TRACK = "#e9eef5"
GREEN = "#16a34a"
TEAL = "#0d9488"
AMBER = "#d97706"
RED = "#dc2626"
NAVY = "#1e3a8a"
SERIES_COLOURS = ("#2563eb", "#9333ea", "#0891b2", "#ea580c", "#db2777", "#65a30d", "#475569", "#ca8a04")
PACE_COLOURS = {"achieved": GREEN, "on_track": TEAL, "at_risk": AMBER, "behind": RED, "missed": "#7f1d1d"}
PACE_ORDER = ("achieved", "on_track", "at_risk", "behind", "missed", "not_started")


def status_colour(attainment: float, expected: float) -> str:
    """Green once the target is reached, teal on or above the straight-line pace, amber close, red behind."""
    if attainment >= 100:
        return GREEN
    if attainment >= expected:
        return TEAL
    if attainment >= 0.9 * expected:
        return AMBER
    return RED
