"""Achievement notifications over real servers on loopback: never lost, never sent twice."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import dagster as dg
import pytest

from orchestration.notifications.channels import KEY_HEADER, message_id
from orchestration.notifications.settings import NotificationSettings, SmtpSettings
from orchestration.notifications.tick import run_tick
from orchestration.warehouse import connect
from tests.conftest import QUOTAS, run_quotas
from tests.reference.source_builder import deal, goal, milestone, period, quota, team, user, write_source
from tests.support.receivers import Mailbox, WebhookLog, free_port, http_receiver, smtp_server
from tests.support.warehouse import build_warehouse, read_mart, reload_source

AS_OF = date(2025, 3, 20)


def _source(directory: Path, u1_deals: list[dict] | None = None) -> Path:
    """Team t1 (manager Max) with reps Ann and Bob; Eva is the executive (no team)."""
    return write_source(
        directory,
        teams=[team("t1", name="Alpha")],
        users=[
            user("m1", "t1", name="Max"),
            user("u1", "t1", name="Ann", manager_id="m1"),
            user("u2", "t1", name="Bob", manager_id="m1"),
            user("e1", None, name="Eva"),
        ],
        deals=u1_deals
        if u1_deals is not None
        else [
            deal("d1", "u1", 700, "2025-03-03T12:00:00Z"),
            deal("d2", "u1", 500, "2025-03-10T12:00:00Z"),
            deal("d3", "u2", 500, "2025-03-11T12:00:00Z"),
        ],
        quota_periods=[period("Q1", "2025-01-01", "2025-03-31")],
        quotas=[
            quota("q-ann", "Q1", "revenue", 1000, user_id="u1"),
            quota("q-bob", "Q1", "revenue", 1000, user_id="u2"),
            quota("q-alpha", "Q1", "revenue", 1500, team_id="t1"),
            quota("q-company", "Q1", "revenue", 5000),
        ],
        goals=[
            goal("g-ann", "individual", "revenue", 1000, "2025-03-01", "2025-03-31", user_id="u1"),
            goal("g-alpha", "team", "deals", 3, "2025-03-01", "2025-03-31", team_id="t1"),
            goal("g-company", "company", "revenue", 1500, "2025-03-01", "2025-03-31"),
        ],
        goal_milestones=[
            milestone("ms-half", "g-ann", 500, "2025-03-15", 1),
            milestone("ms-more", "g-ann", 2000, "2025-03-25", 2),
        ],
    )


# Ann: 1200 of 1000 (120%); Alpha: 1700 of 1500; the company 1700 of 5000 (no threshold).
# Goals: Ann's reached on 10 March, Alpha's 3 deals on 11 March, the company's 1500 on 11 March.
EXPECTED_RECIPIENTS = {
    "quota_threshold|q-ann|100": ["u1@example.com"],
    "quota_threshold|q-alpha|100": ["m1@example.com"],
    "goal_achieved|g-ann|": ["u1@example.com"],
    "goal_achieved|g-alpha|": ["m1@example.com"],
    "goal_achieved|g-company|": ["e1@example.com"],
    "milestone_achieved|ms-half|": ["u1@example.com"],
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("notify")
    return build_warehouse(_source(directory / "crm"), directory / "warehouse.duckdb", AS_OF)


@pytest.fixture
def warehouse(built: Path, tmp_path: Path) -> Path:
    """A fresh copy per test: each test starts with an empty outbox."""
    copy = tmp_path / "warehouse.duckdb"
    shutil.copy(built, copy)
    return copy


def _settings(smtp_port: int | None = None, webhook_url: str | None = None, **changes: object) -> NotificationSettings:
    smtp = SmtpSettings(host="127.0.0.1", port=smtp_port) if smtp_port else None
    defaults = NotificationSettings(smtp=smtp, webhook_url=webhook_url, backoff_seconds=0, window_days=30)
    return replace(defaults, **changes)


def _keys_by_event(messages: list) -> dict[str, list[str]]:
    received: dict[str, list[str]] = {}
    for message in messages:
        event_key = message[KEY_HEADER].rsplit("|", 2)[0]
        received.setdefault(event_key, []).append(message["To"])
    return {key: sorted(value) for key, value in received.items()}


def _outbox(warehouse: Path, where: str = "true") -> list[dict]:
    return read_mart(warehouse, "notifications", where)


def test_each_reached_goal_milestone_and_threshold_sends_exactly_one_message_to_the_right_person(
    warehouse: Path,
) -> None:
    mailbox, hooks = Mailbox(), WebhookLog()
    port = free_port()
    with smtp_server(port, mailbox), http_receiver(hooks) as url:
        summary = run_tick(warehouse, _settings(port, url))
        again = run_tick(warehouse, _settings(port, url))
    assert _keys_by_event(mailbox.messages) == EXPECTED_RECIPIENTS
    assert len(hooks.requests) == len(EXPECTED_RECIPIENTS)
    assert (summary.sent, again.recorded, again.sent) == (12, 0, 0)
    by_event = {message[KEY_HEADER].rsplit("|", 2)[0]: message for message in mailbox.messages}
    ann = by_event["quota_threshold|q-ann|100"]
    assert ann["Subject"] == "100% of the Q1 revenue quota reached"
    assert "1,200.00 USD of 1,000.00 USD" in ann.get_content() and "120.00%" in ann.get_content()
    assert ann["Message-ID"] == message_id(ann[KEY_HEADER])
    company = by_event["goal_achieved|g-company|"]
    assert "achieved on 2025-03-11" in company.get_content() and "1,700.00 USD" in company.get_content()
    status, headers, body = hooks.requests[0]
    assert status == 200 and headers["Idempotency-Key"] == body["key"] and body["text"].startswith("*")


def test_messages_wait_while_the_smtp_server_is_down_and_each_arrives_once_when_it_is_back(
    warehouse: Path,
) -> None:
    port = free_port()
    down = run_tick(warehouse, _settings(port))
    assert (down.sent, down.retrying) == (0, 6)
    pending = _outbox(warehouse, "channel = 'email'")
    assert {row["status"] for row in pending} == {"pending"} and all(row["last_error"] for row in pending)
    mailbox = Mailbox()
    with smtp_server(port, mailbox):
        up = run_tick(warehouse, _settings(port))
        later = run_tick(warehouse, _settings(port))
    assert up.sent == 6 and later.sent == 0
    assert _keys_by_event(mailbox.messages) == EXPECTED_RECIPIENTS
    assert {row["attempts"] for row in _outbox(warehouse, "channel = 'email'")} == {2}


def test_a_process_killed_between_recording_and_sending_delivers_on_the_next_tick(warehouse: Path) -> None:
    port = free_port()
    environment = {
        **os.environ,
        "QUOTAS_SMTP_HOST": "127.0.0.1",
        "QUOTAS_SMTP_PORT": str(port),
        "QUOTAS_FAILPOINT": "after_record",
        "QUOTAS_NOTIFY_BACKOFF_SECONDS": "0",
        "QUOTAS_NOTIFY_WINDOW_DAYS": "30",
    }
    mailbox = Mailbox()
    with smtp_server(port, mailbox):
        killed = subprocess.run([QUOTAS, "notify", "--warehouse", str(warehouse)], env=environment, check=False)
        assert killed.returncode == -9
        assert mailbox.messages == []
        assert len(_outbox(warehouse, "channel = 'email' and status = 'pending'")) == 6
        run_tick(warehouse, _settings(port))
        run_tick(warehouse, _settings(port))
    assert _keys_by_event(mailbox.messages) == EXPECTED_RECIPIENTS


def test_a_webhook_answering_500_then_200_is_delivered_once_with_both_attempts_counted(warehouse: Path) -> None:
    hooks = WebhookLog(answers=[500] * 6)
    with http_receiver(hooks) as url:
        first = run_tick(warehouse, _settings(webhook_url=url))
        second = run_tick(warehouse, _settings(webhook_url=url))
    assert (first.retrying, second.sent) == (6, 6)
    assert [status for status, _, _ in hooks.requests] == [500] * 6 + [200] * 6
    rows = _outbox(warehouse, "channel = 'webhook'")
    assert {(row["status"], row["attempts"]) for row in rows} == {("sent", 2)}
    assert len({row["key"] for row in rows}) == 6


def test_after_the_last_attempt_a_notification_is_failed_and_reported(warehouse: Path) -> None:
    hooks = WebhookLog(answers=[500] * 12)
    with http_receiver(hooks) as url:
        run_tick(warehouse, _settings(webhook_url=url, max_attempts=2))
        final = run_tick(warehouse, _settings(webhook_url=url, max_attempts=2))
    assert len(final.failed) == 6 and "HTTPError" in final.failed[0]
    assert {row["status"] for row in _outbox(warehouse, "channel = 'webhook'")} == {"failed"}
    assert any("failed for good" in line for line in final.lines())


def test_retries_wait_for_their_backoff(warehouse: Path) -> None:
    port = free_port()
    run_tick(warehouse, _settings(port, backoff_seconds=600))
    mailbox = Mailbox()
    with smtp_server(port, mailbox):
        too_soon = run_tick(warehouse, _settings(port, backoff_seconds=600))
        later = run_tick(warehouse, _settings(port, backoff_seconds=600), now=datetime.now(UTC) + timedelta(hours=1))
    assert (too_soon.sent, later.sent) == (0, 6)


def test_events_long_past_are_recorded_as_history_and_never_sent(warehouse: Path) -> None:
    mailbox, port = Mailbox(), free_port()
    with smtp_server(port, mailbox):
        run_tick(warehouse, _settings(port, window_days=3))
    sent = {message[KEY_HEADER].rsplit("|", 2)[0] for message in mailbox.messages}
    assert sent == {"quota_threshold|q-ann|100", "quota_threshold|q-alpha|100"}
    skipped = {row["event_key"] for row in _outbox(warehouse, "status = 'skipped'")}
    assert "goal_achieved|g-ann|" in skipped


def test_configured_executives_replace_the_companys_recipients_for_quotas_and_goals_alike(warehouse: Path) -> None:
    # the company is at 1700 of 5000 (34%): past a 30% threshold
    run_tick(warehouse, _settings(thresholds=(30.0, 100.0), executive_emails=("cfo@example.com", "ceo@example.com")))
    addressed: dict[str, set[str]] = {}
    for row in _outbox(warehouse):
        addressed.setdefault(row["event_key"], set()).add(row["recipient"])
    assert addressed["quota_threshold|q-company|30"] == {"ceo@example.com", "cfo@example.com"}
    assert addressed["goal_achieved|g-company|"] == {"ceo@example.com", "cfo@example.com"}
    assert addressed["quota_threshold|q-ann|30"] == addressed["quota_threshold|q-ann|100"] == {"u1@example.com"}
    company = _outbox(warehouse, "event_key = 'quota_threshold|q-company|30'")[0]
    assert company["subject"] == "30% of the Q1 revenue quota reached"
    assert "1,700.00 USD of 5,000.00 USD" in company["body"] and "34.00%" in company["body"]


def test_an_event_with_nobody_to_tell_is_kept_in_the_log_alone(warehouse: Path) -> None:
    with connect(warehouse) as con:  # team t1 without a manager: its events have no recipient
        con.execute("delete from marts.notification_recipients where scope_type = 'team'")
    mailbox, port = Mailbox(), free_port()
    with smtp_server(port, mailbox):
        run_tick(warehouse, _settings(port))
    rows = _outbox(warehouse, "event_key = 'quota_threshold|q-alpha|100'")
    assert [(row["recipient"], row["channel"], row["status"]) for row in rows] == [("(no recipient)", "log", "sent")]
    assert "quota_threshold|q-alpha|100" not in {m[KEY_HEADER].rsplit("|", 2)[0] for m in mailbox.messages}
    assert {row["recipient"] for row in _outbox(warehouse, "event_key = 'goal_achieved|g-alpha|'")} == {
        "(no recipient)"
    }


def test_a_goal_that_drops_below_its_target_and_crosses_again_is_not_announced_twice(
    warehouse: Path, tmp_path: Path
) -> None:
    mailbox, port = Mailbox(), free_port()
    source = _source(tmp_path / "crm")
    with smtp_server(port, mailbox):
        run_tick(warehouse, _settings(port))
        reopened = [deal("d1", "u1", 700, "2025-03-03T12:00:00Z"), deal("d3", "u2", 500, "2025-03-11T12:00:00Z")]
        reload_source(warehouse, _source(source, reopened), AS_OF)
        assert read_mart(warehouse, "goals", "id = 'g-ann'")[0]["status"] == "in_progress"
        run_tick(warehouse, _settings(port))
        reload_source(warehouse, _source(source), AS_OF)
        assert read_mart(warehouse, "goals", "id = 'g-ann'")[0]["status"] == "achieved"
        crossed_again = run_tick(warehouse, _settings(port))
    assert crossed_again.recorded == 0
    assert _keys_by_event(mailbox.messages) == EXPECTED_RECIPIENTS


def test_the_sensor_requests_a_run_only_when_something_is_new(warehouse: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from orchestration.defs.notify.sensors import notification_sensor
    from orchestration.resources import PipelineSettings

    monkeypatch.delenv("QUOTAS_SMTP_HOST", raising=False)
    pipeline = PipelineSettings(warehouse=str(warehouse))
    first = notification_sensor(dg.build_sensor_context(resources={"pipeline": pipeline}))
    assert isinstance(first, dg.RunRequest)
    cursor_context = dg.build_sensor_context(resources={"pipeline": pipeline}, cursor=None)
    notification_sensor(cursor_context)
    repeated = notification_sensor(
        dg.build_sensor_context(resources={"pipeline": pipeline}, cursor=cursor_context.cursor)
    )
    assert isinstance(repeated, dg.SkipReason), "a restarted sensor does not request the same events again"
    run_tick(warehouse, _settings())
    after = notification_sensor(dg.build_sensor_context(resources={"pipeline": pipeline}))
    assert isinstance(after, dg.SkipReason)


def test_runs_and_a_backfill_over_notified_days_send_nothing_more(tmp_path: Path) -> None:
    source = _source(tmp_path / "crm")
    warehouse = tmp_path / "warehouse.duckdb"
    mailbox, port = Mailbox(), free_port()
    environment = {
        "QUOTAS_SMTP_HOST": "127.0.0.1",
        "QUOTAS_SMTP_PORT": str(port),
        "QUOTAS_NOTIFY_BACKOFF_SECONDS": "0",
        "QUOTAS_NOTIFY_WINDOW_DAYS": "30",
    }
    run = ["run", "--source", str(source), "--warehouse", str(warehouse), "--as-of", AS_OF.isoformat()]
    backfill = [
        "backfill",
        "--source",
        str(source),
        "--warehouse",
        str(warehouse),
        "--start",
        "2025-03-01",
        "--end",
        AS_OF.isoformat(),
    ]
    with smtp_server(port, mailbox):
        outputs = [run_quotas(*args, extra_env=environment) for args in (run, run, backfill)]
    for completed in outputs:
        assert completed.returncode == 0, completed.stderr[-2000:]
    assert "notifications: 12 recorded, 6 sent" in outputs[0].stdout
    assert "notifications: 0 recorded, 0 sent" in outputs[1].stdout
    assert "notifications: 0 recorded, 0 sent" in outputs[2].stdout
    assert _keys_by_event(mailbox.messages) == EXPECTED_RECIPIENTS
    listing = run_quotas("notifications", "--warehouse", str(warehouse))
    assert listing.stdout.count(" sent ") == 12


def test_a_goal_named_like_a_parameter_is_recorded_with_its_name_as_written(tmp_path: Path) -> None:
    """The goals' events reach the outbox as literals; a `$word` in their text is text, never a parameter."""
    from orchestration.notifications import outbox
    from orchestration.notifications.detection import Event

    odd = "Reach $now, $nobody's '$channels' -- and $5k; drop table marts.notifications"
    event = Event("goal_achieved", "g1", None, ("rep@example.com",), f"Goal achieved: {odd}", odd, date(2025, 11, 3))
    with connect(tmp_path / "w.duckdb") as con:
        con.execute("create schema marts")
        recorded = outbox.record(con, [event], ("log", "email"), datetime(2025, 11, 14, 8, 0, tzinfo=UTC))
        rows = con.execute(
            "select channel, recipient, subject, body, status from marts.notifications order by channel"
        ).fetchall()
    assert recorded == 2
    assert rows == [
        ("email", "rep@example.com", f"Goal achieved: {odd}", odd, "pending"),
        ("log", "rep@example.com", f"Goal achieved: {odd}", odd, "sent"),
    ]
