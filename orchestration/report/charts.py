"""The report's charts, drawn with matplotlib's Agg renderer into PNG bytes (no display, no network).

Figures are built with the object API (`Figure`), never pyplot, so no global state is shared between
reports drawn in one process.
"""

from __future__ import annotations

import io
from datetime import date, timedelta

import matplotlib

matplotlib.use("Agg")

import numpy as np
from matplotlib.dates import DateFormatter, MonthLocator
from matplotlib.figure import Figure
from matplotlib.patches import Wedge

from orchestration.report.palette import (
    GREEN,
    GRID,
    INK,
    MUTED,
    NAVY,
    PACE_COLOURS,
    PACE_ORDER,
    RED,
    SERIES_COLOURS,
    TRACK,
    status_colour,
)
from orchestration.report.queries import Goal, ReportPeriod, TrendSeries

DPI = 144

matplotlib.rcParams.update(
    {
        "font.family": "DejaVu Sans",
        "font.size": 10,
        "axes.edgecolor": GRID,
        "axes.labelcolor": MUTED,
        "xtick.color": MUTED,
        "ytick.color": MUTED,
    }
)


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, facecolor="white", metadata={"Software": None})
    return buffer.getvalue()


def gauge_png(attainment: float, expected: float) -> bytes:
    """A half-circle gauge of the company's attainment, with a tick where a straight-line pace stands."""
    top = max(150.0, float(np.ceil(attainment / 50.0) * 50.0))
    figure = Figure(figsize=(4.6, 2.55))
    axes = figure.add_axes((0, 0, 1, 1))
    axes.set_xlim(-1.3, 1.3)
    axes.set_ylim(-0.28, 1.12)
    axes.set_aspect("equal")
    axes.axis("off")

    def angle(percent: float) -> float:
        return 180.0 - 180.0 * min(max(percent, 0.0), top) / top

    axes.add_patch(Wedge((0, 0), 1.0, 0, 180, width=0.3, facecolor=TRACK))
    colour = status_colour(attainment, expected)
    if attainment > 0:
        axes.add_patch(Wedge((0, 0), 1.0, angle(attainment), 180, width=0.3, facecolor=colour))
    for percent, label, colour in ((100.0, "100%", INK), (expected, f"pace {expected:.0f}%", MUTED)):
        theta = np.radians(angle(percent))
        axes.plot(
            [0.66 * np.cos(theta), 1.05 * np.cos(theta)],
            [0.66 * np.sin(theta), 1.05 * np.sin(theta)],
            color=colour,
            linewidth=2.2 if percent == 100.0 else 1.6,
        )
        axes.text(
            1.17 * np.cos(theta),
            1.1 * np.sin(theta),
            label,
            ha="center",
            va="center",
            fontsize=8,
            color=colour,
            fontweight="bold" if percent == 100.0 else "normal",
        )
    axes.text(0, 0.2, f"{attainment:.2f}%", ha="center", va="center", fontsize=24, fontweight="bold", color=INK)
    axes.text(0, -0.05, "of the company quota", ha="center", va="center", fontsize=9, color=MUTED)
    axes.text(-1.0 + 0.13, -0.17, "0%", ha="center", fontsize=8, color=MUTED)
    axes.text(1.0 - 0.13, -0.17, f"{top:.0f}%", ha="center", fontsize=8, color=MUTED)
    return _png(figure)


MAX_TREND_TEAMS = 6


def trend_lines(series: tuple[TrendSeries, ...]) -> tuple[TrendSeries, ...]:
    """The company and its top-level teams; with more than six teams, the three highest and three lowest
    on the last day, so the chart stays readable."""
    company = [line for line in series if line.is_company]
    teams = [line for line in series if not line.is_company and line.points]
    if len(teams) > MAX_TREND_TEAMS:
        ranked = sorted(teams, key=lambda line: line.points[-1][1], reverse=True)
        half = MAX_TREND_TEAMS // 2
        teams = ranked[:half] + ranked[-half:]
    return tuple(company + teams)


