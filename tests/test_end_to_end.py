"""`quotas run` on realistic data, every mart checked against the independent reference computation."""

from __future__ import annotations

import csv
import shutil
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from tests.conftest import MAVEN_AS_OF, MAVEN_TIMEZONE, PANDAS_IMPORTS, TINY_AS_OF, TINY_TIMEZONE
from tests.fixtures.maven_crm import MAVEN_DIR
from tests.reference.quota_math import compute_expected_marts
from tests.support.mart_comparison import assert_marts_match_reference, compare_rows
from tests.support.warehouse import RESULT_MARTS, build_warehouse, differing_rows, read_mart, reload_source


def test_every_mart_of_the_generated_crm_equals_the_reference_computation(
    tiny_source: Path, tiny_warehouse: Path
) -> None:
    expected = compute_expected_marts(tiny_source, TINY_AS_OF, TINY_TIMEZONE)
    assert len(expected.quotas) > 1000, "the generated CRM should carry quotas at every level"
    assert_marts_match_reference(tiny_warehouse, expected)


def test_a_run_never_imports_pandas(tiny_warehouse: Path) -> None:
    """A run needs nothing of pandas; DuckDB imports it (with numpy and pyarrow, ~0.6 s of the start-up)
    for the first statement given parameters or a registered Arrow table, so values go in as literals.
    The fixture's run had a stand-in for pandas on its path that notes any import."""
    notes = tiny_warehouse.parent / PANDAS_IMPORTS
    assert not notes.exists(), f"pandas was imported by:\n{notes.read_text()[-4000:]}"


def test_every_mart_of_the_maven_crm_equals_the_reference_computation(
    maven_source: Path, maven_warehouse: Path
) -> None:
    expected = compute_expected_marts(maven_source, MAVEN_AS_OF, MAVEN_TIMEZONE)
    assert_marts_match_reference(maven_warehouse, expected)


def test_the_maven_company_revenue_is_the_sum_of_won_close_values_dated_in_chicago(
    maven_warehouse: Path,
) -> None:
    # Maven close dates are bare dates, i.e. midnight UTC: 19:00 the day before in Chicago. So the year to
    # June 10 (Chicago) holds the deals whose UTC close date is 2 January .. 11 June.
    with (MAVEN_DIR / "sales_pipeline.csv").open(newline="") as handle:
        total = sum(
            float(row["close_value"])
            for row in csv.DictReader(handle)
            if row["deal_stage"] == "Won"
            and date(2017, 1, 1) <= date.fromisoformat(row["close_date"]) - timedelta(days=1) <= MAVEN_AS_OF
        )
    [company] = read_mart(
        maven_warehouse,
        "quota_rollups",
        "scope_type = 'company' and period_id = 'FY2017' and metric_type = 'revenue'",
    )
    assert total > 0
    assert company["current_value"] == pytest.approx(total, rel=1e-9)


def test_the_maven_rep_who_moved_in_may_credits_both_teams_in_the_second_quarter(
    maven_warehouse: Path,
) -> None:
    rollups = {
        row["team_id"]: row["current_value"]
        for row in read_mart(
            maven_warehouse,
            "quota_rollups",
            "scope_type = 'team' and period_id = 'FY2017-Q2' and metric_type = 'deals'",
        )
    }
    assert rollups["t04"] > 0 and rollups["t05"] > 0


def _as_parquet(csv_source: Path, out: Path) -> Path:
    """The CRM's CSV files as Parquet, columns typed as DuckDB reads them (numeric ids become integers)."""
    out.mkdir()
    for csv_file in csv_source.glob("*.csv"):
        target = out / f"{csv_file.stem}.parquet"
        duckdb.sql(f"copy (select * from read_csv('{csv_file}')) to '{target}' (format parquet)")
    return out


def test_a_parquet_source_with_integer_ids_gives_the_same_marts_as_its_csv(
    tiny_source: Path, tiny_warehouse: Path, tmp_path: Path
) -> None:
    parquet_source = _as_parquet(tiny_source, tmp_path / "parquet_crm")
    warehouse = build_warehouse(parquet_source, tmp_path / "warehouse.duckdb", TINY_AS_OF, TINY_TIMEZONE)
    problems = compare_rows(
        "leaderboard",
        read_mart(warehouse, "leaderboard"),
        read_mart(tiny_warehouse, "leaderboard"),
        key=lambda row: (row["quota_id"],),
        numbers=("current_value", "target_value", "attainment_percent", "vs_quota"),
        exact=("rank", "team_rank", "team_id", "user_id", "period_id"),
    )
    problems += compare_rows(
        "quota_rollups",
        read_mart(warehouse, "quota_rollups"),
        read_mart(tiny_warehouse, "quota_rollups"),
        key=lambda row: (
            row["scope_type"],
            row["team_id"],
            row["period_id"],
            row["metric_type"],
            row["metric_field"],
        ),
        numbers=("current_value", "target_value", "member_target_sum"),
    )
    assert not problems, problems[:20]


def test_a_warehouse_built_from_text_ids_then_from_integer_ids_equals_one_built_from_integer_ids(
    tiny_source: Path, tiny_dbt_warehouse: Path, tmp_path: Path
) -> None:
    """The same CRM exported as Parquet: the deals', leads' and activities' ids arrive as integers, the
    ledger's tables kept from the CSV build (text ids) are rebuilt, and every mart is as a fresh build's."""
    parquet_source = _as_parquet(tiny_source, tmp_path / "parquet_crm")
    fresh = build_warehouse(parquet_source, tmp_path / "fresh" / "warehouse.duckdb", TINY_AS_OF, TINY_TIMEZONE)
    switched = tmp_path / "switched" / "warehouse.duckdb"
    switched.parent.mkdir()
    shutil.copy(tiny_dbt_warehouse, switched)
    reload_source(switched, parquet_source, TINY_AS_OF, TINY_TIMEZONE)
    with duckdb.connect(str(switched), read_only=True) as con:
        kept = con.execute("select typeof(deal_id) from intermediate.int_deals_checked limit 1").fetchone()
    assert kept == ("BIGINT",)
    assert differing_rows(switched, fresh, [f"marts.{mart}" for mart in (*RESULT_MARTS, "quarantine")]) == {}
