"""Where a warehouse's serving copy lives, and swapping a directory into place by an atomic rename.

The serving directory defaults to `<warehouse stem>_serving/` beside the warehouse file; `--serving-dir`
or `QUOTAS_SERVING_DIR` moves it. Everything readers open is reached through a name that is replaced in
one `rename(2)`: the DuckDB file itself, and the `current` symlinks of the Parquet and docs versions.
"""

from __future__ import annotations

import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

SERVING_DIR_ENV = "QUOTAS_SERVING_DIR"
CURRENT = "current"
TEMPORARY_PREFIX = ".tmp-"


@dataclass(frozen=True)
class ServingPaths:
    root: Path

    @classmethod
    def for_warehouse(cls, warehouse: Path, serving_dir: str | Path | None = None) -> ServingPaths:
        chosen = serving_dir or os.environ.get(SERVING_DIR_ENV) or ""
        if chosen:
            return cls(Path(chosen).resolve())
        warehouse = Path(warehouse).resolve()
        return cls(warehouse.parent / f"{warehouse.stem}_serving")

    @property
    def database(self) -> Path:
        """The read-only DuckDB copy of the marts, in schema `marts`.

        Not `marts.duckdb`: DuckDB names a file's catalog after its stem, and a catalog named `marts` makes
        `marts.leaderboard` ambiguous (catalog or schema).
        """
        return self.root / "quotas.duckdb"

    @property
    def parquet(self) -> Path:
        return self.root / "parquet"

    @property
    def docs(self) -> Path:
        return self.root / "docs"

    def current(self, area: Path) -> Path:
        return area / CURRENT


def swap_symlink(link: Path, target_name: str) -> None:
    """Point `link` at `target_name` (a sibling) in one rename: a reader finds the old target or the new."""
    fresh = link.with_name(f"{TEMPORARY_PREFIX}{link.name}-{uuid.uuid4().hex[:8]}")
    os.symlink(target_name, fresh)
    os.replace(fresh, link)


def publish_version(area: Path, staged: Path, version: str) -> None:
    """Move a fully written `staged` directory to `area/version`, point `area/current` at it, prune.

    The version that `current` pointed to before is kept for readers still in the middle of reading it;
    older versions and leftovers of interrupted publications are removed.
    """
    link = area / CURRENT
    previous = os.readlink(link) if link.is_symlink() else None
    os.replace(staged, area / version)
    swap_symlink(link, version)
    keep = {version, previous, CURRENT}
    for entry in area.iterdir():
        if entry.name in keep:
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)


def staging_directory(area: Path, version: str) -> Path:
    """A fresh hidden directory inside `area` (same file system, so the final move is a rename)."""
    area.mkdir(parents=True, exist_ok=True)
    staged = area / f"{TEMPORARY_PREFIX}{version}"
    shutil.rmtree(staged, ignore_errors=True)
    staged.mkdir()
    return staged
