"""A daily run recomputes only the credit dates whose input changed, and gives what a full refresh gives.

The daily-value models are incremental on credit dates (int_ledger_changed_dates), the target values on
the as-of date and those dates (macros/valuation.sql), the marts' rows on periods (macros/kept_by_period.sql).
Here a warehouse built on the evening before from the tiny CRM without one day's events is brought up to
date with the full CRM the next day, then through an FX rate change and a renamed rep; after each run every
mart and every daily-value table equals, row for row, a warehouse built from scratch on the same source as
of the same day. The ledger tables that depend on the raw tables alone (`reusable_table`) are reused when
none of their inputs changed, and rebuilt when one did.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from orchestration.dbt_invocation import dbt_pipeline_build_args, dbt_pipeline_test_args, dbt_settings_environment
from orchestration.defs.transform.dbt_server import DbtInvocation, DbtInvocationError
from orchestration.defs.transform.project import DBT_PROJECT_DIR, code_version
from orchestration.serving.kept_marts import KEPT_MARTS
from orchestration.serving.kept_parquet import kept_parquet_path, period_file_stem
from orchestration.serving.paths import ServingPaths
from orchestration.serving.serving_copy import publish_serving_copy
from orchestration.settings import CompanySettings
from orchestration.source_loading import load_source_into_raw
from orchestration.warehouse import connect
from tests.conftest import TINY_AS_OF, TINY_TIMEZONE
from tests.support.source_edits import copy_source, rewrite_csv, without_events_of_day
from tests.support.warehouse import (
    build_warehouse,
    copy_warehouse,
    reload_source,
    reusable_models,
    reused_tables,
    run_dbt,
    write_snapshots,
)

MISSING_DAY = "2025-11-12"  # UTC date prefix of the events left out of the first source
COMPARED = [
    "marts.quota_periods",
    "marts.quotas",
    "marts.quota_progress",
    "marts.quota_rollups",
    "marts.leaderboard",
    "marts.quota_snapshots",
    "marts.goals",
    "marts.goal_milestones",
    "marts.quota_history",
    "marts.quarantine",
    "intermediate.int_credits_daily",
    "intermediate.int_deals_checked",
    "intermediate.int_activities_rejected",
    "intermediate.int_leads_rejected",
    "intermediate.int_series_daily_values",
    "intermediate.int_rollup_daily_values",
    "intermediate.int_rollup_target_daily_values",
]


@pytest.fixture(scope="module")
def evening_before_warehouse(tiny_source: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny CRM without the events of its last day, built as of the evening before: the starting point
    of a daily run (shared by this module's tests; each works on a copy)."""
    directory = tmp_path_factory.mktemp("evening_before")
    warehouse = directory / "warehouse.duckdb"
    build_warehouse(
        without_events_of_day(tiny_source, directory / "crm_without_day", MISSING_DAY),
        warehouse,
        TINY_AS_OF - timedelta(days=1),
        TINY_TIMEZONE,
    )
    return warehouse


def _with_changed_rate(source: Path, target: Path) -> Path:
    out = copy_source(source, target)
    currency, rate_date = duckdb.sql(
        f"select currency, rate_date from read_csv('{out / 'fx_rates.csv'}', all_varchar = true) "
        "where currency <> 'USD' order by rate_date desc limit 1"
    ).fetchone()
    rewrite_csv(
        out / "fx_rates.csv",
        f"* replace (case when currency = '{currency}' and rate_date = '{rate_date}' "
        "then cast(cast(rate_to_usd as double) * 1.25 as varchar) else rate_to_usd end as rate_to_usd)",
    )
    return out


def _rows(warehouse: Path) -> dict[str, list[tuple]]:
    """Every compared table as of TINY_AS_OF (a warehouse built on an earlier day also holds its snapshots)."""
    with connect(warehouse, read_only=True) as con:
        tables = {
            name: con.execute(f"select * from {name} {_as_of_filter(name)} order by all").fetchall()
            for name in COMPARED
        }
        tables["intermediate.int_target_values"] = con.execute(
            "select * exclude (valued_as_of) from intermediate.int_target_values order by all"
        ).fetchall()
    return tables


def _as_of_filter(name: str) -> str:
    return f"where snapshot_date = date '{TINY_AS_OF}'" if name == "marts.quota_snapshots" else ""


def _revalued_targets(warehouse: Path) -> set[tuple[str, str]]:
    """The targets whose value the last run computed (the others were kept from an earlier run)."""
    with connect(warehouse, read_only=True) as con:
        rows = con.execute(
            "select target_kind, target_id from intermediate.int_target_values "
            f"where valued_as_of = date '{TINY_AS_OF}'"
        ).fetchall()
    return set(rows)


def _targets_near(warehouse: Path, first_day: date, last_day: date, changed: set[date]) -> set[tuple[str, str]]:
    """The targets a run must value again, worked out here from their ranges: those overlapping the days
    from a week before the earlier as-of date to the later one, or holding a recomputed credit date."""
    with connect(warehouse, read_only=True) as con:
        targets = con.execute("select target_kind, target_id, start_date, end_date from intermediate.int_targets")
        return {
            (kind, target_id)
            for kind, target_id, start, end in targets.fetchall()
            if (end >= first_day - timedelta(days=7) and start <= last_day)
            or any(start <= day <= end for day in changed)
        }


