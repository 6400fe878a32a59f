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
