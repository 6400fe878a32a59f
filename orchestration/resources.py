"""The settings one pipeline run needs, as a Dagster resource.

The Dagster UI gets them from the environment (`QUOTAS_SOURCE`, `QUOTAS_WAREHOUSE`, `QUOTAS_SERVING_DIR`, the
company settings from `quotas.toml` / `QUOTAS_*`); the `quotas` command line passes its flags as run config. Either way
the assets read one object, and the warehouse path they read is the one dbt's profile gets.
"""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg

from orchestration.settings import CompanySettings, load_company_settings

DEFAULT_SOURCE = "data/sample_crm"
DEFAULT_WAREHOUSE = "data/warehouse.duckdb"


class PipelineSettings(dg.ConfigurableResource):
    """Where the data comes from and goes to, the as-of date, and the company settings."""

    source: str = DEFAULT_SOURCE
    """A directory of CSV/Parquet files, or a postgresql:// URL (its password never reaches a log)."""
    warehouse: str = DEFAULT_WAREHOUSE
    as_of_date: str = ""
    timezone: str = "UTC"
    reporting_currency: str = "USD"
    fiscal_year_start: int = 1
    full_extract: bool = False
    serving_dir: str = ""
    full_refresh: bool = False
    """Recompute every day's values, not only the days whose input changed (the snapshot history is kept)."""

    @property
    def company(self) -> CompanySettings:
        return CompanySettings(self.timezone, self.reporting_currency, self.fiscal_year_start)

    @property
    def warehouse_path(self) -> Path:
        return Path(self.warehouse).resolve()

    def as_of(self) -> date:
        """The explicit as-of date, or today in the company time zone when none was given."""
        if self.as_of_date:
            return date.fromisoformat(self.as_of_date)
        return datetime.now(ZoneInfo(self.timezone)).date()

    @classmethod
    def from_environment(cls) -> PipelineSettings:
        company = load_company_settings()
        return cls(
            # An environment reference, not its value: the UI shows resource config, and a URL may carry a password.
            source=dg.EnvVar("QUOTAS_SOURCE") if "QUOTAS_SOURCE" in os.environ else DEFAULT_SOURCE,
            full_extract=os.environ.get("QUOTAS_FULL_EXTRACT", "").lower() in ("1", "true", "yes", "on"),
            warehouse=os.environ.get("QUOTAS_WAREHOUSE", DEFAULT_WAREHOUSE),
            as_of_date=os.environ.get("QUOTAS_AS_OF", ""),
            timezone=company.timezone,
            reporting_currency=company.reporting_currency,
            fiscal_year_start=company.fiscal_year_start,
            serving_dir=os.environ.get("QUOTAS_SERVING_DIR", ""),
        )
