"""The SPEC's rules, each on a small hand-made CRM whose numbers are worked out in the test.

Each source is built once (loader + dbt, as a real run does) and every case also checks the full marts
against the independent reference computation.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from orchestration.fiscal_calendar import fiscal_periods
from tests.reference.quota_math import compute_expected_marts
from tests.reference.source_builder import deal, membership, period, quota, team, user, write_source
from tests.support.mart_comparison import assert_marts_match_reference
from tests.support.warehouse import build_warehouse, read_mart


def _value(warehouse: Path, quota_id: str) -> float:
    [row] = read_mart(warehouse, "quotas", f"id = '{quota_id}'")
    return row["current_value"]


# --- period boundaries and time zones --------------------------------------------------------------------

LATE_CLOSE = "2025-03-31T23:30:00-07:00"  # 06:30 on 1 April in UTC


@pytest.fixture(scope="module")
def boundary_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_source(
        tmp_path_factory.mktemp("boundary"),
        teams=[team("t1")],
        users=[user("u1", "t1", name="Ann")],
        deals=[deal("d1", "u1", 1000, LATE_CLOSE)],
        quota_periods=[period("Q1", "2025-01-01", "2025-03-31"), period("Q2", "2025-04-01", "2025-06-30")],
        quotas=[
            quota("q1", "Q1", "revenue", 1000, user_id="u1"),
            quota("q2", "Q2", "revenue", 1000, user_id="u1"),
        ],
    )


@pytest.mark.parametrize(
    ("timezone", "q1_value", "q2_value"),
    [("America/Los_Angeles", 1000.0, 0.0), ("UTC", 0.0, 1000.0)],
)
def test_a_deal_closed_at_2330_on_march_31_in_los_angeles_counts_in_the_local_quarter(
    boundary_source: Path, tmp_path: Path, timezone: str, q1_value: float, q2_value: float
) -> None:
    as_of = date(2025, 6, 30)
    warehouse = build_warehouse(boundary_source, tmp_path / "w.duckdb", as_of, timezone)
    assert _value(warehouse, "q1") == q1_value
    assert _value(warehouse, "q2") == q2_value
    [q1] = read_mart(warehouse, "quota_progress", "quota_id = 'q1'")
    assert (q1["days_total"], q1["days_elapsed"], q1["days_remaining"]) == (90, 90, 0)
    assert_marts_match_reference(warehouse, compute_expected_marts(boundary_source, as_of, timezone))


def test_fiscal_quarters_follow_a_fiscal_year_that_starts_in_february(tmp_path: Path) -> None:
    periods = [p for p in fiscal_periods(2, 2025, 2026) if p.period_type == "quarter"]
    by_id = {p.id: p for p in periods}
    assert (by_id["FY2026-Q1"].start_date, by_id["FY2026-Q1"].end_date) == (
        date(2025, 2, 1),
        date(2025, 4, 30),
    )
    source = write_source(
        tmp_path / "crm",
        teams=[team("t1")],
        users=[user("u1", "t1")],
        deals=[
            deal("jan31", "u1", 1, "2025-01-31T12:00:00Z"),
            deal("feb01", "u1", 10, "2025-02-01T12:00:00Z"),
            deal("apr30", "u1", 100, "2025-04-30T23:00:00Z"),
            deal("may01", "u1", 1000, "2025-05-01T00:30:00Z"),
        ],
        quota_periods=[
            period(p.id, p.start_date.isoformat(), p.end_date.isoformat(), "quarter", p.name) for p in periods
        ],
        quotas=[quota(f"q-{p.id}", p.id, "revenue", 500, user_id="u1") for p in periods],
    )
    as_of = date(2025, 12, 31)
    warehouse = build_warehouse(source, tmp_path / "w.duckdb", as_of, "UTC")
    assert _value(warehouse, "q-FY2025-Q4") == 1
    assert _value(warehouse, "q-FY2026-Q1") == 110
    assert _value(warehouse, "q-FY2026-Q2") == 1000
    assert_marts_match_reference(warehouse, compute_expected_marts(source, as_of, "UTC"))


# --- currency, splits, custom metric, moves, weights, ranking ---------------------------------------------

AS_OF = date(2025, 3, 20)


@pytest.fixture(scope="module")
def organisation_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A region R with teams T1 and T2. Bob moves from T1 to T2 on 15 February."""
    return write_source(
        tmp_path_factory.mktemp("organisation"),
        teams=[team("R", name="West"), team("T1", "R", name="Alpha"), team("T2", "R", name="Beta")],
        users=[
            user("u1", "T1", name="Ann"),
            user("u2", "T2", name="Bob"),
            user("u3", "T2", name="Cid"),
            user("u4", "T1", name="Dee"),
            user("u5", "T1", name="Eve"),
        ],
        team_memberships=[
            membership("u2", "T1", "2024-01-01", "2025-02-15"),
            membership("u2", "T2", "2025-02-15"),
        ],
        fx_rates=[
            {"currency": "EUR", "rate_date": "2025-01-01", "rate_to_usd": 1.1},
            {"currency": "EUR", "rate_date": "2025-02-01", "rate_to_usd": 1.2},
        ],
        deals=[
            deal("eur", "u2", 500, "2025-02-01T12:00:00Z", currency="EUR", margin=50),
            deal("split", "u2", 700, "2025-03-01T12:00:00Z", margin=70),
            deal("bad-split", "u4", 300, "2025-03-02T12:00:00Z", margin=30),
            deal("u1-a", "u1", 400, "2025-03-05T12:00:00Z", margin=40),
            deal("u4-b", "u4", 100, "2025-03-18T12:00:00Z", margin=10),
            deal("no-rate", "u1", 900, "2024-12-15T12:00:00Z", currency="EUR"),
            deal("lost", "u1", 999, "2025-03-05T12:00:00Z", status="lost"),
            deal("future", "u1", 999, "2025-03-25T12:00:00Z"),
        ],
        deal_splits=[
            {"deal_id": "split", "user_id": "u2", "percent": 60},
            {"deal_id": "split", "user_id": "u3", "percent": 40},
            {"deal_id": "bad-split", "user_id": "u4", "percent": 50},
            {"deal_id": "bad-split", "user_id": "u1", "percent": 40},
        ],
        quota_periods=[period("Q1", "2025-01-01", "2025-03-31")],
        quotas=[
            quota("q-ann", "Q1", "revenue", 1000, user_id="u1"),
            quota("q-bob", "Q1", "revenue", 1000, user_id="u2", weight=1.5),
            quota("q-cid", "Q1", "revenue", 1000, user_id="u3", currency="EUR"),
            quota("q-dee", "Q1", "revenue", 1000, user_id="u4"),
            quota("q-eve", "Q1", "revenue", 1000, user_id="u5"),
            quota("q-t1", "Q1", "revenue", 2000, team_id="T1"),
            quota("q-r", "Q1", "revenue", 5000, team_id="R", weight=0.5),
            quota("q-co", "Q1", "revenue", 6000),
            quota("q-margin", "Q1", "custom", 100, user_id="u1", metric_field="margin", currency=None),
            quota("q-bad-field", "Q1", "custom", 100, user_id="u1", metric_field="amount; drop table deals"),
        ],
    )


