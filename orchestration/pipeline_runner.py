"""Run the Dagster job in-process for the command line, and turn a failed run into one line.

The command line and the Dagster UI run the same job over the same assets; only the way settings arrive
differs (run config here, environment there).
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

import dagster as dg

from orchestration.run_timing import StepTime, step_times
from orchestration.settings import CompanySettings

# A PostgreSQL source URL reaches the run through this variable, never through the run config: run config
# is stored with the run and shown in the UI, and the URL may carry a password.
SOURCE_URL_VARIABLE = "QUOTAS_RUN_SOURCE_URL"

# The run tags with which Dagster runs a range of partitions as one run (as a single-run backfill does).
ASSET_PARTITION_RANGE_START_TAG = "dagster/asset_partition_range_start"
ASSET_PARTITION_RANGE_END_TAG = "dagster/asset_partition_range_end"


class PipelineFailure(Exception):
    """A run that did not succeed; the message is the one line a person needs to act on."""


@dataclass(frozen=True)
class RunRequest:
    source: str
    """A directory (resolved by the caller) or a postgresql:// URL."""
    warehouse: Path
    as_of: date
    company: CompanySettings
    full_extract: bool = False
    serving_dir: Path | None = None
    full_refresh: bool = False

    def run_config(self) -> dict:
        source: str | dict = self.source
        if "://" in self.source:
            os.environ[SOURCE_URL_VARIABLE] = self.source
            source = {"env": SOURCE_URL_VARIABLE}
        return {
            "resources": {
                "pipeline": {
                    "config": {
                        "source": source,
                        "warehouse": str(self.warehouse),
                        "full_extract": self.full_extract,
                        "as_of_date": self.as_of.isoformat(),
                        "full_refresh": self.full_refresh,
                        **asdict(self.company),
                        "serving_dir": str(self.serving_dir or ""),
                    }
                }
            },
            "loggers": {"asset_progress": {}},
        }


def _partition_arguments(request: RunRequest, first_day: date | None, last_day: date | None) -> dict:
    if first_day is None or last_day is None:
        return {"partition_key": request.as_of.isoformat()}
    if last_day < first_day:
        raise PipelineFailure(f"the range ends ({last_day}) before it starts ({first_day})")
    return {
        "tags": {
            ASSET_PARTITION_RANGE_START_TAG: first_day.isoformat(),
            ASSET_PARTITION_RANGE_END_TAG: last_day.isoformat(),
        }
    }


def _first_failure_message(result: dg.ExecuteInProcessResult) -> str:
    for event in result.all_events:
        if event.is_step_failure and event.step_failure_data and event.step_failure_data.error:
            error = event.step_failure_data.error
            while error.cause is not None and error.cls_name in (
                "DagsterExecutionStepExecutionError",
                "DagsterUserCodeExecutionError",
            ):
                error = error.cause
            if error.cls_name == "DbtInvocationError":
                return "dbt build failed: " + error.message.strip().splitlines()[0]
            return error.message.strip().splitlines()[0]
    return "the run failed (see the Dagster logs)"


def run_pipeline(
    request: RunRequest,
    job_name: str = "quota_pipeline",
    first_day: date | None = None,
    last_day: date | None = None,
) -> list[StepTime]:
    """Execute the job in this process; raise PipelineFailure with one line when it fails, else return
    how long each step took.

    The daily job runs the partition of the as-of date. With `first_day`/`last_day` the job runs the whole
    range of daily partitions as one run (the snapshot models take the range in one dbt invocation).
    """
    from orchestration.definitions import defs
    from orchestration.run_logging import asset_progress_logger

    # Dagster, dbt and their imports are millions of long-lived objects; frozen, the collector stops
    # scanning them again and again while the run makes an event for every asset.
    gc.freeze()

    job = defs.resolve_job_def(job_name).with_logger_defs({"asset_progress": asset_progress_logger})
    # dbt's progress lines are written to stdout by dagster-dbt; they are progress, so they go to stderr
    # and stdout keeps only the results the command prints.
    with contextlib.redirect_stdout(sys.stderr):
        result = job.execute_in_process(
            run_config=request.run_config(),
            instance=dg.DagsterInstance.ephemeral(),
            raise_on_error=False,
            **_partition_arguments(request, first_day, last_day),
        )
    if not result.success:
        raise PipelineFailure(_first_failure_message(result))
    return step_times(result.all_events)
