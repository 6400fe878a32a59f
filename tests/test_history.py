"""Daily snapshots, backfills, goals and milestones: history that is computed, not remembered."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from orchestration.dbt_invocation import dbt_snapshot_args
from orchestration.serving.paths import ServingPaths
from orchestration.serving.serving_copy import publish_serving_copy
from orchestration.settings import CompanySettings
from tests.conftest import TINY_AS_OF, TINY_TIMEZONE, run_quotas
from tests.reference.quota_math import compute_expected_marts, expected_snapshots
from tests.reference.source_builder import deal, period, quota, team, user, write_source
from tests.support.mart_comparison import compare_rows
from tests.support.warehouse import DbtFailed, build_warehouse, read_mart, reload_source, run_dbt, write_snapshots

BACKFILL_START = TINY_AS_OF - timedelta(days=89)


@pytest.fixture(scope="module")
def backfill(tiny_source: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """90 days of snapshots of the tiny CRM, written by one `quotas backfill`."""
    warehouse = tmp_path_factory.mktemp("history") / "warehouse.duckdb"
    completed = run_quotas(
        "backfill",
        "--source",
        str(tiny_source),
        "--warehouse",
        str(warehouse),
        "--start",
        BACKFILL_START.isoformat(),
        "--end",
        TINY_AS_OF.isoformat(),
        "--timezone",
        TINY_TIMEZONE,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return warehouse, completed.stderr


def _snapshot_rows(warehouse: Path, where: str = "true") -> list[dict]:
    return read_mart(warehouse, "quota_snapshots", where)


def test_a_backfill_of_90_days_is_one_run_with_one_snapshot_build(backfill: tuple[Path, str]) -> None:
    _, log = backfill
    dbt_builds = [line for line in log.splitlines() if "Running dbt command" in line]
    assert len(dbt_builds) == 1
    assert f"quota snapshots for {BACKFILL_START} .. {TINY_AS_OF} in one dbt run" in log


def test_backfilled_snapshots_equal_the_reference_for_every_day(tiny_source: Path, backfill: tuple[Path, str]) -> None:
    warehouse, _ = backfill
    expected = expected_snapshots(tiny_source, BACKFILL_START, TINY_AS_OF, TINY_TIMEZONE)
    problems = compare_rows(
        "quota_snapshots",
        _snapshot_rows(warehouse),
        expected,
        key=lambda row: (row["quota_id"], row["snapshot_date"]),
        numbers=("current_value", "attainment_percent"),
    )
    assert not problems, problems[:20]
    assert {row["snapshot_date"] for row in expected} == {BACKFILL_START + timedelta(days=n) for n in range(90)}


def test_a_backfill_equals_90_separate_one_day_runs(backfill: tuple[Path, str], tmp_path: Path) -> None:
    warehouse, _ = backfill
    copy = tmp_path / "warehouse.duckdb"
    shutil.copy(warehouse, copy)
    # The snapshot model compiled for one day, then run for each day on its own.
    run_dbt(
        copy,
        [
            "compile",
            "--select",
            "quota_snapshots",
            "--vars",
            f'{{"snapshot_start_date": "{BACKFILL_START}", "snapshot_end_date": "{BACKFILL_START}", '
            f'"timezone": "{TINY_TIMEZONE}", "as_of_date": "{TINY_AS_OF}"}}',
        ],
        tmp_path / "target",
    )
    [compiled] = list((tmp_path / "target" / "compiled").rglob("quota_snapshots.sql"))
    one_day_sql = compiled.read_text()
    assert one_day_sql.count(f"date '{BACKFILL_START}'") >= 2
    rows_by_day = []
    with duckdb.connect(str(copy), read_only=True) as con:
        for offset in range(90):
            day = BACKFILL_START + timedelta(days=offset)
            rows_by_day += con.execute(one_day_sql.replace(f"date '{BACKFILL_START}'", f"date '{day}'")).fetchall()
        backfilled = con.execute(
            "select quota_id, snapshot_date, current_value, attainment_percent, target_value, period_id "
            "from marts.quota_snapshots order by all"
        ).fetchall()
    assert sorted(rows_by_day) == backfilled


def test_the_week_delta_equals_the_difference_of_the_snapshots_a_week_apart(
    backfill: tuple[Path, str], tiny_warehouse: Path
) -> None:
    warehouse, _ = backfill
    week_ago = TINY_AS_OF - timedelta(days=7)
    snapshots = {
        (row["quota_id"], row["snapshot_date"]): row["current_value"]
        for row in _snapshot_rows(warehouse, f"snapshot_date in ('{TINY_AS_OF}', '{week_ago}')")
    }
    compared = 0
    for progress in read_mart(tiny_warehouse, "quota_progress"):
        now, before = snapshots.get((progress["quota_id"], TINY_AS_OF)), snapshots.get((progress["quota_id"], week_ago))
        if now is not None and before is not None:
            assert progress["week_delta"] == pytest.approx(now - before, abs=1e-6)
            compared += 1
    assert compared > 500


def test_a_daily_run_writes_the_snapshots_of_its_as_of_date(tiny_warehouse: Path) -> None:
    days = {row["snapshot_date"] for row in _snapshot_rows(tiny_warehouse)}
    assert days == {TINY_AS_OF}


# --- hand-made history -----------------------------------------------------------------------------------

LA = "America/Los_Angeles"


@pytest.fixture
def quarter_end_source(tmp_path: Path) -> Path:
    return write_source(
        tmp_path / "crm",
        teams=[team("t1")],
        users=[user("u1", "t1")],
        deals=[
            deal("late", "u1", 1000, "2025-03-31T23:30:00-07:00"),
            deal("april", "u1", 500, "2025-04-01T09:00:00-07:00"),
        ],
        quota_periods=[period("Q1", "2025-01-01", "2025-03-31"), period("Q2", "2025-04-01", "2025-06-30")],
        quotas=[quota("q1", "Q1", "revenue", 2000, user_id="u1"), quota("q2", "Q2", "revenue", 2000, user_id="u1")],
    )


def _window_vars(day: date) -> str:
    """The settings of a one-day snapshot run on `day` (what dbt_snapshot_args passes)."""
    args = dbt_snapshot_args(day, day, CompanySettings(timezone=LA))
    return args[args.index("--vars") + 1]


def _values(warehouse: Path) -> dict[tuple[str, date], float]:
    return {(row["quota_id"], row["snapshot_date"]): row["current_value"] for row in _snapshot_rows(warehouse)}


def test_snapshots_across_a_quarter_boundary_follow_the_company_time_zone_and_re_runs_replace_them(
    quarter_end_source: Path, tmp_path: Path
) -> None:
    warehouse = build_warehouse(quarter_end_source, tmp_path / "w.duckdb", date(2025, 4, 2), LA)
    write_snapshots(warehouse, date(2025, 3, 30), date(2025, 4, 2), LA)
    expected = {
        ("q1", date(2025, 3, 30)): 0,
        ("q1", date(2025, 3, 31)): 1000,
        ("q2", date(2025, 4, 1)): 500,
        ("q2", date(2025, 4, 2)): 500,
    }
    assert _values(warehouse) == expected
    before = sorted(map(str, _snapshot_rows(warehouse)))
    write_snapshots(warehouse, date(2025, 3, 31), date(2025, 4, 1), LA)
    assert sorted(map(str, _snapshot_rows(warehouse))) == before, "a re-run replaces its days, no duplicates"

    # the uniqueness check looks at the days of its run's window, the only days a run writes
    with duckdb.connect(str(warehouse)) as con:
        con.execute("insert into marts.quota_snapshots from marts.quota_snapshots where snapshot_date = '2025-03-31'")
    check = ["test", "--select", "quota_snapshots,test_name:unique_combination"]
    with pytest.raises(DbtFailed, match="unique_combination_quota_snapshots"):
        run_dbt(warehouse, [*check, "--vars", _window_vars(date(2025, 3, 31))], tmp_path / "check")
    run_dbt(warehouse, [*check, "--vars", _window_vars(date(2025, 4, 1))], tmp_path / "check")


def _served_history(serving: ServingPaths) -> tuple[list[tuple], list[tuple]]:
    """The snapshot history as the serving file and as the current Parquet version hold it, sorted."""
    order = "order by all"
    with duckdb.connect(str(serving.database), read_only=True) as con:
        served = con.execute(f"select * from marts.quota_snapshots {order}").fetchall()
    months = serving.parquet / "current" / "quota_snapshots" / "*.parquet"
    with duckdb.connect() as con:
        files = con.execute(f"select * from read_parquet('{months}') {order}").fetchall()
    return served, files


def _warehouse_history(warehouse: Path) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute("select * from marts.quota_snapshots order by all").fetchall()


def test_a_late_deal_restates_only_the_days_re_run_and_the_publication_copies_only_those_days(
    quarter_end_source: Path, tmp_path: Path
) -> None:
    warehouse = build_warehouse(quarter_end_source, tmp_path / "w.duckdb", date(2025, 4, 2), LA)
    write_snapshots(warehouse, date(2025, 3, 28), date(2025, 4, 2), LA)
    before = _values(warehouse)
    serving = ServingPaths(tmp_path / "serving")
    first = publish_serving_copy(warehouse, serving)
    assert first.copied_snapshot_days is None, "the first publication copies the whole history"
    assert _served_history(serving) == (_warehouse_history(warehouse),) * 2

    unchanged = publish_serving_copy(warehouse, serving)
    assert unchanged.copied_snapshot_days == frozenset()

    # a late deal, and the days from its close date re-run: those days, and only those, are copied again
    deals = quarter_end_source / "deals.csv"
    deals.write_text(
        deals.read_text() + "late2,u1,Late deal,300,USD,won,won,2025-03-29T10:00:00Z,"
        "2025-03-29T10:00:00Z,2025-04-03T10:00:00Z\n"
    )
    reload_source(warehouse, quarter_end_source, date(2025, 4, 2), LA)
    write_snapshots(warehouse, date(2025, 3, 30), date(2025, 3, 31), LA)
    april = serving.parquet / "current" / "quota_snapshots" / "2025-04.parquet"
    april_before = april.stat().st_ino
    after = _values(warehouse)
    assert after[("q1", date(2025, 3, 28))] == before[("q1", date(2025, 3, 28))] == 0
    assert after[("q1", date(2025, 3, 29))] == before[("q1", date(2025, 3, 29))] == 0, "a day not re-run keeps its row"
    assert after[("q1", date(2025, 3, 30))] == 300
    assert after[("q1", date(2025, 3, 31))] == 1300
    assert after[("q2", date(2025, 4, 1))] == before[("q2", date(2025, 4, 1))] == 500
    restated = publish_serving_copy(warehouse, serving)
    assert restated.copied_snapshot_days == {date(2025, 3, 30), date(2025, 3, 31)}
    assert _served_history(serving) == (_warehouse_history(warehouse),) * 2
    assert april.stat().st_ino == april_before, "a month without a changed day is linked, not written again"
    assert restated.row_counts["quota_snapshots"] == len(_warehouse_history(warehouse))

    # without the warehouse's day fingerprints (a warehouse built before them), the whole history is copied
    with duckdb.connect(str(warehouse)) as con:
        con.execute("drop table _dbt_state.quota_snapshot_days")
        con.execute("delete from marts.quota_snapshots where snapshot_date = date '2025-03-28'")
    assert publish_serving_copy(warehouse, serving).copied_snapshot_days is None
    assert _served_history(serving) == (_warehouse_history(warehouse),) * 2


# --- goals and milestones --------------------------------------------------------------------------------


def _goal_rows(warehouse: Path, mart: str) -> dict[str, dict]:
    return {row["id"]: row for row in read_mart(warehouse, mart)}


@pytest.mark.parametrize("crm", ["tiny", "maven"])
def test_goals_and_milestones_equal_the_reference(crm: str, request: pytest.FixtureRequest) -> None:
    from tests.conftest import MAVEN_AS_OF, MAVEN_TIMEZONE

    source = request.getfixturevalue(f"{crm}_source")
    warehouse = request.getfixturevalue(f"{crm}_warehouse")
    as_of, timezone = (TINY_AS_OF, TINY_TIMEZONE) if crm == "tiny" else (MAVEN_AS_OF, MAVEN_TIMEZONE)
    expected = compute_expected_marts(source, as_of, timezone)
    assert expected.goals, "the data set should carry goals"
    problems = compare_rows(
        "goals",
        read_mart(warehouse, "goals"),
        expected.goals,
        key=lambda row: (row["id"],),
        numbers=("current_value", "attainment_percent", "target_value"),
        exact=("status", "achieved_at", "goal_type"),
    )
    problems += compare_rows(
        "goal_milestones",
        read_mart(warehouse, "goal_milestones"),
        expected.goal_milestones,
        key=lambda row: (row["id"],),
        exact=("is_achieved", "achieved_at", "is_overdue", "goal_id"),
    )
    problems += compare_rows(
        "quota_history",
        read_mart(warehouse, "quota_history"),
        expected.quota_history,
        key=lambda row: (row["period_id"], row["metric_type"], row["metric_field"], row["user_id"]),
        numbers=("final_value", "attainment_percent"),
        exact=("rank", "is_final"),
    )
    assert not problems, problems[:20]


def _goal_source(directory: Path, deals: list[dict]) -> Path:
    return write_source(
        directory,
        teams=[team("t1")],
        users=[user("u1", "t1")],
        deals=deals,
        quota_periods=[period("Q1", "2025-01-01", "2025-03-31")],
        quotas=[quota("q1", "Q1", "revenue", 1000, user_id="u1")],
        goals=[
            {
                "id": "g-last-day",
                "name": "Close 1000 in January",
                "goal_type": "individual",
                "user_id": "u1",
                "metric_type": "revenue",
                "target_value": 1000,
                "start_date": "2025-01-01",
                "end_date": "2025-01-31",
            },
            {
                "id": "g-missed",
                "name": "Three deals in January",
                "goal_type": "individual",
                "user_id": "u1",
                "metric_type": "deals",
                "target_value": 3,
                "start_date": "2025-01-01",
                "end_date": "2025-01-31",
            },
        ],
        goal_milestones=[
            {
                "id": "m1",
                "goal_id": "g-last-day",
                "name": "Half way",
                "target_value": 500,
                "target_date": "2025-01-10",
                "display_order": 1,
            },
            {
                "id": "m2",
                "goal_id": "g-last-day",
                "name": "Nearly",
                "target_value": 900,
                "target_date": "2025-01-20",
                "display_order": 2,
            },
            {
                "id": "m3",
                "goal_id": "g-missed",
                "name": "Two deals",
                "target_value": 2,
                "target_date": "2025-01-15",
                "display_order": 1,
            },
        ],
    )


JANUARY_DEALS = [
    deal("a", "u1", 600, "2025-01-08T12:00:00Z"),
    deal("b", "u1", 400, "2025-01-31T20:00:00Z"),
]


def test_a_goal_reached_on_its_last_day_is_achieved_that_day_and_a_missed_goal_has_no_date(tmp_path: Path) -> None:
    source = _goal_source(tmp_path / "crm", JANUARY_DEALS)
    warehouse = build_warehouse(source, tmp_path / "w.duckdb", date(2025, 2, 15))
    goals, milestones = _goal_rows(warehouse, "goals"), _goal_rows(warehouse, "goal_milestones")
    assert (goals["g-last-day"]["status"], goals["g-last-day"]["achieved_at"]) == ("achieved", date(2025, 1, 31))
    assert (goals["g-missed"]["status"], goals["g-missed"]["achieved_at"]) == ("missed", None)
    assert (milestones["m1"]["achieved_at"], milestones["m1"]["is_overdue"]) == (date(2025, 1, 8), False)
    assert (milestones["m2"]["achieved_at"], milestones["m2"]["is_overdue"]) == (date(2025, 1, 31), True)
    assert (milestones["m3"]["achieved_at"], milestones["m3"]["is_overdue"]) == (date(2025, 1, 31), True)


def test_before_its_last_day_the_same_goal_is_in_progress(tmp_path: Path) -> None:
    source = _goal_source(tmp_path / "crm", JANUARY_DEALS)
    warehouse = build_warehouse(source, tmp_path / "w.duckdb", date(2025, 1, 20))
    goals, milestones = _goal_rows(warehouse, "goals"), _goal_rows(warehouse, "goal_milestones")
    assert (goals["g-last-day"]["status"], goals["g-last-day"]["current_value"]) == ("in_progress", 600)
    assert milestones["m2"]["is_achieved"] is False and milestones["m2"]["is_overdue"] is False


def test_a_reopened_deal_unachieves_the_goal_but_leaves_earlier_snapshots_alone(tmp_path: Path) -> None:
    source = _goal_source(tmp_path / "crm", JANUARY_DEALS)
    warehouse = build_warehouse(source, tmp_path / "w.duckdb", date(2025, 2, 15))
    write_snapshots(warehouse, date(2025, 1, 30), date(2025, 2, 1))
    assert _goal_rows(warehouse, "goals")["g-last-day"]["status"] == "achieved"
    before = _values(warehouse)
    reopened = [JANUARY_DEALS[0], deal("b", "u1", 400, None, status="open", updated_at="2025-02-10T00:00:00Z")]
    _goal_source(source, reopened)
    reload_source(warehouse, source, date(2025, 2, 15))
    goal = _goal_rows(warehouse, "goals")["g-last-day"]
    assert (goal["status"], goal["achieved_at"], goal["current_value"]) == ("missed", None, 600)
    assert _values(warehouse) == before, "snapshots change only when their days are re-run"
    write_snapshots(warehouse, date(2025, 1, 31), date(2025, 1, 31))
    assert _values(warehouse)[("q1", date(2025, 1, 31))] == 600


def test_a_backfill_leaves_the_ledger_complete_so_the_next_run_recomputes_nothing(
    tiny_source: Path, backfill: tuple[Path, str], tiny_warehouse: Path, tmp_path: Path
) -> None:
    """A backfill that reads the source changes the event ledgers; it must also write their state and the
    daily values' date fingerprints, or the next daily run rebuilds the whole ledger (at M a minute)."""
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(backfill[0], warehouse)

    completed = run_quotas(
        "run",
        "--source",
        str(tiny_source),
        "--warehouse",
        str(warehouse),
        "--as-of",
        TINY_AS_OF.isoformat(),
        "--timezone",
        TINY_TIMEZONE,
    )

    assert completed.returncode == 0, completed.stderr[-2000:]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for ledger in ("activity", "lead", "deal"):
            rebuilt, changed_hours = con.execute(
                "select bool_or(full_rebuild), count(*) filter (where kind = 'hour' and changed) "
                f"from intermediate.int_{ledger}_ledger_changes"
            ).fetchone()
            assert (rebuilt, changed_hours) == (False, 0), f"the {ledger} ledger was recomputed"
        (recomputed_dates,) = con.execute(
            "select count(*) from intermediate.int_ledger_changed_dates where needs_recompute"
        ).fetchone()
    assert recomputed_dates == 0
    for mart in ("quota_progress", "leaderboard", "quota_rollups", "quarantine"):
        after_backfill = sorted(read_mart(warehouse, mart), key=repr)
        assert after_backfill == sorted(read_mart(tiny_warehouse, mart), key=repr), mart


def test_snapshots_only_writes_more_days_from_the_ledger_already_built(
    tiny_source: Path, backfill: tuple[Path, str], tmp_path: Path
) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(backfill[0], warehouse)
    next_day = TINY_AS_OF + timedelta(days=1)
    completed = run_quotas(
        "backfill",
        "--warehouse",
        str(warehouse),
        "--start",
        next_day.isoformat(),
        "--end",
        next_day.isoformat(),
        "--snapshots-only",
        "--timezone",
        TINY_TIMEZONE,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    assert "raw." not in completed.stderr, "the source is not read again"
    problems = compare_rows(
        "quota_snapshots",
        _snapshot_rows(warehouse, f"snapshot_date = '{next_day}'"),
        expected_snapshots(tiny_source, next_day, next_day, TINY_TIMEZONE),
        key=lambda row: (row["quota_id"], row["snapshot_date"]),
        numbers=("current_value", "attainment_percent"),
    )
    assert not problems, problems[:10]
    assert len(_snapshot_rows(warehouse)) == len(_snapshot_rows(backfill[0])) + len(
        _snapshot_rows(warehouse, f"snapshot_date = '{next_day}'")
    )
