"""Bring the source into the warehouse's `raw` schema, whichever kind of source it is.

A directory of CSV/Parquet files is reloaded whole (DuckDB reads it faster than anything could diff it); a
PostgreSQL URL is extracted incrementally. Either way the batch a run brought in can be validated against
the data contracts before it is committed, and the outcome is one object the ingest asset reports from.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from orchestration.contracts.validation import TableContractResult
from orchestration.postgres_url import PostgresUrl, is_postgres_url
from orchestration.source_loading import SourceError


@dataclass
class IngestOutcome:
    """Rows now in each raw table, and the contract results (if the batches were validated)."""

    counts: dict[str, int]
    contract_results: list[TableContractResult] = field(default_factory=list)


def describe_source(source: str) -> str:
    """The source as it may be printed: a URL without its password, a directory as given."""
    if is_postgres_url(source):
        return parse_source_url(source).display
    return source


def parse_source_url(source: str) -> PostgresUrl:
    try:
        return PostgresUrl.parse(source)
    except ValueError as error:
        raise SourceError(str(error)) from None


def check_source(source: str) -> None:
    """Check a source against the contract without loading it: fails in a second with one clear line."""
    if is_postgres_url(source):
        from orchestration.postgres_source.extract import check_postgres_source

        check_postgres_source(parse_source_url(source))
        return
    from orchestration.source_loading import inspect_source
    from orchestration.warehouse import connect

    with connect(Path(":memory:")) as con:
        inspect_source(con, Path(source))


def ingest_source(
    source: str,
    warehouse: Path,
    full_extract: bool = False,
    progress: Callable[[str], None] | None = None,
) -> IngestOutcome:
    from orchestration.contracts.validation import contracts_enabled, validate_batches

    postgres = is_postgres_url(source)
    outcome = IngestOutcome(counts={})

    def validate(con: duckdb.DuckDBPyConnection, batches: dict[str, str]) -> None:
        outcome.contract_results = validate_batches(con, batches)
        if progress:
            for result in outcome.contract_results:
                progress(result.line())

    validator = validate if contracts_enabled(postgres) else None
    if postgres:
        from orchestration.postgres_source.extract import ExtractOptions, extract_into_raw

        report = extract_into_raw(
            warehouse, parse_source_url(source), ExtractOptions.from_environment(full_extract), progress, validator
        )
        outcome.counts = report.counts()
        return outcome
    from orchestration.source_loading import load_source_into_raw

    outcome.counts = load_source_into_raw(warehouse, Path(source).resolve(), progress=progress, validate=validator)
    return outcome
