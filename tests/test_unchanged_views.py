"""A run leaves a view as it is when its SQL did not change, and replaces it when it did.

dbt_project/macros/unchanged_views.sql fingerprints each view's compiled SQL; a view with the same
fingerprint is not replaced (dbt's own materialization replaced every view on every run). Here a built tiny
warehouse is run again on the same day, then on the next day, and the views dbt replaced are compared with
the views whose definitions DuckDB holds changed, read independently from DuckDB's catalogue.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from orchestration.defs.transform.project import ensure_manifest
from orchestration.warehouse import connect
from tests.conftest import TINY_AS_OF, TINY_TIMEZONE
from tests.support.warehouse import copy_warehouse, reload_source


def _view_results(warehouse: Path) -> dict[str, str]:
    """Each view model of the last dbt invocation on `warehouse`, with the message dbt gave it."""
    results = json.loads((warehouse.parent / "dbt_target" / "run_results.json").read_text())["results"]
    nodes = json.loads(ensure_manifest().read_text())["nodes"]
    views = {}
    for result in results:
        node = nodes.get(result["unique_id"])
        if node and node["resource_type"] == "model" and node["config"]["materialized"] == "view":
            views[f"{node['schema']}.{node['alias']}"] = result["adapter_response"].get("_message", "")
    return views


def _view_definitions(warehouse: Path) -> dict[str, str]:
    with connect(warehouse, read_only=True) as con:
        rows = con.execute("select schema_name || '.' || view_name, sql from duckdb_views() where not internal")
        return dict(rows.fetchall())


def _served_as_of(warehouse: Path) -> set:
    with connect(warehouse, read_only=True) as con:
        return {day for (day,) in con.execute("select distinct as_of_date from marts.quota_progress").fetchall()}


def test_a_run_on_the_same_day_replaces_no_view_and_the_next_day_only_the_views_whose_sql_changed(
    tiny_dbt_warehouse: Path, tiny_source: Path, tmp_path: Path
) -> None:
    warehouse = copy_warehouse(tiny_dbt_warehouse, tmp_path)
    built = _view_definitions(warehouse)

    reload_source(warehouse, tiny_source, TINY_AS_OF, TINY_TIMEZONE)

    same_day = _view_results(warehouse)
    assert len(same_day) > 30 and set(same_day.values()) == {"UNCHANGED"}
    assert _view_definitions(warehouse) == built

    next_day = TINY_AS_OF + timedelta(days=1)
    reload_source(warehouse, tiny_source, next_day, TINY_TIMEZONE)

    replaced = {view for view, message in _view_results(warehouse).items() if message != "UNCHANGED"}
    redefined = {view for view, sql in _view_definitions(warehouse).items() if built.get(view) != sql}
    # the marts that add the as-of date to their kept rows are views whose SQL names the date
    assert "marts.quota_progress" in replaced
    assert replaced == redefined
    assert len(replaced) < len(same_day) / 2
    assert _served_as_of(warehouse) == {next_day}


def test_a_view_without_a_stored_fingerprint_is_replaced_and_then_left(
    tiny_dbt_warehouse: Path, tiny_source: Path, tmp_path: Path
) -> None:
    warehouse = copy_warehouse(tiny_dbt_warehouse, tmp_path)
    # a warehouse built before the fingerprints were kept, or one view's changed by hand
    with connect(warehouse) as con:
        con.execute("delete from _dbt_state.view_definitions where view_name like '%stg_crm__deals%'")
        con.execute("create or replace view staging.stg_crm__deals as select 1 as stale")

    reload_source(warehouse, tiny_source, TINY_AS_OF, TINY_TIMEZONE)

    results = _view_results(warehouse)
    assert results["staging.stg_crm__deals"] != "UNCHANGED"
    assert {message for view, message in results.items() if view != "staging.stg_crm__deals"} == {"UNCHANGED"}
    assert (
        _view_definitions(warehouse)["staging.stg_crm__deals"]
        == _view_definitions(tiny_dbt_warehouse)["staging.stg_crm__deals"]
    )

    reload_source(warehouse, tiny_source, TINY_AS_OF, TINY_TIMEZONE)
    assert set(_view_results(warehouse).values()) == {"UNCHANGED"}
