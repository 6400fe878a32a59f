"""Write the Parquet files of the marts kept by period: one file per period, under the as-of date.

Every row of a kept mart (quota_progress, quotas, leaderboard, quota_history, quota_rollups) carries the
run's as-of date D, though a daily run computes again only a few periods (macros/kept_by_period.sql) and
the serving file copies only those (kept_marts.py). A single file per mart was still written whole every
day: at M ~0.6-0.7 s for each of the four large marts, most of the publication's Parquet time.

So the as-of date is not stored inside the files; it names their directory, in the Hive style that
DuckDB, pyarrow, polars and Spark read as a column (`as_of_date`, after the file's own columns):

    quota_progress/as_of_date=2025-11-14/p-FY2025-M11.0.parquet

Every other column, `period_id` included, is in the file. A period this publication did not copy again
into the serving file holds the same rows as in the previous version (kept_marts.py's stamps say so),
so its file is a hard link to the previous version's; only the recopied periods are written, all in one
partitioned COPY. The files' rows are counted against the serving mart afterwards, and on any mismatch
the mart is written whole.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from datetime import date
from pathlib import Path
from urllib.parse import quote

import duckdb

from orchestration.serving.catalog_queries import row_count
from orchestration.sql_identifiers import quote_identifier, quote_string, sql_literal

PERIOD_DIRECTORY_PREFIX = "as_of_date="
NO_ROWS_FILE = "no-rows.parquet"
"""Written when a mart has no rows, so that its glob still matches a file that has the columns."""
PARTITIONS = ".partitions"
"""Where the partitioned COPY writes, inside the mart's directory, before the files are renamed."""
PARTITION_KEY = "_period_hash"


def kept_parquet_path(mart: str) -> str:
    """The glob of a kept mart inside a Parquet version (what the manifest's `paths` lists)."""
    return f"{mart}/*/*.parquet"


LONGEST_READABLE_STEM = 200
"""File names stop at 255 bytes; a longer encoded period id is named by its hash instead."""


def period_file_stem(period_id: str | None) -> str:
    """A file name for a period's rows that no period id can share: percent-encoded, with the dot (which
    separates the stem from the file's number) and the tilde encoded too; very long ids by their hash."""
    if period_id is None:
        return "no-period"
    encoded = quote(period_id, safe="").replace(".", "%2E").replace("~", "%7E")
    if len(encoded) > LONGEST_READABLE_STEM:
        return "h-" + hashlib.sha256(period_id.encode()).hexdigest()
    return "p-" + encoded


def _as_of_directory(
    con: duckdb.DuckDBPyConnection, mart: str, directory: Path, publication_as_of: date | None
) -> Path:
    """`<mart>/as_of_date=D`: the one as-of date the mart's rows carry (the publication's when it has none)."""
    name = quote_identifier(mart)
    days, as_of = con.execute(
        f"select count(distinct as_of_date), max(as_of_date) from serving.marts.{name}"
    ).fetchone() or (0, None)
    if days and days > 1:
        raise ValueError(f"marts.{mart} holds {days} as-of dates; a kept mart's rows all carry the run's one")
    day = as_of or publication_as_of
    return directory / f"{PERIOD_DIRECTORY_PREFIX}{day.isoformat() if day else 'none'}"


def _previous_files(previous: Path | None) -> dict[str, list[Path]]:
    """The previous version's files of the mart, by period stem (empty when there is no usable one)."""
    if previous is None or not previous.is_dir():
        return {}
    days = [entry for entry in previous.iterdir() if entry.name.startswith(PERIOD_DIRECTORY_PREFIX)]
    if len(days) != 1:
        return {}
    files: dict[str, list[Path]] = {}
    for path in days[0].glob("*.parquet"):
        files.setdefault(path.name.split(".", 1)[0], []).append(path)
    return files


