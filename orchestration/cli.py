"""The `quotas` command line: generate sample data, run the pipeline, show the results.

Every command that runs the pipeline takes the same settings flags; settings may also come from a config
file (`--config`, `$QUOTAS_CONFIG` or `./quotas.toml`) or `QUOTAS_*` environment variables, and a flag
wins. A failed run exits non-zero with one line saying why.
"""

from __future__ import annotations

import argparse
import atexit
import logging
import os
import sys
import time
import warnings
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from orchestration.settings import CompanySettings, SettingsError, load_company_settings

if TYPE_CHECKING:
    from orchestration.run_timing import StepTime

DEMO_SOURCE = Path("data/sample_crm")
DEMO_WAREHOUSE = Path("data/warehouse.duckdb")
DEMO_AS_OF = date(2025, 11, 14)
DEMO_SEED = 42
REPORT_METRICS = ["revenue", "deals", "leads", "calls", "meetings", "emails"]


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


def _add_serving_flags(parser: argparse.ArgumentParser, publish: bool = True) -> None:
    parser.add_argument(
        "--serving-dir",
        type=Path,
        help="readers' copy of the marts (default: <warehouse stem>_serving/ beside it; $QUOTAS_SERVING_DIR)",
    )
    if publish:
        parser.add_argument(
            "--publish",
            metavar="URL",
            help="also publish the application's tables to PostgreSQL, postgresql://... ($QUOTAS_PUBLISH_URL)",
        )
        parser.add_argument(
            "--publish-schema", help="the schema to publish into (default quota_marts, or ?schema= in the URL)"
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
    run.add_argument("--source", required=True, help="directory of CSV/Parquet files, or a postgresql:// URL")
    run.add_argument(
        "--full-extract", action="store_true", help="re-extract every table of a PostgreSQL source in full"
    )
    run.add_argument("--warehouse", type=Path, required=True, help="DuckDB file to build")
    run.add_argument("--as-of", type=_date, help="as-of date (default: today in the company time zone)")
    run.add_argument(
        "--full-refresh",
        action="store_true",
        help="recompute every day's values instead of only the days whose input changed (the snapshots are kept)",
    )
    _add_settings_flags(run)
    _add_serving_flags(run)

    notify = commands.add_parser("notify", help="one notification tick: record what is new, deliver what is due")
    notify.add_argument("--warehouse", type=Path, required=True, help="DuckDB file built by a run")
    notify.add_argument("--config", type=Path, help="TOML config file with a [notifications] table")

    notifications = commands.add_parser("notifications", help="list recent notifications and their status")
    notifications.add_argument("--warehouse", type=Path, required=True, help="DuckDB file built by a run")
    notifications.add_argument("--limit", type=int, default=30)

    goals = commands.add_parser("goals", help="list the goals, or show one goal's milestones as a timeline")
    goals.add_argument("--warehouse", type=Path, required=True, help="DuckDB file built by a run")
    goals.add_argument("--id", help="the goal to show as a timeline")
    _add_serving_flags(goals, publish=False)

    backfill = commands.add_parser("backfill", help="write the snapshots of every day of a range, in one run")
    backfill.add_argument(
        "--source", help="directory of CSV/Parquet files or a postgresql:// URL (not needed with --snapshots-only)"
    )
    backfill.add_argument(
        "--full-extract", action="store_true", help="re-extract every table of a PostgreSQL source in full"
    )
    backfill.add_argument("--warehouse", type=Path, required=True, help="DuckDB file to build")
    backfill.add_argument(
        "--snapshots-only",
        action="store_true",
        help="write the snapshots from the ledger already in the warehouse, without re-reading the source",
    )
    backfill.add_argument("--start", type=_date, required=True, help="first day to write")
    backfill.add_argument("--end", type=_date, required=True, help="last day to write")
    _add_settings_flags(backfill)
    _add_serving_flags(backfill)

    report = commands.add_parser("report", help="write the executive report (HTML and chart images)")
    report.add_argument("--warehouse", type=Path, required=True, help="DuckDB file built by a run (read-only)")
    report.add_argument("--as-of", type=_date, help="as-of date (default: the date the marts were built for)")
    report.add_argument("--out", type=Path, required=True, help="directory for report.html and the PNG charts")
    report.add_argument("--metric", default="revenue", choices=REPORT_METRICS, help="primary metric")
    report.add_argument("--email", action="append", help="also email the report to this address (repeatable)")
    report.add_argument("--config", type=Path, help="TOML config file with the SMTP settings in [notifications]")
    return parser


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _source_argument(source: str) -> str:
    """A directory made absolute (the run may change directory), a URL as given."""
    return source if "://" in source else str(Path(source).resolve())


def _prepare_publishing(args: argparse.Namespace) -> None:
    """Hand `--publish` to the publishing asset (through the environment, so the URL and its password stay
    out of the run's config) and check the connection first, so a bad URL fails before a long run."""
    from orchestration.defs.serving.assets import PUBLISH_SCHEMA_ENV, PUBLISH_URL_ENV
    from orchestration.serving.postgres import PublishTarget, check_connection

    if args.publish:
        os.environ[PUBLISH_URL_ENV] = args.publish
    if args.publish_schema:
        os.environ[PUBLISH_SCHEMA_ENV] = args.publish_schema
    url = os.environ.get(PUBLISH_URL_ENV)
    if url:
        check_connection(PublishTarget.parse(url, os.environ.get(PUBLISH_SCHEMA_ENV) or None))


def _serving_dir(args: argparse.Namespace) -> Path | None:
    return args.serving_dir.resolve() if getattr(args, "serving_dir", None) else None


def _run(
    source: str,
    warehouse: Path,
    as_of: date,
    company: CompanySettings,
    full_extract: bool = False,
    serving_dir: Path | None = None,
    full_refresh: bool = False,
) -> None:
    from orchestration.ingest import check_source, describe_source
    from orchestration.pipeline_runner import RunRequest, run_pipeline

    check_source(source)  # a bad source fails here in a second, with one line, before Dagster starts
    started = time.monotonic()
    where = describe_source(source)
    _say(f"running the pipeline on {where} as of {as_of} ({company.timezone}, {company.reporting_currency})")
    request = RunRequest(
        _source_argument(source), warehouse.resolve(), as_of, company, full_extract, serving_dir, full_refresh
    )
    _say_finished("run", started, run_pipeline(request), warehouse)


def _say_finished(what: str, started: float, steps: list[StepTime], warehouse: Path) -> None:
    """The run's last progress lines: how long it took, and where that time went step by step."""
    from orchestration.run_timing import describe_step_times

    run_seconds = time.monotonic() - started
    _say(f"{what} finished in {run_seconds:.1f} s → {warehouse}")
    _say(describe_step_times(steps, run_seconds))


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
    _prepare_publishing(args)
    _run(args.source, args.warehouse, as_of, company, args.full_extract, _serving_dir(args), args.full_refresh)
    _print_summary(args.warehouse)
    _notify(args.warehouse, args.config)


def command_backfill(args: argparse.Namespace) -> None:
    from orchestration.mart_queries import snapshot_days
    from orchestration.pipeline_runner import RunRequest, run_pipeline

    company = _company_settings(args)
    if args.snapshots_only:
        if not args.warehouse.exists():
            raise SettingsError(f"--snapshots-only needs a built warehouse; {args.warehouse} does not exist")
        source = args.source or "."
    elif not args.source:
        raise SettingsError("--source is required (or --snapshots-only to use the ledger already built)")
    else:
        from orchestration.ingest import check_source

        source = args.source
        check_source(source)
    _prepare_publishing(args)
    days = (args.end - args.start).days + 1
    _say(f"backfilling {days} days of snapshots, {args.start} .. {args.end}, in one run")
    started = time.monotonic()
    request = RunRequest(
        _source_argument(source), args.warehouse.resolve(), args.end, company, args.full_extract, _serving_dir(args)
    )
    job = "snapshot_write" if args.snapshots_only else "snapshot_backfill"
    _say_finished("backfill", started, run_pipeline(request, job, args.start, args.end), args.warehouse)
    written = snapshot_days(args.warehouse, args.start, args.end)
    print(f"quota_snapshots: {sum(written.values()):,} rows over {len(written)} days ({args.start} .. {args.end})")
    _notify(args.warehouse, args.config)


def _published_marts(args: argparse.Namespace) -> Path:
    """The serving copy when one is published (a running pipeline never locks it), else the warehouse."""
    from orchestration.serving.paths import ServingPaths

    published = ServingPaths.for_warehouse(args.warehouse, _serving_dir(args)).database
    return published if published.exists() else args.warehouse


def command_goals(args: argparse.Namespace) -> None:
    from orchestration.console_views import format_amount, render_goal_timeline
    from orchestration.mart_queries import goal_timeline, goals

    args.warehouse = _published_marts(args)
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


def command_report(args: argparse.Namespace) -> None:
    from orchestration.notifications.settings import load_notification_settings
    from orchestration.report.build import build_report

    smtp = load_notification_settings(args.config).smtp if args.email else None
    if args.email and smtp is None:
        raise SettingsError("--email needs an SMTP server: set QUOTAS_SMTP_HOST or smtp_host in [notifications]")
    built = build_report(args.warehouse, args.out, args.as_of, args.metric)
    print(f"wrote {built.html_path} and {len(built.chart_paths)} charts: {built.subject}")
    if args.email and smtp is not None:
        from orchestration.report.mail import email_report

        try:
            email_report(built, smtp, args.email)
        except OSError as error:
            raise SettingsError(f"could not email the report via {smtp.host}:{smtp.port}: {error}") from error
        print(f"emailed to {', '.join(args.email)}")


def command_demo(args: argparse.Namespace) -> None:
    from orchestration.console_views import render_goal_timeline, render_leaderboard, render_progress_card
    from orchestration.mart_queries import goal_timeline, goals, leaderboard, period_containing, progress_card
    from orchestration.sample_crm.generate import generate_sample_crm

    company = _company_settings(args)
    _say(f"generating the sample CRM (tiny, seed {DEMO_SEED}) into {DEMO_SOURCE}")
    generate_sample_crm("tiny", DEMO_SOURCE, seed=DEMO_SEED)
    _run(str(DEMO_SOURCE), DEMO_WAREHOUSE, args.as_of, company)
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
        f"\nExplore: duckdb -readonly data/warehouse_serving/quotas.duckdb  (schema marts; Parquet and the docs site"
        f" beside it), or `quotas goals --warehouse {DEMO_WAREHOUSE}`"
    )


