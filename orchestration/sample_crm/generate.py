"""Generate a whole sample CRM directory: one file per contract table, deterministic for a seed.

This module only sequences the work: which generator makes which table, in which chunks, with which
random stream. Each table draws from its own stream (seeded from `seed`, the table and the chunk), so
changing how one table is generated does not reshuffle every other table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa

from orchestration.fiscal_calendar import fiscal_periods
from orchestration.sample_crm.activities import generate_activity_chunk
from orchestration.sample_crm.actuals import Actuals
from orchestration.sample_crm.deals import TeamRoster, generate_deal_chunk
from orchestration.sample_crm.events import owner_weights
from orchestration.sample_crm.fx import generate_fx_rates
from orchestration.sample_crm.goals import build_goals
from orchestration.sample_crm.leads import generate_lead_chunk
from orchestration.sample_crm.org import build_org
from orchestration.sample_crm.quota_config import build_quotas, quota_periods_table
from orchestration.sample_crm.scales import Scale, get_scale
from orchestration.sample_crm.schemas import SCHEMAS
from orchestration.sample_crm.timebase import FIRST_FISCAL_YEAR, FISCAL_YEAR_START_MONTH, LAST_FISCAL_YEAR
from orchestration.sample_crm.writers import TableWriter, open_writer
from orchestration.source_contract import ALL_TABLES

Progress = Callable[[str], None]

STREAMS: dict[str, int] = {
    "org": 1, "fx_rates": 2, "deals": 3, "leads": 4, "activities": 5, "quotas": 6, "goals": 7,
}  # fmt: skip
LATE_QUARTER_END_CLOSES = {"tiny": 2, "S": 10, "M": 10}
"""Won deals per quarter end (per chunk) planted at 23:30 Los Angeles time."""


def _rng(seed: int, stream: str, chunk: int = 0) -> np.random.Generator:
    return np.random.default_rng([seed, STREAMS[stream], chunk])


def _chunks(total: int, size: int) -> Iterator[tuple[int, int, int]]:
    """(chunk index, first row offset, rows) covering `total` rows in pieces of at most `size`."""
    for index, start in enumerate(range(0, total, size)):
        yield index, start, min(size, total - start)


def _write_whole(out_dir: Path, scale: Scale, name: str, table: pa.Table, progress: Progress) -> int:
    writer = open_writer(out_dir, name, SCHEMAS[name], scale.file_format)
    writer.write(table)
    writer.close()
    progress(f"{name}: {writer.rows:,} rows")
    return writer.rows


def generate_sample_crm(scale: str, out_dir: Path, seed: int = 42, progress: Progress | None = None) -> dict[str, int]:
    """Write a sample CRM of `scale` ('tiny', 'S' or 'M') into `out_dir`; return row counts per table.

    tiny is written as CSV, S and M as Parquet. The big tables are generated and written in chunks of
    `Scale.chunk_rows`, so memory stays bounded whatever the scale.
    """
    spec = get_scale(scale)
    report: Progress = progress or (lambda message: None)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}

    org = build_org(spec, _rng(seed, "org"))
    counts["teams"] = _write_whole(out_dir, spec, "teams", org.teams, report)
    counts["users"] = _write_whole(out_dir, spec, "users", org.users, report)
    counts["team_memberships"] = _write_whole(out_dir, spec, "team_memberships", org.memberships, report)
    counts["fx_rates"] = _write_whole(out_dir, spec, "fx_rates", generate_fx_rates(_rng(seed, "fx_rates")), report)

    actuals = Actuals(org.rep_count)
    weights = owner_weights(org)
    roster = TeamRoster.of(org)
    deals = open_writer(out_dir, "deals", SCHEMAS["deals"], spec.file_format)
    splits = open_writer(out_dir, "deal_splits", SCHEMAS["deal_splits"], spec.file_format)
    for index, start, rows in _chunks(spec.deals, spec.chunk_rows):
        chunk = generate_deal_chunk(
            _rng(seed, "deals", index), org, roster, weights, start + 1, rows,
            LATE_QUARTER_END_CLOSES.get(spec.name, 10), actuals,
        )  # fmt: skip
        deals.write(chunk.deals)
        splits.write(chunk.splits)
        report(f"deals: {start + rows:,} / {spec.deals:,} rows")
    counts["deals"] = _close(deals, "deals", report)
    counts["deal_splits"] = _close(splits, "deal_splits", report)

    for name, total, generate_chunk in (
        ("leads", spec.leads, generate_lead_chunk),
        ("activities", spec.activities, generate_activity_chunk),
    ):
        writer = open_writer(out_dir, name, SCHEMAS[name], spec.file_format)
        for index, start, rows in _chunks(total, spec.chunk_rows):
            writer.write(generate_chunk(_rng(seed, name, index), org, weights, start + 1, rows, actuals))
            report(f"{name}: {start + rows:,} / {total:,} rows")
        counts[name] = _close(writer, name, report)

    periods = fiscal_periods(FISCAL_YEAR_START_MONTH, FIRST_FISCAL_YEAR, LAST_FISCAL_YEAR)
    counts["quota_periods"] = _write_whole(out_dir, spec, "quota_periods", quota_periods_table(periods), report)
    quotas = build_quotas(_rng(seed, "quotas"), org, actuals, periods)
    counts["quotas"] = _write_whole(out_dir, spec, "quotas", quotas, report)
    goals, milestones = build_goals(_rng(seed, "goals"), org, actuals, periods, spec.goals)
    counts["goals"] = _write_whole(out_dir, spec, "goals", goals, report)
    counts["goal_milestones"] = _write_whole(out_dir, spec, "goal_milestones", milestones, report)

    missing = {table.name for table in ALL_TABLES} - set(counts)
    if missing:
        raise RuntimeError(f"sample generator wrote no file for {sorted(missing)}")
    return {table.name: counts[table.name] for table in ALL_TABLES}


def _close(writer: TableWriter, name: str, report: Progress) -> int:
    writer.close()
    report(f"{name}: {writer.rows:,} rows written")
    return writer.rows