def _served_differences(warehouse: Path, serving: ServingPaths) -> dict[str, int]:
    """Per kept mart, the rows in which the serving file and the warehouse differ (either way)."""
    with duckdb.connect(str(serving.database), read_only=True) as con:
        con.execute(f"attach '{warehouse}' as build (read_only)")
        return {
            mart: con.execute(
                f"select count(*) from ((from quotas.marts.{mart} except all from build.marts.{mart}) "
                f"union all (from build.marts.{mart} except all from quotas.marts.{mart}))"
            ).fetchone()[0]  # type: ignore[index]
            for mart in KEPT_MARTS
        }


def _parquet_differences(warehouse: Path, serving: ServingPaths) -> dict[str, int]:
    """Per kept mart, the rows in which the current Parquet version (its files' glob, the as-of date read
    from their directory) and the warehouse differ (either way), comparing the warehouse's columns by name."""
    version = Path(os.path.realpath(serving.current(serving.parquet)))
    with duckdb.connect(str(warehouse), read_only=True) as con:
        differences = {}
        for mart in KEPT_MARTS:
            columns = ", ".join(name for (name, *_) in con.execute(f"describe marts.{mart}").fetchall())
            files = f"(select {columns} from read_parquet('{version / kept_parquet_path(mart)}'))"
            differences[mart] = con.execute(
                f"select count(*) from ((from {files} except all from marts.{mart}) "
                f"union all (from marts.{mart} except all from {files}))"
            ).fetchone()[0]  # type: ignore[index]
        return differences


def _periods_written_again(serving: ServingPaths, previous_version: Path) -> dict[str, set[str]]:
    """Per kept mart, the period files of the current Parquet version that are not links to a file of
    `previous_version` (by file name stem, as kept_parquet.py names them)."""
    version = Path(os.path.realpath(serving.current(serving.parquet)))
    earlier = {path.stat().st_ino for path in previous_version.rglob("*.parquet")}
    return {
        mart: {
            path.name.split(".")[0]
            for path in (version / mart).glob("*/*.parquet")
            if path.stat().st_ino not in earlier
        }
        for mart in KEPT_MARTS
    }


def _quota_values(warehouse: Path) -> dict[str, tuple]:
    """Every quota's period and numbers as the marts show them."""
    with connect(warehouse, read_only=True) as con:
        rows = con.execute("select quota_id, period_id, current_value, week_delta from marts.quota_progress")
        return {quota_id: (period_id, value, delta) for quota_id, period_id, value, delta in rows.fetchall()}


def _periods_to_recompute(warehouse: Path, before: dict[str, tuple], first_day: date, last_day: date) -> set[str]:
    """The periods whose mart rows a run must compute again, worked out here from the marts before and
    after it: a quota's value or week's change differs, or the period's range meets the days from a week
    before the earlier as-of date to the later one."""
    after = _quota_values(warehouse)
    changed = {after[quota][0] for quota in after.keys() | before.keys() if after.get(quota) != before.get(quota)}
    with connect(warehouse, read_only=True) as con:
        periods = con.execute("select id, start_date, end_date from marts.quota_periods").fetchall()
    near = {period for period, start, end in periods if end >= first_day - timedelta(days=7) and start <= last_day}
    return changed | near


def _recomputed_periods(warehouse: Path, model: str) -> set[str]:
    with connect(warehouse, read_only=True) as con:
        rows = con.execute(
            f"select distinct period_id from intermediate.{model} where computed_as_of = date '{TINY_AS_OF}'"
        ).fetchall()
    return {period for (period,) in rows}


def _recomputed_dates(warehouse: Path) -> set[date]:
    with connect(warehouse, read_only=True) as con:
        rows = con.execute(
            "select credit_date from intermediate.int_ledger_changed_dates "
            "where needs_recompute and credit_date is not null"
        ).fetchall()
    return {day for (day,) in rows}


def _series_daily_values(warehouse: Path, table: str = "int_series_daily_values") -> dict[tuple, object]:
    """The series' daily values by series and date (or, from `int_series_daily_value_changes`, the new
    values a run wrote)."""
    with connect(warehouse, read_only=True) as con:
        rows = con.execute(f"select series_id, credit_date, daily_value from intermediate.{table}")
        return {(series, day): value for series, day, value in rows.fetchall()}


def _build_models(warehouse: Path, exclude: str = "tag:snapshot_history", full_refresh: bool = False) -> None:
    """dbt's build of the models as of TINY_AS_OF, as a daily run's (the snapshot history left out), on
    the raw tables `warehouse` holds."""
    run_dbt(
        warehouse,
        dbt_pipeline_build_args(full_refresh=full_refresh, exclude=exclude),
        warehouse.parent / "dbt_target",
        settings=dbt_settings_environment(TINY_AS_OF, CompanySettings(timezone=TINY_TIMEZONE)),
    )


