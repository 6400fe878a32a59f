"""The reference computation of goals, milestones, snapshots and quota history, on hand-made sources whose
every number is worked out by hand here (SPEC sections 3, 4, 6, 8 and 10.3, 10.8)."""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

from tests.conftest import TINY_AS_OF, TINY_TIMEZONE
from tests.reference.quota_math import ExpectedMarts, compute_expected_marts, expected_snapshots
from tests.reference.source_builder import (
    deal,
    goal,
    membership,
    milestone,
    period,
    quota,
    team,
    user,
    write_source,
)

Q4_2024 = period("2024-Q4", "2024-10-01", "2024-12-31")
Q1 = period("2025-Q1", "2025-01-01", "2025-03-31")
Q2 = period("2025-Q2", "2025-04-01", "2025-06-30")
JAN = ("2025-01-01", "2025-01-31")
QUARTER = ("2025-01-01", "2025-03-31")


def expected(source: Path, as_of: date, **settings: str) -> ExpectedMarts:
    return compute_expected_marts(source, as_of, **settings)


def goal_state(marts: ExpectedMarts, goal_id: str) -> tuple:
    row = marts.goal(goal_id)
    return (row["current_value"], row["attainment_percent"], row["status"], row["achieved_at"])


def milestone_state(marts: ExpectedMarts, milestone_id: str) -> tuple:
    row = marts.milestone(milestone_id)
    return (row["is_achieved"], row["achieved_at"], row["is_overdue"])


# ---------------------------------------------------------------------------------------------------------
# Goals
# ---------------------------------------------------------------------------------------------------------


def test_a_goal_is_achieved_on_the_first_day_its_cumulative_value_reaches_the_target(tmp_path: Path) -> None:
    source = write_source(
        tmp_path,
        users=[user("u1")],
        deals=[
            deal("d0", "u1", 1000, "2024-12-31"),  # before the goal starts
            deal("d1", "u1", 100, "2025-01-05"),
            deal("d2", "u1", 150, "2025-01-10"),
            deal("d3", "u1", 50, "2025-01-20"),  # 100 + 150 + 50 = 300: the target
            deal("d4", "u1", 500, "2025-01-25"),
            deal("d5", "u1", 1000, "2025-02-01"),  # after the goal ends
        ],
        goals=[goal("g1", "individual", "revenue", 300, *JAN, user_id="u1")],
    )
    # achieved_at is the day the target was reached, not the day the run noticed it
    assert goal_state(expected(source, date(2025, 2, 10)), "g1") == (800.0, 266.67, "achieved", date(2025, 1, 20))
    assert goal_state(expected(source, date(2025, 1, 20)), "g1") == (300.0, 100.0, "achieved", date(2025, 1, 20))
    # the day before, the credits dated on or before D do not reach it yet
    assert goal_state(expected(source, date(2025, 1, 19)), "g1") == (250.0, 83.33, "in_progress", None)
    row = expected(source, date(2025, 2, 10)).goal("g1")
    assert {key: row[key] for key in ("goal_type", "user_id", "start_date", "end_date", "weight")} == {
        "goal_type": "individual",
        "user_id": "u1",
        "start_date": date(2025, 1, 1),
        "end_date": date(2025, 1, 31),
        "weight": 1.0,
    }


def test_a_goal_a_billionth_short_of_its_target_is_achieved(tmp_path: Path) -> None:
    source = write_source(
        tmp_path,
        users=[user("u1")],
        deals=[deal("d1", "u1", 300, "2025-01-05")],
        goals=[
            # 300 >= 300.0000001 x (1 - 1e-9) = 299.99999980...
            goal("close", "individual", "revenue", "300.0000001", *JAN, user_id="u1"),
            # 300 < 300.000001 x (1 - 1e-9) = 300.00000069...
            goal("short", "individual", "revenue", "300.000001", *JAN, user_id="u1"),
        ],
    )
    marts = expected(source, date(2025, 1, 31))
    assert goal_state(marts, "close") == (300.0, 100.0, "achieved", date(2025, 1, 5))
    assert goal_state(marts, "short") == (300.0, 100.0, "in_progress", None)


