"""How dbt models appear in Dagster: grouped by the layer they belong to."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator

_GROUP_BY_FOLDER = {"staging": "staging", "intermediate": "credits_ledger", "marts": "marts"}


class QuotaDbtTranslator(DagsterDbtTranslator):
    def get_asset_spec(self, manifest: Mapping[str, Any], unique_id: str, project: Any | None) -> dg.AssetSpec:
        spec = super().get_asset_spec(manifest, unique_id, project)
        node = manifest["nodes"].get(unique_id) or manifest["sources"].get(unique_id) or {}
        folders = node.get("fqn", [])[1:2]
        group = _GROUP_BY_FOLDER.get(folders[0]) if folders else None
        if node.get("resource_type") == "seed":
            group = "reference"
        if "snapshot_history" in node.get("tags", []):
            group = "snapshots"
        return spec.replace_attributes(group_name=group) if group else spec