def _daily_run(warehouse: Path, source: Path) -> set[str]:
    """What a daily run does to the models: bring everything up to date, then write D's snapshots.
    Returns the reusable tables the models' invocation reused."""
    reload_source(warehouse, source, TINY_AS_OF, TINY_TIMEZONE)
    reused = reused_tables(warehouse)
    write_snapshots(warehouse, TINY_AS_OF, TINY_AS_OF, TINY_TIMEZONE)
    return reused


def test_an_incremental_run_recomputes_the_new_days_and_equals_a_full_refresh(
    tiny_source: Path, tiny_dbt_warehouse: Path, evening_before_warehouse: Path, tmp_path: Path
) -> None:
    warehouse = copy_warehouse(evening_before_warehouse, tmp_path / "incremental")
    evening_before = TINY_AS_OF - timedelta(days=1)
    all_dates = _recomputed_dates(warehouse)
    values_the_evening_before = _quota_values(warehouse)
    serving = ServingPaths(tmp_path / "serving")
    assert publish_serving_copy(warehouse, serving).copied_periods == dict.fromkeys(KEPT_MARTS, "all")
    source = copy_source(tiny_source, tmp_path / "crm")
    daily_values_the_evening_before = _series_daily_values(warehouse)

    # the next day, with that day's events, from another directory: a new source, so every table is
    # loaded and every reusable table built
    assert _daily_run(warehouse, source) == set()
    with connect(warehouse, read_only=True) as con:
        for event in ("deal", "lead", "activity"):  # the day's events are added to the ledger, not rebuilt
            rebuilt = f"select bool_or(full_rebuild) from intermediate.int_{event}_ledger_changes"
            assert con.execute(rebuilt).fetchone() == (False,)
    recomputed = _recomputed_dates(warehouse)
    # only the local dates of the day's events (in New York, a UTC day spans two local dates)
    assert recomputed and recomputed <= {date(2025, 11, 11), date(2025, 11, 12)}
    assert len(all_dates) > 300
    # the series' daily values changed are exactly those that differ from the evening before's, all on
    # recomputed dates, and fewer than the values of those dates: only they were deleted and written
    changes = _series_daily_values(warehouse, "int_series_daily_value_changes")
    daily_values = _series_daily_values(warehouse)
    assert changes == {
        key: daily_values.get(key)
        for key in daily_values.keys() | daily_values_the_evening_before.keys()
        if daily_values.get(key) != daily_values_the_evening_before.get(key)
    }
    assert changes and {day for _, day in changes} <= recomputed
    assert len(changes) < len([key for key in daily_values if key[1] in recomputed])
    # the targets near either as-of date or holding a recomputed date are valued again, and only those
    revalued = _revalued_targets(warehouse)
    assert revalued == _targets_near(warehouse, evening_before, TINY_AS_OF, recomputed)
    with connect(warehouse, read_only=True) as con:
        (targets,) = con.execute("select count(*) from intermediate.int_targets").fetchone()
    assert 0 < len(revalued) < targets / 2
    # the individual targets' values are the evening's plus the day's changes to their series, not
    # looked up in the running totals again
    assert _target_values_added_changes(warehouse)
    # the day's snapshot read the values just computed for that day, instead of the running totals
    (compiled,) = (warehouse.parent / "dbt_target" / "compiled").rglob("quota_snapshots.sql")
    assert "values_of_the_day" in compiled.read_text()
    # the deals' credit shares are checked for the deals closed on the dates the deals' ledger recomputed,
    # named by the shares' own close dates
    with connect(warehouse, read_only=True) as con:
        deal_dates = {
            day.isoformat()
            for (day,) in con.execute(
                "select credit_date from intermediate.int_deal_recomputed_dates where credit_date is not null"
            ).fetchall()
        }
    (shares_check,) = (warehouse.parent / "dbt_target" / "compiled").rglob(f"{SHARES_CHECK.split('.')[-1]}.sql")
    assert deal_dates and "where closed_on in (" in shares_check.read_text()
    assert set(re.findall(r"date '([\d-]+)'", shares_check.read_text())) == deal_dates
    assert _rows(warehouse) == _rows(tiny_dbt_warehouse)
    # the marts' rows are computed again only for the periods whose quotas' values changed or whose range
    # is near either as-of date; every other period's rows are kept from the evening before
    expected = _periods_to_recompute(warehouse, values_the_evening_before, evening_before, TINY_AS_OF)
    with connect(warehouse, read_only=True) as con:
        (periods,) = con.execute("select count(*) from marts.quota_periods").fetchone()
    assert 0 < len(expected) < periods / 2
    assert _recomputed_periods(warehouse, "int_quota_progress_rows") == expected
    assert _recomputed_periods(warehouse, "int_quotas_rows") == expected
    # the marts' tests read those periods' rows only: the others were checked by the runs that wrote them
    assert _tested_periods(warehouse, "unique_quota_progress_quota_id") == expected
    # individual quotas only; started periods only; periods with a changed credit date too (none here beyond)
    for model in ("int_leaderboard_rows", "int_quota_history_rows", "int_quota_rollups_rows"):
        assert _recomputed_periods(warehouse, model) <= expected
        assert len(_recomputed_periods(warehouse, model)) > 0
    # the publication copies those periods into the serving file, dates the other rows D, and serves
    # exactly the warehouse's marts
    evening_version = Path(os.path.realpath(serving.current(serving.parquet)))
    publication = publish_serving_copy(warehouse, serving)
    for mart, model in KEPT_MARTS.items():
        assert publication.copied_periods[mart] == len(_recomputed_periods(warehouse, model))
    assert _served_differences(warehouse, serving) == dict.fromkeys(KEPT_MARTS, 0)
    # so do its Parquet files, of which only the copied periods' are written: the others are the evening's
    # files, linked into the new version's as-of directory
    assert _parquet_differences(warehouse, serving) == dict.fromkeys(KEPT_MARTS, 0)
    assert _periods_written_again(serving, evening_version) == {
        mart: {period_file_stem(period) for period in _recomputed_periods(warehouse, model)}
        for mart, model in KEPT_MARTS.items()
    }

    # an FX rate changes in its file, and a deal's amount in its own: every date is recomputed, the
    # reusable tables that read the rates or the deals' rows are rebuilt and the others reused, and the
    # result is again a full refresh's
    changed = _with_changed_rate(source, tmp_path / "crm_changed_rate")
    rewrite_csv(
        changed / "deals.csv",
        "* replace (case when id = (select min(id) from rows where status = 'won') "
        "then cast(cast(amount as double) * 2 as varchar) else amount end as amount)",
    )
    for name in ("fx_rates.csv", "deals.csv"):
        shutil.copy(changed / name, source / name)
    rebuilt = _reusable_tables() - _daily_run(warehouse, source)
    assert "intermediate.int_fx_rates_daily" in rebuilt  # reads fx_rates
    assert "intermediate.int_deal_hour_fingerprints" in rebuilt  # reads the deals' rows
    assert "intermediate.int_activity_hour_fingerprints" not in rebuilt  # reads neither
    assert "intermediate.int_quotas_checked" not in rebuilt  # reads only which columns deals has
    assert set(_confirmed_fingerprints(warehouse).values()) == {True}
    assert len(_recomputed_dates(warehouse)) > 300
    assert len(_revalued_targets(warehouse)) == targets  # another input changed: every target is valued again
    reference = build_warehouse(changed, tmp_path / "full_changed" / "warehouse.duckdb", TINY_AS_OF, TINY_TIMEZONE)
    assert _rows(warehouse) == _rows(reference)


