"""Publishing a run: the serving copy readers open, the docs site, and the application's PostgreSQL tables.

These assets run after every mart and the snapshots, in the daily job and in the backfills, so the
command line and the Dagster UI publish the same way. The build warehouse stays private to the run.
"""

import os
from pathlib import Path

import dagster as dg

from orchestration.defs.transform.project import DBT_PROJECT_DIR
from orchestration.resources import PipelineSettings
from orchestration.serving.docs_site import publish_docs_site
from orchestration.serving.paths import ServingPaths
from orchestration.serving.postgres import PublishTarget, publish_to_postgres
from orchestration.serving.serving_copy import publish_serving_copy

PUBLISH_URL_ENV = "QUOTAS_PUBLISH_URL"
PUBLISH_SCHEMA_ENV = "QUOTAS_PUBLISH_SCHEMA"

# Every dbt model of the marts folder is an upstream of the publication (the snapshots included).
MART_KEYS = sorted(dg.AssetKey(["marts", path.stem]) for path in (DBT_PROJECT_DIR / "models" / "marts").glob("*.sql"))


def serving_paths(pipeline: PipelineSettings) -> ServingPaths:
    return ServingPaths.for_warehouse(pipeline.warehouse_path, pipeline.serving_dir or None)


@dg.asset(
    group_name="serving",
    deps=MART_KEYS,
    kinds={"duckdb", "parquet"},
    description="A read-only DuckDB copy of every mart table and a Parquet version, each swapped in by rename.",
)
def serving_copy(context: dg.AssetExecutionContext, pipeline: PipelineSettings) -> dg.MaterializeResult:
    serving = serving_paths(pipeline)
    publication = publish_serving_copy(pipeline.warehouse_path, serving, progress=context.log.info)
    return dg.MaterializeResult(
        metadata={
            "as_of_date": str(publication.as_of_date),
            "version": publication.version,
            "database": dg.MetadataValue.path(str(serving.database)),
            "rows": dg.MetadataValue.int(sum(publication.row_counts.values())),
        }
    )


@dg.asset(
    group_name="serving",
    deps=[serving_copy],
    kinds={"dbt"},
    description="The dbt docs site (static_index.html), regenerated only when the project or the tables change.",
)
def docs_site(context: dg.AssetExecutionContext, pipeline: PipelineSettings) -> dg.MaterializeResult:
    serving = serving_paths(pipeline)
    version = context.run.run_id[:8]
    result = publish_docs_site(pipeline.warehouse_path, serving, pipeline.company, version)
    how = "generated" if result.generated else ("reused from the cache" if result.published else "unchanged")
    context.log.info(f"docs site {how} in {result.seconds:.1f} s → {serving.docs / 'current' / 'static_index.html'}")
    return dg.MaterializeResult(
        metadata={"key": result.key, "generated": result.generated, "seconds": round(result.seconds, 2)}
    )


@dg.asset(
    group_name="serving",
    deps=[serving_copy],
    kinds={"postgres"},
    description=f"The application's tables in its PostgreSQL database (when ${PUBLISH_URL_ENV} is set).",
)
def application_tables(context: dg.AssetExecutionContext, pipeline: PipelineSettings) -> dg.MaterializeResult:
    url = os.environ.get(PUBLISH_URL_ENV, "")
    if not url:
        context.log.info(f"no ${PUBLISH_URL_ENV}: the application's PostgreSQL tables are not published")
        return dg.MaterializeResult(metadata={"published": False})
    target = PublishTarget.parse(url, os.environ.get(PUBLISH_SCHEMA_ENV) or None)
    counts = publish_to_postgres(Path(serving_paths(pipeline).database), target, progress=context.log.info)
    return dg.MaterializeResult(
        metadata={
            "published": True,
            "schema": target.schema,
            "target": target.masked_url,
            "rows": dg.MetadataValue.int(sum(counts.values())),
        }
    )
