"""The dbt resource of the assets: the project they run, each invocation in a fork of the run's process.

dagster-dbt's `DbtCliResource` starts `dbt` as a new process (and `dbt --version` before it, and loads the
project and adapter in this process for features not used here); this resource forks the run's process
instead, which has dbt imported already (see dbt_server.py for why and how).
"""

from pathlib import Path

import dagster as dg

from orchestration.defs.transform.dbt_server import DbtInvocation


class DbtResource(dg.ConfigurableResource):
    """The dbt project (its profile beside it) whose models the dbt assets build."""

    project_dir: str

    def invocation(self, args: list[str], target_path: Path, warehouse: Path) -> DbtInvocation:
        return DbtInvocation(args, Path(self.project_dir), target_path, warehouse)
