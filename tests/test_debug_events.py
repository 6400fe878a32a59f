"""dbt's debug events in the dbt server: not built while nothing keeps them, and kept whole when something
does (orchestration/defs/transform/debug_events.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.support.warehouse import run_dbt

REPOSITORY = Path(__file__).parent.parent


@pytest.fixture(scope="module")
def probe() -> dict[str, Any]:
    """What dbt's real event manager did with each kind of event, once the handling was installed (in a
    process of its own: the installation changes dbt's classes for good)."""
    completed = subprocess.run(
        [sys.executable, "-m", "tests.support.debug_events_probe"],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return json.loads(completed.stdout.strip().splitlines()[-1])


def test_a_debug_event_nothing_keeps_is_never_built_yet_reads_as_dbt_made_it(probe: dict[str, Any]) -> None:
    assert probe["parsed_when_made"] == 0
    assert probe["parsed_when_fired_unkept"] == 0
    assert probe["logged_unkept"] == ""
    assert probe["callback_unkept"] == []
    assert probe["read_after"] == "select 42"
    assert probe["message_after"] == "On model.probe: select 42"


def test_info_events_still_reach_the_loggers_and_the_servers_callback(probe: dict[str, Any]) -> None:
    assert probe["logged_info"].rstrip().endswith("an info note")
    assert probe["callback_info"] == ["Note"]


def test_a_debug_logger_an_unknown_callback_or_an_info_level_get_the_debug_event_whole(
    probe: dict[str, Any],
) -> None:
    assert probe["logged_by_debug_logger"].rstrip().endswith("On model.probe: select 43")
    assert probe["unmarked_callback"] == ["select 44"]
    assert probe["logged_at_info_level"].rstrip().endswith("On model.probe: select 45")
    assert probe["set_then_read"] == "On model.probe: select 47"


def test_the_file_log_holds_every_statement_only_when_asked_to(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Through the real dbt server: by default the file log keeps info lines and no statement; with
    DBT_LOG_LEVEL_FILE=debug every statement dbt sent is in it, as before the debug events were skipped."""
    monkeypatch.delenv("DBT_LOG_LEVEL_FILE", raising=False)
    quiet_target = tmp_path / "quiet"
    run_dbt(tmp_path / "quiet.duckdb", ["seed"], quiet_target)
    quiet_log = (quiet_target / "dbt.log").read_text()
    assert "OK loaded seed file reference.iso_4217_currencies" in quiet_log
    assert "On seed.quotas.iso_4217_currencies:" not in quiet_log

    monkeypatch.setenv("DBT_LOG_LEVEL_FILE", "debug")
    debug_target = tmp_path / "debug"
    run_dbt(tmp_path / "debug.duckdb", ["seed"], debug_target)
    debug_log = (debug_target / "dbt.log").read_text()
    assert "OK loaded seed file reference.iso_4217_currencies" in debug_log
    statements = [line for line in debug_log.splitlines() if "On seed.quotas.iso_4217_currencies:" in line]
    assert any(line.rstrip().endswith("COMMIT") for line in statements)
    assert "insert into" in debug_log.lower(), "the seed's insert, with its text"
    assert "insert into" not in quiet_log.lower()
