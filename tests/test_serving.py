"""Serving: readers of the serving copy never block a run and never see half a run; the docs site."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import duckdb

from orchestration.serving.paths import ServingPaths
from orchestration.serving.serving_copy import publish_serving_copy, read_manifest
from tests.conftest import TINY_AS_OF, TINY_TIMEZONE, quotas_run

ROOT = Path(__file__).resolve().parents[1]
RUN_DATES = (date(2025, 11, 3), date(2025, 11, 17))


def test_a_reader_never_sees_half_a_run_and_never_blocks_one(
    tiny_warehouse: Path, tiny_source: Path, tmp_path: Path
) -> None:
    """Three publications, two of them by `quotas run`s while a reader in another process reads.

    The first is the tiny warehouse (as of TINY_AS_OF), copied and published before the reader starts; a
    third run would cost half a minute more and test nothing new.
    """
    warehouse = Path(shutil.copy(tiny_warehouse, tmp_path / "warehouse.duckdb"))
    serving = ServingPaths.for_warehouse(warehouse)
    publish_serving_copy(warehouse, serving)
    reads, stop = tmp_path / "reads.jsonl", tmp_path / "stop"
    reader = subprocess.Popen(
        [sys.executable, "-m", "tests.support.serving_reader", str(serving.root), str(reads), str(stop)],
        cwd=ROOT,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        for as_of in RUN_DATES:  # quotas_run asserts that each run succeeds
            quotas_run(tiny_source, warehouse, as_of, TINY_TIMEZONE)
        time.sleep(1.5)  # a few reads of the last publication
    finally:
        stop.touch()
        _, errors = reader.communicate(timeout=60)
    results = [json.loads(line) for line in reads.read_text().splitlines()]
    assert reader.returncode == 0, errors[-2000:]
    assert [result for result in results if result["problems"]] == []
    seen = {(result["source"], result["as_of"]) for result in results}
    # Reads happened before, between and after the runs: every publication was seen, by both readers.
    expected = {TINY_AS_OF.isoformat(), *(day.isoformat() for day in RUN_DATES)}
    assert seen == {(source, as_of) for source in ("duckdb", "parquet") for as_of in expected}
    assert read_manifest(serving)["as_of_date"] == RUN_DATES[-1].isoformat()  # type: ignore[index]


def test_parquet_current_points_at_a_complete_version_and_one_previous_is_kept(
    tiny_warehouse: Path, tmp_path: Path
) -> None:
    serving = ServingPaths(tmp_path / "serving")
    first = publish_serving_copy(tiny_warehouse, serving)
    crashed = serving.parquet / ".tmp-crashed"  # what an interrupted publication leaves
    crashed.mkdir()
    second = publish_serving_copy(tiny_warehouse, serving)
    third = publish_serving_copy(tiny_warehouse, serving)
    assert os.readlink(serving.parquet / "current") == third.version
    assert sorted(path.name for path in serving.parquet.iterdir()) == sorted(["current", second.version, third.version])
    assert first.version not in os.listdir(serving.parquet)
    manifest = read_manifest(serving)
    assert manifest is not None and manifest["version"] == third.version
    with duckdb.connect() as con:
        for table, rows in manifest["row_counts"].items():
            path = serving.parquet / "current" / manifest["paths"][table]
            assert con.execute("select count(*) from read_parquet(?)", [str(path)]).fetchone() == (rows,)
    with duckdb.connect(str(tiny_warehouse), read_only=True) as con:
        expected = {
            name: con.execute(f"select count(*) from marts.{name}").fetchone()[0]  # type: ignore[index]
            for (name,) in con.execute(
                "select table_name from information_schema.tables "
                "where table_schema = 'marts' and table_name != 'notifications'"
            ).fetchall()
        }
    assert manifest["row_counts"] == expected
    assert [path.name for path in serving.root.iterdir() if ".tmp-" in path.name] == []


def test_a_reader_holding_the_serving_file_open_keeps_its_version(tiny_warehouse: Path, tmp_path: Path) -> None:
    serving = ServingPaths(tmp_path / "serving")
    first = publish_serving_copy(tiny_warehouse, serving)
    with duckdb.connect(str(serving.database), read_only=True) as held:
        second = publish_serving_copy(tiny_warehouse, serving)
        assert held.execute("select version from marts.publication").fetchone() == (first.version,)
    with duckdb.connect(str(serving.database), read_only=True) as fresh:
        assert fresh.execute("select version from marts.publication").fetchone() == (second.version,)


def test_the_serving_copy_holds_every_mart_as_a_table_equal_to_the_warehouse(tiny_warehouse: Path) -> None:
    serving = ServingPaths.for_warehouse(tiny_warehouse)
    assert serving.root == tiny_warehouse.parent / "warehouse_serving"
    with duckdb.connect(str(serving.database), read_only=True) as con:
        con.execute(f"attach '{tiny_warehouse}' as build (read_only)")
        marts = con.execute(
            "select table_catalog, table_name, table_type from information_schema.tables "
            "where table_schema = 'marts' order by 2"
        ).fetchall()
        built = sorted(name for catalog, name, _ in marts if catalog == "build")  # tables and views
        served = sorted(name for catalog, name, kind in marts if catalog == "quotas" and kind == "BASE TABLE")
        assert "notifications" not in served  # the notifier's outbox stays in the warehouse
        assert served == sorted([*(set(built) - {"notifications"}), "publication"])
        assert con.execute(
            "select count(*) from duckdb_views() where database_name = 'quotas' and not internal"
        ).fetchone() == (0,)
        for name in ("leaderboard", "quota_progress", "goals"):
            differences = con.execute(
                f"select count(*) from ((from quotas.marts.{name} except all from build.marts.{name}) "
                f"union all (from build.marts.{name} except all from quotas.marts.{name}))"
            ).fetchone()
            assert differences == (0,), name


def test_the_docs_site_describes_every_mart_and_column(tiny_warehouse: Path) -> None:
    docs = ServingPaths.for_warehouse(tiny_warehouse).docs / "current"
    assert (docs / "static_index.html").stat().st_size > 100_000
    manifest = json.loads((docs / "manifest.json").read_text())
    catalog = json.loads((docs / "catalog.json").read_text())
    marts = {node["name"]: node for node in manifest["nodes"].values() if node["schema"] == "marts"}
    assert {"leaderboard", "quota_progress", "quota_rollups", "goals", "goal_milestones"} <= set(marts)
    for name, node in marts.items():
        if node["resource_type"] != "model":
            continue
        assert node["description"], name
        columns = catalog["nodes"][node["unique_id"]]["columns"]
        undescribed = [column for column in columns if not node["columns"].get(column, {}).get("description")]
        assert undescribed == [], name


def test_the_docs_site_is_reused_while_the_project_and_tables_are_unchanged(
    tiny_warehouse: Path, tmp_path: Path
) -> None:
    from orchestration.serving.docs_site import KEY_FILE, docs_key, publish_docs_site
    from orchestration.settings import CompanySettings

    serving = ServingPaths(tmp_path / "serving")
    company = CompanySettings(TINY_TIMEZONE)
    built = shutil.copy(tiny_warehouse, tmp_path / "warehouse.duckdb")  # same catalog name, same columns
    # the run published its site before the notification tick created the outbox: the key ignores it,
    # so the next run of the same warehouse does not generate the site again
    published_by_the_run = tiny_warehouse.parent / "warehouse_serving" / "docs" / "current" / KEY_FILE
    assert published_by_the_run.read_text().strip() == docs_key(Path(built), company)
    first = publish_docs_site(Path(built), serving, company, "one")
    again = publish_docs_site(Path(built), serving, company, "two")
    assert not first.generated and first.published  # the tiny warehouse's run cached this key
    assert not again.generated and not again.published
    assert os.readlink(serving.docs / "current") == "one"
