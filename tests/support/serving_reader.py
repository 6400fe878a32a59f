"""A reader of the serving copy, run as its own process while pipelines publish.

    python -m tests.support.serving_reader SERVING_DIR OUT_JSONL STOP_FILE

It reads in a loop until STOP_FILE exists, alternately from the DuckDB copy and from the current Parquet
version, and writes one JSON line per read: the as-of date the read saw, and whether the read was
internally consistent. Every check is exact and holds in any complete publication:

- one as-of date across quota_progress, leaderboard, quota_rollups, goals and goal_milestones, equal to
  the publication's own record;
- every leaderboard row is an individual quota, with the same current_value as in quota_progress, and
  every individual quota is on the leaderboard;
- every team and company quota's current_value equals its scope's rollup (rule 10: team and company
  quotas report their scope's rollup value);
- for Parquet, every path the manifest lists (a file, or the snapshot history's month files) holds the
  row count it records.

A DuckDB connection is held across two reads (with a pause), which must see the same publication: a
reader with the file open keeps the version it opened, whatever is published meanwhile.
"""

from __future__ import annotations

import json
import os
import sys
import time
import traceback
from pathlib import Path

import duckdb

CHECKS = {
    "as_of_dates": """
        select count(distinct as_of_date), min(as_of_date) from (
            select as_of_date from {progress} union all select as_of_date from {leaderboard}
            union all select as_of_date from {rollups} union all select as_of_date from {goals}
            union all select as_of_date from {milestones}
        )
    """,
    "leaderboard_mismatches": """
        select count(*) from {leaderboard} as board
        full join (select * from {progress} where scope_type = 'individual') as progress
            on progress.quota_id = board.quota_id
        where board.current_value is distinct from progress.current_value
    """,
    "rollup_mismatches": """
        select count(*) from {progress} as progress
        left join {rollups} as rollups on rollups.quota_id = progress.quota_id
        where progress.scope_type in ('team', 'company')
            and rollups.current_value is distinct from progress.current_value
    """,
}


def _consistency(con: duckdb.DuckDBPyConnection, tables: dict[str, str]) -> tuple[str, list[str]]:
    problems = []
    distinct, as_of = con.execute(CHECKS["as_of_dates"].format(**tables)).fetchone()  # type: ignore[misc]
    if distinct != 1:
        problems.append(f"{distinct} as-of dates in one read")
    for name in ("leaderboard_mismatches", "rollup_mismatches"):
        count = con.execute(CHECKS[name].format(**tables)).fetchone()[0]  # type: ignore[index]
        if count:
            problems.append(f"{name}: {count}")
    return str(as_of), problems


def read_duckdb(database: Path) -> dict:
    tables = {
        "progress": "marts.quota_progress",
        "leaderboard": "marts.leaderboard",
        "rollups": "marts.quota_rollups",
        "goals": "marts.goals",
        "milestones": "marts.goal_milestones",
    }
    with duckdb.connect(str(database), read_only=True) as con:
        as_of, problems = _consistency(con, tables)
        recorded = str(con.execute("select as_of_date from marts.publication").fetchone()[0])  # type: ignore[index]
        if recorded != as_of:
            problems.append(f"publication says {recorded}, the marts say {as_of}")
        time.sleep(0.3)
        again, more = _consistency(con, tables)
        if again != as_of:
            problems.append(f"an open connection moved from {as_of} to {again}")
        problems += more
    return {"source": "duckdb", "as_of": as_of, "problems": problems}


def read_parquet(parquet: Path) -> dict:
    version = Path(os.path.realpath(parquet / "current"))  # resolve once: every file from one version
    manifest = json.loads((version / "published.json").read_text())
    problems = []
    with duckdb.connect() as con:
        for table, rows in manifest["row_counts"].items():
            path = str(version / manifest["paths"][table])
            found = con.execute("select count(*) from read_parquet(?)", [path]).fetchone()
            if found is None or found[0] != rows:
                problems.append(f"{manifest['paths'][table]} has {found} rows, the manifest says {rows}")
        tables = {
            name: f"read_parquet('{version / manifest['paths'][table]}')"
            for name, table in [
                ("progress", "quota_progress"),
                ("leaderboard", "leaderboard"),
                ("rollups", "quota_rollups"),
                ("goals", "goals"),
                ("milestones", "goal_milestones"),
            ]
        }
        as_of, more = _consistency(con, tables)
    if as_of != manifest["as_of_date"]:
        problems.append(f"manifest says {manifest['as_of_date']}, the files say {as_of}")
    return {"source": "parquet", "as_of": as_of, "problems": problems + more}


def main(serving: Path, out: Path, stop: Path) -> None:
    with out.open("a") as sink:
        while not stop.exists():
            for source in ("duckdb", "parquet"):
                try:
                    if not (serving / "quotas.duckdb").exists():
                        continue
                    result = (
                        read_duckdb(serving / "quotas.duckdb")
                        if source == "duckdb"
                        else read_parquet(serving / "parquet")
                    )
                except Exception as error:  # every failure of a read is what the test looks for
                    result = {"source": source, "as_of": None, "problems": [f"error: {error!r}"]}
                    traceback.print_exc()
                sink.write(json.dumps(result) + "\n")
                sink.flush()
            time.sleep(0.5)  # leave the runs most of the CPU


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]))
