"""The sample CRM generator and the fiscal calendar it builds quota periods from.

Only the tiny scale is generated here (it takes about a second); S and M share every code path with it,
only the counts, the chunk size and the file format differ.
"""

from __future__ import annotations

import csv
import hashlib
from collections import defaultdict
from datetime import date, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from orchestration.fiscal_calendar import FiscalPeriod, fiscal_period_containing, fiscal_periods
from orchestration.sample_crm import generate_sample_crm
from orchestration.source_contract import ALL_TABLES

Rows = list[dict[str, str]]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("tiny")
    generate_sample_crm("tiny", out, seed=42)
    return out


def read(directory: Path, table: str) -> Rows:
    with (directory / f"{table}.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def file_digests(directory: Path) -> dict[str, str]:
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in sorted(directory.iterdir())}


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text)


def day(text: str) -> date:
    return date.fromisoformat(text)


# --- determinism and shape -------------------------------------------------------------------------------


def test_the_same_seed_writes_identical_files(tiny: Path, tmp_path: Path) -> None:
    generate_sample_crm("tiny", tmp_path, seed=42)
    assert file_digests(tmp_path) == file_digests(tiny)


def test_a_different_seed_writes_different_files(tiny: Path, tmp_path: Path) -> None:
    generate_sample_crm("tiny", tmp_path, seed=7)
    first, second = file_digests(tiny), file_digests(tmp_path)
    assert first["deals.csv"] != second["deals.csv"]
    assert first["activities.csv"] != second["activities.csv"]


def test_every_contract_table_is_written_with_exactly_the_contract_columns(tiny: Path) -> None:
    for table in ALL_TABLES:
        with (tiny / f"{table.name}.csv").open(encoding="utf-8") as handle:
            header = next(csv.reader(handle))
        expected = list(table.column_names) + (["margin"] if table.name == "deals" else [])
        assert header == expected, table.name
    assert sorted(path.name for path in tiny.iterdir()) == sorted(f"{t.name}.csv" for t in ALL_TABLES)


def test_the_returned_row_counts_are_the_rows_in_the_files(tmp_path: Path) -> None:
    counts = generate_sample_crm("tiny", tmp_path, seed=3)
    assert set(counts) == {table.name for table in ALL_TABLES}
    for table, count in counts.items():
        assert len(read(tmp_path, table)) == count, table
    assert counts["deals"] == 3_000
    assert counts["leads"] == 2_000
    assert counts["activities"] == 20_000


def test_ids_are_unique_plain_integers(tiny: Path) -> None:
    for table in ALL_TABLES:
        if "id" not in table.column_names or table.name == "quota_periods":
            continue
        ids = [row["id"] for row in read(tiny, table.name)]
        assert all(value.isdigit() for value in ids), table.name
        assert len(set(ids)) == len(ids), table.name


def test_timestamps_carry_a_utc_offset_and_nulls_are_empty(tiny: Path) -> None:
    deals = read(tiny, "deals")
    assert all(row["created_at"].endswith("Z") for row in deals)
    assert all(instant(row["created_at"]).utcoffset() == timedelta(0) for row in deals)
    assert any(row["closed_at"] == "" for row in deals)


def test_an_unknown_scale_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown scale"):
        generate_sample_crm("XL", tmp_path)


# --- organisation and memberships ------------------------------------------------------------------------


def test_the_organisation_has_regions_teams_managers_and_executives(tiny: Path) -> None:
    teams = read(tiny, "teams")
    users = read(tiny, "users")
    regions = {team["id"] for team in teams if team["parent_team_id"] == ""}
    assert len(regions) == 2
    assert all(team["parent_team_id"] in regions for team in teams if team["id"] not in regions)
    executives = [user for user in users if user["team_id"] == ""]
    assert 1 <= len(executives) <= 2
    managers = {user["manager_id"] for user in users if user["manager_id"]}
    reps = [user for user in users if user["id"] not in managers and user["team_id"]]
    assert len(reps) == 30
    manager_team = {user["id"]: user["team_id"] for user in users}
    assert all(manager_team[rep["manager_id"]] == rep["team_id"] for rep in reps)
    assert any(rep["is_active"] == "false" for rep in reps)


def test_reps_who_move_team_exist_and_their_membership_rows_are_contiguous(tiny: Path) -> None:
    rows_by_user: dict[str, Rows] = defaultdict(list)
    for row in read(tiny, "team_memberships"):
        rows_by_user[row["user_id"]].append(row)
    users = {user["id"]: user for user in read(tiny, "users")}
    movers = {
        user_id: sorted(rows, key=lambda row: row["valid_from"])
        for user_id, rows in rows_by_user.items()
        if len({row["team_id"] for row in rows}) == 2 and {row["weight"] for row in rows} == {"1.0"}
    }
    assert movers
    for user_id, (before, after) in movers.items():
        assert before["valid_to"] == after["valid_from"]
        assert before["team_id"] != after["team_id"]
        assert users[user_id]["team_id"] == after["team_id"]


