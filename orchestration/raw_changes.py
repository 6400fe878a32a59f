"""Reload only the hours of an event file whose rows changed, not the whole file.

The CRM's evening export rewrites `activities.parquet` whole, yet a day changes about 0.1% of its rows.
Reading and fingerprinting 100M rows of Parquet takes about 4-6 s at M; writing them into the warehouse again
(ids as text, compressed) takes about 35 s. So for the event tables (deals, leads, activities) the load
keeps, beside the raw table, a fingerprint per change key: a sum of row hashes and a row count per UTC hour
of the instant the ledger dates the row by (`TableContract.change_instant`), and per bucket of ids (2^20 of
them) for rows without one. A changed file is read once to fingerprint it; only the keys whose fingerprint
differs are deleted from the raw table and inserted again from the file. Every other key holds the same
multiset of rows in the file as in the table, so the table ends up equal to a full reload, row for row.
The rows of the recent hours, where a day's changes mostly fall, are kept by the pass that fingerprints
the file (`recent_hours`), so the file is read a second time only for changed keys older than that.

The fingerprints are only trusted when they were written by the same loading SQL (the same reader, columns
and casts, wherever the file lies), the same way of fingerprinting and the same DuckDB version, in the same
transaction as the rows they describe. Otherwise, or when most of the table changed, the table is reloaded
whole and fingerprinted afresh. A PostgreSQL extract, which writes `raw` its own way, drops them.

The dbt ledger compares the same kind of fingerprints from run to run to find the hours whose rows
changed. While the load's fingerprints describe the raw table, it takes them from here (the table and the
fingerprints are written in one transaction) instead of hashing 100M rows again; without them, after an
extract, it computes its own (dbt_project/macros/event_ledger.sql, `event_hour_fingerprints`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import duckdb

from orchestration.source_contract import TableContract
from orchestration.sql_identifiers import quote_identifier, quote_string

CHANGE_KEYS = "_ingest.raw_change_keys"
UNDATED_BUCKETS = 2**20
UNDATED_KEY_BASE = -(2**40)
"""Bucket b of the rows without an instant has key UNDATED_KEY_BASE - b: below the hour of any instant DuckDB
can hold (about -2.5e9 hours since 1970), so a key is either an hour or a bucket, never both."""
FINGERPRINT_FORMAT = "change-key-hour-or-bucket/file-row-hash/2"
"""Changed whenever the keys or the hashing change, so that older stored fingerprints are not compared."""
RELOAD_WHOLE_ABOVE = 0.5
"""Above this share of the file's rows in changed keys, deleting and inserting costs more than a reload."""
RECENT_HOURS_KEPT = 7 * 24
"""The fingerprinting pass also keeps the file's rows of the hours from this many hours before the last hour
stored (see `recent_hours`)."""
RECENT_HOURS_AHEAD = 2 * 24
"""The kept hours run up to this many hours after the last hour stored: a day's export adds about one day."""
RECENT_ROWS_AT_MOST = 2_000_000
"""No rows are kept when the stored recent hours held more than this many rows (memory)."""


@dataclass(frozen=True)
class RawLoad:
    """How one table was written: whole, or by its changed keys (with how many rows those held)."""

    whole: bool
    changed_keys: int = 0
    rows_replaced: int = 0

    def note(self) -> str:
        if self.whole:
            return ""
        return f" ({self.changed_keys:,} changed hours or id buckets, {self.rows_replaced:,} rows replaced)"


def loads_by_change_key(contract: TableContract) -> bool:
    return contract.change_instant is not None


HOUR_MS = 3_600_000
HOUR_KEY_OFFSET_HOURS = 2**32
"""Hours added before the integer division of epoch_ms by an hour, and taken off after: every instant DuckDB
holds (epoch_ms above -9.3e15) is then non-negative, so the truncating `//` is the floor, exactly, with no
overflow (below 2.5e16). The floor of a double division gave the same hours 0.2-0.3 s slower over the
activities' 95M rows at M (3.4 s -> 3.2 s for their fingerprints); `//` alone is wrong before 1970."""


def hour_key_sql(instant: str) -> str:
    """An instant's UTC hour as hours since 1970 (negative before), in integer arithmetic."""
    offset = HOUR_KEY_OFFSET_HOURS
    return f"((epoch_ms({instant}) + {offset * HOUR_MS}) // {HOUR_MS} - {offset})"


