"""Raw tables: the source's contract tables copied into the warehouse's `raw` schema.

One asset per table, so the lineage from each CRM table to the marts is visible in the UI, but all of
them are materialised by a single step: the source is checked as a whole and loaded in one transaction,
so a bad source changes nothing.
"""

import dagster as dg

from orchestration.resources import PipelineSettings
from orchestration.source_contract import ALL_TABLES
from orchestration.source_loading import load_source_into_raw

RAW_TABLE_SPECS = [
    dg.AssetSpec(
        key=["raw", table.name],
        group_name="ingest",
        description=f"The source's {table.name} table with the contract's column types"
        + ("" if table.required else " (empty when the source has none)")
        + ".",
        kinds={"duckdb"},
        metadata={"contract_columns": ", ".join(table.column_names)},
    )
    for table in ALL_TABLES
]


@dg.multi_asset(specs=RAW_TABLE_SPECS, name="raw_source_tables")
def raw_source_tables(context: dg.AssetExecutionContext, pipeline: PipelineSettings):
    """Check the whole source against the contract, then replace every raw table in one transaction."""
    counts = load_source_into_raw(pipeline.warehouse_path, pipeline.source_path, progress=context.log.info)
    for table, rows in counts.items():
        yield dg.MaterializeResult(asset_key=["raw", table], metadata={"rows": dg.MetadataValue.int(rows)})
