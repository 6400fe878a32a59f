"""The CRM's PostgreSQL database as a source, against the real server on 127.0.0.1:5432.

A generated CRM is loaded into a schema of its own; the pipeline reads it through a URL, incrementally
on later runs, validates what it pulled against the data contracts, and never shows the URL's password.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pytest

from orchestration.defs.ingest.assets import raw_source_tables
from orchestration.postgres_source.extract import ExtractOptions, extract_into_raw
from orchestration.postgres_url import PostgresUrl
from orchestration.resources import PipelineSettings
from orchestration.source_contract import ALL_TABLES
from orchestration.source_loading import load_source_into_raw
from orchestration.warehouse import connect
from tests.conftest import TINY_AS_OF, TINY_TIMEZONE, run_quotas
from tests.support.postgres import execute, fresh_schema, load_crm_into_postgres, require_postgres, source_url
from tests.support.warehouse import RESULT_MARTS, differing_rows

PASSWORD = "Tr0ub4dor-and-3"


@pytest.fixture(scope="module")
def crm_schema(tiny_source: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The tiny generated CRM in a PostgreSQL schema, read by the tests that do not change it."""
    require_postgres()
    with fresh_schema() as schema:
        load_crm_into_postgres(tiny_source, schema)
        yield schema


@pytest.fixture
def changing_schema(tiny_source: Path, tmp_path: Path) -> Iterator[str]:
    """A private copy of the CRM for a test that inserts, updates and deletes rows."""
    require_postgres()
    with fresh_schema("changing") as schema:
        load_crm_into_postgres(tiny_source, schema)
        yield schema


def _url_with_password(schema: str) -> str:
    # The server trusts loopback connections, so the password is accepted and ignored: what is tested is
    # that it never leaves the process.
    return source_url(schema).replace("postgres@", f"postgres:{PASSWORD}@")


