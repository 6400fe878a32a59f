"""The daily run: load the source, build the ledger and the marts."""

from __future__ import annotations

import dagster as dg

quota_pipeline = dg.define_asset_job(
    name="quota_pipeline",
    selection=dg.AssetSelection.all(),
    description="Load the source and build every mart as of the configured date.",
)
