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

# The models that close the ledger's bookkeeping: each event ledger's state (invalidated by the first
# model that changes its tables, written again by this last one) and the daily values' date fingerprints.
# No snapshot reads them, but a backfill that reads the source changes the ledger: without them it left
# the ledger marked incomplete, and the next daily run rebuilt all of it (at S ~8 s of dbt, at M ~70 s).
LEDGER_BOOKKEEPING = dg.AssetSelection.assets(
    *(
        dg.AssetKey(["intermediate", name])
        for name in (
            "int_activity_ledger_state",
            "int_lead_ledger_state",
            "int_deal_ledger_state",
            "int_ledger_fingerprints",
        )
    )
)

snapshot_backfill = dg.define_asset_job(
    name="snapshot_backfill",
    selection=(
        (dg.AssetSelection.groups("snapshots") | LEDGER_BOOKKEEPING).upstream() - dg.AssetSelection.groups("marts")
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