def _target_values_added_changes(warehouse: Path) -> bool:
    """Whether the last build of int_target_values valued its individual targets by adding the run's
    changes to the values it kept (macros/valuation.sql), rather than from the running totals."""
    (compiled,) = (warehouse.parent / "dbt_target" / "compiled").rglob("int_target_values.sql")
    sql = compiled.read_text()
    assert ("changed_sums as (" in sql) != ("looked_up as (" in sql)
    return "changed_sums as (" in sql


def _last_invocation(warehouse: Path) -> str:
    return json.loads((warehouse.parent / "dbt_target" / "run_results.json").read_text())["metadata"]["invocation_id"]


def _tested_periods(warehouse: Path, test_name: str) -> set[str] | None:
    """The periods the last invocation's data test read (None: it read every row)."""
    found = re.search(r"where \(period_id in \(([^)]*)\)\)", _test_sql(warehouse, test_name))
    return None if found is None else {literal.strip().strip("'") for literal in found.group(1).split(",")}


def _test_sql(warehouse: Path, test_name: str) -> str:
    """The SQL the last invocation ran for a data test."""
    (path,) = (warehouse.parent / "dbt_target" / "run").rglob(f"{test_name}.sql")
    return path.read_text()


def _kept_bases(warehouse: Path) -> dict[str, frozenset[str]]:
    """The code versions the bases of the kept rows hold, per rows model."""
    query = "select distinct code_version from intermediate.{}_basis"
    with connect(warehouse, read_only=True) as con:
        return {
            model: frozenset(version for (version,) in con.execute(query.format(model)).fetchall())
            for model in KEPT_MARTS.values()
        }


def _periods_computed_by(warehouse: Path, model: str, invocation: str) -> set[str]:
    with connect(warehouse, read_only=True) as con:
        rows = con.execute(f"select distinct period_id from intermediate.{model} where computed_by = '{invocation}'")
        return {period for (period,) in rows.fetchall()}


