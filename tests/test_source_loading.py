"""Reading a source: a missing table, column or wrongly typed column fails cleanly and changes nothing."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest

from orchestration.source_loading import SourceError, load_source_into_raw
from orchestration.warehouse import connect
from tests.reference.source_builder import deal, team, user, write_source


def _good_source(directory: Path) -> Path:
    return write_source(
        directory,
        teams=[team("t1")],
        users=[user("u1", "t1")],
        deals=[deal("d1", "u1", "12.5", "2025-03-01T10:00:00Z", margin="3")],
    )


def _raw_rows(warehouse: Path, table: str) -> list[tuple]:
    with connect(warehouse, read_only=True) as con:
        return con.execute(f"select * from raw.{table} order by all").fetchall()


def test_a_source_loads_every_contract_table_with_its_types(tmp_path: Path) -> None:
    counts = load_source_into_raw(tmp_path / "w.duckdb", _good_source(tmp_path / "crm"))
    assert counts["deals"] == 1 and counts["team_memberships"] == 0 and counts["goals"] == 0
    with connect(tmp_path / "w.duckdb", read_only=True) as con:
        types = dict(
            con.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_schema = 'raw' and table_name = 'deals'"
            ).fetchall()
        )
    assert types["amount"] == "DOUBLE" and types["closed_at"] == "TIMESTAMP WITH TIME ZONE"
    assert types["margin"] == "DOUBLE", "a numeric extra column is kept as a custom field"


def test_csv_fields_quoted_the_standard_way_load_as_written(tmp_path: Path) -> None:
    """RFC 4180, as spreadsheets and Python's csv module write it: a field holding the delimiter or a line
    break is quoted, and a quote inside it is doubled. The reader is told so (guessing the quoting cost
    the sniffer ~0.4 s a file); a semicolon-delimited file is still recognised."""
    names = ['Acme, "Big" Co', "Two\nlines", "plain"]
    source = write_source(
        tmp_path / "crm",
        teams=[team(f"t{index}", name=name) for index, name in enumerate(names)],
        users=[user("u1", "t0")],
    )
    load_source_into_raw(tmp_path / "w.duckdb", source)
    assert sorted(row[1] for row in _raw_rows(tmp_path / "w.duckdb", "teams")) == sorted(names)

    users = (source / "users.csv").read_text().splitlines()
    (source / "users.csv").write_text("\n".join(line.replace(",", ";") for line in users) + "\n")
    load_source_into_raw(tmp_path / "w.duckdb", source)
    assert [row[0] for row in _raw_rows(tmp_path / "w.duckdb", "users")] == ["u1"]


def test_a_missing_required_table_is_named_and_the_warehouse_is_unchanged(tmp_path: Path) -> None:
    warehouse = tmp_path / "w.duckdb"
    source = _good_source(tmp_path / "crm")
    load_source_into_raw(warehouse, source)
    before = _raw_rows(warehouse, "deals")
    (source / "leads.csv").unlink()
    with pytest.raises(SourceError, match=r"table leads: required table is missing"):
        load_source_into_raw(warehouse, source)
    assert _raw_rows(warehouse, "deals") == before


def test_a_missing_required_column_is_named_with_its_table(tmp_path: Path) -> None:
    source = _good_source(tmp_path / "crm")
    text = (source / "deals.csv").read_text().replace("closed_at", "close_date")
    (source / "deals.csv").write_text(text)
    with pytest.raises(SourceError, match=r"table deals: required column 'closed_at' is missing in deals.csv"):
        load_source_into_raw(tmp_path / "w.duckdb", source)


def test_a_parquet_column_of_the_wrong_type_fails_the_load(tmp_path: Path) -> None:
    source = _good_source(tmp_path / "crm")
    duckdb.sql(
        f"copy (select id, owner_id, name, 'lots' as amount, currency, stage, status, created_at, closed_at, "
        f"updated_at from read_csv('{source / 'deals.csv'}', all_varchar = true)) "
        f"to '{source / 'deals.parquet'}' (format parquet)"
    )
    (source / "deals.csv").unlink()
    with pytest.raises(SourceError, match=r"table deals: column 'amount' .* expected number"):
        load_source_into_raw(tmp_path / "w.duckdb", source)


def test_a_value_that_does_not_parse_is_kept_with_a_note_not_dropped(tmp_path: Path) -> None:
    source = write_source(
        tmp_path / "crm",
        teams=[team("t1")],
        users=[user("u1", "t1")],
        deals=[deal("d1", "u1", "twelve", "2025-03-01T10:00:00Z"), deal("d2", "u1", 5, "not a date")],
    )
    load_source_into_raw(tmp_path / "w.duckdb", source)
    with connect(tmp_path / "w.duckdb", read_only=True) as con:
        notes = dict(con.execute("select id, _malformed from raw.deals").fetchall())
    assert notes["d1"] == "amount=twelve"
    assert notes["d2"] == "created_at=not a date; closed_at=not a date; updated_at=not a date"


def test_a_source_that_is_not_a_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="not a directory"):
        load_source_into_raw(tmp_path / "w.duckdb", tmp_path / "nowhere")


def test_a_second_load_of_an_unchanged_source_reloads_nothing_and_a_changed_file_is_reloaded(
    tmp_path: Path,
) -> None:
    warehouse, source = tmp_path / "w.duckdb", _good_source(tmp_path / "crm")
    messages: list[str] = []
    load_source_into_raw(warehouse, source)
    before = {table: _raw_rows(warehouse, table) for table in ("deals", "users", "teams")}
    load_source_into_raw(warehouse, source, progress=messages.append)
    assert all("unchanged since the last load" in message for message in messages), messages
    assert {table: _raw_rows(warehouse, table) for table in before} == before
    # same size, same instant: the content hash still tells the files apart
    deals = source / "deals.csv"
    stat = deals.stat()
    deals.write_text(deals.read_text().replace("12.5", "99.0"))
    os.utime(deals, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    messages.clear()
    load_source_into_raw(warehouse, source, progress=messages.append)
    assert [m for m in messages if "unchanged" not in m] == ["loaded raw.deals: 1 rows"]
    assert _raw_rows(warehouse, "deals")[0][3] == 99.0


def test_a_load_without_contracts_forgets_the_previous_loads_contract_results(tmp_path: Path) -> None:
    warehouse = tmp_path / "w.duckdb"
    with connect(warehouse) as con:
        con.execute("create schema _ingest")
        con.execute("create table _ingest.contract_results as select 'deals' as table_name")
    load_source_into_raw(warehouse, _good_source(tmp_path / "crm"))
    with connect(warehouse, read_only=True) as con:
        left = con.execute("select count(*) from duckdb_tables() where table_name = 'contract_results'").fetchone()
    assert left == (0,)


def _load_with_parquet(tmp_path: Path, table: str, rows_sql: str) -> Path:
    """The good source with one table's CSV replaced by a Parquet file of `rows_sql`, loaded into a warehouse."""
    source = _good_source(tmp_path / "crm")
    duckdb.sql(f"copy ({rows_sql}) to '{source / f'{table}.parquet'}' (format parquet)")
    (source / f"{table}.csv").unlink()
    warehouse = tmp_path / "w.duckdb"
    load_source_into_raw(warehouse, source)
    return warehouse


