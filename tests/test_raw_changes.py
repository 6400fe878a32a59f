"""A changed event file is loaded by the hours whose rows changed, and the raw table equals a whole reload."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from orchestration import raw_changes
from orchestration.raw_changes import (
    CHANGE_KEYS,
    RECENT_HOURS_AHEAD,
    RECENT_HOURS_KEPT,
    UNDATED_KEY_BASE,
    EventFile,
    RecentHours,
    hour_key_sql,
    recent_hours,
)
from orchestration.source_contract import CRM_TABLES
from orchestration.source_loading import (
    column_expression,
    contract_expressions,
    contract_select,
    inspect_source,
    load_source_into_raw,
)
from orchestration.warehouse import connect
from tests.reference.source_builder import deal, team, user, write_source

START = datetime(2025, 3, 1, tzinfo=UTC)


def _activity(activity_id: str, hour: int | None, kind: str = "call", minute: int = 0) -> dict:
    occurred = None if hour is None else START + timedelta(hours=hour, minutes=minute)
    return {"id": activity_id, "owner_id": "u1", "type": kind, "occurred_at": occurred, "updated_at": START}


def _write_activities(source: Path, rows: list[dict]) -> None:
    """Activities as Parquet with integer-looking text ids and real timestamps, as a CRM export has them."""
    (source / "activities.csv").unlink(missing_ok=True)
    values = ", ".join(
        "({}, 'u1', '{}', {}, timestamptz '{}')".format(
            f"'{row['id']}'",
            row["type"],
            f"timestamptz '{row['occurred_at'].isoformat()}'" if row["occurred_at"] else "null::timestamptz",
            row["updated_at"].isoformat(),
        )
        for row in rows
    )
    duckdb.sql(
        f"copy (select * from (values {values}) as t (id, owner_id, type, occurred_at, updated_at)) "
        f"to '{source / 'activities.parquet'}' (format parquet)"
    )


def _source(directory: Path, activities: list[dict], deals: list[dict] | None = None) -> Path:
    source = write_source(directory, teams=[team("t1")], users=[user("u1", "t1")], deals=deals or [])
    _write_activities(source, activities)
    return source


def _load(warehouse: Path, source: Path) -> dict[str, str]:
    messages: list[str] = []
    load_source_into_raw(warehouse, source, progress=messages.append)
    return {re.match(r"loaded raw\.(\w+)", m).group(1): m for m in messages}  # type: ignore[union-attr]


def _rows(warehouse: Path, table: str) -> list[tuple]:
    with connect(warehouse, read_only=True) as con:
        return con.execute(f"select * from raw.{table} order by all").fetchall()


def _whole_reload(tmp_path: Path, source: Path, table: str) -> list[tuple]:
    fresh = tmp_path / f"fresh-{table}.duckdb"
    fresh.unlink(missing_ok=True)
    load_source_into_raw(fresh, source)
    return _rows(fresh, table)


def _change_keys(warehouse: Path, table: str) -> list[tuple]:
    with connect(warehouse, read_only=True) as con:
        return con.execute(f"select * from {CHANGE_KEYS} where table_name = '{table}' order by all").fetchall()


def _ten_per_hour(hours: int) -> list[dict]:
    return [_activity(f"{hour * 10 + n}", hour, minute=n) for hour in range(hours) for n in range(10)]


def test_a_changed_activities_file_replaces_only_the_hours_that_changed(tmp_path: Path) -> None:
    activities = _ten_per_hour(20)
    source = _source(tmp_path / "crm", activities)
    warehouse = tmp_path / "w.duckdb"
    _load(warehouse, source)

    edited = [dict(row) for row in activities]
    edited[30]["type"] = "email"  # hour 3: changed in place
    edited[50]["occurred_at"] = START + timedelta(hours=7, minutes=30)  # moved from hour 5 to hour 7
    del edited[90]  # hour 9: deleted (hour 5's row 50 still sits at index 50)
    edited.append(dict(activities[110]))  # hour 11: an exact duplicate
    edited.append(_activity("new-1", 30))  # hour 30: a new hour
    edited[130]["occurred_at"] = None  # hour 13 loses a row to the bucket of its id ("131": index shifted)
    _write_activities(source, edited)

    message = _load(warehouse, source)["activities"]

    # seven hours (3, 5, 7, 9, 11, 13, 30) and one bucket of ids; the file holds 61 rows in them
    assert "(8 changed hours or id buckets, 61 rows replaced)" in message, message
    assert _rows(warehouse, "activities") == _whole_reload(tmp_path, source, "activities")


def test_the_same_rows_exported_to_another_folder_replace_nothing(tmp_path: Path) -> None:
    activities = _ten_per_hour(5)
    warehouse = tmp_path / "w.duckdb"
    _load(warehouse, _source(tmp_path / "crm-2025-03-01", activities))
    source = _source(tmp_path / "crm-2025-03-02", list(reversed(activities)))  # another file, another order

    message = _load(warehouse, source)["activities"]

    assert "(0 changed hours or id buckets, 0 rows replaced)" in message, message
    assert _rows(warehouse, "activities") == _whole_reload(tmp_path, source, "activities")


def test_deals_without_a_close_are_followed_by_id_bucket_with_their_custom_fields(tmp_path: Path) -> None:
    open_deals = [deal(f"o{n}", "u1", 100 + n, None, status="open", margin=n) for n in range(40)]
    won_deals = [deal(f"w{n}", "u1", 50, f"2025-02-{1 + n:02d}T12:00:00Z", margin=1) for n in range(20)]
    activities = _ten_per_hour(30)
    source = _source(tmp_path / "crm", activities, open_deals + won_deals)
    warehouse = tmp_path / "w.duckdb"
    _load(warehouse, source)

    edited = [dict(row) for row in open_deals + won_deals]
    edited[0].update(status="won", stage="won", closed_at="2025-03-02T09:15:00Z")  # closed: its bucket and hour
    edited[1]["margin"] = 99  # a custom field changed on an open deal
    write_source(source, teams=[team("t1")], users=[user("u1", "t1")], deals=edited)
    (source / "activities.csv").unlink()  # write_source wrote an empty CSV beside the Parquet file

    message = _load(warehouse, source)["deals"]

    assert re.search(r"\(3 changed hours or id buckets, 2 rows replaced\)", message), message
    assert _rows(warehouse, "deals") == _whole_reload(tmp_path, source, "deals")
    assert _change_keys(warehouse, "deals") == _change_keys(tmp_path / "fresh-deals.duckdb", "deals")


def test_a_file_changed_throughout_or_read_another_way_is_reloaded_whole(tmp_path: Path) -> None:
    activities = _ten_per_hour(4)
    source = _source(tmp_path / "crm", activities)
    warehouse = tmp_path / "w.duckdb"
    _load(warehouse, source)

    meetings = [{**row, "type": "meeting"} for row in activities]
    _write_activities(source, meetings)
    throughout = _load(warehouse, source)["activities"]
    assert throughout == "loaded raw.activities: 40 rows"
    assert _rows(warehouse, "activities") == _whole_reload(tmp_path, source, "activities")
    # the whole reload kept the fingerprints it compared with: the next change is one hour again
    _write_activities(source, [*meetings, _activity("late", 2)])
    assert "(1 changed hours or id buckets, 11 rows replaced)" in _load(warehouse, source)["activities"]
    assert _rows(warehouse, "activities") == _whole_reload(tmp_path, source, "activities")

    # a CSV export of the same rows is read by other SQL: its fingerprints are not comparable
    (source / "activities.parquet").unlink()
    with connect(warehouse, read_only=True) as con:
        con.execute(f"copy raw.activities to '{source / 'activities.csv'}' (header)")
    other_reader = _load(warehouse, source)["activities"]
    assert other_reader == "loaded raw.activities: 41 rows"


def test_an_instant_before_1970_and_a_row_without_one_never_share_a_key(tmp_path: Path) -> None:
    """The dbt ledger reads a key as an hour or as a bucket of ids: the two ranges must not meet."""
    activities = [
        {**_activity("old", None), "occurred_at": datetime(1969, 12, 31, 22, 30, tzinfo=UTC)},
        _activity("undated", None),
        *_ten_per_hour(2),
    ]
    source = _source(tmp_path / "crm", activities)
    warehouse = tmp_path / "w.duckdb"
    _load(warehouse, source)
    with connect(warehouse, read_only=True) as con:
        keys = con.execute(
            f"select change_key, row_count from {CHANGE_KEYS} where table_name = 'activities' order by all"
        ).fetchall()
        (bucket,) = con.execute("select hash('undated') % 1048576").fetchone()
    # 22:30 on the last day of 1969 is hour -2 since 1970; the undated row's key is its bucket below the base
    first = int(START.timestamp()) // 3600
    assert keys == [(UNDATED_KEY_BASE - bucket, 1), (-2, 1), (first, 10), (first + 1, 10)]

    activities[0] = {**activities[0], "type": "email"}
    _write_activities(source, activities)
    assert "(1 changed hours or id buckets, 1 rows replaced)" in _load(warehouse, source)["activities"]
    assert _rows(warehouse, "activities") == _whole_reload(tmp_path, source, "activities")


def test_many_scattered_hours_and_instants_at_the_calendars_edges_are_replaced_exactly(tmp_path: Path) -> None:
    """The delete and the second read first narrow the rows to the changed hours' instants (literal ranges,
    one per run of hours, or one from first to last past 24 runs); the result must not depend on it."""
    activities = _ten_per_hour(200)
    activities.append({**_activity("ancient", None), "occurred_at": datetime(1, 1, 1, 5, tzinfo=UTC)})
    activities.append({**_activity("far", None), "occurred_at": datetime(9999, 12, 31, 23, 30, tzinfo=UTC)})
    source = _source(tmp_path / "crm", activities)
    warehouse = tmp_path / "w.duckdb"
    _load(warehouse, source)

    edited = [dict(row) for row in activities]
    for index in range(0, 600, 20):  # every other hour of the first 60: 30 runs of one hour each
        edited[index]["type"] = "email"
    edited[2000]["type"] = "meeting"  # the hour at the start of year 1
    edited[2001]["type"] = "meeting"  # the last hour of 9999
    _write_activities(source, edited)

    assert "(32 changed hours or id buckets, 302 rows replaced)" in _load(warehouse, source)["activities"]
    assert _rows(warehouse, "activities") == _whole_reload(tmp_path, source, "activities")


def test_the_fingerprints_kept_after_a_load_by_hours_are_those_a_whole_reload_keeps(tmp_path: Path) -> None:
    """Only the changed keys' fingerprints are written again: an hour that empties loses its own, an hour
    that changes gets the file's, and every other one stays as the file has it."""
    activities = _ten_per_hour(6)
    source = _source(tmp_path / "crm", activities)
    warehouse = tmp_path / "w.duckdb"
    _load(warehouse, source)

    edited = [dict(row) for row in activities if int(row["id"]) // 10 != 2]  # hour 2 gone
    edited[35]["type"] = "email"  # a row of hour 4 (index 45 before hour 2's rows went)
    edited.append(_activity("new-1", 9))  # a new hour
    _write_activities(source, edited)

    assert "(3 changed hours or id buckets, 11 rows replaced)" in _load(warehouse, source)["activities"]
    assert _rows(warehouse, "activities") == _whole_reload(tmp_path, source, "activities")
    assert _change_keys(warehouse, "activities") == _change_keys(tmp_path / "fresh-activities.duckdb", "activities")
    hours = {key for _, _, key, _, _ in _change_keys(warehouse, "activities")}
    first = int(START.timestamp()) // 3600
    assert hours == {first + hour for hour in (0, 1, 3, 4, 5, 9)}


def test_an_instants_hour_key_is_the_floor_of_its_hours_since_1970_before_and_after_it() -> None:
    """The integer division of hour_key_sql against Python's own floor, on instants at the edges of hours,
    before 1970 (where a truncating division alone would be an hour off) and at DuckDB's extremes."""
    instants = [
        datetime(1970, 1, 1, tzinfo=UTC),
        datetime(1970, 1, 1, tzinfo=UTC) - timedelta(milliseconds=1),
        datetime(1969, 12, 31, 23, 0, tzinfo=UTC),
        datetime(1960, 6, 1, 12, 0, 1, tzinfo=UTC),
        datetime(2025, 11, 14, 4, 59, 59, 999000, tzinfo=UTC),
        datetime(2025, 11, 14, 5, 0, tzinfo=UTC),
        datetime(1, 1, 1, tzinfo=UTC),
        datetime(9999, 12, 31, 23, 59, 59, 999000, tzinfo=UTC),
    ]
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    with duckdb.connect() as con:
        for instant in instants:
            expected = (instant - epoch) // timedelta(hours=1)
            (key,) = con.execute(f"select {hour_key_sql('$1::timestamptz')}", [instant]).fetchone() or (None,)
            assert key == expected, instant
        far = "timestamptz '290000-01-01 00:00:00+00'"
        (key, floored) = con.execute(
            f"select {hour_key_sql(far)}, cast(floor(epoch_ms({far}) / 3600000) as bigint)"
        ).fetchone() or (None, None)
        assert key == floored


def _two_per_hour(hours: int) -> list[dict]:
    return [_activity(f"{hour * 2 + n}", hour, minute=n) for hour in range(hours) for n in range(2)]


def _recent_hours_of(warehouse: Path, source: Path) -> RecentHours | None:
    """The window the next load of `source`'s activities would keep rows for, given `warehouse`'s keys."""
    with connect(warehouse, read_only=True) as con:
        inspected = inspect_source(con, source, [table for table in CRM_TABLES if table.name == "activities"])
        (table,) = [table for table in inspected if table.contract.name == "activities"]
        select = contract_select(table, contract_expressions(con, table))
        event_file = EventFile(
            table.contract,
            select,
            table.reader_sql(),
            column_expression(table, "occurred_at"),
            column_expression(table, "id"),
            table.location_sql(),
        )
        return recent_hours(con, event_file)


class _RecordingConnection:
    """A DuckDB connection that notes each statement it runs (the load's own SQL, as it ran)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, statements: list[str]) -> None:
        self._con, self._statements = con, statements

    def execute(self, sql: str, *args: object) -> duckdb.DuckDBPyConnection:
        self._statements.append(" ".join(sql.split()))
        return self._con.execute(sql, *args)

    def __getattr__(self, name: str) -> object:
        return getattr(self._con, name)

    def __enter__(self) -> _RecordingConnection:
        return self

    def __exit__(self, *exc: object) -> None:
        self._con.close()


def _recording_statements(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    statements: list[str] = []
    from orchestration import warehouse as warehouse_module

    opened = warehouse_module.connect
    monkeypatch.setattr(warehouse_module, "connect", lambda *a, **k: _RecordingConnection(opened(*a, **k), statements))
    return statements


def test_recent_hours_come_from_the_fingerprinting_pass_and_older_ones_from_the_file_exactly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rows of the changed keys near the last stored hour are inserted from the rows the fingerprinting
    pass kept; every other changed key (an old hour, a bucket of undated rows, an hour far ahead) is read
    from the file again. Either way the table equals a whole reload."""
    activities = _two_per_hour(20 * 24)  # hours 0 .. 479
    source = _source(tmp_path / "crm", activities)
    warehouse = tmp_path / "w.duckdb"
    _load(warehouse, source)
    first_hour = hour_key_sql(f"timestamptz '{START.isoformat()}'")
    with connect(warehouse, read_only=True) as con:
        (start_key,) = con.execute(f"select {first_hour}").fetchone()  # type: ignore[misc]
    window = _recent_hours_of(warehouse, source)
    assert window == RecentHours(start_key + 479 - RECENT_HOURS_KEPT, start_key + 479 + RECENT_HOURS_AHEAD)

    edited = [dict(row) for row in activities]
    edited[20]["type"] = "email"  # hour 10: old, read from the file again
    edited[2 * 470]["type"] = "meeting"  # hour 470: recent, from the kept rows
    del edited[2 * 400 : 2 * 400 + 2]  # hour 400 emptied: nothing to insert
    edited[2 * 300]["occurred_at"] = None  # hour 300 loses a row to an undated bucket
    edited.append(_activity("new-recent", 500))  # a new hour inside the window
    edited.append(_activity("new-far", 479 + RECENT_HOURS_AHEAD + 30))  # a new hour beyond it
    edited.append(dict(activities[2 * 460]))  # a duplicate in a recent hour
    _write_activities(source, edited)

    statements = _recording_statements(monkeypatch)
    message = _load(warehouse, source)["activities"]

    inserts = [sql for sql in statements if sql.startswith('insert into raw."activities"')]
    assert len(inserts) == 2, inserts
    assert "unnest(file_rows)" in inserts[0] and "read_parquet" not in inserts[0]
    assert "read_parquet" in inserts[1] and "_changed_keys_in_file" in inserts[1]
    # hours 10, 470, 400, 300, 500, 460 and the far one, and the bucket of the row that lost its instant
    assert "(8 changed hours or id buckets, 11 rows replaced)" in message, message
    assert _rows(warehouse, "activities") == _whole_reload(tmp_path, source, "activities")
    assert _change_keys(warehouse, "activities") == _change_keys(tmp_path / "fresh-activities.duckdb", "activities")


def test_no_rows_are_kept_when_the_recent_hours_held_too_many(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    activities = _two_per_hour(10 * 24)
    source = _source(tmp_path / "crm", activities)
    warehouse = tmp_path / "w.duckdb"
    _load(warehouse, source)
    assert _recent_hours_of(warehouse, source) is not None

    monkeypatch.setattr(raw_changes, "RECENT_ROWS_AT_MOST", 2 * RECENT_HOURS_KEPT)  # the window holds 2 * 169 rows
    assert _recent_hours_of(warehouse, source) is None
    edited = [dict(row) for row in activities]
    edited[2 * 230]["type"] = "email"
    _write_activities(source, edited)
    _load(warehouse, source)
    assert _rows(warehouse, "activities") == _whole_reload(tmp_path, source, "activities")