def test_rows_kept_by_a_run_whose_mart_tests_did_not_pass_are_computed_and_checked_again(
    tiny_source: Path, tiny_dbt_warehouse: Path, evening_before_warehouse: Path, tmp_path: Path
) -> None:
    """The marts' tests read only the periods a run computed, so a basis is usable only once they passed:
    rows written by a run whose tests did not all run and pass are computed, and checked, by the next."""
    warehouse = copy_warehouse(evening_before_warehouse, tmp_path / "daily")
    assert _kept_bases(warehouse) == dict.fromkeys(KEPT_MARTS.values(), frozenset({code_version()}))  # its build passed
    load_source_into_raw(warehouse, copy_source(tiny_source, tmp_path / "crm"))
    settings = dbt_settings_environment(TINY_AS_OF, CompanySettings(timezone=TINY_TIMEZONE))
    target = warehouse.parent / "dbt_target"
    # the day's models without their tests
    run_dbt(warehouse, ["run", "--exclude", "tag:snapshot_history"], target, settings=settings)
    assert _kept_bases(warehouse) == dict.fromkeys(KEPT_MARTS.values(), frozenset({"unchecked"}))
    # a run of a mart's tests alone (without its rows' model) reads the whole mart, and confirms nothing
    run_dbt(warehouse, dbt_pipeline_test_args(["quota_progress"]), target, settings=settings)
    assert _tested_periods(warehouse, "unique_quota_progress_quota_id") is None
    assert _kept_bases(warehouse) == dict.fromkeys(KEPT_MARTS.values(), frozenset({"unchecked"}))
    # the next build computes every period again, and its tests read every row
    run_dbt(warehouse, dbt_pipeline_build_args(exclude="tag:snapshot_history"), target, settings=settings)
    invocation = _last_invocation(warehouse)
    with connect(warehouse, read_only=True) as con:
        for mart, model in KEPT_MARTS.items():
            (kept,) = con.execute(f"select count(distinct period_id) from intermediate.{model}").fetchone()
            assert kept > 0 and len(_periods_computed_by(warehouse, model, invocation)) == kept, mart
            (rows,) = con.execute(
                f"select count(*) from intermediate.{model} where computed_by <> '{invocation}'"
            ).fetchone()
            assert rows == 0, mart
    assert _kept_bases(warehouse) == dict.fromkeys(KEPT_MARTS.values(), frozenset({code_version()}))
    assert _tested_periods(warehouse, "unique_quota_progress_quota_id") == _periods_computed_by(
        warehouse, "int_quota_progress_rows", invocation
    )
    built, reference = _rows(warehouse), _rows(tiny_dbt_warehouse)
    for rows in (built, reference):
        del rows["marts.quota_snapshots"]  # the day's snapshots are not written here
    assert built == reference


def _reusable_tables() -> set[str]:
    return {f"{node['schema']}.{node['alias']}" for node in reusable_models().values()}


def _confirmed_fingerprints(warehouse: Path) -> dict[str, bool]:
    with connect(warehouse, read_only=True) as con:
        rows = con.execute("select model, confirmed from _dbt_state.table_fingerprints").fetchall()
    return {model.rsplit(".", 1)[-1]: confirmed for model, confirmed in rows}


SHARES_CHECK = "test.quotas.unique_combination_int_deal_credit_shares_deal_id__user_id"
RETIRED = (
    "int_target_daily_values",
    "int_individual_target_daily_values",
    "int_target_cumulative_values",
    "int_user_daily_values",
    "int_user_running_totals",
)


def _retired_relations_left(warehouse: Path) -> list[tuple]:
    listed = ", ".join(f"'{name}'" for name in RETIRED)
    with connect(warehouse, read_only=True) as con:
        return con.execute(
            "select table_name from information_schema.tables "
            f"where table_schema = 'intermediate' and table_name in ({listed})"
        ).fetchall()


def test_a_run_over_an_unchanged_source_recomputes_no_date_reuses_the_reusable_tables_and_drops_retired_ones(
    tiny_dbt_warehouse: Path, tiny_source: Path, tmp_path: Path
) -> None:
    reusable = _reusable_tables()
    assert {"intermediate.int_activity_hour_fingerprints", "intermediate.int_fx_rates_daily"} <= reusable
    warehouse = copy_warehouse(tiny_dbt_warehouse, tmp_path)
    assert set(_confirmed_fingerprints(warehouse).values()) == {True}
    with connect(warehouse) as con:
        # what a warehouse built before the running-sum design still holds
        for name in (RETIRED[0], RETIRED[1], RETIRED[3]):
            con.execute(f"create table intermediate.{name} as select 1 as stale")
        # and the running totals stored beside each daily value before they were summed at lookup
        con.execute(
            f"create table intermediate.{RETIRED[4]} as select 1 as series_id, date '2025-01-01' as credit_date, "
            "1.0 as daily_value, 1.0 as value_to_date"
        )
        con.execute(f"create view intermediate.{RETIRED[2]} as select 1 as stale")
        # and the rollups' daily values as they were stored before they were numbered: by name
        con.execute(
            "create or replace table intermediate.int_rollup_daily_values as select 'P' as context_id, "
            "'revenue' as metric_type, null as metric_field, 'company' as scope_type, null as team_id, "
            "date '2025-01-01' as credit_date, 1.0 as daily_value"
        )
    assert len(_retired_relations_left(warehouse)) == 5

    reload_source(warehouse, tiny_source, TINY_AS_OF, TINY_TIMEZONE)

    assert _recomputed_dates(warehouse) == set()
    assert reused_tables(warehouse) == reusable
    assert _retired_relations_left(warehouse) == []
    # the earlier shape was dropped and built again whole: the same rows as a first build's
    assert _rows(warehouse) == _rows(tiny_dbt_warehouse)
    # the reused rows passed their tests when they were built: the checks are not run on them again
    results = json.loads((warehouse.parent / "dbt_target" / "run_results.json").read_text())["results"]
    (check,) = [
        r
        for r in results
        if r["unique_id"].startswith("test.quotas.unique_combination_int_activity_hour_fingerprints_")
    ]
    assert check["status"] == "pass" and "where false" in check["compiled_code"]
    # nor on the daily values of the dates this run did not recompute (here: every date)
    (daily_check,) = [
        r for r in results if r["unique_id"].startswith("test.quotas.unique_combination_int_series_daily_values_")
    ]
    assert daily_check["status"] == "pass" and "int_ledger_changed_dates" in daily_check["compiled_code"]
    # the deals' credit shares: only those of the deals whose credits this run writes (here: none, so the
    # filter on their close dates is false); the first build, whose daily credits did not exist yet,
    # checked them all
    first_build = json.loads((tiny_dbt_warehouse.parent / "dbt_target" / "run_results.json").read_text())["results"]
    for run_results, restricted in ((first_build, False), (results, True)):
        (shares_check,) = [r for r in run_results if r["unique_id"].startswith(SHARES_CHECK)]
        assert shares_check["status"] == "pass"
        assert ("where false" in shares_check["compiled_code"]) is restricted

    # deals gain a numeric column (added in place: the file is unchanged, so the load keeps the table): a
    # custom quota may now name it, so the checked quotas, which read only the deals' columns, are rebuilt
    with connect(warehouse) as con:
        con.execute("alter table raw.deals add column seats integer default 1")
    reload_source(warehouse, tiny_source, TINY_AS_OF, TINY_TIMEZONE)
    rebuilt = reusable - reused_tables(warehouse)
    assert "intermediate.int_quotas_checked" in rebuilt
    assert "intermediate.int_activity_hour_fingerprints" not in rebuilt