def test_integer_activity_ids_in_parquet_stay_integers_in_raw_and_cast_to_the_text_of_ids_written_as_text(
    tmp_path: Path,
) -> None:
    day = "timestamptz '2025-03-01 10:00:00+00'"
    rows = ", ".join(f"({id_}, 'u1', 'call', {day}, {day})" for id_ in (1, -42, 9007199254740993))
    warehouse = _load_with_parquet(
        tmp_path, "activities", f"select * from (values {rows}) as t (id, owner_id, type, occurred_at, updated_at)"
    )
    with connect(warehouse, read_only=True) as con:
        ids = con.execute("select typeof(id), typeof(owner_id), cast(id as varchar) from raw.activities").fetchall()
    assert {(id_type, owner_type) for id_type, owner_type, _ in ids} == {("BIGINT", "VARCHAR")}
    assert sorted(text for _, _, text in ids) == ["-42", "1", "9007199254740993"]


def test_integer_ids_of_other_tables_in_parquet_load_as_text(tmp_path: Path) -> None:
    warehouse = _load_with_parquet(
        tmp_path,
        "users",
        "select 7 as id, 'Seven' as name, 's@x' as email, null as team_id, null as manager_id, "
        "true as is_active, '2020-01-01' as hired_at",
    )
    assert [row[0] for row in _raw_rows(warehouse, "users")] == ["7"]
