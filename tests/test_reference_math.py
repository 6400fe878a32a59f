"""The reference computation on small hand-made sources whose every number is worked out by hand here.

Each case writes a source with `write_source`, runs `compute_expected_marts` and compares with numbers a
reader can check on paper. The warehouse tests reuse the same builder for the same cases.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from tests.fixtures.maven_crm import MAVEN_DIR
from tests.reference.inputs import SourceError
from tests.reference.quota_math import ExpectedMarts, compute_expected_marts
from tests.reference.rounding import round_half_up
from tests.reference.source_builder import deal, membership, period, quota, team, user, write_source

Q1 = period("2025-Q1", "2025-01-01", "2025-03-31")
Q2 = period("2025-Q2", "2025-04-01", "2025-06-30")
END_OF_Q1 = date(2025, 3, 31)


def expected(source: Path, as_of: date = END_OF_Q1, **settings: str) -> ExpectedMarts:
    return compute_expected_marts(source, as_of, **settings)


# ---------------------------------------------------------------------------------------------------------
# Attainment and rounding
# ---------------------------------------------------------------------------------------------------------


def test_attainment_rounds_half_up_and_is_not_capped(tmp_path: Path) -> None:
    source = write_source(
        tmp_path,
        users=[user("u1"), user("u2")],
        deals=[deal("d1", "u1", "98.76", "2025-02-01"), deal("d2", "u2", 1200, "2025-02-02")],
        quota_periods=[Q1],
        quotas=[
            quota("q1", "2025-Q1", "revenue", 800, user_id="u1"),
            quota("q2", "2025-Q1", "revenue", 100, "u2"),
        ],
    )
    marts = expected(source)
    # 98.76 / 800 x 100 = 12.345 exactly -> 12.35 half-up (half-to-even would give 12.34)
    assert marts.quota("q1")["attainment_percent"] == 12.35
    # 12x the target is 1200.00, never capped at 100
    assert marts.quota("q2")["current_value"] == 1200.0
    assert marts.quota("q2")["attainment_percent"] == 1200.0


def test_half_up_rounding_forgives_a_floating_point_shortfall_of_a_billionth() -> None:
    assert round_half_up(Decimal("12.345")) == Decimal("12.35")
    assert Fraction(2.675) < Fraction("2.675")  # the double nearest 2.675 is 2.67499999999999982...
    assert round_half_up(Fraction(2.675)) == Decimal("2.68")
    assert round_half_up(Decimal("12.3449")) == Decimal("12.34")
    assert round_half_up(Decimal("0.005")) == Decimal("0.01")
    assert round_half_up(Decimal("-2.675")) == Decimal("-2.68")


# ---------------------------------------------------------------------------------------------------------
# Dates and time zones
# ---------------------------------------------------------------------------------------------------------


def test_a_deal_closed_late_on_march_31_in_los_angeles_counts_in_q1_there_and_in_q2_in_utc(
    tmp_path: Path,
) -> None:
    source = write_source(
        tmp_path,
        users=[user("u1")],
        deals=[
            deal("d1", "u1", 500, "2025-03-31T23:30:00-07:00"),  # 2025-04-01 06:30 UTC
            deal("d2", "u1", 300, "2025-04-01 06:30:00"),  # no offset: UTC, the same instant
        ],
        quota_periods=[Q1, Q2],
        quotas=[quota("q1", "2025-Q1", "revenue", 1000, "u1"), quota("q2", "2025-Q2", "revenue", 1000, "u1")],
    )
    in_los_angeles = expected(source, date(2025, 6, 30), timezone="America/Los_Angeles")
    assert in_los_angeles.quota("q1")["current_value"] == 800.0
    assert in_los_angeles.quota("q2")["current_value"] == 0.0

    in_utc = expected(source, date(2025, 6, 30))
    assert in_utc.quota("q1")["current_value"] == 0.0
    assert in_utc.quota("q2")["current_value"] == 800.0


def test_a_bare_date_is_midnight_utc_so_it_is_the_day_before_in_new_york(tmp_path: Path) -> None:
    source = write_source(
        tmp_path,
        users=[user("u1")],
        deals=[deal("d1", "u1", 100, "2025-04-01")],
        quota_periods=[Q1, Q2],
        quotas=[quota("q1", "2025-Q1", "deals", 1, "u1"), quota("q2", "2025-Q2", "deals", 1, "u1")],
    )
    marts = expected(source, date(2025, 6, 30), timezone="America/New_York")
    assert marts.quota("q1")["current_value"] == 1.0
    assert marts.quota("q2")["current_value"] == 0.0


# ---------------------------------------------------------------------------------------------------------
# The organisation: memberships and weights
# ---------------------------------------------------------------------------------------------------------


def test_a_rep_who_moves_team_mid_quarter_credits_the_team_of_each_credit_date(tmp_path: Path) -> None:
    source = write_source(
        tmp_path,
        teams=[team("t1"), team("t2")],
        users=[user("u1", team_id="t2")],  # t2 is the team of today
        team_memberships=[
            membership("u1", "t1", "2025-01-01", "2025-02-15"),  # valid_to is exclusive
            membership("u1", "t2", "2025-02-15"),
        ],
        deals=[deal("d1", "u1", 100, "2025-02-14T12:00:00Z"), deal("d2", "u1", 250, "2025-02-15T12:00:00Z")],
        quota_periods=[Q1],
        quotas=[
            quota("q1", "2025-Q1", "revenue", 1000, user_id="u1"),
            quota("q2", "2025-Q1", "revenue", 500, team_id="t1"),
            quota("q3", "2025-Q1", "revenue", 500, team_id="t2"),
            quota("q4", "2025-Q1", "revenue", 1000),
        ],
    )
    marts = expected(source)
    assert marts.quota("q1")["current_value"] == 350.0
    assert marts.rollup("2025-Q1", "revenue", "t1")["current_value"] == 100.0
    assert marts.rollup("2025-Q1", "revenue", "t2")["current_value"] == 250.0
    assert marts.rollup("2025-Q1", "revenue")["current_value"] == 350.0
    assert (marts.quota("q2")["attainment_percent"], marts.quota("q3")["attainment_percent"]) == (20.0, 50.0)
    assert marts.quota("q4")["attainment_percent"] == 35.0
    # the leaderboard shows the team of R = min(max(D, start), end)
    assert marts.board("2025-Q1", "revenue")[0]["team_id"] == "t2"
    assert expected(source, date(2025, 2, 14)).board("2025-Q1", "revenue")[0]["team_id"] == "t1"


def test_a_rep_whose_memberships_leave_a_gap_credits_the_company_directly_that_day(tmp_path: Path) -> None:
    source = write_source(
        tmp_path,
        teams=[team("t1")],
        users=[user("u1", team_id="t1")],
        team_memberships=[
            membership("u1", "t1", "2025-01-01", "2025-02-01"),
            membership("u1", "t1", "2025-03-01"),
        ],
        deals=[
            deal("d1", "u1", 10, "2025-01-10"),
            deal("d2", "u1", 70, "2025-02-10"),  # no team on Feb 10
            deal("d3", "u1", 20, "2025-03-10"),
        ],
        quota_periods=[Q1],
        quotas=[
            quota("q1", "2025-Q1", "revenue", 100, "u1"),
            quota("q2", "2025-Q1", "revenue", 100, team_id="t1"),
        ],
    )
    marts = expected(source)
    assert marts.rollup("2025-Q1", "revenue", "t1")["current_value"] == 30.0
    assert marts.rollup("2025-Q1", "revenue")["current_value"] == 100.0
    assert marts.rollup("2025-Q1", "revenue")["member_target_sum"] == 100.0  # t1's; u1 is in t1 on R

    in_the_gap = expected(source, date(2025, 2, 20))
    row = in_the_gap.board("2025-Q1", "revenue")[0]
    assert (row["team_id"], row["team_rank"], row["rank"]) == (None, None, 1)
    # on R = Feb 20 u1 has no team, so the company counts u1's target beside t1's
    assert in_the_gap.rollup("2025-Q1", "revenue")["member_target_sum"] == 200.0
    assert in_the_gap.rollup("2025-Q1", "revenue", "t1")["member_target_sum"] is None


def test_weights_multiply_along_the_path_to_the_company(tmp_path: Path) -> None:
    source = write_source(
        tmp_path,
        teams=[team("r1"), team("t1", parent="r1")],
        users=[user("u1", team_id="t1"), user("u2", team_id="t1")],
        team_memberships=[membership("u1", "t1", "2025-01-01", weight=0.8)],  # u2 has no rows: t1, weight 1
        deals=[deal("d1", "u1", 1000, "2025-02-01"), deal("d2", "u2", 100, "2025-02-02")],
        quota_periods=[Q1],
        quotas=[
            quota("q1", "2025-Q1", "revenue", 500, user_id="u1", weight=1.5),
            quota("q2", "2025-Q1", "revenue", 400, team_id="t1", weight=2),
            quota("q3", "2025-Q1", "revenue", 2000, team_id="r1", weight=0.5),
            quota("q4", "2025-Q1", "revenue", 1000),
        ],
    )
    marts = expected(source)
    # a rep's own number is unweighted
    assert marts.quota("q1")["current_value"] == 1000.0
    # t1 = 1000 x 1.5 (quota) x 0.8 (membership) + 100 x 1 (u2 has no quota) = 1300
    team_row = marts.rollup("2025-Q1", "revenue", "t1")
    assert (team_row["current_value"], team_row["attainment_percent"]) == (1300.0, 325.0)
    # r1 = 1300 x 2 (t1's weight) ; company = 2600 x 0.5 (r1's weight)
    assert marts.rollup("2025-Q1", "revenue", "r1")["current_value"] == 2600.0
    assert marts.rollup("2025-Q1", "revenue")["current_value"] == 1300.0
    assert marts.quota("q4")["attainment_percent"] == 130.0
    # children's targets, weighted the same way: 500 x 1.5 x 0.8 ; 400 x 2 ; 2000 x 0.5
    assert (team_row["member_target_sum"], team_row["over_assignment_percent"]) == (600.0, 150.0)
    region_row = marts.rollup("2025-Q1", "revenue", "r1")
    assert (region_row["member_target_sum"], region_row["over_assignment_percent"]) == (800.0, 40.0)
    company_row = marts.rollup("2025-Q1", "revenue")
    assert (company_row["member_target_sum"], company_row["over_assignment_percent"]) == (1000.0, 100.0)


def test_rollups_cover_every_team_even_without_quotas(tmp_path: Path) -> None:
    source = write_source(
        tmp_path,
        teams=[team("r1"), team("t1", parent="r1"), team("t2")],
        users=[user("u1", team_id="t1")],
        deals=[deal("d1", "u1", 10, "2025-01-05"), deal("d2", "u1", 10, "2025-01-06")],
        quota_periods=[Q1, Q2],
        quotas=[quota("q1", "2025-Q1", "deals", 5, "u1")],
    )
    rows = expected(source).quota_rollups
    assert {(row["scope_type"], row["team_id"]) for row in rows} == {
        ("company", None),
        ("team", "r1"),
        ("team", "t1"),
        ("team", "t2"),
    }
    assert {(row["period_id"], row["metric_type"]) for row in rows} == {("2025-Q1", "deals")}
    by_team = {row["team_id"]: row for row in rows}
    assert by_team["t1"] == by_team["t1"] | {
        "current_value": 2.0,
        "target_value": None,
        "attainment_percent": None,
        "member_target_sum": 5.0,
        "over_assignment_percent": None,
    }
    assert (by_team["r1"]["current_value"], by_team["r1"]["member_target_sum"]) == (2.0, None)
    assert (by_team[None]["current_value"], by_team["t2"]["current_value"]) == (2.0, 0.0)


# ---------------------------------------------------------------------------------------------------------
# Leaderboards
# ---------------------------------------------------------------------------------------------------------


def test_ties_share_a_rank_and_the_next_rank_skips(tmp_path: Path) -> None:
    people = {"u1": ("Dana", "t1", 90), "u2": ("Beth", "t1", 80), "u3": ("Adam", "t2", "80.004")}
    people |= {"u4": ("Carl", "t2", 30), "u6": ("Aaron", "t2", 30), "u5": ("Eve", "t2", None)}
    source = write_source(
        tmp_path,
        teams=[team("t1"), team("t2")],
        users=[user(uid, team_id=team_id, name=name) for uid, (name, team_id, _) in people.items()],
        deals=[
            deal(f"d-{uid}", uid, amount, "2025-02-01") for uid, (_, _, amount) in people.items() if amount is not None
        ],
        quota_periods=[Q1],
        quotas=[quota(f"q-{uid}", "2025-Q1", "revenue", 100, uid) for uid in people],
    )
    board = expected(source).board("2025-Q1", "revenue")
    # 80.004% rounds to 80.00 and ties with Beth; inside a tie: value descending, then name
    assert [(row["user_name"], row["rank"], row["team_rank"]) for row in board] == [
        ("Dana", 1, 1),
        ("Adam", 2, 1),
        ("Beth", 2, 2),
        ("Aaron", 4, 2),
        ("Carl", 4, 2),
        ("Eve", 6, 4),  # a rep with a quota and no credits appears at 0%
    ]
    eve = board[-1]
    assert (eve["current_value"], eve["attainment_percent"], eve["vs_quota"]) == (0.0, 0.0, -100.0)
    assert board[0]["vs_quota"] == -10.0


# ---------------------------------------------------------------------------------------------------------
# Currency
# ---------------------------------------------------------------------------------------------------------


def test_revenue_converts_with_the_rate_in_force_on_the_close_date(tmp_path: Path) -> None:
    source = write_source(
        tmp_path,
        teams=[team("t1")],
        users=[user("u1", team_id="t1"), user("u2", team_id="t1")],
        fx_rates=[
            {"currency": "EUR", "rate_date": "2025-01-01", "rate_to_usd": "1.10"},
            {"currency": "EUR", "rate_date": "2025-02-01", "rate_to_usd": "1.20"},
        ],
        deals=[
            deal("d1", "u1", 100, "2025-01-15", currency="EUR"),  # 110 USD
            deal("d2", "u1", 100, "2025-02-01", currency="EUR"),  # 120 USD: the new rate is in force that day
            deal("d3", "u1", 100, "2025-03-05", currency="EUR"),  # 120 USD: the latest rate before
            deal("d4", "u2", 240, "2025-02-10"),  # 200 EUR for u2's EUR quota
        ],
        quota_periods=[Q1],
        quotas=[
            quota("q1", "2025-Q1", "revenue", 1000, "u1", currency="USD"),
            quota("q2", "2025-Q1", "revenue", 400, "u2", currency="EUR"),
            quota("q3", "2025-Q1", "revenue", 1000, team_id="t1", currency="USD"),
        ],
    )
    marts = expected(source)
    assert marts.quota("q1")["current_value"] == pytest.approx(350.0)
    assert marts.quota("q2")["current_value"] == pytest.approx(200.0)
    assert marts.quota("q2")["attainment_percent"] == 50.0
    # each credit converts straight into the team's currency: 110 + 120 + 120 + 240
    assert marts.quota("q3")["current_value"] == pytest.approx(590.0)
    # u2's 400 EUR target counts 480 USD on R = Mar 31
    assert marts.rollup("2025-Q1", "revenue", "t1")["member_target_sum"] == pytest.approx(1480.0)
    company = marts.rollup("2025-Q1", "revenue")
    assert company["current_value"] == pytest.approx(590.0)  # the reporting currency, USD
    assert (company["target_value"], company["attainment_percent"]) == (None, None)
    assert (company["member_target_sum"], company["over_assignment_percent"]) == (1000.0, None)


def test_a_deal_with_a_missing_rate_is_quarantined(tmp_path: Path) -> None:
    source = write_source(
        tmp_path,
        users=[user("u1")],
        fx_rates=[{"currency": "GBP", "rate_date": "2025-03-01", "rate_to_usd": "1.25"}],
        deals=[
            deal("d1", "u1", 100, "2025-02-10", currency="GBP"),  # no GBP rate yet on Feb 10
            deal("d2", "u1", 100, "2025-03-02", currency="GBP"),  # 125 USD
            deal("d3", "u1", 1000, "2025-02-01", currency="JPY"),  # no JPY rate at all
            deal("d4", "u1", 1000, None, status="open", currency="JPY"),  # not won: needs no rate
        ],
        quota_periods=[Q1],
        quotas=[quota("q1", "2025-Q1", "revenue", 1000, "u1"), quota("q2", "2025-Q1", "deals", 10, "u1")],
    )
    marts = expected(source)
    assert marts.quarantined() == {("deals", "d1"), ("deals", "d3")}
    assert {row["reason"] for row in marts.quarantine} == {"missing rate"}
    assert marts.quota("q1")["current_value"] == 125.0
    assert marts.quota("q2")["current_value"] == 1.0  # a rejected deal counts for nothing, in any metric


# ---------------------------------------------------------------------------------------------------------
# Splits and custom metrics
# ---------------------------------------------------------------------------------------------------------


def test_splits_divide_a_deal_between_users(tmp_path: Path) -> None:
    source = write_source(
        tmp_path,
        users=[user("u1"), user("u2"), user("u3")],
        deals=[
            deal("d1", "u1", 1000, "2025-02-01"),
            deal("d2", "u3", 500, "2025-02-02"),
            deal("d3", "u1", 200, "2025-02-03"),
        ],
        deal_splits=[
            {"deal_id": "d1", "user_id": "u1", "percent": 60},
            {"deal_id": "d1", "user_id": "u2", "percent": 40},
            {"deal_id": "d2", "user_id": "u1", "percent": 50},  # d2's rows sum to 90: rejected,
            {"deal_id": "d2", "user_id": "u2", "percent": 40},  # so its owner u3 keeps 100%
            {"deal_id": "d3", "user_id": "u2", "percent": 100},  # the owner need not be a split user
        ],
        quota_periods=[Q1],
        quotas=[quota(f"r{n}", "2025-Q1", "revenue", 1000, f"u{n}") for n in (1, 2, 3)]
        + [quota(f"n{n}", "2025-Q1", "deals", 2, f"u{n}") for n in (1, 2, 3)],
    )
    marts = expected(source)
    assert [marts.quota(f"r{n}")["current_value"] for n in (1, 2, 3)] == [600.0, 600.0, 500.0]
    assert [marts.quota(f"n{n}")["current_value"] for n in (1, 2, 3)] == pytest.approx([0.6, 1.4, 1.0])
    assert marts.quarantined() == {("deal_splits", "d2|u1"), ("deal_splits", "d2|u2")}
    assert marts.rollup("2025-Q1", "revenue")["current_value"] == 1700.0


def test_custom_metric_sums_the_named_deal_column(tmp_path: Path) -> None:
    source = write_source(
        tmp_path,
        users=[user("u1"), user("u2")],
        deals=[
            deal("d1", "u1", 1000, "2025-02-01", margin=300, region="north"),
            deal("d2", "u1", 500, "2025-02-02", margin="120.5", region="south"),
            deal("d3", "u1", 800, None, status="open", margin=999, region="north"),
            deal("d4", "u1", 50, "2025-02-03", status="lost", margin=50, region="north"),
            deal("d5", "u2", 100, "2025-02-04", margin=None, region="east"),
        ],
        quota_periods=[Q1],
        quotas=[
            quota("q1", "2025-Q1", "custom", 1000, "u1", metric_field="margin"),
            quota("q2", "2025-Q1", "custom", 1000, "u1", metric_field="region"),  # a text column
            quota("q3", "2025-Q1", "custom", 1000, "u1", metric_field="nope"),  # no such column
            quota("q4", "2025-Q1", "custom", 3000, "u1", metric_field="amount"),
            quota("q5", "2025-Q1", "custom", 100, "u2", metric_field="margin"),
            quota("q6", "2025-Q1", "revenue", 3000, "u1", metric_field="margin"),  # ignored unless custom
            quota("q7", "2025-Q1", "custom", 1000, "u1", metric_field=None),
        ],
    )
    marts = expected(source)
    assert marts.quota("q1")["current_value"] == 420.5
    assert marts.quota("q1")["attainment_percent"] == 42.05
    assert marts.quota("q4")["current_value"] == 1500.0
    assert marts.quota("q5")["current_value"] == 0.0
    assert marts.quota("q6")["current_value"] == 1500.0
    assert marts.quarantined() == {("quotas", "q2"), ("quotas", "q3"), ("quotas", "q7")}
    assert marts.rollup("2025-Q1", "custom", metric_field="margin")["current_value"] == 420.5
    # u2's won d5 has no margin but an amount: 1500 + 100
    assert marts.rollup("2025-Q1", "custom", metric_field="amount")["current_value"] == 1600.0
    assert marts.rollup("2025-Q1", "revenue")["metric_field"] is None
    assert [row["user_id"] for row in marts.board("2025-Q1", "custom", "margin")] == ["u1", "u2"]


def test_leads_count_whatever_their_status_and_activities_count_by_type(tmp_path: Path) -> None:
    source = write_source(
        tmp_path,
        users=[user("u1")],
        leads=[
            {"id": "l1", "owner_id": "u1", "status": "open", "created_at": "2025-01-05T10:00:00Z"},
            {"id": "l2", "owner_id": "u1", "status": "junk", "created_at": "2025-01-06T10:00:00Z"},
        ],
        activities=[
            {"id": "a1", "owner_id": "u1", "type": "call", "occurred_at": "2025-01-05T10:00:00Z"},
            {"id": "a2", "owner_id": "u1", "type": "call", "occurred_at": "2025-01-06T10:00:00Z"},
            {"id": "a3", "owner_id": "u1", "type": "email", "occurred_at": "2025-01-06T10:00:00Z"},
            {"id": "a4", "owner_id": "u1", "type": "meeting", "occurred_at": "2025-04-01T02:00:00Z"},
        ],
        quota_periods=[Q1],
        quotas=[
            quota("q1", "2025-Q1", "leads", 4, "u1"),
            quota("q2", "2025-Q1", "calls", 4, "u1"),
            quota("q3", "2025-Q1", "emails", 4, "u1"),
            quota("q4", "2025-Q1", "meetings", 4, "u1"),
        ],
    )
    values = [marts_row["current_value"] for marts_row in expected(source).quotas]
    assert values == [2.0, 2.0, 1.0, 0.0]
    # the meeting at 02:00 UTC on April 1 is March 31 in Chicago
    assert expected(source, timezone="America/Chicago").quota("q4")["current_value"] == 1.0


# ---------------------------------------------------------------------------------------------------------
# Progress and pace
# ---------------------------------------------------------------------------------------------------------


@pytest.fixture
def paced_source(tmp_path: Path) -> Path:
    """One rep in Q1 2025 (90 days): 100 on Jan 10, 50 on Feb 8, 30 on Feb 12, 500 on Feb 20."""
    return write_source(
        tmp_path,
        users=[user("u1")],
        deals=[
            deal("d1", "u1", 100, "2025-01-10"),
            deal("d2", "u1", 50, "2025-02-08"),
            deal("d3", "u1", 30, "2025-02-12"),
            deal("d4", "u1", 500, "2025-02-20"),
        ],
        quota_periods=[Q1],
        quotas=[
            quota("rev", "2025-Q1", "revenue", 900, "u1"),
            quota("deals4", "2025-Q1", "deals", 4, "u1"),
            quota("deals6.5", "2025-Q1", "deals", "6.5", "u1"),
        ],
    )


def test_progress_and_pace_mid_quarter_use_only_credits_up_to_the_as_of_date(paced_source: Path) -> None:
    marts = expected(paced_source, date(2025, 2, 14))
    progress = marts.progress("rev")
    assert progress == {
        "quota_id": "rev",
        "as_of_date": date(2025, 2, 14),
        "current_value": 180.0,
        "target_value": 900.0,
        "attainment_percent": 20.0,
        "days_total": 90,
        "days_elapsed": 45,  # Jan 1 .. Feb 14
        "days_remaining": 45,  # Feb 15 .. Mar 31
        "week_delta": 80.0,  # credits of (Feb 7, Feb 14]
        "required_daily_pace": 16.0,  # (900 - 180) / 45
        "projected_value": 360.0,  # 180 / 45 x 90
        "pace_status": "behind",  # 360 < 90% of 900
    }
    # 3 deals in 45 days project to 6: on track for 4, at risk for 6.5 (6 >= 5.85)
    assert marts.progress("deals4")["pace_status"] == "on_track"
    assert marts.progress("deals6.5")["pace_status"] == "at_risk"
    assert expected(paced_source, date(2025, 2, 20)).progress("deals4")["pace_status"] == "achieved"


def test_progress_before_the_start_on_the_last_day_and_after_the_end(paced_source: Path) -> None:
    before = expected(paced_source, date(2024, 12, 31)).progress("rev")
    assert (before["days_elapsed"], before["days_remaining"], before["pace_status"]) == (0, 90, "not_started")
    assert (before["current_value"], before["week_delta"], before["projected_value"]) == (0.0, 0.0, None)
    assert before["required_daily_pace"] == 10.0

    last_day = expected(paced_source, date(2025, 3, 31)).progress("rev")
    assert (last_day["days_elapsed"], last_day["days_remaining"]) == (90, 0)
    assert (last_day["current_value"], last_day["projected_value"]) == (680.0, 680.0)
    assert (last_day["required_daily_pace"], last_day["pace_status"]) == (None, "behind")

    after = expected(paced_source, date(2025, 4, 5)).progress("rev")
    assert (after["days_elapsed"], after["days_remaining"], after["pace_status"]) == (90, 0, "missed")
    assert after["week_delta"] == 0.0  # (Mar 29, Apr 5] limited to the period holds no credits


# ---------------------------------------------------------------------------------------------------------
# Quarantine
# ---------------------------------------------------------------------------------------------------------


def test_a_duplicate_deal_keeps_the_latest_update_and_a_tie_rejects_every_copy(tmp_path: Path) -> None:
    source = write_source(
        tmp_path,
        users=[user("u1")],
        deals=[
            deal("dA", "u1", 100, "2025-02-01", updated_at="2025-02-01T00:00:00Z"),
            deal("dA", "u1", 300, "2025-02-01", updated_at="2025-02-05T00:00:00Z"),  # kept
            deal("dB", "u1", 1000, "2025-02-01", updated_at="2025-02-05T00:00:00Z"),
            deal("dB", "u1", 2000, "2025-02-01", updated_at="2025-02-05T00:00:00Z"),
        ],
        quota_periods=[Q1],
        quotas=[quota("q1", "2025-Q1", "revenue", 1000, "u1")],
    )
    marts = expected(source)
    assert sorted(row["source_id"] for row in marts.quarantine) == ["dA", "dB", "dB"]
    assert {row["reason"] for row in marts.quarantine} == {"duplicate id"}
    assert marts.quota("q1")["current_value"] == 300.0


def test_bad_rows_are_quarantined_with_their_table_and_id(tmp_path: Path) -> None:
    source = write_source(
        tmp_path,
        teams=[team("t1"), team("t9", parent="nope"), team("t10", parent="t9")],
        users=[user("u1", "t1"), user("u9", "t9"), user("u7"), user("u7"), user(None)],  # type: ignore[arg-type]
        team_memberships=[
            membership("u1", "t1", "2025-01-01"),
            membership("u1", "t-none", "2025-01-01"),
            membership("u1", "t1", "2025-03-01", "2025-02-01"),
            membership("u1", "t1", "2025-04-01", weight=0),
            membership("u1", "t1", "not-a-date"),
        ],
        fx_rates=[
            {"currency": "EUR", "rate_date": "2025-01-01", "rate_to_usd": "1.1"},
            {"currency": "EUR", "rate_date": "2025-01-01", "rate_to_usd": "1.2"},
            {"currency": "GBP", "rate_date": "2025-01-01", "rate_to_usd": "0"},
        ],
        deals=[
            deal("ok", "u1", 100, "2025-02-01"),
            deal("dC", "u9", 100, "2025-02-01"),  # owner rejected above: unknown owner
            deal("dD", "u1", 100, "2025-02-01", status="pending"),
            deal("dE", "u1", -5, "2025-02-01"),
            deal("dF", "u1", 100, "2025-02-01", currency="XYZ"),
            deal("dG", "u1", 100, None),
            deal("dH", "u1", None, "2025-02-01"),
            deal("dI", "u1", "abc", "2025-02-01"),
            deal("dJ", "u1", 100, "2025-02-01", currency="EUR"),  # EUR's only rates are duplicates
            deal(None, "u1", 100, "2025-02-01"),  # type: ignore[arg-type]
        ],
        deal_splits=[{"deal_id": "dE", "user_id": "u1", "percent": 100}],
        leads=[
            {"id": "l1", "owner_id": "u1", "status": "open", "created_at": "2025-01-05"},
            {"id": "l2", "owner_id": "u404", "status": "open", "created_at": "2025-01-05"},
            {"id": "l3", "owner_id": "u1", "status": "open", "created_at": None},
        ],
        activities=[
            {"id": "a1", "owner_id": "u1", "type": "sms", "occurred_at": "2025-01-05"},
            {"id": "a2", "owner_id": "u1", "type": "call", "occurred_at": "not-a-date"},
        ],
        quota_periods=[
            Q1,
            period("bad", "2025-03-31", "2025-01-01"),
            period("twice", "2025-01-01", "2025-01-31", "month"),
            period("twice", "2025-01-01", "2025-01-31", "month"),
            period("weekly", "2025-01-01", "2025-01-07", "week"),
        ],
        quotas=[
            quota("q1", "2025-Q1", "revenue", 1000, "u1"),
            quota("q-period", "bad", "revenue", 1000, "u1"),
            quota("q-user", "2025-Q1", "revenue", 1000, "u9"),
            quota("q-team", "2025-Q1", "revenue", 1000, team_id="t10"),
            quota("q-metric", "2025-Q1", "bookings", 1000, "u1"),
            quota("q-zero", "2025-Q1", "revenue", 0, "u1"),
            quota("q-negative", "2025-Q1", "revenue", -1, "u1"),
            quota("q-currency", "2025-Q1", "revenue", 1000, "u1", currency="ABC"),
            quota("q-malformed", "2025-Q1", "revenue", "lots", "u1"),
        ],
        goals=[
            _goal("g-custom", "company", "custom"),
            _goal("g-dates", "company", "revenue", start="2025-03-01", end="2025-02-01"),
            _goal("g-type", "department", "revenue"),
            _goal("g-ok", "company", "revenue"),
        ],
        goal_milestones=[
            {"id": "m1", "goal_id": "g-custom", "name": "m", "target_value": 10, "target_date": "2025-02-01"},
            {"id": "m2", "goal_id": "g-ok", "name": "m", "target_value": 0, "target_date": "2025-02-01"},
            {"id": "m3", "goal_id": "g-ok", "name": "m", "target_value": 10, "target_date": "2025-02-01"},
        ],
    )
    marts = expected(source)
    assert marts.quarantined() == {
        ("teams", "t9"),
        ("teams", "t10"),
        ("users", "u9"),
        ("users", "u7"),
        ("users", None),
        ("team_memberships", "u1|t-none|2025-01-01"),
        ("team_memberships", "u1|t1|2025-03-01"),
        ("team_memberships", "u1|t1|2025-04-01"),
        ("team_memberships", "u1|t1|not-a-date"),
        ("fx_rates", "EUR|2025-01-01"),
        ("fx_rates", "GBP|2025-01-01"),
        ("deals", "dC"),
        ("deals", "dD"),
        ("deals", "dE"),
        ("deals", "dF"),
        ("deals", "dG"),
        ("deals", "dH"),
        ("deals", "dI"),
        ("deals", "dJ"),
        ("deals", None),
        ("deal_splits", "dE|u1"),
        ("leads", "l2"),
        ("leads", "l3"),
        ("activities", "a1"),
        ("activities", "a2"),
        ("quota_periods", "bad"),
        ("quota_periods", "twice"),
        ("quota_periods", "weekly"),
        ("quotas", "q-period"),
        ("quotas", "q-user"),
        ("quotas", "q-team"),
        ("quotas", "q-metric"),
        ("quotas", "q-zero"),
        ("quotas", "q-negative"),
        ("quotas", "q-currency"),
        ("quotas", "q-malformed"),
        ("goals", "g-custom"),
        ("goals", "g-dates"),
        ("goals", "g-type"),
        ("goal_milestones", "m1"),
        ("goal_milestones", "m2"),
    }
    reasons = {(row["source_table"], row["source_id"]): row["reason"] for row in marts.quarantine}
    assert reasons[("deals", "dC")] == "unknown owner"
    assert reasons[("deals", "dE")] == "negative amount"
    assert reasons[("deals", "dJ")] == "missing rate"
    assert reasons[("deals", "dI")].startswith("malformed value")
    assert reasons[("teams", "t10")] == "unknown parent team"
    assert reasons[("quota_periods", "bad")] == "end before start"
    assert reasons[("goals", "g-custom")] == "custom metric"
    assert reasons[("goal_milestones", "m1")] == "unknown goal"
    # the valid rows still count
    assert marts.quota("q1")["current_value"] == 100.0
    assert [row["id"] for row in marts.quotas] == ["q1"]


def _goal(goal_id: str, goal_type: str, metric: str, start: str = "2025-01-01", end: str = "2025-03-31") -> dict:
    return {
        "id": goal_id,
        "name": goal_id,
        "goal_type": goal_type,
        "metric_type": metric,
        "target_value": 100,
        "start_date": start,
        "end_date": end,
    }


# ---------------------------------------------------------------------------------------------------------
# Reading sources
# ---------------------------------------------------------------------------------------------------------


def test_a_source_without_a_required_column_fails_naming_the_table_and_column(tmp_path: Path) -> None:
    source = write_source(tmp_path, users=[user("u1")], quota_periods=[Q1])
    (source / "deals.csv").write_text("id,owner_id,name,currency,stage,status,created_at,closed_at,updated_at\n")
    with pytest.raises(SourceError, match=r"deals\.amount"):
        expected(source)
    (source / "deals.csv").unlink()
    with pytest.raises(SourceError, match="deals"):
        expected(source)


def test_parquet_integer_ids_are_read_as_text(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    source = write_source(tmp_path, quota_periods=[Q1], quotas=[quota("1", "2025-Q1", "deals", 2, "7")])
    users = {"id": [7], "name": ["Seven"], "email": ["s@x"], "team_id": [None], "manager_id": [None]}
    users |= {"is_active": [True], "hired_at": ["2020-01-01"]}
    pq.write_table(pa.table(users), source / "users.parquet")
    (source / "users.csv").unlink()
    deals = pa.table(
        {
            "id": pa.array([10, 11], pa.int64()),
            "owner_id": pa.array([7, 7], pa.int64()),
            "name": ["a", "b"],
            "amount": [5.0, 6.0],
            "currency": ["USD", "USD"],
            "stage": ["won", "won"],
            "status": ["won", "won"],
            "created_at": ["2025-01-02", "2025-01-03"],
            "closed_at": ["2025-01-02", "2025-01-03"],
            "updated_at": ["2025-01-02", "2025-01-03"],
        }
    )
    pq.write_table(deals, source / "deals.parquet")
    (source / "deals.csv").unlink()
    marts = expected(source)
    assert marts.quota("1")["current_value"] == 2.0
    assert marts.quota("1")["user_id"] == "7"


# ---------------------------------------------------------------------------------------------------------
# The Maven CRM data set
# ---------------------------------------------------------------------------------------------------------


def _maven_won() -> list[dict[str, str]]:
    with (MAVEN_DIR / "sales_pipeline.csv").open(newline="") as handle:
        return [row for row in csv.DictReader(handle) if row["deal_stage"] == "Won"]


def test_the_maven_crm_converts_cleanly_and_its_2017_totals_match_the_raw_file(maven_source: Path) -> None:
    won = _maven_won()
    marts = expected(maven_source, date(2017, 12, 31))
    assert marts.quarantine == []
    assert len(won) == 4238
    assert marts.rollup("FY2017", "deals")["current_value"] == 4238.0
    revenue_2017 = sum(int(row["close_value"]) for row in won if row["close_date"].startswith("2017"))
    assert marts.rollup("FY2017", "revenue")["current_value"] == float(revenue_2017) == 10005534.0
    company_quota = next(
        row
        for row in marts.quotas
        if (row["scope_type"], row["period_id"], row["metric_type"]) == ("company", "FY2017", "revenue")
    )
    assert company_quota["current_value"] == 10005534.0
    top = marts.board("FY2017", "revenue")[0]
    assert (top["user_name"], top["rank"], top["current_value"]) == ("Darcel Schlecht", 1, 1153214.0)


def test_the_maven_agent_who_moves_on_may_15_credits_each_team_by_close_date(maven_source: Path) -> None:
    with (MAVEN_DIR / "sales_teams.csv").open(newline="") as handle:
        manager_of = {row["sales_agent"]: row["manager"] for row in csv.DictReader(handle)}
    by_manager: dict[str, int] = defaultdict(int)
    for row in _maven_won():
        manager = manager_of[row["sales_agent"]]
        if row["sales_agent"] == "Moses Frase" and row["close_date"] >= "2017-05-15":
            manager = "Melvin Marxen"
        by_manager[manager] += int(row["close_value"])
    marts = expected(maven_source, date(2017, 12, 31))
    teams = {"Dustin Brinkmann": "t04", "Melvin Marxen": "t05"}
    for manager, team_id in teams.items():
        assert marts.rollup("FY2017", "revenue", team_id)["current_value"] == float(by_manager[manager])


def test_the_maven_q2_company_revenue_carries_the_rep_and_region_weights(maven_source: Path) -> None:
    with (MAVEN_DIR / "sales_teams.csv").open(newline="") as handle:
        region_of = {row["sales_agent"]: row["regional_office"] for row in csv.DictReader(handle)}
    weighted = Decimal(0)
    for row in _maven_won():
        if "2017-04-01" <= row["close_date"] <= "2017-06-30":
            weight = Decimal("1.5") if row["sales_agent"] in ("Darcel Schlecht", "Vicki Laflamme") else Decimal(1)
            weight *= Decimal("0.5") if region_of[row["sales_agent"]] == "East" else Decimal(1)
            weighted += int(row["close_value"]) * weight
    marts = expected(maven_source, date(2017, 12, 31))
    assert marts.rollup("FY2017-Q2", "revenue")["current_value"] == float(weighted)


def test_the_maven_custom_quota_sums_list_prices_of_won_deals(maven_source: Path) -> None:
    with (MAVEN_DIR / "products.csv").open(newline="") as handle:
        price = {row["product"]: int(row["sales_price"]) for row in csv.DictReader(handle)}
    darcel = sum(
        price[{"GTXPro": "GTX Pro"}.get(row["product"], row["product"])]
        for row in _maven_won()
        if row["sales_agent"] == "Darcel Schlecht" and "2017-07-01" <= row["close_date"] <= "2017-09-30"
    )
    board = expected(maven_source, date(2017, 12, 31)).board("FY2017-Q3", "custom", "list_price")
    row = next(r for r in board if r["user_name"] == "Darcel Schlecht")
    assert row["current_value"] == float(darcel)
    assert row["target_value"] == 250000.0
