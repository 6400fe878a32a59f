"""The runs: the daily pipeline (one day's partition) and the snapshot backfill (a range, one run).
The weekly report has its own job (`defs/report`).

Both are partitioned by day through the snapshot assets they select. Each ends by publishing (group
`serving`): readers and the application only ever see what a complete run published.
"""

import dagster as dg

quota_pipeline = dg.define_asset_job(
    name="quota_pipeline",
    selection=dg.AssetSelection.all() - dg.AssetSelection.groups("reports"),
    description="Load the source, build every mart as of the partition's day, and write that day's snapshots.",
)

snapshot_backfill = dg.define_asset_job(
    name="snapshot_backfill",
    selection=(
        dg.AssetSelection.groups("snapshots").upstream() - dg.AssetSelection.groups("marts")
    ).required_multi_asset_neighbors()
    | dg.AssetSelection.groups("serving"),
    description="Load the source and write the snapshots of a range of days, in one run, then publish.",
)

snapshot_write = dg.define_asset_job(
    name="snapshot_write",
    selection=dg.AssetSelection.groups("snapshots", "serving"),
    description="Write the snapshots of a range of days from the ledger already in the warehouse, in one run, "
    "then publish.",
)