def change_key_sql(contract: TableContract, instant: str | None = None, row_id: str | None = None) -> str:
    """A row's change key: its instant's UTC hour (as hours since 1970), or for a row without one a
    bucket of its id far below every hour, so both kinds share one bigint column. The same hours and
    buckets as the dbt ledger's (`utc_hour` and `undated_bucket` in dbt_project/macros): the ledger takes
    these fingerprints as its own (`event_hour_fingerprints`) instead of reading the table again.

    `instant` and `row_id` are the SQL of the instant and the id (by default the contract's columns of
    the raw table); a `case` evaluates the id's bucket only for rows without an instant."""
    if contract.change_instant is None:
        raise ValueError(f"table {contract.name} has no change instant")
    instant = instant or quote_identifier(contract.change_instant)
    row_id = row_id or "id"
    return (
        f"case when {instant} is null then {UNDATED_KEY_BASE} - cast(hash({row_id}) % {UNDATED_BUCKETS} as bigint) "
        f"else {hour_key_sql(instant)} end"
    )


@dataclass(frozen=True)
class EventFile:
    """A changed source file of an event table (one with a change instant), about to be loaded into raw."""

    contract: TableContract
    load_select: str
    """The contract's select over the file: the rows the raw table must hold."""
    reader: str
    """The file as it is (`read_parquet(...)`): its rows are what is hashed."""
    instant: str
    """The contract's expression of the change instant over the file's columns."""
    row_id: str
    """The contract's expression of the id over the file's columns."""
    location: str | None
    """The file's literal in the selects."""

    @property
    def table(self) -> str:
        return f"raw.{quote_identifier(self.contract.name)}"

    def digest(self) -> str:
        """What stored fingerprints are only valid for: this loading SQL (the reader, the columns and their
        casts, wherever the file lies: an export to a new dated folder compares too) on this DuckDB version."""
        comparable = self.load_select.replace(self.location, "<file>") if self.location else self.load_select
        return hashlib.sha256(f"{FINGERPRINT_FORMAT}|{duckdb.__version__}|{comparable}".encode()).hexdigest()

    def fingerprints_select(self, recent: RecentHours | None = None) -> str:
        """One row per change key of the file: the sum of its rows' hashes and their count. The file's own
        row is hashed, not the cast one: the contract's row is a function of it, and hashing the file's
        integer ids instead of their text takes half the time (at M 4 s instead of 7 s). It is read
        straight from the file, with the key computed from the contract's expressions of the instant and
        the id: through the contract's select as a subquery, the same fingerprints of one more day's
        activities file at M took 6.8-9.2 s instead of 5.8-6.6 s (four samples each, alternating).

        With `recent`, also `file_rows`: every file row of the change keys in `recent`, as a list of the
        file's rows (null for the other keys). On one more day's activities file at M (its 72 changed hours
        all recent) the pass took 4.1-5.0 s against 3.7-4.2 s without the lists (three alternating
        samples), and the insert of the changed hours, which read the whole file again for them, 1.5-2.0 s
        -> 0.12-0.13 s from the lists. The table's rows are the same either way."""
        key = change_key_sql(self.contract, self.instant, self.row_id)
        kept_rows = (
            f", list(file_row) filter (where {key} between {recent.first} and {recent.last}) as file_rows"
            if recent is not None
            else ""
        )
        return (
            f"select {key} as change_key, sum(cast(hash(file_row) as hugeint)) as fingerprint, "
            f"count(*) as row_count{kept_rows} from {self.reader} as file_row group by all"
        )

    @property
    def reads_the_file_plainly(self) -> bool:
        """Whether `load_select` is the contract's select straight from the file, so that it can read the
        same columns from another relation (`select_over`)."""
        return self.load_select.endswith(f"from {self.reader}")

    def select_over(self, relation_sql: str) -> str:
        """The contract's select over another relation with the file's columns."""
        if not self.reads_the_file_plainly:
            raise ValueError(f"table {self.contract.name}: the loading select is not a plain read of the file")
        return f"{self.load_select[: -len(f'from {self.reader}')]}from ({relation_sql}) as kept_file_rows"


@dataclass(frozen=True)
class RecentHours:
    """The change keys (hours) whose file rows the fingerprinting pass keeps, `first` to `last`."""

    first: int
    last: int


def recent_hours(con: duckdb.DuckDBPyConnection, event_file: EventFile) -> RecentHours | None:
    """The hours around the last hour the table held at its previous load: from RECENT_HOURS_KEPT before
    it to RECENT_HOURS_AHEAD after. A day's export changes mostly these hours (at M, one more day's 72
    changed hours of activities were all among them), so the rows to insert come from the one pass that
    fingerprints the file; changed keys outside them are read from the file again. None when the table
    has no stored hour, or when those hours held more than RECENT_ROWS_AT_MOST rows."""
    name = quote_string(event_file.contract.name)
    last, rows = con.execute(
        f"select max(change_key), sum(row_count) filter (where change_key >= "
        f"(select max(change_key) from {CHANGE_KEYS} where table_name = {name}) - {RECENT_HOURS_KEPT}) "
        f"from {CHANGE_KEYS} where table_name = {name} and change_key > {UNDATED_KEY_BASE}"
    ).fetchone() or (None, None)
    if last is None or not event_file.reads_the_file_plainly or (rows or 0) > RECENT_ROWS_AT_MOST:
        return None
    return RecentHours(int(last) - RECENT_HOURS_KEPT, int(last) + RECENT_HOURS_AHEAD)


