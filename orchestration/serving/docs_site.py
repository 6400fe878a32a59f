"""The dbt docs site (every mart and column described, with lineage), published beside the serving copy.

`dbt docs generate --static` re-parses and compiles the project and reads the warehouse's catalog: about
9 s on any data size, a quarter of a tiny daily run. What it shows depends only on the project's files,
the warehouse's tables and columns, and the company settings passed as vars, so the site is generated
only when that key changes, and otherwise reused: from the serving directory when it already shows this
key, else from a cache under the dbt target directory (shared by every warehouse of this checkout).
The as-of date is deliberately not a var here: the site documents the models, not one day's numbers.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from orchestration.defs.transform.project import DBT_PROJECT_DIR, dbt_executable, project_digest
from orchestration.serving.paths import ServingPaths, publish_version, staging_directory
from orchestration.settings import CompanySettings
from orchestration.warehouse import connect

SITE_FILES = ("static_index.html", "index.html", "catalog.json", "manifest.json")
KEY_FILE = "docs_key.txt"
CACHE_DIR = DBT_PROJECT_DIR / "target" / "docs_cache"


class DocsFailed(RuntimeError):
    """dbt could not generate the docs site; the message is dbt's first error line."""


@dataclass(frozen=True)
class DocsResult:
    key: str
    generated: bool
    seconds: float
    published: bool


OUTBOX = ("marts", "notifications")
"""Written by the notification tick, after the docs site, and not a dbt model: left out of the key, or
the first run of a warehouse (before the outbox exists) and the next would have different keys."""


def _columns_digest(warehouse: Path) -> str:
    """The models' columns, whatever the file is called: every warehouse of one shape shares its docs site
    (bookkeeping schemas such as `_ingest` are left out, they do not appear in the docs)."""
    with connect(warehouse, read_only=True) as con:
        rows = con.execute(
            "select table_schema, table_name, column_name, data_type from information_schema.columns "
            "where table_schema not like '\\_%' escape '\\' "
            f"and not (table_schema = '{OUTBOX[0]}' and table_name = '{OUTBOX[1]}') order by all"
        ).fetchall()
    return hashlib.sha256(json.dumps(rows, default=str).encode()).hexdigest()


def docs_vars(company: CompanySettings) -> str:
    return json.dumps({"timezone": company.timezone, "reporting_currency": company.reporting_currency}, sort_keys=True)


def docs_key(warehouse: Path, company: CompanySettings) -> str:
    parts = [project_digest(), _columns_digest(warehouse), docs_vars(company)]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:24]


def _generate(warehouse: Path, company: CompanySettings, key: str) -> Path:
    """Run `dbt docs generate --static` into the cache entry of `key` (written aside, then renamed)."""
    entry = CACHE_DIR / key
    work = CACHE_DIR / f".work-{key}-{uuid.uuid4().hex[:8]}"
    environment = {**os.environ, "QUOTAS_WAREHOUSE": str(warehouse), "DO_NOT_TRACK": "1"}
    command = [dbt_executable(), "docs", "generate", "--static", "--vars", docs_vars(company)]
    command += ["--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)]
    command += ["--target-path", str(work)]
    completed = subprocess.run(command, capture_output=True, text=True, env=environment, cwd=DBT_PROJECT_DIR)
    if completed.returncode != 0:
        errors = [line for line in completed.stdout.splitlines() if "Error" in line] or ["see dbt's log"]
        shutil.rmtree(work, ignore_errors=True)
        raise DocsFailed(f"dbt docs generate failed: {errors[0].strip()}")
    site = work / "site"
    site.mkdir()
    for name in SITE_FILES:
        (work / name).replace(site / name)
    (site / KEY_FILE).write_text(key + "\n")
    with contextlib.suppress(OSError):  # another process cached the same key meanwhile: theirs is as good
        site.rename(entry)
    shutil.rmtree(work, ignore_errors=True)
    return entry


def publish_docs_site(warehouse: Path, serving: ServingPaths, company: CompanySettings, version: str) -> DocsResult:
    """Make `<serving>/docs/current/static_index.html` document this warehouse, regenerating only if needed."""
    started = time.monotonic()
    key = docs_key(warehouse, company)
    current = serving.current(serving.docs)
    if (current / KEY_FILE).exists() and (current / KEY_FILE).read_text().strip() == key:
        return DocsResult(key, generated=False, seconds=time.monotonic() - started, published=False)
    entry = CACHE_DIR / key
    generated = not (entry / KEY_FILE).exists()
    if generated:
        entry = _generate(warehouse, company, key)
    staged = staging_directory(serving.docs, version)
    for name in (*SITE_FILES, KEY_FILE):
        shutil.copyfile(entry / name, staged / name)
    publish_version(serving.docs, staged, version)
    return DocsResult(key, generated=generated, seconds=time.monotonic() - started, published=True)
