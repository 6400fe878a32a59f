"""dbt's own unit tests (given rows -> expected rows) for the ledger, rollups, ranking and progress."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from orchestration.defs.transform.project import DBT_PROJECT_DIR, ensure_manifest
from orchestration.raw_changes import FIRST_SAFE_HOUR, LAST_SAFE_HOUR, UNDATED_KEY_BASE, hour_key_sql
from orchestration.serving.kept_marts import KEPT_MARTS
from tests.support.warehouse import reusable_models, run_dbt


def _unit_tests_in_yaml() -> set[str]:
    names = set()
    for path in (DBT_PROJECT_DIR / "models").rglob("*.yml"):
        document = yaml.safe_load(path.read_text()) or {}
        names |= {test["name"] for test in document.get("unit_tests", [])}
    return names


def _models_described_in_yaml() -> set[str]:
    names = set()
    for path in (DBT_PROJECT_DIR / "models").rglob("*.yml"):
        document = yaml.safe_load(path.read_text()) or {}
        names |= {model["name"] for model in document.get("models", [])}
    return names


def test_every_model_described_in_yaml_exists_and_every_model_is_described() -> None:
    sql_models = {path.stem for path in (DBT_PROJECT_DIR / "models").rglob("*.sql")}
    assert _models_described_in_yaml() == sql_models


def test_every_dbt_unit_test_is_found_and_passes(tiny_warehouse: Path, tmp_path: Path) -> None:
    expected = _unit_tests_in_yaml()
    assert len(expected) >= 7
    output = run_dbt(
        tiny_warehouse, ["test", "--select", "test_type:unit", "--vars", '{"timezone": "UTC"}'], tmp_path / "target"
    )
    done = re.search(r"Done\. PASS=(\d+) WARN=(\d+) ERROR=(\d+)", output)
    assert done, output[-2000:]
    assert tuple(map(int, done.groups()))[1:] == (0, 0), output[-2000:]
    passed = set(re.findall(r"PASS \S+::(\S+)", re.sub(r"\x1b\[[0-9;]*m", "", output)))
    assert passed == expected, "every unit test in the YAML ran and passed (the run-start hook is not one)"


def test_every_column_of_every_mart_is_described(tiny_warehouse: Path) -> None:
    from orchestration.warehouse import connect

    described: dict[str, set[str]] = {}
    for path in (DBT_PROJECT_DIR / "models" / "marts").glob("*.yml"):
        for model in (yaml.safe_load(path.read_text()) or {}).get("models", []):
            assert model.get("description"), model["name"]
            described[model["name"]] = {
                column["name"] for column in model.get("columns", []) if column.get("description")
            }
    with connect(tiny_warehouse, read_only=True) as con:
        columns = con.execute(
            "select table_name, column_name from information_schema.columns where table_schema = 'marts' "
            "and table_name != 'notifications'"  # the outbox is written by Python, not a dbt model
        ).fetchall()
    undescribed = sorted(f"{table}.{column}" for table, column in columns if column not in described.get(table, ()))
    assert undescribed == []


def _reads_run_date(manifest: dict, unique_id: str) -> bool:
    """Whether a node reads the as-of date or the snapshot window, through any macro or any model above it."""
    date_macros = {"macro.quotas.as_of_date", "macro.quotas.snapshot_window_start", "macro.quotas.snapshot_window_end"}
    nodes, macros = manifest["nodes"], manifest["macros"]
    pending, seen = [unique_id], set()
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        seen.add(current)
        if current in date_macros:
            return True
        entry = nodes.get(current) or macros.get(current) or {}
        pending += entry.get("depends_on", {}).get("macros", []) + entry.get("depends_on", {}).get("nodes", [])
    return False


def test_no_reusable_table_reads_the_run_date_even_through_a_macro() -> None:
    manifest = json.loads(ensure_manifest().read_text())
    reusable = list(reusable_models())
    assert len(reusable) >= 10
    assert [unique_id for unique_id in reusable if _reads_run_date(manifest, unique_id)] == []
    # the check itself sees a date read through a macro: the marts read it
    assert _reads_run_date(manifest, "model.quotas.quota_progress")


def test_the_ledger_reads_the_loads_change_keys_with_the_loads_own_constants() -> None:
    """The load (raw_changes.py) and the ledger (event_ledger.sql) share the change keys' layout and the
    hours that to_timestamp() takes: written once in each language, they must agree."""
    macros = (DBT_PROJECT_DIR / "macros" / "event_ledger.sql").read_text()
    base = re.search(r"macro undated_key_base\(\) -%}\s*(-?\d+)", macros)
    assert base and int(base.group(1)) == UNDATED_KEY_BASE
    bounds = re.search(r"runs\[0\]\[0\] < (-?\d+) or runs\[-1\]\[1\] >= (-?\d+)", macros)
    assert bounds and (int(bounds.group(1)), int(bounds.group(2))) == (FIRST_SAFE_HOUR, LAST_SAFE_HOUR)
    settings = (DBT_PROJECT_DIR / "macros" / "company_settings.sql").read_text()
    utc_hour = re.search(r"macro utc_hour\(timestamp_column\) -%}\s*(.+?)\s*{%- endmacro", settings, re.S)
    assert utc_hour and utc_hour.group(1).replace("{{ timestamp_column }}", "t") == hour_key_sql("t")


def _copy_of_the_project(destination: Path) -> Path:
    """The dbt project's files in a directory of their own, with the saved parse (so a parse there reads
    only what changed): parsing it leaves the project's own manifest, which other workers read, alone."""
    import shutil

    for folder in ("models", "macros", "seeds", "tests"):
        if (DBT_PROJECT_DIR / folder).exists():
            shutil.copytree(DBT_PROJECT_DIR / folder, destination / folder)
    for name in ("dbt_project.yml", "profiles.yml"):
        shutil.copyfile(DBT_PROJECT_DIR / name, destination / name)
    (destination / "target").mkdir()
    shutil.copyfile(
        ensure_manifest().with_name("partial_parse.msgpack"), destination / "target" / "partial_parse.msgpack"
    )
    return destination


