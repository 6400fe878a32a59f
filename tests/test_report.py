"""The executive report: every number the page shows, read back from the page Chromium renders, is the
number in the marts (read here with plain duckdb) and in the independent reference; the page stands on
its own, renders to a full screenshot, and arrives by email with its charts."""

from __future__ import annotations

import base64
import shutil
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
import numpy as np
import pytest
from matplotlib import image as mpimage

from orchestration.cli import main
from tests.conftest import TINY_AS_OF, TINY_TIMEZONE, run_quotas
from tests.reference.quota_math import ExpectedMarts, compute_expected_marts
from tests.support.browser import Element, dump_dom, parse_dom, screenshot
from tests.support.receivers import Mailbox, free_port, smtp_server
from tests.support.warehouse import write_snapshots

QUARTER = "FY2025-Q4"
QUARTER_START = date(2025, 10, 1)
CHARTS = ("gauge", "pace", "trend", "goals")


def _rows(warehouse: Path, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        cursor = con.execute(sql, params or [])
        columns = [column[0] for column in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def _number(text: str) -> float:
    return float(text.replace(",", "").rstrip("%"))


@pytest.fixture(scope="module")
def history_warehouse(tiny_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the tiny warehouse (same file name, so its views still resolve) with the quarter's
    snapshots written day by day up to the as-of date, as a backfill writes them (one dbt run)."""
    copy = tmp_path_factory.mktemp("report_history") / tiny_warehouse.name
    shutil.copy(tiny_warehouse, copy)
    write_snapshots(copy, QUARTER_START, TINY_AS_OF - timedelta(days=1), TINY_TIMEZONE)
    return copy


@pytest.fixture(scope="module")
def report_dir(history_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report")
    completed = run_quotas(
        "report", "--warehouse", str(history_warehouse), "--as-of", TINY_AS_OF.isoformat(), "--out", str(out)
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return out


@pytest.fixture(scope="module")
def page(report_dir: Path) -> Element:
    """The DOM as Chromium rendered it."""
    return parse_dom(dump_dom(report_dir / "report.html"))


@pytest.fixture(scope="module")
def reference(tiny_source: Path) -> ExpectedMarts:
    return compute_expected_marts(tiny_source, TINY_AS_OF, TINY_TIMEZONE)


def test_the_company_attainment_shown_is_the_company_rollup_of_the_quarter(
    page: Element, history_warehouse: Path, reference: ExpectedMarts
) -> None:
    [row] = _rows(
        history_warehouse,
        "select cast(current_value as double) as value, target_value, cast(attainment_percent as double) as attainment"
        " from marts.quota_rollups where scope_type = 'company' and period_id = ? and metric_type = 'revenue'",
        [QUARTER],
    )
    assert page.one(data_metric="period").text == "FY2025 Q4"
    assert page.one(data_metric="as-of").attrs["data-value"] == TINY_AS_OF.isoformat()
    assert page.one(data_metric="company-attainment").text == f"{row['attainment']:.2f}%"
    assert _number(page.one(data_metric="company-value").text) == pytest.approx(row["value"], abs=0.005)
    assert _number(page.one(data_metric="company-target").text) == row["target_value"]
    [expected] = [
        r
        for r in reference.quota_rollups
        if r["scope_type"] == "company" and r["period_id"] == QUARTER and r["metric_type"] == "revenue"
    ]
    assert row["attainment"] == expected["attainment_percent"]


def test_each_leaderboard_row_shows_its_rank_attainment_and_vs_quota_with_medals_for_the_top_three(
    page: Element, history_warehouse: Path, reference: ExpectedMarts
) -> None:
    marts = _rows(
        history_warehouse,
        "select user_id, rank, cast(current_value as double) as value, cast(attainment_percent as double) as"
        " attainment, vs_quota from marts.leaderboard where period_id = ? and metric_type = 'revenue'"
        " and metric_field is null order by display_order",
        [QUARTER],
    )
    board = page.one(id="leaderboard")
    shown = board.find_all(data_user_id=True)
    assert [row.attrs["data-user-id"] for row in shown] == [row["user_id"] for row in marts[:10]]
    for element, row in zip(shown, marts, strict=False):
        assert int(element.field("rank")) == row["rank"]
        assert element.field("attainment") == f"{row['attainment']:.2f}%"
        assert _number(element.field("vs-quota")) == pytest.approx(row["vs_quota"], abs=0.005)
        assert _number(element.field("value")) == pytest.approx(row["value"], abs=0.005)
    medals = {int(element.text): element.attrs["data-medal"] for element in board.find_all(data_medal=True)}
    assert medals == {1: "gold", 2: "silver", 3: "bronze"}
    assert f"and {len(marts) - 10} more reps ranked" in board.text
    expected = {
        r["user_id"]: r for r in reference.leaderboard if r["period_id"] == QUARTER and r["metric_type"] == "revenue"
    }
    for row in marts[:10]:
        assert expected[row["user_id"]]["attainment_percent"] == row["attainment"]
        assert expected[row["user_id"]]["vs_quota"] == pytest.approx(row["vs_quota"], abs=1e-6)


def test_every_team_rollup_is_shown_with_its_attainment_value_and_target(
    page: Element, history_warehouse: Path
) -> None:
    marts = _rows(
        history_warehouse,
        "select team_id, cast(attainment_percent as double) as attainment, cast(current_value as double) as value,"
        " target_value from marts.quota_rollups where scope_type = 'team' and period_id = ?"
        " and metric_type = 'revenue' and metric_field is null",
        [QUARTER],
    )
    shown = {row.attrs["data-team-id"]: row for row in page.one(id="teams").find_all(data_team_id=True)}
    assert set(shown) == {row["team_id"] for row in marts} and len(marts) == 7
    for row in marts:
        element = shown[row["team_id"]]
        assert element.field("attainment") == f"{row['attainment']:.2f}%"
        assert _number(element.field("value")) == pytest.approx(row["value"], abs=0.005)
        assert _number(element.field("target")) == row["target_value"]


def test_goal_statuses_and_milestones_shown_are_those_of_the_goal_marts(
    page: Element, history_warehouse: Path, reference: ExpectedMarts
) -> None:
    statuses = {row["id"]: row["status"] for row in _rows(history_warehouse, "select id, status from marts.goals")}
    milestones = _rows(history_warehouse, "select id, goal_id, is_achieved, is_overdue from marts.goal_milestones")
    cards = page.one(id="goals").find_all(data_goal_id=True)
    assert len(cards) == 8
    for card in cards:
        goal_id = card.attrs["data-goal-id"]
        pill = card.one(data_field="status")
        assert pill.attrs["data-status"] == statuses[goal_id]
        assert pill.text == statuses[goal_id].replace("_", " ")
        shown = {
            item.attrs["data-milestone-id"]: item.attrs["data-status"] for item in card.find_all(data_milestone_id=True)
        }
        expected = {
            row["id"]: "overdue" if row["is_overdue"] else "reached" if row["is_achieved"] else "open"
            for row in milestones
            if row["goal_id"] == goal_id
        }
        assert shown == expected
    assert {goal["id"]: goal["status"] for goal in reference.goals} == statuses


def test_the_reps_behind_pace_are_those_whose_progress_says_so(page: Element, history_warehouse: Path) -> None:
    progress = _rows(
        history_warehouse,
        "select quota_id, pace_status, cast(attainment_percent as double) as attainment from marts.quota_progress"
        " where scope_type = 'individual' and period_id = ? and metric_type = 'revenue' and metric_field is null",
        [QUARTER],
    )
    behind = {row["quota_id"]: row for row in progress if row["pace_status"] in ("behind", "at_risk")}
    section = page.one(id="behind-pace")
    assert int(section.one(data_metric="behind-pace-count").text) == len(behind) == 15
    shown = section.find_all(data_quota_id=True)
    assert len(shown) == 15
    for element in shown:
        row = behind[element.attrs["data-quota-id"]]
        assert element.one(data_field="pace-status").attrs["data-status"] == row["pace_status"]
        assert element.field("attainment") == f"{row['attainment']:.2f}%"
    counts = {element.attrs["data-pace"]: int(element.text) for element in page.find_all(data_pace=True)}
    assert counts == {
        status: sum(row["pace_status"] == status for row in progress) for status in {r["pace_status"] for r in progress}
    }


def test_the_attainment_chart_draws_every_snapshot_day_of_the_quarter(page: Element, history_warehouse: Path) -> None:
    [row] = _rows(
        history_warehouse,
        "select count(distinct snapshots.snapshot_date) as days from marts.quota_snapshots as snapshots"
        " inner join marts.quotas as quotas on quotas.id = snapshots.quota_id"
        " where quotas.period_id = ? and quotas.scope_type = 'company' and quotas.metric_type = 'revenue'",
        [QUARTER],
    )
    assert row["days"] == (TINY_AS_OF - QUARTER_START).days + 1
    assert int(page.one(data_metric="snapshot-days").text) == row["days"]


def test_the_page_stands_alone_with_its_charts_embedded_and_written_beside_it(report_dir: Path) -> None:
    html = (report_dir / "report.html").read_text()
    for outside in ("http://", "https://", "<link", "<script", "url("):
        assert outside not in html
    for name in CHARTS:
        png = (report_dir / f"chart_{name}.png").read_bytes()
        assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 2000
        assert f'id="chart-{name}"' in html
        assert f'src="data:image/png;base64,{base64.b64encode(png).decode()}"' in html


def test_chromium_renders_the_page_to_a_full_non_blank_screenshot(report_dir: Path, tmp_path: Path) -> None:
    png = screenshot(report_dir / "report.html", tmp_path / "report.png")
    assert png.read_bytes().startswith(b"\x89PNG")
    pixels = (mpimage.imread(png)[..., :3] * 255).round().astype(np.uint8)
    assert pixels.shape[:2] == (3000, 1400)
    packed = pixels.reshape(-1, 3).astype(np.uint32) @ np.array([1 << 16, 1 << 8, 1], dtype=np.uint32)
    colours, counts = np.unique(packed, return_counts=True)
    assert len(colours) > 500  # text, bars and charts, not a flat page
    assert counts.max() / counts.sum() < 0.8  # no single colour fills the page
    assert pixels[20, 20].mean() < 80  # the dark header: the page's own CSS was applied


def test_the_report_is_emailed_with_its_charts_through_the_smtp_server(
    history_warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    port = free_port()
    monkeypatch.setenv("QUOTAS_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("QUOTAS_SMTP_PORT", str(port))
    with smtp_server(port, Mailbox()) as mailbox:
        status = main(
            ["report", "--warehouse", str(history_warehouse), "--out", str(tmp_path), "--email", "ceo@example.com"]
        )
    assert status == 0, capsys.readouterr().err
    assert "emailed to ceo@example.com" in capsys.readouterr().out
    [message] = mailbox.messages
    [row] = _rows(
        history_warehouse,
        "select cast(attainment_percent as double) as attainment from marts.quota_rollups"
        " where scope_type = 'company' and period_id = ? and metric_type = 'revenue'",
        [QUARTER],
    )
    assert message["To"] == "ceo@example.com"
    assert f"{row['attainment']:.2f}%" in message["Subject"]
    html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert f'data-metric="company-attainment">{row["attainment"]:.2f}%<' in html
    assert "data:image" not in html
    images = {
        part["Content-ID"].strip("<>"): part.get_content()
        for part in message.walk()
        if part.get_content_type() == "image/png"
    }
    assert len(images) == len(CHARTS)
    assert all(f'src="cid:{content_id}"' in html for content_id in images)
    assert sorted(images.values()) == sorted((tmp_path / f"chart_{name}.png").read_bytes() for name in CHARTS)
    assert "FY2025 Q4" in message.get_body(("plain",)).get_content()  # type: ignore[union-attr]


def test_a_report_for_a_day_the_marts_were_not_built_for_fails_with_one_line(
    history_warehouse: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(["report", "--warehouse", str(history_warehouse), "--as-of", "2025-11-20", "--out", str(tmp_path)])
    assert status == 1
    assert capsys.readouterr().err.splitlines() == [
        f"quotas report failed: the marts of {history_warehouse} are as of {TINY_AS_OF}, not 2025-11-20: "
        "run `quotas run --as-of 2025-11-20` first"
    ]
    assert not (tmp_path / "report.html").exists()


def test_the_report_job_writes_the_report_in_process_from_the_tiny_warehouse(
    tiny_warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from orchestration.definitions import defs

    monkeypatch.setenv("QUOTAS_REPORT_DIR", str(tmp_path))
    monkeypatch.delenv("QUOTAS_SMTP_HOST", raising=False)
    result = defs.resolve_job_def("executive_report_job").execute_in_process(
        run_config={
            "resources": {"pipeline": {"config": {"warehouse": str(tiny_warehouse), "timezone": TINY_TIMEZONE}}},
            "ops": {"executive_report": {"config": {"as_of_date": TINY_AS_OF.isoformat()}}},
        },
        instance=dg.DagsterInstance.ephemeral(),
    )
    assert result.success
    written = tmp_path / TINY_AS_OF.isoformat() / "report.html"
    [materialization] = result.asset_materializations_for_node("executive_report")
    assert materialization.metadata["path"] == dg.MetadataValue.path(str(written.resolve()))
    [row] = _rows(
        tiny_warehouse,
        "select cast(attainment_percent as double) as attainment from marts.quota_rollups"
        " where scope_type = 'company' and period_id = ? and metric_type = 'revenue'",
        [QUARTER],
    )
    assert f'data-metric="company-attainment">{row["attainment"]:.2f}%<' in written.read_text()
    assert sorted(path.name for path in written.parent.glob("*.png")) == sorted(f"chart_{name}.png" for name in CHARTS)
