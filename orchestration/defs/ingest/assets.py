"""Raw tables: the source's contract tables copied into the warehouse's `raw` schema.

One asset per table, so the lineage from each CRM table to the marts is visible in the UI, but all of
them are materialised by a single step: the source is checked as a whole and loaded in one transaction,
so a bad source changes nothing. Each raw table carries a `contract` asset check: the Great Expectations
suite its batch was validated against (a warning, not a failure: rows that break the contract are set
aside by the quarantine, and the run goes on).
"""

import dagster as dg

from orchestration.ingest import ingest_source
from orchestration.resources import PipelineSettings
from orchestration.source_contract import ALL_TABLES

RAW_TABLE_SPECS = [
    dg.AssetSpec(
        key=["raw", table.name],
        group_name="ingest",
        description=f"The source's {table.name} table with the contract's column types"
        + ("" if table.required else " (empty when the source has none)")
        + ".",
        kinds={"duckdb"},
        metadata={"contract_columns": ", ".join(table.column_names)},
        skippable=True,
    )
    for table in ALL_TABLES
]

CONTRACT_CHECK_SPECS = [
    dg.AssetCheckSpec(
        "contract",
        asset=["raw", table.name],
        description=f"The batch of {table.name} this run brought in meets its Great Expectations contract.",
    )
    for table in ALL_TABLES
]


@dg.multi_asset(specs=RAW_TABLE_SPECS, check_specs=CONTRACT_CHECK_SPECS, can_subset=True, name="raw_source_tables")
def raw_source_tables(context: dg.AssetExecutionContext, pipeline: PipelineSettings):
    """Check the whole source against the contract, then bring every raw table up to date in one transaction.

    Contract checks are reported when the batch was validated (always for a PostgreSQL extract; for files
    when `QUOTAS_CONTRACTS=on`)."""
    outcome = ingest_source(
        pipeline.source, pipeline.warehouse_path, full_extract=pipeline.full_extract, progress=context.log.info
    )
    selected = context.selected_asset_keys
    for table, rows in outcome.counts.items():
        key = dg.AssetKey(["raw", table])
        if key in selected:
            yield dg.MaterializeResult(asset_key=key, metadata={"rows": dg.MetadataValue.int(rows)})
    for result in outcome.contract_results:
        key = dg.AssetKey(["raw", result.table])
        if key not in selected:
            continue
        yield dg.AssetCheckResult(
            asset_key=key,
            check_name="contract",
            passed=result.passed,
            severity=dg.AssetCheckSeverity.WARN,
            metadata={
                "rows_validated": dg.MetadataValue.int(result.rows_validated),
                "expectations": dg.MetadataValue.int(len(result.outcomes)),
                "broken": dg.MetadataValue.md(
                    "\n".join(
                        f"- `{o.expectation}` on `{o.column}`: {o.unexpected_count:,} rows (e.g. {o.examples})"
                        for o in result.failures
                    )
                    or "none"
                ),
            },
        )
