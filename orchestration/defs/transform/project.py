"""Where the dbt project lives, and keeping its manifest current.

Dagster reads dbt's manifest to know the models. The manifest is (re)built with `dbt parse` when it is
missing or older than any file of the project, so a fresh clone works and a warm start pays nothing.
Several processes may start at once after a code change (the test suite's workers, a run beside a
`dagster dev`): one parses while the others wait on a lock, and the parse is written beside the manifest
and renamed into place, so no reader ever sees half a file.
"""

from __future__ import annotations

import fcntl
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
PARTIAL_PARSE_FILE = "partial_parse.msgpack"
PARSE_OUTPUTS = ("manifest.json", PARTIAL_PARSE_FILE)
"""What a parse leaves that others read: Dagster the manifest, each run's dbt the saved parse."""


def dbt_executable() -> str:
    """The dbt installed beside this Python (a virtualenv need not be activated), else the one on PATH."""
    beside = Path(sys.executable).parent / "dbt"
    return str(beside) if beside.exists() else (shutil.which("dbt") or "dbt")


def _newest_project_file_time(project_dir: Path) -> float:
    newest = 0.0
    for folder in ("models", "macros", "seeds", "tests"):
        for path in (project_dir / folder).rglob("*"):
            if path.is_file():
                newest = max(newest, path.stat().st_mtime)
    for name in ("dbt_project.yml", "profiles.yml"):
        newest = max(newest, (project_dir / name).stat().st_mtime)
    return newest


def _manifest_is_stale(project_dir: Path) -> bool:
    manifest = project_dir / "target" / "manifest.json"
    return not manifest.exists() or manifest.stat().st_mtime < _newest_project_file_time(project_dir)


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
    """The project's manifest, parsed again when a file of the project is newer."""
    parse_if_stale(DBT_PROJECT_DIR)
    return MANIFEST


def parse_if_stale(project_dir: Path) -> bool:
    """Parse the dbt project at `project_dir` when its manifest is missing or older than one of its files;
    whether this call parsed.

    The parse is made for a warehouse named like the default one and opened by its name, as runs open
    theirs (dbt_server.py), so its partial_parse.msgpack seeds each new warehouse's target directory.
    The staleness is checked again once the lock is held: whoever waited finds the parse made."""
    if not _manifest_is_stale(project_dir):
        return False
    target = project_dir / "target"
    target.mkdir(exist_ok=True)
    with (target / ".parse.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not _manifest_is_stale(project_dir):
            return False
        _parse_into_place(project_dir, target)
        return True


def _parse_into_place(project_dir: Path, target: Path) -> None:
    """`dbt parse` into a directory of its own (starting from the saved parse, so only the changed files
    are read again), then its outputs renamed over the old ones, the manifest last: its time is what
    says the parse is current."""
    staging = target / ".parse"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        if (target / PARTIAL_PARSE_FILE).exists():
            shutil.copyfile(target / PARTIAL_PARSE_FILE, staging / PARTIAL_PARSE_FILE)
        env = {**os.environ, "DO_NOT_TRACK": "1", "QUOTAS_WAREHOUSE": DEFAULT_WAREHOUSE_NAME}
        subprocess.run(
            [
                dbt_executable(),
                "parse",
                "--quiet",
                "--project-dir",
                str(project_dir),
                "--profiles-dir",
                str(project_dir),
                "--target-path",
                str(staging),
            ],
            check=True,
            env=env,
            cwd=project_dir,
        )
        for name in reversed(PARSE_OUTPUTS):
            os.replace(staging / name, target / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


quota_dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
