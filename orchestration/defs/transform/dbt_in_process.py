"""dbt runs inside the run's own process instead of a child process.

A child `dbt` pays Python's start-up and dbt's imports on every invocation: about 2.5 s here, most of
which the run's process has already paid (dagster-dbt imports dbt-core's adapters, contracts and events),
and the child's structured log is then serialised to JSON, piped, parsed and logged again by Dagster. So
the invocation uses dbt's programmatic entry point (`dbtRunner`) on a worker thread of this process. dbt
still prints its own progress lines; its result events reach this thread through a callback, and become
Dagster events through dagster-dbt's own event class, exactly as if they had been read from a child's
JSON log (`to_default_asset_events`).

The DuckDB file is released when the invocation ends: dbt-duckdb keeps the database open in a class-wide
environment for later invocations (a child process dropped it on exit), so it is closed here through
dbt-duckdb's own exit hook; the steps after dbt (the serving copy, the notification tick) then open the
warehouse as before.
"""

from __future__ import annotations

import contextlib
import gc
import os
import queue
import shutil
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dagster_dbt.core.dbt_cli_event import DbtCoreCliEventMessage

# The events that carry a node's result; everything else is progress, printed by dbt itself.
RESULT_EVENT_NAMES = frozenset({"LogModelResult", "LogSeedResult", "LogSnapshotResult", "LogTestResult"})
# dbt's debug log of every statement costs about a tenth of dbt's time on small data (each line is
# formatted and written under a lock); the file keeps info and above unless DBT_LOG_LEVEL_FILE says otherwise.
FILE_LOG_LEVEL_VARIABLE = "DBT_LOG_LEVEL_FILE"
DEFAULT_FILE_LOG_LEVEL = "info"

# The profile (dbt_project/profiles.yml) reads the warehouse's path from this variable.
WAREHOUSE_VARIABLE = "QUOTAS_WAREHOUSE"
PARTIAL_PARSE_FILE = "partial_parse.msgpack"

_FINISHED = object()


class DbtInvocationError(Exception):
    """A dbt invocation that did not succeed; the first line says what failed first."""


def in_process_arguments(args: list[str], project_dir: Path, target_path: Path) -> list[str]:
    """The command line dbt is given: the run's arguments, with the project, profile, target and log
    directories explicit (a child process got them from its working directory and environment)."""
    located = [
        *args,
        "--project-dir",
        str(project_dir),
        "--profiles-dir",
        str(project_dir),
        "--target-path",
        str(target_path),
        "--log-path",
        str(target_path),
        "--no-send-anonymous-usage-stats",
    ]
    if FILE_LOG_LEVEL_VARIABLE not in os.environ:
        located += ["--log-level-file", DEFAULT_FILE_LOG_LEVEL]
    return located


def event_summary(message: Any) -> dict[str, Any] | None:
    """The JSON form of one of dbt's events (as dbt's JSON log writes it), for the events this run reads:
    node results and errors. None for the rest, which are not converted at all."""
    from dbt_common.events.functions import msg_to_dict

    if message.info.name in RESULT_EVENT_NAMES or message.info.level == "error":
        return msg_to_dict(message)
    return None


