"""dbt builds a large ledger from nothing one model at a time, and everything else two at a time."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from orchestration.defs.transform.dbt_threads import LEDGER_STATE, THREADS_VARIABLE, dbt_threads_args


def _warehouse(path: Path, events: int, ledger_built: bool) -> Path:
    with duckdb.connect(str(path)) as con:
        con.execute("create schema raw")
        con.execute(f"create table raw.activities as select range as id from range({events})")
        con.execute("create table raw.deals as select range as id from range(3)")
        if ledger_built:
            con.execute("create schema intermediate")
            con.execute(f"create table intermediate.{LEDGER_STATE} (kind varchar)")
    return path


@pytest.fixture(autouse=True)
def _no_threads_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(THREADS_VARIABLE, raising=False)


def test_a_large_ledger_built_from_nothing_is_built_one_model_at_a_time(tmp_path: Path) -> None:
    warehouse = _warehouse(tmp_path / "w.duckdb", events=100, ledger_built=False)
    assert dbt_threads_args(warehouse, full_refresh=False, large_ledger_events=102) == ["--threads", "1"]


def test_a_small_ledger_built_from_nothing_keeps_the_profiles_two_threads(tmp_path: Path) -> None:
    warehouse = _warehouse(tmp_path / "w.duckdb", events=100, ledger_built=False)
    assert dbt_threads_args(warehouse, full_refresh=False, large_ledger_events=103) == []


def test_a_daily_run_on_a_built_ledger_keeps_two_threads_and_a_full_refresh_takes_one(tmp_path: Path) -> None:
    warehouse = _warehouse(tmp_path / "w.duckdb", events=100, ledger_built=True)
    assert dbt_threads_args(warehouse, full_refresh=False, large_ledger_events=10) == []
    assert dbt_threads_args(warehouse, full_refresh=True, large_ledger_events=10) == ["--threads", "1"]


def test_the_threads_setting_wins_over_the_choice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    warehouse = _warehouse(tmp_path / "w.duckdb", events=100, ledger_built=False)
    monkeypatch.setenv(THREADS_VARIABLE, "2")
    assert dbt_threads_args(warehouse, full_refresh=True, large_ledger_events=10) == []
