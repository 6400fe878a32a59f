"""Session-wide fixtures: each warehouse is built once and shared by every test that reads it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from filelock import FileLock

from orchestration.sample_crm.generate import generate_sample_crm
from tests.fixtures.maven_crm import MAVEN_DIR, convert_maven_crm
from tests.support.file_order import longest_files_first

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


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The longest test files first, so that the two workers of `make test` finish together
    (tests/support/file_order.py; the Makefile turns off xdist's own reordering by test count)."""
    items[:] = longest_files_first(items)


PANDAS_TRIPWIRE = Path(__file__).parent / "support" / "import_tripwire"
PANDAS_IMPORTS = "pandas_imports.txt"
"""Beside a warehouse built by `quotas_run`: who imported pandas during the run, if anyone did."""
RUN_OUTPUT = "run_output.txt"
"""Beside a warehouse built by `quotas_run`: what the run wrote to stdout and stderr."""


def quotas_run(source: Path, warehouse: Path, as_of: date, timezone: str) -> Path:
    """`quotas run` on `source`, noting in PANDAS_IMPORTS beside the warehouse any import of pandas, and
    keeping the run's output in RUN_OUTPUT beside it."""
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
        extra_env={
            "PYTHONPATH": os.pathsep.join(filter(None, [str(PANDAS_TRIPWIRE), os.environ.get("PYTHONPATH")])),
            "QUOTAS_PANDAS_IMPORTS": str(warehouse.parent / PANDAS_IMPORTS),
        },
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    (warehouse.parent / RUN_OUTPUT).write_text(completed.stdout + completed.stderr)
    return warehouse


def built_once(tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], None]) -> Path:
    """A directory built by the first test worker that asks for it, then copied for each worker.

    The pytest-xdist workers share the parent of their temporary directories; a lock makes one of them
    build while the others wait. Each worker gets its own copy, so a test that writes (dbt's unit tests
    open the warehouse for writing) never meets another worker's reader.
    """
    basetemp = tmp_path_factory.getbasetemp()
    # under xdist each worker's basetemp sits in the session's directory; without it, basetemp's parent
    # holds every session's directory, and a build from an older session must not be reused
    shared_root = basetemp.parent if os.environ.get("PYTEST_XDIST_WORKER") else basetemp
    shared = shared_root / f"shared_{name}"
    with FileLock(str(shared_root / f"shared_{name}.lock")):
        if not (shared / ".complete").exists():
            shutil.rmtree(shared, ignore_errors=True)
            shared.mkdir()
            build(shared)
            (shared / ".complete").touch()
    own = tmp_path_factory.mktemp(name)
    shutil.copytree(shared, own, dirs_exist_ok=True, ignore=shutil.ignore_patterns(".complete", "*.wal"))
    return own


@pytest.fixture(scope="session")
def tiny_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built_once(tmp_path_factory, "tiny_crm", lambda out: generate_sample_crm("tiny", out, seed=42))


@pytest.fixture(scope="session")
def tiny_warehouse(tiny_source: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    def build(directory: Path) -> None:
        quotas_run(tiny_source, directory / "warehouse.duckdb", TINY_AS_OF, TINY_TIMEZONE)

    return built_once(tmp_path_factory, "tiny_warehouse", build) / "warehouse.duckdb"


@pytest.fixture(scope="session")
def tiny_dbt_warehouse(tiny_source: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny CRM built by a plain `dbt build` (no Dagster): the start of the incremental-run tests.

    Built by each worker from its own copy of the source, not shared between workers: the warehouse
    remembers the directory it was loaded from, and a run on another directory reloads every table."""
    from tests.support.warehouse import build_warehouse

    warehouse = tmp_path_factory.mktemp("tiny_dbt_warehouse") / "warehouse.duckdb"
    return build_warehouse(tiny_source, warehouse, TINY_AS_OF, TINY_TIMEZONE)


@pytest.fixture(scope="session")
def maven_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not MAVEN_DIR.exists():
        pytest.fail(f"the Maven CRM data set is expected at {MAVEN_DIR}")
    out = tmp_path_factory.mktemp("maven_crm")
    convert_maven_crm(MAVEN_DIR, out)
    return out


@pytest.fixture(scope="session")
def maven_warehouse(maven_source: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    def build(directory: Path) -> None:
        quotas_run(maven_source, directory / "warehouse.duckdb", MAVEN_AS_OF, MAVEN_TIMEZONE)

    return built_once(tmp_path_factory, "maven_warehouse", build) / "warehouse.duckdb"