def test_a_goal_achieved_on_its_last_day(tmp_path: Path) -> None:
    source = write_source(
        tmp_path,
        users=[user("u1")],
        deals=[
            deal("d1", "u1", 10, "2025-01-10"),
            deal("d2", "u1", 10, "2025-02-01T05:00:00Z"),  # January 31, 21:00 in Los Angeles
        ],
        goals=[goal("g1", "individual", "deals", 2, *JAN, user_id="u1")],
    )
    in_los_angeles = {"timezone": "America/Los_Angeles"}
    achieved = (2.0, 100.0, "achieved", date(2025, 1, 31))
    assert goal_state(expected(source, date(2025, 2, 15), **in_los_angeles), "g1") == achieved
    assert goal_state(expected(source, date(2025, 1, 31), **in_los_angeles), "g1") == achieved
    # in UTC the second deal is February 1, after the goal ended
    assert goal_state(expected(source, date(2025, 2, 15)), "g1") == (1.0, 50.0, "missed", None)


def test_a_missed_goal_has_no_achieved_at(tmp_path: Path) -> None:
    source = write_source(
        tmp_path,
        users=[user("u1")],
        deals=[
            deal("d1", "u1", 100, "2025-01-05"),
            deal("d2", "u1", 150, "2025-01-31"),
            deal("d3", "u1", 1000, "2025-02-01"),  # one day too late
        ],
        goals=[goal("g1", "individual", "revenue", 300, *JAN, user_id="u1")],
    )
    # before the start a goal is in progress, at 0
    assert goal_state(expected(source, date(2024, 12, 20)), "g1") == (0.0, 0.0, "in_progress", None)
    # on its last day it is still in progress: end_date < D does not hold yet
    assert goal_state(expected(source, date(2025, 1, 31)), "g1") == (250.0, 83.33, "in_progress", None)
    assert goal_state(expected(source, date(2025, 2, 1)), "g1") == (250.0, 83.33, "missed", None)
    assert goal_state(expected(source, date(2026, 1, 1)), "g1") == (250.0, 83.33, "missed", None)


def test_a_team_goal_weights_members_by_their_own_goals_with_the_same_dates(tmp_path: Path) -> None:
    source = write_source(
        tmp_path,
        teams=[team("r1"), team("t1", parent="r1")],
        users=[user("u1", team_id="t1"), user("u2", team_id="t1"), user("u3")],  # u3 has no team
        team_memberships=[
            membership("u1", "t1", "2025-01-01", weight=0.5),
            membership("u2", "t1", "2025-01-01", "2025-03-01"),  # no team from March 1
        ],
        deals=[
            deal("d1", "u1", 1000, "2025-02-01"),
            deal("d2", "u2", 400, "2025-02-02"),
            deal("d3", "u3", 300, "2025-02-03"),
            deal("d4", "u2", 50, "2025-03-05"),  # u2 has no team that day: straight to the company
        ],
        goals=[
            goal("gu1", "individual", "revenue", 1000, *QUARTER, user_id="u1", weight=2),
            goal("gu1-jan", "individual", "revenue", 100, *JAN, user_id="u1", weight=10),  # other dates
            goal("gu2-deals", "individual", "deals", 5, *QUARTER, user_id="u2", weight=3),  # other metric
            goal("gt1", "team", "revenue", 2000, *QUARTER, team_id="t1", weight="0.5"),
            goal("gr1", "team", "revenue", 3000, *QUARTER, team_id="r1"),
            goal("gc", "company", "revenue", 5000, *QUARTER),
        ],
    )
    marts = expected(source, date(2025, 3, 31))
    # a rep's own goal is unweighted
    assert goal_state(marts, "gu1") == (1000.0, 100.0, "achieved", date(2025, 2, 1))
    assert goal_state(marts, "gu1-jan") == (0.0, 0.0, "missed", None)
    # t1 = 1000 x 2 (u1's quarter revenue goal) x 0.5 (membership) + 400 x 1 x 1
    assert goal_state(marts, "gt1") == (1400.0, 70.0, "in_progress", None)
    # r1 = 1400 x 0.5 (t1's own goal)
    assert goal_state(marts, "gr1") == (700.0, 23.33, "in_progress", None)
    # company = 700 x 1 (r1) + 300 (u3, no team) + 50 (u2 on March 5, no team)
    assert goal_state(marts, "gc") == (1050.0, 21.0, "in_progress", None)
    assert goal_state(marts, "gu2-deals") == (2.0, 40.0, "in_progress", None)


