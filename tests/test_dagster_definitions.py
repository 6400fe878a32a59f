"""The Dagster code location loads, shows the assets grouped by domain, and runs them as one job."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from orchestration.definitions import defs


def test_the_definitions_load_as_a_code_location() -> None:
    dg.Definitions.validate_loadable(defs)


def test_assets_are_grouped_by_domain_from_the_raw_tables_to_the_marts() -> None:
    graph = defs.resolve_asset_graph()
    groups = {key.to_user_string(): graph.get(key).group_name for key in graph.get_all_asset_keys()}
    assert groups["raw/deals"] == "ingest"
    assert groups["staging/stg_crm__deals"] == "staging"
    assert groups["intermediate/int_credits"] == "credits_ledger"
    assert {groups[f"marts/{name}"] for name in ("leaderboard", "quota_rollups", "quota_progress", "quotas")} == {
        "marts"
    }


def test_the_staging_models_depend_on_the_ingested_raw_tables() -> None:
    graph = defs.resolve_asset_graph()
    parents = graph.get(dg.AssetKey(["staging", "stg_crm__deals"])).parent_keys
    assert dg.AssetKey(["raw", "deals"]) in parents


def test_dbt_data_tests_appear_as_asset_checks() -> None:
    check_keys = defs.resolve_asset_graph().asset_check_keys
    assert any(key.asset_key == dg.AssetKey(["marts", "leaderboard"]) for key in check_keys)


def test_the_daily_job_covers_every_asset_but_the_weekly_report() -> None:
    job = defs.resolve_job_def("quota_pipeline")
    every_asset = defs.resolve_asset_graph().get_all_asset_keys()
    assert job.asset_layer.executable_asset_keys == every_asset - {dg.AssetKey("executive_report")}


def test_the_executive_report_is_its_own_job_reading_the_marts() -> None:
    graph = defs.resolve_asset_graph()
    report = graph.get(dg.AssetKey("executive_report"))
    assert report.group_name == "reports"
    assert {dg.AssetKey(["marts", "leaderboard"]), dg.AssetKey(["marts", "quota_snapshots"])} <= report.parent_keys
    keys = defs.resolve_job_def("executive_report_job").asset_layer.executable_asset_keys
    assert keys == {dg.AssetKey("executive_report")}


def test_the_weekly_report_runs_on_monday_morning_for_the_sunday_just_ended() -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from orchestration.defs.report.schedules import COMPANY_TIMEZONE, weekly_executive_report

    assert weekly_executive_report.cron_schedule == "0 7 * * 1"
    assert weekly_executive_report.execution_timezone == COMPANY_TIMEZONE
    context = dg.build_schedule_context(
        repository_def=defs.get_repository_def(),
        scheduled_execution_time=datetime(2025, 11, 17, 7, 0, tzinfo=ZoneInfo(COMPANY_TIMEZONE)),
    )
    [request] = weekly_executive_report.evaluate_tick(context).run_requests or []
    assert request.run_config == {"ops": {"executive_report": {"config": {"as_of_date": "2025-11-16"}}}}
    assert request.run_key == "report-2025-11-16"


def test_the_snapshots_are_daily_partitions_backfilled_in_a_single_run() -> None:
    snapshots = defs.resolve_assets_def(dg.AssetKey(["marts", "quota_snapshots"]))
    assert isinstance(snapshots.partitions_def, dg.DailyPartitionsDefinition)
    assert snapshots.backfill_policy == dg.BackfillPolicy.single_run()
    unpartitioned = defs.resolve_assets_def(dg.AssetKey(["marts", "leaderboard"]))
    assert unpartitioned.partitions_def is None


def test_the_nightly_schedule_runs_yesterdays_partition() -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from orchestration.defs.snapshots.schedules import COMPANY_TIMEZONE, nightly_quota_run

    context = dg.build_schedule_context(
        repository_def=defs.get_repository_def(),
        scheduled_execution_time=datetime(2025, 11, 15, 1, 30, tzinfo=ZoneInfo(COMPANY_TIMEZONE)),
    )
    [request] = nightly_quota_run.evaluate_tick(context).run_requests or []
    assert request.partition_key == "2025-11-14"


def test_the_backfill_job_writes_snapshots_without_rebuilding_the_as_of_marts() -> None:
    keys = {key.to_user_string() for key in defs.resolve_job_def("snapshot_backfill").asset_layer.executable_asset_keys}
    assert "marts/quota_snapshots" in keys and "raw/deals" in keys
    assert "marts/leaderboard" not in keys


def test_the_backfill_job_closes_the_ledgers_bookkeeping_it_opens() -> None:
    """It changes the event ledgers, so it writes their state and the daily values' date fingerprints."""
    keys = {key.to_user_string() for key in defs.resolve_job_def("snapshot_backfill").asset_layer.executable_asset_keys}
    for ledger in ("activity", "lead", "deal"):
        assert f"intermediate/int_{ledger}_duplicate_changes" in keys  # invalidates the state
        assert f"intermediate/int_{ledger}_ledger_state" in keys  # writes it again
    assert {"intermediate/int_ledger_changed_dates", "intermediate/int_ledger_fingerprints"} <= keys