COMMANDS = {
    "demo": command_demo,
    "generate": command_generate,
    "run": command_run,
    "backfill": command_backfill,
    "goals": command_goals,
    "notify": command_notify,
    "notifications": command_notifications,
    "report": command_report,
}


_exit_status: int | None = None


def _exit_without_teardown() -> None:
    """The last exit handler of the `quotas` command: skip tearing the interpreter down.

    A run leaves millions of objects (Dagster, dbt, the manifest) that Python would free one by one on
    the way out, about a second of a tiny run, to no one's benefit: every file and connection is closed
    by then, and the other exit handlers (the dbt server's stop, logging's flush) have run."""
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(1 if _exit_status is None else _exit_status)


def console_main() -> None:
    """The `quotas` console script: `main` with the process's arguments, then a quick exit."""
    global _exit_status
    atexit.register(_exit_without_teardown)  # before the handlers of the modules a command loads: runs after them
    _exit_status = main()
    sys.exit(_exit_status)


def main(argv: Sequence[str] | None = None) -> int:
    os.environ.setdefault("DO_NOT_TRACK", "1")
    # Dagster warns, on every start, that a parameter it passes to its own sensors is in beta: nothing a
    # person running `quotas` can act on
    warnings.filterwarnings("ignore", message=r"Parameter `owners` of initializer `SensorDefinition")
    args = build_parser().parse_args(argv)
    from orchestration.pipeline_runner import PipelineFailure
    from orchestration.report.queries import ReportError
    from orchestration.serving.postgres import PublishError
    from orchestration.source_loading import SourceError

    try:
        COMMANDS[args.command](args)
    except (SettingsError, SourceError, PipelineFailure, ReportError, PublishError) as error:
        print(f"quotas {args.command} failed: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    console_main()
