"""Session-wide fixtures: each warehouse is built once and shared by every test that reads it."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from orchestration.sample_crm.generate import generate_sample_crm
from tests.fixtures.maven_crm import MAVEN_DIR, convert_maven_crm

QUOTAS = str(Path(sys.executable).parent / "quotas")

TINY_AS_OF = date(2025, 11, 14)
TINY_TIMEZONE = "America/New_York"
MAVEN_AS_OF = date(2017, 6, 10)
MAVEN_TIMEZONE = "America/Chicago"


def run_quotas(
    *args: str, cwd: Path | None = None, extra_env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The real `quotas` command, as a user runs it."""
    environment = {**os.environ, "DO_NOT_TRACK": "1", **(extra_env or {})}
    environment.pop("QUOTAS_CONFIG", None)
    return subprocess.run(
        [QUOTAS, *args], capture_output=True, text=True, cwd=cwd, env=environment, check=False, timeout=600
    )


def quotas_run(source: Path, warehouse: Path, as_of: date, timezone: str) -> Path:
    completed = run_quotas(
        "run",
        "--source",
        str(source),
        "--warehouse",
        str(warehouse),
        "--as-of",
        as_of.isoformat(),
        "--timezone",
        timezone,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return warehouse


@pytest.fixture(scope="session")
def tiny_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("tiny_crm")
    generate_sample_crm("tiny", out, seed=42)
    return out


@pytest.fixture(scope="session")
def tiny_warehouse(tiny_source: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    warehouse = tmp_path_factory.mktemp("tiny_warehouse") / "warehouse.duckdb"
    return quotas_run(tiny_source, warehouse, TINY_AS_OF, TINY_TIMEZONE)


@pytest.fixture(scope="session")
def maven_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not MAVEN_DIR.exists():
        pytest.fail(f"the Maven CRM data set is expected at {MAVEN_DIR}")
    out = tmp_path_factory.mktemp("maven_crm")
    convert_maven_crm(MAVEN_DIR, out)
    return out


@pytest.fixture(scope="session")
def maven_warehouse(maven_source: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    warehouse = tmp_path_factory.mktemp("maven_warehouse") / "warehouse.duckdb"
    return quotas_run(maven_source, warehouse, MAVEN_AS_OF, MAVEN_TIMEZONE)
