"""The dbt CLI resource, without the dbt start-up work dagster-dbt does in this process before each run.

dagster-dbt runs `dbt --version` before each invocation to learn which engine it drives: a full dbt
start-up (about 3 s here), twice per daily run. dbt-core is pinned by the lock file and installed in this
environment, so its version is read from the package metadata instead. It also loads the dbt project,
profile and adapter in this process (about 1 s) for features this project does not use (fetching row
counts and column metadata after a run), so that is skipped too. (This overrides private members of
dagster-dbt 0.29; the pin in uv.lock keeps it valid, and test_dagster_definitions checks it.)
"""

from collections.abc import Sequence
from functools import cached_property
from importlib.metadata import version as installed_version

from dagster_dbt import DbtCliResource
from packaging.version import Version


class QuotaDbtCliResource(DbtCliResource):
    @cached_property
    def _cli_version(self) -> Version:
        return Version(installed_version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> None:  # type: ignore[override]
        return None
