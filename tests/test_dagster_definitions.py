"""The Dagster code location loads, shows the assets grouped by domain, and runs them as one job."""

from __future__ import annotations

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


def test_the_daily_job_covers_every_asset() -> None:
    job = defs.resolve_job_def("quota_pipeline")
    assert len(job.asset_layer.executable_asset_keys) == len(defs.resolve_asset_graph().get_all_asset_keys())


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


def test_the_dbt_resource_knows_the_installed_dbt_version_without_starting_dbt() -> None:
    import subprocess
    import sys
    from pathlib import Path

    from orchestration.defs.transform.dbt_resource import QuotaDbtCliResource
    from orchestration.defs.transform.project import dbt_executable, quota_dbt_project

    resource = QuotaDbtCliResource(project_dir=quota_dbt_project, dbt_executable=dbt_executable())
    reported = subprocess.run(
        [str(Path(sys.executable).parent / "dbt"), "--version"], capture_output=True, text=True, check=True
    ).stdout
    assert f"installed: {resource._cli_version}" in reported


def test_each_warehouse_keeps_one_dbt_target_directory_per_dbt_definition(tiny_warehouse) -> None:
    from orchestration.defs.transform.assets import dbt_target_path
    from orchestration.resources import PipelineSettings

    pipeline = PipelineSettings(warehouse=str(tiny_warehouse))
    runs = dbt_target_path(pipeline, "quota_dbt_models").parent
    # a daily run is one dbt invocation: the ledger's step writes the day's snapshots too
    assert sorted(path.name for path in runs.iterdir()) == ["quota_dbt_models"]
    other = dbt_target_path(PipelineSettings(warehouse=str(tiny_warehouse.parent / "other.duckdb")), "quota_dbt_models")
    assert other.parent != runs
