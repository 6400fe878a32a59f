"""The dbt command of a run carries the as-of date and the company settings, and nothing else."""

from __future__ import annotations

import json
from datetime import date

from orchestration.dbt_invocation import dbt_build_args, dbt_pipeline_build_args, dbt_settings_environment
from orchestration.settings import CompanySettings


def test_a_run_builds_everything_as_of_its_date_in_the_company_settings() -> None:
    args = dbt_build_args(date(2025, 3, 31), CompanySettings("America/Los_Angeles", "EUR", 2))
    assert args[0] == "build"
    variables = json.loads(args[args.index("--vars") + 1])
    assert variables == {
        "as_of_date": "2025-03-31",
        "timezone": "America/Los_Angeles",
        "reporting_currency": "EUR",
    }


def test_unit_tests_are_left_to_the_test_suite_and_a_selection_is_passed_on() -> None:
    args = dbt_build_args(date(2025, 1, 1), CompanySettings(), select="marts")
    assert args[args.index("--exclude-resource-type") + 1] == "unit_test"
    assert args[args.index("--select") + 1] == "marts"


def test_the_pipeline_passes_settings_as_environment_variables_so_dbt_keeps_its_partial_parse() -> None:
    environment = dbt_settings_environment(
        date(2025, 3, 31), CompanySettings("America/Los_Angeles", "EUR", 2), (date(2025, 3, 1), date(2025, 3, 31))
    )
    assert environment == {
        "DBT_QUOTAS_AS_OF_DATE": "2025-03-31",
        "DBT_QUOTAS_TIMEZONE": "America/Los_Angeles",
        "DBT_QUOTAS_REPORTING_CURRENCY": "EUR",
        "DBT_QUOTAS_SNAPSHOT_START_DATE": "2025-03-01",
        "DBT_QUOTAS_SNAPSHOT_END_DATE": "2025-03-31",
    }
    assert "--vars" not in dbt_pipeline_build_args(["int_credits", "quota_snapshots"])
    assert dbt_pipeline_build_args(["a", "b"])[-2:] == ["--select", "a b"]


def test_a_full_refresh_is_passed_to_dbt_only_when_asked_for() -> None:
    assert "--full-refresh" in dbt_pipeline_build_args(full_refresh=True)
    assert "--full-refresh" not in dbt_pipeline_build_args()


def test_a_subset_of_models_builds_only_them_and_the_whole_definition_keeps_its_own_exclusion() -> None:
    assert dbt_pipeline_build_args(exclude="tag:snapshot_history")[-2:] == ["--exclude", "tag:snapshot_history"]
    assert "--exclude" not in dbt_pipeline_build_args(["quotas", "leaderboard"])


def test_checks_asked_for_without_their_assets_run_only_the_tests_of_those_models() -> None:
    import pytest

    from orchestration.dbt_invocation import dbt_pipeline_test_args

    assert dbt_pipeline_test_args(["quotas", "leaderboard"]) == [
        "test",
        "--exclude-resource-type",
        "unit_test",
        "--select",
        "quotas leaderboard",
    ]
    with pytest.raises(ValueError):
        dbt_pipeline_test_args([])


def test_dbt_in_this_process_is_told_where_the_project_target_and_log_are(tmp_path, monkeypatch) -> None:
    from orchestration.defs.transform.dbt_server import server_arguments

    monkeypatch.delenv("DBT_LOG_LEVEL_FILE", raising=False)
    args = server_arguments(["build"], tmp_path / "project", tmp_path / "target")
    assert args[0] == "build"
    assert args[args.index("--project-dir") + 1] == str(tmp_path / "project")
    assert args[args.index("--profiles-dir") + 1] == str(tmp_path / "project")
    assert args[args.index("--target-path") + 1] == args[args.index("--log-path") + 1] == str(tmp_path / "target")
    assert args[args.index("--log-level-file") + 1] == "info", "the file log leaves out every statement's debug lines"
    monkeypatch.setenv("DBT_LOG_LEVEL_FILE", "debug")
    assert "--log-level-file" not in server_arguments(["build"], tmp_path, tmp_path), "the environment wins"