def trend_png(series: tuple[TrendSeries, ...], period: ReportPeriod, as_of: date) -> bytes:
    """Attainment day by day (company bold, top-level teams thin) against the straight-line pace to 100%."""
    series = trend_lines(series)
    figure = Figure(figsize=(9.6, 3.9))
    axes = figure.add_subplot()
    figure.subplots_adjust(left=0.07, right=0.8, top=0.93, bottom=0.12)
    end = period.end_date
    axes.plot(
        [period.start_date - timedelta(days=1), end],
        [0, 100],
        color=MUTED,
        linewidth=1,
        linestyle=(0, (4, 3)),
        label="straight-line pace",
    )
    axes.axhline(100, color=INK, linewidth=0.8, alpha=0.6)
    highest = 100.0
    colours = iter(SERIES_COLOURS)
    for line in series:
        days = [day for day, _ in line.points]
        values = [value for _, value in line.points]
        highest = max(highest, *values) if values else highest
        colour = INK if line.is_company else next(colours, MUTED)
        width = 2.8 if line.is_company else 1.5
        marker = "o" if len(days) == 1 else None
        axes.plot(days, values, color=colour, linewidth=width, marker=marker, label=line.label)
        if days:
            axes.annotate(
                f"{values[-1]:.1f}%",
                (days[-1], values[-1]),
                xytext=(5, 0),
                textcoords="offset points",
                va="center",
                fontsize=8.5,
                color=colour,
                fontweight="bold" if line.is_company else "normal",
            )
    axes.axvline(as_of, color=MUTED, linewidth=0.8, alpha=0.5)
    axes.text(as_of, highest * 1.08, f" as of {as_of:%d %b}", fontsize=8, color=MUTED, va="top")
    axes.set_xlim(period.start_date - timedelta(days=1), end + timedelta(days=1))
    axes.set_ylim(0, highest * 1.1)
    axes.yaxis.set_major_formatter(lambda value, _: f"{value:.0f}%")
    if period.days_total > 120:
        axes.xaxis.set_major_locator(MonthLocator())
        axes.xaxis.set_major_formatter(DateFormatter("%b"))
    else:
        axes.xaxis.set_major_formatter(DateFormatter("%d %b"))
    axes.grid(axis="y", color=GRID, linewidth=0.8)
    axes.spines[["top", "right", "left"]].set_visible(False)
    axes.tick_params(length=0)
    axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=9)
    return _png(figure)


def pace_png(counts: dict[str, int]) -> bytes:
    """How many reps are in each pace status, as one stacked bar."""
    figure = Figure(figsize=(4.6, 0.5))
    axes = figure.add_axes((0.0, 0.0, 1.0, 1.0))
    total = sum(counts.values()) or 1
    left = 0.0
    for status in PACE_ORDER:
        count = counts.get(status, 0)
        if not count:
            continue
        axes.barh(0, count, left=left, color=PACE_COLOURS.get(status, MUTED), height=1.0, edgecolor="white")
        if count / total >= 0.07:
            axes.text(left + count / 2, 0, str(count), ha="center", va="center", color="white", fontweight="bold")
        left += count
    axes.set_xlim(0, total)
    axes.axis("off")
    return _png(figure)


def goals_png(goals: tuple[Goal, ...], as_of: date) -> bytes:
    """Each goal's span as a bar, its milestones as diamonds on their target dates (filled when reached,
    red when overdue), and a star on the day the goal was achieved."""
    rows = max(len(goals), 1)
    figure = Figure(figsize=(9.6, 0.55 * rows + 1.0))
    axes = figure.add_subplot()
    figure.subplots_adjust(left=0.3, right=0.97, top=1 - 0.35 / (0.55 * rows + 1.0), bottom=0.5 / (0.55 * rows + 1))
    for index, goal in enumerate(goals):
        y = rows - 1 - index
        colour = {"achieved": GREEN, "missed": RED}.get(goal.status, NAVY)
        axes.barh(
            y,
            (goal.end_date - goal.start_date).days + 1,
            left=goal.start_date,
            height=0.36,
            color=colour,
            alpha=0.22,
            edgecolor=colour,
        )
        for milestone in goal.milestones:
            if milestone.target_date is None:
                continue
            edge = RED if milestone.is_overdue else colour
            axes.scatter(
                [milestone.target_date],
                [y],
                marker="D",
                s=46,
                facecolor=edge if milestone.is_achieved else "white",
                edgecolor=edge,
                linewidth=1.4,
                zorder=3,
            )
        if goal.achieved_at is not None:
            axes.scatter([goal.achieved_at], [y], marker="*", s=170, color=GREEN, edgecolor="white", zorder=4)
    axes.set_yticks(range(rows))
    axes.set_yticklabels([_short(goal.name) for goal in reversed(goals)] if goals else ["(no goals)"], fontsize=9)
    axes.axvline(as_of, color=MUTED, linewidth=1, linestyle=(0, (3, 2)))
    axes.text(as_of, rows - 0.45, "as of", fontsize=8, color=MUTED, ha="center", va="bottom")
    axes.set_ylim(-0.7, rows - 0.3)
    axes.xaxis_date()
    axes.xaxis.set_major_formatter(DateFormatter("%b %Y"))
    axes.grid(axis="x", color=GRID, linewidth=0.8)
    axes.spines[["top", "right", "left"]].set_visible(False)
    axes.tick_params(length=0)
    return _png(figure)


def _short(text: str, width: int = 42) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
