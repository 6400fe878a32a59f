"""Daily partitions of the snapshot history: one partition per day in the company time zone.

Partitions start at `QUOTAS_SNAPSHOT_START` (default 2015-01-01) and run to today (end_offset=1), so
`quotas run --as-of <today>` can write today's snapshots.
"""

import os

import dagster as dg

from orchestration.settings import load_company_settings

SNAPSHOT_START = os.environ.get("QUOTAS_SNAPSHOT_START", "2015-01-01")

daily_snapshot_partitions = dg.DailyPartitionsDefinition(
    start_date=SNAPSHOT_START,
    timezone=load_company_settings().timezone,
    end_offset=1,
)
