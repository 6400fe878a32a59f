"""The ledger of deals, leads and activities follows the rows that changed, and equals a full build.

A warehouse built on the tiny CRM is brought up to date with a CRM in which deals, activities and leads
were moved to another day, deleted, duplicated, added, and left without an instant. The run recomputes
exactly the local dates those rows had or have now, and every ledger table and mart equals a warehouse
built from scratch on the changed CRM. A change in the set of valid users or in the deals' split rows
rebuilds the ledger whole, with the same result.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from orchestration.dbt_invocation import dbt_settings_environment
from orchestration.settings import CompanySettings
from orchestration.warehouse import connect
from tests.conftest import TINY_AS_OF, TINY_TIMEZONE
from tests.support.source_edits import copy_source, rewrite_csv
from tests.support.warehouse import DbtFailed, build_warehouse, copy_warehouse, reload_source, run_dbt

LEDGER_TABLES = [
    "intermediate.int_deals_checked",
    "intermediate.int_deals_duplicate_ids",
    "intermediate.int_deal_credits_daily",
    "intermediate.int_activity_credits_daily",
    "intermediate.int_lead_credits_daily",
    "intermediate.int_activities_duplicate_ids",
    "intermediate.int_leads_duplicate_ids",
    "intermediate.int_activities_rejected",
    "intermediate.int_leads_rejected",
    "intermediate.int_credits_daily",
    "marts.quarantine",
    "marts.quota_progress",
    "marts.quota_rollups",
    "marts.leaderboard",
    "marts.goals",
]
NEW_YORK = ZoneInfo(TINY_TIMEZONE)


def _local_date(instant: str) -> date:
    return datetime.fromisoformat(instant.replace("Z", "+00:00")).astimezone(NEW_YORK).date()


def _rows(warehouse: Path) -> dict[str, list[tuple]]:
    with connect(warehouse, read_only=True) as con:
        return {name: con.execute(f"select * from {name} order by all").fetchall() for name in LEDGER_TABLES}


def _ledger_state(warehouse: Path, event: str) -> tuple[bool, set[date | None]]:
    """Whether the run rebuilt the event's ledger whole, and the local dates it recomputed."""
    with connect(warehouse, read_only=True) as con:
        (full,) = con.execute(f"select bool_or(full_rebuild) from intermediate.int_{event}_ledger_changes").fetchone()
        dates = con.execute(f"select credit_date from intermediate.int_{event}_recomputed_dates").fetchall()
    return full, {day for (day,) in dates}


def _hours_in_ledger_and_table(warehouse: Path, event: str, table: str, instant: str) -> tuple[list, list]:
    """The hours and buckets with their row counts, as the ledger's fingerprints have them (taken from the
    load) and as the raw table holds them."""
    with connect(warehouse, read_only=True) as con:
        ledger = con.execute(
            f"select utc_hour, undated_bucket, row_count from intermediate.int_{event}_hour_fingerprints order by all"
        ).fetchall()
        table_rows = con.execute(
            f"select cast(floor(epoch_ms({instant}) / 3600000) as bigint) as utc_hour, "
            f"case when {instant} is null then cast(hash(id) % 1048576 as integer) end as undated_bucket, count(*) "
            f"from raw.{table} group by all order by all"
        ).fetchall()
    return ledger, table_rows


def _undated_buckets(warehouse: Path, event: str) -> set[int]:
    """The buckets of rows without an instant that the run recomputed."""
    with connect(warehouse, read_only=True) as con:
        rows = con.execute(
            f"select undated_bucket from intermediate.int_{event}_recomputed_dates where credit_date is null"
        ).fetchall()
    return {bucket for (bucket,) in rows}


def _bucket_of(row_id: str) -> int:
    """A row's bucket as the ledger defines it (macro undated_bucket): its id's hash modulo 2^20."""
    import duckdb

    (bucket,) = duckdb.execute("select cast(hash(?) % 1048576 as integer)", [row_id]).fetchone()
    return bucket