def _leaderboard_names(warehouse: Path) -> list[tuple]:
    with connect(warehouse, read_only=True) as con:
        return con.execute("select quota_id, user_id, user_name from marts.leaderboard order by all").fetchall()


def _rollup_numbers(warehouse: Path) -> tuple[dict[tuple, int], dict[str | None, int]]:
    with connect(warehouse, read_only=True) as con:
        contexts = con.execute(
            "select context_id, metric_type, metric_field, context_key from intermediate.int_target_contexts"
        ).fetchall()
        receivers = con.execute("select team_id, receiver_key from intermediate.int_rollup_receivers").fetchall()
    return {row[:3]: row[3] for row in contexts}, dict(receivers)


def test_rollups_stored_by_number_equal_a_full_build_when_the_contexts_and_teams_are_numbered_anew(
    tiny_source: Path, tiny_dbt_warehouse: Path, tmp_path: Path
) -> None:
    warehouse = copy_warehouse(tiny_dbt_warehouse, tmp_path)
    contexts_before, receivers_before = _rollup_numbers(warehouse)
    # the first year's quotas are withdrawn and a team whose id sorts first is founded: every later
    # context and every team gets another number than the one the kept rollups were stored by (and the
    # withdrawn quotas' values must not stay among the kept target values)
    source = copy_source(tiny_source, tmp_path / "crm_renumbered")
    rewrite_csv(source / "quotas.csv", where="period_id <> 'FY2023'")
    rewrite_csv(source / "teams.csv", extra_rows="select '0' as id, 'Enablement' as name, null as parent_team_id")

    _daily_run(warehouse, source)

    contexts_after, receivers_after = _rollup_numbers(warehouse)
    kept_contexts = contexts_before.keys() & contexts_after.keys()
    assert any(contexts_after[key] != contexts_before[key] for key in kept_contexts)
    assert all(receivers_after[team] == receivers_before[team] + 1 for team in receivers_before if team is not None)
    reference = build_warehouse(source, tmp_path / "full" / "warehouse.duckdb", TINY_AS_OF, TINY_TIMEZONE)
    assert _rows(warehouse) == _rows(reference)


def test_a_renamed_rep_is_renamed_on_every_kept_row_and_kept_rows_gain_a_column_a_release_adds(
    tiny_dbt_warehouse: Path, tiny_source: Path, tmp_path: Path
) -> None:
    warehouse = copy_warehouse(tiny_dbt_warehouse, tmp_path)
    with connect(warehouse) as con:  # what the release before computed_by left
        for model in KEPT_MARTS.values():
            con.execute(f"alter table intermediate.{model} drop column computed_by")
    rep = min(user for _, user, _ in _leaderboard_names(tiny_dbt_warehouse))
    source = copy_source(tiny_source, tmp_path / "crm")
    rewrite_csv(source / "users.csv", f"* replace (case when id = '{rep}' then 'Rafaela Gupta' else name end as name)")

    reload_source(warehouse, source, TINY_AS_OF, TINY_TIMEZONE)

    with connect(warehouse, read_only=True) as con:
        for model in KEPT_MARTS.values():
            stamped = con.execute(f"select count(*) from intermediate.{model} where computed_by is not null")
            assert stamped.fetchone()[0] > 0  # type: ignore[index]
    # no value changed, but the rep's name is new on the rows of every period, past ones included
    expected = [
        (quota, user, "Rafaela Gupta" if user == rep else name)
        for quota, user, name in _leaderboard_names(tiny_dbt_warehouse)
    ]
    assert _leaderboard_names(warehouse) == expected
    with connect(warehouse, read_only=True) as con:
        renamed = "select count(distinct period_id) from marts.leaderboard where user_name = 'Rafaela Gupta'"
        assert con.execute(renamed).fetchone()[0] > 3  # type: ignore[index]
    rows, reference = _rows(warehouse), _rows(tiny_dbt_warehouse)
    for table in ("marts.quota_progress", "marts.quotas", "marts.quota_rollups", "intermediate.int_target_values"):
        assert rows[table] == reference[table]


