"""The dbt command line of a pipeline run, and the settings it reads, built in pure functions so they can be
tested on their own.

Company settings and the run's dates reach dbt as `DBT_QUOTAS_<NAME>` environment variables (read by
`run_setting` in `macros/company_settings.sql`), and only after validation (dates are `date` objects, the
rest went through `CompanySettings`), so they are literals of a known shape by the time the SQL macros
read them. Environment variables rather than `--vars`: dbt re-parses the whole project whenever `--vars`
change, which they do every day (the as-of date); the macros read the environment variables only when a
model runs, not while dbt parses, so a new day re-parses nothing. `--vars` still work and win (the tests'
hand-made warehouses use them).
"""

from __future__ import annotations

import json
from datetime import date

from orchestration.settings import CompanySettings

SETTING_PREFIX = "DBT_QUOTAS_"
# What built the warehouse's tables (`project.code_version`); unset (dbt by hand), no table is reused.
CODE_VERSION_VARIABLE = SETTING_PREFIX + "CODE_VERSION"


def dbt_vars(as_of: date, settings: CompanySettings) -> dict[str, str]:
    return {
        "as_of_date": as_of.isoformat(),
        "timezone": settings.timezone,
        "reporting_currency": settings.reporting_currency,
    }


def dbt_settings_environment(
    as_of: date, settings: CompanySettings, snapshot_window: tuple[date, date] | None = None
) -> dict[str, str]:
    """The environment variables of one dbt invocation: the as-of date, the company settings, and the
    snapshot days to write (empty: the as-of date)."""
    values = {**dbt_vars(as_of, settings), "snapshot_start_date": "", "snapshot_end_date": ""}
    if snapshot_window is not None:
        first_day, last_day = snapshot_window
        if last_day < first_day:
            raise ValueError(f"snapshot window ends ({last_day}) before it starts ({first_day})")
        values["snapshot_start_date"] = first_day.isoformat()
        values["snapshot_end_date"] = last_day.isoformat()
    return {SETTING_PREFIX + name.upper(): value for name, value in values.items()}


def dbt_pipeline_build_args(
    select: list[str] | None = None, full_refresh: bool = False, exclude: str | None = None
) -> list[str]:
    """`dbt build` as the pipeline runs it: settings come from the environment, unit tests are left to
    pytest, and the selection (dbt resource names or selectors) is explicit when given. A full refresh
    recomputes the incremental daily values from scratch (the snapshot history is never dropped:
    full_refresh=false)."""
    args = ["build", "--exclude-resource-type", "unit_test"]
    if full_refresh:
        args.append("--full-refresh")
    if select:
        args += ["--select", " ".join(select)]
    if exclude:
        args += ["--exclude", exclude]
    return args


def dbt_pipeline_test_args(select: list[str]) -> list[str]:
    """`dbt test` of the named models' data tests: a run that asks for checks without their assets."""
    if not select:
        raise ValueError("a test run names the models whose tests it runs")
    return ["test", "--exclude-resource-type", "unit_test", "--select", " ".join(select)]


def dbt_build_args(as_of: date, settings: CompanySettings, select: str | None = None) -> list[str]:
    """`dbt build` with the settings as `--vars`: models, seeds and data tests. For dbt run by hand and
    the tests' hand-made warehouses; unit tests are code tests, pytest runs them."""
    args = ["build", "--vars", json.dumps(dbt_vars(as_of, settings), sort_keys=True)]
    args += ["--exclude-resource-type", "unit_test"]
    if select:
        args += ["--select", select]
    return args


def dbt_snapshot_args(first_day: date, last_day: date, settings: CompanySettings) -> list[str]:
    """`dbt build` of the snapshot models for the days [first_day, last_day], settings as `--vars`: one
    invocation per window, however many days it spans, so a backfill of a year is one dbt run."""
    if last_day < first_day:
        raise ValueError(f"snapshot window ends ({last_day}) before it starts ({first_day})")
    variables = {
        **dbt_vars(last_day, settings),
        "snapshot_start_date": first_day.isoformat(),
        "snapshot_end_date": last_day.isoformat(),
    }
    return ["build", "--vars", json.dumps(variables, sort_keys=True), "--exclude-resource-type", "unit_test"]
