"""Validate the batches an ingest brought in against their contract suites, and keep the results.

Great Expectations runs on pandas; a batch is handed over in chunks of at most `CHUNK_ROWS` rows (2M), so
memory stays bounded for a full extract of a large table. Uniqueness is therefore checked within each
chunk; duplicates across chunks are caught (and resolved) by the quarantine, which sees the whole table.

Results are written to `_ingest.contract_results` (one row per expectation and table, replaced each run)
so the run's output, the Dagster asset checks and an analyst all read the same figures.
"""

from __future__ import annotations

import os
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from orchestration.contracts.suites import ReferenceSets, build_suite
from orchestration.source_contract import TABLES_BY_NAME
from orchestration.source_loading import CONTRACT_RESULTS
from orchestration.sql_identifiers import quote_identifier

CHUNK_ROWS = 2_000_000
RESULTS_TABLE = CONTRACT_RESULTS
CURRENCY_SEED = Path(__file__).resolve().parents[2] / "dbt_project" / "seeds" / "iso_4217_currencies.csv"


@dataclass(frozen=True)
class ExpectationOutcome:
    expectation: str
    column: str
    unexpected_count: int
    examples: str

    @property
    def passed(self) -> bool:
        return self.unexpected_count == 0


@dataclass
class TableContractResult:
    table: str
    rows_validated: int = 0
    outcomes: list[ExpectationOutcome] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(outcome.passed for outcome in self.outcomes)

    @property
    def failures(self) -> list[ExpectationOutcome]:
        return [outcome for outcome in self.outcomes if not outcome.passed]

    def line(self) -> str:
        if self.passed:
            return f"contract {self.table}: {self.rows_validated:,} rows, {len(self.outcomes)} expectations met"
        broken = "; ".join(
            f"{outcome.expectation}({outcome.column}): {outcome.unexpected_count:,} rows, e.g. {outcome.examples}"
            for outcome in self.failures
        )
        return f"contract {self.table}: {self.rows_validated:,} rows, {len(self.failures)} broken: {broken}"


def contracts_enabled(source_is_postgres: bool) -> bool:
    """`QUOTAS_CONTRACTS`: `on`, `off`, or `auto` (default: on for a PostgreSQL extract, off for files,
    whose types DuckDB checks on reading and whose bad rows the quarantine sets aside either way)."""
    setting = os.environ.get("QUOTAS_CONTRACTS", "auto").strip().lower()
    if setting in ("on", "1", "true", "yes"):
        return True
    if setting in ("off", "0", "false", "no"):
        return False
    return source_is_postgres


def _ids(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    rows = con.execute(f"select distinct id from raw.{quote_identifier(table)} where id is not null")
    return [str(value) for (value,) in rows.fetchall()]


def reference_sets(con: duckdb.DuckDBPyConnection) -> ReferenceSets:
    seed = f"read_csv('{CURRENCY_SEED}', header = true, all_varchar = true)"
    currencies = [str(code) for (code,) in con.execute(f"select currency_code from {seed}").fetchall()]
    return ReferenceSets(
        user_ids=_ids(con, "users"),
        team_ids=_ids(con, "teams"),
        period_ids=_ids(con, "quota_periods"),
        goal_ids=_ids(con, "goals"),
        currencies=currencies,
    )


def _contract_rows_sql(table: str, relation: str) -> str:
    """The relation's rows as the contract states them: ids kept as integers in raw (`integers_kept`) are
    read as their text, which is what the reference sets of ids hold."""
    kept = [quote_identifier(column.name) for column in TABLES_BY_NAME[table].columns if column.integers_kept]
    replace = f" replace ({', '.join(f'cast({name} as varchar) as {name}' for name in kept)})" if kept else ""
    return f"select * exclude (_malformed){replace} from {relation}"


def _validate_relation(
    con: duckdb.DuckDBPyConnection, table: str, relation: str, refs: ReferenceSets
) -> TableContractResult:
    import great_expectations as gx

    result = TableContractResult(table)
    from great_expectations.data_context.types.base import ProgressBarsConfig
    from great_expectations.execution_engine import pandas_execution_engine

    # Great Expectations fingerprints every pandas batch by hashing all its values, which is half the time
    # of a validation; the fingerprint only labels the batch in its own bookkeeping, which we do not keep.
    pandas_execution_engine.HASH_THRESHOLD = 0

    context = gx.get_context(mode="ephemeral")  # the suite below needs an active context
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    suite = build_suite(table, refs)
    unexpected: dict[tuple[str, str], int] = defaultdict(int)
    examples: dict[tuple[str, str], list[str]] = defaultdict(list)
    keys = [
        (config.type, str(config.kwargs.get("column", ""))) for config in (e.configuration for e in suite.expectations)
    ]
    batch_definition = (
        context.data_sources.add_pandas(f"{table}_source")
        .add_dataframe_asset(table)
        .add_batch_definition_whole_dataframe(table)
    )
    reader = con.execute(_contract_rows_sql(table, relation)).to_arrow_reader(CHUNK_ROWS)
    for record_batch in reader:
        if record_batch.num_rows == 0:
            continue
        result.rows_validated += record_batch.num_rows
        frame = record_batch.to_pandas()
        outcome = batch_definition.get_batch(batch_parameters={"dataframe": frame}).validate(
            suite, result_format="SUMMARY"
        )
        for expectation_result in outcome.results:
            config = expectation_result.expectation_config
            key = (config.type, str(config.kwargs.get("column", "")))
            unexpected[key] += int(expectation_result.result.get("unexpected_count") or 0)
            if len(examples[key]) < 3:
                sample = expectation_result.result.get("partial_unexpected_list") or []
                examples[key] += [str(value) for value in sample[: 3 - len(examples[key])]]
    result.outcomes = [
        ExpectationOutcome(name, column, unexpected[(name, column)], ", ".join(examples[(name, column)]))
        for name, column in keys
    ]
    return result


def validate_batches(con: duckdb.DuckDBPyConnection, batches: dict[str, str]) -> list[TableContractResult]:
    """Validate each table's batch (a relation in `con`) and record the results in the warehouse."""
    started = time.monotonic()
    refs = reference_sets(con)
    results = [_validate_relation(con, table, relation, refs) for table, relation in batches.items()]
    seconds = time.monotonic() - started
    con.execute("create schema if not exists _ingest")
    con.execute(
        f"""create or replace table {RESULTS_TABLE} (
            table_name varchar, expectation varchar, column_name varchar, rows_validated bigint,
            unexpected_count bigint, examples varchar, validation_seconds double)"""
    )
    for result in results:
        for outcome in result.outcomes:
            con.execute(
                f"insert into {RESULTS_TABLE} values (?, ?, ?, ?, ?, ?, ?)",
                [
                    result.table,
                    outcome.expectation,
                    outcome.column,
                    result.rows_validated,
                    outcome.unexpected_count,
                    outcome.examples,
                    seconds,
                ],
            )
    return results
