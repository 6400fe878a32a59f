"""The catalogue of bad input (SPEC section 7): each bad row is set aside with a reason a person can act on,
the run still succeeds, and every result of the good rows is exactly what it was without the bad ones.

One warehouse is built from the generated CRM with every bad row of the catalogue appended (ids that the
good data does not use), and compared with the session's warehouse built from the clean CRM.
"""

from __future__ import annotations

import csv
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from orchestration.warehouse import connect
from tests.conftest import TINY_AS_OF, TINY_TIMEZONE, run_quotas
from tests.support.warehouse import RESULT_MARTS, differing_rows


@dataclass(frozen=True)
class BadRow:
    case: str
    table: str
    row: dict[str, str]
    source_id: str | None
    reason: str


DEAL = {
    "owner_id": "1016",
    "name": "Catalogue deal",
    "amount": "1000",
    "currency": "USD",
    "stage": "closed_won",
    "status": "won",
    "created_at": "2025-10-01T10:00:00Z",
    "closed_at": "2025-10-20T10:00:00Z",
    "updated_at": "2025-10-20T10:00:00Z",
    "margin": "100",
}
QUOTA = {
    "period_id": "FY2025-Q4",
    "user_id": "1016",
    "team_id": "",
    "metric_type": "revenue",
    "metric_field": "",
    "target_value": "1000",
    "currency": "USD",
    "weight": "1",
}

CATALOGUE = [
    BadRow("unknown owner", "deals", {**DEAL, "id": "bad-1", "owner_id": "9999"}, "bad-1", "unknown owner_id 9999"),
    BadRow("negative amount", "deals", {**DEAL, "id": "bad-2", "amount": "-5"}, "bad-2", "negative amount"),
    BadRow("unknown currency", "deals", {**DEAL, "id": "bad-3", "currency": "XYZ"}, "bad-3", "unknown currency XYZ"),
    BadRow("missing rate", "deals", {**DEAL, "id": "bad-4", "currency": "JPY"}, "bad-4", "missing rate: no JPY rate"),
    BadRow(
        "won without closed_at",
        "deals",
        {**DEAL, "id": "bad-5", "closed_at": ""},
        "bad-5",
        "won deal without closed_at",
    ),
    BadRow(
        "duplicate id (older copy)",
        "deals",
        {**DEAL, "id": "1", "owner_id": "1016", "updated_at": "2020-01-01T00:00:00Z"},
        "1",
        "duplicate id",
    ),
    BadRow(
        "activity of an unknown type",
        "activities",
        {
            "id": "bad-6",
            "owner_id": "1016",
            "type": "fax",
            "occurred_at": "2025-10-01T10:00:00Z",
            "updated_at": "2025-10-01T10:00:00Z",
        },
        "bad-6",
        "unknown activity type fax",
    ),
    BadRow(
        "period ending before it starts",
        "quota_periods",
        {
            "id": "bad-7",
            "name": "Backwards",
            "period_type": "month",
            "start_date": "2025-10-31",
            "end_date": "2025-10-01",
            "is_active": "true",
        },
        "bad-7",
        "end_date is before start_date",
    ),
    BadRow(
        "quota target of zero",
        "quotas",
        {**QUOTA, "id": "bad-8", "target_value": "0"},
        "bad-8",
        "target_value must be > 0",
    ),
    BadRow(
        "negative quota target",
        "quotas",
        {**QUOTA, "id": "bad-9", "target_value": "-10"},
        "bad-9",
        "target_value must be > 0",
    ),
    BadRow(
        "unknown metric_field",
        "quotas",
        {**QUOTA, "id": "bad-10", "metric_type": "custom", "metric_field": "discount"},
        "bad-10",
        "metric_field 'discount'",
    ),
    BadRow(
        "metric_field that tries SQL",
        "quotas",
        {**QUOTA, "id": "bad-11", "metric_type": "custom", "metric_field": "amount; drop table deals"},
        "bad-11",
        "metric_field 'amount; drop table deals'",
    ),
    BadRow(
        "malformed date",
        "deals",
        {**DEAL, "id": "bad-12", "closed_at": "31/10/2025"},
        "bad-12",
        "malformed value: closed_at=31/10/2025",
    ),
    BadRow(
        "text in a numeric column",
        "deals",
        {**DEAL, "id": "bad-13", "amount": "12k"},
        "bad-13",
        "malformed value: amount=12k",
    ),
    BadRow("an id that is null", "deals", {**DEAL, "id": ""}, None, "missing id"),
    BadRow(
        "lead of an unknown owner",
        "leads",
        {
            "id": "bad-14",
            "owner_id": "nobody",
            "status": "new",
            "created_at": "2025-10-01T10:00:00Z",
            "updated_at": "2025-10-01T10:00:00Z",
        },
        "bad-14",
        "unknown owner_id nobody",
    ),
    BadRow(
        "custom goal (goals have no metric_field)",
        "goals",
        {
            "id": "bad-15",
            "name": "Custom",
            "description": "",
            "goal_type": "company",
            "user_id": "",
            "team_id": "",
            "metric_type": "custom",
            "target_value": "10",
            "start_date": "2025-10-01",
            "end_date": "2025-12-31",
            "weight": "1",
        },
        "bad-15",
        "custom goals are not supported",
    ),
]