def _ensure_table(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create schema if not exists _ingest")
    con.execute(
        f"create table if not exists {CHANGE_KEYS} (table_name varchar, loader_digest varchar, "
        "change_key bigint, fingerprint hugeint, row_count bigint)"
    )


def _store(con: duckdb.DuckDBPyConnection, event_file: EventFile, fingerprints_sql: str) -> None:
    _ensure_table(con)
    name = quote_string(event_file.contract.name)
    con.execute(f"delete from {CHANGE_KEYS} where table_name = {name}")
    con.execute(
        f"insert into {CHANGE_KEYS} select {name}, {quote_string(event_file.digest())}, change_key, fingerprint, "
        f"row_count from ({fingerprints_sql})"
    )


def _store_changed_keys(con: duckdb.DuckDBPyConnection, event_file: EventFile) -> None:
    """Replace the stored fingerprints of the changed keys only (a key gone from the file loses its row).
    Every other key's stored row already equals the file's, with this loader's digest (else the table
    would have been reloaded whole). The deals keep ~900,000 keys at M, one per bucket of open deals' ids:
    rewriting them all took 0.45 s and the commit 1.05 s more, against 0.03 s and 0.05 s now; the closing
    checkpoint then persists the scattered deletes (~1 s more), so a day's load of deals saves ~0.4 s."""
    name = quote_string(event_file.contract.name)
    con.execute(
        f"delete from {CHANGE_KEYS} where table_name = {name} and change_key in (select change_key from _changed_keys)"
    )
    con.execute(
        f"insert into {CHANGE_KEYS} select {name}, {quote_string(event_file.digest())}, change_key, fingerprint, "
        "row_count from _file_change_keys where change_key in (select change_key from _changed_keys)"
    )


def _has_fingerprints(con: duckdb.DuckDBPyConnection, event_file: EventFile) -> bool:
    _ensure_table(con)
    row = con.execute(
        f"select count(*) filter (where loader_digest = {quote_string(event_file.digest())}), count(*) "
        f"from {CHANGE_KEYS} where table_name = {quote_string(event_file.contract.name)}"
    ).fetchone()
    raw_exists = con.execute(
        "select count(*) from duckdb_tables() "
        f"where schema_name = 'raw' and table_name = {quote_string(event_file.contract.name)}"
    ).fetchone()
    return bool(row and raw_exists and raw_exists[0] and row[1] and row[0] == row[1])


def load_whole(con: duckdb.DuckDBPyConnection, event_file: EventFile, fingerprints_sql: str | None = None) -> RawLoad:
    """Replace the raw table with the file's rows, and store their fingerprints for the next load.

    The fingerprints are read from the file (unless the caller already has them), not from the table just
    written: at M that is 4 s instead of 10 s (the new table is not yet checkpointed)."""
    con.execute(f"create or replace table {event_file.table} as {event_file.load_select}")
    _store(con, event_file, fingerprints_sql or event_file.fingerprints_select())
    return RawLoad(whole=True)


def load_changed_keys(con: duckdb.DuckDBPyConnection, event_file: EventFile) -> RawLoad:
    """Bring the raw table to the file's rows by replacing only the change keys that differ (inside the
    caller's transaction); reload it whole when that is not possible or not cheaper."""
    if not _has_fingerprints(con, event_file):
        return load_whole(con, event_file)
    key = change_key_sql(event_file.contract)
    recent = recent_hours(con, event_file)
    con.execute(f"create or replace temp table _file_change_keys as {event_file.fingerprints_select(recent)}")
    con.execute(
        "create or replace temp table _changed_keys as "
        "select coalesce(new.change_key, old.change_key) as change_key, coalesce(new.row_count, 0) as new_rows "
        "from _file_change_keys as new "
        f"full outer join (select * from {CHANGE_KEYS} where table_name = {quote_string(event_file.contract.name)}) "
        "as old on old.change_key = new.change_key "
        "where new.fingerprint is distinct from old.fingerprint or new.row_count is distinct from old.row_count"
    )
    changed_keys, new_rows, file_rows = con.execute(
        "select (select count(*) from _changed_keys), (select coalesce(sum(new_rows), 0) from _changed_keys), "
        "(select coalesce(sum(row_count), 0) from _file_change_keys)"
    ).fetchone() or (0, 0, 0)
    if new_rows > RELOAD_WHOLE_ABOVE * file_rows:
        load = load_whole(con, event_file, "select change_key, fingerprint, row_count from _file_change_keys")
    else:
        if changed_keys:
            instants = _instants_of_changed_keys(con, event_file.contract)
            rows = f"{instants} and {key} in (select change_key from _changed_keys)"
            con.execute(f"delete from {event_file.table} where {rows}")
            _insert_changed_keys(con, event_file, recent, instants)
            _store_changed_keys(con, event_file)
        load = RawLoad(whole=False, changed_keys=int(changed_keys), rows_replaced=int(new_rows))
    con.execute("drop table _file_change_keys")
    con.execute("drop table _changed_keys")
    return load


def _insert_changed_keys(
    con: duckdb.DuckDBPyConnection, event_file: EventFile, recent: RecentHours | None, instants: str
) -> None:
    """Insert the file's rows of the changed keys: those of the recent hours from the rows the fingerprinting
    pass kept, the others from the file, read again for them alone. `instants` is the condition on the
    instants of every changed key (`_instants_of_changed_keys`), which the delete used too."""
    from_file = "_changed_keys"
    if recent is not None:
        kept_rows = (
            "select unnest(file_row) from (select unnest(file_rows) as file_row from _file_change_keys "
            f"where change_key between {recent.first} and {recent.last} "
            "and change_key in (select change_key from _changed_keys))"
        )
        con.execute(f"insert into {event_file.table} by name {event_file.select_over(kept_rows)}")
        con.execute(
            "create or replace temp table _changed_keys_in_file as select * from _changed_keys "
            f"where new_rows > 0 and change_key not between {recent.first} and {recent.last}"
        )
        from_file = "_changed_keys_in_file"
        (remaining,) = con.execute(f"select count(*) from {from_file}").fetchone() or (0,)
        if not remaining:
            con.execute(f"drop table {from_file}")
            return
        instants = _instants_of_changed_keys(con, event_file.contract, from_file)
    rows = f"{instants} and {change_key_sql(event_file.contract)} in (select change_key from {from_file})"
    con.execute(f"insert into {event_file.table} by name select * from ({event_file.load_select}) where {rows}")
    if from_file != "_changed_keys":
        con.execute(f"drop table {from_file}")


MAX_INSTANT_RANGES = 24
FIRST_SAFE_HOUR = -17_259_888  # 0001-01-01, hours since 1970: to_timestamp() holds every hour from here
LAST_SAFE_HOUR = 70_389_528  # 10000-01-01, likewise


def _instants_of_changed_keys(
    con: duckdb.DuckDBPyConnection, contract: TableContract, keys_table: str = "_changed_keys"
) -> str:
    """A condition that every row of the changed keys meets, on the instant column alone: the changed hours
    as literal ranges of instants (runs of consecutive hours; one range from the first to the last past
    MAX_INSTANT_RANGES), or no instant for the changed buckets of ids. It is a cheap test on one column
    that DuckDB applies before the change key (counting one day's rows among 95M activities: 0.18 s with
    it first, 0.83 s with the key alone), and checks against each row group's minimum and maximum: where
    rows lie roughly in time order, the row groups of other hours are not read at all. (The generated M
    files are in id order with instants spread over every row group, so there only the first gain holds.)
    The key condition after it keeps the result exact."""
    instant = quote_identifier(contract.change_instant or "")
    runs = con.execute(
        "select min(change_key), max(change_key) from ("
        f"select change_key, change_key - row_number() over (order by change_key) as run from {keys_table} "
        f"where change_key > {UNDATED_KEY_BASE}) group by run order by 1"
    ).fetchall()
    (has_buckets,) = con.execute(
        f"select count(*) > 0 from {keys_table} where change_key <= {UNDATED_KEY_BASE}"
    ).fetchone() or (False,)
    if runs and (runs[0][0] < FIRST_SAFE_HOUR or runs[-1][1] >= LAST_SAFE_HOUR):
        return "true"  # an hour out of to_timestamp()'s easy range: no shortcut, the key condition decides
    if len(runs) > MAX_INSTANT_RANGES:
        runs = [(runs[0][0], runs[-1][1])]
    conditions = [
        f"({instant} >= to_timestamp({first * 3600}) and {instant} < to_timestamp({(last + 1) * 3600}))"
        for first, last in runs
    ]
    if has_buckets:
        conditions.append(f"{instant} is null")
    return f"({' or '.join(conditions) or 'false'})"


def forget_change_keys(con: duckdb.DuckDBPyConnection) -> None:
    """Whoever writes `raw` otherwise (the PostgreSQL extract) makes the next file load reload whole."""
    con.execute(f"drop table if exists {CHANGE_KEYS}")
