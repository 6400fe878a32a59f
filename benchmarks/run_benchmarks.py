"""Time the pipeline at each scale and write the figures into the README.

    .venv/bin/python benchmarks/run_benchmarks.py [--scales tiny S] [--no-readme]

For each scale: generate the sample CRM once (kept under data/benchmarks/, reused when present), then run
`quotas run` on it as a user would, in a fresh process (and, at the backfill scale, the publication on
its own: the serving copy and the application's PostgreSQL tables), and record the wall time, the CPU time
and the peak resident memory of the largest process (the command, or the dbt server it forks). At the backfill
scale a year of snapshots is written, then one more day of them and the next day's run on top of that
history (neither should cost more for the year kept); at the daily scales (M by default) the next day's run, a 30-day
backfill, and the daily workload (the CRM of the evening before, then the next two evenings' exports in the
same directory) are timed, and each day's marts are checked against a full build of the same directory (the
first one timed), row for row; last, `quotas report` is timed on each scale's warehouse. The time dbt reports
for its models is recorded too, so the fixed start-up cost of Dagster and dbt is visible on its own, and
each step's whole output (with dbt's timing of every model) is kept in benchmarks/results/logs/.

Speed is measured here, never in the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path

from orchestration.run_timing import DAGSTER_LABEL, STEP_LABELS, parse_step_times

ROOT = Path(__file__).resolve().parents[1]
BENCH_DATA = ROOT / "data" / "benchmarks"
RESULTS = ROOT / "benchmarks" / "results"
README = ROOT / "README.md"
QUOTAS = str(Path(sys.executable).parent / "quotas")
AS_OF = date(2025, 11, 14)
TIMEZONE = "America/New_York"
README_START = "<!-- benchmark:start -->"
README_END = "<!-- benchmark:end -->"


@dataclass
class Measurement:
    step: str
    scale: str
    wall_seconds: float
    cpu_seconds: float
    peak_rss_mib: float
    dbt_seconds: float | None = None
    rows: int | None = None
    run_seconds: float | None = None
    """The run's own clock (`run finished in`): the wall time less the process's start and its last lines."""
    step_seconds: dict[str, float] = field(default_factory=dict)
    """The run's `time by step:` line (orchestration/run_timing.py)."""
    largest_models: list[tuple[str, float]] = field(default_factory=list)
    """The dbt models that took longest in the run's last dbt invocation, by dbt's own timing."""


GNU_TIME = Path("/usr/bin/time")


