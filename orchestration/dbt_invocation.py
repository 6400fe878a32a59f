"""The dbt command line of a pipeline run, built in one pure function so it can be tested on its own.

Company settings and the as-of date reach dbt only as `--vars`, and only after validation (dates are
`date` objects, the rest went through `CompanySettings`), so they are literals of a known shape by the
time the SQL macros read them.
"""

from __future__ import annotations

import json
from datetime import date

from orchestration.settings import CompanySettings


def dbt_vars(as_of: date, settings: CompanySettings) -> dict[str, str]:
    return {
        "as_of_date": as_of.isoformat(),
        "timezone": settings.timezone,
        "reporting_currency": settings.reporting_currency,
    }


def dbt_build_args(as_of: date, settings: CompanySettings, select: str | None = None) -> list[str]:
    """`dbt build` for one run: models, seeds and data tests. Unit tests are code tests; pytest runs them."""
    args = ["build", "--vars", json.dumps(dbt_vars(as_of, settings), sort_keys=True)]
    args += ["--exclude-resource-type", "unit_test"]
    if select:
        args += ["--select", select]
    return args


def dbt_snapshot_args(first_day: date, last_day: date, settings: CompanySettings) -> list[str]:
    """`dbt build` of the snapshot models for the days [first_day, last_day]: one invocation per window,
    however many days it spans, so a backfill of a year is one dbt run."""
    if last_day < first_day:
        raise ValueError(f"snapshot window ends ({last_day}) before it starts ({first_day})")
    variables = {
        **dbt_vars(last_day, settings),
        "snapshot_start_date": first_day.isoformat(),
        "snapshot_end_date": last_day.isoformat(),
    }
    return ["build", "--vars", json.dumps(variables, sort_keys=True), "--exclude-resource-type", "unit_test"]