def _source_rows(source: Path, table: str, ids: list[str]) -> dict[str, tuple[str, ...]]:
    import duckdb

    listed = ", ".join(f"'{i}'" for i in ids)
    rows = duckdb.sql(
        f"select * from read_csv('{source / f'{table}.csv'}', all_varchar = true) where id in ({listed})"
    ).fetchall()
    return {row[0]: row for row in rows}


def test_moved_deleted_duplicated_and_undated_rows_recompute_only_their_dates_and_equal_a_full_build(
    tiny_dbt_warehouse: Path, tiny_source: Path, tmp_path: Path
) -> None:
    source = copy_source(tiny_source, tmp_path / "crm_edited")
    before = _source_rows(tiny_source, "activities", ["10", "20", "30"])
    lead_before = _source_rows(tiny_source, "leads", ["40"])
    duplicate_at = "2025-01-07T16:30:00Z"
    moved_to = "2025-01-08T15:00:00Z"  # the next local day: two dates in a row make one range of instants
    # activity 10 moves to another day; 20 is deleted; 30 gets a second, later copy on another day (the
    # old copy is then rejected, on its own unchanged date); a lead without created_at arrives
    rewrite_csv(
        source / "activities.csv",
        select_list=f"* replace (case when id = '10' then '{moved_to}' else occurred_at end as occurred_at)",
        where="id <> '20'",
        extra_rows=(
            f"select id, owner_id, type, '{duplicate_at}' as occurred_at, '{duplicate_at}' as updated_at "
            "from rows where id = '30'"
        ),
    )
    rewrite_csv(
        source / "leads.csv",
        extra_rows=(
            "select '999999' as id, owner_id, status, null as created_at, updated_at from rows where id = '40'"
        ),
    )
    deal_before = _source_rows(tiny_source, "deals", ["3"])["3"]
    deal_moved_to = "2024-12-02T18:00:00Z"
    new_deal_closed_at = "2025-06-10T14:00:00Z"
    # won deal 3 closes on another day; a new won deal and a new open deal (no closed_at) arrive
    rewrite_csv(
        source / "deals.csv",
        select_list=f"* replace (case when id = '3' then '{deal_moved_to}' else closed_at end as closed_at)",
        extra_rows=(
            f"select 'new-won' as id, owner_id, name, amount, currency, stage, status, created_at, "
            f"'{new_deal_closed_at}' as closed_at, '{new_deal_closed_at}' as updated_at, margin "
            "from rows where id = '3' "
            "union all select 'new-open', owner_id, name, amount, currency, 'negotiation', 'open', created_at, "
            "null, updated_at, margin from rows where id = '3'"
        ),
    )
    warehouse = copy_warehouse(tiny_dbt_warehouse, tmp_path / "incremental")

    reload_source(warehouse, source, TINY_AS_OF, TINY_TIMEZONE)

    full, deal_dates = _ledger_state(warehouse, "deal")
    assert not full
    assert deal_dates == {
        _local_date(deal_before[8]),
        _local_date(deal_moved_to),
        _local_date(new_deal_closed_at),
        None,
    }
    full, activity_dates = _ledger_state(warehouse, "activity")
    assert not full
    occurred = {activity_id: row[3] for activity_id, row in before.items()}
    assert activity_dates == {
        _local_date(occurred["10"]),
        _local_date(moved_to),
        _local_date(occurred["20"]),
        _local_date(occurred["30"]),
        _local_date(duplicate_at),
    }
    full, lead_dates = _ledger_state(warehouse, "lead")
    assert not full
    assert lead_dates == {None}
    # of the rows without an instant (every open deal), only the changed ones' buckets are checked again
    assert _undated_buckets(warehouse, "deal") == {_bucket_of("new-open")}
    assert _undated_buckets(warehouse, "lead") == {_bucket_of("999999")}
    assert _undated_buckets(warehouse, "activity") == set()
    assert lead_before  # the copied lead exists in the tiny CRM
    # the ledger took the load's fingerprints: the same hours and buckets, holding the same rows, as the table's
    for event, table, instant in [
        ("deal", "deals", "closed_at"),
        ("lead", "leads", "created_at"),
        ("activity", "activities", "occurred_at"),
    ]:
        ledger, table_rows = _hours_in_ledger_and_table(warehouse, event, table, instant)
        assert ledger == table_rows and len(ledger) > 10
    reference = build_warehouse(source, tmp_path / "full" / "warehouse.duckdb", TINY_AS_OF, TINY_TIMEZONE)
    assert _rows(warehouse) == _rows(reference)
    with connect(warehouse, read_only=True) as con:
        reasons = dict(
            con.execute(
                "select source_table || ':' || source_id, reason from marts.quarantine "
                "where source_id in ('30', '999999')"
            ).fetchall()
        )
    assert reasons == {
        "activities:30": "duplicate id: a copy with a later updated_at was kept",
        "leads:999999": "missing created_at",
    }


