"""The dbt resource of the assets: the project they run, invoked in the run's own process.

dagster-dbt's `DbtCliResource` starts `dbt` as a child process (and `dbt --version` before it, and loads the
project and adapter in this process for features not used here); this resource runs dbt's programmatic
entry point in this process instead (see dbt_in_process.py for why and how).
"""

from pathlib import Path

import dagster as dg

from orchestration.defs.transform.dbt_in_process import InProcessDbtInvocation


class InProcessDbtResource(dg.ConfigurableResource):
    """The dbt project (its profile beside it) whose models the dbt assets build."""

    project_dir: str

    def invocation(self, args: list[str], target_path: Path, warehouse: Path) -> InProcessDbtInvocation:
        return InProcessDbtInvocation(args, Path(self.project_dir), target_path, warehouse)