@pytest.fixture(scope="module")
def postgres_run(crm_schema: str, tmp_path_factory: pytest.TempPathFactory):
    warehouse = tmp_path_factory.mktemp("pg_run") / "warehouse.duckdb"
    completed = run_quotas(
        "run", "--source", _url_with_password(crm_schema), "--warehouse", str(warehouse),
        "--as-of", TINY_AS_OF.isoformat(), "--timezone", TINY_TIMEZONE,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr[-3000:]
    return warehouse, completed


def test_a_run_on_the_postgres_crm_equals_a_run_on_the_same_files(postgres_run, tiny_warehouse: Path) -> None:
    warehouse, _ = postgres_run
    assert differing_rows(warehouse, tiny_warehouse, [f"marts.{mart}" for mart in RESULT_MARTS]) == {}


def test_the_run_reports_each_tables_extract_and_its_contract(postgres_run) -> None:
    _, completed = postgres_run
    assert "raw.deals: full, 3,000 rows pulled" in completed.stderr
    assert "contract deals: 3,000 rows, 6 expectations met" in completed.stderr
    assert "contracts: 12 tables validated, every expectation met" in completed.stdout


def test_the_password_of_the_source_url_never_appears_in_output_logs_or_warehouse(postgres_run) -> None:
    warehouse, completed = postgres_run
    assert PASSWORD not in completed.stdout and PASSWORD not in completed.stderr
    assert "postgres:***@127.0.0.1" in completed.stderr, "the URL is shown, masked"
    assert PASSWORD.encode() not in warehouse.read_bytes()


def _extract(warehouse: Path, schema: str, **options) -> dict[str, str]:
    report = extract_into_raw(warehouse, PostgresUrl.parse(source_url(schema)), ExtractOptions(**options))
    return {table.table: table.mode for table in report.tables}


def _raw_versions(warehouse: Path) -> dict[str, str]:
    with connect(warehouse, read_only=True) as con:
        return dict(con.execute("select table_name, version from _ingest.raw_versions").fetchall())


def _raw_tables() -> list[str]:
    return [f"raw.{table.name}" for table in ALL_TABLES]


def test_changes_in_the_source_are_merged_and_equal_a_full_re_extract(changing_schema: str, tmp_path: Path) -> None:
    warehouse = tmp_path / "incremental.duckdb"
    assert _extract(warehouse, changing_schema)["deals"] == "full"
    schema = f'"{changing_schema}"'
    execute(f"update {schema}.deals set amount = amount + 1, updated_at = now() where id in ('2', '3')")
    execute(
        f"insert into {schema}.deals select 'new-1', owner_id, name, 5000, currency, stage, 'won', created_at, "
        f"now(), now(), margin from {schema}.deals where id = '2'"
    )
    execute(f"delete from {schema}.leads where id in ('1', '2')")
    execute(f"delete from {schema}.activities where id = '1'")
    execute(f"insert into {schema}.activities values ('new-a', '1016', 'call', now(), now())")
    execute(f"update {schema}.users set name = 'Renamed Rep' where id = '1016'")
    report = extract_into_raw(warehouse, PostgresUrl.parse(source_url(changing_schema)), ExtractOptions())
    tables = {table.table: table for table in report.tables}
    assert tables["deals"].mode == tables["leads"].mode == tables["activities"].mode == "incremental"
    # the server counted deletions in leads and activities: their counts were compared, differed, and the
    # ids were compared in full; deals lost no row, so neither was needed there
    assert tables["leads"].key_check and tables["leads"].rows_deleted == 2
    assert tables["activities"].key_check and tables["activities"].rows_deleted == 1
    assert not tables["deals"].key_check
    # a table without updated_at is pulled again when, and only when, its rows changed
    assert tables["users"].mode == "full" and tables["teams"].mode == "unchanged"
    full = tmp_path / "full.duckdb"
    _extract(full, changing_schema)
    assert differing_rows(warehouse, full, _raw_tables()) == {}
    with connect(warehouse, read_only=True) as con:
        assert con.execute("select amount from raw.deals where id = 'new-1'").fetchone() == (5000.0,)
        assert con.execute("select count(*) from raw.leads where id in ('1', '2')").fetchone() == (0,)


def test_a_file_load_after_an_extract_reloads_the_event_tables_whole(
    crm_schema: str, tiny_source: Path, tmp_path: Path
) -> None:
    """The extract writes raw its own way: the files' change keys no longer describe it."""
    warehouse = tmp_path / "w.duckdb"
    load_source_into_raw(warehouse, tiny_source)
    extract_into_raw(warehouse, PostgresUrl.parse(source_url(crm_schema)), ExtractOptions())
    messages: list[str] = []
    load_source_into_raw(warehouse, tiny_source, progress=messages.append)
    events = [m for m in messages if m.split(":")[0] in ("loaded raw.deals", "loaded raw.activities")]
    assert len(events) == 2 and not any("(" in m for m in events), events


def test_a_row_committed_late_within_the_overlap_window_is_not_missed(changing_schema: str, tmp_path: Path) -> None:
    warehouse = tmp_path / "w.duckdb"
    _extract(warehouse, changing_schema)
    schema = f'"{changing_schema}"'
    # A transaction that began before the last extract and committed after it: its timestamp is older
    # than the newest one already seen.
    execute(
        f"insert into {schema}.leads select 'late-1', owner_id, status, created_at, "
        f"(select max(updated_at) from {schema}.leads) - interval '3 minutes' from {schema}.leads where id = '3'"
    )
    execute(f"delete from {schema}.leads where id = '4'")  # keeps the row count equal: no key comparison
    _extract(warehouse, changing_schema, key_check_every=100)
    with connect(warehouse, read_only=True) as con:
        assert con.execute("select count(*) from raw.leads where id = 'late-1'").fetchone() == (1,)


def test_a_deletion_hidden_by_a_very_late_insert_is_found_by_the_periodic_key_comparison(
    changing_schema: str, tmp_path: Path
) -> None:
    warehouse = tmp_path / "w.duckdb"
    _extract(warehouse, changing_schema)
    schema = f'"{changing_schema}"'
    # One row deleted, and one committed with a timestamp far older than the overlap window: the watermark
    # misses the insert, so the row counts still agree and only a full comparison of ids can tell.
    execute(f"delete from {schema}.leads where id = '5'")
    execute(
        f"insert into {schema}.leads select 'ancient-1', owner_id, status, created_at, timestamptz '2020-01-01' "
        f"from {schema}.leads where id = '6'"
    )
    _extract(warehouse, changing_schema, key_check_every=100)
    with connect(warehouse, read_only=True) as con:
        seen = con.execute("select id from raw.leads where id in ('5', 'ancient-1')").fetchall()
    assert seen == [("5",)], "between two key comparisons the watermark alone cannot see either change"
    report = extract_into_raw(
        warehouse, PostgresUrl.parse(source_url(changing_schema)), ExtractOptions(key_check_every=1)
    )
    leads = next(table for table in report.tables if table.table == "leads")
    assert leads.key_check and leads.rows_deleted == 1
    full = tmp_path / "full.duckdb"
    _extract(full, changing_schema)
    assert differing_rows(warehouse, full, _raw_tables()) == {}


def test_a_table_without_updated_at_is_pulled_again_exactly_when_a_row_changed(
    changing_schema: str, tmp_path: Path
) -> None:
    warehouse = tmp_path / "w.duckdb"
    _extract(warehouse, changing_schema)
    first_versions = _raw_versions(warehouse)
    modes = _extract(warehouse, changing_schema)
    second_versions = _raw_versions(warehouse)
    assert {name for name, mode in modes.items() if mode == "unchanged"} == {
        "teams", "users", "team_memberships", "deal_splits", "fx_rates", "quota_periods", "quotas", "goals",
        "goal_milestones",
    }  # fmt: skip
    schema = f'"{changing_schema}"'
    # one value changed, the row count kept: only the fingerprint of the rows can tell
    execute(
        f"update {schema}.quotas set target_value = target_value + 1 where id = (select min(id) from {schema}.quotas)"
    )
    # two rates swapping days: the column holds the same values, the rows are not the same
    execute(
        f"""with two as (
                select currency, rate_date, rate_to_usd, row_number() over (order by rate_date) as n
                from {schema}.fx_rates where currency = 'EUR' order by rate_date limit 2)
            update {schema}.fx_rates as f set rate_to_usd = other.rate_to_usd
            from two as this join two as other on other.n = 3 - this.n
            where f.currency = this.currency and f.rate_date = this.rate_date"""
    )
    execute(f"delete from {schema}.goal_milestones where id = (select min(id) from {schema}.goal_milestones)")
    modes = _extract(warehouse, changing_schema)
    assert modes["quotas"] == modes["fx_rates"] == modes["goal_milestones"] == "full"
    assert modes["users"] == modes["deal_splits"] == "unchanged"
    # what dbt's reusable tables go by: an untouched table keeps its version, a pulled one gets a new one
    assert {name for name, mode in modes.items() if mode == "unchanged"} <= {
        name for name, version in second_versions.items() if version == first_versions[name]
    }
    third_versions = _raw_versions(warehouse)
    assert {name for name in third_versions if third_versions[name] != second_versions[name]} >= {
        "quotas", "fx_rates", "goal_milestones",
    }  # fmt: skip
    assert third_versions["users"] == second_versions["users"] == first_versions["users"]
    full = tmp_path / "full.duckdb"
    _extract(full, changing_schema)
    assert differing_rows(warehouse, full, _raw_tables()) == {}


def test_a_view_is_fingerprinted_by_its_rows_and_every_table_is_pulled_whole_periodically(
    changing_schema: str, tmp_path: Path
) -> None:
    schema = f'"{changing_schema}"'
    # a view has no row versions to sum: its fingerprint hashes its rows
    execute(f"alter table {schema}.quotas rename to quotas_data")
    execute(f"create view {schema}.quotas as select * from {schema}.quotas_data")
    warehouse = tmp_path / "w.duckdb"
    _extract(warehouse, changing_schema, key_check_every=3)
    assert _extract(warehouse, changing_schema, key_check_every=3)["quotas"] == "unchanged"
    execute(f"update {schema}.quotas_data set weight = 2 where id = (select min(id) from {schema}.quotas_data)")
    modes = _extract(warehouse, changing_schema, key_check_every=3)
    assert modes["quotas"] == "full" and modes["teams"] == "unchanged"
    # the third run since teams was last pulled pulls it again, changed or not
    assert _extract(warehouse, changing_schema, key_check_every=3)["teams"] == "full"
    full = tmp_path / "full.duckdb"
    _extract(full, changing_schema)
    assert differing_rows(warehouse, full, _raw_tables()) == {}


def test_without_a_unique_key_every_copy_of_a_changed_id_is_pulled(changing_schema: str, tmp_path: Path) -> None:
    schema = f'"{changing_schema}"'
    # a source whose ids are not guaranteed unique, holding two rows of lead 7
    execute(f"alter table {schema}.leads drop constraint leads_pkey")
    execute(f"create index on {schema}.leads (id)")
    execute(
        f"insert into {schema}.leads select id, owner_id, 'copy', created_at, updated_at "
        f"from {schema}.leads where id = '7'"
    )
    warehouse = tmp_path / "w.duckdb"
    _extract(warehouse, changing_schema)
    # one of the two copies changes: pulling the changed row alone would leave raw one copy short
    execute(f"update {schema}.leads set status = 'changed', updated_at = now() where id = '7' and status = 'copy'")
    assert _extract(warehouse, changing_schema)["leads"] == "incremental"
    with connect(warehouse, read_only=True) as con:
        statuses = con.execute("select status from raw.leads where id = '7' order by status").fetchall()
    assert len(statuses) == 2 and ("changed",) in statuses
    full = tmp_path / "full.duckdb"
    _extract(full, changing_schema)
    assert differing_rows(warehouse, full, _raw_tables()) == {}


def test_a_warehouse_extracted_before_change_marks_existed_goes_on_incrementally(
    changing_schema: str, tmp_path: Path
) -> None:
    warehouse = tmp_path / "w.duckdb"
    _extract(warehouse, changing_schema)
    with connect(warehouse) as con:
        con.execute("alter table _ingest.extract_state drop column change_mark")
    execute(f"delete from \"{changing_schema}\".activities where id = '2'")
    modes = _extract(warehouse, changing_schema)
    assert modes["activities"] == "incremental" and modes["users"] == "full"
    full = tmp_path / "full.duckdb"
    _extract(full, changing_schema)
    assert differing_rows(warehouse, full, _raw_tables()) == {}


def test_a_batch_that_breaks_the_contract_fails_its_asset_check_as_a_warning(
    changing_schema: str, tmp_path: Path
) -> None:
    schema = f'"{changing_schema}"'
    execute(f"update {schema}.deals set amount = -1 where id in ('7', '8')")
    execute(f"update {schema}.activities set type = 'fax' where id = '9'")
    settings = PipelineSettings(source=source_url(changing_schema), warehouse=str(tmp_path / "w.duckdb"))
    result = dg.materialize([raw_source_tables], resources={"pipeline": settings})
    assert result.success, "a broken contract warns; the rows are quarantined later and the run goes on"
    checks = {evaluation.asset_key.path[-1]: evaluation for evaluation in result.get_asset_check_evaluations()}
    assert set(checks) == {table.name for table in ALL_TABLES}
    assert {name for name, evaluation in checks.items() if not evaluation.passed} == {"deals", "activities"}
    assert checks["deals"].severity == dg.AssetCheckSeverity.WARN
    broken = checks["deals"].metadata["broken"].value
    assert "expect_column_values_to_be_between` on `amount`: 2 rows" in str(broken)


def test_an_unreachable_server_fails_with_one_line_that_hides_the_password(tmp_path: Path) -> None:
    url = f"postgresql://postgres:{PASSWORD}@127.0.0.1:1/test"
    completed = run_quotas("run", "--source", url, "--warehouse", str(tmp_path / "w.duckdb"), "--as-of", "2025-01-01")
    assert completed.returncode == 1
    lines = completed.stderr.strip().splitlines()
    assert len(lines) == 1 and "cannot connect" in lines[0] and "Connection refused" in lines[0], lines
    assert PASSWORD not in completed.stderr + completed.stdout
    assert not (tmp_path / "w.duckdb").exists()


def test_an_unknown_role_fails_with_one_line(tmp_path: Path) -> None:
    require_postgres()
    url = f"postgresql://nobody_here:{PASSWORD}@127.0.0.1:5432/test"
    completed = run_quotas("run", "--source", url, "--warehouse", str(tmp_path / "w.duckdb"), "--as-of", "2025-01-01")
    assert completed.returncode == 1
    assert 'role "nobody_here" does not exist' in completed.stderr and len(completed.stderr.strip().splitlines()) == 1
    assert PASSWORD not in completed.stderr + completed.stdout


def test_a_missing_table_or_a_wrongly_typed_column_names_it_and_changes_nothing(
    changing_schema: str, tmp_path: Path
) -> None:
    warehouse = tmp_path / "w.duckdb"
    _extract(warehouse, changing_schema)
    before = warehouse.read_bytes()
    schema = f'"{changing_schema}"'
    execute(f"drop table {schema}.leads")
    completed = run_quotas("run", "--source", source_url(changing_schema), "--warehouse", str(warehouse))
    assert completed.returncode == 1
    assert f"table leads: required table is missing from schema {changing_schema}" in completed.stderr
    execute(f"alter table {schema}.deals alter column amount type boolean using amount > 0")
    completed = run_quotas("run", "--source", source_url(changing_schema), "--warehouse", str(warehouse))
    assert completed.returncode == 1
    assert (
        f"table deals: column 'amount' in {changing_schema}.deals has type BOOLEAN, expected number" in completed.stderr
    )
    assert warehouse.read_bytes() == before
