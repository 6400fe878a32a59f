"""The runs: the daily pipeline (one day's partition) and the snapshot backfill (a range, one run)."""

import dagster as dg

from orchestration.defs.snapshots.partitions import daily_snapshot_partitions

quota_pipeline = dg.define_asset_job(
    name="quota_pipeline",
    selection=dg.AssetSelection.all(),
    partitions_def=daily_snapshot_partitions,
    description="Load the source, build every mart as of the partition's day, and write that day's snapshots.",
)

snapshot_backfill = dg.define_asset_job(
    name="snapshot_backfill",
    selection=(
        dg.AssetSelection.groups("snapshots").upstream() - dg.AssetSelection.groups("marts")
    ).required_multi_asset_neighbors(),
    partitions_def=daily_snapshot_partitions,
    description="Load the source and write the snapshots of a range of days, in one run.",
)