def test_an_overlay_rep_belongs_to_two_teams_at_half_weight_for_a_while(tiny: Path) -> None:
    half_rows = [row for row in read(tiny, "team_memberships") if row["weight"] == "0.5"]
    assert len(half_rows) == 2
    first, second = half_rows
    assert first["user_id"] == second["user_id"]
    assert first["team_id"] != second["team_id"]
    assert (first["valid_from"], first["valid_to"]) == (second["valid_from"], second["valid_to"])


def test_no_rep_has_an_event_before_hire_or_outside_their_memberships(tiny: Path) -> None:
    hired = {user["id"]: instant(user["hired_at"]) for user in read(tiny, "users")}
    employed: dict[str, tuple[date, date]] = {}
    for row in read(tiny, "team_memberships"):
        start, end = day(row["valid_from"]), day(row["valid_to"] or "9999-12-31")
        low, high = employed.get(row["user_id"], (start, end))
        employed[row["user_id"]] = (min(low, start), max(high, end))
    events = [(row["owner_id"], row["occurred_at"]) for row in read(tiny, "activities")]
    for deal in read(tiny, "deals"):
        events.append((deal["owner_id"], deal["created_at"]))
        if deal["closed_at"]:
            events.append((deal["owner_id"], deal["closed_at"]))
    for owner, text in events:
        moment = instant(text)
        start, end = employed[owner]
        assert moment >= hired[owner]
        for zone in ("UTC", "America/Los_Angeles", "Asia/Tokyo"):
            assert start <= moment.astimezone(ZoneInfo(zone)).date() < end
        assert datetime(2023, 1, 1, tzinfo=ZoneInfo("UTC")) <= moment < datetime(2026, 1, 1, tzinfo=ZoneInfo("UTC"))


# --- deals and splits ------------------------------------------------------------------------------------


def test_open_deals_have_no_closed_at_and_closed_ones_close_after_they_open(tiny: Path) -> None:
    deals = read(tiny, "deals")
    shares = {status: sum(row["status"] == status for row in deals) / len(deals) for status in ("won", "lost")}
    assert 0.30 < shares["won"] < 0.40 and 0.30 < shares["lost"] < 0.40
    for deal in deals:
        assert instant(deal["updated_at"]) >= instant(deal["created_at"])
        if deal["status"] == "open":
            assert deal["closed_at"] == ""
            assert deal["stage"] in {"prospecting", "qualification", "proposal", "negotiation"}
        else:
            assert instant(deal["closed_at"]) > instant(deal["created_at"])
            assert deal["stage"] == f"closed_{deal['status']}"
        assert 0.1 * float(deal["amount"]) - 0.01 <= float(deal["margin"]) <= 0.6 * float(deal["amount"]) + 0.01


def test_deal_splits_sum_to_100_per_deal_and_include_the_owner(tiny: Path) -> None:
    deals = {deal["id"]: deal for deal in read(tiny, "deals")}
    splits: dict[str, Rows] = defaultdict(list)
    for row in read(tiny, "deal_splits"):
        splits[row["deal_id"]].append(row)
    assert splits
    for deal_id, rows in splits.items():
        assert deals[deal_id]["status"] == "won"
        assert sum(float(row["percent"]) for row in rows) == 100.0
        assert len(rows) in (2, 3)
        assert deals[deal_id]["owner_id"] in {row["user_id"] for row in rows}
        assert len({row["user_id"] for row in rows}) == len(rows)


def test_some_won_deals_close_at_half_past_eleven_on_a_quarter_end_in_los_angeles(tiny: Path) -> None:
    los_angeles = ZoneInfo("America/Los_Angeles")
    quarter_ends = {p.end_date for p in fiscal_periods(1, 2023, 2025) if p.period_type == "quarter"}
    late = [
        local
        for deal in read(tiny, "deals")
        if deal["status"] == "won"
        for local in [instant(deal["closed_at"]).astimezone(los_angeles)]
        if local.date() in quarter_ends and (local.hour, local.minute) == (23, 30)
    ]
    assert len({local.date() for local in late}) >= 8
    assert all(local.astimezone(ZoneInfo("UTC")).date() == local.date() + timedelta(days=1) for local in late)


