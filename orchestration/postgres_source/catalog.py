"""What the PostgreSQL source holds: the contract tables' columns, checked and turned into a pull plan.

The plan says, for every contract column, the expression the server evaluates and the DuckDB type it
arrives as. Values are normalised on the server (ids to text, amounts to float8) so the Arrow stream has a
handful of simple types; a date or number stored as text arrives as text and is parsed in DuckDB exactly
like a CSV value, so a malformed one is quarantined with a note rather than failing the extract.
"""

from __future__ import annotations

from dataclasses import dataclass

from orchestration.source_contract import Column, ColumnType, TableContract
from orchestration.source_loading import SourceError, check_column_type
from orchestration.sql_identifiers import is_plain_identifier, quote_identifier

_TEXT_TYPES = {"text", "character varying", "character", "uuid", "citext", "name"}
_INTEGER_TYPES = {"smallint", "integer", "bigint"}
_DECIMAL_TYPES = {"numeric", "real", "double precision"}

# How a PostgreSQL type arrives in DuckDB once pulled (the name the shared type check understands).
_ARRIVES_AS = {
    **dict.fromkeys(_TEXT_TYPES, "VARCHAR"),
    **dict.fromkeys(_INTEGER_TYPES, "BIGINT"),
    **dict.fromkeys(_DECIMAL_TYPES, "DOUBLE"),
    "boolean": "BOOLEAN",
    "date": "DATE",
    "timestamp with time zone": "TIMESTAMP WITH TIME ZONE",
    "timestamp without time zone": "TIMESTAMP",
}

CATALOG_QUERY = """
select table_name::text, column_name::text, data_type::text
from information_schema.columns
where table_schema = $1 and table_name = any($2::text[])
order by table_name, ordinal_position
"""

# The tables whose `id` no two rows share: a primary key or unique index on `id` alone, valid and without
# a predicate. (Rows without an id are always pulled whole, so a unique index's many nulls do not matter.)
UNIQUE_ID_QUERY = """
select t.relname::text
from pg_index as i
join pg_class as t on t.oid = i.indrelid
join pg_namespace as n on n.oid = t.relnamespace
join pg_attribute as a on a.attrelid = t.oid and a.attnum = i.indkey[0]
where n.nspname = $1 and t.relname = any($2::text[]) and a.attname = 'id'
  and i.indisunique and i.indisvalid and i.indnkeyatts = 1 and i.indpred is null and i.indexprs is null
"""


@dataclass(frozen=True)
class PulledColumn:
    name: str
    server_expression: str
    arrives_as: str


@dataclass(frozen=True)
class TablePlan:
    """How one contract table is pulled: its columns, and whether it can be extracted incrementally."""

    contract: TableContract
    qualified_name: str
    columns: tuple[PulledColumn, ...]
    unique_id: bool = False
    """The server guarantees no two rows share an id: a changed row is all there is of its id."""

    @property
    def select_list(self) -> str:
        return ", ".join(column.server_expression for column in self.columns)

    @property
    def arriving_types(self) -> dict[str, str]:
        return {column.name: column.arrives_as for column in self.columns}

    @property
    def signature(self) -> str:
        """Changes when the pulled columns or their types change: then the raw table is re-extracted whole."""
        return ";".join(f"{column.name}:{column.arrives_as}" for column in self.columns)

    @property
    def is_incremental(self) -> bool:
        """Only a table with an id and a real timestamp `updated_at` can be extracted by watermark."""
        types = self.arriving_types
        return types.get("id") == "VARCHAR" and types.get("updated_at", "").startswith("TIMESTAMP")


def _pull(column_name: str, pg_type: str, contract_type: ColumnType | None) -> PulledColumn:
    """The server expression for one column: normalised to one simple type per contract type."""
    quoted = quote_identifier(column_name)
    arrives_as = _ARRIVES_AS.get(pg_type, pg_type.upper())
    if contract_type is ColumnType.TEXT or arrives_as == "VARCHAR":
        return PulledColumn(column_name, f"{quoted}::text as {quoted}", "VARCHAR")
    if contract_type is ColumnType.NUMBER or (contract_type is None and arrives_as in ("BIGINT", "DOUBLE")):
        return PulledColumn(column_name, f"{quoted}::float8 as {quoted}", "DOUBLE")
    if contract_type is ColumnType.INTEGER:
        return PulledColumn(column_name, f"{quoted}::int8 as {quoted}", "BIGINT")
    if contract_type is None:
        return PulledColumn(column_name, f"{quoted}::text as {quoted}", "VARCHAR")
    return PulledColumn(column_name, quoted, arrives_as)


def plan_tables(
    schema: str,
    contracts: tuple[TableContract, ...],
    catalog_rows: list[tuple[str, str, str]],
    unique_id_tables: frozenset[str] = frozenset(),
) -> dict[str, TablePlan | None]:
    """Check every contract table against the catalog; None for an optional table the source lacks.

    Raises SourceError naming the table and column for a missing required table or column, or a column
    whose type cannot hold the contract's values.
    """
    columns_by_table: dict[str, dict[str, str]] = {}
    for table, column, pg_type in catalog_rows:
        columns_by_table.setdefault(table, {})[column] = pg_type
    plans: dict[str, TablePlan | None] = {}
    for contract in contracts:
        location = f"{schema}.{contract.name}"
        source_columns = columns_by_table.get(contract.name)
        if source_columns is None:
            if contract.required:
                raise SourceError(f"table {contract.name}: required table is missing from schema {schema}")
            plans[contract.name] = None
            continue
        pulled: list[PulledColumn] = []
        for column in contract.columns:
            pg_type = source_columns.get(column.name)
            if pg_type is None:
                if column.required:
                    raise SourceError(
                        f"table {contract.name}: required column {column.name!r} is missing in {location}"
                    )
                continue
            pulled.append(_pull_contract_column(contract, column, pg_type, location))
        if contract.keeps_extra_columns:
            pulled += [
                _pull(name, pg_type, None)
                for name, pg_type in source_columns.items()
                if name not in contract.column_names and is_plain_identifier(name)
            ]
        plans[contract.name] = TablePlan(
            contract,
            f"{quote_identifier(schema)}.{quote_identifier(contract.name)}",
            tuple(pulled),
            unique_id=contract.name in unique_id_tables,
        )
    return plans


def _pull_contract_column(contract: TableContract, column: Column, pg_type: str, location: str) -> PulledColumn:
    arrives_as = _ARRIVES_AS.get(pg_type, pg_type.upper())
    if arrives_as != "VARCHAR":
        check_column_type(contract.name, column, arrives_as, location)
    return _pull(column.name, pg_type, column.type)