def _append_rows(source: Path, table: str, rows: list[dict[str, str]]) -> None:
    path = source / f"{table}.csv"
    with path.open(newline="") as handle:
        header = next(csv.reader(handle))
    with path.open("a", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        for row in rows:
            writer.writerow({column: row.get(column, "") for column in header})


@pytest.fixture(scope="module")
def catalogue_run(tiny_source: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    work = tmp_path_factory.mktemp("bad_input")
    source = work / "crm"
    shutil.copytree(tiny_source, source)
    for table in {bad.table for bad in CATALOGUE}:
        _append_rows(source, table, [bad.row for bad in CATALOGUE if bad.table == table])
    warehouse = work / "warehouse.duckdb"
    completed = run_quotas(
        "run", "--source", str(source), "--warehouse", str(warehouse),
        "--as-of", TINY_AS_OF.isoformat(), "--timezone", TINY_TIMEZONE,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr[-3000:]
    return warehouse, completed.stdout


def _quarantine(warehouse: Path) -> list[tuple[str, str | None, str]]:
    with connect(warehouse, read_only=True) as con:
        return con.execute("select source_table, source_id, reason from marts.quarantine").fetchall()


@pytest.mark.parametrize("bad", CATALOGUE, ids=[bad.case for bad in CATALOGUE])
def test_each_bad_row_is_quarantined_with_its_table_id_and_reason(catalogue_run: tuple[Path, str], bad: BadRow) -> None:
    warehouse, _ = catalogue_run
    matching = [row for row in _quarantine(warehouse) if row[0] == bad.table and row[1] == bad.source_id]
    assert matching, f"no quarantine row for {bad.table} id {bad.source_id}"
    assert any(reason.startswith(bad.reason) for _, _, reason in matching), matching


def test_nothing_but_the_catalogue_is_quarantined(catalogue_run: tuple[Path, str]) -> None:
    warehouse, _ = catalogue_run
    assert len(_quarantine(warehouse)) == len(CATALOGUE)


def test_the_run_reports_how_many_rows_were_set_aside_per_reason(catalogue_run: tuple[Path, str]) -> None:
    _, stdout = catalogue_run
    assert f"quarantined {len(CATALOGUE)} rows" in stdout
    assert "deals: 1 rows, negative amount" in stdout
    assert "quotas: 2 rows, target_value must be > 0" in stdout


def test_every_result_of_the_good_rows_is_unchanged(catalogue_run: tuple[Path, str], tiny_warehouse: Path) -> None:
    warehouse, _ = catalogue_run
    with connect(tiny_warehouse, read_only=True) as con:
        assert all(con.execute(f"select count(*) from marts.{mart}").fetchone() != (0,) for mart in RESULT_MARTS)
    assert differing_rows(warehouse, tiny_warehouse, [f"marts.{mart}" for mart in RESULT_MARTS]) == {}


def test_a_metric_field_that_tries_sql_leaves_the_deals_table_intact(
    catalogue_run: tuple[Path, str], tiny_source: Path
) -> None:
    warehouse, _ = catalogue_run
    with (tiny_source / "deals.csv").open(newline="") as handle:
        good_deals = sum(1 for _ in csv.DictReader(handle))
    bad_deals = sum(1 for bad in CATALOGUE if bad.table == "deals")
    with connect(warehouse, read_only=True) as con:
        raw_deals = con.execute("select count(*) from raw.deals").fetchone()
    assert raw_deals == (good_deals + bad_deals,)