def test_a_goal_is_in_the_reporting_currency_converted_on_each_credit_date(tmp_path: Path) -> None:
    source = write_source(
        tmp_path,
        users=[user("u1")],
        fx_rates=[
            {"currency": "EUR", "rate_date": "2025-01-01", "rate_to_usd": "1.10"},
            {"currency": "EUR", "rate_date": "2025-02-01", "rate_to_usd": "1.20"},
        ],
        deals=[deal("d1", "u1", 100, "2025-01-15", currency="EUR"), deal("d2", "u1", 120, "2025-02-10")],
        quota_periods=[Q1],
        quotas=[quota("q1", "2025-Q1", "revenue", 200, "u1", currency="EUR")],
        goals=[goal("g1", "individual", "revenue", 220, *QUARTER, user_id="u1")],
    )
    # USD: 100 EUR x 1.10 on Jan 15 + 120 = 230, past 220 on Feb 10; the quota's EUR does not matter
    in_usd = expected(source, date(2025, 3, 31))
    assert goal_state(in_usd, "g1") == (230.0, 104.55, "achieved", date(2025, 2, 10))
    assert in_usd.quota("q1")["current_value"] == 200.0  # 100 + 120 / 1.20
    # EUR: 100 + 120 / 1.20 = 200
    in_eur = expected(source, date(2025, 3, 31), reporting_currency="EUR")
    assert goal_state(in_eur, "g1") == (200.0, 90.91, "in_progress", None)


# ---------------------------------------------------------------------------------------------------------
# Milestones
# ---------------------------------------------------------------------------------------------------------


def test_a_milestone_reached_after_its_target_date_is_overdue(tmp_path: Path) -> None:
    source = write_source(
        tmp_path,
        users=[user("u1")],
        deals=[
            deal("d1", "u1", 200, "2025-01-10"),
            deal("d2", "u1", 300, "2025-02-20"),
            deal("d3", "u1", 100, "2025-03-10"),
            deal("d4", "u1", 500, "2025-03-25"),
        ],
        goals=[goal("g1", "individual", "revenue", 1000, *QUARTER, user_id="u1")],
        goal_milestones=[
            milestone("m1", "g1", 200, "2025-01-15", 1),
            milestone("m2", "g1", 500, "2025-02-15", 2),
            milestone("m3", "g1", 800, "2025-03-01", 3),
            milestone("m4", "g1", 600, "2025-03-31", 4),
            milestone("m5", "g1", 900, "2025-03-31", 5),
        ],
    )
    march_20 = expected(source, date(2025, 3, 20))  # 200, 500 on Feb 20, 600 on Mar 10
    assert milestone_state(march_20, "m1") == (True, date(2025, 1, 10), False)
    assert milestone_state(march_20, "m2") == (True, date(2025, 2, 20), True)  # reached after Feb 15
    assert milestone_state(march_20, "m3") == (False, None, True)  # not reached, Mar 1 has passed
    assert milestone_state(march_20, "m4") == (True, date(2025, 3, 10), False)
    assert milestone_state(march_20, "m5") == (False, None, False)  # not reached, Mar 31 to come
    m4 = march_20.milestone("m4")
    assert (m4["goal_id"], m4["target_value"], m4["target_date"], m4["display_order"]) == (
        "g1",
        600.0,
        date(2025, 3, 31),
        4,
    )
    # m2 on its target date is not overdue yet; the day after it is
    assert milestone_state(expected(source, date(2025, 2, 15)), "m2") == (False, None, False)
    assert milestone_state(expected(source, date(2025, 2, 16)), "m2") == (False, None, True)
    # the last deal reaches m3, m5 and the goal on Mar 25
    march_31 = expected(source, date(2025, 3, 31))
    assert milestone_state(march_31, "m3") == (True, date(2025, 3, 25), True)
    assert milestone_state(march_31, "m5") == (True, date(2025, 3, 25), False)
    assert goal_state(march_31, "g1") == (1100.0, 110.0, "achieved", date(2025, 3, 25))