@pytest.fixture(scope="module")
def organisation_warehouse(organisation_source: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    warehouse = tmp_path_factory.mktemp("organisation_warehouse") / "w.duckdb"
    return build_warehouse(organisation_source, warehouse, AS_OF, "UTC")


def test_every_mart_equals_the_reference_computation(organisation_source: Path, organisation_warehouse: Path) -> None:
    assert_marts_match_reference(organisation_warehouse, compute_expected_marts(organisation_source, AS_OF, "UTC"))


def test_revenue_converts_with_the_rate_in_force_on_the_close_date(organisation_warehouse: Path) -> None:
    # Bob: 500 EUR on 1 Feb at 1.2 = 600 USD, plus 60% of a 700 USD deal = 420.
    assert _value(organisation_warehouse, "q-bob") == pytest.approx(1020)
    # Cid's quota is in EUR: 40% of 700 USD on 1 March, at 1.2 USD per EUR.
    assert _value(organisation_warehouse, "q-cid") == pytest.approx(280 / 1.2)


def test_a_won_deal_without_a_rate_on_its_close_date_is_quarantined_not_counted_at_par(
    organisation_warehouse: Path,
) -> None:
    [row] = read_mart(organisation_warehouse, "quarantine", "source_id = 'no-rate'")
    assert row["source_table"] == "deals" and "rate" in row["reason"]
    assert _value(organisation_warehouse, "q-ann") == pytest.approx(400)


def test_invalid_split_rows_are_rejected_together_and_the_owner_keeps_the_whole_deal(
    organisation_warehouse: Path,
) -> None:
    rejected = read_mart(organisation_warehouse, "quarantine", "source_table = 'deal_splits'")
    assert {row["source_id"] for row in rejected} == {"bad-split|u4", "bad-split|u1"}
    assert _value(organisation_warehouse, "q-dee") == pytest.approx(300 + 100)


def test_a_custom_metric_sums_the_named_deal_column_and_an_unknown_column_is_rejected(
    organisation_warehouse: Path,
) -> None:
    assert _value(organisation_warehouse, "q-margin") == pytest.approx(40)
    [row] = read_mart(organisation_warehouse, "quarantine", "source_id = 'q-bad-field'")
    assert "not a numeric column of deals" in row["reason"]


def test_a_rep_who_moves_team_mid_quarter_credits_the_team_of_each_credit_date(
    organisation_warehouse: Path,
) -> None:
    rollups = {
        (row["scope_type"], row["team_id"]): row
        for row in read_mart(organisation_warehouse, "quota_rollups", "metric_type = 'revenue'")
    }
    # T1: Bob's 600 from 1 Feb (x his weight 1.5) + Ann 400 + Dee 400.
    assert rollups[("team", "T1")]["current_value"] == pytest.approx(900 + 400 + 400)
    # T2: Bob's 420 from 1 March (x 1.5) + Cid's 280.
    assert rollups[("team", "T2")]["current_value"] == pytest.approx(630 + 280)


def test_weights_multiply_on_the_way_to_the_company_and_targets_are_the_scopes_own(
    organisation_warehouse: Path,
) -> None:
    rollups = {
        (row["scope_type"], row["team_id"]): row
        for row in read_mart(organisation_warehouse, "quota_rollups", "metric_type = 'revenue'")
    }
    region, company = rollups[("team", "R")], rollups[("company", None)]
    assert region["current_value"] == pytest.approx(1700 + 910)
    assert company["current_value"] == pytest.approx((1700 + 910) * 0.5)
    assert company["target_value"] == 6000
    assert company["attainment_percent"] == pytest.approx(21.75)
    # Direct children on 20 March: the region (5000 x 0.5); T1's members Ann, Dee, Eve (Bob has moved).
    assert company["member_target_sum"] == pytest.approx(2500)
    assert rollups[("team", "T1")]["member_target_sum"] == pytest.approx(3000)
    assert rollups[("team", "T1")]["over_assignment_percent"] == pytest.approx(150.0)
    # T2 has no quota of its own: no target, but its members' targets (Cid's 1000 EUR at 1.2).
    assert rollups[("team", "T2")]["target_value"] is None
    assert rollups[("team", "T2")]["member_target_sum"] == pytest.approx(1500 + 1200)


def test_ties_share_a_rank_the_next_rank_skips_and_a_rep_without_credits_is_at_zero(
    organisation_warehouse: Path,
) -> None:
    board = {
        row["user_name"]: row for row in read_mart(organisation_warehouse, "leaderboard", "metric_type = 'revenue'")
    }
    # Bob 102%, Ann 40%, Dee 40%, Cid 23.33%, Eve 0%.
    assert [board[name]["rank"] for name in ("Bob", "Ann", "Dee", "Cid", "Eve")] == [1, 2, 2, 4, 5]
    assert board["Eve"]["attainment_percent"] == 0 and board["Eve"]["vs_quota"] == -1000
    assert (board["Ann"]["team_id"], board["Ann"]["team_rank"]) == ("T1", 1)
    assert (board["Dee"]["team_rank"], board["Eve"]["team_rank"]) == (1, 3)
    assert (board["Bob"]["team_id"], board["Bob"]["team_rank"]) == ("T2", 1)
    assert board["Ann"]["display_order"] < board["Dee"]["display_order"]


def test_the_week_delta_counts_the_seven_days_to_the_as_of_date(organisation_warehouse: Path) -> None:
    [dee] = read_mart(organisation_warehouse, "quota_progress", "quota_id = 'q-dee'")
    assert dee["week_delta"] == pytest.approx(100)
    assert dee["required_daily_pace"] == pytest.approx((1000 - 400) / 11)
    assert dee["projected_value"] == pytest.approx(400 / 79 * 90)
    assert dee["pace_status"] == "behind"


# --- activities whose ids a Parquet file stores as integers ----------------------------------------------


def _replace_with_integer_id_parquet(source: Path, table: str, rows: list[tuple], **columns: list[str]) -> None:
    """The table's CSV replaced by a Parquet file whose ids and owners (each row's first two values) are int64."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    ids = {name: pa.array([row[index] for row in rows], pa.int64()) for index, name in enumerate(("id", "owner_id"))}
    pq.write_table(pa.table({**ids, **columns}), source / f"{table}.parquet")
    (source / f"{table}.csv").unlink(missing_ok=True)


def test_integer_activity_and_lead_ids_are_checked_and_credited_as_their_text(tmp_path: Path) -> None:
    """Activities' and leads' ids stay integers in raw (at 100M rows their text was half the load), so their
    checks run on integers: a duplicate found by blocks of 64 ids, a tie, a negative and a very large id, ids
    of one block that are not duplicates, an unknown owner, and an owner 7 who is user "7", not user "007"."""
    q1 = period("Q1", "2025-01-01", "2025-03-31")
    source = write_source(
        tmp_path / "crm",
        users=[user("7"), user("007")],
        quota_periods=[q1],
        quotas=[
            quota("calls7", "Q1", "calls", 10, user_id="7"),
            quota("calls007", "Q1", "calls", 10, user_id="007"),
            quota("leads7", "Q1", "leads", 10, user_id="7"),
            quota("leads007", "Q1", "leads", 10, user_id="007"),
        ],
    )
    rows = [  # (id, owner, occurred on, updated at)
        (1, 7, "2025-01-05", "2025-01-05"),
        (64, 7, "2025-01-06", "2025-01-06"),  # 64 and 65: one block of 64 ids, not duplicates
        (65, 7, "2025-01-06", "2025-01-06"),
        (2, 7, "2025-01-07", "2025-01-07"),  # two copies: the later update is kept
        (2, 7, "2025-01-08", "2025-01-09"),
        (-3, 7, "2025-01-10", "2025-01-10"),  # two copies with the same update: both rejected
        (-3, 7, "2025-01-11", "2025-01-10"),
        (9007199254740993, 7, "2025-01-12", "2025-01-12"),  # beyond a double's exact integers
        (9007199254740993, 7, "2025-01-13", "2025-01-14"),
        (5, 9, "2025-01-14", "2025-01-14"),  # no user 9
    ]
    _replace_with_integer_id_parquet(
        source,
        "activities",
        rows,
        type=["call"] * len(rows),
        occurred_at=[f"{row[2]}T12:00:00Z" for row in rows],
        updated_at=[f"{row[3]}T12:00:00Z" for row in rows],
    )
    leads = [(10, 7, "2025-02-01"), (10, 7, "2025-02-03"), (128, 7, "2025-02-02"), (11, 9, "2025-02-02")]
    stamps = [f"{lead[2]}T09:00:00Z" for lead in leads]
    _replace_with_integer_id_parquet(
        source, "leads", leads, status=["open"] * len(leads), created_at=stamps, updated_at=stamps
    )
    as_of = date(2025, 3, 31)
    warehouse = build_warehouse(source, tmp_path / "w.duckdb", as_of, "UTC")
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for table in ("activities", "leads"):
            types = con.execute(f"select distinct typeof(id), typeof(owner_id) from raw.{table}").fetchall()
            assert types == [("BIGINT", "BIGINT")]

    # 1, 64, 65, the later 2 and the later 9007199254740993: five calls, all user 7's
    assert _value(warehouse, "calls7") == 5.0
    assert _value(warehouse, "calls007") == 0.0
    # lead 10's later copy and lead 128
    assert (_value(warehouse, "leads7"), _value(warehouse, "leads007")) == (2.0, 0.0)
    quarantined = {
        (row["source_table"], row["source_id"], row["reason"])
        for row in read_mart(warehouse, "quarantine", "source_table in ('activities', 'leads')")
    }
    assert quarantined == {
        ("activities", "2", "duplicate id: a copy with a later updated_at was kept"),
        ("activities", "-3", "duplicate id: 2 copies share the latest updated_at, all rejected"),
        ("activities", "9007199254740993", "duplicate id: a copy with a later updated_at was kept"),
        ("activities", "5", "unknown owner_id 9"),
        ("leads", "10", "duplicate id: a copy with a later updated_at was kept"),
        ("leads", "11", "unknown owner_id 9"),
    }
    assert_marts_match_reference(warehouse, compute_expected_marts(source, as_of, "UTC"))


def test_integer_deal_ids_meet_their_splits_text_deal_ids_as_the_same_integer(tmp_path: Path) -> None:
    """Deals' ids and owners stay integers in raw too; a split names its deal in text, which matches the
    deal whose id it is the text of ("2" is deal 2; "003" and "x" are no deal's), and an owner 7 is user
    "7", not user "007"."""
    q1 = period("Q1", "2025-01-01", "2025-03-31")
    source = write_source(
        tmp_path / "crm",
        users=[user("7"), user("007"), user("8")],
        deal_splits=[
            {"deal_id": "2", "user_id": "7", "percent": 50},
            {"deal_id": "2", "user_id": "8", "percent": 50},
            {"deal_id": "003", "user_id": "7", "percent": 100},  # not deal 3: its owner keeps it whole
            {"deal_id": "x", "user_id": "7", "percent": 100},
        ],
        quota_periods=[q1],
        quotas=[
            quota("rev7", "Q1", "revenue", 1000, user_id="7"),
            quota("rev007", "Q1", "revenue", 1000, user_id="007"),
            quota("rev8", "Q1", "revenue", 1000, user_id="8"),
            quota("deals8", "Q1", "deals", 2, user_id="8"),
        ],
    )
    rows = [  # (id, owner, amount, closed on, updated on)
        (1, 7, 100.0, "2025-01-05", "2025-01-05"),
        (2, 7, 200.0, "2025-01-06", "2025-01-06"),
        (3, 8, 300.0, "2025-01-07", "2025-01-07"),
        (4, 9, 400.0, "2025-01-08", "2025-01-08"),  # no user 9
        (5, 7, 999.0, "2025-01-09", "2025-01-09"),  # two copies: the later update is kept
        (5, 7, 500.0, "2025-01-10", "2025-01-11"),
    ]
    _replace_with_integer_id_parquet(
        source,
        "deals",
        rows,
        name=[f"Deal {row[0]}" for row in rows],
        amount=[row[2] for row in rows],
        currency=["USD"] * len(rows),
        stage=["won"] * len(rows),
        status=["won"] * len(rows),
        created_at=[f"{row[3]}T12:00:00Z" for row in rows],
        closed_at=[f"{row[3]}T12:00:00Z" for row in rows],
        updated_at=[f"{row[4]}T12:00:00Z" for row in rows],
    )
    as_of = date(2025, 3, 31)
    warehouse = build_warehouse(source, tmp_path / "w.duckdb", as_of, "UTC")
    with duckdb.connect(str(warehouse), read_only=True) as con:
        types = con.execute("select distinct typeof(id), typeof(owner_id) from raw.deals").fetchall()
        assert types == [("BIGINT", "BIGINT")]

    # user 7: deal 1, half of deal 2, the later deal 5; user 8: half of deal 2 and deal 3 whole
    assert (_value(warehouse, "rev7"), _value(warehouse, "rev007"), _value(warehouse, "rev8")) == (700.0, 0.0, 400.0)
    assert _value(warehouse, "deals8") == 1.5
    quarantined = {
        (row["source_table"], row["source_id"], row["reason"])
        for row in read_mart(warehouse, "quarantine", "source_table in ('deals', 'deal_splits')")
    }
    assert quarantined == {
        ("deals", "4", "unknown owner_id 9"),
        ("deals", "5", "duplicate id: a copy with a later updated_at was kept"),
        ("deal_splits", "003|7", "unknown deal_id 003"),
        ("deal_splits", "x|7", "unknown deal_id x"),
    }
    assert_marts_match_reference(warehouse, compute_expected_marts(source, as_of, "UTC"))
