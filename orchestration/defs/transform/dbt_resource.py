"""The dbt CLI resource, without a dbt start-up spent on asking dbt for its version.

dagster-dbt runs `dbt --version` before each invocation to learn which engine it drives: a full dbt
start-up (about 3 s here), twice per daily run. dbt-core is pinned by the lock file and installed in this
environment, so its version is read from the package metadata instead. (This overrides a private member
of dagster-dbt 0.29; the pin in uv.lock keeps it valid, and test_dagster_definitions checks it.)
"""

from functools import cached_property
from importlib.metadata import version as installed_version

from dagster_dbt import DbtCliResource
from packaging.version import Version


class QuotaDbtCliResource(DbtCliResource):
    @cached_property
    def _cli_version(self) -> Version:
        return Version(installed_version("dbt-core"))