def test_a_kept_mart_model_that_reads_an_input_no_fingerprint_follows_is_refused(
    tiny_dbt_warehouse: Path, tmp_path: Path
) -> None:
    project = tmp_path / "dbt_project"
    shutil.copytree(DBT_PROJECT_DIR, project, ignore=shutil.ignore_patterns("target", "logs"))
    model = project / "models" / "intermediate" / "marts_by_period" / "int_quota_progress_rows.sql"
    model.write_text("-- depends_on: {{ ref('int_deals_checked') }}\n" + model.read_text())
    warehouse = copy_warehouse(tiny_dbt_warehouse, tmp_path)
    compile_model = ["compile", "--select", "int_quota_progress_rows"]
    invocation = DbtInvocation(compile_model, project, tmp_path / "target", warehouse)

    with pytest.raises(DbtInvocationError) as refused:
        for _ in invocation.events():
            pass

    said = str(refused.value) + " ".join(invocation.errors)
    assert "keeps rows by period but reads model.quotas.int_deals_checked" in said


def test_a_table_whose_build_was_not_confirmed_or_dbt_without_the_code_version_rebuilds(
    tiny_dbt_warehouse: Path, tiny_source: Path, tmp_path: Path
) -> None:
    warehouse = copy_warehouse(tiny_dbt_warehouse, tmp_path)
    with connect(warehouse) as con:
        # what a build whose tests failed leaves: its fingerprint recorded, never confirmed
        con.execute(
            "update _dbt_state.table_fingerprints set confirmed = false "
            "where model = 'model.quotas.int_activity_hour_fingerprints'"
        )
    reload_source(warehouse, tiny_source, TINY_AS_OF, TINY_TIMEZONE)
    assert _reusable_tables() - reused_tables(warehouse) == {"intermediate.int_activity_hour_fingerprints"}
    assert _confirmed_fingerprints(warehouse)["int_activity_hour_fingerprints"] is True

    reload_source(warehouse, tiny_source, TINY_AS_OF, TINY_TIMEZONE, reuse_tables=False)
    assert reused_tables(warehouse) == set()
    assert _rows(warehouse) == _rows(tiny_dbt_warehouse)


def test_a_full_refresh_computes_every_daily_value_again_instead_of_comparing_with_the_stored_ones(
    tiny_dbt_warehouse: Path, tmp_path: Path
) -> None:
    warehouse = copy_warehouse(tiny_dbt_warehouse, tmp_path)
    # a stored daily value no run would recompute (its date's inputs are unchanged): only a full refresh
    # can mend it, by computing every date rather than the difference on the recomputed ones
    with connect(warehouse) as con:
        con.execute(
            "update intermediate.int_series_daily_values set daily_value = daily_value + 1 "
            "where (series_id, credit_date) in (select (series_id, credit_date) "
            "from intermediate.int_series_daily_values order by all limit 1)"
        )
    assert _rows(warehouse) != _rows(tiny_dbt_warehouse)

    _build_models(warehouse, full_refresh=True)

    assert _series_daily_values(warehouse, "int_series_daily_value_changes") == {}
    assert _rows(warehouse) == _rows(tiny_dbt_warehouse)


def _rewrite_records(warehouse: Path) -> list[tuple]:
    """The records of rewritten credit dates not yet covered by stored fingerprints."""
    with connect(warehouse, read_only=True) as con:
        return con.execute(
            "select credit_date, every_date from _dbt_state.rewritten_credit_dates order by all"
        ).fetchall()


def _stored_date_fingerprints(warehouse: Path) -> dict[date, int]:
    with connect(warehouse, read_only=True) as con:
        rows = con.execute(
            "select credit_date, fingerprint from intermediate.int_ledger_fingerprints where credit_date is not null"
        ).fetchall()
    return dict(rows)


def _hashed_credits(warehouse: Path) -> dict[date, int]:
    """Each credit date's fingerprint computed from the daily credits as they are now."""
    with connect(warehouse, read_only=True) as con:
        rows = con.execute(
            "select credit_date, sum(cast(hash(user_id, metric_type, metric_field, currency, credit_value, "
            "credit_count) as hugeint)) from intermediate.int_credits_daily group by credit_date"
        ).fetchall()
    return dict(rows)


def _spoil_stored_fingerprint(warehouse: Path, day: date) -> None:
    """A stored fingerprint that no longer describes its date's credits, as a lost record would leave."""
    with connect(warehouse) as con:
        con.execute(
            "update intermediate.int_ledger_fingerprints set fingerprint = fingerprint + 1 "
            f"where credit_date = date '{day}'"
        )