def test_fx_rates_cover_the_span_for_every_foreign_currency(tiny: Path) -> None:
    rates: dict[str, list[tuple[date, float]]] = defaultdict(list)
    for row in read(tiny, "fx_rates"):
        rates[row["currency"]].append((day(row["rate_date"]), float(row["rate_to_usd"])))
    assert set(rates) >= {"EUR", "GBP", "CAD"}
    currencies = {deal["currency"] for deal in read(tiny, "deals")}
    assert currencies - {"USD"} <= set(rates)
    for series in rates.values():
        assert min(d for d, _ in series) < date(2023, 1, 1)
        assert max(d for d, _ in series) >= date(2025, 12, 31) - timedelta(days=3)
        assert all(0.5 < rate < 2.0 for _, rate in series)


# --- quota configuration ---------------------------------------------------------------------------------


def test_quota_periods_are_the_fiscal_calendar_of_fy2023_to_fy2025(tiny: Path) -> None:
    periods = read(tiny, "quota_periods")
    assert [row["id"] for row in periods] == [p.id for p in fiscal_periods(1, 2023, 2025)]
    kinds = [row["period_type"] for row in periods]
    assert (kinds.count("month"), kinds.count("quarter"), kinds.count("year")) == (36, 12, 3)


def test_every_period_has_a_company_quota_per_metric_and_only_custom_has_a_metric_field(tiny: Path) -> None:
    quotas = read(tiny, "quotas")
    company = {(q["period_id"], q["metric_type"]) for q in quotas if not q["user_id"] and not q["team_id"]}
    assert len(company) == 51 * 7
    assert all((q["metric_field"] == "margin") == (q["metric_type"] == "custom") for q in quotas)
    assert {q["weight"] for q in quotas} >= {"1.0", "0.5", "1.5"}
    assert all(float(q["target_value"]) > 0 for q in quotas)