def test_dbt_commands_run_in_a_forked_server_that_reports_the_first_error_and_releases_the_warehouse(
    tmp_path: Path,
) -> None:
    import os
    import signal

    import duckdb
    import pytest

    from orchestration.defs.transform.dbt_resource import DbtResource
    from orchestration.defs.transform.dbt_server import DbtInvocationError, server_pid
    from orchestration.defs.transform.project import DBT_PROJECT_DIR

    directory, setting = os.getcwd(), os.environ.get("QUOTAS_WAREHOUSE")
    warehouse = tmp_path / "warehouse.duckdb"
    resource = DbtResource(project_dir=str(DBT_PROJECT_DIR))
    with pytest.raises(DbtInvocationError) as failure:
        list(resource.invocation(["run-operation", "no_such_macro"], tmp_path / "target", warehouse).events())
    assert "no_such_macro" in str(failure.value).splitlines()[0], str(failure.value)
    assert (tmp_path / "target" / "dbt.log").exists(), "dbt's log is kept in the run's target directory"
    assert (os.getcwd(), os.environ.get("QUOTAS_WAREHOUSE")) == (directory, setting), "this process is untouched"
    first_server = server_pid()
    assert first_server not in (None, os.getpid())
    # the warehouse dbt opened is closed again: this process can open it with other settings
    with duckdb.connect(str(warehouse), config={"threads": "1"}) as con:
        assert con.execute("select 1").fetchone() == (1,)

    os.kill(first_server, signal.SIGKILL)  # a server that died is replaced by the next command
    with pytest.raises(DbtInvocationError, match="no_such_macro"):
        list(resource.invocation(["run-operation", "no_such_macro"], tmp_path / "target", warehouse).events())
    assert server_pid() not in (None, first_server)


def test_each_warehouse_keeps_one_dbt_target_directory_per_dbt_definition(tmp_path: Path) -> None:
    from orchestration.defs.transform.assets import dbt_target_path
    from orchestration.resources import PipelineSettings

    pipeline = PipelineSettings(warehouse=str(tmp_path / "warehouse.duckdb"))
    first = dbt_target_path(pipeline, "quota_dbt_models")
    assert dbt_target_path(PipelineSettings(warehouse=str(tmp_path / "warehouse.duckdb")), "quota_dbt_models") == first
    assert first.name == "quota_dbt_models" and first.parent.parent.name == "runs"
    assert dbt_target_path(pipeline, "quota_snapshot_models").parent == first.parent
    other = dbt_target_path(PipelineSettings(warehouse=str(tmp_path / "other.duckdb")), "quota_dbt_models")
    assert other.parent != first.parent


def test_publishing_follows_every_mart_and_the_snapshots_in_the_daily_and_backfill_jobs() -> None:
    graph = defs.resolve_asset_graph()
    publishing = {dg.AssetKey(name) for name in ("serving_copy", "docs_site", "application_tables")}
    assert {graph.get(key).group_name for key in publishing} == {"serving"}
    marts = {key for key in graph.get_all_asset_keys() if graph.get(key).group_name in ("marts", "snapshots")}
    assert marts and marts <= graph.get(dg.AssetKey("serving_copy")).parent_keys
    for job in ("quota_pipeline", "snapshot_backfill", "snapshot_write"):
        assert publishing <= defs.resolve_job_def(job).asset_layer.executable_asset_keys, job


def test_a_subset_of_the_dbt_assets_builds_only_those_models_and_checks_alone_rebuild_nothing(
    tiny_warehouse: Path, tiny_source: Path, tmp_path: Path
) -> None:
    import json
    import shutil

    from orchestration.defs.transform.assets import quota_dbt_models
    from orchestration.defs.transform.dbt_resource import DbtResource
    from orchestration.defs.transform.project import DBT_PROJECT_DIR
    from orchestration.resources import PipelineSettings
    from tests.conftest import TINY_AS_OF, TINY_TIMEZONE

    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(tiny_warehouse, warehouse)
    resources = {
        "dbt": DbtResource(project_dir=str(DBT_PROJECT_DIR)),
        "pipeline": PipelineSettings(
            source=str(tiny_source),
            warehouse=str(warehouse),
            as_of_date=TINY_AS_OF.isoformat(),
            timezone=TINY_TIMEZONE,
        ),
    }
    leaderboard = dg.AssetKey(["marts", "leaderboard"])
    result = dg.materialize([quota_dbt_models], selection=[leaderboard], resources=resources)
    assert result.success
    assert {event.asset_key for event in result.get_asset_materialization_events()} == {leaderboard}
    checked = {evaluation.asset_key for evaluation in result.get_asset_check_evaluations()}
    assert checked == {leaderboard}, "the model's own tests ran, as asset checks"

    from orchestration.defs.transform.assets import dbt_target_path

    run_results = dbt_target_path(resources["pipeline"], "quota_dbt_models") / "run_results.json"
    nodes = {result["unique_id"] for result in json.loads(run_results.read_text())["results"]}
    assert "model.quotas.leaderboard" in nodes and "model.quotas.quotas" not in nodes

    [check] = [key for key in quota_dbt_models.check_keys if key.asset_key == leaderboard][:1]
    only_check = dg.materialize([quota_dbt_models], selection=dg.AssetSelection.checks(check), resources=resources)
    assert only_check.success
    assert only_check.get_asset_materialization_events() == []
    built = {
        result["unique_id"]
        for result in json.loads(run_results.read_text())["results"]
        if not result["unique_id"].startswith("operation.")  # the project's run hooks
    }
    assert built and all(node.startswith("test.") for node in built), "dbt test: nothing rebuilt"