def _write_periods(
    con: duckdb.DuckDBPyConnection, mart: str, day_directory: Path, periods: list[str | None] | None
) -> None:
    """Write the rows of `periods` (None: all of them), one file per period, in one partitioned COPY, then
    give each file its period's name (read from the files, in one query: nothing depends on how DuckDB
    escapes a partition's directory name)."""
    name = quote_identifier(mart)
    condition = "true"
    if periods is not None:
        named = [period for period in periods if period is not None]
        parts = [f"period_id in ({', '.join(sql_literal(period) for period in named)})"] if named else []
        parts += ["period_id is null"] if None in periods else []
        condition = " or ".join(parts) or "false"
    scratch = day_directory.parent / PARTITIONS
    shutil.rmtree(scratch, ignore_errors=True)
    # partitioned by the period's hash, which the files leave out: a directory named after the period id
    # itself is its URL encoding, too long for a file name once an id has ~85 accented letters
    con.execute(
        f"copy (select * exclude (as_of_date), hash(period_id) as {PARTITION_KEY} "
        f"from serving.marts.{name} where {condition}) "
        f"to {quote_string(str(scratch))} (format parquet, partition_by ({PARTITION_KEY}))"
    )
    written = quote_string(str(scratch / "*" / "*.parquet"))
    files = con.execute(
        "select filename, any_value(period_id), count(distinct period_id) + bool_or(period_id is null)::int "
        f"from read_parquet({written}, filename = true, hive_partitioning = false) "
        "group by filename order by filename"
    ).fetchall()
    numbers: dict[str, int] = {}
    for path, period, periods_in_file in files:
        if periods_in_file != 1:
            raise RuntimeError(f"marts.{mart}: {periods_in_file} period ids share one hash ({path})")
        stem = period_file_stem(period)
        numbers[stem] = numbers.get(stem, -1) + 1
        os.replace(path, day_directory / f"{stem}.{numbers[stem]}.parquet")
    shutil.rmtree(scratch, ignore_errors=True)


def write_kept_mart_parquet(
    con: duckdb.DuckDBPyConnection,
    mart: str,
    directory: Path,
    as_of: date | None,
    changed_periods: frozenset[str] | None,
    previous: Path | None,
) -> None:
    """Write `serving.marts.<mart>` into `directory` (`<version>/<mart>`), one Parquet file per period.

    `changed_periods`: the periods this publication copied into the serving file (None: all of them);
    `previous`: the previous version's directory of this mart, when it holds what the serving file held
    before this publication. Its files of every other period are linked, not written.
    """
    directory.mkdir(parents=True)
    day_directory = _as_of_directory(con, mart, directory, as_of)
    day_directory.mkdir()
    name = quote_identifier(mart)
    periods = [period for (period,) in con.execute(f"select distinct period_id from serving.marts.{name}").fetchall()]
    earlier = _previous_files(previous) if changed_periods is not None else {}
    to_write: list[str | None] = []
    for period in periods:
        kept = earlier.get(period_file_stem(period))
        if kept and period not in (changed_periods or ()):
            for path in kept:
                os.link(path, day_directory / path.name)
        else:
            to_write.append(period)
    if to_write:
        _write_periods(con, mart, day_directory, None if len(to_write) == len(periods) else to_write)
    if not periods:
        target = quote_string(str(day_directory / NO_ROWS_FILE))
        con.execute(
            f"copy (select * exclude (as_of_date) from serving.marts.{name} where false) to {target} (format parquet)"
        )
    written = row_count(con, f"read_parquet({quote_string(str(directory / '*' / '*.parquet'))})")
    expected = row_count(con, f"serving.marts.{name}")
    if written != expected and changed_periods is not None:
        # a previous file that no longer matched its period: write the mart again from the serving file
        shutil.rmtree(directory)
        write_kept_mart_parquet(con, mart, directory, as_of, None, None)
    elif written != expected:
        raise RuntimeError(f"the Parquet files of marts.{mart} hold {written} rows, the mart {expected}")