# ---------------------------------------------------------------------------------------------------------
# Snapshots
# ---------------------------------------------------------------------------------------------------------


def snapshot_table(rows: list[dict]) -> list[tuple]:
    return [(r["quota_id"], r["snapshot_date"], r["current_value"], r["attainment_percent"]) for r in rows]


def test_snapshots_across_a_quarter_boundary_in_los_angeles(tmp_path: Path) -> None:
    source = write_source(
        tmp_path,
        users=[user("u1")],
        deals=[
            deal("d0", "u1", 300, "2025-02-01T12:00:00Z"),
            deal("d1", "u1", 400, "2025-03-30T20:00:00Z"),  # March 30, 13:00 in Los Angeles
            deal("d2", "u1", 100, "2025-04-01T06:30:00Z"),  # March 31, 23:30 in Los Angeles
            deal("d3", "u1", 250, "2025-04-01T07:30:00Z"),  # April 1, 00:30 in Los Angeles
        ],
        quota_periods=[Q1, Q2],
        quotas=[
            quota("q1", "2025-Q1", "revenue", 1000, "u1"),
            quota("q2", "2025-Q2", "revenue", 500, "u1"),
            quota("qc", "2025-Q1", "revenue", 2000),
        ],
    )
    march_30, march_31, april_1, april_2 = (date(2025, 3, 30) + timedelta(days=n) for n in range(4))
    in_los_angeles = expected_snapshots(source, march_30, april_2, timezone="America/Los_Angeles")
    # a quota has rows on its period's days only; a value carries the credits from before the window
    assert snapshot_table(in_los_angeles) == [
        ("q1", march_30, 700.0, 70.0),
        ("q1", march_31, 800.0, 80.0),
        ("q2", april_1, 250.0, 50.0),
        ("q2", april_2, 250.0, 50.0),
        ("qc", march_30, 700.0, 35.0),
        ("qc", march_31, 800.0, 40.0),
    ]
    assert in_los_angeles[0] == {
        "quota_id": "q1",
        "snapshot_date": march_30,
        "current_value": 700.0,
        "target_value": 1000.0,
        "attainment_percent": 70.0,
    }
    in_utc = expected_snapshots(source, march_30, april_2)
    assert snapshot_table(in_utc) == [
        ("q1", march_30, 700.0, 70.0),
        ("q1", march_31, 700.0, 70.0),
        ("q2", april_1, 350.0, 70.0),
        ("q2", april_2, 350.0, 70.0),
        ("qc", march_30, 700.0, 35.0),
        ("qc", march_31, 700.0, 35.0),
    ]
    # a run as of D carries D's snapshot rows
    assert snapshot_table(expected(source, march_31, timezone="America/Los_Angeles").quota_snapshots) == [
        ("q1", march_31, 800.0, 80.0),
        ("qc", march_31, 800.0, 40.0),
    ]


def assert_snapshots_match_progress(
    snapshots: list[dict], marts: ExpectedMarts, day: date, periods: dict[str, tuple[date, date]]
) -> int:
    """Every snapshot of `day` is the quota_progress row as of that day, and a quota has one exactly when its
    period holds the day. Returns how many were compared."""
    of_the_day = {row["quota_id"]: row for row in snapshots if row["snapshot_date"] == day}
    period_of = {row["id"]: periods[row["period_id"]] for row in marts.quotas}
    assert of_the_day.keys() == {quota_id for quota_id, (start, end) in period_of.items() if start <= day <= end}
    for progress in marts.quota_progress:
        snapshot = of_the_day.get(progress["quota_id"])
        if snapshot is not None:
            assert snapshot["current_value"] == progress["current_value"], (day, progress["quota_id"])
            assert snapshot["attainment_percent"] == progress["attainment_percent"], (day, progress["quota_id"])
            assert snapshot["target_value"] == progress["target_value"]
    # and a run as of that day writes those same rows
    assert sorted(of_the_day.values(), key=lambda row: row["quota_id"]) == sorted(
        marts.quota_snapshots, key=lambda row: row["quota_id"]
    )
    return len(of_the_day)


