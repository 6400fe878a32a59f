"""Company settings: time zone, reporting currency, fiscal year start.

They come from three layers, the later winning: a TOML config file, `QUOTAS_*` environment variables,
and command-line flags. Every value is validated here, because some of them end up inside SQL (as dbt
vars): only a real IANA zone name, a three-letter currency code and a month number ever get through.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_CONFIG_FILE = Path("quotas.toml")
_CURRENCY = re.compile(r"^[A-Z]{3}$")


class SettingsError(ValueError):
    """A setting that cannot be used; the message names the setting and the bad value."""


@dataclass(frozen=True)
class CompanySettings:
    timezone: str = "UTC"
    reporting_currency: str = "USD"
    fiscal_year_start: int = 1

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise SettingsError(f"timezone: {self.timezone!r} is not an IANA time zone name") from error
        if not _CURRENCY.match(self.reporting_currency):
            raise SettingsError(f"currency: {self.reporting_currency!r} is not a three-letter ISO 4217 code")
        if not 1 <= self.fiscal_year_start <= 12:
            raise SettingsError(f"fiscal_year_start: {self.fiscal_year_start!r} is not a month (1-12)")

    def with_overrides(self, overrides: Mapping[str, Any]) -> CompanySettings:
        """Apply the non-empty values of `overrides` (flags or environment) on top of these settings."""
        known = {field.name for field in fields(self)}
        clean = {key: value for key, value in overrides.items() if key in known and value not in (None, "")}
        if "fiscal_year_start" in clean:
            clean["fiscal_year_start"] = _as_month(clean["fiscal_year_start"])
        return replace(self, **clean)


def _as_month(value: object) -> int:
    try:
        return int(str(value))
    except ValueError as error:
        raise SettingsError(f"fiscal_year_start: {value!r} is not a month (1-12)") from error


def _from_config_file(path: Path) -> dict[str, Any]:
    with path.open("rb") as handle:
        document = tomllib.load(handle)
    company = document.get("company", {})
    if not isinstance(company, dict):
        raise SettingsError(f"{path}: [company] must be a table")
    unknown = set(company) - {"timezone", "currency", "reporting_currency", "fiscal_year_start"}
    if unknown:
        raise SettingsError(f"{path}: unknown setting(s) in [company]: {', '.join(sorted(unknown))}")
    if "currency" in company:
        company["reporting_currency"] = company.pop("currency")
    return company


def _from_environment(environ: Mapping[str, str]) -> dict[str, Any]:
    return {
        "timezone": environ.get("QUOTAS_TIMEZONE"),
        "reporting_currency": environ.get("QUOTAS_CURRENCY"),
        "fiscal_year_start": environ.get("QUOTAS_FISCAL_YEAR_START"),
    }


def config_file_path(config_file: Path | None, environ: Mapping[str, str]) -> Path | None:
    """The config file in force: the one given, else `$QUOTAS_CONFIG`, else `./quotas.toml` if it exists."""
    if config_file is not None:
        return config_file
    if environ.get("QUOTAS_CONFIG"):
        return Path(environ["QUOTAS_CONFIG"])
    return DEFAULT_CONFIG_FILE if DEFAULT_CONFIG_FILE.exists() else None


def load_company_settings(
    config_file: Path | None = None,
    flags: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
) -> CompanySettings:
    """Settings from the config file, then the environment, then flags (each layer overrides the last).

    `config_file` defaults to `$QUOTAS_CONFIG`, else `./quotas.toml` when it exists.
    """
    environ = os.environ if environ is None else environ
    path = config_file_path(config_file, environ)
    settings = CompanySettings()
    if path is not None:
        if not path.exists():
            raise SettingsError(f"config file {path} does not exist")
        settings = settings.with_overrides(_from_config_file(path))
    settings = settings.with_overrides(_from_environment(environ))
    return settings.with_overrides(flags or {})
