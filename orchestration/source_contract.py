"""The CRM source contract: which tables a source holds, their columns and the types they load as.

Everything that reads or writes a source (the ingest assets, the sample generator, the tests' reference
computation) takes the table and column lists from here, so the contract is written down exactly once.

Identifiers are loaded as text whatever their type in the source: CRMs use both integer and string keys,
and one key type for every table keeps joins between tables well-typed.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ColumnType(StrEnum):
    """The logical type of a contract column, mapped to a DuckDB type by `duckdb_type`."""

    TEXT = "text"
    NUMBER = "number"
    INTEGER = "integer"
    BOOLEAN = "boolean"
    DATE = "date"
    TIMESTAMP = "timestamp"

    @property
    def duckdb_type(self) -> str:
        return {
            ColumnType.TEXT: "varchar",
            ColumnType.NUMBER: "double",
            ColumnType.INTEGER: "bigint",
            ColumnType.BOOLEAN: "boolean",
            ColumnType.DATE: "date",
            ColumnType.TIMESTAMP: "timestamptz",
        }[self]


@dataclass(frozen=True)
class Column:
    name: str
    type: ColumnType
    required: bool = True
    integers_kept: bool = False
    """A text column (an id) whose integers stay integers in raw when the file stores them so. Set on the
    ids of the event tables (deals, leads, activities): at 100M activities, writing every id as text was
    half of the table's load (at M 39 s against 17 s), and grouping by text ids made the duplicate check
    four times slower. The same id compares equal either way, since every row of a table holds one type, and
    the models make its text (`cast(... as varchar)`, exact for an integer) where it meets another table's
    ids or leaves the ledger, or turn another table's text id into its integer (a split's deal_id):
    dbt_project/macros/integer_ids.sql."""


@dataclass(frozen=True)
class TableContract:
    """One source table: its columns, and whether a source may leave it out.

    An optional table that is absent loads as an empty table with the same columns, which is exactly
    what the SPEC says its absence means (no memberships, no splits, no rates, no goals).
    """

    name: str
    columns: tuple[Column, ...]
    required: bool
    domain: str
    keeps_extra_columns: bool = False
    change_instant: str | None = None
    """For the event tables: the instant the ledger dates a row by. A changed file of such a table is
    loaded by the hours of this instant that changed (orchestration/raw_changes.py), not whole."""

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(f"{self.name} has no column {name}")


def _columns(*specs: tuple[str, ColumnType] | tuple[str, ColumnType, bool] | Column) -> tuple[Column, ...]:
    return tuple(spec if isinstance(spec, Column) else Column(*spec) for spec in specs)


T, N, INT, B, D, TS = (
    ColumnType.TEXT,
    ColumnType.NUMBER,
    ColumnType.INTEGER,
    ColumnType.BOOLEAN,
    ColumnType.DATE,
    ColumnType.TIMESTAMP,
)

EVENT_IDS_KEPT_AS_INTEGERS = (Column("id", T, integers_kept=True), Column("owner_id", T, integers_kept=True))
"""The id and owner of the three event tables, deals, leads and activities (see `Column.integers_kept`)."""

CRM_TABLES: tuple[TableContract, ...] = (
    TableContract("teams", _columns(("id", T), ("name", T), ("parent_team_id", T)), True, "crm"),
    TableContract(
        "users",
        _columns(
            ("id", T),
            ("name", T),
            ("email", T),
            ("team_id", T),
            ("manager_id", T),
            ("is_active", B),
            ("hired_at", TS),
        ),
        True,
        "crm",
    ),
    TableContract(
        "team_memberships",
        _columns(("user_id", T), ("team_id", T), ("valid_from", D), ("valid_to", D), ("weight", N, False)),
        False,
        "crm",
    ),
    TableContract(
        "deals",
        _columns(
            *EVENT_IDS_KEPT_AS_INTEGERS,
            ("name", T),
            ("amount", N),
            ("currency", T),
            ("stage", T),
            ("status", T),
            ("created_at", TS),
            ("closed_at", TS),
            ("updated_at", TS),
        ),
        True,
        "crm",
        keeps_extra_columns=True,
        change_instant="closed_at",
    ),
    TableContract("deal_splits", _columns(("deal_id", T), ("user_id", T), ("percent", N)), False, "crm"),
    TableContract(
        "leads",
        _columns(
            *EVENT_IDS_KEPT_AS_INTEGERS,
            ("status", T),
            ("created_at", TS),
            ("updated_at", TS),
        ),
        True,
        "crm",
        change_instant="created_at",
    ),
    TableContract(
        "activities",
        _columns(
            *EVENT_IDS_KEPT_AS_INTEGERS,
            ("type", T),
            ("occurred_at", TS),
            ("updated_at", TS),
        ),
        True,
        "crm",
        change_instant="occurred_at",
    ),
    TableContract("fx_rates", _columns(("currency", T), ("rate_date", D), ("rate_to_usd", N)), False, "crm"),
)

CONFIG_TABLES: tuple[TableContract, ...] = (
    TableContract(
        "quota_periods",
        _columns(
            ("id", T),
            ("name", T),
            ("period_type", T),
            ("start_date", D),
            ("end_date", D),
            ("is_active", B),
        ),
        True,
        "config",
    ),
    TableContract(
        "quotas",
        _columns(
            ("id", T),
            ("period_id", T),
            ("user_id", T),
            ("team_id", T),
            ("metric_type", T),
            ("metric_field", T),
            ("target_value", N),
            ("currency", T),
            ("weight", N, False),
        ),
        True,
        "config",
    ),
    TableContract(
        "goals",
        _columns(
            ("id", T),
            ("name", T),
            ("description", T, False),
            ("goal_type", T),
            ("user_id", T),
            ("team_id", T),
            ("metric_type", T),
            ("target_value", N),
            ("start_date", D),
            ("end_date", D),
            ("weight", N, False),
        ),
        False,
        "config",
    ),
    TableContract(
        "goal_milestones",
        _columns(
            ("id", T),
            ("goal_id", T),
            ("name", T),
            ("target_value", N),
            ("target_date", D),
            ("display_order", INT),
        ),
        False,
        "config",
    ),
)

ALL_TABLES: tuple[TableContract, ...] = CRM_TABLES + CONFIG_TABLES
TABLES_BY_NAME: dict[str, TableContract] = {table.name: table for table in ALL_TABLES}

METRIC_TYPES: tuple[str, ...] = ("revenue", "deals", "leads", "calls", "meetings", "emails", "custom")
DEAL_STATUSES: tuple[str, ...] = ("open", "won", "lost")
ACTIVITY_TYPES: tuple[str, ...] = ("call", "meeting", "email")
PERIOD_TYPES: tuple[str, ...] = ("month", "quarter", "year")
GOAL_TYPES: tuple[str, ...] = ("individual", "team", "company")
