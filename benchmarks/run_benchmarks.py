"""Time the pipeline at each scale and write the figures into the README.

    .venv/bin/python benchmarks/run_benchmarks.py [--scales tiny S] [--no-readme]

For each scale: generate the sample CRM once (kept under data/benchmarks/, reused when present), then run
`quotas run` on it as a user would, in a fresh process, and record the wall time, the CPU time and the
peak resident memory of the largest process (the command, or the dbt it starts). The time dbt reports for
its models is recorded too, so the fixed start-up cost of Dagster and dbt is visible on its own.

Speed is measured here, never in the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

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


def _measure(step: str, scale: str, command: list[str]) -> tuple[Measurement, str]:
    """Run `command` in a child process; wall, CPU and peak RSS of it and everything it waited for."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    completed = subprocess.run(
        command, capture_output=True, text=True, cwd=ROOT, env={**os.environ, "DO_NOT_TRACK": "1"}, check=False
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if completed.returncode != 0:
        raise SystemExit(f"{step} at {scale} failed:\n{completed.stderr[-3000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    # ru_maxrss is the largest child so far (KiB on Linux); children are measured from small to large.
    peak = after.ru_maxrss / 1024
    output = completed.stdout + completed.stderr
    return Measurement(step, scale, round(wall, 2), round(cpu, 2), round(peak, 1)), output


def generate(scale: str) -> Path:
    out = BENCH_DATA / f"crm_{scale}"
    if not (out / "deals.parquet").exists() and not (out / "deals.csv").exists():
        measurement, _ = _measure("generate", scale, [QUOTAS, "generate", "--scale", scale, "--out", str(out)])
        print(f"generated {scale}: {measurement.wall_seconds} s", flush=True)
    return out


def run_pipeline(scale: str, source: Path) -> Measurement:
    warehouse = BENCH_DATA / f"warehouse_{scale}.duckdb"
    warehouse.unlink(missing_ok=True)
    command = [
        QUOTAS,
        "run",
        "--source",
        str(source),
        "--warehouse",
        str(warehouse),
        "--as-of",
        AS_OF.isoformat(),
        "--timezone",
        TIMEZONE,
    ]
    measurement, output = _measure("quotas run (full)", scale, command)
    dbt_time = re.search(r"Finished running .* in .*?\(([\d.]+)s\)", output)
    measurement.dbt_seconds = float(dbt_time.group(1)) if dbt_time else None
    loaded = re.search(r"loaded ([\d,]+) source rows", output)
    measurement.rows = int(loaded.group(1).replace(",", "")) if loaded else None
    return measurement


def markdown_table(measurements: list[Measurement]) -> str:
    lines = [
        f"Measured {date.today()} on {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
        f" (as of {AS_OF}, {TIMEZONE}).",
        "",
        "| step | scale | source rows | wall time | dbt models + tests | start-up and load | CPU time | peak memory |",
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


def write_readme(table: str) -> None:
    text = README.read_text()
    if README_START not in text or README_END not in text:
        raise SystemExit(f"README.md has no {README_START} ... {README_END} block to fill")
    head, rest = text.split(README_START, 1)
    _, tail = rest.split(README_END, 1)
    README.write_text(f"{head}{README_START}\n{table}\n{README_END}{tail}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", nargs="+", default=["tiny", "S"], choices=["tiny", "S", "M"])
    parser.add_argument("--no-readme", action="store_true", help="print the table without editing README.md")
    args = parser.parse_args()

    measurements = []
    for scale in args.scales:
        source = generate(scale)
        measurement = run_pipeline(scale, source)
        print(json.dumps(asdict(measurement)), flush=True)
        measurements.append(measurement)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps([asdict(m) for m in measurements], indent=2))
    table = markdown_table(measurements)
    print(table)
    if not args.no_readme:
        write_readme(table)


if __name__ == "__main__":
    main()
