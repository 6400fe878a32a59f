"""Plain-text views of the marts for a terminal: the leaderboard and a rep's progress card."""

from __future__ import annotations

from orchestration.mart_queries import GoalLine, LeaderboardEntry, MilestoneLine, ProgressCard, RunSummary

MEDALS = {1: "🥇", 2: "🥈", 3: "🥉"}


def format_amount(value: float, metric_type: str) -> str:
    if metric_type in ("revenue", "custom"):
        return f"{value:,.2f}"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def progress_bar(attainment_percent: float, width: int = 30) -> str:
    """A bar filled in proportion to attainment, full at 100% and beyond (the percentage says by how much)."""
    filled = max(0, min(width, round(width * attainment_percent / 100)))
    bar = "█" * filled + "░" * (width - filled)
    return f"[{bar}]"


def render_leaderboard(title: str, metric_type: str, entries: list[LeaderboardEntry]) -> str:
    header = f"{'rank':>4}  {'rep':<22} {'team':<24} {'value':>14} {'target':>14} {'attain.':>8} {'vs quota':>14}"
    lines = [title, header, "-" * len(header)]
    for entry in entries:
        medal = MEDALS.get(entry.rank, "  ")
        lines.append(
            f"{entry.rank:>4}{medal} {entry.user_name[:22]:<22} {(entry.team_name or '-')[:24]:<24} "
            f"{format_amount(entry.current_value, metric_type):>14} "
            f"{format_amount(entry.target_value, metric_type):>14} "
            f"{entry.attainment_percent:>7.2f}% {format_amount(entry.vs_quota, metric_type):>14}"
            + (f" {entry.currency}" if metric_type == "revenue" else "")
        )
    if not entries:
        lines.append("(no individual quotas in this period)")
    return "\n".join(lines)


def render_progress_card(card: ProgressCard) -> str:
    unit = f" {card.currency}" if card.metric_type == "revenue" else ""
    pace = (
        f"{format_amount(card.required_daily_pace, card.metric_type)}{unit} per day"
        if card.required_daily_pace is not None
        else "period over"
    )
    width = 56
    rows = [
        f"{card.user_name} · {card.metric_type} · {card.period_name}",
        f"{format_amount(card.current_value, card.metric_type)} / "
        f"{format_amount(card.target_value, card.metric_type)}{unit}",
        f"{progress_bar(card.attainment_percent)} {card.attainment_percent:.2f}%",
        f"this week: {'+' if card.week_delta >= 0 else ''}{format_amount(card.week_delta, card.metric_type)}{unit}",
        f"days remaining: {card.days_remaining}   pace needed: {pace}",
        f"status: {card.pace_status.replace('_', ' ')}",
    ]
    top = "┌" + "─" * (width + 2) + "┐"
    bottom = "└" + "─" * (width + 2) + "┘"
    return "\n".join([top, *[f"│ {row:<{width}} │" for row in rows], bottom])


def render_run_summary(summary: RunSummary) -> str:
    loaded = sum(summary.rows_loaded.values())
    lines = [f"loaded {loaded:,} source rows from {len(summary.rows_loaded)} tables"]
    quarantined = sum(count for _, _, count in summary.quarantined)
    if quarantined:
        lines.append(f"quarantined {quarantined:,} rows (see marts.quarantine):")
        lines += [f"  {table}: {count:,} rows, {reason}" for table, reason, count in summary.quarantined]
    else:
        lines.append("quarantined 0 rows")
    if summary.contract_tables and not summary.broken_expectations:
        lines.append(f"contracts: {summary.contract_tables} tables validated, every expectation met")
    elif summary.contract_tables:
        lines.append(
            f"contracts: {summary.contract_tables} tables validated, {len(summary.broken_expectations)} "
            "expectations broken (see _ingest.contract_results; the rows are in the quarantine):"
        )
        lines += [
            f"  {table}: {name} on {column}: {rows:,} rows" for table, name, column, rows in summary.broken_expectations
        ]
    lines.append("marts: " + ", ".join(f"{name} {rows:,}" for name, rows in summary.mart_rows.items()))
    return "\n".join(lines)


def render_goal_timeline(goal: GoalLine, milestones: list[MilestoneLine]) -> str:
    """A goal and its milestones in order: reached ones ticked with their date, the next one with what is
    still to go, the rest open; the goal itself last."""
    unit = f" {goal.currency}" if goal.metric_type == "revenue" else ""
    amount = lambda value: format_amount(value, goal.metric_type)  # noqa: E731
    lines = [
        f"Goal {goal.id} · {goal.name} · {goal.goal_type} {goal.metric_type}, {goal.start_date} .. {goal.end_date}",
        f"{amount(goal.current_value)} / {amount(goal.target_value)}{unit} ({goal.attainment_percent:.2f}%)"
        f" · {goal.status.replace('_', ' ')}",
    ]
    steps = [(m.name, m.target_value, m.target_date, m.achieved_at, m.is_overdue) for m in milestones]
    steps.append(("goal", goal.target_value, goal.end_date, goal.achieved_at, False))
    next_shown = False
    for name, target, target_date, achieved_at, overdue in steps:
        due = f"due {target_date}" if target_date else "no date"
        if achieved_at is not None:
            late = " (late)" if overdue else ""
            lines.append(f"  ✓ {name:<22} {amount(target):>14}{unit}  reached {achieved_at}{late}")
        elif not next_shown:
            to_go = amount(max(target - goal.current_value, 0))
            late = ", overdue" if overdue else ""
            lines.append(f"  → {name:<22} {amount(target):>14}{unit}  {to_go}{unit} to go ({due}{late})")
            next_shown = True
        else:
            lines.append(f"  ○ {name:<22} {amount(target):>14}{unit}  {due}")
    return "\n".join(lines)
