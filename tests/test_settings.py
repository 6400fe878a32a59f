"""Company settings come from a config file, then the environment, then flags; bad values are refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestration.settings import CompanySettings, SettingsError, load_company_settings


def _config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "quotas.toml"
    path.write_text(text)
    return path


def test_defaults_are_utc_usd_and_a_calendar_fiscal_year() -> None:
    settings = CompanySettings()
    assert (settings.timezone, settings.reporting_currency, settings.fiscal_year_start) == ("UTC", "USD", 1)


def test_the_environment_overrides_the_config_file_and_a_flag_overrides_both(tmp_path: Path) -> None:
    config = _config(tmp_path, '[company]\ntimezone = "Europe/Paris"\ncurrency = "EUR"\nfiscal_year_start = 2\n')
    from_file = load_company_settings(config_file=config, environ={})
    assert from_file == CompanySettings("Europe/Paris", "EUR", 2)
    from_env = load_company_settings(config_file=config, environ={"QUOTAS_TIMEZONE": "Asia/Tokyo"})
    assert from_env == CompanySettings("Asia/Tokyo", "EUR", 2)
    from_flag = load_company_settings(
        config_file=config,
        environ={"QUOTAS_TIMEZONE": "Asia/Tokyo"},
        flags={"timezone": "UTC", "fiscal_year_start": 4},
    )
    assert from_flag == CompanySettings("UTC", "EUR", 4)


def test_the_config_file_can_be_named_by_an_environment_variable(tmp_path: Path) -> None:
    config = _config(tmp_path, '[company]\ntimezone = "America/Chicago"\n')
    assert load_company_settings(environ={"QUOTAS_CONFIG": str(config)}).timezone == "America/Chicago"


@pytest.mark.parametrize(
    ("flags", "named"),
    [
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"timezone": "UTC'; drop table x; --"}, "timezone"),
        ({"reporting_currency": "usd"}, "currency"),
        ({"reporting_currency": "US D"}, "currency"),
        ({"fiscal_year_start": 13}, "fiscal_year_start"),
        ({"fiscal_year_start": "march"}, "fiscal_year_start"),
    ],
)
def test_a_bad_setting_is_refused_with_a_message_naming_it(flags: dict, named: str) -> None:
    with pytest.raises(SettingsError, match=named):
        load_company_settings(environ={}, flags=flags)


def test_an_unknown_key_in_the_config_file_is_refused(tmp_path: Path) -> None:
    config = _config(tmp_path, '[company]\ntime_zone = "UTC"\n')
    with pytest.raises(SettingsError, match="time_zone"):
        load_company_settings(config_file=config, environ={})
