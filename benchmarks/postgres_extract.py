"""Time extraction from the CRM's PostgreSQL database at scale S, and write the figures into the README.

    .venv/bin/python benchmarks/postgres_extract.py [--scale S] [--no-readme]

Steps, each in a fresh process (wall time, CPU time and peak memory as GNU time reads them):
1. copy the generated CRM into the schema `bench_crm_<scale>` of the local server (once; reused after);
2. a full extract into a new warehouse, without and then with the Great Expectations contracts;
3. 1% of deals, leads and activities updated in the source, then an incremental extract (with contracts,
   as a run does), and one more with the full comparison of ids that a run makes every few runs.
The extract's own time ("extract s") is the call to `extract_into_raw` in a process that has imported
the project's modules (DuckDB among them) and nothing else: it holds what a run pays for the extract,
the driver's and Arrow's import on first use, connecting, the queries, DuckDB's commit and the checkpoint
when the warehouse is closed. The process's wall time also holds Python's start-up and, with contracts,
the seconds Great Expectations takes to import. The machine's load average (1 minute) is noted per step:
the benchmark may share the machine with other work.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.run_benchmarks import BENCH_DATA, QUOTAS, README, _measure  # noqa: E402

SERVER = os.environ.get("QUOTAS_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
START, END = "<!-- benchmark-postgres:start -->", "<!-- benchmark-postgres:end -->"
CHANGED_TABLES = ("deals", "leads", "activities")


def _url(scale: str) -> str:
    return f"{SERVER}?schema=bench_crm_{scale.lower()}"


def child(step: str, scale: str, warehouse: Path) -> None:
    """One measured step, in its own process; prints one JSON line."""
    from orchestration.postgres_source.extract import ExtractOptions, extract_into_raw
    from orchestration.postgres_source.seed import copy_source_into_postgres
    from orchestration.postgres_url import PostgresUrl

    url = PostgresUrl.parse(_url(scale))
    started = time.perf_counter()
    if step == "seed":
        rows = sum(copy_source_into_postgres(BENCH_DATA / f"crm_{scale}", url).values())
        print(json.dumps({"rows": rows, "seconds": time.perf_counter() - started}))
        return
    validate = None
    if step.endswith("+contracts"):
        from orchestration.contracts.validation import validate_batches

        def validate(con, batches):  # type: ignore[no-untyped-def]
            validate_batches(con, batches)

    options = ExtractOptions(full=step.startswith("full"), key_check_every=1 if "ids compared" in step else 1_000_000)
    report = extract_into_raw(warehouse, url, options, validate=validate)
    print(json.dumps({"rows": report.rows_pulled, "seconds": time.perf_counter() - started}))


def _step(step: str, scale: str, warehouse: Path) -> dict:
    command = [sys.executable, __file__, "--child", step, "--scale", scale, "--warehouse", str(warehouse)]
    measurement, output = _measure(step, scale, command)
    result = json.loads(output.strip().splitlines()[-1])
    row = {
        "step": step,
        "wall": measurement.wall_seconds,
        "cpu": measurement.cpu_seconds,
        "peak": measurement.peak_rss_mib,
    }
    row.update(rows=result["rows"], seconds=round(result["seconds"], 2), load=round(os.getloadavg()[0], 1))
    print(json.dumps(row), flush=True)
    return row


def _psql(sql: str) -> None:
    import psycopg

    with psycopg.connect(SERVER, autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


def _schema_exists(scale: str) -> bool:
    import psycopg

    with psycopg.connect(SERVER) as conn:
        row = conn.execute(
            "select count(*) from information_schema.tables where table_schema = %s", (f"bench_crm_{scale.lower()}",)
        ).fetchone()
    return bool(row and row[0] >= 8)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", default="S", choices=["tiny", "S", "M"])
    parser.add_argument("--no-readme", action="store_true")
    parser.add_argument("--reseed", action="store_true", help="copy the CRM into PostgreSQL again")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--warehouse", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.scale, args.warehouse)
        return
    source = BENCH_DATA / f"crm_{args.scale}"
    if not source.exists():
        subprocess.run([QUOTAS, "generate", "--scale", args.scale, "--out", str(source)], check=True)
    warehouse = BENCH_DATA / f"pg_extract_{args.scale}.duckdb"
    rows = []
    if args.reseed or not _schema_exists(args.scale):
        rows.append(_step("seed", args.scale, warehouse))
    for step in ("full", "full+contracts"):
        warehouse.unlink(missing_ok=True)
        rows.append(_step(step, args.scale, warehouse))
    schema = f"bench_crm_{args.scale.lower()}"
    for table in CHANGED_TABLES:  # 1% of the rows, spread over the table
        _psql(f"update {schema}.{table} set updated_at = now() where abs(hashtext(id)) % 100 = 0")
    rows.append(_step("incremental (1% changed)", args.scale, warehouse))
    for table in CHANGED_TABLES:  # the same rows again, for the run that validates its batch
        _psql(f"update {schema}.{table} set updated_at = now() where abs(hashtext(id)) % 100 = 0")
    rows.append(_step("incremental (1% changed)+contracts", args.scale, warehouse))
    rows.append(_step("incremental (nothing changed), ids compared in full", args.scale, warehouse))
    table = render(rows, args.scale)
    print(table)
    if not args.no_readme:
        text = README.read_text()
        head, rest = text.split(START, 1)
        _, tail = rest.split(END, 1)
        README.write_text(f"{head}{START}\n{table}\n{END}{tail}")


def render(rows: list[dict], scale: str) -> str:
    lines = [
        f"| step (scale {scale}, 2 cores) | rows pulled | extract s | rows/s | process wall s | CPU s | peak MiB "
        "| load avg |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        rate = row["rows"] / row["seconds"] if row["seconds"] else 0
        lines.append(
            f"| {row['step']} | {row['rows']:,} | {row['seconds']:.2f} | {rate:,.0f} | {row['wall']:.1f} | "
            f"{row['cpu']:.1f} | {row['peak']:,.0f} | {row['load']:.1f} |"
        )
    full = next(row for row in rows if row["step"] == "full")
    incremental = next(row for row in rows if row["step"] == "incremental (1% changed)")
    lines.append("")
    lines.append(
        f"The incremental extract with 1% of rows changed took {incremental['seconds'] / full['seconds']:.1%} of "
        f"the full extract's time ({incremental['cpu'] / full['cpu']:.1%} of its process's CPU time, the steadier "
        "figure when other work shares the machine)."
    )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
