"""The `quotas` command as a person uses it: the demo, and failures that say what is wrong in one line."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from orchestration.cli import DEMO_AS_OF
from tests.conftest import run_quotas
from tests.support.warehouse import read_mart


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    workdir = tmp_path_factory.mktemp("demo")
    completed = run_quotas("demo", cwd=workdir)
    assert completed.returncode == 0, completed.stderr[-3000:]
    return workdir, completed.stdout


def test_the_demo_prints_the_current_quarters_leaderboard_from_the_marts(demo: tuple[Path, str]) -> None:
    workdir, output = demo
    warehouse = workdir / "data" / "warehouse.duckdb"
    [period] = read_mart(
        warehouse, "quota_periods", f"period_type = 'quarter' and date '{DEMO_AS_OF}' between start_date and end_date"
    )
    assert f"revenue · {period['name']} · as of {DEMO_AS_OF}" in output
    expected = read_mart(
        warehouse,
        "leaderboard",
        f"period_id = '{period['id']}' and metric_type = 'revenue' order by display_order limit 10",
    )
    board = output[output.index("Company leaderboard") :].split("\n\n")[0]
    printed = re.findall(r"^\s*(\d+)\S*\s+(.+?)\s{2,}.*?([\d.]+)%", board, flags=re.MULTILINE)
    assert len(printed) == len(expected) > 0
    for (rank, name, attainment), row in zip(printed, expected, strict=True):
        assert int(rank) == row["rank"]
        assert row["user_name"].startswith(name.strip()[:22])
        assert float(attainment) == pytest.approx(row["attainment_percent"])


def test_the_demo_prints_a_progress_card_with_the_reps_figures(demo: tuple[Path, str]) -> None:
    workdir, output = demo
    card = output[output.index("┌") :]
    name = card.splitlines()[1].strip("│ ").split(" · ")[0]
    [row] = read_mart(
        workdir / "data" / "warehouse.duckdb",
        "leaderboard as board join marts.quota_progress as progress using (quota_id)",
        f"board.user_name = '{name}' and board.metric_type = 'revenue' "
        f"and date '{DEMO_AS_OF}' between progress.start_date and progress.end_date "
        "and progress.end_date - progress.start_date between 80 and 95",
    )
    assert f"{row['current_value']:,.2f} / {row['target_value']:,.2f}" in card
    assert f"{row['attainment_percent']:.2f}%" in card
    assert f"days remaining: {row['days_remaining']}" in card
    assert f"{row['required_daily_pace']:,.2f}" in card


def test_a_source_missing_a_column_fails_with_one_line_naming_table_and_column(
    tiny_source: Path, tmp_path: Path
) -> None:
    source = tmp_path / "crm"
    shutil.copytree(tiny_source, source)
    deals = source / "deals.csv"
    deals.write_text(deals.read_text().replace("closed_at", "closing_date", 1))
    completed = run_quotas(
        "run", "--source", str(source), "--warehouse", str(tmp_path / "w.duckdb"), "--as-of", "2025-01-01"
    )
    assert completed.returncode != 0
    assert completed.stderr.strip().splitlines() == [
        "quotas run failed: table deals: required column 'closed_at' is missing in deals.csv"
    ]
    assert not (tmp_path / "w.duckdb").exists()


def test_an_unknown_time_zone_fails_with_one_line(tiny_source: Path, tmp_path: Path) -> None:
    completed = run_quotas(
        "run", "--source", str(tiny_source), "--warehouse", str(tmp_path / "w.duckdb"), "--timezone", "Mars/Base"
    )
    assert completed.returncode != 0
    assert completed.stderr.strip() == "quotas run failed: timezone: 'Mars/Base' is not an IANA time zone name"


def test_a_goal_is_shown_as_a_timeline_of_its_milestones(tiny_warehouse: Path) -> None:
    milestones = read_mart(tiny_warehouse, "goal_milestones", "true order by goal_id, display_order")
    partly_reached = next(
        row["goal_id"]
        for row in milestones
        if any(m["is_achieved"] for m in milestones if m["goal_id"] == row["goal_id"])
        and not all(m["is_achieved"] for m in milestones if m["goal_id"] == row["goal_id"])
    )
    [goal] = read_mart(tiny_warehouse, "goals", f"id = '{partly_reached}'")
    completed = run_quotas("goals", "--warehouse", str(tiny_warehouse), "--id", partly_reached)
    assert completed.returncode == 0, completed.stderr
    lines = completed.stdout.splitlines()
    own = [m for m in milestones if m["goal_id"] == partly_reached]
    reached = [m for m in own if m["is_achieved"]]
    ticked = [line for line in lines if line.strip().startswith("✓")]
    assert len(ticked) == len(reached)
    for line, milestone in zip(ticked, reached, strict=True):
        assert f"reached {milestone['achieved_at']}" in line
    [next_line] = [line for line in lines if line.strip().startswith("→")]
    first_open = next(m for m in own if not m["is_achieved"])
    to_go = max(first_open["target_value"] - goal["current_value"], 0)
    assert re.search(rf"\b{to_go:,.0f}( \w+)? to go", next_line) or f"{to_go:,.2f}" in next_line
