"""The Parquet files of the marts kept by period: one file per period under the as-of date, the unchanged
periods linked from the previous version, and what a reader gets back equal to the mart."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import duckdb
import pytest

from orchestration.serving.kept_parquet import kept_parquet_path, period_file_stem, write_kept_mart_parquet

PERIODS = ["FY2025-M11", "FY2025.Q4", "a/b", "a%2Fb", "50%~", "2025", "é" * 100, None]
"""Period ids a file name must keep apart: a dot, a slash and its own escape, a tilde, a number (which a
Hive directory would turn into an integer), one too long to encode within a file name's 255 bytes, and
no period at all."""


def _serving(rows_per_period: int = 3, as_of: date = date(2025, 11, 14)) -> duckdb.DuckDBPyConnection:
    """A connection with a `serving` catalog holding a kept mart `quota_progress`: as_of_date second, as
    in the real mart, and a value that says which period and row it is."""
    con = duckdb.connect()
    con.execute("attach ':memory:' as serving")
    con.execute("create schema serving.marts")
    con.execute(
        "create table serving.marts.quota_progress "
        "(quota_id varchar, as_of_date date, period_id varchar, current_value decimal(38, 9))"
    )
    for number, period in enumerate(PERIODS):
        for row in range(rows_per_period):
            con.execute(
                "insert into serving.marts.quota_progress values (?, ?, ?, ?)",
                [f"q{number}-{row}", as_of, period, number * 100 + row],
            )
    return con


def _read_back(con: duckdb.DuckDBPyConnection, directory: Path) -> list[tuple]:
    """The rows a reader gets from the mart's glob (the as-of date from the directory), by column name."""
    glob = str(directory.parent / kept_parquet_path(directory.name))
    return sorted(
        con.execute(f"select quota_id, as_of_date, period_id, current_value from read_parquet('{glob}')").fetchall(),
        key=str,
    )


def _mart(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return sorted(
        con.execute(
            "select quota_id, as_of_date, period_id, current_value from serving.marts.quota_progress"
        ).fetchall(),
        key=str,
    )


def test_every_period_id_gets_a_file_name_of_its_own() -> None:
    stems = [period_file_stem(period) for period in PERIODS]
    assert len(set(stems)) == len(PERIODS)
    assert all("." not in stem and "/" not in stem and "~" not in stem and len(stem) < 250 for stem in stems)


def test_a_first_publication_writes_one_file_per_period_and_a_reader_gets_the_mart_back(tmp_path: Path) -> None:
    con = _serving()
    directory = tmp_path / "version" / "quota_progress"
    write_kept_mart_parquet(con, "quota_progress", directory, date(2025, 11, 14), None, None)
    (day,) = directory.iterdir()
    assert day.name == "as_of_date=2025-11-14"
    assert sorted(path.name for path in day.iterdir()) == sorted(f"{period_file_stem(p)}.0.parquet" for p in PERIODS)
    assert _read_back(con, directory) == _mart(con)
    # the as-of date is the directory's, read as a date; the files hold every other column
    glob = str(directory.parent / kept_parquet_path("quota_progress"))
    types = dict(con.execute(f"select column_name, column_type from (describe from read_parquet('{glob}'))").fetchall())
    assert list(types) == ["quota_id", "period_id", "current_value", "as_of_date"]  # nothing the writing adds
    assert types["as_of_date"] == "DATE"
    assert types["period_id"] == "VARCHAR"  # "2025" stays text: it is read from the file, not the path
    one_file = next(day.glob(f"{period_file_stem('2025')}.*"))
    assert (
        con.execute(f"select period_id from read_parquet('{one_file}', hive_partitioning = false)").fetchall()
        == [("2025",)] * 3
    )


def test_the_next_publication_links_the_unchanged_periods_and_writes_only_the_changed_ones(tmp_path: Path) -> None:
    con = _serving(as_of=date(2025, 11, 13))
    previous = tmp_path / "v1" / "quota_progress"
    write_kept_mart_parquet(con, "quota_progress", previous, date(2025, 11, 13), None, None)
    # the next day: every row is dated D, and two periods' values changed (what the serving file's sync did)
    con.execute("update serving.marts.quota_progress set as_of_date = date '2025-11-14'")
    con.execute(
        "update serving.marts.quota_progress set current_value = current_value + 1 where period_id in ('a/b', '2025')"
    )
    changed = frozenset({"a/b", "2025"})
    directory = tmp_path / "v2" / "quota_progress"
    write_kept_mart_parquet(con, "quota_progress", directory, date(2025, 11, 14), changed, previous)
    assert _read_back(con, directory) == _mart(con)
    old_day, new_day = previous / "as_of_date=2025-11-13", directory / "as_of_date=2025-11-14"
    for period in PERIODS:
        name = f"{period_file_stem(period)}.0.parquet"
        linked = os.stat(new_day / name).st_ino == os.stat(old_day / name).st_ino
        assert linked == (period not in changed), period


def test_a_period_gone_from_the_mart_is_gone_from_the_files(tmp_path: Path) -> None:
    con = _serving()
    previous = tmp_path / "v1" / "quota_progress"
    write_kept_mart_parquet(con, "quota_progress", previous, date(2025, 11, 14), None, None)
    con.execute("delete from serving.marts.quota_progress where period_id = 'FY2025-M11'")
    directory = tmp_path / "v2" / "quota_progress"
    write_kept_mart_parquet(con, "quota_progress", directory, date(2025, 11, 14), frozenset({"FY2025-M11"}), previous)
    assert _read_back(con, directory) == _mart(con)
    assert not list(directory.glob(f"*/{period_file_stem('FY2025-M11')}.*"))


def test_a_previous_file_that_does_not_match_its_period_makes_the_mart_written_whole(tmp_path: Path) -> None:
    con = _serving()
    previous = tmp_path / "v1" / "quota_progress"
    write_kept_mart_parquet(con, "quota_progress", previous, date(2025, 11, 14), None, None)
    # the stamps said nothing changed, but the previous version lost a period's file
    (previous / "as_of_date=2025-11-14" / f"{period_file_stem('FY2025-M11')}.0.parquet").unlink()
    directory = tmp_path / "v2" / "quota_progress"
    write_kept_mart_parquet(con, "quota_progress", directory, date(2025, 11, 14), frozenset(), previous)
    assert _read_back(con, directory) == _mart(con)


def test_an_empty_mart_still_has_a_file_with_its_columns(tmp_path: Path) -> None:
    con = _serving(rows_per_period=0)
    directory = tmp_path / "version" / "quota_progress"
    write_kept_mart_parquet(con, "quota_progress", directory, date(2025, 11, 14), None, None)
    assert _read_back(con, directory) == []
    glob = str(directory.parent / kept_parquet_path("quota_progress"))
    columns = [name for (name, *_) in con.execute(f"describe from read_parquet('{glob}')").fetchall()]
    assert columns == ["quota_id", "period_id", "current_value", "as_of_date"]


def test_rows_of_two_as_of_dates_are_refused(tmp_path: Path) -> None:
    con = _serving()
    con.execute("update serving.marts.quota_progress set as_of_date = date '2025-11-13' where period_id = '2025'")
    with pytest.raises(ValueError, match="2 as-of dates"):
        write_kept_mart_parquet(con, "quota_progress", tmp_path / "v" / "quota_progress", None, None, None)