def test_each_team_quota_target_differs_from_the_sum_of_its_members_targets(tiny: Path) -> None:
    """Members are the memberships in force on each rep's first employed day of the period."""
    periods = {row["id"]: row for row in read(tiny, "quota_periods")}
    hired = {user["id"]: instant(user["hired_at"]).date() for user in read(tiny, "users")}
    memberships: dict[str, Rows] = defaultdict(list)
    for row in read(tiny, "team_memberships"):
        memberships[row["user_id"]].append(row)
    parent = {team["id"]: team["parent_team_id"] for team in read(tiny, "teams")}
    quotas = read(tiny, "quotas")
    member_sum: dict[tuple[str, str, str], float] = defaultdict(float)
    for quota in quotas:
        if not quota["user_id"]:
            continue
        start = day(periods[quota["period_id"]]["start_date"])
        reference = max(start, hired[quota["user_id"]])
        for row in memberships[quota["user_id"]]:
            if day(row["valid_from"]) <= reference < day(row["valid_to"] or "9999-12-31"):
                key = (row["team_id"], quota["period_id"], quota["metric_type"])
                member_sum[key] += float(quota["target_value"]) * float(quota["weight"]) * float(row["weight"])
    team_quotas = [q for q in quotas if q["team_id"] and not q["user_id"]]
    for quota in team_quotas:
        if parent[quota["team_id"]]:
            continue
        for child in team_quotas:
            same_context = (child["period_id"], child["metric_type"]) == (
                quota["period_id"],
                quota["metric_type"],
            )
            if parent[child["team_id"]] == quota["team_id"] and same_context:
                key = (quota["team_id"], quota["period_id"], quota["metric_type"])
                member_sum[key] += float(child["target_value"]) * float(child["weight"])
    ratios = []
    for quota in team_quotas:
        total = member_sum[(quota["team_id"], quota["period_id"], quota["metric_type"])]
        assert total > 0
        assert float(quota["target_value"]) != pytest.approx(total, rel=1e-3)
        ratios.append(float(quota["target_value"]) / total)
    ratios.sort()
    assert 0.85 < ratios[len(ratios) // 2] < 1.15


def test_revenue_quotas_are_in_the_currency_of_the_scopes_region(tiny: Path) -> None:
    teams = {team["id"]: team for team in read(tiny, "teams")}
    users = {user["id"]: user for user in read(tiny, "users")}

    def region_of(team_id: str) -> str:
        return teams[team_id]["parent_team_id"] or team_id

    for quota in read(tiny, "quotas"):
        if quota["user_id"]:
            region = region_of(users[quota["user_id"]]["team_id"])
        elif quota["team_id"]:
            region = region_of(quota["team_id"])
        else:
            assert quota["currency"] == "USD"
            continue
        assert quota["currency"] == ("EUR" if teams[region]["name"] == "EMEA" else "USD")


def test_goals_and_milestones_are_well_formed(tiny: Path) -> None:
    goals = {goal["id"]: goal for goal in read(tiny, "goals")}
    assert len(goals) == 12
    assert {goal["goal_type"] for goal in goals.values()} == {"individual", "team", "company"}
    assert "custom" not in {goal["metric_type"] for goal in goals.values()}
    milestones: dict[str, Rows] = defaultdict(list)
    for row in read(tiny, "goal_milestones"):
        milestones[row["goal_id"]].append(row)
    assert set(milestones) == set(goals)
    for goal_id, rows in milestones.items():
        goal = goals[goal_id]
        assert day(goal["start_date"]) <= day(goal["end_date"])
        rows.sort(key=lambda row: int(row["display_order"]))
        assert [int(row["display_order"]) for row in rows] == list(range(1, len(rows) + 1))
        assert 2 <= len(rows) <= 4
        values = [float(row["target_value"]) for row in rows]
        assert values == sorted(values) and len(set(values)) == len(values)
        assert values[0] > 0 and values[-1] <= float(goal["target_value"])
        dates = [day(row["target_date"]) for row in rows]
        assert all(day(goal["start_date"]) <= d <= day(goal["end_date"]) for d in dates)


# --- fiscal calendar -------------------------------------------------------------------------------------


def periods_of(kind: str, periods: list[FiscalPeriod]) -> list[FiscalPeriod]:
    return [period for period in periods if period.period_type == kind]


def test_a_calendar_fiscal_year_runs_from_january_to_december() -> None:
    periods = fiscal_periods(1, 2025, 2025)
    (year,) = periods_of("year", periods)
    assert (year.id, year.start_date, year.end_date) == ("FY2025", date(2025, 1, 1), date(2025, 12, 31))
    first_quarter = periods_of("quarter", periods)[0]
    assert (first_quarter.id, first_quarter.name) == ("FY2025-Q1", "FY2025 Q1")
    assert (first_quarter.start_date, first_quarter.end_date) == (date(2025, 1, 1), date(2025, 3, 31))
    february = periods_of("month", periods)[1]
    assert (february.id, february.name) == ("FY2025-M02", "FY2025 M02 (Feb 2025)")
    assert february.end_date == date(2025, 2, 28)


def test_a_february_start_makes_fy2026_run_from_february_2025_with_q1_ending_in_april() -> None:
    periods = fiscal_periods(2, 2026, 2026)
    (year,) = periods_of("year", periods)
    assert (year.start_date, year.end_date) == (date(2025, 2, 1), date(2026, 1, 31))
    first_quarter = periods_of("quarter", periods)[0]
    assert (first_quarter.start_date, first_quarter.end_date) == (date(2025, 2, 1), date(2025, 4, 30))
    months = periods_of("month", periods)
    assert months[0].name == "FY2026 M01 (Feb 2025)"
    assert months[-1].name == "FY2026 M12 (Jan 2026)"
    assert all(period.fiscal_year == 2026 for period in periods)


@pytest.mark.parametrize("start_month", range(1, 13))
def test_fiscal_months_and_quarters_cover_each_year_with_no_gap_or_overlap(start_month: int) -> None:
    periods = fiscal_periods(start_month, 2023, 2026)
    years = periods_of("year", periods)
    for kind, per_year in (("month", 12), ("quarter", 4)):
        pieces = periods_of(kind, periods)
        assert len(pieces) == per_year * len(years)
        assert pieces[0].start_date == years[0].start_date
        assert pieces[-1].end_date == years[-1].end_date
        for before, after in pairwise(pieces):
            assert after.start_date == before.end_date + timedelta(days=1)
            assert before.start_date <= before.end_date
    for before, after in pairwise(years):
        assert after.start_date == before.end_date + timedelta(days=1)
    assert len({period.id for period in periods}) == len(periods)


@pytest.mark.parametrize(
    ("day_", "start_month", "period_type", "expected_id"),
    [
        (date(2025, 3, 31), 1, "quarter", "FY2025-Q1"),
        (date(2025, 4, 1), 1, "quarter", "FY2025-Q2"),
        (date(2025, 1, 31), 2, "month", "FY2025-M12"),
        (date(2025, 2, 1), 2, "month", "FY2026-M01"),
        (date(2025, 4, 30), 2, "quarter", "FY2026-Q1"),
        (date(2025, 12, 31), 7, "year", "FY2026"),
        (date(2025, 6, 30), 7, "year", "FY2025"),
    ],
)
def test_fiscal_period_containing_finds_the_period_that_holds_a_day(
    day_: date, start_month: int, period_type: str, expected_id: str
) -> None:
    period = fiscal_period_containing(day_, period_type, start_month)
    assert period.id == expected_id
    assert period.start_date <= day_ <= period.end_date


def test_a_fiscal_year_start_month_outside_1_to_12_is_rejected() -> None:
    with pytest.raises(ValueError, match=r"1\.\.12"):
        fiscal_periods(13, 2025, 2025)
