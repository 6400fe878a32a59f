"""The report run: only the report asset, reading the marts the daily pipeline has built."""

import dagster as dg

executive_report_job = dg.define_asset_job(
    name="executive_report_job",
    selection=dg.AssetSelection.groups("reports"),
    description="Write the executive report of a day from the marts already built (read-only).",
)