def _measure(step: str, scale: str, command: list[str]) -> tuple[Measurement, str]:
    """Run `command` in a child process: its wall time, CPU time and peak resident memory.

    The peak is the kernel's per-child figure read by GNU time: the largest of the command and every
    process it waited for (the dbt server it forks). Without GNU time it falls back to getrusage, whose figure
    is the largest child so far in this benchmark, so later steps may show an earlier step's peak.
    """
    peak_file = RESULTS / "peak_kib.txt"
    RESULTS.mkdir(parents=True, exist_ok=True)
    wrapped = [str(GNU_TIME), "-f", "%M", "-o", str(peak_file), *command] if GNU_TIME.exists() else command
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    completed = subprocess.run(
        wrapped, capture_output=True, text=True, cwd=ROOT, env={**os.environ, "DO_NOT_TRACK": "1"}, check=False
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if completed.returncode != 0:
        raise SystemExit(f"{step} at {scale} failed:\n{completed.stderr[-3000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    peak_kib = int(peak_file.read_text().split()[-1]) if GNU_TIME.exists() else after.ru_maxrss
    output = completed.stdout + completed.stderr
    log_name = re.sub(r"[^a-z0-9]+", "-", f"{scale} {step}".lower()).strip("-")
    (RESULTS / "logs").mkdir(parents=True, exist_ok=True)
    (RESULTS / "logs" / f"{log_name}.log").write_text(output)  # where the time went, for profiling
    return Measurement(step, scale, round(wall, 2), round(cpu, 2), round(peak_kib / 1024, 1)), output


_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_MODEL_DONE = re.compile(r"\d+ of \d+ OK \D*? model (?:\w+\.)?(?P<name>\w+)\s.*?in (?P<seconds>[\d.]+)s\]")
_RUN_FINISHED = re.compile(r"(?:run|backfill) finished in ([\d.]+) s")
LARGEST_MODELS = 4


def read_run_timing(measurement: Measurement, output: str) -> Measurement:
    """Fill in what the run's output says of its own time: its clock, its steps and dbt's largest models
    (of the last dbt invocation, the one the `dbt` column times)."""
    text = _ANSI.sub("", output)
    finished = _RUN_FINISHED.findall(text)
    measurement.run_seconds = float(finished[-1]) if finished else None
    measurement.step_seconds = parse_step_times(text)
    last_invocation = text.rsplit("Running with dbt=", 1)[-1]
    models = [(match["name"], float(match["seconds"])) for match in _MODEL_DONE.finditer(last_invocation)]
    measurement.largest_models = sorted(models, key=lambda model: -model[1])[:LARGEST_MODELS]
    return measurement


def generate(scale: str) -> Path:
    out = BENCH_DATA / f"crm_{scale}"
    if not (out / "deals.parquet").exists() and not (out / "deals.csv").exists():
        measurement, _ = _measure("generate", scale, [QUOTAS, "generate", "--scale", scale, "--out", str(out)])
        print(f"generated {scale}: {measurement.wall_seconds} s", flush=True)
    return out


EVENT_TABLES = ("deals", "leads", "activities")


def source_up_to(scale: str, source: Path, last_day: date) -> Path:
    """The scale's source as it stood at the end of `last_day` (company time): the deals, leads and
    activities last updated before the next local midnight; every other table as generated.

    Two of these, a day apart, are the daily workload: the CRM on one evening, then on the next, with a
    day of new and changed events (about 0.1% of the rows). Written once and kept, like the source.
    """
    out = BENCH_DATA / f"crm_{scale}_until_{last_day.isoformat()}"
    if (out / "activities.parquet").exists():
        return out
    import duckdb

    staging = out.with_name(out.name + ".tmp")
    staging.mkdir(parents=True, exist_ok=True)
    cutoff = f"timezone('{TIMEZONE}', timestamp '{(last_day + timedelta(days=1)).isoformat()} 00:00:00')"
    with duckdb.connect(config={"autoinstall_known_extensions": "false"}) as con:
        for path in sorted(source.glob("*.parquet")):
            target = staging / path.name
            if path.stem in EVENT_TABLES:
                con.execute(
                    f"copy (select * from read_parquet('{path}') where updated_at < {cutoff}) "
                    f"to '{target}' (format parquet)"
                )
            else:
                target.write_bytes(path.read_bytes())
    staging.rename(out)
    return out


def run_pipeline(
    scale: str,
    source: Path,
    as_of: date = AS_OF,
    fresh: bool = True,
    step: str = "",
    warehouse: Path | None = None,
) -> Measurement:
    """`quotas run` as of `as_of`: into a new warehouse (a full build), or into an existing one."""
    warehouse = warehouse or BENCH_DATA / f"warehouse_{scale}.duckdb"
    if fresh:
        warehouse.unlink(missing_ok=True)
    command = [
        QUOTAS,
        "run",
        "--source",
        str(source),
        "--warehouse",
        str(warehouse),
        "--as-of",
        as_of.isoformat(),
        "--timezone",
        TIMEZONE,
    ]
    measurement, output = _measure(step or "quotas run (full)", scale, command)
    dbt_time = re.search(r"Finished running .* in .*?\(([\d.]+)s\)", output)
    measurement.dbt_seconds = float(dbt_time.group(1)) if dbt_time else None
    loaded = re.search(r"loaded ([\d,]+) source rows", output)
    measurement.rows = int(loaded.group(1).replace(",", "")) if loaded else None
    return read_run_timing(measurement, output)


def run_backfill(
    scale: str, source: Path, first_day: date, last_day: date, step: str, snapshots_only: bool = False
) -> Measurement:
    """`quotas backfill` on the warehouse of the scale's full run (which must exist)."""
    warehouse = BENCH_DATA / f"warehouse_{scale}.duckdb"
    command = [
        QUOTAS,
        "backfill",
        "--source",
        str(source),
        "--warehouse",
        str(warehouse),
        "--start",
        first_day.isoformat(),
        "--end",
        last_day.isoformat(),
        "--timezone",
        TIMEZONE,
    ]
    if snapshots_only:
        command.append("--snapshots-only")
    measurement, output = _measure(step, scale, command)
    dbt_times = [float(x) for x in re.findall(r"Finished running .* in .*?\(([\d.]+)s\)", output)]
    measurement.dbt_seconds = dbt_times[-1] if dbt_times else None
    written = re.search(r"quota_snapshots: ([\d,]+) rows", output)
    measurement.rows = int(written.group(1).replace(",", "")) if written else None
    return read_run_timing(measurement, output)


def run_report(scale: str) -> Measurement:
    """`quotas report` on the warehouse of the scale's full run (with whatever snapshot history it holds), as
    of the date of its marts (the backfill scale's last run is a few days after AS_OF)."""
    import duckdb

    warehouse = BENCH_DATA / f"warehouse_{scale}.duckdb"
    with duckdb.connect(str(warehouse), read_only=True) as con:
        as_of = con.execute("select max(as_of_date) from marts.quota_progress").fetchone()[0]
    out = BENCH_DATA / f"report_{scale}"
    command = [QUOTAS, "report", "--warehouse", str(warehouse), "--as-of", as_of.isoformat(), "--out", str(out)]
    measurement, _ = _measure("quotas report (HTML and charts)", scale, command)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        measurement.rows = con.execute("select count(*) from marts.quota_snapshots").fetchone()[0]
    return measurement


PUBLISH_URL = os.environ.get("QUOTAS_BENCHMARK_PUBLISH_URL", "postgresql://postgres@127.0.0.1:5432/test")
PUBLISH_SCHEMA = "quota_marts_benchmark"
_PUBLISH_SCRIPT = """
import json, sys, time
from pathlib import Path
from orchestration.serving.paths import ServingPaths
from orchestration.serving.postgres import PublishTarget, publish_to_postgres
from orchestration.serving.serving_copy import publish_serving_copy
warehouse, url, schema = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
serving = ServingPaths.for_warehouse(warehouse)
started = time.perf_counter()
publication = publish_serving_copy(warehouse, serving)
copied = time.perf_counter()
counts = publish_to_postgres(serving.database, PublishTarget.parse(url, schema))
done = time.perf_counter()
print(json.dumps({"copy": copied - started, "postgres": done - copied,
                  "mart_rows": sum(publication.row_counts.values()), "postgres_rows": sum(counts.values())}))
"""


def run_publish(scale: str) -> tuple[Measurement, str]:
    """Publishing alone, on the warehouse of the scale's run: the serving copy (DuckDB file and Parquet),
    then the application's tables into PostgreSQL (twice, so the daily in-place refill is the one timed)."""
    warehouse = BENCH_DATA / f"warehouse_{scale}.duckdb"
    command = [sys.executable, "-c", _PUBLISH_SCRIPT, str(warehouse), PUBLISH_URL, PUBLISH_SCHEMA]
    _measure("publish (first, PostgreSQL tables created)", scale, command)
    measurement, output = _measure("publish (serving copy + PostgreSQL)", scale, command)
    parts = json.loads(output.strip().splitlines()[-1])
    measurement.rows = parts["mart_rows"]
    note = (
        f"Publishing at {scale}: the serving copy of {parts['mart_rows']:,} mart rows (DuckDB file and Parquet) "
        f"in {parts['copy']:.1f} s; {parts['postgres_rows']:,} rows refilled in PostgreSQL in "
        f"{parts['postgres']:.1f} s (in a `quotas run`, both happen after the marts are built)."
    )
    return measurement, note


def snapshot_table_report(scale: str) -> str:
    """Size of the snapshot history and the time of the queries an application makes of it."""
    import duckdb

    warehouse = BENCH_DATA / f"warehouse_{scale}.duckdb"
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows, days, first, last = con.execute(
            "select count(*), count(distinct snapshot_date), min(snapshot_date), max(snapshot_date) "
            "from marts.quota_snapshots"
        ).fetchone()
        blocks = con.execute(
            "select count(distinct block_id) from pragma_storage_info('marts.quota_snapshots') where block_id >= 0"
        ).fetchone()[0]
        block_size = con.execute("select block_size from pragma_database_size()").fetchone()[0]
        quota_id = con.execute("select quota_id from marts.quota_snapshots limit 1").fetchone()[0]
        started = time.perf_counter()
        con.execute(
            "select snapshot_date, attainment_percent from marts.quota_snapshots where quota_id = ? order by 1",
            [quota_id],
        ).fetchall()
        one_quota_ms = (time.perf_counter() - started) * 1000
        started = time.perf_counter()
        con.execute(
            "select snapshot_date, avg(attainment_percent) from marts.quota_snapshots group by 1 order by 1"
        ).fetchall()
        all_days_ms = (time.perf_counter() - started) * 1000
    size_mib = blocks * block_size / 2**20
    file_mib = warehouse.stat().st_size / 2**20
    return (
        f"Snapshot history at {scale}: {rows:,} rows over {days} days ({first} .. {last}), about {size_mib:,.0f} MiB "
        f"of the {file_mib:,.0f} MiB warehouse file. One quota's attainment over time: {one_quota_ms:.0f} ms; "
        f"the average attainment of every day: {all_days_ms:.0f} ms."
    )


def markdown_table(measurements: list[Measurement]) -> str:
    lines = [
        f"Measured {date.today()} on {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
        f" (as of {AS_OF}, {TIMEZONE}); load average when the last step ended: {os.getloadavg()[0]:.1f}"
        " (other work on the machine inflates wall times; CPU time is the steadier figure).",
        "",
        "| step | scale | rows (source / snapshots) | wall time | last dbt invocation (models + tests) "
        "| everything else | CPU time | peak memory |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for m in measurements:
        dbt = f"{m.dbt_seconds:.1f} s" if m.dbt_seconds is not None else "-"
        rest = f"{m.wall_seconds - m.dbt_seconds:.1f} s" if m.dbt_seconds is not None else "-"
        rows = f"{m.rows:,}" if m.rows else "-"
        lines.append(
            f"| {m.step} | {m.scale} | {rows} | {m.wall_seconds:.1f} s | {dbt} | {rest} | {m.cpu_seconds:.1f} s "
            f"| {m.peak_rss_mib / 1024:.2f} GiB |"
        )
    return "\n".join(lines)


STEP_COLUMNS = {
    "load": (STEP_LABELS["raw_source_tables"],),
    "models and snapshots": (STEP_LABELS["quota_dbt_models"], STEP_LABELS["quota_snapshot_models"]),
    "publication": (STEP_LABELS["serving_copy"], STEP_LABELS["docs_site"], STEP_LABELS["application_tables"]),
    DAGSTER_LABEL: (DAGSTER_LABEL,),
}
"""The breakdown's columns, each the sum of some labels of the run's `time by step:` line; a label no column
names (a step added later) counts with Dagster's own time."""
KNOWN_STEP_LABELS = {label for labels in STEP_COLUMNS.values() for label in labels}


def step_table(measurements: list[Measurement]) -> str:
    """Where each run's wall time went: the process's start and last lines (the summary and the
    notification tick, outside the run's clock), then the run's own steps, and dbt's largest models."""
    timed = [m for m in measurements if m.step_seconds and m.run_seconds is not None]
    if not timed:
        return ""
    lines = [
        "Where each run's wall time went: the process's start and its last lines (outside the run's own clock:"
        " imports, the summary, the notification tick), then the run's steps as Dagster timed them, and the"
        " dbt models that took longest in its last dbt invocation (two run at once, except in a large build"
        " from nothing).",
        "",
        "| step | scale | wall time | start and last lines | " + " | ".join(STEP_COLUMNS) + " | largest dbt models |",
        "|---|---|---:|---:|" + "---:|" * len(STEP_COLUMNS) + "---|",
    ]
    for m in timed:
        steps = m.step_seconds
        columns = {name: sum(steps.get(label, 0.0) for label in labels) for name, labels in STEP_COLUMNS.items()}
        columns[DAGSTER_LABEL] += sum(seconds for label, seconds in steps.items() if label not in KNOWN_STEP_LABELS)
        outside = m.wall_seconds - (m.run_seconds or 0.0)
        models = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in m.largest_models) or "-"
        cells = " | ".join(f"{seconds:.1f} s" for seconds in columns.values())
        lines.append(f"| {m.step} | {m.scale} | {m.wall_seconds:.1f} s | {outside:.1f} s | {cells} | {models} |")
    return "\n".join(lines)


def write_readme(table: str) -> None:
    text = README.read_text()
    if README_START not in text or README_END not in text:
        raise SystemExit(f"README.md has no {README_START} ... {README_END} block to fill")
    head, rest = text.split(README_START, 1)
    _, tail = rest.split(README_END, 1)
    README.write_text(f"{head}{README_START}\n{table}\n{README_END}{tail}")


def daily_source(scale: str, evening: Path) -> Path:
    """The directory a daily run reads, holding the CRM of `evening` (hard links: nothing is copied)."""
    daily = BENCH_DATA / f"crm_{scale}_daily"
    shutil.rmtree(daily, ignore_errors=True)
    daily.mkdir(parents=True)
    for path in evening.iterdir():
        os.link(path, daily / path.name)
    return daily


def next_evening(daily: Path, evening: Path) -> None:
    """The CRM's export of the next evening lands in the same directory: the event tables' files are
    replaced (each renamed into place, as an export would); the other files are not touched, so the run
    does not load them again."""
    for table in EVENT_TABLES:
        staged = daily / f"{table}.parquet.new"
        staged.unlink(missing_ok=True)
        os.link(evening / f"{table}.parquet", staged)
        staged.replace(daily / f"{table}.parquet")


NOT_COMPARED = ("notifications",)
"""The notification outbox records when each message was queued and sent: a run's log, not a result."""


def mart_differences(incremental: Path, full: Path, as_of: date) -> dict[str, int]:
    """Per mart, the rows in which two warehouses' marts differ (either way, duplicates counted). The
    snapshot history is compared on `as_of` alone: the incremental warehouse also keeps the evening
    before's snapshots, as they were written then."""
    import duckdb

    with duckdb.connect(config={"autoinstall_known_extensions": "false"}) as con:
        con.execute("set enable_progress_bar = false")
        con.execute(f"attach '{incremental}' as incremental (read_only)")
        con.execute(f"attach '{full}' as rebuilt (read_only)")
        marts = [
            name
            for (name,) in con.execute(
                "select table_name from duckdb_tables() where database_name = 'rebuilt' and schema_name = 'marts' "
                "union select view_name from duckdb_views() where database_name = 'rebuilt' and schema_name = 'marts' "
                "order by 1"
            ).fetchall()
            if name not in NOT_COMPARED
        ]
        differences = {}
        for mart in marts:
            day = f" where snapshot_date = date '{as_of.isoformat()}'" if mart == "quota_snapshots" else ""
            left, right = f"from incremental.marts.{mart}{day}", f"from rebuilt.marts.{mart}{day}"
            differences[mart] = con.execute(
                f"select count(*) from (({left} except all {right}) union all ({right} except all {left}))"
            ).fetchone()[0]
        return differences


def record_new_day(scale: str, source: Path, record: Callable[[Measurement], None]) -> str:
    """The daily workload: a warehouse built from the CRM of the evening before, then the runs of the next
    two evenings, on the same source directory, each with that day's new and changed events (their own
    warehouse). The first day after a full build is not yet a day like the others: DuckDB's checkpoints
    then merge the row groups the build wrote and the day's deletes thinned, in the warehouse and in the
    serving copy (up to 0.7M rows of each table kept by period); the second day shows a day like the
    others, though on this machine the two cost the same within its noise.
    After each day, a full build from that same directory, whose marts the day's incremental run must
    equal row for row; returns the README's sentence on them (and stops the benchmark if they differ)."""
    warehouse = BENCH_DATA / f"warehouse_{scale}_daily.duckdb"
    daily = daily_source(scale, source_up_to(scale, source, AS_OF - timedelta(days=1)))
    record(
        run_pipeline(
            scale, daily, AS_OF - timedelta(days=1), step="quotas run (full, the evening before)", warehouse=warehouse
        )
    )
    rebuilt = BENCH_DATA / f"warehouse_{scale}_daily_full.duckdb"
    days = [
        (AS_OF, "quotas run (one more day of events)", "quotas run (full, the same source as one more day)"),
        (AS_OF + timedelta(days=1), "quotas run (a second day of events)", ""),
    ]
    compared = {}
    for day, step, full_step in days:
        next_evening(daily, source_up_to(scale, source, day))
        record(run_pipeline(scale, daily, day, fresh=False, step=step, warehouse=warehouse))
        full_build = run_pipeline(scale, daily, day, step=full_step or "full build for comparison", warehouse=rebuilt)
        if full_step:
            record(full_build)
        differences = mart_differences(warehouse, rebuilt, day)
        differing = {mart: rows for mart, rows in differences.items() if rows}
        if differing:
            raise SystemExit(f"at {scale}, the marts of {day} differ from a full build of the same source: {differing}")
        compared[day] = differences
    marts = next(iter(compared.values()))
    return (
        f"One more day at {scale}, and a second one on top of it, each equal a full build of the same source: "
        f"the {len(marts)} marts ({', '.join(marts)}; the snapshots of the day) hold the same rows, none differing."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", nargs="+", default=["tiny", "S"], choices=["tiny", "S", "M"])
    parser.add_argument("--no-readme", action="store_true", help="print the table without editing README.md")
    parser.add_argument(
        "--backfill-scale", default="S", help="scale at which to time a one-year backfill and one more day"
    )
    parser.add_argument(
        "--daily-scales",
        nargs="*",
        default=["M"],
        help="scales at which to time the next day's run and a 30-day backfill after the full build",
    )
    args = parser.parse_args()

    measurements = []
    notes = []

    def record(measurement: Measurement) -> None:
        print(json.dumps(asdict(measurement)), flush=True)
        measurements.append(measurement)

    for index, scale in enumerate(args.scales):
        source = generate(scale)
        if index == 0:
            # the first run after the code changed parses the dbt project and renders the docs site once;
            # shown on its own row, so that the rows below are the steady cost of a run
            record(run_pipeline(scale, source, step="quotas run (full, first after a code change)"))
        record(run_pipeline(scale, source))
        if scale in args.daily_scales:
            next_day = AS_OF + timedelta(days=1)
            record(run_pipeline(scale, source, next_day, fresh=False, step="quotas run (the next day, same source)"))
            record(
                run_backfill(
                    scale, source, AS_OF - timedelta(days=29), AS_OF, "quotas backfill (30 days, reading the source)"
                )
            )
            notes.append(record_new_day(scale, source, record))
    if args.backfill_scale in args.scales:
        scale = args.backfill_scale
        source = BENCH_DATA / f"crm_{scale}"
        year_start = AS_OF - timedelta(days=364)
        next_day = AS_OF + timedelta(days=1)
        for step, first, last, snapshots_only in [
            ("quotas backfill (one year, reading the source)", year_start, AS_OF, False),
            ("quotas backfill --snapshots-only (one year)", year_start, AS_OF, True),
            ("quotas backfill --snapshots-only (one more day)", next_day, next_day, True),
        ]:
            record(run_backfill(scale, source, first, last, step, snapshots_only))
        # a daily run on a warehouse that holds a year of snapshots: what it costs must not grow with them
        record(
            run_pipeline(
                scale,
                source,
                next_day + timedelta(days=1),
                fresh=False,
                step="quotas run (the next day, a year of snapshots kept)",
            )
        )
        notes.append(snapshot_table_report(scale))
        measurement, note = run_publish(scale)
        print(json.dumps(asdict(measurement)), flush=True)
        measurements.append(measurement)
        notes.append(note)
    for scale in args.scales:
        measurement = run_report(scale)
        print(json.dumps(asdict(measurement)), flush=True)
        measurements.append(measurement)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps([asdict(m) for m in measurements], indent=2))
    breakdown = step_table(measurements)
    table = (
        markdown_table(measurements)
        + (f"\n\n{breakdown}" if breakdown else "")
        + "".join(f"\n\n{note}" for note in notes)
    )
    print(table)
    if not args.no_readme:
        write_readme(table)


if __name__ == "__main__":
    main()