def period_ranges(rows: list[dict]) -> dict[str, tuple[date, date]]:
    return {row["id"]: (date.fromisoformat(row["start_date"]), date.fromisoformat(row["end_date"])) for row in rows}


def test_a_snapshot_equals_the_progress_value_as_of_that_day(tmp_path: Path) -> None:
    periods = [Q1, Q2, period("2025-02", "2025-02-01", "2025-02-28", "month")]
    source = write_source(
        tmp_path,
        teams=[team("r1"), team("t1", parent="r1"), team("t2", parent="r1")],
        users=[user("u1", team_id="t1"), user("u2", team_id="t2"), user("u3")],
        team_memberships=[
            membership("u1", "t1", "2024-01-01", weight=0.8),
            membership("u2", "t1", "2024-01-01", "2025-02-15"),
            membership("u2", "t2", "2025-02-15", weight=1.5),
        ],
        fx_rates=[
            {"currency": "EUR", "rate_date": "2025-01-01", "rate_to_usd": "1.10"},
            {"currency": "EUR", "rate_date": "2025-02-14", "rate_to_usd": "1.25"},
        ],
        deals=[
            # 24 deals spread over January to April, u1, u2 and u3 in turn
            deal(f"d{n}", f"u{n % 3 + 1}", 37 * n + 11, f"2025-{1 + n % 4:02d}-{1 + (11 * n) % 27:02d}T18:00:00Z")
            for n in range(1, 25)
        ]
        + [deal("e1", "u1", 90, "2025-02-14T12:00:00Z", currency="EUR"), deal("open", "u2", 999, None, "open")],
        leads=[  # at 03:30 UTC: the day before in New York
            {"id": f"l{n}", "owner_id": f"u{n % 2 + 1}", "status": "new", "created_at": f"2025-02-{n:02d}T03:30:00Z"}
            for n in range(1, 20)
        ],
        quota_periods=periods,
        quotas=[
            quota("1", "2025-Q1", "revenue", 1500, "u1", currency="EUR", weight=2),
            quota("2", "2025-Q1", "revenue", 1200, "u2"),
            quota("3", "2025-Q1", "revenue", 2500, team_id="t1", weight="0.5"),
            quota("4", "2025-Q1", "revenue", 1000, team_id="t2", currency="EUR"),
            quota("5", "2025-Q1", "revenue", 4000, team_id="r1"),
            quota("6", "2025-Q1", "revenue", 6000),
            quota("7", "2025-02", "leads", 12, "u1"),
            quota("8", "2025-02", "leads", 15, team_id="t1"),
            quota("9", "2025-02", "deals", 3),
            quota("10", "2025-Q2", "deals", 4, "u2"),
            quota("11", "2025-Q2", "revenue", 800, team_id="t2"),
        ],
    )
    timezone = "America/New_York"
    snapshots = expected_snapshots(source, date(2024, 12, 30), date(2025, 4, 5), timezone=timezone)
    days = [date(2024, 12, 31), date(2025, 1, 1), date(2025, 1, 31), date(2025, 2, 1), date(2025, 2, 14)]
    days += [date(2025, 2, 15), date(2025, 2, 28), date(2025, 3, 31), date(2025, 4, 1), date(2025, 4, 5)]
    compared = sum(
        assert_snapshots_match_progress(
            snapshots, expected(source, day, timezone=timezone), day, period_ranges(periods)
        )
        for day in days
    )
    assert compared == 0 + 6 + 6 + 9 + 9 + 9 + 9 + 6 + 2 + 2
    assert len(snapshots) == 90 * 6 + 28 * 3 + 5 * 2  # Q1 from Jan 1, February, Q2 up to Apr 5
    assert len({row["current_value"] for row in snapshots if row["quota_id"] == "3"}) > 5  # a moving team value


