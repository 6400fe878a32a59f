"""Where the dbt project lives, and keeping its manifest current.

Dagster reads dbt's manifest to know the models. The manifest is (re)built with `dbt parse` when it is
missing or older than any file of the project, so a fresh clone works and a warm start pays nothing.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from functools import cache
from importlib import metadata
from pathlib import Path

from dagster_dbt import DbtProject

DBT_PROJECT_DIR = Path(__file__).resolve().parents[3] / "dbt_project"
MANIFEST = DBT_PROJECT_DIR / "target" / "manifest.json"
DEFAULT_WAREHOUSE_NAME = "warehouse.duckdb"


def dbt_executable() -> str:
    """The dbt installed beside this Python (a virtualenv need not be activated), else the one on PATH."""
    beside = Path(sys.executable).parent / "dbt"
    return str(beside) if beside.exists() else (shutil.which("dbt") or "dbt")


def _newest_project_file_time() -> float:
    newest = 0.0
    for folder in ("models", "macros", "seeds", "tests"):
        for path in (DBT_PROJECT_DIR / folder).rglob("*"):
            if path.is_file():
                newest = max(newest, path.stat().st_mtime)
    for name in ("dbt_project.yml", "profiles.yml"):
        newest = max(newest, (DBT_PROJECT_DIR / name).stat().st_mtime)
    return newest


def project_digest() -> str:
    """A hash of every file of the dbt project: equal digests, equal SQL."""
    digest = hashlib.sha256()
    files = [DBT_PROJECT_DIR / "dbt_project.yml", DBT_PROJECT_DIR / "profiles.yml"]
    for folder in ("models", "macros", "seeds", "tests"):
        files += sorted(path for path in (DBT_PROJECT_DIR / folder).rglob("*") if path.is_file())
    for path in files:
        digest.update(str(path.relative_to(DBT_PROJECT_DIR)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


@cache
def code_version() -> str:
    """What the warehouse's tables were computed by: the project's files and the versions of dbt and DuckDB.

    dbt reuses a `reusable_table` only when this is what built it (macros/reusable_table.sql): a changed
    macro, model or engine rebuilds every table.
    """
    packages = "|".join(f"{name}={metadata.version(name)}" for name in ("dbt-core", "dbt-duckdb", "duckdb"))
    return hashlib.sha256(f"{project_digest()}|{packages}".encode()).hexdigest()[:32]


def ensure_manifest() -> Path:
    """The project's manifest, parsed again when a file of the project is newer.

    The parse is made for a warehouse named like the default one and opened by its name, as runs open
    theirs (dbt_server.py), so its partial_parse.msgpack seeds each new warehouse's target directory."""
    if not MANIFEST.exists() or MANIFEST.stat().st_mtime < _newest_project_file_time():
        env = {**os.environ, "DO_NOT_TRACK": "1", "QUOTAS_WAREHOUSE": DEFAULT_WAREHOUSE_NAME}
        subprocess.run(
            [
                dbt_executable(),
                "parse",
                "--quiet",
                "--project-dir",
                str(DBT_PROJECT_DIR),
                "--profiles-dir",
                str(DBT_PROJECT_DIR),
            ],
            check=True,
            env=env,
            cwd=DBT_PROJECT_DIR,
        )
    return MANIFEST


quota_dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