def test_a_run_that_stopped_after_rewriting_credits_leaves_records_the_next_run_hashes_and_no_other_date(
    tiny_source: Path, tiny_dbt_warehouse: Path, evening_before_warehouse: Path, tmp_path: Path
) -> None:
    """The next run finds the ledger unchanged (the stopped run stored its state), so only the records
    say which dates' daily values are stale; every other date keeps its stored fingerprint unread."""
    warehouse = copy_warehouse(evening_before_warehouse, tmp_path / "stopped")
    assert _rewrite_records(warehouse) == []  # a complete run consumes its records
    # the next day's source, in a run that stops once the credits are rewritten: no daily value, no
    # stored fingerprint
    source = copy_source(tiny_source, tmp_path / "crm")
    load_source_into_raw(warehouse, source)
    _build_models(warehouse, exclude="tag:snapshot_history int_ledger_changed_dates+")
    rewritten = {day for day, _ in _rewrite_records(warehouse)}
    assert rewritten and rewritten <= {date(2025, 11, 11), date(2025, 11, 12)}
    # a date no run rewrote, whose stored fingerprint is wrong: never hashed, so never noticed
    untouched = min(_stored_date_fingerprints(warehouse))
    _spoil_stored_fingerprint(warehouse, untouched)
    spoiled = _stored_date_fingerprints(warehouse)[untouched]

    _daily_run(warehouse, source)

    recomputed = _recomputed_dates(warehouse)
    assert recomputed and recomputed <= rewritten
    assert _rewrite_records(warehouse) == []
    stored = _stored_date_fingerprints(warehouse)
    assert stored[untouched] == spoiled
    hashed = _hashed_credits(warehouse)
    assert {day: stored.get(day) for day in rewritten} == {day: hashed.get(day) for day in rewritten}
    assert _rows(warehouse) == _rows(tiny_dbt_warehouse)


def test_target_values_kept_from_before_a_run_that_stopped_are_looked_up_again_not_added_to(
    tiny_source: Path, tiny_dbt_warehouse: Path, evening_before_warehouse: Path, tmp_path: Path
) -> None:
    """A run that stopped after writing the series' daily values, before valuing the targets, leaves values
    computed on an older generation of the series: the next run's changes are not the differences from
    those values, so it must look every stale target up in the running totals."""
    warehouse = copy_warehouse(evening_before_warehouse, tmp_path / "stopped")
    source = copy_source(tiny_source, tmp_path / "crm")
    load_source_into_raw(warehouse, source)
    _build_models(warehouse, exclude="tag:snapshot_history int_target_values+")
    with connect(warehouse, read_only=True) as con:
        (changed,) = con.execute("select count(*) from intermediate.int_series_daily_value_changes").fetchone()
    assert changed > 0  # the stopped run wrote the day's changes into the series

    _daily_run(warehouse, source)

    with connect(warehouse, read_only=True) as con:
        (changed_again,) = con.execute("select count(*) from intermediate.int_series_daily_value_changes").fetchone()
    assert changed_again == 0  # the series already held them
    assert not _target_values_added_changes(warehouse)
    assert _rows(warehouse) == _rows(tiny_dbt_warehouse)
    # with the targets valued on the series as they are now, the run after adds its changes again
    _daily_run(warehouse, source)
    assert _target_values_added_changes(warehouse)
    assert _rows(warehouse) == _rows(tiny_dbt_warehouse)


def test_a_new_record_table_makes_the_next_run_hash_every_date(tiny_dbt_warehouse: Path, tmp_path: Path) -> None:
    """What runs before the record table rewrote is unknown: its first record says every date."""
    warehouse = copy_warehouse(tiny_dbt_warehouse, tmp_path)
    day = min(_stored_date_fingerprints(warehouse))
    _spoil_stored_fingerprint(warehouse, day)
    with connect(warehouse) as con:
        con.execute("drop table _dbt_state.rewritten_credit_dates")
        con.execute("drop sequence _dbt_state.rewritten_credit_dates_record")

    _build_models(warehouse)

    assert _recomputed_dates(warehouse) == {day}
    assert _stored_date_fingerprints(warehouse) == _hashed_credits(warehouse)
    assert _rewrite_records(warehouse) == []
    assert _rows(warehouse) == _rows(tiny_dbt_warehouse)


DATE_ORDERED_TABLES = (
    "int_activity_credits_daily",
    "int_deal_credits_daily",
    "int_lead_credits_daily",
    "int_series_daily_values",
    "int_rollup_daily_values",
    "int_rollup_target_daily_values",
)


def test_a_full_build_stores_the_daily_tables_in_credit_date_order(tiny_dbt_warehouse: Path) -> None:
    """A daily run reads these tables for the dates it recomputes; stored in date order, DuckDB skips the
    row groups of other dates (macros/incremental_dates.sql, `in_date_order`)."""
    with duckdb.connect(str(tiny_dbt_warehouse), read_only=True) as con:
        con.execute("set threads = 1")  # one thread reads a table back in its stored order
        con.execute("set preserve_insertion_order = true")
        for table in DATE_ORDERED_TABLES:
            stored = [row[0] for row in con.execute(f"select credit_date from intermediate.{table}").fetchall()]
            assert len(set(stored)) > 10, f"{table} holds too few dates to show an order"
            assert stored == sorted(stored), f"{table} is not stored in credit_date order"
