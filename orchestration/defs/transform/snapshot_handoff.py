"""One dbt invocation per run: the ledger's step writes the snapshot days too, and says so.

The snapshot models are their own daily-partitioned asset (defs/snapshots), downstream of the ledger's
models. Run as two steps, that is two dbt invocations, each paying dbt's start-up and parse (about 6 s
even on tiny data). So when a run includes the snapshot asset and knows its partition window, the
ledger's step builds the snapshot models for that window in the same `dbt build`, and leaves a note in its
dbt target directory: the run, the window, and how each snapshot node and test ended. The snapshot step
of the same run reads the note and reports those results instead of starting dbt again. Without a note
for its run and window (the snapshot asset run on its own, a re-execution of that step), it runs dbt
itself as before.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

import dagster as dg

from orchestration.pipeline_runner import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

SNAPSHOT_ASSET_KEY = dg.AssetKey(["marts", "quota_snapshots"])
NOTE_FILE = "snapshot_handoff.json"


@dataclass
class SnapshotHandoff:
    run_id: str
    first_day: str
    last_day: str
    materialized: list[str] = field(default_factory=list)
    """Asset keys (user strings) of the snapshot models dbt built."""
    checks: list[dict] = field(default_factory=list)
    """asset_key, check_name, passed, severity (name) of each snapshot test dbt ran."""

    def write(self, target_dir: Path) -> None:
        target_dir.mkdir(parents=True, exist_ok=True)
        (target_dir / NOTE_FILE).write_text(json.dumps(asdict(self), indent=1))

    @classmethod
    def read(cls, target_dir: Path, run_id: str, first_day: date, last_day: date) -> SnapshotHandoff | None:
        """The note of this run for exactly this window, if the ledger's step left one."""
        path = target_dir / NOTE_FILE
        if not path.exists():
            return None
        note = cls(**json.loads(path.read_text()))
        if (note.run_id, note.first_day, note.last_day) != (run_id, first_day.isoformat(), last_day.isoformat()):
            return None
        return note


def run_partition_window(context: dg.AssetExecutionContext) -> tuple[date, date] | None:
    """The days of the run's partition (a daily run) or partition range (a single-run backfill)."""
    tags = context.run.tags
    if "dagster/partition" in tags:
        day = date.fromisoformat(tags["dagster/partition"])
        return day, day
    start, end = tags.get(ASSET_PARTITION_RANGE_START_TAG), tags.get(ASSET_PARTITION_RANGE_END_TAG)
    if start and end:
        return date.fromisoformat(start), date.fromisoformat(end)
    return None


def run_includes_snapshots(context: dg.AssetExecutionContext) -> bool:
    selection = context.run.asset_selection
    if selection:  # a run of a subset of the job's assets (empty or None: the whole job)
        return SNAPSHOT_ASSET_KEY in selection
    return SNAPSHOT_ASSET_KEY in context.job_def.asset_layer.executable_asset_keys