def test_two_processes_starting_after_a_code_change_parse_once_and_leave_a_whole_manifest(tmp_path: Path) -> None:
    import subprocess
    import sys

    project = _copy_of_the_project(tmp_path / "dbt_project")
    parse = (
        "import sys; from pathlib import Path; "
        "from orchestration.defs.transform.project import parse_if_stale; "
        "print(parse_if_stale(Path(sys.argv[1])))"
    )
    workers = [
        subprocess.Popen([sys.executable, "-c", parse, str(project)], stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    answers = sorted(worker.communicate(timeout=300)[0].strip() for worker in workers)
    assert [worker.returncode for worker in workers] == [0, 0]
    assert answers == ["False", "True"], "one parsed; the other waited and found the parse made"

    manifest = json.loads((project / "target" / "manifest.json").read_text())
    own = json.loads(ensure_manifest().read_text())
    models = {node for node in manifest["nodes"] if node.startswith("model.")}
    assert models == {node for node in own["nodes"] if node.startswith("model.")}
    assert sorted(path.name for path in (project / "target").iterdir() if not path.name.startswith(".")) == [
        "manifest.json",
        "partial_parse.msgpack",
    ], "the parse's other files stayed in its own directory, which is gone"
    assert not (project / "target" / ".parse").exists()


def test_a_new_warehouse_named_like_an_earlier_one_starts_from_its_parse_not_a_whole_one(tmp_path: Path) -> None:
    """dbt keeps its parse only for the profile it was made with, and the profile names the warehouse's
    file: the project's own parse serves `warehouse.duckdb`, and a run on another name keeps its parse for
    the next new warehouse of that name (a test's, a user's second one)."""
    import shutil

    from orchestration.defs.transform.dbt_server import saved_parse

    name = f"w-{tmp_path.name}.duckdb"  # a name no other run has used, so the first run has no parse to start from
    try:
        for folder in ("first", "second"):
            (tmp_path / folder).mkdir()
            run_dbt(tmp_path / folder / name, ["parse"], tmp_path / folder / "target")
        first = (tmp_path / "first" / "target" / "dbt.log").read_text()
        second = (tmp_path / "second" / "target" / "dbt.log").read_text()
        assert "Unable to do partial parsing because profile has changed" in first
        assert "Unable to do partial parsing" not in second
        assert saved_parse(DBT_PROJECT_DIR, name).exists()
    finally:
        shutil.rmtree(saved_parse(DBT_PROJECT_DIR, name).parent, ignore_errors=True)


def test_a_new_as_of_date_makes_dbt_parse_no_file_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every daily run has a new as-of date: read while dbt parses, it made dbt parse again each model that
    reads it (~0.5-0.8 s of a run's start). The settings are read only when a model runs
    (`run_setting` in macros/company_settings.sql); what the date changes is tested by every daily run."""
    monkeypatch.setenv("DBT_LOG_LEVEL_FILE", "debug")
    warehouse = tmp_path / "warehouse.duckdb"
    target = tmp_path / "target"
    for day in ("2025-03-30", "2025-03-31"):
        run_dbt(warehouse, ["parse"], target, settings={"DBT_QUOTAS_AS_OF_DATE": day})
    second_parse = (target / "dbt.log").read_text().split("Running with dbt=")[-1]
    assert "Partial parsing enabled: 0 files deleted, 0 files added, 0 files changed." in second_parse
    assert "Partial parsing: updated file" not in second_parse


def test_the_publication_knows_the_same_kept_marts_as_the_dbt_project() -> None:
    """kept_marts() in macros/kept_by_period.sql finds them in the marts_by_period folder, named
    int_<mart>_rows; the publication lists them in orchestration/serving/kept_marts.py."""
    folder = DBT_PROJECT_DIR / "models" / "intermediate" / "marts_by_period"
    rows_models = {path.stem for path in folder.glob("*.sql")}
    assert all(name.startswith("int_") and name.endswith("_rows") for name in rows_models)
    assert {name[4:-5]: name for name in rows_models} == KEPT_MARTS
    marts = {path.stem for path in (DBT_PROJECT_DIR / "models" / "marts").glob("*.sql")}
    assert set(KEPT_MARTS) <= marts