def test_a_quarter_of_snapshots_of_the_tiny_crm_ends_on_the_progress_of_its_last_day(
    tiny_source: Path,
) -> None:
    first = TINY_AS_OF - timedelta(days=89)
    snapshots = expected_snapshots(tiny_source, first, TINY_AS_OF, timezone=TINY_TIMEZONE)
    assert {row["snapshot_date"] for row in snapshots} == {first + timedelta(days=n) for n in range(90)}
    with (tiny_source / "quota_periods.csv").open(newline="") as handle:
        periods = period_ranges(list(csv.DictReader(handle)))
    marts = expected(tiny_source, TINY_AS_OF, timezone=TINY_TIMEZONE)
    assert assert_snapshots_match_progress(snapshots, marts, TINY_AS_OF, periods) > 100


# ---------------------------------------------------------------------------------------------------------
# Quota history
# ---------------------------------------------------------------------------------------------------------


def history_table(rows: list[dict]) -> list[tuple]:
    return [(r["user_id"], r["final_value"], r["attainment_percent"], r["rank"], r["is_final"]) for r in rows]


def test_history_ranks_past_periods(tmp_path: Path) -> None:
    source = write_source(
        tmp_path,
        teams=[team("t1")],
        users=[user(f"u{n}", team_id="t1") for n in range(1, 5)],
        deals=[deal(f"a{n}", "u1", "22.5", f"2024-11-0{n}") for n in range(1, 5)]  # 90 in 4 deals
        + [
            deal("b", "u2", 80, "2024-11-05"),
            deal("c", "u3", "80.004", "2024-11-06"),  # 80.004% rounds to 80.00: a tie with u2
            deal("d", "u4", 10, "2024-11-07"),
            deal("e", "u1", 250, "2025-01-20"),
            deal("f", "u2", 300, "2025-02-01"),
            deal("g", "u1", 100, "2025-02-20"),  # after D
        ],
        quota_periods=[Q4_2024, Q1, Q2],
        quotas=[quota(f"q4-{n}", "2024-Q4", "revenue", 100, f"u{n}") for n in range(1, 5)]
        + [
            quota("q4-deals-1", "2024-Q4", "deals", 2, "u1"),
            quota("q4-deals-2", "2024-Q4", "deals", 4, "u2"),
            quota("q4-team", "2024-Q4", "revenue", 300, team_id="t1"),  # not an individual quota
            quota("q1-1", "2025-Q1", "revenue", 1000, "u1"),
            quota("q1-2", "2025-Q1", "revenue", 500, "u2"),
            quota("q2-1", "2025-Q2", "revenue", 1000, "u1"),  # not started on D
        ],
    )
    marts = expected(source, date(2025, 2, 15))
    assert history_table(marts.history("2024-Q4", "revenue")) == [
        ("u1", 90.0, 90.0, 1, True),
        ("u3", 80.004, 80.0, 2, True),  # inside a tie: value descending
        ("u2", 80.0, 80.0, 2, True),
        ("u4", 10.0, 10.0, 4, True),
    ]
    assert history_table(marts.history("2024-Q4", "deals")) == [("u1", 4.0, 200.0, 1, True), ("u2", 1.0, 25.0, 2, True)]
    # the current quarter so far, as of D
    assert history_table(marts.history("2025-Q1", "revenue")) == [
        ("u2", 300.0, 60.0, 1, False),
        ("u1", 250.0, 25.0, 2, False),
    ]
    assert {row["period_id"] for row in marts.quota_history} == {"2024-Q4", "2025-Q1"}
    assert len(marts.quota_history) == 8
    top = marts.history("2024-Q4", "revenue")[0]
    assert (top["quota_id"], top["metric_field"], top["target_value"]) == ("q4-1", None, 100.0)
    # on the quarter's last day it is not final yet; the next day it is, and the new quarter starts at 0
    assert {row["is_final"] for row in expected(source, date(2024, 12, 31)).quota_history} == {False}
    new_year = expected(source, date(2025, 1, 1))
    assert {row["is_final"] for row in new_year.history("2024-Q4", "revenue")} == {True}
    assert history_table(new_year.history("2025-Q1", "revenue")) == [
        ("u1", 0.0, 0.0, 1, False),
        ("u2", 0.0, 0.0, 1, False),
    ]