def test_changed_deal_splits_or_valid_users_rebuild_the_ledgers_that_depend_on_them(
    tiny_dbt_warehouse: Path, tiny_source: Path, tmp_path: Path
) -> None:
    source = copy_source(tiny_source, tmp_path / "crm_changed")
    # one deal's split rows go: the deals are rebuilt whole, the leads and activities are not
    rewrite_csv(source / "deal_splits.csv", where="deal_id <> (select min(deal_id) from rows)")
    warehouse = copy_warehouse(tiny_dbt_warehouse, tmp_path / "incremental")

    reload_source(warehouse, source, TINY_AS_OF, TINY_TIMEZONE)

    assert _ledger_state(warehouse, "deal") == (True, set())
    assert _ledger_state(warehouse, "activity") == (False, set())
    reference = build_warehouse(source, tmp_path / "full" / "warehouse.duckdb", TINY_AS_OF, TINY_TIMEZONE)
    assert _rows(warehouse) == _rows(reference)

    # a rep's team becomes unknown: the rep is rejected, and every event of theirs with them
    rewrite_csv(
        source / "users.csv", select_list="* replace (case when id = '1015' then '999' else team_id end as team_id)"
    )
    reload_source(warehouse, source, TINY_AS_OF, TINY_TIMEZONE)

    for event in ("deal", "lead", "activity"):
        assert _ledger_state(warehouse, event) == (True, set())
    with connect(warehouse, read_only=True) as con:
        rejected, credited = con.execute(
            "select (select count(*) from marts.quarantine "
            "        where source_table = 'activities' and reason = 'unknown owner_id 1015'), "
            "(select count(*) from intermediate.int_credits_daily where user_id = '1015')"
        ).fetchone()
    expected = sum(1 for line in (source / "activities.csv").read_text().splitlines() if ",1015," in line)
    assert rejected == expected > 0
    assert credited == 0


def test_a_credit_written_twice_fails_the_ledgers_uniqueness_check_which_groups_by_hash_first(
    tiny_dbt_warehouse: Path, tmp_path: Path
) -> None:
    warehouse = copy_warehouse(tiny_dbt_warehouse, tmp_path)
    settings = dbt_settings_environment(TINY_AS_OF, CompanySettings(timezone=TINY_TIMEZONE))
    check = ["test", "--select", "int_credits_daily,test_name:unique_combination"]
    run_dbt(warehouse, check, tmp_path / "check", settings=settings)
    (compiled,) = (tmp_path / "check" / "compiled").rglob("unique_combination_int_credits_*.sql")
    assert "repeated_hashes" in compiled.read_text(), "a key of five columns is grouped by its hash first"

    with connect(warehouse) as con:  # one day's credits of one user, once more
        con.execute(
            "insert into intermediate.int_activity_credits_daily "
            "from intermediate.int_activity_credits_daily where credit_date in ("
            "select credit_date from intermediate.int_ledger_changed_dates where needs_recompute) limit 1"
        )
    with pytest.raises(DbtFailed, match="unique_combination_int_credits_daily"):
        run_dbt(warehouse, check, tmp_path / "check", settings=settings)
