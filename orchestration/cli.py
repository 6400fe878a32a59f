"""The `quotas` command line: generate sample data, run the pipeline, show the results.

Every command that runs the pipeline takes the same settings flags; settings may also come from a config
file (`--config`, `$QUOTAS_CONFIG` or `./quotas.toml`) or `QUOTAS_*` environment variables, and a flag
wins. A failed run exits non-zero with one line saying why.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from orchestration.settings import CompanySettings, SettingsError, load_company_settings

DEMO_SOURCE = Path("data/sample_crm")
DEMO_WAREHOUSE = Path("data/warehouse.duckdb")
DEMO_AS_OF = date(2025, 11, 14)
DEMO_SEED = 42


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from error


def _add_settings_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--timezone", help="company time zone, an IANA name (default UTC)")
    parser.add_argument("--currency", help="reporting currency, ISO 4217 (default USD)")
    parser.add_argument("--fiscal-year-start", type=int, help="first month of the fiscal year (1-12)")
    parser.add_argument("--config", type=Path, help="TOML config file with a [company] table")


def _company_settings(args: argparse.Namespace) -> CompanySettings:
    return load_company_settings(
        config_file=args.config,
        flags={
            "timezone": args.timezone,
            "reporting_currency": args.currency,
            "fiscal_year_start": args.fiscal_year_start,
        },
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="quotas", description="Quota and goal tracking for sales teams.")
    commands = parser.add_subparsers(dest="command", required=True)

    demo = commands.add_parser("demo", help="generate the sample CRM, run everything, show a leaderboard")
    demo.add_argument("--as-of", type=_date, default=DEMO_AS_OF, help=f"as-of date (default {DEMO_AS_OF})")
    _add_settings_flags(demo)

    generate = commands.add_parser("generate", help="write a sample CRM in the source contract")
    generate.add_argument("--scale", choices=["tiny", "S", "M"], required=True)
    generate.add_argument("--out", type=Path, required=True)
    generate.add_argument("--seed", type=int, default=DEMO_SEED)

    run = commands.add_parser("run", help="one daily run: load the source, build the marts and D's snapshots")
    run.add_argument("--source", required=True, help="directory of CSV/Parquet files")
    run.add_argument("--warehouse", type=Path, required=True, help="DuckDB file to build")
    run.add_argument("--as-of", type=_date, help="as-of date (default: today in the company time zone)")
    run.add_argument(
        "--full-refresh",
        action="store_true",
        help="recompute every day's values instead of only the days whose input changed (the snapshots are kept)",
    )
    _add_settings_flags(run)

    notify = commands.add_parser("notify", help="one notification tick: record what is new, deliver what is due")
    notify.add_argument("--warehouse", type=Path, required=True, help="DuckDB file built by a run")
    notify.add_argument("--config", type=Path, help="TOML config file with a [notifications] table")

    notifications = commands.add_parser("notifications", help="list recent notifications and their status")
    notifications.add_argument("--warehouse", type=Path, required=True, help="DuckDB file built by a run")
    notifications.add_argument("--limit", type=int, default=30)

    goals = commands.add_parser("goals", help="list the goals, or show one goal's milestones as a timeline")
    goals.add_argument("--warehouse", type=Path, required=True, help="DuckDB file built by a run")
    goals.add_argument("--id", help="the goal to show as a timeline")

    backfill = commands.add_parser("backfill", help="write the snapshots of every day of a range, in one run")
    backfill.add_argument("--source", help="directory of CSV/Parquet files (not needed with --snapshots-only)")
    backfill.add_argument("--warehouse", type=Path, required=True, help="DuckDB file to build")
    backfill.add_argument(
        "--snapshots-only",
        action="store_true",
        help="write the snapshots from the ledger already in the warehouse, without re-reading the source",
    )
    backfill.add_argument("--start", type=_date, required=True, help="first day to write")
    backfill.add_argument("--end", type=_date, required=True, help="last day to write")
    _add_settings_flags(backfill)
    return parser


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _check_source(source: Path) -> None:
    """Check the source before starting Dagster, so a bad source fails in a second with one clear line."""
    from orchestration.source_loading import inspect_source
    from orchestration.warehouse import connect

    with connect(Path(":memory:")) as con:
        inspect_source(con, source)


def _run(source: Path, warehouse: Path, as_of: date, company: CompanySettings, full_refresh: bool = False) -> None:
    from orchestration.pipeline_runner import RunRequest, run_pipeline

    _check_source(source)
    started = time.monotonic()
    _say(f"running the pipeline on {source} as of {as_of} ({company.timezone}, {company.reporting_currency})")
    run_pipeline(RunRequest(source.resolve(), warehouse.resolve(), as_of, company, full_refresh))
    _say(f"run finished in {time.monotonic() - started:.1f} s → {warehouse}")


def _print_summary(warehouse: Path) -> None:
    from orchestration.console_views import render_run_summary
    from orchestration.mart_queries import run_summary

    print(render_run_summary(run_summary(warehouse)))


def command_generate(args: argparse.Namespace) -> None:
    from orchestration.sample_crm.generate import generate_sample_crm

    started = time.monotonic()
    counts = generate_sample_crm(args.scale, args.out, seed=args.seed, progress=_say)
    total = sum(counts.values())
    print(f"wrote {total:,} rows in {len(counts)} tables to {args.out} in {time.monotonic() - started:.1f} s")


def _notify(warehouse: Path, config: Path | None) -> None:
    from orchestration.notifications.settings import load_notification_settings
    from orchestration.notifications.tick import run_tick

    summary = run_tick(warehouse, load_notification_settings(config))
    print("\n".join(summary.lines()))


def command_notify(args: argparse.Namespace) -> None:
    _notify(args.warehouse, args.config)


def command_notifications(args: argparse.Namespace) -> None:
    from orchestration.mart_queries import recent_notifications

    rows = recent_notifications(args.warehouse, args.limit)
    if not rows:
        print("no notifications recorded yet")
    for created_at, status, attempts, channel, recipient, subject, last_error in rows:
        error = f"  ({last_error})" if last_error and status != "sent" else ""
        print(f"{created_at:%Y-%m-%d %H:%M}  {status:<7} x{attempts}  {channel:<7} {recipient:<28} {subject}{error}")


def command_run(args: argparse.Namespace) -> None:
    company = _company_settings(args)
    as_of = args.as_of or datetime.now(ZoneInfo(company.timezone)).date()
    if "://" in args.source:
        raise SettingsError(f"source {args.source}: only a directory of CSV/Parquet files is supported yet")
    _run(Path(args.source), args.warehouse, as_of, company, args.full_refresh)
    _print_summary(args.warehouse)
    _notify(args.warehouse, args.config)


def command_backfill(args: argparse.Namespace) -> None:
    from orchestration.mart_queries import snapshot_days
    from orchestration.pipeline_runner import RunRequest, run_pipeline

    company = _company_settings(args)
    if args.snapshots_only:
        if not args.warehouse.exists():
            raise SettingsError(f"--snapshots-only needs a built warehouse; {args.warehouse} does not exist")
        source = Path(args.source or ".")
    elif not args.source:
        raise SettingsError("--source is required (or --snapshots-only to use the ledger already built)")
    else:
        source = Path(args.source)
        _check_source(source)
    days = (args.end - args.start).days + 1
    _say(f"backfilling {days} days of snapshots, {args.start} .. {args.end}, in one run")
    started = time.monotonic()
    request = RunRequest(source.resolve(), args.warehouse.resolve(), args.end, company)
    job = "snapshot_write" if args.snapshots_only else "snapshot_backfill"
    run_pipeline(request, job, args.start, args.end)
    _say(f"backfill finished in {time.monotonic() - started:.1f} s → {args.warehouse}")
    written = snapshot_days(args.warehouse, args.start, args.end)
    print(f"quota_snapshots: {sum(written.values()):,} rows over {len(written)} days ({args.start} .. {args.end})")
    _notify(args.warehouse, args.config)


def command_goals(args: argparse.Namespace) -> None:
    from orchestration.console_views import format_amount, render_goal_timeline
    from orchestration.mart_queries import goal_timeline, goals

    if args.id:
        timeline = goal_timeline(args.warehouse, args.id)
        if timeline is None:
            raise SettingsError(f"goal {args.id!r} is not in {args.warehouse} (see `quotas goals`)")
        print(render_goal_timeline(*timeline))
        return
    for goal in goals(args.warehouse):
        print(
            f"{goal.id:>6}  {goal.status:<11} {goal.attainment_percent:>8.2f}%  "
            f"{format_amount(goal.current_value, goal.metric_type):>14} / "
            f"{format_amount(goal.target_value, goal.metric_type):<14} {goal.name}"
        )


def command_demo(args: argparse.Namespace) -> None:
    from orchestration.console_views import render_goal_timeline, render_leaderboard, render_progress_card
    from orchestration.mart_queries import goal_timeline, goals, leaderboard, period_containing, progress_card
    from orchestration.sample_crm.generate import generate_sample_crm

    company = _company_settings(args)
    _say(f"generating the sample CRM (tiny, seed {DEMO_SEED}) into {DEMO_SOURCE}")
    generate_sample_crm("tiny", DEMO_SOURCE, seed=DEMO_SEED)
    _run(DEMO_SOURCE, DEMO_WAREHOUSE, args.as_of, company)
    _print_summary(DEMO_WAREHOUSE)
    period = period_containing(DEMO_WAREHOUSE, args.as_of, "quarter")
    if period is None:
        print(f"no quarter contains {args.as_of}")
        return
    period_id, period_name = period
    entries = leaderboard(DEMO_WAREHOUSE, period_id, "revenue")
    print()
    print(render_leaderboard(f"Company leaderboard · revenue · {period_name} · as of {args.as_of}", "revenue", entries))
    card = progress_card(DEMO_WAREHOUSE, period_id, "revenue", rank=max(1, len(entries) // 2))
    if card:
        print()
        print(render_progress_card(card))
    company_goals = [goal for goal in goals(DEMO_WAREHOUSE) if goal.goal_type == "company"]
    if company_goals:
        print()
        print(render_goal_timeline(*goal_timeline(DEMO_WAREHOUSE, company_goals[0].id)))  # type: ignore[misc]
    print(
        f"\nExplore: duckdb -readonly {DEMO_WAREHOUSE}  (schema marts), or `quotas goals --warehouse {DEMO_WAREHOUSE}`"
    )


COMMANDS = {
    "demo": command_demo,
    "generate": command_generate,
    "run": command_run,
    "backfill": command_backfill,
    "goals": command_goals,
    "notify": command_notify,
    "notifications": command_notifications,
}


def main(argv: Sequence[str] | None = None) -> int:
    os.environ.setdefault("DO_NOT_TRACK", "1")
    args = build_parser().parse_args(argv)
    from orchestration.pipeline_runner import PipelineFailure
    from orchestration.source_loading import SourceError

    try:
        COMMANDS[args.command](args)
    except (SettingsError, SourceError, PipelineFailure) as error:
        print(f"quotas {args.command} failed: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