def release_warehouse() -> None:
    """Close the DuckDB database dbt-duckdb keeps open between invocations in one process."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    DuckDBConnectionManager.close_all_connections()
    gc.collect()  # the environment sits in reference cycles; the file is released when it is freed


@contextlib.contextmanager
def warehouse_opened_by_name(warehouse: Path) -> Iterator[None]:
    """While dbt runs, the profile's warehouse is the file's name, opened from the file's directory.

    dbt keeps its parse of the project (partial_parse.msgpack) only for the connection it was made
    with, and the connection includes the DuckDB path: given the full path, each new warehouse directory
    (every test's, a second warehouse of a user) paid a full parse, about 5 s. By name, a parse serves
    every warehouse file of that name. The working directory is the process's; nothing else runs while
    the caller waits for dbt's events, and both are restored when dbt ends."""
    directory = os.getcwd()
    path_setting = os.environ.get(WAREHOUSE_VARIABLE)
    os.chdir(warehouse.parent)
    os.environ[WAREHOUSE_VARIABLE] = warehouse.name
    try:
        yield
    finally:
        os.chdir(directory)
        if path_setting is None:
            os.environ.pop(WAREHOUSE_VARIABLE, None)
        else:
            os.environ[WAREHOUSE_VARIABLE] = path_setting


def seed_partial_parse(project_dir: Path, target_path: Path) -> None:
    """A new target directory starts from the project's own parse (made by `ensure_manifest` for a
    warehouse named like the default one); dbt checks that it still holds and parses again if not."""
    own = target_path / PARTIAL_PARSE_FILE
    seed = project_dir / "target" / PARTIAL_PARSE_FILE
    if not own.exists() and seed.exists():
        shutil.copyfile(seed, own)


@dataclass
class InProcessDbtInvocation:
    """One dbt command run in this process; iterate `events()` to run it and read its results."""

    args: list[str]
    project_dir: Path
    target_path: Path
    warehouse: Path
    """The DuckDB file the profile opens (absolute)."""
    errors: list[str] = field(default_factory=list)
    """dbt's error messages (its results of failed nodes aside), in the order dbt wrote them."""

    @property
    def command(self) -> str:
        return "dbt " + " ".join(self.args)

    def events(self) -> Iterator[DbtCoreCliEventMessage]:
        """Run dbt and yield each node's result as it finishes; raise DbtInvocationError if dbt failed.

        dbt runs on a worker thread (its callback only queues event summaries), so this generator and
        the Dagster events made from it stay on the caller's thread."""
        from dbt.cli.main import dbtRunner

        self.target_path.mkdir(parents=True, exist_ok=True)
        pending: queue.Queue[Any] = queue.Queue()
        outcome: dict[str, Any] = {}

        def on_event(message: Any) -> None:
            summary = event_summary(message)
            if summary is not None:
                pending.put(summary)

        def invoke() -> None:
            try:
                runner = dbtRunner(callbacks=[on_event])
                outcome["result"] = runner.invoke(in_process_arguments(self.args, self.project_dir, self.target_path))
            except BaseException as error:  # reported on the caller's thread
                outcome["error"] = error
            finally:
                pending.put(_FINISHED)

        seed_partial_parse(self.project_dir, self.target_path)
        # The objects already here (Dagster's, dbt's modules, the manifest) outlive the invocation; frozen,
        # the collector stops scanning them again during dbt's run (about a second of a small run)
        gc.freeze()
        with warehouse_opened_by_name(self.warehouse.resolve()):
            worker = threading.Thread(target=invoke, name="dbt", daemon=True)
            worker.start()
            try:
                while (summary := pending.get()) is not _FINISHED:
                    if summary["info"]["name"] in RESULT_EVENT_NAMES:
                        yield DbtCoreCliEventMessage(raw_event=summary, event_history_metadata={})
                    else:
                        self.errors.append(summary["info"]["msg"])
            finally:
                worker.join()
                gc.unfreeze()
                release_warehouse()
        self._raise_unless_successful(outcome)

    def _raise_unless_successful(self, outcome: Mapping[str, Any]) -> None:
        if "error" in outcome:
            raise DbtInvocationError(f"{self.command}: {outcome['error']}") from outcome["error"]
        result = outcome["result"]
        if result.success:
            return
        messages = [*self.errors]
        if result.exception is not None:
            messages.append(str(result.exception))
        first = headline(messages[0]) if messages else "see dbt's log"
        detail = "\n".join(message.strip() for message in messages[1:])
        raise DbtInvocationError(f"{first}\n{detail}\n(command: {self.command}; log: {self.target_path / 'dbt.log'})")


def headline(message: str) -> str:
    """One line of one of dbt's error messages: its heading and the first line under it (dbt writes
    "Runtime Error in model quotas (models/marts/quotas.sql)", then the database's own words)."""
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    return ": ".join(lines[:2])
